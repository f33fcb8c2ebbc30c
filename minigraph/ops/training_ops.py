"""Fused optimizer updates, under TF1's op types (`ApplyAdam`), for measured speed.

TF1's optimizers call one fused kernel per variable; minigraph's are composites of `assign` and
element-wise ops by default (STYLE rule 7), so the update shows in the graph op by op. Adam is
the exception, because a composite Adam costs about a dozen full passes over each variable, each
into a new array, where the fused kernel makes about half as many and writes the variable and its
`m` and `v` slots in place (when the plan allows it, see `minigraph.plan_inplace`).

The op writes three variables: `var` (input 0, a ref input as for `Assign`) and the slots `m` and
`v` (inputs 1 and 2, read as ordinary data inputs, so the executor hands over their stored
arrays). The default kernel computes new arrays and stores them; the in-place kernel updates the
stored arrays, and the in-place pass binds it only where no value that may alias them is still
needed.
"""

from __future__ import annotations

import numpy as np

from minigraph import compiled_kernels, shapes
from minigraph.ops.state_ops import _store, read_variable, writable_like
from minigraph.registry import NUMBERS, NotDifferentiable, define_op
from minigraph.tensor import apply_op


# ---------------------------------------------------------------- ApplyAdam
def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking=False, use_nesterov=False, name=None):
    """TF1's `ApplyAdam`: one Adam step on `var` and its slots `m`, `v`; returns the new var.

        lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
        m    = beta1 * m + (1 - beta1) * grad
        v    = beta2 * v + (1 - beta2) * grad**2
        var -= lr_t * m / (sqrt(v) + epsilon)

    `var`, `m` and `v` are variables of one shape; the others are scalars of their dtype except
    `grad`, shaped like `var`. Each result is rounded exactly as the composite formulas are, so
    the fused op and the composite agree bit for bit.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w, m, v = tf.Variable(1.0), tf.Variable(0.0), tf.Variable(0.0)
        ...     step = apply_adam(w, m, v, 0.9, 0.999, 0.1, 0.9, 0.999, 1e-8, 2.0)
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         print(round(float(sess.run(step)), 6))  # float32: 0.90000004
        0.9
    """
    if use_nesterov:
        raise NotImplementedError("ApplyAdam with use_nesterov=True is not implemented.")
    for ref, role in ((var, "var"), (m, "m"), (v, "v")):
        if not hasattr(ref, "op") or ref.op.type != "VariableV2":
            raise TypeError(f"ApplyAdam needs a Variable as {role}, got {ref!r}")
    return apply_op(
        "ApplyAdam", [var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad],
        name=name or "ApplyAdam",
    )


def _apply_adam_shape(op):
    var, m, v = op.inputs[:3]
    grad = op.inputs[9]
    shape = var.shape
    for t in (m, v, grad):
        if not shape.is_compatible_with(t.shape):
            raise ValueError(
                f"Shapes must be equal: var {var.shape}, {t.name} {t.shape} (ApplyAdam's var, m, v "
                "and grad must have one shape)"
            )
        shape = shape.merge_with(t.shape)
    for t in op.inputs[3:9]:
        if t.shape.ndims not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} for {t.name}")
    for t in op.inputs[1:]:
        if t.dtype != var.dtype:
            raise ValueError(f"ApplyAdam input {t.name} has dtype {t.dtype.name}, "
                             f"expected {var.dtype.name} like the variable")
    return shapes.as_shape(shape)


def _adam_step(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad) -> None:
    """Updates the arrays `var`, `m`, `v` in place, rounding as the composite formulas do."""
    one = np.ones((), var.dtype)
    lr_t = lr * np.sqrt(one - beta2_power) / (one - beta1_power)
    if compiled_kernels.worth_compiling(var, m, v, grad):
        scalars = [var.dtype.type(x) for x in (beta1, beta2, one - beta1, one - beta2, lr_t,
                                               epsilon)]
        flat = [x.reshape(-1) for x in (var, m, v, grad)]
        compiled_kernels.compile_loop(_ADAM_LOOP)(*flat, *scalars)
        return
    scratch = np.multiply(one - beta1, grad, out=np.empty(var.shape, var.dtype))
    m *= beta1
    m += scratch  # m = beta1 * m + (1 - beta1) * grad
    np.square(grad, out=scratch)
    scratch *= one - beta2
    v *= beta2
    v += scratch  # v = beta2 * v + (1 - beta2) * grad**2
    np.multiply(lr_t, m, out=scratch)
    denominator = np.sqrt(v)
    denominator += epsilon
    scratch /= denominator
    var -= scratch  # var -= lr_t * m / (sqrt(v) + epsilon)


# One pass over memory for the whole update: each element of var, m, v and grad is read once
# and var, m, v written once (in place, so that the loop vectorizes), with the same roundings as
# the numpy passes above.
_ADAM_LOOP = compiled_kernels.Loop(
    [("var", "F"), ("m", "F"), ("v", "F"), ("grad", "F"), ("beta1", "S"), ("beta2", "S"),
     ("one_minus_beta1", "S"), ("one_minus_beta2", "S"), ("lr_t", "S"), ("epsilon", "S")],
    ["m_t = ((m * beta1) + (one_minus_beta1 * grad))",
     "v_t = ((v * beta2) + ((grad * grad) * one_minus_beta2))",
     "var_t = (var - ((lr_t * m_t) / (np.sqrt(v_t) + epsilon)))"],
    [("var", "var_t"), ("m", "m_t"), ("v", "v_t")],
    rank=1,
)


def _apply_adam_kernel(state, op, m, v, *scalars_and_grad):
    """The default: new arrays for var, m and v, then stored (earlier reads keep theirs)."""
    var_op, m_op, v_op = (t.op for t in op.inputs[:3])
    grad = np.asarray(scalars_and_grad[-1])
    var = np.array(read_variable(state, var_op), copy=True)
    shape = np.broadcast_shapes(var.shape, np.shape(m), np.shape(v), grad.shape)
    var, m, v = (np.array(np.broadcast_to(x, shape), dtype=var.dtype) for x in (var, m, v))
    _adam_step(var, m, v, *scalars_and_grad[:-1], np.broadcast_to(grad, shape))
    _store(state, op, m_op, m)
    _store(state, op, v_op, v)
    return _store(state, op, var_op, var)


def _apply_adam_inplace_kernel(state, op, m, v, *scalars_and_grad):
    """Writes var, m and v in place when they are the stored, writeable arrays of one shape."""
    var_op, m_op, v_op = (t.op for t in op.inputs[:3])
    grad = np.asarray(scalars_and_grad[-1])
    var = read_variable(state, var_op)
    variables = state.variables
    if (variables.get(m_op) is not m or variables.get(v_op) is not v or grad.ndim == 0
            or not (writable_like(var, grad) and writable_like(m, grad)
                    and writable_like(v, grad))):
        return _apply_adam_kernel(state, op, m, v, *scalars_and_grad)
    _adam_step(var, m, v, *scalars_and_grad)
    return var


# NOTE: fused for measured speed (STYLE rule 7). W2 (course MLP, 25x12288 first layer) spent
# ~40% of its kernel time in the composite's `Adam/update_W1/*` ops: 1.49x numpy's step time
# with the composite, see docs/performance.md for the figure with this op.
define_op(
    "ApplyAdam",
    kernel=_apply_adam_kernel,
    shape=_apply_adam_shape,
    stateful=True,
    ref_input=True,
    inplace_kernel=_apply_adam_inplace_kernel,
    writes=(0, 1, 2),
    input_dtypes=[
        ("var", NUMBERS),
        ("m", NUMBERS),
        ("v", NUMBERS),
        ("beta1_power", NUMBERS),
        ("beta2_power", NUMBERS),
        ("lr", NUMBERS),
        ("beta1", NUMBERS),
        ("beta2", NUMBERS),
        ("epsilon", NUMBERS),
        ("grad", NUMBERS),
    ],
)
NotDifferentiable("ApplyAdam")
