"""Op-table rows for minigraph/ops/math_ops.py: element-wise binary and unary ops, casts,
matrix products, reductions and scans, comparisons and logical ops, segment sums, and the
composites built on them (clip_by_value, clip_by_norm, global_norm, count_nonzero,
reduce_logsumexp).

Read with `tests/op_table.py`. Default input shapes are non-square ((3, 4), (2, 3, 4)) so a
shape function that swaps two dimensions fails; binary element-wise ops also run the
`BINARY_BROADCASTS` variants, whose gradients exercise `array_ops.unbroadcast`. The references
are written with numpy independently of the kernels (e.g. logsumexp is spelled out).
"""

import numpy as np

import minigraph as tf
from minigraph.ops import math_ops
from op_table import BINARY_BROADCASTS, Arg, OpRow

POSITIVE = Arg((3, 4), low=0.5, high=2.0)
NONZERO = Arg((3, 4), low=0.5, high=2.0)
BOOLS = Arg((3, 4), dtype=np.bool_)
SPECIAL = np.array(
    [[1.0, np.inf, -np.inf, np.nan], [0.0, -2.5, np.nan, 3.0], [np.inf, 7.0, 1e300, -0.0]]
)
# Away from the .5 ties and integers where floor/ceil/round jump.
ROUNDABLE = np.array([[-2.7, -1.2, -0.3, 0.2], [0.7, 1.4, 2.6, 3.1], [-3.6, 4.4, 5.8, -4.1]])


def _np_reduced_shape(input_shape, axes):
    out = input_shape.copy()
    out[axes] = 1
    return out


def _rank1_where(c, x, y):
    return np.where(c[:, None], x, y)


def _reduce(np_fn, axis=None, keepdims=False):
    def reference(x):
        return np_fn(x, axis=axis, keepdims=keepdims)

    return reference


def _tf_reduce(tf_fn, axis=None, keepdims=False):
    def build(x):
        return tf_fn(x, axis=axis, keepdims=keepdims)

    return build


def _np_logsumexp(axis=None, keepdims=False):
    def reference(x):
        return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))

    return reference


def _np_cumulative(np_fn, identity, axis, exclusive=False, reverse=False):
    def reference(x):
        x = np.flip(x, axis) if reverse else x
        out = np_fn(x, axis=axis)
        if exclusive:
            pad = [(0, 0)] * x.ndim
            pad[axis] = (1, 0)
            out = np.pad(out, pad, constant_values=identity)
            out = np.take(out, np.arange(x.shape[axis]), axis=axis)
        return np.flip(out, axis) if reverse else out

    return reference


def _tf_cumulative(tf_fn, axis, exclusive=False, reverse=False):
    def build(x):
        return tf_fn(x, axis, exclusive=exclusive, reverse=reverse)

    return build


def _np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _np_clip(x):
    return np.minimum(np.maximum(x, -0.5), 0.75)


def _np_xor(x, y):
    return x != y


def _np_segment_sum(num_segments):
    def reference(data, ids):
        out = np.zeros((num_segments,) + data.shape[ids.ndim :], dtype=data.dtype)
        for position in np.ndindex(*ids.shape):
            out[ids[position]] += data[position]
        return out

    return reference


def _np_clip_by_norm(clip, axis=None):
    def reference(t):
        norm = np.sqrt(np.sum(t * t, axis=axis, keepdims=True))
        return t * clip / np.maximum(norm, clip)

    return reference


ROWS = [
    # ---------------------------------------------------------------- binary element-wise
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
    # ---------------------------------------------------------------- unary element-wise, casts
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
    # ---------------------------------------------------------------- Sum, Mean, Range
    OpRow("Sum", tf.reduce_sum, [(3, 4)], _reduce(np.sum)),
    OpRow("Sum", lambda x: tf.reduce_sum(x, axis=1), [(3, 4)], _reduce(np.sum, 1), label="axis1"),
    OpRow("Sum", lambda x: tf.reduce_sum(x, axis=[0, -1], keepdims=True), [(2, 3, 4)],
          _reduce(np.sum, (0, -1), True), label="neg_axes_keepdims"),
    OpRow("Sum", lambda x: tf.reduce_sum(x, axis=-2), [(2, 3, 4)], _reduce(np.sum, -2),
          label="neg_axis"),
    OpRow("Sum", lambda x: tf.reduce_sum(x, keepdims=True), [(3, 4)], _reduce(np.sum, None, True),
          label="all_keepdims"),
    OpRow("Mean", tf.reduce_mean, [(3, 4)], _reduce(np.mean)),
    OpRow("Mean", lambda x: tf.reduce_mean(x, axis=0), [(3, 4)], _reduce(np.mean, 0),
          label="axis0"),
    OpRow("Mean", lambda x: tf.reduce_mean(x, axis=[-1, 0], keepdims=True), [(2, 3, 4)],
          _reduce(np.mean, (-1, 0), True), label="neg_axes_keepdims"),
    OpRow("Mean", lambda x: tf.reduce_mean(x, axis=[1], keep_dims=True), [(3, 4)],
          _reduce(np.mean, 1, True), label="keep_dims"),
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
    # ---------------------------------------------------------------- Max, Min, Prod, logsumexp
    OpRow("Max", tf.reduce_max, [(3, 4)], _reduce(np.max)),
    OpRow("Max", _tf_reduce(tf.reduce_max, 0), [(3, 4)], _reduce(np.max, 0), label="axis0"),
    OpRow("Max", _tf_reduce(tf.reduce_max, 1, True), [(3, 4)], _reduce(np.max, 1, True),
          label="axis1_keepdims"),
    OpRow("Max", _tf_reduce(tf.reduce_max, [0, 2]), [(2, 3, 4)], _reduce(np.max, (0, 2)),
          label="axes02"),
    OpRow("Min", tf.reduce_min, [(3, 4)], _reduce(np.min)),
    OpRow("Min", _tf_reduce(tf.reduce_min, -1), [(3, 4)], _reduce(np.min, -1), label="axis-1"),
    OpRow("Min", _tf_reduce(tf.reduce_min, 0, True), [Arg((3, 4), 0, 3, np.int32)],
          _reduce(np.min, 0, True), grad=False, label="int32"),
    OpRow("Prod", tf.reduce_prod, [(3, 4)], _reduce(np.prod)),
    OpRow("Prod", _tf_reduce(tf.reduce_prod, 1), [(3, 4)], _reduce(np.prod, 1), label="axis1"),
    OpRow("Prod", _tf_reduce(tf.reduce_prod, [0, 2], True), [(2, 3, 4)],
          _reduce(np.prod, (0, 2), True), label="axes02_keepdims"),
    OpRow("Max", tf.reduce_logsumexp, [(3, 4)], _np_logsumexp(), label="logsumexp"),
    OpRow("Max", _tf_reduce(tf.reduce_logsumexp, 1), [(3, 4)], _np_logsumexp(1),
          label="logsumexp_axis1"),
    OpRow("Max", _tf_reduce(tf.reduce_logsumexp, 0, True), [(3, 4)], _np_logsumexp(0, True),
          label="logsumexp_axis0_keepdims"),
    # ---------------------------------------------------------------- scans
    OpRow("Cumsum", _tf_cumulative(tf.cumsum, 0), [(3, 4)], _np_cumulative(np.cumsum, 0, 0)),
    OpRow("Cumsum", _tf_cumulative(tf.cumsum, 1, exclusive=True, reverse=True), [(3, 4)],
          _np_cumulative(np.cumsum, 0, 1, exclusive=True, reverse=True),
          label="axis1_exclusive_reverse"),
    OpRow("Cumprod", _tf_cumulative(tf.cumprod, 1), [POSITIVE], _np_cumulative(np.cumprod, 1, 1)),
    OpRow("Cumprod", _tf_cumulative(tf.cumprod, 0, exclusive=True), [POSITIVE],
          _np_cumulative(np.cumprod, 1, 0, exclusive=True), label="axis0_exclusive"),
    OpRow("Cumprod", _tf_cumulative(tf.cumprod, -1, reverse=True), [POSITIVE],
          _np_cumulative(np.cumprod, 1, -1, reverse=True), label="reverse"),
    # ---------------------------------------------------------------- argmax / argmin
    OpRow("ArgMax", tf.argmax, [(3, 4)], lambda x: np.argmax(x, axis=0), grad=False),
    OpRow("ArgMax", lambda x: tf.argmax(x, axis=1), [(3, 4)], lambda x: np.argmax(x, axis=1),
          grad=False, label="axis1"),
    OpRow("ArgMax", lambda x: tf.argmax(x, dimension=2, output_type=tf.int32), [(2, 3, 4)],
          lambda x: np.argmax(x, axis=2).astype(np.int32), grad=False, label="dimension_int32"),
    OpRow("ArgMin", tf.argmin, [(3, 4)], lambda x: np.argmin(x, axis=0), grad=False),
    OpRow("ArgMin", lambda x: tf.argmin(x, -1), [Arg((3, 4), 0, 9, np.int32)],
          lambda x: np.argmin(x, axis=-1), grad=False, label="int_axis-1"),
    # ---------------------------------------------------------------- logical
    OpRow("LogicalAnd", tf.logical_and, [Arg((3, 4), dtype=np.bool_)] * 2, np.logical_and,
          grad=False, broadcasts=BINARY_BROADCASTS),
    OpRow("LogicalOr", tf.logical_or, [Arg((3, 4), dtype=np.bool_)] * 2, np.logical_or,
          grad=False, broadcasts=BINARY_BROADCASTS),
    OpRow("LogicalNot", tf.logical_not, [Arg((3, 4), dtype=np.bool_)], np.logical_not,
          grad=False),
    OpRow("LogicalAnd", tf.logical_xor, [Arg((3, 4), dtype=np.bool_)] * 2, _np_xor,
          grad=False, label="xor"),
    OpRow("LogicalAnd", lambda x, y: x & y, [Arg((3, 4), dtype=np.bool_)] * 2, np.logical_and,
          grad=False, label="operator"),
    OpRow("LogicalOr", lambda x, y: x | y, [Arg((3, 4), dtype=np.bool_)] * 2, np.logical_or,
          grad=False, label="operator"),
    OpRow("LogicalNot", lambda x: ~x, [Arg((3, 4), dtype=np.bool_)], np.logical_not,
          grad=False, label="operator"),
    # ---------------------------------------------------------------- IsFinite / IsNan / IsInf
    OpRow("IsFinite", tf.is_finite, [SPECIAL], np.isfinite, grad=False),
    OpRow("IsNan", tf.is_nan, [SPECIAL], np.isnan, grad=False),
    OpRow("IsInf", tf.is_inf, [SPECIAL], np.isinf, grad=False),
    # ---------------------------------------------------------------- clip, sigmoid, tanh
    OpRow("Maximum", lambda x: tf.clip_by_value(x, -0.5, 0.75), [(3, 4)], _np_clip,
          label="clip_by_value"),
    OpRow("Sigmoid", tf.sigmoid, [(3, 4)], _np_sigmoid),
    OpRow("Sigmoid", tf.sigmoid, [Arg((3, 4), -40.0, 40.0)], _np_sigmoid, label="wide",
          rtol=1e-12, grad_tol=1e-5),
    OpRow("Tanh", tf.tanh, [(3, 4)], np.tanh),
    OpRow("Tanh", tf.tanh, [Arg((2, 3, 4), dtype=np.float32)], np.tanh, grad=False,
          rtol=1e-6, label="float32"),
    # ---------------------------------------------------------------- UnsortedSegmentSum
    OpRow("UnsortedSegmentSum", lambda d, i: tf.unsorted_segment_sum(d, i, 4),
          [(5, 3), Arg((5,), 0, 3, np.int32)], _np_segment_sum(4)),
    OpRow("UnsortedSegmentSum", lambda d, i: tf.unsorted_segment_sum(d, i, 3),
          [(2, 3), Arg((2, 3), 0, 2, np.int32)], _np_segment_sum(3), label="2d_ids"),
    # ---------------------------------------------------------------- Any / All
    OpRow("Any", lambda x: tf.reduce_any(x, axis=1), [BOOLS], lambda x: np.any(x, axis=1),
          grad=False),
    OpRow("Any", tf.reduce_any, [BOOLS], np.any, grad=False, label="all_axes"),
    OpRow("All", lambda x: tf.reduce_all(x, axis=0, keepdims=True), [BOOLS],
          lambda x: np.all(x, axis=0, keepdims=True), grad=False),
    # count_nonzero: NotEqual + Cast + Sum, int64 as TF1.
    OpRow("Sum", lambda x: tf.count_nonzero(tf.round(x), axis=1), [(3, 4)],
          lambda x: np.sum(np.round(x) != 0, axis=1).astype(np.int64), grad=False,
          label="count_nonzero"),
    OpRow("Sum", tf.count_nonzero, [BOOLS], lambda x: np.int64(np.sum(x)), grad=False,
          label="count_nonzero_bool"),
    # ---------------------------------------------------------------- SquaredDifference
    OpRow("SquaredDifference", tf.squared_difference, [(3, 4), (3, 4)],
          lambda x, y: (x - y) ** 2, broadcasts=BINARY_BROADCASTS),
    # ---------------------------------------------------------------- Floor / Ceil / Round
    OpRow("Floor", tf.floor, [ROUNDABLE], np.floor, grad=False),
    OpRow("Ceil", tf.ceil, [ROUNDABLE], np.ceil, grad=False),
    OpRow("Round", tf.round, [np.array([[0.5, 1.5, 2.5, -0.5], [-1.5, 0.4, 2.6, -2.6]])],
          lambda x: np.array([[0.0, 2.0, 2.0, -0.0], [-2.0, 0.0, 3.0, -3.0]]), grad=False),
    # ---------------------------------------------------------------- clipping composites
    OpRow("Maximum", lambda t: tf.clip_by_norm(t, 1.5), [(3, 4)], _np_clip_by_norm(1.5),
          label="clip_by_norm"),
    OpRow("Maximum", lambda t: tf.clip_by_norm(t, 1.0, axes=[1]), [(3, 4)],
          _np_clip_by_norm(1.0, axis=1), label="clip_by_norm_axes"),
    OpRow("Sqrt", lambda a, b: tf.global_norm([a, None, b]), [(3, 4), (2,)],
          lambda a, b: np.sqrt(np.sum(a * a) + np.sum(b * b)), label="global_norm"),
]
