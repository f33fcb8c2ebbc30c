"""Arithmetic, reductions, matrix products and comparisons, with their derivatives.

Each op is one block: public builder, `define_op` (numpy kernel + shape function), gradient.
Gradients are written with the same public builders, so they are graph ops themselves: the
backward graph can be run, drawn, and differentiated again. Binary ops broadcast like numpy and
hand their gradients to `array_ops.unbroadcast`, the one helper that sums broadcast axes away.

At the bottom, the operators of `Tensor` (`+ - * / ** @`, unary `-`, `abs`, `< <= > >=`) are
attached with TF1's default op names (`add`, `mul`, `truediv`, ...).
"""

from __future__ import annotations

import builtins

import numpy as np

from minigraph import compiled_kernels, dtypes, errors, shapes
from minigraph.graph import graph_of, name_scope
from minigraph.ops import array_ops
from minigraph.registry import (
    BOOL,
    FLOATS,
    INDICES,
    NUMBERS,
    SIGNED,
    STRING,
    NotDifferentiable,
    RegisterGradient,
    define_op,
)
from minigraph.shapes import TensorShape
from minigraph.tensor import (
    Tensor,
    apply_binary,
    apply_op,
    apply_op_with_number,
    constant_value,
    convert_inputs,
    convert_to_tensor,
    op_scope,
    python_number_operand,
)


def _bool(op):
    return dtypes.bool


def _binary_inputs(x, y, op_type: str, name=None, arg_names=("x", "y")):
    """Converts the two operands: a non-tensor takes the other operand's dtype (so `w**2` stays
    float32); two tensors of different dtypes raise TypeError naming both.

    Returns `(x, y, name)`. A non-tensor operand becomes a Const inside the op's name scope,
    named after its input (`Mul/y`, `MatMul/b`: `arg_names`), as TF1 converts it; `name` is
    then that scope ("Mul/"), the op's exact name, else `name` unchanged."""
    if not (isinstance(x, Tensor) and isinstance(y, Tensor)):
        with op_scope(name, op_type, [x, y]) as name:
            x, y = _converted_operands(x, y, arg_names)
    _check_same_dtype(x, y, op_type)
    return x, y, name


def _check_same_dtype(x: Tensor, y: Tensor, op_type: str) -> None:
    if x.dtype is not y.dtype and x.dtype != y.dtype:
        raise TypeError(
            f"Input 'y' of '{op_type}' Op has type {y.dtype.name} that does not match type "
            f"{x.dtype.name} of argument 'x'. Cast one of them with tf.cast(..., "
            f"tf.{x.dtype.name}) first."
        )


# A Python operand of these types becomes a constant of the other operand's dtype.
_PYTHON_NUMBERS = (float, int)


def _converted_operands(x, y, arg_names):
    """Both operands as tensors of the default graph (the op's), the non-tensors named
    `arg_names`; a Python number takes the other operand's dtype."""
    x_name, y_name = arg_names
    if type(y) in _PYTHON_NUMBERS and isinstance(x, Tensor):
        return x, python_number_operand(y, x.dtype, x.op.graph, y_name)
    if type(x) in _PYTHON_NUMBERS and isinstance(y, Tensor):
        return python_number_operand(x, y.dtype, y.op.graph, x_name), y
    if _is_tensor(x):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=None if _is_tensor(y) else x.dtype, name=y_name)
    elif _is_tensor(y):
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype, name=x_name)
    else:
        x = convert_to_tensor(x, name=x_name)
        y = convert_to_tensor(y, dtype=x.dtype, name=y_name)
    return x, y


def _is_tensor(value) -> bool:
    return isinstance(value, Tensor) or hasattr(value, "_as_graph_element")


def _binary(op_type: str, x, y, name):
    # `x * 2.0` and `1.0 - x` are most of the ops a big graph is built from: nothing to check.
    if type(x) is Tensor:
        if type(y) in _PYTHON_NUMBERS:
            return apply_op_with_number(op_type, x, y, name)
        if type(y) is Tensor and x.dtype is y.dtype:
            return apply_binary(op_type, x, y, name)
    elif type(y) is Tensor and type(x) in _PYTHON_NUMBERS:
        return apply_op_with_number(op_type, y, x, name, number_first=True)
    x, y, name = _binary_inputs(x, y, op_type, name)
    return apply_op(op_type, [x, y], name=name)


# ---------------------------------------------------------------- Add
def add(x, y, name=None):
    """x + y element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.add([1.0, 2.0], 3.0)))
        [4. 5.]
    """
    return _binary("Add", x, y, name)


define_op("Add", kernel=np.add, shape=shapes.broadcast_inputs, returns_view=False,
          elementwise="({0} + {1})",
          input_dtypes=[("x", NUMBERS + STRING), ("y", NUMBERS + STRING)])


@RegisterGradient("Add")
def _add_grad(op, grad):
    """d(x + y) = (grad, grad), each summed back to its input's shape."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(grad, x, y) if op.needs_grad(0) else None
    dy = array_ops.unbroadcast(grad, y, x) if op.needs_grad(1) else None
    return dx, dy


# ---------------------------------------------------------------- Sub
def subtract(x, y, name=None):
    """x - y element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.subtract([1.0, 2.0], 3.0)))
        [-2. -1.]
    """
    return _binary("Sub", x, y, name)


define_op("Sub", kernel=np.subtract, shape=shapes.broadcast_inputs, returns_view=False,
          elementwise="({0} - {1})",
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    """d(x - y) = (grad, -grad)."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(grad, x, y) if op.needs_grad(0) else None
    dy = array_ops.unbroadcast(negative(grad), y, x) if op.needs_grad(1) else None
    return dx, dy


# ---------------------------------------------------------------- Mul
def multiply(x, y, name=None):
    """x * y element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.multiply([1.0, 2.0], 3.0)))
        [3. 6.]
    """
    return _binary("Mul", x, y, name)


def _is_neutral_one(value, x, op) -> bool:
    """Whether a compile-time `value` is a one that multiplying or raising `x` by leaves `x`
    exactly as it is: a single 1 that cannot broadcast x to another shape or dtype."""
    if value is None:
        return False
    if value.__class__ is not np.ndarray:  # (a folded constant is one already)
        value = np.asarray(value)
    if value.size != 1 or value.item() != 1 or x.dtype != op.outputs[0].dtype:
        return False
    rank = x.shape.ndims
    return value.ndim == 0 or (rank is not None and value.ndim <= rank)


def _mul_alias(op, constant_inputs):
    """x * 1 and 1 * x are x, bit for bit (x * 1 == x for every float, NaN, inf and -0 too)."""
    a, b = constant_inputs
    if a is not None and _is_neutral_one(a, op.inputs[1], op):
        return 1
    if b is not None and _is_neutral_one(b, op.inputs[0], op):
        return 0
    return None


define_op("Mul", kernel=np.multiply, shape=shapes.broadcast_inputs, returns_view=False,
          alias=_mul_alias, elementwise="({0} * {1})",
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    """d(x * y) = (grad * y, grad * x)."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(grad * y, x, y) if op.needs_grad(0) else None
    dy = array_ops.unbroadcast(grad * x, y, x) if op.needs_grad(1) else None
    return dx, dy


# ---------------------------------------------------------------- RealDiv
def divide(x, y, name=None):
    """x / y element-wise (true division: int32 inputs give float64, as in TF1).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.divide([1.0, 3.0], 2.0)))
        [0.5 1.5]
    """
    return truediv(x, y, name=name)


def truediv(x, y, name=None):
    """x / y element-wise; integer inputs are cast to float first (TF1's `truediv`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.truediv(tf.constant([1, 3]), 2)))
        [0.5 1.5]
    """
    x, y, name = _binary_inputs(x, y, "RealDiv", name or "truediv")
    if x.dtype.is_integer:
        target = dtypes.float32 if x.dtype.np.itemsize <= 2 else dtypes.float64
        x, y = cast(x, target), cast(y, target)
    return apply_op("RealDiv", [x, y], name=name)


define_op("RealDiv", kernel=np.divide, shape=shapes.broadcast_inputs, returns_view=False,
          elementwise="({0} / {1})",
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])


@RegisterGradient("RealDiv")
def _real_div_grad(op, grad):
    """d(x / y) = (grad / y, -grad * x / y^2)."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(grad / y, x, y) if op.needs_grad(0) else None
    dy = None
    if op.needs_grad(1):
        dy = array_ops.unbroadcast(negative(grad) * x / (y * y), y, x)
    return dx, dy


# ---------------------------------------------------------------- Neg
def negative(x, name=None):
    """-x element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.negative([1.0, -2.0])))
        [-1.  2.]
    """
    return apply_op("Neg", [x], name=name)


define_op("Neg", kernel=np.negative, shape=shapes.same_as_input, returns_view=False,
          elementwise="(-{0})",
          input_dtypes=[("x", SIGNED)])


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    """d(-x) = -grad."""
    return negative(grad)


# ---------------------------------------------------------------- Pow
def pow(x, y, name=None):  # noqa: A001 - TF1's name
    """x ** y element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.pow([2.0, 3.0], 2.0)))
        [4. 9.]
    """
    return _binary("Pow", x, y, name)


def _pow_alias(op, constant_inputs):
    """x ** 1 is x, bit for bit (the gradient of x ** 2 makes one)."""
    return 0 if _is_neutral_one(constant_inputs[1], op.inputs[0], op) else None


def _pow_elementwise(op):
    """x ** 2 as x * x when the exponent is a constant single 2: numpy's float power rounds
    x ** 2 exactly as x * x (checked bit for bit on every 31st float32 bit pattern, extremes,
    subnormals, infinities and NaN included); other exponents keep numpy's kernel."""
    value = constant_value(op.inputs[1])
    if value is None:
        return None
    value = np.asarray(value)
    rank = op.inputs[0].shape.ndims
    if value.size != 1 or value.item() != 2 or (value.ndim and (rank is None
                                                               or value.ndim > rank)):
        return None
    return "({0} * {0})"


define_op("Pow", kernel=np.power, shape=shapes.broadcast_inputs, returns_view=False,
          alias=_pow_alias, elementwise=_pow_elementwise,
          input_dtypes=[("x", SIGNED), ("y", SIGNED)])


@RegisterGradient("Pow")
def _pow_grad(op, grad):
    """d(x^y) = (grad * y * x^(y-1), grad * x^y * log x), the log taken as 0 where x <= 0."""
    x, y = op.inputs
    z = op.outputs[0]
    dx = dy = None
    if op.needs_grad(0):
        dx = array_ops.unbroadcast(grad * y * pow(x, y - 1), x, y)
    if op.needs_grad(1):
        positive = greater(x, array_ops.zeros_like(x))
        safe_x = where(positive, x, array_ops.ones_like(x))
        log_x = where(positive, log(safe_x), array_ops.zeros_like(x))
        dy = array_ops.unbroadcast(grad * z * log_x, y, x)
    return dx, dy


# ---------------------------------------------------------------- Square
def square(x, name=None):
    """x * x element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.square([2.0, -3.0])))
        [4. 9.]
    """
    return apply_op("Square", [x], name=name)


define_op("Square", kernel=np.square, shape=shapes.same_as_input, returns_view=False,
          elementwise="({0} * {0})",
          input_dtypes=[("x", NUMBERS)])


@RegisterGradient("Square")
def _square_grad(op, grad):
    """d x^2 = grad * 2x."""
    x = op.inputs[0]
    return grad * (2.0 * x)


# ---------------------------------------------------------------- Sqrt
def sqrt(x, name=None):
    """Square root element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.sqrt([4.0, 9.0])))
        [2. 3.]
    """
    return apply_op("Sqrt", [x], name=name)


define_op("Sqrt", kernel=np.sqrt, shape=shapes.same_as_input, returns_view=False,
          elementwise="np.sqrt({0})",
          input_dtypes=[("x", FLOATS)])


@RegisterGradient("Sqrt")
def _sqrt_grad(op, grad):
    """d sqrt(x) = grad * 0.5 / y, reusing the forward output y."""
    y = op.outputs[0]
    return grad * 0.5 / y


# ---------------------------------------------------------------- Rsqrt
def rsqrt(x, name=None):
    """Reciprocal of the square root element-wise: `1 / sqrt(x)` (inf at 0, NaN below 0).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.rsqrt([4.0, 0.25])))
        [0.5 2. ]
    """
    return apply_op("Rsqrt", [x], name=name)


def _rsqrt_kernel(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.reciprocal(np.sqrt(x))


define_op("Rsqrt", kernel=_rsqrt_kernel, shape=shapes.same_as_input, returns_view=False,
          input_dtypes=[("x", FLOATS)])


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op, grad):
    """d x^(-1/2) = grad * -0.5 * y^3, reusing the forward output y: RsqrtGrad(y, grad)."""
    return rsqrt_grad(op.outputs[0], grad)


# ---------------------------------------------------------------- RsqrtGrad
def rsqrt_grad(y, dy, name=None):
    """TF1's `RsqrtGrad` (`gen_math_ops.rsqrt_grad`): `dy * -0.5 * y^3`, the gradient of
    `y = rsqrt(x)` given the output `y` and the incoming gradient `dy`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(rsqrt_grad([0.5, 2.0], [1.0, 1.0])))
        [-0.0625 -4.    ]
    """
    y = convert_to_tensor(y)
    dy = convert_to_tensor(dy, dtype=y.dtype)
    return apply_op("RsqrtGrad", [y, dy], name=name)


def _rsqrt_grad_kernel(y, dy):
    if np.shape(y) != np.shape(dy):
        raise ValueError(
            f"RsqrtGrad needs y and dy of one shape, got {list(np.shape(y))} and "
            f"{list(np.shape(dy))}."
        )
    # TF's order of operations: -0.5 * (dy * y) * (y * y)
    return (y.dtype.type(-0.5) * (dy * y) * (y * y)).astype(y.dtype, copy=False)


def _rsqrt_grad_shape(op):
    y, dy = op.inputs
    if not y.shape.is_compatible_with(dy.shape):
        raise ValueError(
            f"RsqrtGrad '{op.name}' needs y and dy of one shape, got {y.shape} and {dy.shape}."
        )
    return y.shape.merge_with(dy.shape)


define_op("RsqrtGrad", kernel=_rsqrt_grad_kernel, shape=_rsqrt_grad_shape, returns_view=False,
          input_dtypes=[("y", FLOATS), ("dy", FLOATS)])


@RegisterGradient("RsqrtGrad")
def _rsqrt_grad_grad(op, grad):
    """d (-0.5 dy y^3) = (grad * -1.5 * dy * y^2, RsqrtGrad(y, grad)), as TF1's."""
    y, dy = op.inputs
    dgrad_y = grad * -1.5 * dy * square(y) if op.needs_grad(0) else None
    return dgrad_y, rsqrt_grad(y, grad) if op.needs_grad(1) else None


# ---------------------------------------------------------------- Exp
def exp(x, name=None):
    """e ** x element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.exp(0.0)))
        1.0
    """
    return apply_op("Exp", [x], name=name)


define_op("Exp", kernel=np.exp, shape=shapes.same_as_input, returns_view=False,
          input_dtypes=[("x", FLOATS)])


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    """d exp(x) = grad * y, reusing the forward output y."""
    return grad * op.outputs[0]


# ---------------------------------------------------------------- Log
def log(x, name=None):
    """Natural logarithm element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.log(1.0)))
        0.0
    """
    return apply_op("Log", [x], name=name)


define_op("Log", kernel=np.log, shape=shapes.same_as_input, returns_view=False,
          input_dtypes=[("x", FLOATS)])


@RegisterGradient("Log")
def _log_grad(op, grad):
    """d log(x) = grad / x."""
    return grad / op.inputs[0]


# ---------------------------------------------------------------- Abs
def abs(x, name=None):  # noqa: A001 - TF1's name
    """|x| element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.abs([-1.5, 2.0])))
        [1.5 2. ]
    """
    return apply_op("Abs", [x], name=name)


define_op("Abs", kernel=np.abs, shape=shapes.same_as_input, returns_view=False,
          input_dtypes=[("x", SIGNED)])


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    """d |x| = grad * sign(x)."""
    return grad * sign(op.inputs[0])


# ---------------------------------------------------------------- Sign
def sign(x, name=None):
    """-1, 0 or 1 element-wise by the sign of x.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.sign([-2.0, 0.0, 3.0])))
        [-1.  0.  1.]
    """
    return apply_op("Sign", [x], name=name)


define_op("Sign", kernel=np.sign, shape=shapes.same_as_input, returns_view=False,
          input_dtypes=[("x", SIGNED)])


@RegisterGradient("Sign")
def _sign_grad(op, grad):
    """d sign(x) = 0 almost everywhere."""
    return array_ops.zeros_like(op.inputs[0])


# ---------------------------------------------------------------- Maximum / Minimum
def maximum(x, y, name=None):
    """The larger of x and y element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.maximum([1.0, 5.0], 2.0)))
        [2. 5.]
    """
    return _binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    """The smaller of x and y element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.minimum([1.0, 5.0], 2.0)))
        [1. 2.]
    """
    return _binary("Minimum", x, y, name)


# (np.maximum and np.minimum return a NaN operand, else the second operand when they are equal:
# maximum(-0.0, 0.0) is +0.0.)
define_op("Maximum", kernel=np.maximum, shape=shapes.broadcast_inputs, returns_view=False,
          elementwise="({0} if ({0} > {1} or {0} != {0}) else {1})",
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])
define_op("Minimum", kernel=np.minimum, shape=shapes.broadcast_inputs, returns_view=False,
          elementwise="({0} if ({0} < {1} or {0} != {0}) else {1})",
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])


def _select_grad(op, grad, x_wins):
    x, y = op.inputs
    zeros = array_ops.zeros_like(grad)
    dx = array_ops.unbroadcast(where(x_wins, grad, zeros), x, y) if op.needs_grad(0) else None
    dy = array_ops.unbroadcast(where(x_wins, zeros, grad), y, x) if op.needs_grad(1) else None
    return dx, dy


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    """d max(x, y) = grad to x where x >= y, else to y."""
    x, y = op.inputs
    return _select_grad(op, grad, greater_equal(x + array_ops.zeros_like(y), y))


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    """d min(x, y) = grad to x where x <= y, else to y."""
    x, y = op.inputs
    return _select_grad(op, grad, less_equal(x + array_ops.zeros_like(y), y))


# ---------------------------------------------------------------- Select (tf.where)
def where(condition, x=None, y=None, name=None):
    """Picks from `x` where `condition` is True and from `y` elsewhere (TF1's Select); with
    `condition` alone, the coordinates of its True (non-zero) entries (TF1's Where).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.where([True, False], [1.0, 2.0], [9.0, 9.0])))
        ...     print(sess.run(tf.where([[True, False], [False, True]])))
        [1. 9.]
        [[0 0]
         [1 1]]
    """
    if x is None and y is None:
        return _where_indices(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    with op_scope(name, "Select", [condition, x, y]) as scope:
        condition = convert_to_tensor(condition, dtype=dtypes.bool, name="condition")
        x, y = _converted_operands(x, y, ("x", "y"))
        _check_same_dtype(x, y, "Select")
        return apply_op("Select", [condition, x, y], name=scope)


def _select_kernel(condition, x, y):
    if condition.ndim == 1 and x.ndim > 1:
        condition = condition.reshape((-1,) + (1,) * (x.ndim - 1))
    return np.where(condition, x, y)


def _select_shape(op):
    condition, x, y = op.inputs
    out = shapes.broadcast(x.shape, y.shape)
    if condition.shape.ndims == 1 and out.ndims not in (None, 1):
        return out
    return shapes.broadcast(condition.shape, out)


define_op("Select", kernel=_select_kernel, shape=_select_shape,
          dtype=lambda op: op.inputs[1].dtype, returns_view=False,
          input_dtypes=[("condition", BOOL)])


@RegisterGradient("Select")
def _select_op_grad(op, grad):
    """d where(c, x, y) = (None, grad where c, grad where not c)."""
    condition, x, y = op.inputs
    zeros = array_ops.zeros_like(grad)
    dx = array_ops.unbroadcast(where(condition, grad, zeros), x) if op.needs_grad(1) else None
    dy = array_ops.unbroadcast(where(condition, zeros, grad), y) if op.needs_grad(2) else None
    return None, dx, dy


# ---------------------------------------------------------------- Where (tf.where(condition))
def _where_indices(condition, name):
    """`tf.where(condition)`: an int64 matrix [number of true entries, rank of condition]."""
    condition = convert_to_tensor(condition)
    if condition.dtype == dtypes.string:
        raise TypeError(f"tf.where(condition) needs a bool or numeric condition, got {condition!r}")
    return apply_op("Where", [condition], name=name)


def _where_kernel(condition):
    return np.argwhere(condition).astype(np.int64)


def _where_shape(op):
    return TensorShape([None, op.inputs[0].shape.ndims])


define_op("Where", kernel=_where_kernel, shape=_where_shape, dtype=lambda op: dtypes.int64,
          input_dtypes=[("input", NUMBERS + BOOL)])
NotDifferentiable("Where")


# ---------------------------------------------------------------- MatMul / BatchMatMulV2
def matmul(a, b, transpose_a: bool = False, transpose_b: bool = False, adjoint_a: bool = False,
           adjoint_b: bool = False, a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product a @ b; inputs of rank > 2 are batches of matrices (broadcast).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.matmul(tf.ones([2, 3]), tf.ones([3, 4])))
        Tensor("MatMul:0", shape=(2, 4), dtype=float32)
    """
    a, b, name = _binary_inputs(a, b, "MatMul", name, ("a", "b"))
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    if a.shape.ndims == 2 and b.shape.ndims == 2:
        attrs = {"transpose_a": ta, "transpose_b": tb}
        return apply_op("MatMul", [a, b], attrs=attrs, name=name)
    attrs = {"adj_x": ta, "adj_y": tb}
    return apply_op("BatchMatMulV2", [a, b], attrs=attrs, name=name or "MatMul")


def _swap(x):
    return np.swapaxes(x, -1, -2)


def _matmul_kernel(a, b, *, transpose_a, transpose_b):
    try:
        return np.matmul(a.T if transpose_a else a, b.T if transpose_b else b)
    except ValueError:
        # Dims unknown while building can still disagree at run time; say it as TF1 does.
        raise ValueError(
            f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: {list(b.shape)} "
            f"(transpose_a={transpose_a}, transpose_b={transpose_b}): the inner dimensions "
            "must be equal; check the shapes of the values fed."
        ) from None


def _batch_matmul_kernel(a, b, *, adj_x, adj_y):
    # Ranks unknown while building are checked here: numpy would take a vector as a matrix.
    for i, x in enumerate((a, b)):
        if np.ndim(x) < 2:
            raise ValueError(f"In[{i}] ndims must be >= 2: {np.ndim(x)} (shape {list(np.shape(x))})"
                             "; tf.matmul multiplies matrices: tf.expand_dims a vector first.")
    try:
        return np.matmul(_swap(a) if adj_x else a, _swap(b) if adj_y else b)
    except ValueError:
        raise ValueError(
            f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: {list(b.shape)} "
            f"(adj_x={adj_x}, adj_y={adj_y}): the inner dimensions must be equal and the batch "
            "dimensions must broadcast; check the shapes of the values fed."
        ) from None


def _matmul_dims(a_shape, b_shape, ta, tb):
    a, b = a_shape.as_tuple(), b_shape.as_tuple()
    if a is None or b is None:
        return None
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {min(len(a), len(b))}")
    m, k = (a[-1], a[-2]) if ta else (a[-2], a[-1])
    k2, n = (b[-1], b[-2]) if tb else (b[-2], b[-1])
    if k is not None and k2 is not None and k != k2:
        raise ValueError(f"Dimensions must be equal, but are {k} and {k2}")
    batch = shapes.broadcast(TensorShape(a[:-2]), TensorShape(b[:-2]))
    return batch.as_tuple() + (m, n)


def _matmul_shape(op):
    a, b = op.inputs
    if a.shape.ndims not in (None, 2) or b.shape.ndims not in (None, 2):
        raise ValueError("Shape must be rank 2")
    dims = _matmul_dims(a.shape, b.shape, op.attrs["transpose_a"], op.attrs["transpose_b"])
    return shapes.unknown_shape(2) if dims is None else TensorShape(dims)


def _batch_matmul_shape(op):
    a, b = op.inputs
    dims = _matmul_dims(a.shape, b.shape, op.attrs["adj_x"], op.attrs["adj_y"])
    return TensorShape(None) if dims is None else TensorShape(dims)


define_op("MatMul", kernel=_matmul_kernel, shape=_matmul_shape, returns_view=False,
          input_dtypes=[
              ("a", FLOATS + (dtypes.int32, dtypes.int64, dtypes.uint8)),
              ("b", FLOATS + (dtypes.int32, dtypes.int64, dtypes.uint8)),
          ])
define_op("BatchMatMulV2", kernel=_batch_matmul_kernel, shape=_batch_matmul_shape,
          returns_view=False,
          input_dtypes=[
              ("x", FLOATS + (dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8)),
              ("y", FLOATS + (dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8)),
          ])


def _matmul_grad_a(b, grad, ta: bool, tb: bool):
    """d(op(a) @ op(b)) / da for the four transpose cases, without explicit transposes."""
    if not ta:
        return matmul(grad, b, transpose_b=not tb)
    return matmul(b, grad, transpose_a=tb, transpose_b=True)


def _matmul_grad_b(a, grad, ta: bool, tb: bool):
    """d(op(a) @ op(b)) / db for the four transpose cases, without explicit transposes."""
    if not tb:
        return matmul(a, grad, transpose_a=not ta)
    return matmul(grad, a, transpose_a=True, transpose_b=ta)


@RegisterGradient("MatMul")
def _matmul_grad(op, grad):
    """d(a @ b) = (grad @ b^T, a^T @ grad), with the transposes the attrs ask for."""
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    da = _matmul_grad_a(b, grad, ta, tb) if op.needs_grad(0) else None
    db = _matmul_grad_b(a, grad, ta, tb) if op.needs_grad(1) else None
    return da, db


@RegisterGradient("BatchMatMulV2")
def _batch_matmul_grad(op, grad):
    """As MatMul, then summed over broadcast batch dimensions."""
    a, b = op.inputs
    ta, tb = op.attrs["adj_x"], op.attrs["adj_y"]
    da = db = None
    if op.needs_grad(0):
        da = array_ops.unbroadcast(_matmul_grad_a(b, grad, ta, tb), a)
    if op.needs_grad(1):
        db = array_ops.unbroadcast(_matmul_grad_b(a, grad, ta, tb), b)
    return da, db


# ---------------------------------------------------------------- Cast
def cast(x, dtype, name=None):
    """`x` converted to `dtype` ("float" and other TF1 names work); a no-op if it already is.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.cast([1.7, -1.7], tf.int32)))
        [ 1 -1]
    """
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        return x
    return apply_op("Cast", [x], attrs={"DstT": dtype}, name=name or "Cast")


def _cast_kernel(x, *, DstT):  # noqa: N803 - TF's attr name
    x = np.asarray(x)
    if (x.dtype == object) != (DstT == dtypes.string):
        # TF1 builds such a Cast but has no kernel for it.
        source = dtypes.string if x.dtype == object else dtypes.as_dtype(x.dtype)
        raise errors.UnimplementedError(
            None, None, f"Cast {source._proto_name} to {DstT._proto_name} is not supported "
            "(no op converts between strings and numbers: convert them in Python)."
        )
    return x.astype(DstT.np)


define_op(
    "Cast", kernel=_cast_kernel, shape=shapes.same_as_input, dtype=lambda op: op.attrs["DstT"]
)


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    """d cast(x) = cast(grad) back to x's dtype, between floating types; None otherwise."""
    x = op.inputs[0]
    if x.dtype.is_floating and grad.dtype.is_floating:
        return cast(grad, x.dtype)
    return None


# ---------------------------------------------------------------- AddN
def add_n(inputs, name=None):
    """The element-wise sum of a list of tensors of one shape and dtype.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.add_n([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])))
        [ 9. 12.]
    """
    inputs = convert_inputs(list(inputs))
    if not inputs:
        raise ValueError("inputs must be a non-empty list of tensors")
    for t in inputs[1:]:
        if t.dtype != inputs[0].dtype:
            raise TypeError(
                f"add_n inputs must all have one dtype, got {inputs[0].dtype.name} "
                f"({inputs[0].name}) and {t.dtype.name} ({t.name})."
            )
    if len(inputs) == 1:
        return array_ops.identity(inputs[0], name=name) if name else inputs[0]
    return apply_op("AddN", inputs, attrs={"N": len(inputs)}, name=name)


def _add_n_kernel(*xs, N):  # noqa: N803
    total = xs[0] + xs[1]
    for x in xs[2:]:
        total += x
    return total


def _add_n_shape(op):
    merged = op.inputs[0].shape
    for t in op.inputs[1:]:
        merged = merged.merge_with(t.shape)
    return merged


def _add_n_elementwise(op) -> str:
    """((x0 + x1) + x2) + ..., the order of the kernel's sums."""
    return "(" + " + ".join("{%d}" % i for i, _ in enumerate(op.inputs)) + ")"


define_op("AddN", kernel=_add_n_kernel, shape=_add_n_shape, returns_view=False,
          elementwise=_add_n_elementwise,
          input_dtypes=[("*inputs", NUMBERS)])


@RegisterGradient("AddN")
def _add_n_grad(op, grad):
    """d(x1 + ... + xn) = grad for each."""
    return [grad] * len(op.inputs)


# ---------------------------------------------------------------- Range
def range(start, limit=None, delta=1, dtype=None, name: str = "range"):  # noqa: A001
    """Numbers from `start` up to (not including) `limit` by `delta`, like Python's range.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.range(1, 10, 3)))
        [1 4 7]
    """
    if limit is None:
        start, limit = 0, start
    values = [convert_to_tensor(v) if isinstance(v, Tensor) else v for v in (start, limit, delta)]
    if dtype is None:
        is_float = any(
            (isinstance(v, Tensor) and v.dtype.is_floating) or isinstance(v, float) for v in values
        )
        dtype = dtypes.float32 if is_float else dtypes.int32
    with op_scope(name, "Range", values) as scope:
        values = [
            cast(v, dtype) if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtype, name=n)
            for v, n in zip(values, ("start", "limit", "delta"))
        ]
        return apply_op("Range", values, name=scope)


def _range_error(start, limit, delta) -> str | None:
    """TF1's complaint about a range, or None: a zero step, or a step away from the limit."""
    if delta == 0:
        return f"Requires delta != 0: {delta}"
    if delta > 0 and start > limit:
        return f"Requires start <= limit when delta > 0: {start}/{limit}"
    if delta < 0 and start < limit:
        return f"Requires start >= limit when delta < 0: {start}/{limit}"
    return None


def _range_kernel(start, limit, delta):
    error = _range_error(start, limit, delta)
    if error is not None:
        raise ValueError(error)
    return np.arange(start, limit, delta, dtype=np.asarray(start).dtype)


def _range_shape(op):
    values = [constant_value(t) for t in op.inputs]
    if any(v is None for v in values):
        return TensorShape([None])
    error = _range_error(*(v.item() for v in map(np.asarray, values)))
    if error is not None:
        raise ValueError(error)
    start, limit, delta = (float(v) for v in values)
    return TensorShape([max(0, int(np.ceil((limit - start) / delta)))])


define_op("Range", kernel=_range_kernel, shape=_range_shape,
          input_dtypes=[("start", SIGNED), ("limit", SIGNED), ("delta", SIGNED)])
NotDifferentiable("Range")


# ---------------------------------------------------------------- Sum
def _reduction_axes(x: Tensor):
    """All the axes of `x`, for a reduction with no `axis`, as an int32 tensor made in the
    current name scope, not the op's (TF1's `_ReductionDims`: a plain `Const`)."""
    if x.shape.ndims is not None:
        return convert_to_tensor(np.arange(x.shape.ndims, dtype=np.int32))
    return range(0, array_ops.rank(x))


def _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    attrs = {"keep_dims": bool(keepdims)}
    if axis is None:
        with graph_of([input_tensor]).as_default():
            x = convert_to_tensor(input_tensor)
            return apply_op(op_type, [x, _reduction_axes(x)], attrs=attrs, name=name)
    with op_scope(name, op_type, [input_tensor, axis]) as scope:
        x = convert_to_tensor(input_tensor, name="input")
        axes = convert_to_tensor(axis, dtype=dtypes.int32, name="reduction_indices")
        return apply_op(op_type, [x, axes], attrs=attrs, name=scope)


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum of elements across `axis` (all of them by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_sum([[1.0, 2.0], [3.0, 4.0]], axis=0)))
        [4. 6.]
    """
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _axes_tuple(axes, x=None):
    """`axes` (an int or a list of them) as a tuple; with the input `x` of a run-time reduction,
    each checked against its rank as TF1's kernels do (numpy would take axis 0 of a scalar)."""
    if axes.__class__ is np.ndarray and axes.ndim == 1 and axes.size == 1:
        axes = (int(axes[0]),)  # (the common case: one constant axis; no reshape, no generator)
    else:
        axes = tuple(int(a) for a in np.reshape(axes, [-1]))
    if x is not None:
        rank = np.ndim(x)
        for axis in axes:
            if not -rank <= axis < rank:
                raise ValueError(f"Invalid reduction dimension ({axis} for input with {rank} "
                                 f"dimension(s)")
    return axes


def _sum_kernel(x, axes, *, keep_dims):
    # NOTE: dtype=x.dtype: numpy sums small integers in int64, TF in the input's dtype.
    if x.__class__ is np.ndarray:  # (np.sum's own reduction, without its Python wrapper)
        return np.add.reduce(x, axis=_axes_tuple(axes, x), dtype=x.dtype, keepdims=keep_dims)
    return np.sum(x, axis=_axes_tuple(axes, x), keepdims=keep_dims, dtype=x.dtype)


def _reduction_shape(op):
    x, axes = op.inputs
    value = constant_value(axes)
    if value is None:
        return shapes.unknown_shape(x.shape.ndims if op.attrs["keep_dims"] else None)
    return shapes.reduced(x.shape, _axes_tuple(value), op.attrs["keep_dims"])


define_op("Sum", kernel=_sum_kernel, shape=_reduction_shape, returns_view=False,
          input_dtypes=[("input", NUMBERS), ("reduction_indices", INDICES)])


def _kept_dims_grad(op, grad):
    """Reshapes the gradient of a reduction so it broadcasts against the input (keepdims)."""
    x, axes = op.inputs
    if op.attrs["keep_dims"]:
        return grad
    axes_value = constant_value(axes)
    dims = x.shape.as_tuple()
    if axes_value is not None and dims is not None:
        reduced = {a % len(dims) for a in _axes_tuple(axes_value)} if dims else set()
        kept = [1 if i in reduced else d for i, d in enumerate(dims)]
        if kept.count(None) <= 1:
            return array_ops.reshape(grad, [-1 if d is None else d for d in kept])
    return array_ops.reshape(grad, reduced_shape(array_ops.shape(x), axes))


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    """d sum(x) = grad broadcast back over the reduced axes."""
    x = op.inputs[0]
    return array_ops.broadcast_to(_kept_dims_grad(op, grad), array_ops._shape_of(x)), None


# ---------------------------------------------------------------- Mean
def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean of elements across `axis` (all of them by default); integer means truncate.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_mean([[1.0, 2.0], [3.0, 4.0]], axis=1, keepdims=True)))
        [[1.5]
         [3.5]]
    """
    return _reduce("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _mean_kernel(x, axes, *, keep_dims):
    axes = _axes_tuple(axes, x)
    if x.dtype.kind in "iu":
        count = int(np.prod([x.shape[a] for a in axes]))
        total = np.sum(x, axis=axes, keepdims=keep_dims)
        return np.trunc(total / max(count, 1)).astype(x.dtype)
    if x.__class__ is np.ndarray and x.dtype in _SUM_THEN_DIVIDE:
        # np.mean's own steps without its Python wrapper: the sum in the input's dtype, then one
        # division by the count (exact in float32 below 2**24; numpy divides the same way).
        count = 1
        for a in axes:
            count *= x.shape[a]
        if 0 < count < 1 << 24:
            total = np.add.reduce(x, axis=axes, keepdims=keep_dims)
            if total.__class__ is np.ndarray and total.ndim:
                return np.true_divide(total, count, out=total, casting="unsafe")
            return total.dtype.type(total / count)
    return np.mean(x, axis=axes, keepdims=keep_dims)


_SUM_THEN_DIVIDE = (np.dtype(np.float32), np.dtype(np.float64))


define_op("Mean", kernel=_mean_kernel, shape=_reduction_shape, returns_view=False,
          input_dtypes=[("input", NUMBERS), ("reduction_indices", INDICES)])


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    """d mean(x) = grad broadcast back, divided by the number of elements averaged."""
    x = op.inputs[0]
    y = op.outputs[0]
    n_in, n_out = x.shape.num_elements(), y.shape.num_elements()
    if n_in is not None and n_out is not None:
        factor = convert_to_tensor(n_in // max(n_out, 1), dtype=grad.dtype)
    else:
        factor = cast(array_ops.size(x), grad.dtype) / cast(array_ops.size(y), grad.dtype)
    # NOTE: divided before it is broadcast (TF1 divides the tiled gradient): the same values,
    # one division per output element instead of one pass over an input-sized array.
    return array_ops.broadcast_to(_kept_dims_grad(op, grad / factor), array_ops._shape_of(x)), None


# ---------------------------------------------------------------- ReducedShape
def reduced_shape(input_shape, axes, name=None):
    """The shape `input_shape` has after reducing `axes` with keepdims (those dims become 1)."""
    return apply_op("ReducedShape", [input_shape, axes], name=name)


def _reduced_shape_kernel(input_shape, axes):
    out = np.array(input_shape, dtype=np.int32)
    if out.size:
        out[np.reshape(axes, [-1]) % out.size] = 1
    return out


define_op("ReducedShape", kernel=_reduced_shape_kernel, shape=shapes.same_as_input)
NotDifferentiable("ReducedShape")


# ---------------------------------------------------------------- comparisons
def less(x, y, name=None):
    """x < y element-wise (bool).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.less([1, 2, 3], 2)))
        [ True False False]
    """
    return _binary("Less", x, y, name)


def less_equal(x, y, name=None):
    """x <= y element-wise (bool).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.less_equal([1, 2, 3], 2)))
        [ True  True False]
    """
    return _binary("LessEqual", x, y, name)


def greater(x, y, name=None):
    """x > y element-wise (bool).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.greater([1, 2, 3], 2)))
        [False False  True]
    """
    return _binary("Greater", x, y, name)


def greater_equal(x, y, name=None):
    """x >= y element-wise (bool).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.greater_equal([1, 2, 3], 2)))
        [False  True  True]
    """
    return _binary("GreaterEqual", x, y, name)


def equal(x, y, name=None):
    """x == y element-wise (bool). (The `==` operator compares tensors by identity, as TF1.)

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.equal([1, 2, 3], 2)))
        [False  True False]
    """
    return _binary("Equal", x, y, name)


def not_equal(x, y, name=None):
    """x != y element-wise (bool).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.not_equal([1, 2, 3], 2)))
        [ True False  True]
    """
    return _binary("NotEqual", x, y, name)


# Ordering needs numbers; (in)equality takes any dtype, strings and bools too (TF1's rule).
for _type, _kernel, _allowed in (
    ("Less", np.less, NUMBERS),
    ("LessEqual", np.less_equal, NUMBERS),
    ("Greater", np.greater, NUMBERS),
    ("GreaterEqual", np.greater_equal, NUMBERS),
    ("Equal", np.equal, None),
    ("NotEqual", np.not_equal, None),
):
    define_op(_type, kernel=_kernel, shape=shapes.broadcast_inputs, dtype=_bool,
              returns_view=False,
              input_dtypes=[("x", _allowed), ("y", _allowed)] if _allowed else ())
    NotDifferentiable(_type)


# ---------------------------------------------------------------- Max / Min
def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Maximum of elements across `axis` (all of them by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_max([[1, 5], [7, 2]], axis=1)))
        [5 7]
    """
    return _reduce("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Minimum of elements across `axis` (all of them by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_min([[1, 5], [7, 2]], axis=0)))
        [1 2]
    """
    return _reduce("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _max_kernel(x, axes, *, keep_dims):
    if x.size == 0:  # TF1: the maximum of nothing is the lowest value (-inf for floats)
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        return np.amax(x, axis=_axes_tuple(axes, x), keepdims=keep_dims, initial=lowest)
    return np.amax(x, axis=_axes_tuple(axes, x), keepdims=keep_dims)


def _min_kernel(x, axes, *, keep_dims):
    if x.size == 0:  # TF1: the minimum of nothing is the highest value (inf for floats)
        highest = np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).max
        return np.amin(x, axis=_axes_tuple(axes, x), keepdims=keep_dims, initial=highest)
    return np.amin(x, axis=_axes_tuple(axes, x), keepdims=keep_dims)


define_op("Max", kernel=_max_kernel, shape=_reduction_shape,
          input_dtypes=[("input", NUMBERS), ("reduction_indices", INDICES)])
define_op("Min", kernel=_min_kernel, shape=_reduction_shape,
          input_dtypes=[("input", NUMBERS), ("reduction_indices", INDICES)])


def _min_or_max_grad(op, grad):
    """d max(x) = grad shared equally among the entries equal to the maximum (TF1's rule)."""
    x, axes = op.inputs
    y = _kept_dims_grad(op, op.outputs[0])
    grad = _kept_dims_grad(op, grad)
    indicators = cast(equal(y, x), grad.dtype)
    num_selected = reduce_sum(indicators, axes, keepdims=True)
    return indicators / num_selected * grad, None


@RegisterGradient("Max")
def _max_grad(op, grad):
    """d max(x) = grad / k at each of the k entries equal to the maximum, 0 elsewhere."""
    return _min_or_max_grad(op, grad)


@RegisterGradient("Min")
def _min_grad(op, grad):
    """d min(x) = grad / k at each of the k entries equal to the minimum, 0 elsewhere."""
    return _min_or_max_grad(op, grad)


# ---------------------------------------------------------------- Prod
def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Product of elements across `axis` (all of them by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_prod([[1.0, 2.0], [3.0, 4.0]], axis=0)))
        [3. 8.]
    """
    return _reduce("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _prod_kernel(x, axes, *, keep_dims):
    return np.prod(x, axis=_axes_tuple(axes, x), keepdims=keep_dims, dtype=x.dtype)


define_op("Prod", kernel=_prod_kernel, shape=_reduction_shape,
          input_dtypes=[("input", NUMBERS), ("reduction_indices", INDICES)])


@RegisterGradient("Prod")
def _prod_grad(op, grad):
    """d prod(x) / dx_i = grad * (product of the other entries), computed without dividing by
    x_i (so zeros are fine): exclusive cumulative products from the left and from the right."""
    x, axes = op.inputs
    grad = array_ops.broadcast_to(_kept_dims_grad(op, grad), array_ops._shape_of(x))
    axes_value = constant_value(axes)
    rank = x.shape.ndims
    if axes_value is None or rank is None:
        # NOTE: without static axes and rank the permutation below cannot be built; y / x is
        # exact except where x == 0.
        return grad * _kept_dims_grad(op, op.outputs[0]) / x, None
    reduced = sorted({int(a) % rank for a in _axes_tuple(axes_value)}) if rank else []
    other = [i for i in np.arange(rank).tolist() if i not in reduced]
    perm = reduced + other
    permuted = array_ops.transpose(x, perm)
    permuted_shape = array_ops._shape_of(permuted)
    reduced_num = reduce_prod(array_ops.shape(permuted)[: len(reduced)])
    flat = array_ops.reshape(permuted, array_ops.stack([reduced_num, -1]))
    left = cumprod(flat, axis=0, exclusive=True)
    right = cumprod(flat, axis=0, exclusive=True, reverse=True)
    others = array_ops.reshape(left * right, permuted_shape)
    inverse = [int(i) for i in np.argsort(perm)]
    return grad * array_ops.transpose(others, inverse), None


# ---------------------------------------------------------------- Cumsum / Cumprod
def cumsum(x, axis=0, exclusive: bool = False, reverse: bool = False, name=None):
    """Cumulative sum along `axis`; `exclusive` leaves out the current entry, `reverse` sums
    from the end.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.cumsum([1, 2, 3], exclusive=True)))
        [0 1 3]
    """
    return _cumulative("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive: bool = False, reverse: bool = False, name=None):
    """Cumulative product along `axis` (`exclusive` and `reverse` as in `cumsum`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.cumprod([1, 2, 3], reverse=True)))
        [6 6 3]
    """
    return _cumulative("Cumprod", x, axis, exclusive, reverse, name)


def _cumulative(op_type, x, axis, exclusive, reverse, name):
    with graph_of([x, axis]).as_default():
        x = convert_to_tensor(x)
        axis = convert_to_tensor(axis, dtype=dtypes.int32)
    attrs = {"exclusive": bool(exclusive), "reverse": bool(reverse)}
    return apply_op(op_type, [x, axis], attrs=attrs, name=name)


def _scan(fn, identity, x, axis, exclusive, reverse):
    axis = int(axis)
    if not -x.ndim <= axis < x.ndim:  # numpy would scan a scalar as a vector of one
        raise errors.InvalidArgumentError(
            None, None, f"ScanOp: Expected scan axis in the range [{-x.ndim}, {x.ndim}), but got "
            f"{axis}")
    if reverse:
        x = np.flip(x, axis)
    out = fn(x, axis=axis, dtype=x.dtype)
    if exclusive:
        start = np.full_like(np.take(x, [0], axis=axis), identity)
        out = np.concatenate([start, np.delete(out, -1, axis=axis)], axis=axis)
    return np.flip(out, axis) if reverse else out


def _cumsum_kernel(x, axis, *, exclusive, reverse):
    return _scan(np.cumsum, 0, x, axis, exclusive, reverse)


def _cumprod_kernel(x, axis, *, exclusive, reverse):
    return _scan(np.cumprod, 1, x, axis, exclusive, reverse)


def _cumulative_shape(op):
    x, axis = op.inputs
    value = constant_value(axis)
    rank = x.shape.ndims
    if value is not None and rank is not None and not -rank <= int(value) < rank:
        raise ValueError(f"axis {int(value)} is out of range for a tensor of rank {rank}")
    return x.shape


define_op("Cumsum", kernel=_cumsum_kernel, shape=_cumulative_shape,
          input_dtypes=[("x", NUMBERS), ("axis", INDICES)])
define_op("Cumprod", kernel=_cumprod_kernel, shape=_cumulative_shape,
          input_dtypes=[("x", NUMBERS), ("axis", INDICES)])


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    """d cumsum(x) = cumsum(grad) in the opposite direction."""
    axis = op.inputs[1]
    exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]
    return cumsum(grad, axis, exclusive=exclusive, reverse=not reverse), None


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    """d cumprod(x) = cumsum(y * grad, opposite direction) / x (TF1's formula; x != 0)."""
    x, axis = op.inputs
    exclusive, reverse = op.attrs["exclusive"], op.attrs["reverse"]
    y = op.outputs[0]
    out = cumsum(y * grad, axis, exclusive=exclusive, reverse=not reverse)
    return out / x, None


# ---------------------------------------------------------------- reduce_logsumexp (composite)
def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """log(sum(exp(x))) across `axis`, computed stably: the maximum is subtracted first, so
    `[1000.0, 0.0]` gives 1000.0, not inf.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_logsumexp([1000.0, 0.0])))
        1000.0
    """
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    x = convert_to_tensor(input_tensor)
    with name_scope(name, "ReduceLogSumExp", [x]) as scope:
        raw_max = reduce_max(x, axis, keepdims=True)
        # NOTE: the shift is a constant for differentiation (it cancels out), and an infinite
        # maximum (all -inf) is replaced by 0 so that inf - inf never makes a NaN.
        shift = array_ops.stop_gradient(
            where(is_finite(raw_max), raw_max, array_ops.zeros_like(raw_max))
        )
        result = log(reduce_sum(exp(x - shift), axis, keepdims=keepdims))
        if not keepdims:
            shift = array_ops.reshape(shift, array_ops._shape_of(result))
        return add(result, shift, name=scope)


# ---------------------------------------------------------------- ArgMax / ArgMin
def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest entry along `axis` (TF1's default: axis 0), as int64.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.argmax([[1, 9], [8, 2]])))
        [1 0]
    """
    return _arg_reduce("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the smallest entry along `axis` (TF1's default: axis 0), as int64.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.argmin([[1, 9], [8, 2]], axis=1)))
        [0 1]
    """
    return _arg_reduce("ArgMin", input, axis, name, dimension, output_type)


def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """TF1's raw `ArgMax` builder: `tf.argmax` with the axis (`dimension`) required.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.arg_max([[1, 9], [8, 2]], 1)))
        [1 0]
    """
    return _arg_reduce("ArgMax", input, dimension, name, None, output_type)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """TF1's raw `ArgMin` builder: `tf.argmin` with the axis (`dimension`) required.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.arg_min([[1, 9], [8, 2]], 0)))
        [0 1]
    """
    return _arg_reduce("ArgMin", input, dimension, name, None, output_type)


def _arg_reduce(op_type, x, axis, name, dimension, output_type):
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    if axis is None:
        axis = 0 if dimension is None else dimension
    output_type = dtypes.as_dtype(output_type)
    if output_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"output_type of {op_type} must be int32 or int64, not {output_type.name}")
    with op_scope(name, op_type, [x, axis]) as scope:
        x = convert_to_tensor(x, name="input")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="dimension")
        return apply_op(op_type, [x, axis], attrs={"output_type": output_type}, name=scope)


def _argmax_kernel(x, axis, *, output_type):
    _check_not_empty(x, axis)
    return np.argmax(x, axis=int(axis)).astype(output_type.np)


def _argmin_kernel(x, axis, *, output_type):
    _check_not_empty(x, axis)
    return np.argmin(x, axis=int(axis)).astype(output_type.np)


def _check_not_empty(x, axis) -> None:
    rank = np.ndim(x)
    if not -rank <= int(axis) < rank:
        raise ValueError(f"Expected dimension in the range [{-rank}, {rank}), but got {int(axis)}")
    if np.shape(x)[int(axis)] == 0:
        raise errors.InvalidArgumentError(
            None, None, f"Reduction axis {int(axis)} is empty in shape {list(np.shape(x))}: "
            "an arg max/min needs at least one element along its axis."
        )


def _arg_reduce_shape(op):
    x, axis = op.inputs
    if axis.shape.ndims not in (None, 0):
        raise ValueError(f"The axis of {op.type} must be a scalar, got shape {axis.shape}")
    value = constant_value(axis)
    if value is None:
        rank = x.shape.ndims
        return shapes.unknown_shape(None if rank is None else max(rank - 1, 0))
    if x.shape.ndims == 0:
        raise ValueError(f"{op.type} needs an input of rank >= 1, got a scalar")
    return shapes.reduced(x.shape, [int(value)], keepdims=False)


define_op("ArgMax", kernel=_argmax_kernel, shape=_arg_reduce_shape,
          dtype=lambda op: op.attrs["output_type"],
          input_dtypes=[("input", NUMBERS + BOOL), ("dimension", (dtypes.int16,) + INDICES)])
define_op("ArgMin", kernel=_argmin_kernel, shape=_arg_reduce_shape,
          dtype=lambda op: op.attrs["output_type"],
          input_dtypes=[("input", NUMBERS + BOOL), ("dimension", INDICES)])
NotDifferentiable("ArgMax")
NotDifferentiable("ArgMin")


# ---------------------------------------------------------------- LogicalAnd / Or / Not
def _logical_input(x, op_type: str, arg: str, const_name=None):
    x = convert_to_tensor(x, preferred_dtype=dtypes.bool, name=const_name)
    if x.dtype != dtypes.bool:
        raise TypeError(
            f"Input '{arg}' of '{op_type}' Op has type {x.dtype.name} that does not match "
            f"expected type of bool: {x!r}. Compare first (e.g. x > 0) or tf.cast(x, tf.bool)."
        )
    return x


def _logical_inputs(x, y, op_type: str = "LogicalAnd"):
    """Both inputs as bool tensors; called inside the op's scope, a Python value becomes
    `<op>/x` or `<op>/y` as in TF1."""
    return _logical_input(x, op_type, "x", "x"), _logical_input(y, op_type, "y", "y")


def logical_and(x, y, name=None):
    """x AND y element-wise on bool tensors (also the `&` operator).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.logical_and([True, True], [True, False])))
        [ True False]
    """
    with op_scope(name, "LogicalAnd", [x, y]) as scope:
        return apply_op("LogicalAnd", list(_logical_inputs(x, y)), name=scope)


def logical_or(x, y, name=None):
    """x OR y element-wise on bool tensors (also the `|` operator).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.logical_or([True, False], [False, False])))
        [ True False]
    """
    with op_scope(name, "LogicalOr", [x, y]) as scope:
        return apply_op("LogicalOr", list(_logical_inputs(x, y, "LogicalOr")), name=scope)


def logical_not(x, name=None):
    """NOT x element-wise on a bool tensor (also the `~` operator).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.logical_not([True, False])))
        [False  True]
    """
    return apply_op("LogicalNot", [_logical_input(x, "LogicalNot", "x")], name=name)


def logical_xor(x, y, name: str = "LogicalXor"):
    """x XOR y element-wise, built as (x OR y) AND NOT (x AND y), as TF1 does (`^`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.logical_xor([True, True], [True, False])))
        [False  True]
    """
    x, y = _logical_input(x, "LogicalXor", "x"), _logical_input(y, "LogicalXor", "y")
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


define_op("LogicalAnd", kernel=np.logical_and, shape=shapes.broadcast_inputs, dtype=_bool,
          input_dtypes=[("x", BOOL), ("y", BOOL)])
define_op("LogicalOr", kernel=np.logical_or, shape=shapes.broadcast_inputs, dtype=_bool,
          input_dtypes=[("x", BOOL), ("y", BOOL)])
define_op("LogicalNot", kernel=np.logical_not, shape=shapes.same_as_input, dtype=_bool,
          input_dtypes=[("x", BOOL)])
NotDifferentiable("LogicalAnd")
NotDifferentiable("LogicalOr")
NotDifferentiable("LogicalNot")


# ---------------------------------------------------------------- IsFinite / IsNan / IsInf
def is_finite(x, name=None):
    """True where `x` is neither infinite nor NaN.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.is_finite([1.0, float("inf")])))
        [ True False]
    """
    return apply_op("IsFinite", [x], name=name)


def is_nan(x, name=None):
    """True where `x` is NaN."""
    return apply_op("IsNan", [x], name=name)


def is_inf(x, name=None):
    """True where `x` is +inf or -inf."""
    return apply_op("IsInf", [x], name=name)


define_op("IsFinite", kernel=np.isfinite, shape=shapes.same_as_input, dtype=_bool,
          input_dtypes=[("x", FLOATS)])
define_op("IsNan", kernel=np.isnan, shape=shapes.same_as_input, dtype=_bool,
          input_dtypes=[("x", FLOATS)])
define_op("IsInf", kernel=np.isinf, shape=shapes.same_as_input, dtype=_bool,
          input_dtypes=[("x", FLOATS)])
NotDifferentiable("IsFinite")
NotDifferentiable("IsNan")
NotDifferentiable("IsInf")


# ---------------------------------------------------------------- clip_by_value (composite)
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """`t` with values below `clip_value_min` raised to it and above `clip_value_max` lowered
    to it. The gradient passes where `t` is inside the range (ends included), 0 outside.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.clip_by_value([-2.0, 0.5, 3.0], 0.0, 1.0)))
        [0.  0.5 1. ]
    """
    t = convert_to_tensor(t)
    with name_scope(name, "clip_by_value", [t]) as scope:
        t_min = minimum(t, clip_value_max)
        return maximum(t_min, clip_value_min, name=scope)


# ---------------------------------------------------------------- Any / All
def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Logical or of a bool tensor's elements across `axis` (all of them by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_any([[True, False], [False, False]], axis=1)))
        [ True False]
    """
    x = _logical_input(input_tensor, "Any", "input")
    return _reduce("Any", x, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Logical and of a bool tensor's elements across `axis` (all of them by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reduce_all([[True, False], [True, True]], axis=1)))
        [False  True]
    """
    x = _logical_input(input_tensor, "All", "input")
    return _reduce("All", x, axis, keepdims, name, reduction_indices, keep_dims)


def _any_kernel(x, axes, *, keep_dims):
    return np.any(x, axis=_axes_tuple(axes, x), keepdims=keep_dims)


def _all_kernel(x, axes, *, keep_dims):
    return np.all(x, axis=_axes_tuple(axes, x), keepdims=keep_dims)


define_op("Any", kernel=_any_kernel, shape=_reduction_shape, dtype=_bool,
          input_dtypes=[("input", BOOL), ("reduction_indices", INDICES)])
define_op("All", kernel=_all_kernel, shape=_reduction_shape, dtype=_bool,
          input_dtypes=[("input", BOOL), ("reduction_indices", INDICES)])
NotDifferentiable("Any")
NotDifferentiable("All")


# ---------------------------------------------------------------- count_nonzero (composite)
def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None):
    """The number of non-zero (or True) elements across `axis`, as `dtype` (int64 by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.count_nonzero([[0.0, 1.5], [2.0, 0.0]], axis=0)))
        [1 1]
    """
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    x = convert_to_tensor(input_tensor)
    with name_scope(name, "count_nonzero", [x]):
        nonzero = cast(not_equal(x, False if x.dtype == dtypes.bool else 0), dtypes.int64)
        return cast(reduce_sum(nonzero, axis=axis, keepdims=keepdims), dtype)


# ---------------------------------------------------------------- SquaredDifference
def squared_difference(x, y, name=None):
    """(x - y)^2 element-wise, with broadcasting.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.squared_difference([1.0, 5.0], 2.0)))
        [1. 9.]
    """
    return _binary("SquaredDifference", x, y, name)


def _squared_difference_kernel(x, y):
    return np.square(x - y)


define_op("SquaredDifference", kernel=_squared_difference_kernel, shape=shapes.broadcast_inputs,
          returns_view=False, elementwise="(({0} - {1}) * ({0} - {1}))",
          input_dtypes=[("x", FLOATS + INDICES), ("y", FLOATS + INDICES)])


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    """d (x - y)^2 = 2 (x - y) grad for x, the negative for y (each unbroadcast)."""
    x, y = op.inputs
    d = grad * (2.0 * (x - y))
    dx = array_ops.unbroadcast(d, x, y) if op.needs_grad(0) else None
    dy = array_ops.unbroadcast(-d, y, x) if op.needs_grad(1) else None
    return dx, dy


# ---------------------------------------------------------------- Floor / Ceil / Round
def floor(x, name=None):
    """The largest integer not greater than x, element-wise (gradient: none, as TF1).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.floor([-1.5, 2.5])))
        [-2.  2.]
    """
    return apply_op("Floor", [x], name=name)


def ceil(x, name=None):
    """The smallest integer not less than x, element-wise (gradient: none, as TF1).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.ceil([-1.5, 2.5])))
        [-1.  3.]
    """
    return apply_op("Ceil", [x], name=name)


def round(x, name=None):  # noqa: A001 - TF1's name
    """x rounded to the nearest integer, halves to even ("banker's rounding", as TF1).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.round([0.5, 1.5, 2.7])))
        [0. 2. 3.]
    """
    return apply_op("Round", [x], name=name)


define_op("Floor", kernel=np.floor, shape=shapes.same_as_input, input_dtypes=[("x", FLOATS)])
define_op("Ceil", kernel=np.ceil, shape=shapes.same_as_input, input_dtypes=[("x", FLOATS)])
define_op("Round", kernel=np.round, shape=shapes.same_as_input, input_dtypes=[("x", SIGNED)])
NotDifferentiable("Floor")
NotDifferentiable("Ceil")
NotDifferentiable("Round")


# ---------------------------------------------------------------- to_float / to_int32 (composite)
def to_float(x, name: str = "ToFloat"):
    """`tf.cast(x, tf.float32)` (TF1's shorthand).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.to_float([1, 2])))
        [1. 2.]
    """
    return cast(x, dtypes.float32, name=name)


def to_int32(x, name: str = "ToInt32"):
    """`tf.cast(x, tf.int32)` (TF1's shorthand)."""
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name: str = "ToInt64"):
    """`tf.cast(x, tf.int64)` (TF1's shorthand)."""
    return cast(x, dtypes.int64, name=name)


# ---------------------------------------------------------------- UnsortedSegmentSum
def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """out[i] = sum of the data[j...] whose segment_ids[j...] == i, for i < num_segments.

    The output has shape `[num_segments] + data.shape[segment_ids.ndim:]`; rows no id points
    to are 0. `tf.gather`'s gradient is this scatter-add.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.unsorted_segment_sum([1.0, 2.0, 4.0], [2, 0, 2], 3)))
        [2. 0. 5.]
    """
    with graph_of([data, segment_ids, num_segments]).as_default():
        data = convert_to_tensor(data)
        segment_ids = convert_to_tensor(segment_ids, preferred_dtype=dtypes.int32)
        if not segment_ids.dtype.is_integer:
            raise TypeError(
                f"segment_ids of unsorted_segment_sum must be int32 or int64, got "
                f"{segment_ids.dtype.name}: {segment_ids!r}. tf.cast them to tf.int32 first."
            )
        num_segments = convert_to_tensor(num_segments, dtype=dtypes.int32)
        return apply_op("UnsortedSegmentSum", [data, segment_ids, num_segments], name=name)


def _unsorted_segment_sum_kernel(data, segment_ids, num_segments):
    n = int(num_segments)
    ids = np.asarray(segment_ids)
    if data.shape[: ids.ndim] != ids.shape:
        raise ValueError(
            f"data.shape = {list(data.shape)} does not start with segment_ids.shape = "
            f"{list(ids.shape)}"
        )
    bad = (ids >= n) | (ids < 0)
    if np.any(bad):
        raise ValueError(
            f"segment_ids[{np.argwhere(bad)[0].tolist()}] = {int(ids[bad][0])} is out of "
            f"range [0, {n})"
        )
    out = np.zeros((n,) + data.shape[ids.ndim :], dtype=data.dtype)
    np.add.at(out, ids, data)
    return out


def _unsorted_segment_sum_shape(op):
    data, segment_ids, num_segments = op.inputs
    n = constant_value(num_segments)
    head = [None if n is None else int(n)]
    data_dims, ids_dims = data.shape.as_tuple(), segment_ids.shape.as_tuple()
    if data_dims is None or ids_dims is None:
        return TensorShape(None)
    head_dims = TensorShape(data_dims[: len(ids_dims)])
    if len(ids_dims) > len(data_dims) or not head_dims.is_compatible_with(TensorShape(ids_dims)):
        raise ValueError(
            f"data shape {data.shape} must start with segment_ids shape {segment_ids.shape}"
        )
    return TensorShape(head + list(data_dims[len(ids_dims) :]))


define_op(
    "UnsortedSegmentSum", kernel=_unsorted_segment_sum_kernel, shape=_unsorted_segment_sum_shape,
    input_dtypes=[
        ("data", NUMBERS),
        ("segment_ids", (dtypes.int16,) + INDICES),
        ("num_segments", INDICES),
    ],
)


@RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, grad):
    """d segment_sum(data)[j...] = grad[segment_ids[j...]] (a gather of the gradient)."""
    return array_ops.gather(grad, op.inputs[1]), None, None


# ---------------------------------------------------------------- clip_by_norm (composite)
def clip_by_norm(t, clip_norm, axes=None, name=None):
    """`t * clip_norm / max(l2norm(t), clip_norm)`: `t` rescaled so its L2 norm (over `axes`,
    all by default) is at most `clip_norm`; unchanged if it already is.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.clip_by_norm([3.0, 4.0], 1.0)))
        [0.6 0.8]
    """
    t = convert_to_tensor(t)
    with name_scope(name, "clip_by_norm", [t]) as scope:
        l2sum = reduce_sum(t * t, axes, keepdims=True)
        positive = l2sum > 0
        # NOTE: sqrt(0) has an infinite derivative; take sqrt of 1 where the sum is 0 (as TF1).
        l2sum_safe = where(positive, l2sum, array_ops.ones_like(l2sum))
        l2norm = where(positive, sqrt(l2sum_safe), l2sum)
        clip_norm = convert_to_tensor(clip_norm, dtype=t.dtype)
        return array_ops.identity(t * clip_norm / maximum(l2norm, clip_norm), name=scope)


# ---------------------------------------------------------------- global_norm (composite)
def global_norm(t_list, name=None):
    """sqrt(sum of the squares of every element of every tensor in `t_list`); Nones skipped.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.global_norm([tf.constant([3.0]), None, tf.constant([4.0])])))
        5.0
    """
    if isinstance(t_list, Tensor) or not isinstance(t_list, (list, tuple)):
        raise TypeError(f"t_list of global_norm must be a list or tuple of tensors, got {t_list!r}")
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm needs at least one tensor that is not None")
    with name_scope(name, "global_norm", [tensors[0]]) as scope:
        squares = [reduce_sum(square(t)) for t in tensors]
        total = squares[0] if len(squares) == 1 else add_n(squares)
        return sqrt(total, name=scope)


# ---------------------------------------------------------------- clip_by_global_norm (composite)
def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor of `t_list` by `clip_norm / max(global_norm, clip_norm)`.

    Returns `(list_clipped, global_norm)`; None entries stay None (so the usual gradient
    clipping idiom works with unconnected variables).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     grads = [tf.constant([3.0]), tf.constant([4.0])]
        ...     clipped, norm = tf.clip_by_global_norm(grads, 1.0)
        ...     print(sess.run(clipped), sess.run(norm))
        [array([0.6], dtype=float32), array([0.8], dtype=float32)] 5.0
    """
    if isinstance(t_list, Tensor) or not isinstance(t_list, (list, tuple)):
        raise TypeError(
            f"t_list of clip_by_global_norm must be a list or tuple of tensors, got {t_list!r}"
        )
    if use_norm is None:
        use_norm = global_norm(t_list)
    use_norm = convert_to_tensor(use_norm)
    with name_scope(name, "clip_by_global_norm", [use_norm]):
        clip_norm = convert_to_tensor(clip_norm, dtype=use_norm.dtype)
        # NOTE: min(1/norm, 1/clip) rather than a division by max(norm, clip): TF1's formula,
        # which gives NaN (not inf) scales when the norm is inf or NaN, so such steps show up.
        scale = clip_norm * minimum(1.0 / use_norm, 1.0 / clip_norm)
        clipped = []
        for i, t in enumerate(t_list):
            if t is None:
                clipped.append(None)
                continue
            t = convert_to_tensor(t)
            clipped.append(array_ops.identity(t * cast(scale, t.dtype), name=f"clipped_{i}"))
        return clipped, use_norm


# ---------------------------------------------------------------- Sigmoid
def sigmoid(x, name=None):
    """1 / (1 + exp(-x)) element-wise, computed without overflow for large |x|.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.sigmoid([0.0, -1000.0])))
        [0.5 0. ]
    """
    return apply_op("Sigmoid", [x], name=name)


def _sigmoid_kernel(x):
    # NOTE: 1 / (1 + exp(-x)), for measured speed: 18x less time than exp(-logaddexp(0, -x)) on
    # 128x784 float32 (2.7 ms -> 0.15 ms), and closer to the exact values (largest relative
    # error 1.9e-7 against 5.7e-7). Tiny results keep their precision (1 + exp(-x) rounds to
    # exp(-x), whose reciprocal is exp(x)); only where exp(-x) overflows (x below -88.7 in
    # float32) is the result 0 instead of a subnormal number. One temporary, reused by every
    # pass (exp in place: 0.9x the time of `np.exp(-x)` on 128x784 float32).
    denominator = np.negative(x)
    with np.errstate(over="ignore"):
        denominator = np.exp(denominator, out=denominator) if denominator.ndim else np.exp(
            denominator)
    if denominator.size >= SIGMOID_LOOP_MIN and denominator.flags.c_contiguous:
        tail = _sigmoid_tails.get(denominator.dtype, _NO_TAIL)
        if tail is _NO_TAIL:
            tail = _sigmoid_tail(denominator)
        if tail is not None:
            tail[0](denominator.reshape(-1), tail[1])
            return denominator
    denominator += 1
    return np.reciprocal(denominator, out=denominator) if denominator.ndim else 1 / denominator


# NOTE: numpy's last two passes (`+= 1`, `reciprocal`) as one compiled loop in place, for
# measured speed: `one / (e + one)` rounds as they do (IEEE addition, then division), NaN
# and inf included. The whole kernel, CPU ms on one CPU (2026-12-01, load 4.9): 0.13 -> 0.105
# on 128x784 float32, 0.044 -> 0.040 on 128x256; below this many elements the loop's call
# costs what it saves.
SIGMOID_LOOP_MIN = 1 << 15
_SIGMOID_TAIL = compiled_kernels.Loop([("e", compiled_kernels.FULL),
                                       ("one", compiled_kernels.SCALAR)],
                                      ["s = (one / (e + one))"], [("e", "s")], 1)
_NO_TAIL = object()
_sigmoid_tails = {}  # dtype -> (compiled tail, its one) or None, chosen on first use


def _sigmoid_tail(e):
    """(compiled tail loop, one of e's dtype), or None where loops are not used: chosen once
    per dtype and process, as a fused step keeps the loops it compiled."""
    tail = None
    if compiled_kernels.worth_compiling(e):
        tail = (compiled_kernels.compile_loop(_SIGMOID_TAIL), e.dtype.type(1))
    _sigmoid_tails[e.dtype] = tail
    return tail


define_op("Sigmoid", kernel=_sigmoid_kernel, shape=shapes.same_as_input,
          input_dtypes=[("x", FLOATS)])


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op, grad):
    """d sigmoid(x) = grad * y * (1 - y), reusing the forward output y."""
    y = op.outputs[0]
    return grad * (y * (1.0 - y))


# ---------------------------------------------------------------- Tanh
def tanh(x, name=None):
    """Hyperbolic tangent element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.tanh([0.0])))
        [0.]
    """
    return apply_op("Tanh", [x], name=name)


define_op("Tanh", kernel=np.tanh, shape=shapes.same_as_input, input_dtypes=[("x", FLOATS)])


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    """d tanh(x) = grad * (1 - y^2), reusing the forward output y."""
    y = op.outputs[0]
    return grad * (1.0 - y * y)


# ---------------------------------------------------------------- operators &, |, ^, ~
def _and_operator(x, y):
    return logical_and(x, y, name="and")


def _rand_operator(y, x):
    return logical_and(x, y, name="and")


def _or_operator(x, y):
    return logical_or(x, y, name="or")


def _ror_operator(y, x):
    return logical_or(x, y, name="or")


def _xor_operator(x, y):
    return logical_xor(x, y, name="xor")


def _rxor_operator(y, x):
    return logical_xor(x, y, name="xor")


Tensor._override_operator("__and__", _and_operator)
Tensor._override_operator("__rand__", _rand_operator)
Tensor._override_operator("__or__", _or_operator)
Tensor._override_operator("__ror__", _ror_operator)
Tensor._override_operator("__xor__", _xor_operator)
Tensor._override_operator("__rxor__", _rxor_operator)
Tensor._override_operator("__invert__", logical_not)


# ---------------------------------------------------------------- operators on Tensor
def _named(fn, name):
    op_type = _BINARY_BUILDERS.get(fn)
    if op_type is not None:  # `fn` is `_binary(op_type, ...)`: one call less per operator
        def binary(x, y):
            """`x <op> y` as the named builder."""
            return _binary(op_type, x, y, name)

        def reflected(y, x):
            """`x <op> y` for the reflected operator (`y.__radd__(x)`)."""
            return _binary(op_type, x, y, name)

        return binary, reflected

    def binary(x, y):
        """`x <op> y` as the named builder."""
        return fn(x, y, name=name)

    def reflected(y, x):
        """`x <op> y` for the reflected operator (`y.__radd__(x)`)."""
        return fn(x, y, name=name)

    return binary, reflected


# The builders that are `_binary(op type, x, y, name)` and nothing else.
_BINARY_BUILDERS = {add: "Add", subtract: "Sub", multiply: "Mul"}


def _matmul_operator(a, b, name="matmul"):
    return matmul(a, b, name=name)


for _operator, _fn, _name in (
    ("add", add, "add"),
    ("sub", subtract, "sub"),
    ("mul", multiply, "mul"),
    ("truediv", truediv, "truediv"),
    ("pow", pow, "pow"),
    ("matmul", _matmul_operator, "matmul"),
):
    _binary_op, _reflected_op = _named(_fn, _name)
    Tensor._override_operator(f"__{_operator}__", _binary_op)
    Tensor._override_operator(f"__r{_operator}__", _reflected_op)

for _operator, _fn in (("lt", less), ("le", less_equal), ("gt", greater), ("ge", greater_equal)):
    Tensor._override_operator(f"__{_operator}__", _named(_fn, None)[0])

Tensor._override_operator("__neg__", negative)
Tensor._override_operator("__abs__", abs)


# ---------------------------------------------------------------- FloorDiv (tf.div, tf.floordiv)
def _integer_divisor_check(y: np.ndarray) -> None:
    if y.dtype.kind in "iu" and np.any(y == 0):
        raise ZeroDivisionError("Integer division by zero")


def div(x, y, name=None):
    """x / y with Python 2's rule: floor division for integers, true division for floats.

    TF1's `tf.div` (deprecated in TF 1.15 for `tf.math.divide` and `//`). Integer inputs give
    `FloorDiv` (rounding towards minus infinity, `-7 / 2 == -4`), floats `RealDiv`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.div([7, -7], 2)), sess.run(tf.div([7.0, -7.0], 2.0)))
        [ 3 -4] [ 3.5 -3.5]
    """
    x, y, name = _binary_inputs(x, y, "Div", name or "div")
    if x.dtype.is_floating:
        return apply_op("RealDiv", [x, y], name=name)
    return apply_op("FloorDiv", [x, y], name=name)


def floordiv(x, y, name=None):
    """floor(x / y) element-wise, for integers and floats alike (the `//` operator).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.floordiv([7, -7], 2)), sess.run(tf.floordiv(-7.5, 2.0)))
        [ 3 -4] -4.0
    """
    x, y, name = _binary_inputs(x, y, "FloorDiv", name or "floordiv")
    return apply_op("FloorDiv", [x, y], name=name)


def floor_div(x, y, name=None):
    """The raw `FloorDiv` op (TF1's `tf.floor_div`): as `tf.floordiv`, named "FloorDiv".

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.floor_div(7, 2).name)
        FloorDiv:0
    """
    return _binary("FloorDiv", x, y, name)


def _floor_div_kernel(x, y):
    _integer_divisor_check(y)
    if x.dtype.kind in "iu":
        return np.floor_divide(x, y)
    # NOTE: floor(x / y), as TF computes it; numpy's floor_divide rounds the exact quotient
    # (np.floor_divide(1.0, 0.1) == 9.0, where 1.0 / 0.1 == 10.0 in floating point).
    return np.floor(np.divide(x, y))


define_op("FloorDiv", kernel=_floor_div_kernel, shape=shapes.broadcast_inputs,
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])
NotDifferentiable("FloorDiv")  # piecewise constant; TF1 returns (None, None) too


# ---------------------------------------------------------------- TruncateDiv
def truncatediv(x, y, name=None):
    """x / y rounded towards zero (C's integer division): `truncatediv(-7, 2) == -3`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.truncatediv([7, -7], 2)))
        [ 3 -3]
    """
    return _binary("TruncateDiv", x, y, name)


def _truncate_div_kernel(x, y):
    _integer_divisor_check(y)
    if x.dtype.kind in "iu":
        quotient = np.floor_divide(x, y)
        inexact = (np.remainder(x, y) != 0) & ((x < 0) != (y < 0))
        return (quotient + inexact).astype(quotient.dtype)
    return np.trunc(np.divide(x, y))


define_op("TruncateDiv", kernel=_truncate_div_kernel, shape=shapes.broadcast_inputs,
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])
NotDifferentiable("TruncateDiv")


# ---------------------------------------------------------------- FloorMod (tf.mod, %)
def floormod(x, y, name=None):
    """x - floor(x / y) * y element-wise: the remainder with the sign of `y` (Python's `%`).

    `tf.mod` and `tf.floormod` are this op (the `%` operator, named "mod").

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.floormod([7, -7], 2)), sess.run(tf.mod(-7.5, 2.0)))
        [1 1] 0.5
    """
    return _binary("FloorMod", x, y, name)


def _floor_mod_kernel(x, y):
    _integer_divisor_check(y)
    return np.mod(x, y)


define_op("FloorMod", kernel=_floor_mod_kernel, shape=shapes.broadcast_inputs,
          input_dtypes=[("x", NUMBERS), ("y", NUMBERS)])


@RegisterGradient("FloorMod")
def _floor_mod_grad(op, grad):
    """d (x mod y) = (grad, -grad * floor(x / y)), away from the jumps."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(grad, x, y) if op.needs_grad(0) else None
    dy = None
    if op.needs_grad(1):
        dy = array_ops.unbroadcast(negative(grad) * floordiv(x, y), y, x)
    return dx, dy


# ---------------------------------------------------------------- TruncateMod
def truncatemod(x, y, name=None):
    """x - truncate(x / y) * y element-wise: the remainder with the sign of `x` (C's `fmod`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.truncatemod([7, -7], 2)))
        [ 1 -1]
    """
    return _binary("TruncateMod", x, y, name)


def _truncate_mod_kernel(x, y):
    _integer_divisor_check(y)
    return np.fmod(x, y)


define_op("TruncateMod", kernel=_truncate_mod_kernel, shape=shapes.broadcast_inputs,
          input_dtypes=[("x", FLOATS + INDICES), ("y", FLOATS + INDICES)])


@RegisterGradient("TruncateMod")
def _truncate_mod_grad(op, grad):
    """d fmod(x, y) = (grad, -grad * truncate(x / y)), away from the jumps (TF1 has none)."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(grad, x, y) if op.needs_grad(0) else None
    dy = None
    if op.needs_grad(1):
        dy = array_ops.unbroadcast(negative(grad) * truncatediv(x, y), y, x)
    return dx, dy


# ---------------------------------------------------------------- Log1p
def log1p(x, name=None):
    """log(1 + x) element-wise, accurate for tiny x (where 1 + x rounds to 1).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.log1p(1e-10)), sess.run(tf.log(1.0 + 1e-10)))
        1e-10 0.0
    """
    return apply_op("Log1p", [x], name=name)


def _log1p_kernel(x):
    # NOTE: Eigen's log1p, as TF's CPU kernel computes it: x * log(u) / (u - 1) with u = 1 + x,
    # and x itself where u rounds to 1 (or is inf). numpy's log1p is another accurate algorithm
    # that differs from TF's in the last bit often enough to change printed float32 costs.
    x = np.asarray(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = x + np.ones_like(x)
        log_u = np.log(u)
        result = np.where((u == 1) | (u == log_u), x, x * (log_u / (u - 1)))
    return result[()] if result.ndim == 0 else result


define_op("Log1p", kernel=_log1p_kernel, shape=shapes.same_as_input, input_dtypes=[("x", FLOATS)])


@RegisterGradient("Log1p")
def _log1p_grad(op, grad):
    """d log(1 + x) = grad / (1 + x)."""
    return grad / (1.0 + op.inputs[0])


# ---------------------------------------------------------------- Expm1
def expm1(x, name=None):
    """exp(x) - 1 element-wise, accurate for tiny x.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.expm1(1e-10)))
        1e-10
    """
    return apply_op("Expm1", [x], name=name)


define_op("Expm1", kernel=np.expm1, shape=shapes.same_as_input, input_dtypes=[("x", FLOATS)])


@RegisterGradient("Expm1")
def _expm1_grad(op, grad):
    """d (exp(x) - 1) = grad * exp(x)."""
    return grad * exp(op.inputs[0])


# ---------------------------------------------------------------- tensordot (composite)
def tensordot(a, b, axes, name=None):
    """Sums the products of `a` and `b` over the given axes (numpy's `tensordot`).

    `axes` is an integer N (the last N axes of `a` against the first N of `b`) or a pair of
    axis lists `[a_axes, b_axes]`. Built as TF1 builds it: transpose each operand so the summed
    axes meet, reshape both to matrices, one `MatMul`, reshape to the free axes of `a` then `b`.
    The operands' ranks must be known while building.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     c = tf.tensordot(tf.ones([2, 3, 4]), tf.ones([4, 5]), axes=1)
        ...     print(c.shape, sess.run(c)[0, 0, 0])
        (2, 3, 5) 4.0
    """
    with name_scope(name, "Tensordot", [a, b]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, b, axes)
        a_matrix, a_free = _tensordot_reshape(a, a_axes, axes_first=False)
        b_matrix, b_free = _tensordot_reshape(b, b_axes, axes_first=True)
        product = matmul(a_matrix, b_matrix)
        if isinstance(a_free, list) and isinstance(b_free, list):
            return array_ops.reshape(product, a_free + b_free, name=scope)
        out_shape = array_ops.concat([a_free, b_free], 0)
        result = array_ops.reshape(product, out_shape, name=scope)
        result.set_shape(TensorShape([a.shape.as_tuple()[i] for i in _free(a, a_axes)]
                                     + [b.shape.as_tuple()[i] for i in _free(b, b_axes)]))
        return result


def _axes_lists(a: Tensor, b: Tensor, axes) -> tuple:
    """tensordot's `axes` (an int n: the last n of a with the first n of b; or a pair of axes
    or axis lists) as two lists of axes, a's and b's."""
    rank_a, rank_b = a.shape.ndims, b.shape.ndims
    if isinstance(axes, (int, np.integer)):
        if axes < 0:
            raise ValueError(f"'axes' must be at least 0, got {axes}.")
        if axes > min(rank_a, rank_b):
            raise ValueError(f"'axes' must not be larger than the number of dimensions of "
                             f"tensor {a!r} or {b!r}: {axes}.")
        return list(builtins.range(rank_a - axes, rank_a)), list(builtins.range(axes))
    if len(axes) != 2:
        raise ValueError(f"'axes' must be an integer or have length 2, got {axes!r}.")
    a_axes, b_axes = ([axis] if isinstance(axis, (int, np.integer)) else list(axis)
                      for axis in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                         f"{len(a_axes)} != {len(b_axes)}.")
    return a_axes, b_axes


def _tensordot_axes(a: Tensor, b: Tensor, axes):
    for t, which in ((a, "a"), (b, "b")):
        if t.shape.ndims is None:
            raise ValueError(f"tensordot needs the rank of '{which}' while building; {t!r} has "
                             "unknown rank (give its placeholder a shape).")
    rank_a, rank_b = a.shape.ndims, b.shape.ndims
    a_axes, b_axes = _axes_lists(a, b, axes)
    a_axes = [int(i) % rank_a for i in a_axes]
    b_axes = [int(i) % rank_b for i in b_axes]
    a_dims, b_dims = a.shape.as_tuple(), b.shape.as_tuple()
    for i, j in zip(a_axes, b_axes):
        if a_dims[i] is not None and b_dims[j] is not None and a_dims[i] != b_dims[j]:
            raise ValueError(
                f"tensordot: axis {i} of 'a' (shape {a.shape}) has size {a_dims[i]} but axis "
                f"{j} of 'b' (shape {b.shape}) has size {b_dims[j]}; summed axes must match."
            )
    return a_axes, b_axes


def _free(t: Tensor, axes) -> list:
    return [i for i in builtins.range(t.shape.ndims) if i not in axes]


def _tensordot_reshape(t: Tensor, axes, axes_first: bool):
    """`t` transposed and reshaped to a matrix with the summed `axes` as rows (`axes_first`)
    or columns, and its free dims (a list if known, else an int32 tensor)."""
    free = _free(t, axes)
    perm = axes + free if axes_first else free + axes
    if perm != list(builtins.range(t.shape.ndims)):
        t_perm = array_ops.transpose(t, perm)
    else:
        t_perm = t
    dims = t.shape.as_tuple()
    free_dims = [dims[i] for i in free]
    axes_dims = [dims[i] for i in axes]
    if None not in free_dims and None not in axes_dims:
        n_free, n_axes = int(np.prod(free_dims)), int(np.prod(axes_dims))
        shape = [n_axes, n_free] if axes_first else [n_free, n_axes]
        return array_ops.reshape(t_perm, shape), free_dims
    t_shape = array_ops.shape(t)
    free_tensor = array_ops.gather(t_shape, free)
    n_free = reduce_prod(free_tensor)
    n_axes = reduce_prod(array_ops.gather(t_shape, axes))
    shape = array_ops.stack([n_axes, n_free] if axes_first else [n_free, n_axes])
    return array_ops.reshape(t_perm, shape), free_tensor


# ---------------------------------------------------------------- DivNoNan
def div_no_nan(x, y, name=None):
    """x / y element-wise, with 0 wherever y is 0 (TF1's `tf.div_no_nan`; floats only).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.div_no_nan([1.0, 3.0], [0.0, 2.0])))
        [0.  1.5]
    """
    x, y, name = _binary_inputs(x, y, "DivNoNan", name or "div_no_nan")
    return apply_op("DivNoNan", [x, y], name=name)


def _div_no_nan_kernel(x, y):
    zero = y == 0
    quotient = np.divide(x, np.where(zero, np.ones_like(y), y))
    return np.where(zero, np.zeros_like(quotient), quotient)


define_op("DivNoNan", kernel=_div_no_nan_kernel, shape=shapes.broadcast_inputs,
          input_dtypes=[("x", FLOATS), ("y", FLOATS)])


@RegisterGradient("DivNoNan")
def _div_no_nan_grad(op, grad):
    """d div_no_nan(x, y) = (div_no_nan(grad, y), grad * div_no_nan(div_no_nan(-x, y), y))."""
    x, y = op.inputs
    dx = array_ops.unbroadcast(div_no_nan(grad, y), x, y) if op.needs_grad(0) else None
    dy = None
    if op.needs_grad(1):
        dy = array_ops.unbroadcast(grad * div_no_nan(div_no_nan(negative(x), y), y), y, x)
    return dx, dy


# ---------------------------------------------------------------- operators // and %
def _floordiv_operator(x, y):
    return floordiv(x, y, name="floordiv")


def _rfloordiv_operator(y, x):
    return floordiv(x, y, name="floordiv")


def _mod_operator(x, y):
    return floormod(x, y, name="mod")


def _rmod_operator(y, x):
    return floormod(x, y, name="mod")


Tensor._override_operator("__floordiv__", _floordiv_operator)
Tensor._override_operator("__rfloordiv__", _rfloordiv_operator)
Tensor._override_operator("__mod__", _mod_operator)
Tensor._override_operator("__rmod__", _rmod_operator)
