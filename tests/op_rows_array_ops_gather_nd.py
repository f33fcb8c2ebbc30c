"""Op-table rows for `GatherNd` and `ScatterNd` (minigraph/ops/array_ops.py), each the other's
gradient: forward against numpy's fancy indexing and `np.add.at`, static shapes, and float64
gradients (an index picked twice gets the sum of both gradients); `batch_dims` is a composite
of GatherNd, checked against a numpy loop over the batch."""

import numpy as np

import minigraph as tf
from op_table import OpRow

ENTRY_INDICES = np.array([[0, 1, 2], [1, 0, 3], [0, 1, 2]], np.int32)
SLICE_INDICES = np.array([[[1, 2]], [[0, 0]]], np.int64)
ROW_INDICES = np.array([[2], [0], [2], [1]], np.int32)


def _np_gather_nd(params, indices):
    m = indices.shape[-1]
    flat = indices.reshape(-1, m)
    picked = params[tuple(flat[:, j] for j in range(m))]
    return picked.reshape(indices.shape[:-1] + params.shape[m:])


BATCH_INDICES = np.array([[[0, 1], [2, 3], [0, 1]], [[2, 0], [0, 3], [1, 2]]], np.int32)


def _np_batch_gather_nd(params, indices):
    return np.stack([_np_gather_nd(p, i) for p, i in zip(params, indices)])


def _np_scatter_nd(indices, updates, shape):
    out = np.zeros(shape, updates.dtype)
    m = indices.shape[-1]
    flat = indices.reshape(-1, m)
    np.add.at(out, tuple(flat[:, j] for j in range(m)),
              updates.reshape((-1,) + tuple(shape[m:])))
    return out


ROWS = [
    OpRow("GatherNd", tf.gather_nd, [(2, 3, 4), ENTRY_INDICES], _np_gather_nd),
    OpRow("GatherNd", tf.gather_nd, [(2, 3, 4), SLICE_INDICES], _np_gather_nd,
          label="slices"),
    OpRow("GatherNd", tf.gather_nd, [(3, 4), ROW_INDICES], _np_gather_nd, label="rows"),
    OpRow("GatherNd", lambda p, i: tf.gather_nd(p, i, batch_dims=1), [(2, 3, 4), BATCH_INDICES],
          _np_batch_gather_nd, label="batch_dims"),
    OpRow("ScatterNd", lambda i, u: tf.scatter_nd(i, u, [3, 4]), [ROW_INDICES, (4, 4)],
          lambda i, u: _np_scatter_nd(i, u, (3, 4))),
    OpRow("ScatterNd", lambda i, u: tf.scatter_nd(i, u, [2, 3, 4]), [ENTRY_INDICES, (3,)],
          lambda i, u: _np_scatter_nd(i, u, (2, 3, 4)), label="entries"),
]
