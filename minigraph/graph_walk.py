"""Walks over the ops of a graph: what some ops need, what some tensors feed, in which order.

Every walk is iterative, with an explicit stack, so a chain of 100,000 ops is as easy as one of
ten (Python's recursion limit is about 1,000). No walk is needed for an order: an op can only be
created after its inputs, so creation order (`op._id`) is already a topological order.

`tf.gradients` (the ops between xs and ys), `Session.run`'s pruning (the ops the fetches need),
`minimize()` (the batch-norm updates a loss depends on) and the pictures of `minigraph.viz`
(the ops some fetches need) all walk with these functions. They only read `op.inputs`,
`op._control_inputs`, `op.outputs` and `tensor._consumers`, so this module imports nothing.
"""

from __future__ import annotations

import operator
from typing import Callable, Iterable, Optional


def ops_needed(seeds: Iterable, stop: Iterable = (), control_inputs: bool = True,
               inputs_of: Optional[Callable] = None, within: Optional[dict] = None) -> dict:
    """The ops that `seeds` (operations) depend on, the seeds included, as `{id(op): op}`.

    A walk back through inputs, and through control inputs unless `control_inputs` is False,
    that does not go past a tensor in `stop` (tensors a run feeds, or `stop_gradients`).
    `inputs_of(op)` chooses which input tensors to follow (default: all of `op.inputs`); with
    `within` (a `{id(op): op}` such as `ops_fed_by` returns), the walk stays inside those ops.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, name="x")
        ...     y = tf.square(x, name="y")
        ...     z = tf.add(y, 1.0, name="z")
        ...     print(sorted(op.name for op in ops_needed([z.op]).values()))
        ...     print(sorted(op.name for op in ops_needed([z.op], stop=[y]).values()))
        ['x', 'y', 'z', 'z/y']
        ['z', 'z/y']
    """
    stopped = {id(t) for t in stop}
    needed = {}
    stack = list(seeds)
    while stack:
        op = stack.pop()
        key = id(op)
        if key in needed or (within is not None and key not in within):
            continue
        needed[key] = op
        for t in op.inputs if inputs_of is None else inputs_of(op):
            if stopped and id(t) in stopped:
                continue
            producer = t.op
            if id(producer) not in needed:
                stack.append(producer)
        if control_inputs and op._control_inputs:
            stack.extend(c for c in op._control_inputs if id(c) not in needed)
    return needed


def ops_fed_by(tensors: Iterable, within: Optional[dict] = None) -> dict:
    """The ops that consume `tensors`, directly or through other ops, as `{id(op): op}`.

    A walk forward through consumers (data edges only); with `within` (a `{id(op): op}` such
    as `ops_needed` returns), it stays inside those ops.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, name="x")
        ...     y = tf.square(x, name="y")
        ...     z = tf.negative(y, name="z")
        ...     print(sorted(op.name for op in ops_fed_by([x]).values()))
        ['y', 'z']
    """
    reached = {}
    stack = [op for t in tensors for op in t._consumers]
    while stack:
        op = stack.pop()
        key = id(op)
        if key in reached or (within is not None and key not in within):
            continue
        reached[key] = op
        for t in op.outputs:
            stack.extend(t._consumers)
    return reached


_creation_index = operator.attrgetter("_id")


def in_creation_order(ops: Iterable) -> list:
    """`ops` sorted by creation: inputs before the ops that use them (a topological order).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     a = tf.constant(1.0, name="a")
        ...     b = tf.negative(a, name="b")
        ...     print([op.name for op in in_creation_order([b.op, a.op])])
        ['a', 'b']
    """
    return sorted(ops, key=_creation_index)

