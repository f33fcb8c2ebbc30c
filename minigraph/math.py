"""`tf.math`: TF1's math namespace, the same functions as their top-level spellings
(`tf.math.log is tf.log`), plus `tf.math.divide_no_nan` (`tf.div_no_nan`) and the softmaxes.

Example:
    >>> import minigraph as tf
    >>> tf.math.reduce_sum is tf.reduce_sum, tf.math.softmax is tf.nn.softmax
    (True, True)
"""

from minigraph.ops.math_ops import abs as abs  # noqa: A001
from minigraph.ops.math_ops import add as add
from minigraph.ops.math_ops import add_n as add_n
from minigraph.ops.math_ops import argmax as argmax
from minigraph.ops.math_ops import argmin as argmin
from minigraph.ops.math_ops import ceil as ceil
from minigraph.ops.math_ops import count_nonzero as count_nonzero
from minigraph.ops.math_ops import cumprod as cumprod
from minigraph.ops.math_ops import cumsum as cumsum
from minigraph.ops.math_ops import div_no_nan as divide_no_nan  # noqa: F401
from minigraph.ops.math_ops import divide as divide
from minigraph.ops.math_ops import equal as equal
from minigraph.ops.math_ops import exp as exp
from minigraph.ops.math_ops import expm1 as expm1
from minigraph.ops.math_ops import floor as floor
from minigraph.ops.math_ops import floordiv as floordiv
from minigraph.ops.math_ops import floormod as floormod
from minigraph.ops.math_ops import floormod as mod  # noqa: F401
from minigraph.ops.math_ops import greater as greater
from minigraph.ops.math_ops import greater_equal as greater_equal
from minigraph.ops.math_ops import is_finite as is_finite
from minigraph.ops.math_ops import is_inf as is_inf
from minigraph.ops.math_ops import is_nan as is_nan
from minigraph.ops.math_ops import less as less
from minigraph.ops.math_ops import less_equal as less_equal
from minigraph.ops.math_ops import log as log
from minigraph.ops.math_ops import log1p as log1p
from minigraph.ops.math_ops import logical_and as logical_and
from minigraph.ops.math_ops import logical_not as logical_not
from minigraph.ops.math_ops import logical_or as logical_or
from minigraph.ops.math_ops import logical_xor as logical_xor
from minigraph.ops.math_ops import maximum as maximum
from minigraph.ops.math_ops import minimum as minimum
from minigraph.ops.math_ops import multiply as multiply
from minigraph.ops.math_ops import negative as negative
from minigraph.ops.math_ops import not_equal as not_equal
from minigraph.ops.math_ops import pow as pow  # noqa: A001
from minigraph.ops.math_ops import reduce_all as reduce_all
from minigraph.ops.math_ops import reduce_any as reduce_any
from minigraph.ops.math_ops import reduce_logsumexp as reduce_logsumexp
from minigraph.ops.math_ops import reduce_max as reduce_max
from minigraph.ops.math_ops import reduce_mean as reduce_mean
from minigraph.ops.math_ops import reduce_min as reduce_min
from minigraph.ops.math_ops import reduce_prod as reduce_prod
from minigraph.ops.math_ops import reduce_sum as reduce_sum
from minigraph.ops.math_ops import round as round  # noqa: A001
from minigraph.ops.math_ops import rsqrt as rsqrt
from minigraph.ops.math_ops import sigmoid as sigmoid
from minigraph.ops.math_ops import sign as sign
from minigraph.ops.math_ops import sqrt as sqrt
from minigraph.ops.math_ops import square as square
from minigraph.ops.math_ops import squared_difference as squared_difference
from minigraph.ops.math_ops import subtract as subtract
from minigraph.ops.math_ops import tanh as tanh
from minigraph.ops.math_ops import truediv as truediv
from minigraph.ops.math_ops import unsorted_segment_sum as unsorted_segment_sum
from minigraph.ops.nn_impl import l2_normalize as l2_normalize
from minigraph.ops.nn_ops import in_top_k as in_top_k
from minigraph.ops.nn_ops import log_softmax as log_softmax
from minigraph.ops.nn_ops import softmax as softmax
from minigraph.ops.nn_ops import top_k as top_k
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
