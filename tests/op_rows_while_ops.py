"""Op-table rows for minigraph/ops/while_ops.py (read with `tests/op_table.py`).

`While` is checked through a three-iteration loop whose body uses a loop variable, a captured
tensor and a nonlinearity, and through the gradient of a loop whose derivative is known in
closed form (the gradient is a `While` too; its own gradient, a second derivative, is checked
against central differences by the same row). More gradient checks, with nested structures,
maximum_iterations and variables, are in `test_while_loop_gradients.py`.
"""

import numpy as np

import minigraph as tf
from op_table import OpRow


def _loop(x, y):
    def body(i, v):
        return i + 1, tf.tanh(v) * y + x

    return tf.while_loop(lambda i, v: i < 3, body, [0, x])[1]


def _loop_reference(x, y):
    v = x
    for _ in range(3):
        v = np.tanh(v) * y + x
    return v


def _power_grad(x, y):
    """d sum(x * y^3) / dx through a loop of three multiplications by y."""
    v = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * y), [0, x])[1]
    return tf.gradients(tf.reduce_sum(v), x)[0]


ROWS = [
    OpRow("While", _loop, [(3, 4), (3, 4)], _loop_reference),
    OpRow("While", _power_grad, [(3, 4), (3, 4)], lambda x, y: y ** 3, label="gradient"),
]
