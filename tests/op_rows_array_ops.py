"""Op-table rows for minigraph/ops/array_ops.py: constants, shapes, reshaping, slicing,
stacking, one_hot, concat, split, expand_dims/squeeze, tile, gather, and zeros/ones when they
build a Fill.

Read with `tests/op_table.py`. Default input shapes are non-square ((3, 4), (2, 3, 4)) so a
shape function that swaps two dimensions fails. Multi-output rows (split) also check that the
gradient of a piece that is not used is treated as zeros; index inputs repeat values (so the
gather gradient must add duplicates up).
"""

import numpy as np

import minigraph as tf
from minigraph.ops import array_ops
from minigraph.tensor import apply_op
from op_table import Arg, OpRow

LABELS = Arg((5,), -1, 3, np.int32)  # includes -1 and 3: out of range for depth 3
ROWS_INDEX = Arg((2, 3), 0, 3, np.int32)  # indices into an axis of size 4, with repeats


def _identity(x):
    return x


def _np_getitem(key):
    def reference(x):
        return x[key]

    return reference


def _tf_getitem(key):
    def build(x):
        return x[key]

    return build


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


def _np_gather_axis1(params, indices):
    return np.stack([params[:, i] for i in indices.reshape(-1)], axis=1).reshape(
        params.shape[:1] + indices.shape + params.shape[2:]
    )


def _np_clipped_rows(clip):
    def reference(rows):
        norm = np.sqrt(np.sum(rows * rows, axis=-1, keepdims=True))
        return rows * clip / np.maximum(norm, clip)

    return reference


ROWS = [
    # ---------------------------------------------------------------- constants and shapes
    OpRow("Const", lambda: tf.constant([[1.5, 2.0, 3.0]]), [],
          lambda: np.array([[1.5, 2.0, 3.0]], dtype=np.float32), grad=False),
    OpRow("PlaceholderWithDefault", lambda x: tf.placeholder_with_default(x, [3, 4]), [(3, 4)],
          _identity),
    OpRow("Identity", tf.identity, [(3, 4)], _identity),
    OpRow("StopGradient", tf.stop_gradient, [(3, 4)], _identity, grad=False),
    OpRow("Shape", tf.shape, [(3, 4)], lambda x: np.array(x.shape, dtype=np.int32), grad=False),
    OpRow("Rank", tf.rank, [(2, 3, 4)], lambda x: np.int32(x.ndim), grad=False),
    OpRow("Size", tf.size, [(3, 4)], lambda x: np.int32(x.size), grad=False),
    # ---------------------------------------------------------------- Reshape / Transpose
    OpRow("Reshape", lambda x: tf.reshape(x, [4, 3]), [(3, 4)], lambda x: x.reshape(4, 3)),
    OpRow("Reshape", lambda x: tf.reshape(x, [2, -1]), [(2, 3, 4)],
          lambda x: x.reshape(2, -1), label="infer"),
    OpRow("Reshape", lambda x: tf.reshape(x, [-1]), [(3, 4)], lambda x: x.reshape(-1),
          label="flatten"),
    OpRow("Transpose", tf.transpose, [(3, 4)], np.transpose),
    OpRow("Transpose", lambda x: tf.transpose(x, [1, 2, 0]), [(2, 3, 4)],
          lambda x: np.transpose(x, [1, 2, 0]), label="perm"),
    # ---------------------------------------------------------------- Fill, ZerosLike, OnesLike
    OpRow("Fill", lambda v: tf.fill([3, 4], v), [()], lambda v: np.full((3, 4), v)),
    OpRow("Fill", lambda x: tf.zeros(tf.shape(x)), [(3, 4)],
          lambda x: np.zeros(x.shape, np.float32), grad=False, label="zeros_from_shape"),
    OpRow("Fill", lambda x: tf.ones(tf.shape(x), dtype="int32"), [(3, 4)],
          lambda x: np.ones(x.shape, np.int32), grad=False, label="ones_from_shape"),
    OpRow("Fill", lambda x: x + tf.zeros([40, 30], dtype=tf.float64), [(40, 30)],
          lambda x: x, label="zeros_large"),
    OpRow("ZerosLike", tf.zeros_like, [(3, 4)], np.zeros_like, grad=False),
    OpRow("OnesLike", tf.ones_like, [(3, 4)], np.ones_like, grad=False),
    OpRow("BroadcastTo", lambda x: tf.broadcast_to(x, [3, 4]), [(4,)],
          lambda x: np.broadcast_to(x, (3, 4)), broadcasts=[[(3, 1)], [()], [(1, 4)]]),
    # ---------------------------------------------------------------- Pack / Unpack
    OpRow("Pack", lambda a, b: tf.stack([a, b]), [(3, 4), (3, 4)],
          lambda a, b: np.stack([a, b])),
    OpRow("Pack", lambda a, b: tf.stack([a, b], axis=-1), [(3, 4), (3, 4)],
          lambda a, b: np.stack([a, b], axis=-1), label="axis-1"),
    OpRow("Unpack", lambda x: tf.unstack(x, num=3), [(3, 4)], lambda x: list(x)),
    OpRow("Unpack", lambda x: tf.unstack(x, axis=1), [(3, 4)], lambda x: list(x.T),
          unknown_shapes=False, label="axis1"),
    # ---------------------------------------------------------------- StridedSlice (x[...])
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
    # ---------------------------------------------------------------- GatherV2 (and embeddings)
    OpRow("GatherV2", tf.gather, [(4, 5), ROWS_INDEX], lambda p, i: p[i]),
    OpRow("GatherV2", lambda p, i: tf.gather(p, i, axis=1), [(2, 4, 3), ROWS_INDEX],
          _np_gather_axis1, label="axis1"),
    OpRow("GatherV2", lambda p, i: tf.gather(p, i, axis=-1), [(3, 4), Arg((5,), 0, 3, np.int64)],
          lambda p, i: p[:, i], label="axis-1_int64"),
    OpRow("GatherV2", tf.nn.embedding_lookup, [(4, 3), Arg((6,), 0, 3, np.int32)],
          lambda p, i: p[i], label="embedding_lookup"),
    OpRow("GatherV2", lambda p, i: tf.nn.embedding_lookup([p], i, max_norm=1.0),
          [Arg((4, 3), 0.5, 2.0), Arg((2, 2), 0, 3, np.int32)],
          lambda p, i: _np_clipped_rows(1.0)(p[i]), label="embedding_lookup_max_norm"),
]
