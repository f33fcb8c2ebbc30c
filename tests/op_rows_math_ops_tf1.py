"""Op-table rows for TF1's integer division and remainders (`tf.div`, `floordiv`,
`truncatediv`, `floormod`/`mod`, `truncatemod`), `div_no_nan`, `log1p`, `expm1`,
`tf.where(condition)`, `arg_max`/`arg_min` and `tensordot`.

Read with `tests/op_table.py`. The references spell out TF's definitions with numpy
(floor(x / y) for floats, C's truncation for integers) rather than reuse the kernels.
"""

import numpy as np

import minigraph as tf
from op_table import BINARY_BROADCASTS, Arg, OpRow

SIGNED = np.array([[7, -7, 7, -7], [9, -9, 0, 5], [-1, 1, 12, -12]], dtype=np.int32)
DIVISORS = np.array([[2, 2, -2, -2], [4, -4, 3, 3], [5, -5, 7, -7]], dtype=np.int32)
POSITIVE = Arg((3, 4), low=0.5, high=2.0)
INT_X = Arg((3, 4), -9, 9, np.int32)
INT_Y = Arg((3, 4), 1, 4, np.int32)


def _np_truncatediv_int(x, y):
    return np.trunc(x.astype(np.float64) / y).astype(x.dtype)


def _np_floor_mod_float(x, y):
    return x - np.floor(x / y) * y


def _np_where_indices(condition):
    return np.stack(np.nonzero(condition), axis=1).astype(np.int64)


def _np_tensordot(axes):
    def reference(a, b):
        return np.tensordot(a, b, axes)

    return reference


def _tf_tensordot(axes):
    def build(a, b):
        return tf.tensordot(a, b, axes)

    return build


ROWS = [
    # ---------------------------------------------------------------- FloorDiv
    OpRow("FloorDiv", tf.floordiv, [SIGNED, DIVISORS], np.floor_divide, grad=False,
          label="int"),
    OpRow("FloorDiv", tf.floordiv, [INT_X, INT_Y], np.floor_divide, grad=False,
          broadcasts=BINARY_BROADCASTS, label="int_broadcast"),
    OpRow("FloorDiv", tf.floordiv, [(3, 4), POSITIVE], lambda x, y: np.floor(x / y),
          grad=False, broadcasts=BINARY_BROADCASTS, label="float"),
    OpRow("FloorDiv", tf.div, [SIGNED, DIVISORS], np.floor_divide, grad=False, label="div_int"),
    OpRow("FloorDiv", tf.floor_div, [SIGNED, DIVISORS], np.floor_divide, grad=False,
          label="floor_div"),
    OpRow("FloorDiv", lambda x, y: x // y, [SIGNED, DIVISORS], np.floor_divide, grad=False,
          label="operator"),
    OpRow("RealDiv", tf.div, [(3, 4), POSITIVE], np.divide, label="div_float"),
    # ---------------------------------------------------------------- TruncateDiv
    OpRow("TruncateDiv", tf.truncatediv, [SIGNED, DIVISORS], _np_truncatediv_int, grad=False,
          label="int"),
    OpRow("TruncateDiv", tf.truncatediv, [(3, 4), Arg((3, 4), -2.0, -0.5)],
          lambda x, y: np.trunc(x / y), grad=False, broadcasts=BINARY_BROADCASTS, label="float"),
    # ---------------------------------------------------------------- FloorMod
    OpRow("FloorMod", tf.floormod, [SIGNED, DIVISORS], lambda x, y: x - (x // y) * y,
          grad=False, label="int"),
    OpRow("FloorMod", tf.mod, [Arg((3, 4), -3.0, 3.0), POSITIVE], _np_floor_mod_float,
          broadcasts=BINARY_BROADCASTS, label="float"),
    OpRow("FloorMod", lambda x, y: x % y, [Arg((3, 4), -3.0, 3.0), Arg((3, 4), -2.0, -0.5)],
          _np_floor_mod_float, label="operator_negative_divisor"),
    # ---------------------------------------------------------------- TruncateMod
    OpRow("TruncateMod", tf.truncatemod, [SIGNED, DIVISORS],
          lambda x, y: x - _np_truncatediv_int(x, y) * y, grad=False, label="int"),
    OpRow("TruncateMod", tf.truncatemod, [Arg((3, 4), -3.0, 3.0), POSITIVE],
          lambda x, y: x - np.trunc(x / y) * y, broadcasts=BINARY_BROADCASTS, label="float"),
    # ---------------------------------------------------------------- Log1p / Expm1
    OpRow("Log1p", tf.log1p, [Arg((3, 4), -0.5, 2.0)], lambda x: np.log(1.0 + x)),
    OpRow("Expm1", tf.expm1, [(3, 4)], lambda x: np.exp(x) - 1.0),
    # ---------------------------------------------------------------- DivNoNan
    OpRow("DivNoNan", tf.div_no_nan, [(3, 4), POSITIVE], np.divide,
          broadcasts=BINARY_BROADCASTS),
    OpRow("DivNoNan", tf.div_no_nan,
          [Arg((3, 4)), np.array([[0.0, 1.5, -2.0, 0.0], [1.0, 0.0, 0.5, 2.0], [0, 0, 1.0, 1.0]])],
          lambda x, y: np.where(y == 0, 0.0, x / np.where(y == 0, 1.0, y)), grad=False,
          label="zeros"),  # the derivative in y jumps at y = 0: finite differences see it
    # ---------------------------------------------------------------- Where
    OpRow("Where", tf.where, [Arg((3, 4), dtype=np.bool_)], _np_where_indices, grad=False,
          static_shape_known=False, label="bool"),
    OpRow("Where", tf.where, [Arg((2, 3, 4), -1, 1, np.int32)], _np_where_indices, grad=False,
          static_shape_known=False, label="int_rank3"),
    OpRow("Where", tf.where, [Arg((5,), dtype=np.bool_)], _np_where_indices, grad=False,
          static_shape_known=False, label="rank1"),
    # ---------------------------------------------------------------- arg_max / arg_min
    OpRow("ArgMax", lambda x: tf.arg_max(x, 1), [(3, 4)], lambda x: np.argmax(x, 1),
          grad=False, label="arg_max"),
    OpRow("ArgMin", lambda x: tf.arg_min(x, 0), [(3, 4)], lambda x: np.argmin(x, 0),
          grad=False, label="arg_min"),
    # ---------------------------------------------------------------- tensordot (composite)
    OpRow("MatMul", _tf_tensordot(1), [(2, 3, 4), (4, 5)], _np_tensordot(1),
          label="tensordot_1"),
    OpRow("MatMul", _tf_tensordot([[0, 2], [1, 0]]), [(2, 3, 4), (4, 2, 5)],
          _np_tensordot([[0, 2], [1, 0]]), label="tensordot_pairs"),
    OpRow("MatMul", _tf_tensordot(0), [(2,), (3,)], _np_tensordot(0), label="tensordot_0"),
    OpRow("MatMul", _tf_tensordot(2), [(3, 2, 4), (2, 4)], _np_tensordot(2),
          label="tensordot_2"),
]
