"""`tf.cond` and `tf.case`: functional `If` and `Case` ops that run only the branch taken.

Each branch function is traced once into a function graph (`minigraph.function_graph`). The
`If` op holds the two graphs as attrs and takes the predicate plus every tensor the branches
captured from outside; when it runs, its kernel runs the plan of the branch the predicate
picks, and nothing of the other: an untaken branch that would divide by zero, assign a variable
or draw random numbers does none of it. `Case` is the same with a branch index and N branches.

Outputs: one per returned tensor, the two branches' dtypes equal and their static shapes
merged into the most specific shape both fit (`(2, 3)` and `(2, ?)` give `(2, ?)`).

Gradients (TF2's design): the gradient of an `If` is another `If` on the same predicate whose
branches are the gradients of the forward branches, traced with a `ForwardLink`; a forward
value a gradient branch needs (the `y` of `Tanh`'s gradient) becomes an extra output of the
forward `If`, which holds the value when its branch ran (None otherwise, never read then: the
gradient `If` takes the same branch). Since the gradient is an `If` like any other, it has a
gradient too (second derivatives). A plan computes an extra output only when it reads it.
"""

from __future__ import annotations

import functools

from minigraph import dtypes, function_graph, nest, shapes
from minigraph.function_graph import ForwardLink, FuncGraph
from minigraph.gradients import gradients as build_gradients
from minigraph.graph import control_dependencies, get_default_graph, name_scope
from minigraph.ops import array_ops, check_ops, math_ops
from minigraph.registry import RegisterGradient, define_op
from minigraph.tensor import Operation, Tensor, apply_op, convert_to_tensor


# ---------------------------------------------------------------- If
def cond(pred, true_fn=None, false_fn=None, strict: bool = False, name=None, fn1=None,
         fn2=None):
    """`true_fn()` if `pred` is true, else `false_fn()`: only the branch taken runs.

    Args:
        pred: a scalar boolean tensor (a Python bool is refused, as in TF1: use an `if`).
        true_fn, false_fn: functions of no arguments, returning the same structure (nested
            lists, tuples, dicts, namedtuples) of tensors of the same dtypes. Tensors from
            outside that they use are captured; ops they build run only in their branch.
        strict: if False (TF1's default), a result that is a list or tuple of one element is
            returned as that element.
        name: the name of the op (default "cond").
        fn1, fn2: TF1's deprecated names of `true_fn` and `false_fn`.

    Returns:
        The taken branch's results, in their structure.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [], name="x")
        ...     y = tf.cond(x > 0.0, lambda: tf.sqrt(x), lambda: -x)
        ...     with tf.Session() as sess:
        ...         print(sess.run(y, {x: 4.0}), sess.run(y, {x: -3.0}))
        2.0 3.0
    """
    true_fn = _pick_fn(true_fn, fn1, "true_fn", "fn1")
    false_fn = _pick_fn(false_fn, fn2, "false_fn", "fn2")
    if isinstance(pred, bool):
        raise TypeError("'pred' must not be a Python bool.")
    with name_scope(name, "cond", [pred]) as scope:
        pred = _check_selector(convert_to_tensor(pred), dtypes.bool, "pred", "If", scope)
        graphs, results = _trace_branches([("true_fn", true_fn, True), ("false_fn", false_fn,
                                                                          False)], scope, strict)
        _check_same_structure(results, ("true_fn", "false_fn"), "tf.cond")
        _check_tensor_arrays(graphs, results, ("true_fn", "false_fn"), "tf.cond")
        _check_same_dtypes(graphs)
        outputs = _functional_op("If", pred, graphs, scope)
        return _pack_results(results[0], outputs)


def _pick_fn(fn, old_fn, name: str, old_name: str):
    if fn is not None and old_fn is not None:
        raise TypeError(f"cond(): {name} and {old_name} may not be set simultaneously.")
    fn = fn if fn is not None else old_fn
    if fn is None:
        raise TypeError(f"cond(): '{name}' argument required")
    if not callable(fn):
        raise TypeError(f"'{name}' must be callable.")
    return fn


def _check_selector(selector: Tensor, dtype, what: str, op_type: str, scope: str) -> Tensor:
    """`pred` (or `branch_index`) checked: of `dtype`, a scalar (TF1's errors)."""
    if selector.dtype != dtype:
        raise TypeError(
            f"Input '{what}' of '{op_type}' Op ('{scope[:-1]}') has type {selector.dtype.name} "
            f"that does not match expected type of {dtype.name}."
            + (" Compare first, e.g. tf.cond(x > 0, ...)." if what == "pred" else "")
        )
    if selector.shape.ndims not in (None, 0):
        raise ValueError(
            f"Shape must be rank 0 but is rank {selector.shape.ndims} for '{scope[:-1]}' (op: "
            f"'{op_type}') with input shapes: {selector.shape.bracket_str()} ({what} must be a "
            "scalar: reduce it first, e.g. tf.reduce_all(...)."
        )
    return selector


def _trace_branches(branches, scope: str, strict: bool) -> tuple:
    """(function graphs, structured results) of each `(name, fn, value)` branch. A branch that
    returns an Operation returns `value` (a bool) once the op has run, as TF1's cond does."""
    graphs, results = [], []
    for branch_name, fn, value in branches:
        traced = functools.partial(_branch_results, fn, branch_name, value, strict)
        graph = function_graph.trace(traced, (), name=branch_name, scope=scope,
                                     share_names_with=graphs[0] if graphs else None)
        graphs.append(graph)
        results.append(graph.structured_outputs)
    return graphs, results


def _branch_results(fn, branch_name: str, value, strict: bool):
    """Calls a branch function; returns its results with ops and TensorArrays made tensors."""
    result = fn()
    if result is None:
        raise ValueError(f"'{branch_name}' must have a return value.")
    if not strict and isinstance(result, (list, tuple)) and len(result) == 1:
        result = result[0]
    return nest.map_structure(functools.partial(_as_output, value), result)


def _as_output(value, leaf):
    if isinstance(leaf, Operation):
        with control_dependencies([leaf]):
            return array_ops.identity(convert_to_tensor(value))
    return leaf


def _check_same_structure(results: list, names, construct: str) -> None:
    for other, other_name in zip(results[1:], names[1:]):
        try:
            nest.assert_same_structure(results[0], other)
        except (ValueError, TypeError) as e:
            kind = type(e)
            raise kind(
                f"Incompatible return values of {names[0]} and {other_name}: {names[0]} and "
                f"{other_name} arguments to {construct} must have the same number, type, and "
                f"overall structure of return values.\n\n{e}"
            ) from None


def _check_tensor_arrays(graphs: list, results: list, names, construct: str) -> None:
    """A TensorArray a branch returns must have been made outside the branches: the If op
    passes on its flow, and a handle made inside a branch does not exist outside it."""
    for graph, result, name in zip(graphs, results, names):
        for leaf in nest.flatten(result):
            if getattr(leaf, "_is_tensor_array", False) and leaf.handle.graph is graph:
                raise NotImplementedError(
                    f"{name} of {construct} returns a TensorArray it created ({leaf.handle!r}); "
                    f"minigraph's {construct} can only return a TensorArray made outside its "
                    "branches. Create it before the cond (tf.TensorArray(...)) and return "
                    "ta.write(...) from each branch."
                )


def _check_same_dtypes(graphs: list) -> None:
    first = graphs[0]
    for graph in graphs[1:]:
        for a, b in zip(first.outputs, graph.outputs):
            if a.dtype != b.dtype:
                raise ValueError(
                    f"Outputs of '{first.name}' and '{graph.name}' must have the same type(s). "
                    f"Received {a.dtype.name} from '{first.name}' and {b.dtype.name} from "
                    f"'{graph.name}'."
                )


def _functional_op(op_type: str, selector: Tensor, graphs: list, scope: str) -> list:
    """The `If`/`Case` op holding `graphs`, named `scope`; returns its outputs (a list)."""
    inputs = [selector] + function_graph.union_of_external_inputs(graphs)
    controls = []
    for graph in graphs:
        controls.extend(op for op in graph.control_captures if op not in controls)
    with control_dependencies(controls):
        result = apply_op(op_type, inputs, attrs={"branches": graphs, "extras": []}, name=scope)
    return result if isinstance(result, list) else []


def _pack_results(structure, outputs: list):
    """The op's outputs in the branches' structure (TensorArrays rebuilt on their flows)."""
    leaves = nest.flatten(structure)
    packed = []
    for leaf, output in zip(leaves, outputs):
        if getattr(leaf, "_is_tensor_array", False):
            output = leaf._with_flow(output)
        packed.append(output)
    return nest.pack_sequence_as(structure, packed)


def _branch_count(op) -> int:
    return len(op.attrs["branches"][0].outputs)


def _if_shape(op) -> list:
    """Per output, the most specific shape every branch's output fits; extra outputs (forward
    values for a gradient) have their tensor's shape."""
    graphs = op.attrs["branches"]
    result = []
    for outputs in zip(*[g.outputs for g in graphs]):
        shape = outputs[0].shape
        for other in outputs[1:]:
            shape = shape.most_specific_compatible_shape(other.shape)
        result.append(shape)
    return result + [t.shape for _, t in op.attrs["extras"]]


def _if_dtype(op) -> list:
    return [t.dtype for t in op.attrs["branches"][0].outputs] + \
        [t.dtype for _, t in op.attrs["extras"]]


def _bind_branches(op, state, reads, passes):
    """The kernel of an `If`/`Case`: runs the plan of the branch its selector picks.

    Each branch's plan is compiled here, once per plan holding the op; it fetches the branch's
    outputs and the extra outputs (forward values for a gradient) of that branch the plan
    reads. The kernel returns one value per output of the op (None for the extra outputs of
    the branch that did not run).
    """
    graphs = op.attrs["branches"]
    n_base = len(graphs[0].outputs)
    n_outputs = len(op.outputs)
    runners = []
    for index, graph in enumerate(graphs):
        extra = [(n_base + k, t) for k, (branch, t) in enumerate(op.attrs["extras"])
                 if branch == index and n_base + k in reads]
        plan = function_graph.FunctionPlan(graph, state, passes,
                                           outputs=graph.outputs + [t for _, t in extra])
        positions = function_graph.capture_positions(graph, op.inputs[1:])
        runners.append((plan.plan.run_values, positions, [slot for slot, _ in extra]))
    last = len(runners) - 1
    is_if = op.type == "If"

    def kernel(selector, *inputs):
        if is_if:
            index = 0 if selector else 1
        else:
            index = int(selector)
            index = index if 0 <= index < last else last
        run, positions, extra_slots = runners[index]
        values = run([inputs[i] for i in positions])
        if n_outputs == 1:
            return values[0]
        if len(values) == n_outputs:
            return values
        result = values[:n_base] + [None] * (n_outputs - n_base)
        for slot, value in zip(extra_slots, values[n_base:]):
            result[slot] = value
        return result

    return kernel


def _no_kernel(*args):
    raise NotImplementedError("functional ops are bound by their `bind` hook")


define_op("If", kernel=_no_kernel, shape=_if_shape, dtype=_if_dtype, stateful=True,
          bind=_bind_branches)


@RegisterGradient("If")
def _if_grad(op, *grads):
    """An `If` on the same predicate whose branches are the gradients of the branches."""
    return [None] + _branches_grad(op, grads)


# ---------------------------------------------------------------- Case
def case(pred_fn_pairs, default=None, exclusive: bool = False, strict: bool = False,
         name: str = "case"):
    """The result of the function paired with the first true predicate, else of `default`.

    Only that function's branch runs. Built as one `Case` op on the index of the first true
    predicate (TF1 nests `tf.cond`s; the results are the same).

    Args:
        pred_fn_pairs: a list (or dict) of `(boolean scalar tensor, function)` pairs.
        default: the function to call when no predicate is true. Without one, the last pair's
            function is the default, and running it when its predicate is false raises
            InvalidArgumentError ("None of conditions evaluated as True"), as in TF1.
        exclusive: if True, running the op when more than one predicate is true raises
            InvalidArgumentError.
        strict: as in `tf.cond`.
        name: the name of the op.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.int32, [], name="x")
        ...     y = tf.case([(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))],
        ...                 default=lambda: tf.constant(0))
        ...     with tf.Session() as sess:
        ...         print([int(sess.run(y, {x: v})) for v in (-5, 0, 7)])
        [-1, 0, 1]
    """
    predicates, fns = _case_pairs(pred_fn_pairs)
    with name_scope(name, "case", predicates) as scope:
        if default is None:
            if not fns:
                raise ValueError("tf.case needs at least one (pred, fn) pair or a default.")
            default = _checked_default(predicates, fns[-1], scope)
            predicates, fns = predicates[:-1], fns[:-1]
        elif not callable(default):
            raise TypeError("default must be callable.")
        if not predicates:
            return default()
        branches = [(f"branch{i}", fn, True) for i, fn in enumerate(fns)]
        branches.append(("default", default, True))
        controls = [_at_most_one_true(predicates)] if exclusive else []
        index = _first_true_index(predicates)
        with index.graph.control_dependencies(controls):
            graphs, results = _trace_branches(branches, scope, strict)
            _check_same_structure(results, [b[0] for b in branches], "tf.case")
            _check_tensor_arrays(graphs, results, [b[0] for b in branches], "tf.case")
            _check_same_dtypes(graphs)
            outputs = _functional_op("Case", index, graphs, scope)
        return _pack_results(results[0], outputs)


def _case_pairs(pred_fn_pairs) -> tuple:
    """The predicates and functions of `pred_fn_pairs`, checked as TF1 checks them."""
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    if not isinstance(pred_fn_pairs, (list, tuple)):
        raise TypeError(
            "'pred_fn_pairs' must be a list, tuple, or dict. Received: "
            f"{type(pred_fn_pairs)}"
        )
    predicates, fns = [], []
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in pred_fn_pairs must be a 2-tuple, got {pair!r}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred!r}")
        if pred.dtype != dtypes.bool:
            raise TypeError(f"pred must be Tensor of type bool: {pred.name}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred.name} must be callable.")
        predicates.append(pred)
        fns.append(fn)
    return predicates, fns


def _checked_default(predicates: list, fn, scope: str):
    """The last function as the default: it asserts its predicate is true first (TF1)."""
    stacked = array_ops.stack(predicates, name="preds_c")
    last = predicates[-1]

    def default():
        check = check_ops.Assert(
            last, ["Input error: None of conditions evaluated as True:", stacked],
            summarize=len(predicates))
        with control_dependencies([check]):
            return nest.map_structure(_identity_of_tensor, fn())

    return default


def _identity_of_tensor(value):
    if isinstance(value, Tensor):
        return array_ops.identity(value)
    return value


def _at_most_one_true(predicates: list):
    stacked = array_ops.stack(predicates, name="preds_c")
    count = math_ops.reduce_sum(math_ops.cast(stacked, dtypes.int32), name="num_true_conds")
    names = ", ".join(p.name for p in predicates)
    return check_ops.Assert(
        math_ops.less_equal(count, 1),
        [f"Input error: exclusive=True: more than 1 conditions ({names}) evaluated as True:",
         stacked], summarize=len(predicates))


def _first_true_index(predicates: list) -> Tensor:
    """The index of the first true predicate, or `len(predicates)` (the default's)."""
    stacked = math_ops.cast(array_ops.stack(predicates), dtypes.int32)
    with_default = array_ops.concat([stacked, [1]], 0)
    return math_ops.argmax(with_default, 0, output_type=dtypes.int32, name="branch_index")


define_op("Case", kernel=_no_kernel, shape=_if_shape, dtype=_if_dtype, stateful=True,
          bind=_bind_branches, input_dtypes=[("branch_index", (dtypes.int32,))])


@RegisterGradient("Case")
def _case_grad(op, *grads):
    """A `Case` on the same index whose branches are the gradients of the branches."""
    return [None] + _branches_grad(op, grads)


# ---------------------------------------------------------------- gradients of If and Case
def _branches_grad(op, grads) -> list:
    """The gradients of the inputs (but the selector) of `If`/`Case` op `op`, given `grads`,
    one per output: one more op of `op`'s type, on `op`'s selector, whose branch i computes
    branch i's gradient."""
    inputs = list(op.inputs[1:])
    wanted = [k for k, x in enumerate(inputs) if x.dtype.is_floating]
    graphs, found = [], []
    for index, forward in enumerate(op.attrs["branches"]):
        link = ForwardLink(forward, functools.partial(_export, op, index))
        graph = FuncGraph(f"gradient of {forward.name}", get_default_graph(),
                          scope=_grad_scope(), forward=link,
                          share_names_with=graphs[0] if graphs else None)
        with graph.as_default():
            found.append(_branch_gradient(op, index, grads, inputs, wanted))
        graphs.append(graph)
    connected = [k for k in wanted if any(k in f for f in found)]
    if not connected:
        return [None] * len(inputs)
    for graph, grads_of in zip(graphs, found):
        with graph.as_default():
            graph.set_outputs([grads_of.get(k) if k in grads_of else
                               array_ops.zeros_like(inputs[k]) for k in connected])
    outputs = _functional_op(op.type, op.inputs[0], graphs, _grad_scope() + "/")
    result = [None] * len(inputs)
    for k, output in zip(connected, outputs):
        output.set_shape(inputs[k].shape)
        result[k] = output
    return result


def _grad_scope() -> str:
    return get_default_graph().get_name_scope()


def _branch_gradient(op, index: int, grads, inputs: list, wanted: list) -> dict:
    """Inside the gradient graph of branch `index`: input position -> its gradient tensor."""
    forward = op.attrs["branches"][index]
    n_base = len(forward.outputs)
    ys, grad_ys = [], []
    for j, grad in enumerate(grads):
        if grad is None:
            continue
        if j < n_base:
            y = forward.outputs[j]
        else:
            branch, y = op.attrs["extras"][j - n_base]
            if branch != index:
                continue
        if y.dtype.is_floating:
            ys.append(y)
            grad_ys.append(grad)
    xs = {k: function_graph.input_in_graph(forward, inputs[k]) for k in wanted}
    xs = {k: x for k, x in xs.items() if x is not None}
    if not ys or not xs:
        return {}
    keys = list(xs)
    dxs = build_gradients(ys, [xs[k] for k in keys], grad_ys=grad_ys,
                              name=_grad_scope() + "/")
    return {k: dx for k, dx in zip(keys, dxs) if dx is not None}


def _export(op, index: int, tensor: Tensor) -> tuple:
    """Makes `If`/`Case` op `op` output `tensor` of its branch `index` (one new output, made
    once): what a gradient branch reads of the forward branch. Returns (output, False)."""
    extras = op.attrs["extras"]
    n_base = _branch_count(op)
    for k, (branch, t) in enumerate(extras):
        if branch == index and t is tensor:
            return op.outputs[n_base + k], False
    extras.append((index, tensor))
    output = Tensor(op, len(op.outputs), tensor.dtype, shapes.as_shape(tensor.shape))
    op.outputs.append(output)
    return output, False
