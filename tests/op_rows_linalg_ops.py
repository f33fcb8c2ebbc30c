"""Op-table rows for `tf.matrix_determinant` and `tf.matrix_inverse` (plain, adjoint,
batched). Read with `tests/op_table.py`.

The inputs are shifted by 3 I so the random matrices are well conditioned; the references use
`slogdet` and `solve`, not the `det` and `inv` the kernels call.
"""

import numpy as np

import minigraph as tf
from op_table import OpRow

SHIFT = 3.0 * np.eye(3)


def _np_det(a):
    sign, logdet = np.linalg.slogdet(a + SHIFT)
    return sign * np.exp(logdet)


def _np_inv(a, adjoint=False):
    m = a + SHIFT
    if adjoint:
        m = np.swapaxes(m, -1, -2)
    eye = np.broadcast_to(np.eye(3), m.shape)
    return np.linalg.solve(m, eye)


ROWS = [
    OpRow("MatrixDeterminant", lambda a: tf.matrix_determinant(a + SHIFT), [(3, 3)], _np_det),
    OpRow("MatrixDeterminant", lambda a: tf.matrix_determinant(a + SHIFT), [(2, 4, 3, 3)],
          _np_det, label="batch"),
    OpRow("MatrixInverse", lambda a: tf.matrix_inverse(a + SHIFT), [(3, 3)], _np_inv),
    OpRow("MatrixInverse", lambda a: tf.matrix_inverse(a + SHIFT, adjoint=True), [(2, 3, 3)],
          lambda a: _np_inv(a, adjoint=True), label="adjoint_batch"),
]
