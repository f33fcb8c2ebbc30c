"""Op-table rows for the array ops of issue 3: one_hot, concat, split, expand_dims, squeeze,
tile, and zeros/ones when they build a Fill.

Read with `tests/op_table.py`. Multi-output rows (split) also check that the gradient of a
piece that is not used is treated as zeros.
"""

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow

LABELS = Arg((5,), -1, 3, np.int32)  # includes -1 and 3: out of range for depth 3


def _np_one_hot(depth, axis=-1, on=1.0, off=0.0, dtype=np.float32):
    def reference(indices):
        out = np.full(indices.shape + (depth,), off, dtype=dtype)
        for position in np.ndindex(*indices.shape):
            k = indices[position]
            if 0 <= k < depth:
                out[position + (k,)] = on
        return np.moveaxis(out, -1, axis) if axis != -1 else out

    return reference


def _np_split_sizes(sizes, axis):
    def reference(x):
        return np.split(x, np.cumsum(sizes)[:-1], axis=axis)

    return reference


ROWS = [
    # ---------------------------------------------------------------- OneHot
    OpRow("OneHot", lambda i: tf.one_hot(i, 3), [LABELS], _np_one_hot(3), grad=False),
    OpRow("OneHot", lambda i: tf.one_hot(i, depth=tf.constant(3), axis=0), [LABELS],
          _np_one_hot(3, axis=0), grad=False, label="axis0_depth_tensor"),
    OpRow("OneHot", lambda i: tf.one_hot(i, 4, axis=1), [Arg((2, 3), 0, 3, np.int32)],
          _np_one_hot(4, axis=1), grad=False, label="axis1"),
    OpRow("OneHot", lambda i: tf.one_hot(i, 3, on_value=5, off_value=-1), [LABELS],
          _np_one_hot(3, on=5, off=-1, dtype=np.int32), grad=False, label="int_values"),
    OpRow("OneHot", lambda i: tf.one_hot(i, 3, dtype=tf.float64), [Arg((5,), 0, 2, np.int64)],
          _np_one_hot(3, dtype=np.float64), grad=False, label="float64_int64"),
    # ---------------------------------------------------------------- ConcatV2
    OpRow("ConcatV2", lambda a, b: tf.concat([a, b], 1), [(3, 4), (3, 2)],
          lambda a, b: np.concatenate([a, b], 1)),
    OpRow("ConcatV2", lambda a, b, c: tf.concat([a, b, c], axis=0), [(2, 4), (1, 4), (3, 4)],
          lambda a, b, c: np.concatenate([a, b, c], 0), label="three_axis0"),
    OpRow("ConcatV2", lambda a, b: tf.concat([a, b], -1), [(2, 3, 1), (2, 3, 2)],
          lambda a, b: np.concatenate([a, b], -1), label="axis-1"),
    # ---------------------------------------------------------------- Split / SplitV
    OpRow("Split", lambda x: tf.split(x, 2, axis=1), [(3, 4)], lambda x: np.split(x, 2, 1)),
    OpRow("Split", lambda x: tf.split(x, 3)[1], [(3, 4)], lambda x: np.split(x, 3)[1],
          label="one_piece_used"),
    OpRow("SplitV", lambda x: tf.split(x, [1, 3], 1), [(3, 4)], _np_split_sizes([1, 3], 1)),
    OpRow("SplitV", lambda x: tf.split(x, [2, -1, 1], 0), [(5, 2)],
          _np_split_sizes([2, 2, 1], 0), label="minus_one"),
    OpRow("SplitV", lambda x: tf.split(x, [1, 3], -1)[0], [(2, 3, 4)],
          lambda x: x[..., :1], label="one_piece_used"),
    # ---------------------------------------------------------------- ExpandDims / Squeeze
    OpRow("ExpandDims", lambda x: tf.expand_dims(x, 1), [(3, 4)],
          lambda x: np.expand_dims(x, 1)),
    OpRow("ExpandDims", lambda x: tf.expand_dims(x, -1), [(3, 4)],
          lambda x: np.expand_dims(x, -1), label="axis-1"),
    OpRow("ExpandDims", lambda x: tf.expand_dims(x, dim=0), [(3,)],
          lambda x: np.expand_dims(x, 0), label="dim"),
    OpRow("Squeeze", tf.squeeze, [(1, 3, 1, 4)], np.squeeze, unknown_shapes=False),
    OpRow("Squeeze", lambda x: tf.squeeze(x, [2]), [(1, 3, 1, 4)],
          lambda x: np.squeeze(x, 2), label="axis2"),
    OpRow("Squeeze", lambda x: tf.squeeze(x, axis=[0, -2]), [(1, 3, 1, 4)],
          lambda x: np.squeeze(x, (0, 2)), label="axes"),
    # ---------------------------------------------------------------- Tile
    OpRow("Tile", lambda x: tf.tile(x, [2, 3]), [(3, 4)], lambda x: np.tile(x, (2, 3))),
    OpRow("Tile", lambda x: tf.tile(x, [1, 2, 1]), [(2, 1, 3)],
          lambda x: np.tile(x, (1, 2, 1)), label="rank3"),
    # ---------------------------------------------------------------- zeros / ones as Fill
    OpRow("Fill", lambda x: tf.zeros(tf.shape(x)), [(3, 4)],
          lambda x: np.zeros(x.shape, np.float32), grad=False, label="zeros_from_shape"),
    OpRow("Fill", lambda x: tf.ones(tf.shape(x), dtype="int32"), [(3, 4)],
          lambda x: np.ones(x.shape, np.int32), grad=False, label="ones_from_shape"),
    OpRow("Fill", lambda x: x + tf.zeros([40, 30], dtype=tf.float64), [(40, 30)],
          lambda x: x, label="zeros_large"),
]
