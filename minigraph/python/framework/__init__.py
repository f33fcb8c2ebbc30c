"""`from tensorflow.python.framework import ops` becomes `from minigraph.python.framework import
ops`; the modules hold the functions TF1 notebooks call through these paths (`ops`, `dtypes`,
`tensor_shape`, `random_seed`)."""

from minigraph.python.framework import dtypes as dtypes
from minigraph.python.framework import ops as ops
from minigraph.python.framework import random_seed as random_seed
from minigraph.python.framework import tensor_shape as tensor_shape
