"""Op-table rows for minigraph/ops/tensor_array_ops.py (read with `tests/op_table.py`).

A TensorArray op never appears alone: each row builds an array, works on it and reads a tensor
back, so one build holds several of the ops; each row names the op it is there for. Sizes are
computed from the input so that the array is made in the input's graph. The
gradient rows go through TF1's gradient arrays (`TensorArrayGradV3`). Loops, errors and
element shapes are tested in `test_tensor_array.py`.
"""

import numpy as np

import minigraph as tf
from op_table import OpRow


def _write_read(x):
    ta = tf.TensorArray(tf.float64, size=tf.shape(x)[0] - 1).write(0, x).write(1, tf.tanh(x))
    return ta.read(1) * ta.read(0)


def _unstack_gather(x):
    return tf.TensorArray(tf.float64, size=tf.shape(x)[0]).unstack(x).gather([2, 0]) * 3.0


def _unstack_stack(x):
    return tf.TensorArray(tf.float64, size=tf.shape(x)[0]).unstack(x * x).stack()


def _split_concat(x):
    ta = tf.TensorArray(tf.float64, size=tf.shape(x)[0] - 1)
    return ta.split(tf.exp(x), [1, 2]).concat()


def _size(x):
    ta = tf.TensorArray(tf.float64, size=tf.shape(x)[0] * 0, dynamic_size=True)
    return ta.unstack(x).size()


def _grad_of_stack(x):
    y = tf.TensorArray(tf.float64, size=tf.shape(x)[0]).unstack(x).stack()
    return tf.gradients(tf.reduce_sum(tf.square(y)), x)[0]


ROWS = [
    OpRow("TensorArrayWriteV3", _write_read, [(3, 4)], lambda x: np.tanh(x) * x),
    OpRow("TensorArrayReadV3", _write_read, [(3, 4)], lambda x: np.tanh(x) * x),
    OpRow("TensorArrayScatterV3", _unstack_gather, [(3, 4)], lambda x: x[[2, 0]] * 3.0),
    OpRow("TensorArrayGatherV3", _unstack_gather, [(3, 4)], lambda x: x[[2, 0]] * 3.0),
    OpRow("TensorArrayV3", _unstack_stack, [(3, 4)], lambda x: x * x,
          static_shape_known=False),  # stack's first dimension is unknown, as in TF1
    OpRow("TensorArraySplitV3", _split_concat, [(3, 4)], np.exp, static_shape_known=False),
    OpRow("TensorArrayConcatV3", _split_concat, [(3, 4)], np.exp, static_shape_known=False),
    OpRow("TensorArraySizeV3", _size, [(3, 4)], lambda x: np.int32(3), grad=False),
    OpRow("TensorArrayGradV3", _grad_of_stack, [(3, 4)], lambda x: 2.0 * x, grad=False),
]
