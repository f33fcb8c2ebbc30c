"""`tf.contrib`: the TF1-only modules that tutorials use, each a thin layer over core minigraph.

Example:
    >>> import minigraph as tf
    >>> tf.contrib.layers.xavier_initializer is tf.contrib.layers.xavier_initializer_conv2d
    True
"""

from minigraph.contrib import layers as layers
from minigraph.contrib import rnn as rnn
from minigraph.contrib import seq2seq as seq2seq
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
