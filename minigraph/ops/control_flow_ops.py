"""Ops that order work rather than compute values: `no_op`, `group`, `tuple`."""

from __future__ import annotations

import builtins

from minigraph import shapes
from minigraph.graph import graph_of
from minigraph.ops import array_ops
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import apply_op


# ---------------------------------------------------------------- NoOp
def no_op(name=None):
    """An op that does nothing; with control inputs it is a handle for "run all of these"."""
    return apply_op("NoOp", [], name=name)


define_op("NoOp", kernel=lambda: None, shape=shapes.no_outputs)
NotDifferentiable("NoOp")


def _as_op(x):
    if hasattr(x, "_as_graph_element"):
        x = x._as_graph_element()
    return getattr(x, "op", x)


def _flatten(items):
    stack, result = [items], []
    while stack:
        item = stack.pop()
        if isinstance(item, (list, builtins.tuple, set)):
            stack.extend(reversed(list(item)))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif item is not None:
            result.append(item)
    return result


def group(*inputs, name=None):
    """One op that runs all `inputs` (ops or tensors, nested lists allowed) and returns nothing.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     a, b = tf.Variable(1.0), tf.Variable(2.0)
        ...     print(tf.group(a.initializer, b.initializer, name="init"))
        <tf.Operation 'init' type=NoOp>
    """
    ops = [_as_op(x) for x in _flatten(list(inputs))]
    graph = graph_of(ops)
    # NOTE: the NoOp has no inputs, so it is built in the graph of its control inputs, which
    # need not be the default graph (e.g. `variables_initializer` on another graph's variables).
    with graph.as_default(), graph.control_dependencies(ops):
        return no_op(name=name or "group_deps")


def with_dependencies(dependencies, output_tensor, name=None):
    """`output_tensor`'s value, produced only after every op in `dependencies` has run."""
    graph = graph_of([output_tensor])
    with graph.as_default(), graph.control_dependencies(dependencies):
        return array_ops.identity(output_tensor, name=name)


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF1's name
    """The same tensors, each available only once all of them have been computed."""
    tensors = list(tensors)
    gate = group(*tensors, *(control_inputs or []))
    return [None if t is None else with_dependencies([gate], t) for t in tensors]
