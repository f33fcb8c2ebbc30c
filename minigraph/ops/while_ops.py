"""`tf.while_loop` as a functional `While` op; its gradient is another `While`.

The condition and the body are traced once each into function graphs (see
`minigraph.function_graph`), with one placeholder per loop variable whose shape is the
variable's shape invariant. The `While` op takes the loop variables' initial values (then
`maximum_iterations` if given, then every tensor the two functions captured) and outputs their
final values. Its kernel compiles the two plans once, when the plan holding the op is compiled,
and then loops in Python: run the condition's plan, stop if false (or once
`maximum_iterations` iterations ran), else run the body's plan on the current values. Nothing
is recompiled or retraced per iteration and nothing recurses, so 100,000 iterations cost
100,000 runs of two small plans (see bench/ for the time per iteration).

Gradients keep what each iteration needs, as TF1 does with stacks: every value of the body the
gradient of the body reads (the `x` of `x * x`, a loop variable at the start of an iteration)
becomes an extra output of the `While` op, a stack of that value with one entry per iteration
(O(iterations) memory), and the number of iterations becomes one too. The gradient is then a
second `While`, counting down from the last iteration: its body is the gradient of the forward
body (traced with a `ForwardLink` to it), reading the kept values of its iteration from the
stacks, carrying the gradients of the loop variables and summing those of the captured tensors
and variables. Since it is a `While` like any other, it has a gradient too (second
derivatives; the gradient reaching a stack flows into the forward loop's gradient as the
gradient of the kept value). A plan fills the stacks only when it reads them, so a forward-only
run keeps nothing.
"""

from __future__ import annotations

import functools

import numpy as np

from minigraph import dtypes, errors, function_graph, nest, shapes
from minigraph.function_graph import ForwardLink, FuncGraph, TensorSpec
from minigraph.gradients import gradients as build_gradients
from minigraph.graph import control_dependencies, get_default_graph, name_scope
from minigraph.ops import array_ops, math_ops
from minigraph.registry import RegisterGradient, define_op
from minigraph.tensor import Tensor, apply_op, convert_to_tensor

# The extra output of a `While` that holds the number of iterations run (see `_export`).
ITERATIONS = "iterations"


# ---------------------------------------------------------------- While
def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations: int = 10,
               back_prop: bool = True, swap_memory: bool = False, name=None,
               maximum_iterations=None, return_same_structure: bool = False):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    Args:
        cond: a function of the loop variables returning a boolean scalar tensor.
        body: a function of the loop variables returning new values in the same structure.
        loop_vars: a list or tuple of loop variables: tensors, values `tf.convert_to_tensor`
            takes, `tf.TensorArray`s, or nested lists, tuples, dicts and namedtuples of them.
        shape_invariants: the shapes the variables keep across iterations, in the structure
            of `loop_vars` (`tf.TensorShape([None])` lets a vector grow); by default each keeps
            its initial shape, and a body changing it is an error naming the variable.
        parallel_iterations, swap_memory: accepted for TF1 compatibility; the iterations run
            one after another and keep their values in memory.
        back_prop: False makes the loop's gradient None (no values are kept for it).
        name: the name of the op (default "while").
        maximum_iterations: stop after this many iterations even if `cond` is still true.
        return_same_structure: return the structure of `loop_vars` even for one variable
            (by default a single loop variable is returned alone, as in TF1).

    Returns:
        The final values of the loop variables.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     i, total = tf.while_loop(lambda i, total: i < 5,
        ...                              lambda i, total: (i + 1, total + i), [0, 0])
        ...     with tf.Session() as sess:
        ...         print([int(v) for v in sess.run([i, total])])
        [5, 10]
    """
    _check_arguments(cond, body, loop_vars)
    if not isinstance(parallel_iterations, int) or parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    structure = list(loop_vars)
    options = {"back_prop": back_prop, "parallel_iterations": parallel_iterations,
               "swap_memory": swap_memory}
    returned = {}
    result = _build_while(cond, body, structure, shape_invariants, name, maximum_iterations,
                          options, returned=returned)
    if len(structure) == 1 and not return_same_structure:
        return result[0]
    # As TF1, the results come in the body's structure (a body returning a tuple for a list of
    # loop variables gives a tuple).
    kind = returned.get("type", type(loop_vars))
    if kind is list:
        return result
    return kind(*result) if hasattr(kind, "_fields") else tuple(result)


def _build_while(cond, body, structure: list, shape_invariants, name, maximum_iterations,
                 options: dict, body_forward=None, returned=None) -> list:
    """Traces `cond` and `body` and builds the `While` op; returns its outputs in `structure`.
    `body_forward`: for the loop of a gradient, the `ForwardLink` its body is traced with;
    `returned` (a dict) is told the type of what the body returned, as "type"."""
    leaves = nest.flatten(structure)
    with name_scope(name, "while", [leaf for leaf in leaves if isinstance(leaf, Tensor)]) as \
            scope:
        initial = [leaf.flow if _is_tensor_array(leaf) else convert_to_tensor(leaf)
                   for leaf in leaves]
        invariants = _shape_invariants(structure, shape_invariants, leaves, initial)
        maximum = _maximum_iterations(maximum_iterations)
        specs = [TensorSpec(shape, t.dtype, name="loop_var")
                 for t, shape in zip(initial, invariants)]
        rebuild = functools.partial(_loop_vars, structure, leaves)
        cond_graph = function_graph.trace(functools.partial(_cond_result, cond, rebuild), specs,
                                          name="cond", scope=scope)
        body_graph = function_graph.trace(
            functools.partial(_body_result, body, rebuild, structure, leaves,
                              {} if returned is None else returned), specs,
            name="body", scope=scope, share_names_with=cond_graph, forward=body_forward)
        _check_body_outputs(body_graph, initial, invariants)
        outputs = _while_op(scope, initial, maximum, cond_graph, body_graph, options)
        return rebuild(outputs)


def _is_tensor_array(value) -> bool:
    return getattr(value, "_is_tensor_array", False)


def _check_arguments(cond, body, loop_vars) -> None:
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if isinstance(loop_vars, Tensor) or not isinstance(loop_vars, (list, tuple)):
        raise TypeError(
            f"'loop_vars' must be a list or tuple of loop variables, got {loop_vars!r}: pass "
            "[x] for one variable."
        )
    if not loop_vars:
        raise ValueError("'loop_vars' must be provided.")


def _shape_invariants(structure, shape_invariants, leaves, initial) -> list:
    """One TensorShape per flat loop variable: the given invariant (a `tf.TensorShape` in the
    structure of `loop_vars`), checked against the initial shape, or the initial shape. A
    TensorArray's invariant is ignored (its flow is a scalar)."""
    if shape_invariants is None:
        return [t.shape for t in initial]
    if isinstance(shape_invariants, tuple) and not hasattr(shape_invariants, "_fields"):
        shape_invariants = list(shape_invariants)
    try:
        nest.assert_same_structure(structure, shape_invariants, check_types=False)
    except (ValueError, TypeError) as e:
        raise ValueError(
            "shape_invariants must have the structure of loop_vars, one tf.TensorShape per "
            f"loop variable.\n\n{e}"
        ) from None
    result = []
    for leaf, t, invariant in zip(leaves, initial, nest.flatten(shape_invariants)):
        if _is_tensor_array(leaf):
            result.append(t.shape)
            continue
        invariant = shapes.as_shape(invariant)
        if not t.shape.is_subtype_of(invariant):
            raise ValueError(
                f"The shape invariant specified for {t.name} is not compatible with the initial "
                f"shape of the loop variable. It enters the loop with shape {t.shape}, but the "
                f"specified shape invariant is {invariant}."
            )
        result.append(invariant)
    return result


def _maximum_iterations(maximum_iterations):
    if maximum_iterations is None:
        return None
    maximum = convert_to_tensor(maximum_iterations, name="maximum_iterations")
    if maximum.shape.ndims not in (None, 0):
        raise ValueError(
            f"'maximum_iterations' must be a scalar. Received shape: {maximum.shape}")
    return maximum


def _loop_vars(structure, leaves, tensors) -> list:
    """The loop variables in `structure`, TensorArrays rebuilt around their flows."""
    values = [leaf._with_flow(t) if _is_tensor_array(leaf) else t
              for leaf, t in zip(leaves, tensors)]
    return nest.pack_sequence_as(structure, values)


def _cond_result(cond, rebuild, *tensors):
    result = convert_to_tensor(cond(*rebuild(tensors)))
    if result.dtype != dtypes.bool:
        raise TypeError(
            f"tf.while_loop: cond must return a boolean scalar, got {result!r} (dtype "
            f"{result.dtype.name}). Compare first, e.g. lambda i: i < 10."
        )
    if result.shape.ndims not in (None, 0):
        raise ValueError(
            f"tf.while_loop: cond must return a scalar, got shape {result.shape} ({result!r}); "
            "reduce it first, e.g. tf.reduce_any(...)."
        )
    return result


def _body_result(body, rebuild, structure, leaves, returned: dict, *tensors):
    """The body's results as flat tensors (TensorArrays as flows), checked against the loop
    variables' structure as TF1 checks it (lists and tuples alike at the top); the type of
    the body's result goes to `returned["type"]`."""
    result = body(*rebuild(tensors))
    if not nest.is_nested(result) or (len(structure) == 1 and _same_structure(structure[0],
                                                                               result)):
        result = [result]  # one loop variable, returned alone
    returned["type"] = type(result)
    try:
        nest.assert_same_structure(list(structure), list(result))
    except (ValueError, TypeError) as e:
        raise type(e)(f"tf.while_loop: body must return the structure of loop_vars.\n\n{e}") \
            from None
    flat = []
    for leaf, value in zip(leaves, nest.flatten(list(result))):
        if _is_tensor_array(leaf) != _is_tensor_array(value):
            raise TypeError(
                f"tf.while_loop: loop variable {leaf!r} enters the loop as a "
                f"{'TensorArray' if _is_tensor_array(leaf) else 'tensor'} but the body "
                f"returned {value!r}."
            )
        flat.append(value.flow if _is_tensor_array(value) else value)
    return flat


def _same_structure(a, b) -> bool:
    try:
        nest.assert_same_structure(a, b)
    except (ValueError, TypeError):
        return False
    return True


def _check_body_outputs(body_graph: FuncGraph, initial: list, invariants: list) -> None:
    """TF1's errors for a loop variable whose dtype or shape the body changes."""
    for t, shape, out in zip(initial, invariants, body_graph.outputs):
        if out.dtype != t.dtype:
            raise TypeError(
                f"Loop var {t.name} enters the loop with type {t.dtype!r}, but has type "
                f"{out.dtype!r} after 1 iteration."
            )
        if not out.shape.is_subtype_of(shape):
            raise ValueError(
                f"Input tensor '{t.name}' enters the loop with shape {shape}, but has shape "
                f"{out.shape} after one iteration. To allow the shape to vary across "
                "iterations, use the `shape_invariants` argument of tf.while_loop to specify a "
                "less-specific shape."
            )


def _while_op(scope, initial, maximum, cond_graph, body_graph, options: dict) -> list:
    graphs = [cond_graph, body_graph]
    external = function_graph.union_of_external_inputs(graphs)
    inputs = list(initial) + ([maximum] if maximum is not None else []) + external
    controls = []
    for graph in graphs:
        controls.extend(op for op in graph.control_captures if op not in controls)
    attrs = {
        "cond": cond_graph, "body": body_graph, "n": len(initial),
        "has_maximum_iterations": maximum is not None, "extras": [], **options,
    }
    with control_dependencies(controls):
        result = apply_op("While", inputs, attrs=attrs, name=scope)
    return result if isinstance(result, list) else [result]


def _external_inputs(op) -> tuple:
    """The inputs of While op `op` that its function graphs captured."""
    return op.inputs[op.attrs["n"] + int(op.attrs["has_maximum_iterations"]):]


def _while_shape(op) -> list:
    body = op.attrs["body"]
    return [t.shape for t in body.inputs] + [
        shapes.scalar() if t == ITERATIONS else _stacked_shape(t.shape)
        for t in op.attrs["extras"]]


def _stacked_shape(shape) -> shapes.TensorShape:
    """The shape of a stack of one value of `shape` per iteration."""
    shape = shapes.as_shape(shape)
    if shape.ndims is None:
        return shape
    return shapes.as_shape([None] + shape.as_list())


def _while_dtype(op) -> list:
    body = op.attrs["body"]
    return [t.dtype for t in body.inputs] + [
        dtypes.int32 if t == ITERATIONS else t.dtype for t in op.attrs["extras"]]


def _bind_while(op, state, reads, passes):
    """The kernel of a `While`: compiles the condition's and the body's plans once, then loops.

    The body's plan also fetches the body tensors whose per-iteration values an extra output
    of the op holds, but only those the plan holding the op reads.
    """
    n = op.attrs["n"]
    has_maximum = op.attrs["has_maximum_iterations"]
    cond_graph, body_graph = op.attrs["cond"], op.attrs["body"]
    extras = op.attrs["extras"]
    kept = [(n + k, t) for k, t in enumerate(extras) if n + k in reads and t != ITERATIONS]
    counted = [n + k for k, t in enumerate(extras) if t == ITERATIONS]
    external = _external_inputs(op)
    run_cond = function_graph.FunctionPlan(cond_graph, state, passes).plan.run_values
    run_body = function_graph.FunctionPlan(
        body_graph, state, passes, outputs=body_graph.outputs + [t for _, t in kept]
    ).plan.run_values
    cond_positions = function_graph.capture_positions(cond_graph, external)
    body_positions = function_graph.capture_positions(body_graph, external)
    n_outputs = len(op.outputs)

    def kernel(*inputs):
        values = list(inputs[:n])
        maximum = inputs[n] if has_maximum else None
        captured = inputs[n + int(has_maximum):]
        cond_captured = [captured[i] for i in cond_positions]
        body_captured = [captured[i] for i in body_positions]
        lists = [[] for _ in kept]
        count = 0
        while run_cond(values + cond_captured)[0]:
            if maximum is not None and count >= maximum:
                break
            if state.closed:
                raise errors.CancelledError(
                    op.node_def, op, "The while loop was cancelled: its session was closed.")
            results = run_body(values + body_captured)
            values = results[:n]
            for kept_list, value in zip(lists, results[n:]):
                kept_list.append(value)
            count += 1
        outputs = values + [None] * (n_outputs - n)
        for (slot, tensor), kept_list in zip(kept, lists):
            outputs[slot] = _stack(kept_list, tensor)
        for slot in counted:
            outputs[slot] = count
        return outputs[0] if n_outputs == 1 else outputs

    return kernel


def _stack(values: list, tensor: Tensor) -> np.ndarray:
    """The per-iteration values of body tensor `tensor` as one array, iterations first (an
    array of objects when their shapes differ, a loop variable of a `None` dim)."""
    if not values:
        shape = tensor.shape.as_list() if tensor.shape.is_fully_defined() else []
        return np.zeros([0] + shape, tensor.dtype.as_numpy_dtype)
    first = np.shape(values[0])
    if all(isinstance(v, (np.ndarray, np.generic)) and np.shape(v) == first for v in values):
        return np.stack(values)
    stack = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        stack[index] = value
    return stack


def _no_kernel(*args):
    raise NotImplementedError("functional ops are bound by their `bind` hook")


define_op("While", kernel=_no_kernel, shape=_while_shape, dtype=_while_dtype, stateful=True,
          bind=_bind_while)


def _export(op, tensor) -> tuple:
    """Makes While op `op` output the per-iteration values of body tensor `tensor` (or, for
    `ITERATIONS`, the number of iterations): a new output, made once. Returns (output, True):
    the output holds one value per iteration."""
    extras = op.attrs["extras"]
    n = op.attrs["n"]
    for k, t in enumerate(extras):
        if t is tensor:
            return op.outputs[n + k], tensor != ITERATIONS
    extras.append(tensor)
    output = Tensor(op, len(op.outputs), _while_dtype(op)[-1], _while_shape(op)[-1])
    op.outputs.append(output)
    return output, tensor != ITERATIONS




@RegisterGradient("While")
def _while_grad(op, *grads):
    """Another `While`, running the gradient of the body once per forward iteration, last
    first: it carries the gradients of the loop variables and the sums of those of the captured
    tensors, and reads each iteration's kept values from the stacks the forward loop output."""
    if not op.attrs["back_prop"]:
        return [None] * len(op.inputs)
    body = op.attrs["body"]
    external = list(_external_inputs(op))
    variables, captured, stacks = _differentiated(op, grads)
    if all(grads[i] is None for i in variables) and not stacks:
        return [None] * len(op.inputs)
    with control_dependencies(None):
        carried = [_with_shape(grads[i], body.inputs[i].shape) if grads[i] is not None
                   else array_ops.zeros_like(op.outputs[i]) for i in variables]
        sums = [array_ops.zeros_like(external[k]) for k in captured]
    iterations, _ = _export(op, ITERATIONS)
    step = functools.partial(_gradient_iteration, op, variables, captured, stacks)
    outputs = _build_while(
        _counter_not_negative, step, [iterations - 1] + carried + sums, None, "while",
        None, {"back_prop": True, "parallel_iterations": 1, "swap_memory": False},
        body_forward=ForwardLink(body, functools.partial(_export, op)))
    return _input_gradients(op, variables, captured, outputs[1:])


def _differentiated(op, grads) -> tuple:
    """What the gradient of While op `op` carries: the positions of its floating loop
    variables, of the floating captured inputs its body uses, and (body tensor, gradient) for
    each stack of kept values a gradient reaches."""
    n = op.attrs["n"]
    variables = [i for i in range(n) if op.outputs[i].dtype.is_floating]
    captured = [k for k, x in enumerate(_external_inputs(op)) if x.dtype.is_floating
                and function_graph.input_in_graph(op.attrs["body"], x) is not None]
    stacks = [(t, grads[n + k]) for k, t in enumerate(op.attrs["extras"])
              if t != ITERATIONS and grads[n + k] is not None]
    return variables, captured, stacks


def _counter_not_negative(index, *carried):
    return math_ops.greater_equal(index, 0)


def _with_shape(tensor: Tensor, shape) -> Tensor:
    """`tensor`, given static shape `shape` if its own is less specific."""
    if tensor.shape.is_subtype_of(shape):
        return tensor
    result = array_ops.identity(tensor)
    result.set_shape(shape)
    return result


def _gradient_iteration(op, variables: list, captured: list, stacks: list, index, *carried):
    """One iteration of the gradient loop of While op `op` (traced inside its body): from the
    gradients of the loop variables after forward iteration `index` and the sums so far, to
    their gradients before it and the new sums. `stacks`: (body tensor, gradient of its stack)
    pairs, the gradients reaching the kept values themselves (second derivatives)."""
    body = op.attrs["body"]
    graph = get_default_graph()
    graph.iteration_selector = functools.partial(_select_iteration, index)
    external = list(_external_inputs(op))
    grad_ys = list(carried[:len(variables)])
    sums = carried[len(variables):]
    ys = [body.outputs[i] for i in variables] + [t for t, _ in stacks]
    grad_ys += [_select_iteration(index, grad) for _, grad in stacks]
    xs = [body.inputs[i] for i in variables] + [
        function_graph.input_in_graph(body, external[k]) for k in captured]
    dxs = build_gradients(ys, xs, grad_ys=grad_ys, name=graph.get_name_scope() + "/")
    new_grads = [_with_shape(dx, body.inputs[i].shape) if dx is not None
                 else array_ops.zeros_like(body.inputs[i]) for i, dx in zip(variables, dxs)]
    new_sums = [total if dx is None else _with_shape(math_ops.add(total, dx), total.shape)
                for total, dx in zip(sums, dxs[len(variables):])]
    return [index - 1] + new_grads + new_sums


def _select_iteration(index: Tensor, stack: Tensor) -> Tensor:
    """The value of forward iteration `index` in `stack` (one value per iteration)."""
    return array_ops.gather(stack, index, name="kept")


def _input_gradients(op, variables: list, captured: list, outputs: list) -> list:
    """One gradient per input of While op `op`: `outputs` are those of the loop variables
    `variables`, then those of the captured inputs `captured`; None for the rest."""
    inputs = list(op.inputs)
    first_external = op.attrs["n"] + int(op.attrs["has_maximum_iterations"])
    result = [None] * len(inputs)
    for i, output in zip(variables, outputs[:len(variables)]):
        output.set_shape(inputs[i].shape)
        result[i] = output
    for k, output in zip(captured, outputs[len(variables):]):
        output.set_shape(inputs[first_external + k].shape)
        result[first_external + k] = output
    return result
