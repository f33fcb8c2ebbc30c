"""Op-table rows for the ops added by the TF1 conformance audit: gather (GatherV2) and its
gradient's scatter-add (UnsortedSegmentSum), reduce_any/reduce_all, squared_difference,
floor/ceil/round, and the composites built on them (embedding_lookup, count_nonzero,
clip_by_norm, global_norm, tf.losses.mean_squared_error).

Read with `tests/op_table.py`. Index inputs repeat values (so the gather gradient must add
duplicates up); the references are written with numpy independently of the kernels.
"""

import numpy as np

import minigraph as tf
from op_table import BINARY_BROADCASTS, Arg, OpRow

ROWS_INDEX = Arg((2, 3), 0, 3, np.int32)  # indices into an axis of size 4, with repeats
BOOLS = Arg((3, 4), dtype=np.bool_)
# Away from the .5 ties and integers where floor/ceil/round jump.
ROUNDABLE = np.array([[-2.7, -1.2, -0.3, 0.2], [0.7, 1.4, 2.6, 3.1], [-3.6, 4.4, 5.8, -4.1]])


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


def _np_gather_axis1(params, indices):
    return np.stack([params[:, i] for i in indices.reshape(-1)], axis=1).reshape(
        params.shape[:1] + indices.shape + params.shape[2:]
    )


ROWS = [
    # ---------------------------------------------------------------- GatherV2
    OpRow("GatherV2", tf.gather, [(4, 5), ROWS_INDEX], lambda p, i: p[i]),
    OpRow("GatherV2", lambda p, i: tf.gather(p, i, axis=1), [(2, 4, 3), ROWS_INDEX],
          _np_gather_axis1, label="axis1"),
    OpRow("GatherV2", lambda p, i: tf.gather(p, i, axis=-1), [(3, 4), Arg((5,), 0, 3, np.int64)],
          lambda p, i: p[:, i], label="axis-1_int64"),
    OpRow("GatherV2", tf.nn.embedding_lookup, [(4, 3), Arg((6,), 0, 3, np.int32)],
          lambda p, i: p[i], label="embedding_lookup"),
    OpRow("GatherV2", lambda p, i: tf.nn.embedding_lookup([p], i, max_norm=1.0),
          [Arg((4, 3), 0.5, 2.0), Arg((2, 2), 0, 3, np.int32)],
          lambda p, i: _np_clip_by_norm(1.0, axis=-1)(p[i]), label="embedding_lookup_max_norm"),
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
