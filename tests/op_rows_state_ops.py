"""Op-table rows for minigraph/ops/state_ops.py: reading and writing variables.

Read with `tests/op_table.py`. Each row makes its variable and runs the initializer first (by a
control dependency), so the row's output shows what the op read or wrote.
"""

import numpy as np

import minigraph as tf
from op_table import OpRow

INIT = np.arange(12.0).reshape(3, 4)


def _identity(x):
    return x


def _variable_read(x):
    """Reads a variable initialized from x (after its initializer, by a control dependency)."""
    v = tf.Variable(x, name="v")
    return tf.with_dependencies([v.initializer], v)


def _assign_add(x):
    v = tf.Variable(INIT, name="v")
    with tf.control_dependencies([v.initializer]):
        return tf.assign_add(v, x)


def _assign_sub(x):
    v = tf.Variable(INIT, name="v")
    with tf.control_dependencies([v.initializer]):
        return tf.assign_sub(v, x)


ROWS = [
    OpRow("VariableV2", _variable_read, [(3, 4)], _identity, grad=False),
    OpRow("Assign", lambda x: tf.assign(tf.Variable(np.zeros((3, 4)), name="v"), x), [(3, 4)],
          _identity, grad=False),
    OpRow("AssignAdd", _assign_add, [(3, 4)], lambda x: INIT + x, grad=False),
    OpRow("AssignSub", _assign_sub, [(3, 4)], lambda x: INIT - x, grad=False),
]
