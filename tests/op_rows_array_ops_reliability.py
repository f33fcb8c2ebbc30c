"""Op-table rows for minigraph/ops/array_ops.py: a transpose whose perm is computed while the
graph runs (a second input instead of an attribute), and InvertPermutation, its gradient's
helper. Read with `tests/op_table.py`."""

import numpy as np

import minigraph as tf
from minigraph.ops import array_ops
from op_table import Arg, OpRow

PERM = np.array([2, 0, 1], dtype=np.int32)

ROWS = [
    OpRow("Transpose", tf.transpose, [(2, 3, 4), Arg((3,), dtype=np.int32, value=PERM)],
          lambda x, perm: np.transpose(x, perm), label="run-time-perm", unknown_shapes=True,
          static_shape_known=False),
    OpRow("InvertPermutation", array_ops.invert_permutation,
          [Arg((4,), dtype=np.int32, value=np.array([3, 0, 2, 1], dtype=np.int32))],
          lambda x: np.argsort(x).astype(np.int32), grad=False),
]
