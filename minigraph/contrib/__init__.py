"""`tf.contrib`: the TF1-only modules that tutorials use, each a thin layer over core minigraph.

Example:
    >>> import minigraph as tf
    >>> tf.contrib.layers.xavier_initializer is tf.contrib.layers.xavier_initializer_conv2d
    True
"""

from minigraph.contrib import layers as layers
from minigraph.contrib import seq2seq as seq2seq
