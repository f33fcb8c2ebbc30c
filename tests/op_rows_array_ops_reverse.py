"""Op-table rows for `tf.reverse` (ReverseV2) and `tf.reverse_sequence` (ReverseSequence), the
reversals a bidirectional RNN reads its sequences with.

Read with `tests/op_table.py`. The references index entries one by one instead of calling
`np.flip` as the kernel does.
"""

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow

LENGTHS = np.array([3, 0, 4], dtype=np.int64)


def _np_reverse(x, axes):
    out = np.empty_like(x)
    for index in np.ndindex(*x.shape):
        source = tuple(x.shape[d] - 1 - i if d in axes else i for d, i in enumerate(index))
        out[index] = x[source]
    return out


def _np_reverse_sequence(x, lengths, seq_axis, batch_axis):
    out = np.empty_like(x)
    for index in np.ndindex(*x.shape):
        n = int(lengths[index[batch_axis]])
        source = list(index)
        if index[seq_axis] < n:
            source[seq_axis] = n - 1 - index[seq_axis]
        out[index] = x[tuple(source)]
    return out


ROWS = [
    OpRow("ReverseV2", lambda x: tf.reverse(x, axis=[1]), [(3, 4)],
          lambda x: _np_reverse(x, {1}), label="axis1"),
    OpRow("ReverseV2", lambda x: tf.reverse(x, axis=[0, -1]), [(2, 3, 4)],
          lambda x: _np_reverse(x, {0, 2}), label="axes0_last"),
    OpRow("ReverseV2", lambda x: tf.reverse(x, axis=[]), [(3, 2)], lambda x: x, label="none"),
    OpRow("ReverseV2", lambda x: tf.reverse(x, axis=[0]),
          [Arg((5,), 0, 9, np.int32)], lambda x: _np_reverse(x, {0}), grad=False, label="int"),
    OpRow("ReverseSequence",
          lambda x, n: tf.reverse_sequence(x, n, seq_axis=1, batch_axis=0),
          [(3, 4, 2), LENGTHS], lambda x, n: _np_reverse_sequence(x, n, 1, 0),
          label="batch_major"),
    OpRow("ReverseSequence",
          lambda x, n: tf.reverse_sequence(x, n, seq_axis=0, batch_axis=1),
          [(4, 3), LENGTHS], lambda x, n: _np_reverse_sequence(x, n, 0, 1), label="time_major"),
]
