"""Op-table rows for `tf.nn.l2_normalize` (minigraph/ops/nn_impl.py), a composite of Square,
Sum, Maximum, Rsqrt and Mul: forward against numpy, static shapes, and float64 gradients."""

import numpy as np

import minigraph as tf
from op_table import OpRow


def _np_l2_normalize(x, axis=None, epsilon=1e-12):
    square_sum = np.sum(x * x, axis=axis, keepdims=True)
    return x / np.sqrt(np.maximum(square_sum, epsilon))


ROWS = [
    OpRow("Rsqrt", lambda x: tf.nn.l2_normalize(x, axis=1), [(3, 4)],
          lambda x: _np_l2_normalize(x, 1), label="l2_normalize"),
    OpRow("Rsqrt", tf.nn.l2_normalize, [(3, 4)], _np_l2_normalize, label="l2_normalize_all"),
    OpRow("Rsqrt", lambda x: tf.math.l2_normalize(x, dim=0, epsilon=4.0), [(3, 4)],
          lambda x: _np_l2_normalize(x, 0, 4.0), label="l2_normalize_epsilon"),
]
