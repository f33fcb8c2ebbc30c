"""`from tensorflow.python.framework import tensor_shape` becomes `from
minigraph.python.framework import tensor_shape` (`TensorShape`, `Dimension`, `unknown_shape`).

Example:
    >>> from minigraph.python.framework import tensor_shape
    >>> tensor_shape.TensorShape([None, 3]).as_list()
    [None, 3]
"""

from minigraph.shapes import Dimension as Dimension
from minigraph.shapes import TensorShape as TensorShape
from minigraph.shapes import as_shape as as_shape
from minigraph.shapes import scalar as scalar
from minigraph.shapes import unknown_shape as unknown_shape
