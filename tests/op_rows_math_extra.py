"""Op-table rows for the math ops of issue 3: reductions (max, min, prod, logsumexp), scans,
argmax/argmin, logical ops, IsFinite/IsNan/IsInf, clip_by_value, sigmoid and tanh.

Read with `tests/op_table.py`. Inputs are non-square; the references are written with numpy
independently of the kernels (e.g. one-hot and logsumexp are spelled out, not reused).
"""

import numpy as np

import minigraph as tf
from op_table import BINARY_BROADCASTS, Arg, OpRow

POSITIVE = Arg((3, 4), low=0.5, high=2.0)
SPECIAL = np.array(
    [[1.0, np.inf, -np.inf, np.nan], [0.0, -2.5, np.nan, 3.0], [np.inf, 7.0, 1e300, -0.0]]
)


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


ROWS = [
    # ---------------------------------------------------------------- reductions
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
]
