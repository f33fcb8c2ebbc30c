"""`tf.random`: the random ops under their TF1 `tf.random` names (`tf.random.normal` is
`tf.random_normal`), and the seeds.

Example:
    >>> import minigraph as tf
    >>> tf.random.uniform is tf.random_uniform
    True
"""

from minigraph.graph import set_random_seed as set_random_seed
from minigraph.ops.random_ops import get_seed as get_seed
from minigraph.ops.random_ops import random_normal as normal  # noqa: F401
from minigraph.ops.random_ops import random_shuffle as shuffle  # noqa: F401
from minigraph.ops.random_ops import random_uniform as uniform  # noqa: F401
from minigraph.ops.random_ops import truncated_normal as truncated_normal
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
