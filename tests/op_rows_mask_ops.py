"""Op-table rows for minigraph/ops/mask_ops.py: `boolean_mask` (its last op is a `GatherV2`)
and `sequence_mask` (a `Less`), checked against numpy's boolean indexing and comparison.

The masks are fixed arrays fed like any input (in the unknown-shape mode, with unknown dims
and known rank, which `boolean_mask` needs); the gradient rows check d output / d tensor, the
gradient of the gather scattered back to the kept places.
"""

import numpy as np

import minigraph as tf
from op_table import OpRow

ROW_MASK = np.array([True, False, True])
MASK_34 = np.array([[True, False, False, True], [False, True, True, True],
                    [False, False, False, True]])
LENGTHS = np.array([[1, 4], [0, 2], [3, 3]], np.int32)

ROWS = [
    OpRow("GatherV2", tf.boolean_mask, [(3, 4), ROW_MASK], lambda x, m: x[m],
          static_shape_known=False, label="boolean_mask"),
    OpRow("GatherV2", tf.boolean_mask, [(3, 4), MASK_34], lambda x, m: x[m],
          static_shape_known=False, label="boolean_mask_2d"),
    OpRow("GatherV2", lambda x, m: tf.boolean_mask(x, m, axis=1), [(2, 3, 4), ROW_MASK],
          lambda x, m: x[:, m], static_shape_known=False, label="boolean_mask_axis1"),
    OpRow("Less", lambda n: tf.sequence_mask(n, 5), [LENGTHS],
          lambda n: np.arange(5) < n[..., None], grad=False, label="sequence_mask"),
    OpRow("Less", lambda n: tf.sequence_mask(n, dtype=tf.float64), [LENGTHS],
          lambda n: (np.arange(n.max()) < n[..., None]).astype(np.float64), grad=False,
          static_shape_known=False, label="sequence_mask_float64"),
]
