"""`tf.linalg`: determinants, inverses and products under TF1's linear-algebra names
(`tf.linalg.det` is `tf.matrix_determinant`, `tf.linalg.inv` is `tf.matrix_inverse`,
`tf.linalg.tensor_diag` is `tf.diag`).

Note that TF1's `tf.linalg.diag` / `diag_part` / `transpose` are the *batched matrix*
versions (not `tf.diag` and `tf.transpose`); minigraph does not have those yet.

Example:
    >>> import minigraph as tf
    >>> tf.linalg.det is tf.matrix_determinant
    True
"""

from minigraph.ops.array_ops import diag as tensor_diag  # noqa: F401
from minigraph.ops.array_ops import diag_part as tensor_diag_part  # noqa: F401
from minigraph.ops.linalg_ops import matrix_determinant as det  # noqa: F401
from minigraph.ops.linalg_ops import matrix_inverse as inv  # noqa: F401
from minigraph.ops.math_ops import global_norm as global_norm
from minigraph.ops.math_ops import matmul as matmul
from minigraph.ops.math_ops import tensordot as tensordot
from minigraph.ops.nn_impl import l2_normalize as l2_normalize
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
