"""Op-table rows for the fused nn ops (minigraph/ops/nn_ops.py); see tests/op_table.py.

The composites of nn_impl.py (sigmoid cross-entropy, moments, dropout, ...) have no op type of
their own: tests/test_nn.py checks them, gradients included.
"""

import numpy as np

import minigraph as tf
from minigraph.tensor import apply_op
from op_table import Arg, OpRow


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


# Softmax cross-entropy expects each row of labels to be a distribution (TF1's contract, on
# which its `softmax - labels` gradient relies), so the rows feed softmax(raw) as the labels.
def _softmax_ce(logits, raw):
    return tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.nn.softmax(raw), logits=logits)


def _softmax_ce_np(logits, raw):
    labels = np.broadcast_to(_softmax(raw), np.broadcast(logits, raw).shape)
    return -np.sum(labels * _log_softmax(logits), axis=-1)


def _softmax_ce_both_outputs(logits, raw):
    """Both outputs of the raw op (loss, backprop), so backprop's own gradient is checked."""
    return apply_op("SoftmaxCrossEntropyWithLogits", [logits, tf.nn.softmax(raw)])


def _softmax_ce_both_np(logits, raw):
    labels = _softmax(raw)
    return [-np.sum(labels * _log_softmax(logits), axis=-1), _softmax(logits) - labels]


def _softmax_ce_dim0(logits, raw):
    return tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=tf.nn.softmax(raw, axis=0), logits=logits, dim=0
    )


def _softmax_ce_dim0_np(logits, raw):
    return -np.sum(_softmax(raw, axis=0) * _log_softmax(logits, axis=0), axis=0)


_FIXED_LABELS = np.array([[0.0, 1.0, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 1.0]])


def _softmax_ce_v1(logits):
    labels = tf.constant(_FIXED_LABELS, dtype=logits.dtype)
    return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def _softmax_ce_v1_np(logits):
    return -np.sum(_FIXED_LABELS * _log_softmax(logits), axis=-1)


def _sparse_ce(logits, labels):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def _sparse_ce_np(logits, labels):
    log_probs = _log_softmax(logits)
    return -np.take_along_axis(log_probs, labels[..., None].astype(np.intp), axis=-1)[..., 0]


def _sparse_ce_both_outputs(logits, labels):
    return apply_op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels])


def _sparse_ce_both_np(logits, labels):
    one_hot = np.eye(logits.shape[-1])[labels]
    return [_sparse_ce_np(logits, labels), _softmax(logits) - one_hot]


_CLASS_LABELS = Arg((3,), low=0, high=3, dtype=np.int32)

ROWS = [
    OpRow("Relu", tf.nn.relu, [(3, 4)], lambda x: np.maximum(x, 0)),
    OpRow("Relu6", tf.nn.relu6, [(3, 4)], lambda x: np.clip(x, 0, 6), low=-3.0, high=9.0),
    OpRow("LeakyRelu", tf.nn.leaky_relu, [(3, 4)], lambda x: np.where(x > 0, x, 0.2 * x)),
    OpRow(
        "LeakyRelu",
        lambda x: tf.nn.leaky_relu(x, alpha=0.01),
        [(2, 3, 4)],
        lambda x: np.where(x > 0, x, 0.01 * x),
        label="alpha",
    ),
    OpRow("Elu", tf.nn.elu, [(3, 4)], _elu),
    OpRow("Softmax", tf.nn.softmax, [(3, 4)], _softmax, low=-5.0, high=5.0),
    OpRow(
        "Softmax",
        lambda x: tf.nn.softmax(x, axis=0),
        [(3, 4)],
        lambda x: _softmax(x, axis=0),
        label="axis0",
    ),
    OpRow(
        "Softmax",
        lambda x: tf.nn.softmax(x, axis=1),
        [(2, 3, 4)],
        lambda x: _softmax(x, axis=1),
        label="rank3",
    ),
    OpRow("LogSoftmax", tf.nn.log_softmax, [(3, 4)], _log_softmax, low=-5.0, high=5.0),
    OpRow(
        "LogSoftmax",
        lambda x: tf.nn.log_softmax(x, axis=0),
        [(3, 4)],
        lambda x: _log_softmax(x, axis=0),
        label="axis0",
    ),
    OpRow(
        "SoftmaxCrossEntropyWithLogits",
        _softmax_ce,
        [(3, 4), (3, 4)],
        _softmax_ce_np,
        broadcasts=[[(3, 4), (4,)], [(3, 4), (1, 4)]],
        low=-4.0,
        high=4.0,
    ),
    OpRow(
        "SoftmaxCrossEntropyWithLogits",
        _softmax_ce_both_outputs,
        [(3, 4), (3, 4)],
        _softmax_ce_both_np,
        label="both_outputs",
    ),
    OpRow(
        "SoftmaxCrossEntropyWithLogits",
        _softmax_ce_dim0,
        [(4, 3), (4, 3)],
        _softmax_ce_dim0_np,
        label="dim0",
    ),
    OpRow("SoftmaxCrossEntropyWithLogits", _softmax_ce_v1, [(3, 4)], _softmax_ce_v1_np,
          label="v1"),
    OpRow("SparseSoftmaxCrossEntropyWithLogits", _sparse_ce, [(3, 4), _CLASS_LABELS],
          _sparse_ce_np),
    OpRow(
        "SparseSoftmaxCrossEntropyWithLogits",
        _sparse_ce_both_outputs,
        [(3, 4), _CLASS_LABELS],
        _sparse_ce_both_np,
        label="both_outputs",
    ),
]
