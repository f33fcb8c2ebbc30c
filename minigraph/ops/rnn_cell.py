"""`tf.nn.rnn_cell`: the RNN cells (re-exports only; they live in `ops/rnn_cell_impl.py`)."""

from minigraph.ops.rnn_cell_impl import BasicLSTMCell as BasicLSTMCell
from minigraph.ops.rnn_cell_impl import BasicRNNCell as BasicRNNCell
from minigraph.ops.rnn_cell_impl import DeviceWrapper as DeviceWrapper
from minigraph.ops.rnn_cell_impl import DropoutWrapper as DropoutWrapper
from minigraph.ops.rnn_cell_impl import GRUCell as GRUCell
from minigraph.ops.rnn_cell_impl import LSTMCell as LSTMCell
from minigraph.ops.rnn_cell_impl import LSTMStateTuple as LSTMStateTuple
from minigraph.ops.rnn_cell_impl import MultiRNNCell as MultiRNNCell
from minigraph.ops.rnn_cell_impl import ResidualWrapper as ResidualWrapper
from minigraph.ops.rnn_cell_impl import RNNCell as RNNCell
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
