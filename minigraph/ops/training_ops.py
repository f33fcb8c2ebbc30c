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

import functools
from typing import Callable, Optional

import numpy as np

from minigraph import compiled_kernels, errors, shapes
from minigraph.ops.state_ops import _store, read_variable, writable_like
from minigraph.registry import NUMBERS, NotDifferentiable, define_op
from minigraph.tensor import apply_op, convert_to_tensor


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


def _adam_step(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon,
               grad) -> Optional[Callable]:
    """Updates the arrays `var`, `m`, `v` in place, rounding as the composite formulas do;
    returns the compiled loop that did it (None: numpy's passes)."""
    dtype = var.dtype
    one = dtype.type(1)
    # (0-d arrays of var's dtype, as a plan passes them, become scalars of it: the same
    # float32 arithmetic below, without 0-d array operations)
    beta1_power, beta2_power, lr, beta1, beta2, epsilon = (
        x[()] if x.__class__ is np.ndarray and x.ndim == 0 and x.dtype == dtype else x
        for x in (beta1_power, beta2_power, lr, beta1, beta2, epsilon))
    if compiled_kernels.worth_compiling(var, m, v, grad):
        function = compiled_kernels.compile_loop(_ADAM_LOOP)
        function(var.reshape(-1), m.reshape(-1), v.reshape(-1), grad.reshape(-1),
                 *_adam_loop_scalars(dtype, beta1_power, beta2_power, lr, beta1, beta2, epsilon))
        return function
    lr_t = lr * np.sqrt(one - beta2_power) / (one - beta1_power)
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
    return None


def _adam_loop_scalars(dtype, beta1_power, beta2_power, lr, beta1, beta2, epsilon) -> tuple:
    """The scalar arguments of `_ADAM_LOOP`, computed as `_adam_step`'s numpy passes do."""
    one = dtype.type(1)
    lr_t = lr * np.sqrt(one - beta2_power) / (one - beta1_power)
    scalar = dtype.type
    return (scalar(beta1), scalar(beta2), scalar(one - beta1), scalar(one - beta2), scalar(lr_t),
            scalar(epsilon))


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
    """Writes var, m and v in place when they are the stored, writeable arrays of one shape
    (a run that takes the compiled loop keeps what it checked, as `_DenseUpdate` does)."""
    prepared = state.kernel_cache.get(op)
    if prepared is not None:
        var = prepared((m, v, *scalars_and_grad))
        if var is not None:
            return var
    var_op, m_op, v_op = (t.op for t in op.inputs[:3])
    grad = np.asarray(scalars_and_grad[-1])
    var = read_variable(state, var_op)
    variables = state.variables
    if (variables.get(m_op) is not m or variables.get(v_op) is not v or grad.ndim == 0
            or not (writable_like(var, grad) and writable_like(m, grad)
                    and writable_like(v, grad))):
        return _apply_adam_kernel(state, op, m, v, *scalars_and_grad)
    function = _adam_step(var, m, v, *scalars_and_grad)
    if function is not None:
        state.kernel_cache[op] = _PreparedUpdate(
            state, op, var, (m, v), 8, function, range(2, 8),
            functools.partial(_adam_loop_scalars, var.dtype))
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


# ---------------------------------------------------------------- dense updates, TF1's kernels
# NOTE: fused for measured speed (STYLE rule 7), as TF1's optimizers build them. W8 (sigmoid
# autoencoder, RMSProp) ran its composite update as three fused element-wise groups, a Square, a
# Pow and two AssignSub per variable; `ApplyRMSProp` is one pass over var, ms, mom and grad.
# Each op rounds exactly as TF's CPU kernel (training_ops.cc) does, in the order written there,
# with its compiled loop and its numpy passes giving the same bits.
_GRADIENT_DESCENT = "var_t = (var - (grad * lr))"
_RMS_PROP = [
    "ms_t = (ms + (((grad * grad) - ms) * one_minus_rho))",
    "mom_t = ((mom * momentum) + ((grad * lr) / np.sqrt((ms_t + epsilon))))",
    "var_t = (var - mom_t)",
]


class _DenseUpdate:
    """An op writing a variable (input 0) and its slot variables (the next `slots` inputs) from
    scalars and a gradient (input `grad`), TF1's `Apply*` ops: the checks, the default and
    in-place kernels, numpy's passes or one compiled loop.

    Subclasses give the op's `scalars` (names of the inputs after the slots, but `grad`), a
    `loop(op)` (a `compiled_kernels.Loop` over var, the slots, grad and the `loop_scalars`),
    `loop_scalars(op, *scalars)` and `numpy(op, var, *slots, grad, *scalars)` (in place).
    """

    op_type = ""
    slots = ()
    scalars = ()
    grad = 0  # input position of grad

    def names(self) -> list:
        """The op's input names, in order."""
        names = ["var", *self.slots, *self.scalars]
        names.insert(self.grad, "grad")
        return names

    def shape(self, op):
        """TF1's shape function: var, the slots and grad of one shape, the rest scalars."""
        names = self.names()
        shape = op.inputs[0].shape
        for i in [*range(1, 1 + len(self.slots)), self.grad]:
            shape = _merged(shape, op.inputs[i].shape)
        for i, name in enumerate(names):
            ndims = op.inputs[i].shape.ndims
            if name in self.scalars and ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {ndims} (input '{name}')")
        return shape

    def split(self, values):
        """(slots, grad, scalars) of a kernel's input values (all inputs but var)."""
        values = list(values)
        grad = np.asarray(values.pop(self.grad - 1))
        n = len(self.slots)
        return values[:n], grad, values[n:]

    def check(self, op, var, slots, grad, scalars) -> None:
        """TF1's run-time checks: shapes (the graph's may be unknown) and scalars."""
        for name, value in zip(self.scalars, scalars):
            if getattr(value, "ndim", 0) != 0:
                raise errors.InvalidArgumentError(
                    None, op, f"{name} is not a scalar: {list(np.shape(value))} (op '{op.name}', "
                    f"{op.type})")
        shape = var.shape
        for name, value in (*zip(self.slots, slots), ("grad", grad)):
            if getattr(value, "shape", None) != shape:
                raise errors.InvalidArgumentError(
                    None, op, f"var and {name} do not have the same shape{list(var.shape)} "
                    f"{list(np.shape(value))} (op '{op.name}', {op.type}; variable "
                    f"'{op.inputs[0].op.name}')")

    def update(self, op, var, slots, grad, scalars) -> Optional[Callable]:
        """Updates the arrays `var` and `slots` in place; returns the compiled loop that did
        it (None: numpy's passes)."""
        dtype = var.dtype
        scalars = [x[()] if x.__class__ is np.ndarray and x.dtype == dtype
                   else np.asarray(x, dtype)[()] for x in scalars]
        if compiled_kernels.worth_compiling(var, *slots, grad):
            flat = [x.reshape(-1) for x in (var, *slots, grad)]
            function = compiled_kernels.compile_loop(self.loop(op))
            function(*flat, *self.loop_scalars(op, *scalars))
            return function
        self.numpy(op, var, *slots, grad, *scalars)
        return None

    def kernel(self, state, op, *values):
        """The default: new arrays for var and the slots, then stored."""
        slots, grad, scalars = self.split(values)
        var_op = op.inputs[0].op
        var = read_variable(state, var_op)
        self.check(op, var, slots, grad, scalars)
        var = np.array(var, copy=True)
        slots = [np.array(s, dtype=var.dtype, copy=True) for s in slots]
        self.update(op, var, slots, grad.astype(var.dtype, copy=False), scalars)
        for tensor, value in zip(op.inputs[1:], slots):
            _store(state, op, tensor.op, value)
        return _store(state, op, var_op, var)

    def inplace_kernel(self, state, op, *values):
        """Updates var and the slots in place when they are the stored, writeable arrays of
        grad's shape and dtype.

        A run that takes the compiled loop keeps what it checked (`_PreparedUpdate`); the next
        runs call the loop after a few identity and shape tests, and take this general path
        whenever one fails (a variable assigned a new array, a gradient of another shape).
        """
        prepared = state.kernel_cache.get(op)
        if prepared is not None:
            var = prepared(values)
            if var is not None:
                return var
        slots, grad, scalars = self.split(values)
        var = read_variable(state, op.inputs[0].op)
        variables = state.variables
        if (grad.ndim == 0 or not writable_like(var, grad)
                or any(variables.get(t.op) is not s or not writable_like(s, grad)
                       for t, s in zip(op.inputs[1:], slots))):
            return self.kernel(state, op, *values)
        self.check(op, var, slots, grad, scalars)
        function = self.update(op, var, slots, grad, scalars)
        if function is not None:
            positions = [i for i, name in enumerate(self.names()[1:]) if name in self.scalars]
            state.kernel_cache[op] = _PreparedUpdate(
                state, op, var, slots, self.grad - 1, function, positions,
                functools.partial(self.loop_scalars, op))
        return var

    def kernels(self) -> tuple:
        """The op's default and in-place kernels."""
        return self.kernel, self.inplace_kernel

    def define(self) -> None:
        """Registers the op."""
        kernel, inplace_kernel = self.kernels()
        define_op(
            self.op_type,
            kernel=kernel,
            shape=self.shape,
            stateful=True,
            ref_input=True,
            inplace_kernel=inplace_kernel,
            writes=tuple(range(1 + len(self.slots))),
            input_dtypes=[(name, NUMBERS) for name in self.names()],
        )
        NotDifferentiable(self.op_type)

    def build(self, inputs: dict, attrs: Optional[dict], name: Optional[str]):
        """The op on `inputs` (by name): variables checked, dtypes as TF1 checks them."""
        names = self.names()
        var = inputs["var"]
        for role in ("var", *self.slots):
            ref = inputs[role]
            if not hasattr(ref, "op") or ref.op.type != "VariableV2":
                raise TypeError(f"{self.op_type} needs a Variable as {role}, got {ref!r}")
        dtype = var.dtype.base_dtype
        tensors = []
        for role in names:
            value = inputs[role]
            if role not in ("var", *self.slots) and not hasattr(value, "op"):
                value = convert_to_tensor(value, dtype=dtype, name=role)
            if value.dtype.base_dtype != dtype:
                raise TypeError(
                    f"Input '{role}' of '{self.op_type}' Op has type {value.dtype.base_dtype.name}"
                    f" that does not match type {dtype.name} of argument 'var'.")
            tensors.append(value)
        return apply_op(self.op_type, tensors, attrs=attrs, name=name or self.op_type)


class _PreparedUpdate:
    """An in-place update's compiled loop with what a run checked before calling it: the
    stored arrays of the variable and its slots (flattened once), the gradient's shape and
    dtype. Called with a later run's input values (all but var), it runs the loop and returns
    the variable's array when the stored arrays are still those, writeable, the gradient a
    C-contiguous array of their shape and dtype and the scalars 0-d arrays of that dtype;
    otherwise it returns None and does nothing, and the general path decides (and raises
    TF1's errors).

    The loop stays the one chosen when it was prepared, as a fused step keeps its compiled
    loops: a later `MINIGRAPH_JIT` setting applies to new sessions.
    """

    __slots__ = ("variables", "var_op", "var", "slot_ops", "slots", "flat", "shape", "dtype",
                 "grad_index", "function", "scalar_positions", "loop_scalars")

    def __init__(self, state, op, var, slots, grad_index, function, scalar_positions,
                 loop_scalars):
        self.variables = state.variables
        self.var_op = op.inputs[0].op
        self.var = var
        self.slot_ops = tuple(t.op for t in op.inputs[1:1 + len(slots)])
        self.slots = tuple(slots)
        self.flat = tuple(x.reshape(-1) for x in (var, *slots))
        self.shape = var.shape
        self.dtype = var.dtype
        self.grad_index = grad_index  # (in the values: the inputs but var)
        self.function = function
        self.scalar_positions = tuple(scalar_positions)  # (of the 0-d inputs, in the values)
        self.loop_scalars = loop_scalars  # their numpy scalars -> the loop's scalar arguments

    def __call__(self, values):
        if not self._holds(values):
            return None
        scalars = self._scalars(values)
        if scalars is None:
            return None
        self.function(*self.flat, values[self.grad_index].reshape(-1),
                      *self.loop_scalars(*scalars))
        return self.var

    def _holds(self, values) -> bool:
        """Whether the stored arrays are still the prepared ones, writeable, and the gradient
        a C-contiguous array of their shape and dtype."""
        var = self.var
        variables = self.variables
        if variables.get(self.var_op) is not var or not var.flags.writeable:
            return False
        for slot_op, slot, value in zip(self.slot_ops, self.slots, values):
            if value is not slot or variables.get(slot_op) is not slot or not slot.flags.writeable:
                return False
        grad = values[self.grad_index]
        return (grad.__class__ is np.ndarray and grad.shape == self.shape
                and grad.dtype == self.dtype and grad.flags.c_contiguous)

    def _scalars(self, values):
        """The scalar inputs as numpy scalars, or None if one is no 0-d array of the dtype."""
        dtype = self.dtype
        scalars = []
        for i in self.scalar_positions:
            x = values[i]
            if x.__class__ is not np.ndarray or x.shape or (x.dtype is not dtype
                                                            and x.dtype != dtype):
                return None
            scalars.append(x[()])
        return scalars


def _merged(shape, other):
    """`shape` merged with `other`, or TF1's ValueError."""
    if shape.ndims is not None and other.ndims is not None:
        if shape.ndims != other.ndims:
            raise ValueError(f"Shapes must be equal rank, but are {shape.ndims} and {other.ndims}")
        for d, (a, b) in enumerate(zip(shape.as_list(), other.as_list())):
            if a is not None and b is not None and a != b:
                raise ValueError(f"Dimension {d} in both shapes must be equal, but are {a} and {b}."
                                 f" Shapes are {shape.bracket_str()} and {other.bracket_str()}.")
    return shape.merge_with(other)


class _GradientDescentUpdate(_DenseUpdate):
    op_type = "ApplyGradientDescent"
    scalars = ("alpha",)
    grad = 2
    _loop = compiled_kernels.Loop(
        [("var", "F"), ("grad", "F"), ("lr", "S")], [_GRADIENT_DESCENT], [("var", "var_t")], 1)

    def names(self) -> list:
        return ["var", "alpha", "delta"]

    def loop(self, op):
        return self._loop

    def loop_scalars(self, op, alpha):
        return (alpha,)

    def numpy(self, op, var, grad, alpha) -> None:
        var -= np.multiply(grad, alpha, out=_scratch(var))  # var -= grad * lr

    # NOTE: a scalar variable (W1, the quadratic: a step is a dozen ops on scalars) takes a
    # short path, numpy's scalar arithmetic, as `AssignSub` does: the general checks and the
    # copies cost more than the update.
    def kernels(self) -> tuple:
        return _descent_kernel, _descent_inplace_kernel


def _descent_kernel(state, op, alpha, delta):
    """ApplyGradientDescent's default kernel: a scalar's short path, else the general one."""
    var_op = op.inputs[0].op
    var = state.variables.get(var_op)
    if (var is not None and var.shape == () and getattr(delta, "shape", None) == ()
            and getattr(alpha, "shape", None) == ()):
        new = state.variables[var_op] = var - delta * alpha[()]  # (scalars: the shape fits)
        return new
    return _GRADIENT_DESCENT_OP.kernel(state, op, alpha, delta)


def _descent_inplace_kernel(state, op, alpha, delta):
    """ApplyGradientDescent's in-place kernel: a scalar's short path, else the general one."""
    var_op = op.inputs[0].op
    var = state.variables.get(var_op)
    if (var is not None and var.shape == () and getattr(delta, "shape", None) == ()
            and getattr(alpha, "shape", None) == ()):
        new = state.variables[var_op] = var - delta * alpha[()]
        return new
    return _GRADIENT_DESCENT_OP.inplace_kernel(state, op, alpha, delta)


class _MomentumUpdate(_DenseUpdate):
    op_type = "ApplyMomentum"
    slots = ("accum",)
    scalars = ("lr", "momentum")
    grad = 3
    _loops = {
        nesterov: compiled_kernels.Loop(
            [("var", "F"), ("accum", "F"), ("grad", "F"), ("lr", "S"), ("momentum", "S")],
            ["accum_t = ((accum * momentum) + grad)",
             "var_t = (var - ((grad * lr) + ((accum_t * momentum) * lr)))" if nesterov
             else "var_t = (var - (accum_t * lr))"],
            [("var", "var_t"), ("accum", "accum_t")], 1)
        for nesterov in (False, True)
    }

    def loop(self, op):
        return self._loops[op.attrs["use_nesterov"]]

    def loop_scalars(self, op, lr, momentum):
        return lr, momentum

    def numpy(self, op, var, accum, grad, lr, momentum) -> None:
        accum *= momentum
        accum += grad  # accum = accum * momentum + grad
        step = np.multiply(accum, momentum if op.attrs["use_nesterov"] else lr, out=_scratch(var))
        if op.attrs["use_nesterov"]:
            step *= lr
            step += np.multiply(grad, lr, out=_scratch(var))  # grad * lr + accum * momentum * lr
        var -= step


class _RMSPropUpdate(_DenseUpdate):
    op_type = "ApplyRMSProp"
    slots = ("ms", "mom")
    scalars = ("lr", "rho", "momentum", "epsilon")
    grad = 7
    _loop = compiled_kernels.Loop(
        [("var", "F"), ("ms", "F"), ("mom", "F"), ("grad", "F"), ("lr", "S"),
         ("one_minus_rho", "S"), ("momentum", "S"), ("epsilon", "S")],
        _RMS_PROP, [("var", "var_t"), ("ms", "ms_t"), ("mom", "mom_t")], 1)

    def loop(self, op):
        return self._loop

    def loop_scalars(self, op, lr, rho, momentum, epsilon):
        return lr, 1 - rho, momentum, epsilon  # (rho: a numpy scalar, 1 - rho in its dtype)

    def numpy(self, op, var, ms, mom, grad, lr, rho, momentum, epsilon) -> None:
        _rms_step(ms, grad, rho)
        _momentum_step(var, mom, np.add(ms, epsilon, out=_scratch(var)), grad, lr, momentum)


class _CenteredRMSPropUpdate(_DenseUpdate):
    op_type = "ApplyCenteredRMSProp"
    slots = ("mg", "ms", "mom")
    scalars = ("lr", "rho", "momentum", "epsilon")
    grad = 8
    _loop = compiled_kernels.Loop(
        [("var", "F"), ("mg", "F"), ("ms", "F"), ("mom", "F"), ("grad", "F"), ("lr", "S"),
         ("one_minus_rho", "S"), ("momentum", "S"), ("epsilon", "S")],
        [_RMS_PROP[0],
         "mg_t = (mg + ((grad - mg) * one_minus_rho))",
         "mom_t = ((mom * momentum) + ((grad * lr) / np.sqrt(((ms_t - (mg_t * mg_t)) "
         "+ epsilon))))",
         _RMS_PROP[2]],
        [("var", "var_t"), ("mg", "mg_t"), ("ms", "ms_t"), ("mom", "mom_t")], 1)

    def loop(self, op):
        return self._loop

    def loop_scalars(self, op, lr, rho, momentum, epsilon):
        return lr, 1 - rho, momentum, epsilon

    def numpy(self, op, var, mg, ms, mom, grad, lr, rho, momentum, epsilon) -> None:
        _rms_step(ms, grad, rho)
        scratch = np.subtract(grad, mg, out=_scratch(var))
        scratch *= rho.dtype.type(1) - rho
        mg += scratch  # mg += (grad - mg) * (1 - rho)
        denominator = np.multiply(mg, mg, out=scratch)
        np.subtract(ms, denominator, out=denominator)
        denominator += epsilon  # (ms - mg**2) + epsilon
        _momentum_step(var, mom, denominator, grad, lr, momentum)


def _scratch(like):
    """A new array shaped like `like` (a temporary of the numpy passes, 0-d arrays included)."""
    return np.empty(like.shape, like.dtype)


def _rms_step(ms, grad, rho) -> None:
    """ms += (grad**2 - ms) * (1 - rho), in place."""
    scratch = np.multiply(grad, grad, out=_scratch(ms))
    scratch -= ms
    scratch *= rho.dtype.type(1) - rho
    ms += scratch


def _momentum_step(var, mom, denominator, grad, lr, momentum) -> None:
    """mom = mom * momentum + (grad * lr) / sqrt(denominator); var -= mom, in place
    (`denominator` is overwritten)."""
    np.sqrt(denominator, out=denominator)
    step = np.multiply(grad, lr, out=_scratch(var))
    step /= denominator
    mom *= momentum
    mom += step
    var -= mom


_GRADIENT_DESCENT_OP = _GradientDescentUpdate()
_MOMENTUM_OP = _MomentumUpdate()
_RMS_PROP_OP = _RMSPropUpdate()
_CENTERED_RMS_PROP_OP = _CenteredRMSPropUpdate()
for _update in (_GRADIENT_DESCENT_OP, _MOMENTUM_OP, _RMS_PROP_OP, _CENTERED_RMS_PROP_OP):
    _update.define()


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """TF1's `ApplyGradientDescent`: `var -= delta * alpha`; returns the new var.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable([1.0, 2.0])
        ...     step = apply_gradient_descent(w, 0.5, tf.constant([2.0, 2.0]))
        ...     with tf.Session() as sess:
        ...         sess.run(w.initializer)
        ...         print(sess.run(step))
        [0. 1.]
    """
    return _GRADIENT_DESCENT_OP.build({"var": var, "alpha": alpha, "delta": delta},
                                      {"use_locking": bool(use_locking)}, name)


def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, name=None,
                   use_nesterov=False):
    """TF1's `ApplyMomentum`; returns the new var.

        accum = accum * momentum + grad
        var  -= accum * lr                                   (plain)
        var  -= grad * lr + accum * momentum * lr            (use_nesterov=True)

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w, accum = tf.Variable([1.0]), tf.Variable([1.0])
        ...     step = apply_momentum(w, accum, 0.5, tf.constant([2.0]), 0.5)
        ...     with tf.Session() as sess:
        ...         _ = sess.run([w.initializer, accum.initializer])
        ...         print(sess.run(step), sess.run(accum))
        [-0.25] [2.5]
    """
    return _MOMENTUM_OP.build(
        {"var": var, "accum": accum, "lr": lr, "grad": grad, "momentum": momentum},
        {"use_locking": bool(use_locking), "use_nesterov": bool(use_nesterov)}, name)


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False,
                   name=None):
    """TF1's `ApplyRMSProp`; returns the new var.

        ms   += (grad**2 - ms) * (1 - rho)
        mom   = mom * momentum + (grad * lr) / sqrt(ms + epsilon)
        var  -= mom

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w, ms, mom = tf.Variable([1.0]), tf.Variable([1.0]), tf.Variable([0.0])
        ...     step = apply_rms_prop(w, ms, mom, 0.5, 0.625, 0.0, 0.0, tf.constant([3.0]))
        ...     with tf.Session() as sess:
        ...         _ = sess.run([v.initializer for v in (w, ms, mom)])
        ...         print(sess.run(step), sess.run(ms))
        [0.25] [4.]
    """
    return _RMS_PROP_OP.build(
        {"var": var, "ms": ms, "mom": mom, "lr": lr, "rho": rho, "momentum": momentum,
         "epsilon": epsilon, "grad": grad}, {"use_locking": bool(use_locking)}, name)


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking=False, name=None):
    """TF1's `ApplyCenteredRMSProp`; returns the new var.

        ms   += (grad**2 - ms) * (1 - rho)
        mg   += (grad - mg) * (1 - rho)
        mom   = mom * momentum + (grad * lr) / sqrt((ms - mg**2) + epsilon)
        var  -= mom

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w, mg, ms, mom = (tf.Variable([x]) for x in (1.0, 0.0, 1.0, 0.0))
        ...     step = apply_centered_rms_prop(w, mg, ms, mom, 0.5, 0.75, 0.0, 0.0,
        ...                                    tf.constant([2.0]))
        ...     with tf.Session() as sess:
        ...         _ = sess.run([v.initializer for v in (w, mg, ms, mom)])
        ...         print(sess.run(step), sess.run(mg), sess.run(ms))
        [0.18350345] [0.5] [1.75]
    """
    return _CENTERED_RMS_PROP_OP.build(
        {"var": var, "mg": mg, "ms": ms, "mom": mom, "lr": lr, "rho": rho,
         "momentum": momentum, "epsilon": epsilon, "grad": grad},
        {"use_locking": bool(use_locking)}, name)
