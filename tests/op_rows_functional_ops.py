"""Op-table rows for minigraph/ops/functional_ops.py: `map_fn`, `scan`, `foldl` and `foldr`,
each a `While` over TensorArrays (read with `tests/op_table.py`).

Each row is a loop whose function uses its element, a captured tensor and a nonlinearity, so
the table checks the forward values against numpy loops, the static shapes (with the length
known and unknown) and the gradients with respect to the elements and the captured tensor
against central differences in float64. Golden values from TF1 are in `test_tf1_apis.py`.
"""

import numpy as np

import minigraph as tf
from op_table import OpRow


def _map(x, w):
    return tf.map_fn(lambda row: tf.tanh(row * w) + row, x)


def _map_reference(x, w):
    return np.stack([np.tanh(row * w) + row for row in x])


def _map_pair(x, y):
    return tf.map_fn(lambda p: tf.reduce_sum(p[0] * tf.tanh(p[1])), (x, y), dtype=x.dtype)


def _map_pair_reference(x, y):
    return np.sum(x * np.tanh(y), axis=1)


def _scan(x, w):
    return tf.scan(lambda a, row: tf.tanh(a * w + row), x)


def _scan_reference(x, w):
    out = [x[0]]
    for row in x[1:]:
        out.append(np.tanh(out[-1] * w + row))
    return np.stack(out)


def _scan_reverse(x, w):
    return tf.scan(lambda a, row: a * row + w, x, initializer=w, reverse=True)


def _scan_reverse_reference(x, w):
    out, a = [], w
    for row in x[::-1]:
        a = a * row + w
        out.append(a)
    return np.stack(out[::-1])


def _foldl(x, w):
    return tf.foldl(lambda a, row: tf.sigmoid(a * row) + w, x)


def _foldl_reference(x, w):
    a = x[0]
    for row in x[1:]:
        a = 1.0 / (1.0 + np.exp(-a * row)) + w
    return a


def _foldr(x, w):
    return tf.foldr(lambda a, row: a * tf.tanh(row) + w, x, initializer=w)


def _foldr_reference(x, w):
    a = w
    for row in x[::-1]:
        a = a * np.tanh(row) + w
    return a


ROWS = [
    OpRow("While", _map, [(3, 4), (4,)], _map_reference, label="map_fn"),
    OpRow("While", _map_pair, [(3, 4), (3, 4)], _map_pair_reference, label="map_fn_pair"),
    OpRow("While", _scan, [(3, 4), (4,)], _scan_reference, label="scan"),
    OpRow("While", _scan_reverse, [(3, 4), (4,)], _scan_reverse_reference, label="scan_reverse"),
    OpRow("While", _foldl, [(3, 4), (4,)], _foldl_reference, label="foldl"),
    OpRow("While", _foldr, [(3, 4), (4,)], _foldr_reference, label="foldr"),
]
