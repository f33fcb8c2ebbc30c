"""Op-table rows for the core ops (array_ops, math_ops, state-free ops of issue 2)."""

import numpy as np

import minigraph as tf
from op_table import BINARY_BROADCASTS, OpRow

ROWS = [
    OpRow("Add", tf.add, [(3, 4), (3, 4)], np.add, broadcasts=BINARY_BROADCASTS),
    OpRow("Mul", tf.multiply, [(3, 4), (3, 4)], np.multiply, broadcasts=BINARY_BROADCASTS),
    OpRow("Exp", tf.exp, [(3, 4)], np.exp),
    OpRow("Log", tf.log, [(3, 4)], np.log, low=0.5, high=3.0),
    OpRow("MatMul", tf.matmul, [(3, 4), (4, 5)], np.matmul),
]
