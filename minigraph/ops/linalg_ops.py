"""Square-matrix ops: determinant and inverse, batched over leading dims, with derivatives.

Both take a tensor of shape `[..., M, M]` of floats and work on each inner matrix, as TF1's
`tf.matrix_determinant` and `tf.matrix_inverse` (`tf.linalg.det`, `tf.linalg.inv`). The
derivatives reuse the forward outputs: d det(A) = grad * det(A) * inv(A)^T, and
d inv(A) = -inv(A)^T grad inv(A)^T.
"""

from __future__ import annotations

import numpy as np

from minigraph import dtypes
from minigraph.ops import array_ops, math_ops
from minigraph.registry import RegisterGradient, define_op
from minigraph.shapes import TensorShape
from minigraph.tensor import apply_op, convert_to_tensor

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def _square_input(x, op_type: str):
    x = convert_to_tensor(x)
    if x.dtype not in _FLOATS:
        raise TypeError(
            f"Value passed to parameter 'input' of {op_type} has DataType {x.dtype.name} not in "
            "list of allowed values: float64, float32, float16. Cast it first: "
            "tf.cast(x, tf.float32)."
        )
    return x


def _square_dims(op) -> tuple:
    """The static dims of a `[..., M, M]` input (None if its rank is unknown)."""
    dims = op.inputs[0].shape.as_tuple()
    if dims is None:
        return None
    if len(dims) < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {len(dims)}")
    rows, cols = dims[-2], dims[-1]
    if rows is not None and cols is not None and rows != cols:
        raise ValueError(f"Dimensions must be equal, but are {cols} and {rows}")
    return dims[:-2] + ((rows if rows is not None else cols),) * 2


# ---------------------------------------------------------------- MatrixDeterminant
def matrix_determinant(input, name=None):  # noqa: A002 - TF1's name
    """The determinant of each inner M x M matrix: shape `[..., M, M]` -> `[...]`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.matrix_determinant([[2.0, 1.0], [1.0, 3.0]])))
        5.0
    """
    x = _square_input(input, "MatrixDeterminant")
    return apply_op("MatrixDeterminant", [x], name=name)


def _matrix_determinant_kernel(x):
    return np.asarray(np.linalg.det(x), dtype=x.dtype)


def _matrix_determinant_shape(op):
    dims = _square_dims(op)
    return TensorShape(None) if dims is None else TensorShape(dims[:-2])


define_op("MatrixDeterminant", kernel=_matrix_determinant_kernel,
          shape=_matrix_determinant_shape)


@RegisterGradient("MatrixDeterminant")
def _matrix_determinant_grad(op, grad):
    """d det(A) = grad * det(A) * inv(A)^T, for each inner matrix."""
    a = op.inputs[0]
    scale = array_ops.expand_dims(array_ops.expand_dims(grad * op.outputs[0], -1), -1)
    return scale * matrix_inverse(a, adjoint=True)


# ---------------------------------------------------------------- MatrixInverse
def matrix_inverse(input, adjoint: bool = False, name=None):  # noqa: A002 - TF1's name
    """The inverse of each inner M x M matrix (of its transpose if `adjoint`).

    A singular matrix raises InvalidArgumentError ("Input is not invertible.") when run.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.matrix_inverse([[2.0, 1.0], [1.0, 3.0]])))
        [[ 0.6 -0.2]
         [-0.2  0.4]]
    """
    x = _square_input(input, "MatrixInverse")
    return apply_op("MatrixInverse", [x], attrs={"adjoint": bool(adjoint)}, name=name)


def _matrix_inverse_kernel(x, *, adjoint):
    if adjoint:
        x = np.swapaxes(x, -1, -2)
    try:
        inverse = np.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError("Input is not invertible.") from None
    return inverse.astype(x.dtype, copy=False)


def _matrix_inverse_shape(op):
    dims = _square_dims(op)
    return TensorShape(None) if dims is None else TensorShape(dims)


define_op("MatrixInverse", kernel=_matrix_inverse_kernel, shape=_matrix_inverse_shape)


@RegisterGradient("MatrixInverse")
def _matrix_inverse_grad(op, grad):
    """d inv(A) = -inv(A)^T grad inv(A)^T (with `adjoint`: -Y grad^T Y, Y the output)."""
    y = op.outputs[0]
    if op.attrs["adjoint"]:
        return math_ops.negative(math_ops.matmul(y, math_ops.matmul(grad, y, transpose_a=True)))
    return math_ops.negative(
        math_ops.matmul(y, math_ops.matmul(grad, y, transpose_b=True), transpose_a=True))


