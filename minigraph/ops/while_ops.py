"""`tf.while_loop` as a functional `While` op, and `WhileGrad`, the loop of its gradient.

The condition and the body are traced once each into function graphs (see
`minigraph.function_graph`), with one placeholder per loop variable whose shape is the
variable's shape invariant. The `While` op takes the loop variables' initial values (then
`maximum_iterations` if given, then every tensor the two functions captured) and outputs their
final values. Its kernel compiles the two plans once, when the plan holding the op is compiled,
and then loops in Python: run the condition's plan, stop if false (or once
`maximum_iterations` iterations ran), else run the body's plan on the current values. Nothing
is recompiled or retraced per iteration and nothing recurses, so 100,000 iterations cost
100,000 runs of two small plans (see bench/ for the time per iteration).

Gradients keep what each iteration needs, as TF1 does with stacks: the gradient builder traces
the gradient of the body once (a function graph linked to the body by a `ForwardLink`); every
value of the body it reads (the `x` of `x * x`, a loop variable at the start of an iteration)
becomes an extra output of the `While` op, holding that value for every iteration (a list,
O(iterations) memory), and the number of iterations becomes one too. `WhileGrad` then runs
the gradient body once per forward iteration, last first, feeding the values of that
iteration, carrying the gradients of the loop variables and summing those of the captured
tensors and variables. A plan fills the lists only when it reads them (a forward-only run
keeps nothing).
"""

from __future__ import annotations

import functools

from minigraph import dtypes, function_graph, nest, shapes
from minigraph.function_graph import ForwardLink, FuncGraph, TensorSpec
from minigraph.gradients import gradients as build_gradients
from minigraph.graph import control_dependencies, get_default_graph, name_scope
from minigraph.ops import array_ops, math_ops
from minigraph.registry import NotDifferentiable, RegisterGradient, define_op
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
    structure = list(loop_vars)
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
            functools.partial(_body_result, body, rebuild, structure, leaves), specs,
            name="body", scope=scope, share_names_with=cond_graph)
        _check_body_outputs(body_graph, initial, invariants)
        outputs = _while_op(scope, initial, maximum, cond_graph, body_graph, back_prop,
                            parallel_iterations, swap_memory)
        result = rebuild(outputs)
    if len(structure) == 1 and not return_same_structure:
        return result[0]
    if isinstance(loop_vars, list):
        return result
    return type(loop_vars)(*result) if hasattr(loop_vars, "_fields") else tuple(result)


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


def _body_result(body, rebuild, structure, leaves, *tensors):
    """The body's results as flat tensors (TensorArrays as flows), checked against the loop
    variables' structure as TF1 checks it (lists and tuples alike at the top)."""
    result = body(*rebuild(tensors))
    if not nest.is_nested(result):
        result = [result]
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


def _while_op(scope, initial, maximum, cond_graph, body_graph, back_prop, parallel_iterations,
              swap_memory) -> list:
    graphs = [cond_graph, body_graph]
    external = function_graph.union_of_external_inputs(graphs)
    inputs = list(initial) + ([maximum] if maximum is not None else []) + external
    controls = []
    for graph in graphs:
        controls.extend(op for op in graph.control_captures if op not in controls)
    attrs = {
        "cond": cond_graph, "body": body_graph, "n": len(initial),
        "has_maximum_iterations": maximum is not None, "extras": [], "back_prop": back_prop,
        "parallel_iterations": parallel_iterations, "swap_memory": swap_memory,
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
        shapes.scalar() if t == ITERATIONS else t.shape for t in op.attrs["extras"]]


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
            results = run_body(values + body_captured)
            values = results[:n]
            for kept_list, value in zip(lists, results[n:]):
                kept_list.append(value)
            count += 1
        outputs = values + [None] * (n_outputs - n)
        for (slot, _), kept_list in zip(kept, lists):
            outputs[slot] = kept_list
        for slot in counted:
            outputs[slot] = count
        return outputs[0] if n_outputs == 1 else outputs

    return kernel


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
    if tensor == ITERATIONS:
        output = Tensor(op, len(op.outputs), dtypes.int32, shapes.scalar())
    else:
        output = Tensor(op, len(op.outputs), tensor.dtype, shapes.as_shape(tensor.shape))
    op.outputs.append(output)
    return output, tensor != ITERATIONS


@RegisterGradient("While")
def _while_grad(op, *grads):
    """A `WhileGrad` running the body's gradient once per forward iteration, last first."""
    inputs = list(op.inputs)
    n = op.attrs["n"]
    if not op.attrs["back_prop"]:
        return [None] * len(inputs)
    if any(g is not None for g in grads[n:]):
        raise NotImplementedError(
            f"Second derivatives through tf.while_loop '{op.name}' are not supported: the "
            "gradient of its gradient needs the gradient of the values kept per iteration."
        )
    body = op.attrs["body"]
    external = list(_external_inputs(op))
    variables = [i for i in range(n) if op.outputs[i].dtype.is_floating]
    captured = [k for k, x in enumerate(external) if x.dtype.is_floating
                and function_graph.input_in_graph(body, x) is not None]
    if not variables or all(grads[i] is None for i in variables):
        return [None] * len(inputs)
    grad_body = _trace_grad_body(op, variables, captured, external)
    with control_dependencies(None):
        initial = [grads[i] if grads[i] is not None else array_ops.zeros_like(op.outputs[i])
                   for i in variables]
        sums = [array_ops.zeros_like(external[k]) for k in captured]
    iterations, _ = _export(op, ITERATIONS)
    outputs = _while_grad_op(iterations, initial, sums, grad_body)
    return _input_gradients(op, variables, captured, outputs)


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


def _trace_grad_body(op, variables: list, captured: list, external: list) -> FuncGraph:
    """The gradient of one iteration of `op`'s body, as a function graph: from the gradients
    of the loop variables after the iteration and the sums of the captured tensors' gradients
    so far, to the gradients before the iteration and the new sums."""
    body = op.attrs["body"]
    scope = get_default_graph().get_name_scope()
    link = ForwardLink(body, functools.partial(_export, op))
    graph = FuncGraph(f"gradient of {op.name}'s body", get_default_graph(), scope=scope,
                      forward=link)
    with graph.as_default():
        grad_ys = [function_graph.placeholder(body.inputs[i].dtype, body.inputs[i].shape,
                                               "grad") for i in variables]
        sums = [function_graph.placeholder(external[k].dtype, external[k].shape, "sum")
                for k in captured]
        graph.inputs = grad_ys + sums
        xs = [body.inputs[i] for i in variables] + [
            function_graph.input_in_graph(body, external[k]) for k in captured]
        dxs = build_gradients([body.outputs[i] for i in variables], xs, grad_ys=grad_ys,
                              name=scope + "/" if scope else None)
        new_grads = [dx if dx is not None else array_ops.zeros_like(body.inputs[i])
                     for i, dx in zip(variables, dxs)]
        new_sums = [total if dx is None else math_ops.add(total, dx)
                    for total, dx in zip(sums, dxs[len(variables):])]
        graph.set_outputs(new_grads + new_sums)
    return graph


# ---------------------------------------------------------------- WhileGrad
def _while_grad_op(iterations: Tensor, initial: list, sums: list, grad_body: FuncGraph) -> list:
    """The `WhileGrad` op (built by `tf.gradients` through a `While`)."""
    inputs = [iterations] + initial + sums + grad_body.external_inputs()
    attrs = {"body": grad_body, "n": len(initial), "n_sums": len(sums)}
    result = apply_op("WhileGrad", inputs, attrs=attrs, name="WhileGrad")
    return result if isinstance(result, list) else [result]


def _while_grad_shape(op) -> list:
    return [t.shape for t in op.attrs["body"].inputs]


def _while_grad_dtype(op) -> list:
    return [t.dtype for t in op.attrs["body"].inputs]


def _bind_while_grad(op, state, reads, passes):
    """The kernel of a `WhileGrad`: the gradient body's plan run once per forward iteration,
    from the last, each run fed that iteration's kept values."""
    graph = op.attrs["body"]
    width = op.attrs["n"] + op.attrs["n_sums"]
    run = function_graph.FunctionPlan(graph, state, passes).plan.run_values
    positions = function_graph.capture_positions(graph, op.inputs[1 + width:])
    per_iteration = [id(inner) in graph.iteration_captures for _, inner in graph.captures]
    single = len(op.outputs) == 1

    def kernel(iterations, *inputs):
        carried = list(inputs[:width])
        captured = inputs[width:]
        fixed = [None if per else captured[i] for i, per in zip(positions, per_iteration)]
        for index in range(int(iterations) - 1, -1, -1):
            feeds = [captured[i][index] if per else value
                     for i, per, value in zip(positions, per_iteration, fixed)]
            carried = run(carried + feeds)
        return carried[0] if single else carried

    return kernel


define_op("WhileGrad", kernel=_no_kernel, shape=_while_grad_shape, dtype=_while_grad_dtype,
          stateful=True, bind=_bind_while_grad)
NotDifferentiable("WhileGrad")
