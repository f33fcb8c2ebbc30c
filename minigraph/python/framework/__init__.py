"""`from tensorflow.python.framework import ops` becomes `from minigraph.python.framework import
ops`; the module holds the graph-level functions TF1 notebooks call through it."""

from minigraph.python.framework import ops as ops
