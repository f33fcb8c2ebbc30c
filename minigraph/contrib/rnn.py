"""`tf.contrib.rnn`: TF1's contrib home of the RNN cells and the static RNN functions.

TF1 tutorials written before the cells moved to `tf.nn.rnn_cell` reach them here
(`from tensorflow.contrib import rnn; rnn.BasicLSTMCell(128); rnn.static_rnn(...)`). These are
the same classes and functions as `tf.nn.rnn_cell` and `tf.nn`, so variables, names and
results do not depend on which path a program takes.

Example:
    >>> import minigraph as tf
    >>> tf.contrib.rnn.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell
    True
"""

from __future__ import annotations

from minigraph.ops.rnn import _best_effort_input_batch_size, _transpose_batch_time
from minigraph.ops.rnn import static_bidirectional_rnn as static_bidirectional_rnn
from minigraph.ops.rnn import static_rnn as static_rnn
from minigraph.ops.rnn_cell_impl import BasicLSTMCell as BasicLSTMCell
from minigraph.ops.rnn_cell_impl import BasicRNNCell as BasicRNNCell
from minigraph.ops.rnn_cell_impl import DeviceWrapper as DeviceWrapper
from minigraph.ops.rnn_cell_impl import DropoutWrapper as DropoutWrapper
from minigraph.ops.rnn_cell_impl import GRUCell as GRUCell
from minigraph.ops.rnn_cell_impl import LayerRNNCell as LayerRNNCell
from minigraph.ops.rnn_cell_impl import LSTMCell as LSTMCell
from minigraph.ops.rnn_cell_impl import LSTMStateTuple as LSTMStateTuple
from minigraph.ops.rnn_cell_impl import MultiRNNCell as MultiRNNCell
from minigraph.ops.rnn_cell_impl import ResidualWrapper as ResidualWrapper
from minigraph.ops.rnn_cell_impl import RNNCell as RNNCell
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)

# TF1 exports the core rnn module's helper under this public name.
best_effort_input_batch_size = _best_effort_input_batch_size


def transpose_batch_time(x) -> Tensor:
    """Swaps the first two dimensions, `[batch, time, ...]` <-> `[time, batch, ...]`; a tensor
    of rank 0 or 1 is returned unchanged, as TF1 does.

    Args:
        x: a tensor of known rank.

    Returns:
        The transposed tensor, with the static shape swapped alike.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.contrib.rnn.transpose_batch_time(tf.zeros([4, 7, 3])).shape)
        (7, 4, 3)
    """
    x = convert_to_tensor(x)
    if x.shape.ndims is not None and x.shape.ndims < 2:
        return x
    return _transpose_batch_time(x)
