"""`tf.debugging`: the assertions (`tf.debugging.assert_equal` is `tf.assert_equal`) and the
finiteness checks.

Example:
    >>> import minigraph as tf
    >>> tf.debugging.assert_rank is tf.assert_rank
    True
"""

from minigraph.ops.check_ops import Assert as Assert
from minigraph.ops.check_ops import assert_equal as assert_equal
from minigraph.ops.check_ops import assert_greater as assert_greater
from minigraph.ops.check_ops import assert_greater_equal as assert_greater_equal
from minigraph.ops.check_ops import assert_integer as assert_integer
from minigraph.ops.check_ops import assert_less as assert_less
from minigraph.ops.check_ops import assert_less_equal as assert_less_equal
from minigraph.ops.check_ops import assert_negative as assert_negative
from minigraph.ops.check_ops import assert_non_negative as assert_non_negative
from minigraph.ops.check_ops import assert_non_positive as assert_non_positive
from minigraph.ops.check_ops import assert_none_equal as assert_none_equal
from minigraph.ops.check_ops import assert_positive as assert_positive
from minigraph.ops.check_ops import assert_rank as assert_rank
from minigraph.ops.check_ops import assert_rank_at_least as assert_rank_at_least
from minigraph.ops.check_ops import assert_scalar as assert_scalar
from minigraph.ops.check_ops import assert_type as assert_type
from minigraph.ops.math_ops import is_finite as is_finite
from minigraph.ops.math_ops import is_inf as is_inf
from minigraph.ops.math_ops import is_nan as is_nan
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
