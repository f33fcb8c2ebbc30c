"""`tf.random`: TF1's random ops under their short names (`tf.random.normal`), re-exports only.

The ops, their seeds and TensorFlow's Philox streams are in `ops/random_ops.py`; see
docs/random.md.

Example:
    >>> import minigraph as tf
    >>> tf.random.normal is tf.random_normal
    True
"""

from minigraph.graph import set_random_seed as set_random_seed
from minigraph.ops.random_ops import categorical as categorical
from minigraph.ops.random_ops import get_seed as get_seed
from minigraph.ops.random_ops import multinomial as multinomial
from minigraph.ops.random_ops import random_normal as normal
from minigraph.ops.random_ops import random_shuffle as shuffle
from minigraph.ops.random_ops import random_uniform as uniform
from minigraph.ops.random_ops import truncated_normal as truncated_normal
from minigraph.tf1_names import module_getattr as _module_getattr

__all__ = [
    "categorical", "get_seed", "multinomial", "normal", "set_random_seed", "shuffle",
    "truncated_normal", "uniform",
]

__getattr__ = _module_getattr(__name__)
