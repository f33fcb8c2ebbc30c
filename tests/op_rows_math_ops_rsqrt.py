"""Op-table rows for `Rsqrt` and its gradient op `RsqrtGrad` (minigraph/ops/math_ops.py).

Rsqrt's inputs stay in [0.5, 2], away from its pole at 0. RsqrtGrad(y, dy) = -0.5 * dy * y^3
is checked with respect to both inputs, which is what its own gradient (second derivatives of
rsqrt) needs.
"""

import numpy as np

import minigraph as tf
from minigraph.ops import math_ops
from op_table import OpRow

ROWS = [
    OpRow("Rsqrt", tf.rsqrt, [(3, 4)], lambda x: 1.0 / np.sqrt(x), low=0.5, high=2.0),
    OpRow("Rsqrt", tf.math.rsqrt, [(5,)], lambda x: 1.0 / np.sqrt(x), low=0.5, high=2.0,
          label="math"),
    OpRow("RsqrtGrad", math_ops.rsqrt_grad, [(3, 4), (3, 4)],
          lambda y, dy: -0.5 * dy * y ** 3),
]
