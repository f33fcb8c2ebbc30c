"""Op-table row for `ReluGrad` (minigraph/ops/nn_ops.py), the fused gradient of Relu.

The features are kept away from 0, where ReluGrad jumps, so central differences see its
gradient with respect to them: zero, as TF1's is.
"""

import numpy as np

from minigraph.ops import nn_ops
from op_table import OpRow

FEATURES = np.array([[-1.5, 0.5, 1.2, -0.7], [0.3, -2.0, 1.1, -0.4], [0.9, -0.6, -1.3, 1.7]])

ROWS = [
    OpRow("ReluGrad", nn_ops.relu_grad, [(3, 4), FEATURES],
          lambda gradients, features: np.where(features > 0, gradients, 0.0)),
]
