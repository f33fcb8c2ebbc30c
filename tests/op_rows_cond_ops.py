"""Op-table rows for minigraph/ops/cond_ops.py (read with `tests/op_table.py`).

Each functional op has one row per branch, with inputs that make the predicate certain (so
the finite differences stay in the branch); second derivatives are checked in test_cond.py.
"""

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow


def _if(x, y):
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.tanh(x) * y, lambda: x - y * y)


def _case(x, y):
    total = tf.reduce_sum(x)
    return tf.case([(total < -1.0, lambda: x * y), (total > 100.0, lambda: x)],
                   default=lambda: tf.exp(x) + y)


ROWS = [
    OpRow("If", _if, [Arg((3, 4), 0.5, 2.0), (3, 4)], lambda x, y: np.tanh(x) * y,
          label="true_branch"),
    OpRow("If", _if, [Arg((3, 4), -2.0, -0.5), (3, 4)], lambda x, y: x - y * y,
          label="false_branch"),
    OpRow("Case", _case, [Arg((2, 3), -2.0, -0.5), (2, 3)], lambda x, y: x * y,
          label="first"),
    OpRow("Case", _case, [Arg((2, 3), 0.0, 1.0), (2, 3)], lambda x, y: np.exp(x) + y,
          label="default"),
]
