"""Op-table rows for the fused optimizer updates of minigraph/ops/training_ops.py."""

import numpy as np

import minigraph as tf
from minigraph.ops import training_ops
from op_table import OpRow

VAR = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
M = np.linspace(0.5, -0.5, 12).reshape(3, 4)
V = np.linspace(0.1, 2.0, 12).reshape(3, 4)
HYPER = (0.9**3, 0.999**3, 0.01, 0.9, 0.999, 1e-8)  # beta powers, lr, beta1, beta2, epsilon


def _apply_adam(grad):
    """One ApplyAdam step on freshly initialized variables (initializers run first)."""
    var, m, v = (tf.Variable(x, name=n) for x, n in ((VAR, "var"), (M, "m"), (V, "v")))
    scalars = [tf.constant(x, grad.dtype) for x in HYPER]
    with tf.control_dependencies([var.initializer, m.initializer, v.initializer]):
        return training_ops.apply_adam(var, m, v, *scalars, grad)


def _np_apply_adam(grad):
    beta1_power, beta2_power, lr, beta1, beta2, epsilon = HYPER
    lr_t = lr * np.sqrt(1 - beta2_power) / (1 - beta1_power)
    m = beta1 * M + (1 - beta1) * grad
    v = beta2 * V + (1 - beta2) * grad * grad
    return VAR - lr_t * m / (np.sqrt(v) + epsilon)


ROWS = [
    OpRow("ApplyAdam", _apply_adam, [(3, 4)], _np_apply_adam, grad=False),
]
