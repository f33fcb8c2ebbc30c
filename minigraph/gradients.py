"""Reverse-mode automatic differentiation that builds the gradient as more graph.

`gradients(ys, xs)` works in four steps, none of them recursive (a 100,000-op chain is fine):

1. walk back from `ys` to find every op that can influence them (`graph_walk.ops_needed`);
2. walk forward from `xs`, keeping only those ops: the ops *between* xs and ys
   (`graph_walk.ops_fed_by`);
3. visit them in reverse creation order, which is a reverse topological order because an op is
   always created after its inputs. Each output's incoming gradients are summed with `AddN`, then
   the op's registered gradient function turns them into gradients for its inputs, building ops
   under `gradients/<op name>_grad/`;
4. return, for each x, its summed gradient, or None if no path connects it to ys.

Because every gradient is made of ordinary ops, it can be run, drawn, and differentiated again.
"""

from __future__ import annotations

import itertools
from typing import Optional

import numpy as np

from minigraph import gc_policy, graph_walk, registry
from minigraph.ops import array_ops, math_ops
from minigraph.tensor import Tensor, _graph_of, _suffixed, convert_to_tensor

# The graph collection of the name scopes `gradients` built its ops in ("gradients",
# "train/gradients_1", "grads"), one string per call, so that pictures (minigraph.viz) can tell
# the backward pass from the forward one without guessing from op names.
GRADIENT_SCOPES = "gradient_scopes"


def _as_tensor_list(values) -> list:
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        values = [values]
    return [convert_to_tensor(v) for v in values]


class _Paths:
    """Steps 1 and 2: the ops a gradient can flow through back to an x, in creation order, and
    the tensors that want a gradient.

    An op passes gradients on when it is not NotDifferentiable and one of its inputs wants a
    gradient; a tensor wants one when it is an x, or when it is not a stop tensor and its op
    passes gradients on. Nothing is built for the other tensors. Only ops that xs feed can
    pass a gradient back to one (as TF1, the walk never visits constants). There is no walk
    back from ys: an op that leads to no y gets no gradient, and step 3 passes over it after
    one dict look-up, as cheap as a walk would visit it."""

    # NOTE: tensors and operations hash by identity, so they are their own set members.

    def __init__(self, xs: list, stop: list):
        self.xs = xs = set(xs)
        self.stop = stop = set(stop)
        # xs, and the outputs (but stop tensors) of the ops that pass gradients on.
        self.wanted_tensors = set(xs)
        ops = _conducting_by_index(xs, stop, self.wanted_tensors)
        if ops is None:
            self.wanted_tensors = set(xs)
            ops = _conducting_in_creation_order(xs, stop, self.wanted_tensors)
        self.ops = ops

    def wanted(self, t: Tensor) -> bool:
        """Whether a gradient of tensor `t` can reach an x."""
        return t in self.wanted_tensors


def _conducting_by_index(xs: set, stop: set, wanted: set) -> Optional[list]:
    """The ops that pass gradients on, in creation order, adding the tensors that want a
    gradient to `wanted`; None (and `wanted` to be thrown away) unless xs are of one graph
    whose ops are numbered by their place in `graph._ops` (always, but for tensors captured
    into a function graph).

    Whether an op passes gradients on does not depend on the order the ops are seen in: it
    does when it is reached from xs through tensors that want a gradient. So this walks from
    xs along those in any order, marks the ops it reaches in a bytearray by creation number
    and reads them off in order: no dict of a graph's size, no sort, one visit per op.
    """
    graphs = {t.op.graph for t in xs}
    if len(graphs) != 1:
        return None
    all_ops = graphs.pop()._ops
    reached = bytearray(len(all_ops))
    gradient_functions = registry._GRADIENTS
    stack = [op for t in xs for op in t._consumers]
    try:
        while stack:
            op = stack.pop()
            index = op._id
            if index < 0 or all_ops[index] is not op:
                return None
            if reached[index] or gradient_functions.get(op.type, True) is None:
                continue  # seen, or NotDifferentiable
            reached[index] = 1
            outputs = op.outputs
            if stop:
                outputs = [t for t in outputs if t not in stop]
            wanted.update(outputs)
            for t in outputs:
                stack.extend(t._consumers)
    except IndexError:
        return None
    return list(itertools.compress(all_ops, reached))


def _conducting_in_creation_order(xs: set, stop: set, wanted: set) -> list:
    """`_conducting_by_index` for xs of several graphs: the ops xs feed
    (`graph_walk.ops_fed_by`) in creation order, each kept if one of its inputs is in
    `wanted` by then (its inputs are made before it) and it is not NotDifferentiable."""
    ops = []
    gradient_functions = registry._GRADIENTS
    fed = graph_walk.in_creation_order(graph_walk.ops_fed_by(xs).values())
    for op in fed:
        if _unwanted(op.inputs, wanted) is None or gradient_functions.get(op.type, True) is None:
            continue
        ops.append(op)
        wanted.update(t for t in op.outputs if t not in stop)
    return ops


def _unwanted(inputs: tuple, wanted: set) -> Optional[tuple]:
    """The indices of the `inputs` not in `wanted`, or None if none of them is in it."""
    n = len(inputs)
    if n == 1:
        return () if inputs[0] in wanted else None
    if n == 2:  # (x * 2.0, 2.0 * x: the common case, no list)
        first, second = inputs
        if first in wanted:
            return () if second in wanted else (1,)
        return (0,) if second in wanted else None
    flags = [t in wanted for t in inputs]
    if True not in flags:
        return None
    return tuple(i for i, w in enumerate(flags) if not w)


def _initial_grad(y: Tensor, grad_y, index: int) -> Tensor:
    name = f"grad_ys_{index}"
    if grad_y is not None:
        grad_y = convert_to_tensor(grad_y, dtype=y.dtype)
        if not y.shape.is_compatible_with(grad_y.shape):
            raise ValueError(
                f"grad_ys[{index}] has shape {grad_y.shape}, incompatible with ys[{index}] "
                f"{y.name} of shape {y.shape}."
            )
        return grad_y
    if y.shape.is_fully_defined():
        return convert_to_tensor(np.ones(y.shape.as_list(), dtype=y.dtype.np), name=name)
    return array_ops.ones_like(y, name=name)


@gc_policy.paused
def gradients(ys, xs, grad_ys=None, name: str = "gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None) -> list:
    """Symbolic derivatives of `sum(ys)` with respect to each of `xs`.

    Args:
        ys: a tensor or list of tensors to differentiate.
        xs: a tensor or list of tensors (often Variables) to differentiate with respect to.
        grad_ys: optional incoming gradients, one per y (default: ones).
        name: the name scope of the gradient ops.
        stop_gradients: tensors treated as constants: no gradient flows through them.

    Returns:
        One tensor per x, or None where x does not influence ys.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.constant(2.0)
        ...     dy, = tf.gradients(x ** 3, [x])
        ...     d2y, = tf.gradients(dy, [x])
        ...     with tf.Session() as sess:
        ...         print([float(v) for v in sess.run([dy, d2y])])
        [12.0, 12.0]
    """
    ys = _as_tensor_list(ys)
    xs = _as_tensor_list(xs)
    grad_ys = _grad_ys_list(grad_ys, ys)
    graph = _graph_of(ys + xs, "gradients")
    stop_tensors = _as_tensor_list(stop_gradients)

    # NOTE: gradient ops go into the graph of ys, which need not be the default graph.
    with graph.as_default(), graph.name_scope(name) as scope:
        if scope:
            graph.add_to_collection(GRADIENT_SCOPES, scope[:-1])
        paths = _Paths(xs, stop_tensors)
        grads = {}
        for i, y in enumerate(ys):
            if grad_ys[i] is not None or paths.wanted(y):
                _collect(grads, y, _initial_grad(y, grad_ys[i], i))
        _backpropagate(graph, paths, grads)
        return [_sum(grads.get(x)) for x in xs]


def _grad_ys_list(grad_ys, ys: list) -> list:
    """One incoming gradient per y: the given ones, or None (meaning ones) for each."""
    if grad_ys is None:
        return [None] * len(ys)
    if not isinstance(grad_ys, (list, tuple)):
        grad_ys = [grad_ys]
    if len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    return list(grad_ys)


def _backpropagate(graph, paths: _Paths, grads: dict) -> None:
    """Step 3: visits the ops that pass gradients back to xs in reverse creation order and
    collects into `grads` (see `_collect`) what each op's gradient function returns for the
    inputs that want one. The gradient function is told which those are (`op.needs_grad(i)`)
    and builds nothing for the others.

    NOTE: one iteration per op of a graph as big as the user's, so the common case (one
    output, one incoming gradient) is written out here: the gradient is passed without a list
    or tuple, and the scope name is made without a `with` block."""
    xs, stop = paths.xs, paths.stop
    wanted = paths.wanted_tensors
    gradient_functions = registry._GRADIENTS
    scope, names = graph._name_stack, graph._names_in_use
    prefix = scope + "/" if scope else ""
    for op in reversed(paths.ops):
        outputs = op.outputs
        if len(outputs) == 1:  # most ops: one output, so one gradient to pass in
            out = outputs[0]
            # Every gradient of `out` came from its consumers, visited before its op: what
            # was collected for it is read once, so `grads` holds only the frontier of the
            # walk (a few small-dict look-ups, not a table of the graph's size); an x's stays.
            grad = grads.get(out) if out in xs else grads.pop(out, None)
            if grad is None or (stop and out in stop):
                continue
            if grad.__class__ is list:
                grad = math_ops.add_n(grad)
            out_grads = None
        else:
            out_grads = _output_grads(outputs, grads, stop)
            if out_grads is None:
                continue
        grad_fn = gradient_functions.get(op.type)
        if grad_fn is None:
            grad_fn = registry.get_gradient_function(op)  # raises LookupError naming the op
        # `grad_fn(op, *out_grads)` under `<op name>_grad/` (a name scope without its `with`
        # block), with the unwanted inputs marked on the op (`op.needs_grad`) while it runs
        skipped = _unwanted(op.inputs, wanted)
        previous_skipped = op._skipped_inputs
        op._skipped_inputs = skipped
        graph._name_stack = _grad_scope(names, prefix, op.name)
        try:
            in_grads = grad_fn(op, grad) if out_grads is None else grad_fn(op, *out_grads)
        finally:
            op._skipped_inputs = previous_skipped
            graph._name_stack = scope
        _add_input_grads(op, in_grads, skipped, wanted, grads)


def _add_input_grads(op, in_grads, skipped: tuple, wanted: set, grads: dict) -> None:
    """Checks what `op`'s gradient function returned and collects each wanted input's
    gradient into `grads` (a first one without a call: most tensors get only one)."""
    inputs = op.inputs
    kind = in_grads.__class__
    if (kind is not tuple and kind is not list) or len(in_grads) != len(inputs):
        in_grads = _check_input_grads(op, in_grads)
    for t, g in zip(inputs, in_grads):
        if g is None:
            continue
        if g.__class__ is not Tensor or g._shape is not t._shape or g.dtype is not t.dtype:
            _check_input_grad(op, t, g)
        if skipped and t not in wanted:
            continue
        if t in grads:
            _collect(grads, t, g)
        else:
            grads[t] = g


def _collect(grads: dict, t: Tensor, g) -> None:
    """Adds `g` to the incoming gradients of `t` in `grads`: the one gradient itself, or a
    list of them in the order they came (most tensors get one: no list for those)."""
    collected = grads.get(t)
    if collected is None:
        grads[t] = g
    elif collected.__class__ is list:
        collected.append(g)
    else:
        grads[t] = [collected, g]


def _sum(grads) -> Optional[Tensor]:
    """The sum of what `_collect` collected for one tensor: None, the one gradient, or the
    `AddN` of the list."""
    if grads.__class__ is list:
        return math_ops.add_n(grads)
    return grads


def _output_grads(outputs, grads: dict, stop: set) -> Optional[list]:
    """The summed incoming gradient of each of several outputs (None for one that has none),
    or None if none has one. A stopped tensor gets its own gradient (if it is an x) but
    passes none on."""
    out_grads = [None if t in stop else grads.get(t) for t in outputs]
    if not any(g is not None for g in out_grads):
        return None
    return [_sum(g) for g in out_grads]


def _grad_scope(names: dict, prefix: str, op_name: str) -> str:
    """`graph.unique_name(op_name + "_grad")` under the scope `prefix` ("gradients/", or ""),
    written out with the graph's table of `names` (the name scope of an op's gradient ops:
    `gradients/mul_grad`)."""
    name = f"{prefix}{op_name}_grad"
    key = name.lower()
    i = names.get(key, 0)
    names[key] = i + 1
    return _suffixed(names, name, key, i) if i else name


def _check_input_grads(op, in_grads):
    """`in_grads` as a list or tuple of one gradient per input; ValueError naming the op for
    the wrong count (each gradient is checked by `_check_input_grad`)."""
    if not isinstance(in_grads, (list, tuple)):
        in_grads = [in_grads]
    if len(in_grads) != len(op.inputs):
        raise ValueError(
            f"The gradient function of '{op.name}' (op type: {op.type}) returned "
            f"{len(in_grads)} gradients for {len(op.inputs)} inputs."
        )
    return in_grads


def _check_input_grad(op, t: Tensor, g) -> None:
    """ValueError or TypeError naming the op if gradient `g` of input `t` has an incompatible
    shape or another dtype."""
    if g.shape is t.shape and g.dtype is t.dtype:
        return
    if not t.shape.is_compatible_with(g.shape):
        raise ValueError(
            f"The gradient function of '{op.name}' (op type: {op.type}) returned a gradient "
            f"of shape {g.shape} for input {t.name} of shape {t.shape}."
        )
    if g.dtype != t.dtype:
        raise TypeError(
            f"The gradient function of '{op.name}' (op type: {op.type}) returned a gradient "
            f"of dtype {g.dtype.name} for input {t.name} of dtype {t.dtype.name}."
        )
