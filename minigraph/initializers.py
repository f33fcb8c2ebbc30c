"""`tf.initializers`: TF1's initializer classes under their short names (`tf.initializers.zeros`).

Example:
    >>> import minigraph as tf
    >>> tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    True
"""

from minigraph.init_ops import Constant as constant
from minigraph.init_ops import GlorotNormal as glorot_normal
from minigraph.init_ops import GlorotUniform as glorot_uniform
from minigraph.init_ops import Ones as ones
from minigraph.init_ops import RandomNormal as random_normal
from minigraph.init_ops import RandomUniform as random_uniform
from minigraph.init_ops import TruncatedNormal as truncated_normal
from minigraph.init_ops import VarianceScaling as variance_scaling
from minigraph.init_ops import Zeros as zeros
from minigraph.init_ops import he_normal as he_normal
from minigraph.init_ops import he_uniform as he_uniform
from minigraph.init_ops import lecun_normal as lecun_normal
from minigraph.init_ops import lecun_uniform as lecun_uniform
from minigraph.tf1_names import module_getattr as _module_getattr

__all__ = [
    "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "lecun_normal",
    "lecun_uniform", "ones", "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling", "zeros",
]

__getattr__ = _module_getattr(__name__)
