"""Op-table rows for the core ops: array_ops, math_ops, state_ops and control_flow_ops.

Read with `tests/op_table.py`. Default input shapes are non-square ((3, 4), (2, 3, 4)) so a
shape function that swaps two dimensions fails; binary element-wise ops also run the
`BINARY_BROADCASTS` variants, whose gradients exercise `array_ops.unbroadcast`.
"""

import numpy as np

import minigraph as tf
from minigraph.ops import array_ops, math_ops
from minigraph.tensor import apply_op
from op_table import BINARY_BROADCASTS, Arg, OpRow

POSITIVE = Arg((3, 4), low=0.5, high=2.0)
NONZERO = Arg((3, 4), low=0.5, high=2.0)
INIT = np.arange(12.0).reshape(3, 4)


def _identity(x):
    return x


def _np_sum(axis=None, keepdims=False):
    def reference(x):
        return np.sum(x, axis=axis, keepdims=keepdims)

    return reference


def _np_mean(axis=None, keepdims=False):
    def reference(x):
        return np.mean(x, axis=axis, keepdims=keepdims)

    return reference


def _np_getitem(key):
    def reference(x):
        return x[key]

    return reference


def _tf_getitem(key):
    def build(x):
        return x[key]

    return build


def _variable_read(x):
    """Reads a variable initialized from x (after its initializer, by a control dependency)."""
    v = tf.Variable(x, name="v")
    return tf.with_dependencies([v.initializer], v)


def _assign_add(x):
    v = tf.Variable(INIT, name="v")
    with tf.control_dependencies([v.initializer]):
        return tf.assign_add(v, x)


def _assign_sub(x):
    v = tf.Variable(INIT, name="v")
    with tf.control_dependencies([v.initializer]):
        return tf.assign_sub(v, x)


def _strided_slice_grad(grad):
    """Scatters a (2, 5) gradient into rows 1:3 of a (4, 5) zero array."""
    x_shape = tf.constant([4, 5])
    return apply_op("StridedSliceGrad", [x_shape, grad], attrs={"spec": (slice(1, 3),)})


def _np_strided_slice_grad(grad):
    dx = np.zeros((4, 5))
    dx[1:3] = grad
    return dx


def _np_broadcast_gradient_args(s0, s1):
    """The axes each operand of a broadcast is summed over, written out for (2,3,4) and (3,1)."""
    return [np.array([], dtype=np.int32), np.array([0, 2], dtype=np.int32)]


def _np_reduced_shape(input_shape, axes):
    out = input_shape.copy()
    out[axes] = 1
    return out


def _rank1_where(c, x, y):
    return np.where(c[:, None], x, y)


ROWS = [
    # ---------------------------------------------------------------- array_ops
    OpRow("Const", lambda: tf.constant([[1.5, 2.0, 3.0]]), [],
          lambda: np.array([[1.5, 2.0, 3.0]], dtype=np.float32), grad=False),
    OpRow("PlaceholderWithDefault", lambda x: tf.placeholder_with_default(x, [3, 4]), [(3, 4)],
          _identity),
    OpRow("Identity", tf.identity, [(3, 4)], _identity),
    OpRow("StopGradient", tf.stop_gradient, [(3, 4)], _identity, grad=False),
    OpRow("Shape", tf.shape, [(3, 4)], lambda x: np.array(x.shape, dtype=np.int32), grad=False),
    OpRow("Rank", tf.rank, [(2, 3, 4)], lambda x: np.int32(x.ndim), grad=False),
    OpRow("Size", tf.size, [(3, 4)], lambda x: np.int32(x.size), grad=False),
    OpRow("Reshape", lambda x: tf.reshape(x, [4, 3]), [(3, 4)], lambda x: x.reshape(4, 3)),
    OpRow("Reshape", lambda x: tf.reshape(x, [2, -1]), [(2, 3, 4)],
          lambda x: x.reshape(2, -1), label="infer"),
    OpRow("Reshape", lambda x: tf.reshape(x, [-1]), [(3, 4)], lambda x: x.reshape(-1),
          label="flatten"),
    OpRow("Transpose", tf.transpose, [(3, 4)], np.transpose),
    OpRow("Transpose", lambda x: tf.transpose(x, [1, 2, 0]), [(2, 3, 4)],
          lambda x: np.transpose(x, [1, 2, 0]), label="perm"),
    OpRow("Fill", lambda v: tf.fill([3, 4], v), [()], lambda v: np.full((3, 4), v)),
    OpRow("ZerosLike", tf.zeros_like, [(3, 4)], np.zeros_like, grad=False),
    OpRow("OnesLike", tf.ones_like, [(3, 4)], np.ones_like, grad=False),
    OpRow("BroadcastTo", lambda x: tf.broadcast_to(x, [3, 4]), [(4,)],
          lambda x: np.broadcast_to(x, (3, 4)), broadcasts=[[(3, 1)], [()], [(1, 4)]]),
    OpRow("Pack", lambda a, b: tf.stack([a, b]), [(3, 4), (3, 4)],
          lambda a, b: np.stack([a, b])),
    OpRow("Pack", lambda a, b: tf.stack([a, b], axis=-1), [(3, 4), (3, 4)],
          lambda a, b: np.stack([a, b], axis=-1), label="axis-1"),
    OpRow("Unpack", lambda x: tf.unstack(x, num=3), [(3, 4)], lambda x: list(x)),
    OpRow("Unpack", lambda x: tf.unstack(x, axis=1), [(3, 4)], lambda x: list(x.T),
          unknown_shapes=False, label="axis1"),
    OpRow("StridedSlice", _tf_getitem(1), [(3, 4)], _np_getitem(1)),
    OpRow("StridedSlice", _tf_getitem(-1), [(3, 4)], _np_getitem(-1), label="neg_index"),
    OpRow("StridedSlice", _tf_getitem((slice(1, 3), slice(None, None, -1))), [(3, 4)],
          _np_getitem((slice(1, 3), slice(None, None, -1))), label="range_reversed"),
    OpRow("StridedSlice", _tf_getitem((slice(None, None, -2), slice(1, None))), [(5, 4)],
          _np_getitem((slice(None, None, -2), slice(1, None))), label="neg_step"),
    OpRow("StridedSlice", _tf_getitem((slice(-1, 0, -2), slice(-3, -1))), [(5, 4)],
          _np_getitem((slice(-1, 0, -2), slice(-3, -1))), label="neg_bounds"),
    OpRow("StridedSlice", _tf_getitem((Ellipsis, None)), [(3, 4)],
          _np_getitem((Ellipsis, None)), label="ellipsis_newaxis"),
    OpRow("StridedSlice", _tf_getitem((None, Ellipsis, 0)), [(2, 3, 4)],
          _np_getitem((None, Ellipsis, 0)), label="newaxis_ellipsis_int"),
    OpRow("StridedSlice", _tf_getitem((0, slice(None, None, 2), 1)), [(2, 5, 4)],
          _np_getitem((0, slice(None, None, 2), 1)), label="mixed"),
    OpRow("StridedSlice", _tf_getitem(slice(10, 20)), [(3, 4)], _np_getitem(slice(10, 20)),
          label="empty"),
    OpRow("StridedSliceGrad", _strided_slice_grad, [(2, 5)], _np_strided_slice_grad),
    OpRow("BroadcastGradientArgs", array_ops.broadcast_gradient_args,
          [np.array([2, 3, 4], dtype=np.int32), np.array([3, 1], dtype=np.int32)],
          _np_broadcast_gradient_args, grad=False, static_shape_known=False),
    # ---------------------------------------------------------------- math_ops: binary
    OpRow("Add", tf.add, [(3, 4), (3, 4)], np.add, broadcasts=BINARY_BROADCASTS),
    OpRow("Sub", tf.subtract, [(3, 4), (3, 4)], np.subtract, broadcasts=BINARY_BROADCASTS),
    OpRow("Mul", tf.multiply, [(3, 4), (3, 4)], np.multiply, broadcasts=BINARY_BROADCASTS),
    OpRow("RealDiv", tf.divide, [(3, 4), NONZERO], np.divide, broadcasts=BINARY_BROADCASTS),
    OpRow("RealDiv", tf.truediv,
          [Arg((3, 4), -5, 5, np.int32), Arg((3, 4), 1, 5, np.int32)],
          np.true_divide, grad=False, label="int32"),
    OpRow("Pow", tf.pow, [POSITIVE, (3, 4)], np.power, broadcasts=BINARY_BROADCASTS),
    OpRow("Maximum", tf.maximum, [(3, 4), (3, 4)], np.maximum, broadcasts=BINARY_BROADCASTS),
    OpRow("Minimum", tf.minimum, [(3, 4), (3, 4)], np.minimum, broadcasts=BINARY_BROADCASTS),
    OpRow("Less", tf.less, [(3, 4), (3, 4)], np.less, grad=False, broadcasts=BINARY_BROADCASTS),
    OpRow("LessEqual", tf.less_equal, [(3, 4), (3, 4)], np.less_equal, grad=False,
          broadcasts=BINARY_BROADCASTS),
    OpRow("Greater", tf.greater, [(3, 4), (3, 4)], np.greater, grad=False,
          broadcasts=BINARY_BROADCASTS),
    OpRow("GreaterEqual", tf.greater_equal, [(3, 4), (3, 4)], np.greater_equal, grad=False,
          broadcasts=BINARY_BROADCASTS),
    OpRow("Equal", tf.equal, [Arg((3, 4), 0, 2, np.int32), Arg((3, 4), 0, 2, np.int32)],
          np.equal, grad=False, broadcasts=BINARY_BROADCASTS),
    OpRow("NotEqual", tf.not_equal, [Arg((3, 4), 0, 2, np.int32), Arg((3, 4), 0, 2, np.int32)],
          np.not_equal, grad=False, broadcasts=BINARY_BROADCASTS),
    OpRow("Select", tf.where, [Arg((3, 4), dtype=np.bool_), (3, 4), (3, 4)], np.where),
    OpRow("Select", tf.where, [Arg((3,), dtype=np.bool_), (3, 4), (3, 4)], _rank1_where,
          label="rank1_condition"),
    # ---------------------------------------------------------------- math_ops: unary
    OpRow("Neg", tf.negative, [(3, 4)], np.negative),
    OpRow("Square", tf.square, [(3, 4)], np.square),
    OpRow("Sqrt", tf.sqrt, [POSITIVE], np.sqrt),
    OpRow("Exp", tf.exp, [(3, 4)], np.exp),
    OpRow("Log", tf.log, [POSITIVE], np.log),
    OpRow("Abs", tf.abs, [(3, 4)], np.abs),
    OpRow("Sign", tf.sign, [(3, 4)], np.sign),
    OpRow("Cast", lambda x: tf.cast(x, tf.float32), [(3, 4)], lambda x: x.astype(np.float32),
          delta=1e-2, grad_tol=1e-4),
    OpRow("Cast", lambda x: tf.cast(x, tf.float64), [Arg((3, 4), -5, 5, np.int32)],
          lambda x: x.astype(np.float64), grad=False, label="int_to_float"),
    OpRow("Cast", lambda x: tf.cast(x, tf.int32), [(3, 4)], lambda x: x.astype(np.int32),
          grad=False, label="float_to_int_truncates"),
    OpRow("AddN", lambda a, b, c: tf.add_n([a, b, c]), [(3, 4), (3, 4), (3, 4)],
          lambda a, b, c: a + b + c),
    # ---------------------------------------------------------------- matrix products
    OpRow("MatMul", tf.matmul, [(3, 4), (4, 5)], np.matmul),
    OpRow("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True), [(4, 3), (4, 5)],
          lambda a, b: a.T @ b, label="transpose_a"),
    OpRow("MatMul", lambda a, b: tf.matmul(a, b, transpose_b=True), [(3, 4), (5, 4)],
          lambda a, b: a @ b.T, label="transpose_b"),
    OpRow("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
          [(4, 3), (5, 4)], lambda a, b: a.T @ b.T, label="transpose_ab"),
    OpRow("BatchMatMulV2", tf.matmul, [(2, 3, 4), (2, 4, 5)], np.matmul),
    OpRow("BatchMatMulV2", tf.matmul, [(2, 3, 4), (4, 5)], np.matmul, label="broadcast",
          broadcasts=[[(3, 4), (2, 4, 5)], [(2, 1, 3, 4), (3, 4, 5)]]),
    OpRow("BatchMatMulV2", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
          [(2, 4, 3), (2, 5, 4)], lambda a, b: np.swapaxes(a, -1, -2) @ np.swapaxes(b, -1, -2),
          label="adjoint"),
    # ---------------------------------------------------------------- reductions
    OpRow("Sum", tf.reduce_sum, [(3, 4)], _np_sum()),
    OpRow("Sum", lambda x: tf.reduce_sum(x, axis=1), [(3, 4)], _np_sum(1), label="axis1"),
    OpRow("Sum", lambda x: tf.reduce_sum(x, axis=[0, -1], keepdims=True), [(2, 3, 4)],
          _np_sum((0, -1), True), label="neg_axes_keepdims"),
    OpRow("Sum", lambda x: tf.reduce_sum(x, axis=-2), [(2, 3, 4)], _np_sum(-2),
          label="neg_axis"),
    OpRow("Sum", lambda x: tf.reduce_sum(x, keepdims=True), [(3, 4)], _np_sum(None, True),
          label="all_keepdims"),
    OpRow("Mean", tf.reduce_mean, [(3, 4)], _np_mean()),
    OpRow("Mean", lambda x: tf.reduce_mean(x, axis=0), [(3, 4)], _np_mean(0), label="axis0"),
    OpRow("Mean", lambda x: tf.reduce_mean(x, axis=[-1, 0], keepdims=True), [(2, 3, 4)],
          _np_mean((-1, 0), True), label="neg_axes_keepdims"),
    OpRow("Mean", lambda x: tf.reduce_mean(x, axis=[1], keep_dims=True), [(3, 4)],
          _np_mean(1, True), label="keep_dims"),
    OpRow("Mean", tf.reduce_mean, [Arg((3, 4), -9, 9, np.int32)],
          lambda x: np.int32(np.trunc(x.sum() / x.size)), grad=False, label="int_truncates"),
    OpRow("Range", lambda: tf.range(1, 10, 2), [], lambda: np.arange(1, 10, 2, dtype=np.int32),
          grad=False),
    OpRow("Range", lambda n: tf.range(n), [np.array(5, dtype=np.int32)],
          lambda n: np.arange(n, dtype=np.int32), grad=False, static_shape_known=False,
          label="fed_limit"),
    OpRow("ReducedShape", math_ops.reduced_shape,
          [np.array([2, 3, 4], dtype=np.int32), np.array([1, -1], dtype=np.int32)],
          _np_reduced_shape, grad=False),
    # ---------------------------------------------------------------- state and control flow
    OpRow("VariableV2", _variable_read, [(3, 4)], _identity, grad=False),
    OpRow("Assign", lambda x: tf.assign(tf.Variable(np.zeros((3, 4)), name="v"), x), [(3, 4)],
          _identity, grad=False),
    OpRow("AssignAdd", _assign_add, [(3, 4)], lambda x: INIT + x, grad=False),
    OpRow("AssignSub", _assign_sub, [(3, 4)], lambda x: INIT - x, grad=False),
    OpRow("NoOp", lambda x: tf.with_dependencies([tf.no_op()], x), [(3, 4)], _identity,
          grad=False),
]
