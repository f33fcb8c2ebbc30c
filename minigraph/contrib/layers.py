"""`tf.contrib.layers`: the pieces of TF1's contrib layers that tutorials reach for.

TF1 tutorials reach into `tf.contrib` for a few things that later became core API
(`tf.contrib.layers.xavier_initializer(seed=1)`). minigraph keeps them in this package, as thin
wrappers over the core modules, so the rest of the library never depends on them; the import
paths TF1 code uses (`from tensorflow.contrib.layers import xavier_initializer`) work too.

Note that contrib's `variance_scaling_initializer` is *not* the core one: its defaults are He
initialization (`factor=2.0, mode="FAN_IN"`), its modes are upper-case, and its normal
distribution is a truncated normal with variance `1.3 * factor / n` (contrib's own correction
for the truncation, kept here for fidelity).
"""

from __future__ import annotations

import math
from typing import Optional

from minigraph import dtypes, init_ops
from minigraph.ops import random_ops
from minigraph.tf1_names import module_getattr as _module_getattr


def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN",
                                 uniform: bool = False, seed: Optional[int] = None,
                                 dtype=dtypes.float32):
    """TF1 contrib's He/Xavier initializer: variance `factor / n`, n from `mode`.

    Args:
        factor: the variance multiplier (2.0: He et al. for ReLU networks).
        mode: "FAN_IN", "FAN_OUT" or "FAN_AVG".
        uniform: uniform in `[-sqrt(3 factor / n), sqrt(3 factor / n)]` if True, else a
            truncated normal with stddev `sqrt(1.3 factor / n)`.
        seed: the op seed of the random op.
        dtype: a floating-point dtype.

    Returns:
        A function `(shape, dtype=dtype, partition_info=None) -> Tensor`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     he = tf.contrib.layers.variance_scaling_initializer(seed=1)
        ...     print(tf.get_variable("W", [4, 3], initializer=he))
        <tf.Variable 'W:0' shape=(4, 3) dtype=float32_ref>
    """
    default_dtype = dtypes.as_dtype(dtype)
    if not default_dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_AVG, FAN_OUT]")

    def _initializer(shape, dtype=default_dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        dims = init_ops._as_dims(shape)
        # contrib's fans are the core rule (a vector's are both its length, a scalar's 1).
        fan_in, fan_out = init_ops.compute_fans(dims)
        if mode == "FAN_IN":
            n = fan_in
        elif mode == "FAN_OUT":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(dims, -limit, limit, dtype, seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return random_ops.truncated_normal(dims, 0.0, stddev, dtype, seed=seed)

    return _initializer


def xavier_initializer(uniform: bool = True, seed: Optional[int] = None,
                       dtype=dtypes.float32):
    """Glorot/Xavier initialization as in TF1's `tf.contrib.layers.xavier_initializer`.

    The uniform version is `U(-sqrt(6 / (fan_in + fan_out)), +...)`, the same numbers as
    `tf.glorot_uniform_initializer`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     init = tf.contrib.layers.xavier_initializer(seed=1)
        ...     print(tf.get_variable("W1", [25, 12288], initializer=init))
        <tf.Variable 'W1:0' shape=(25, 12288) dtype=float32_ref>
    """
    return variance_scaling_initializer(
        factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype
    )


xavier_initializer_conv2d = xavier_initializer

__getattr__ = _module_getattr(__name__)
