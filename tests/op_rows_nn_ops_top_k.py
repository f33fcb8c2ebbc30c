"""Op-table rows for `TopKV2` and `InTopKV2` (minigraph/ops/nn_ops.py).

The reference for top_k is a stable descending sort (`argsort` of the negated row: equal
entries keep their index order, as TF1's). The gradient rows check d values / d input, which
is the incoming gradient scattered to the picked entries; random inputs have no ties, where
the top k is not differentiable.
"""

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow

TIED = np.array([[2.0, 1.0, 2.0, 0.0, 2.0], [1.0, 1.0, 3.0, 1.0, 0.0], [4.0, 4.0, 4.0, 4.0, 4.0]])
PREDICTIONS = np.array([[0.1, 0.5, 0.5, 0.2], [0.9, 0.05, 0.03, 0.02], [0.3, 0.3, 0.3, 0.1]],
                       np.float32)


def _np_top_k(x, k):
    indices = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return [np.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)]


def _np_in_top_k(predictions, targets, k):
    picked = predictions[np.arange(len(targets)), targets]
    return np.sum(predictions > picked[:, None], axis=1) < k


ROWS = [
    OpRow("TopKV2", lambda x: tf.nn.top_k(x, 2).values, [(3, 5)], lambda x: _np_top_k(x, 2)[0]),
    OpRow("TopKV2", lambda x: tf.nn.top_k(x, 3).values, [(2, 3, 4)],
          lambda x: _np_top_k(x, 3)[0], label="rank3"),
    OpRow("TopKV2", lambda x: list(tf.nn.top_k(x, 3)), [TIED], lambda x: _np_top_k(x, 3),
          grad=False, label="ties"),
    OpRow("TopKV2", lambda x: list(tf.math.top_k(x, 4)), [Arg((3, 6), -9, 9, np.int32)],
          lambda x: _np_top_k(x, 4), grad=False, label="int32"),
    OpRow("InTopKV2", lambda p, t: tf.nn.in_top_k(p, t, 1), [PREDICTIONS,
                                                            np.array([1, 0, 2], np.int32)],
          lambda p, t: _np_in_top_k(p, t, 1), grad=False),
    OpRow("InTopKV2", lambda p, t: tf.nn.in_top_k(p, t, 2), [PREDICTIONS,
                                                            np.array([3, 1, 3], np.int64)],
          lambda p, t: _np_in_top_k(p, t, 2), grad=False, label="int64"),
]
