"""Initializers: objects that make a variable's initial value, TF1's `tf.*_initializer`.

An initializer is called as `initializer(shape, dtype=None, partition_info=None)` and returns a
*tensor* (graph ops, usually a random op), which `tf.get_variable` wraps in the variable's
initializer. Being graph ops, the numbers follow TF1's seeding rules (`tf.set_random_seed` plus
the initializer's `seed`), so a seeded program initializes identically on every run.

The variance-scaling family (Glorot/Xavier, He) picks the spread from the layer's fans:
`fan_in` and `fan_out` are the last two dimensions of the shape (times the receptive field, the
product of the leading dimensions, for convolution kernels), and the variance is
`scale / fan` (`fan_in`, `fan_out`, or their average). Its "truncated_normal" distribution cuts
the normal at two standard deviations, which shrinks the spread; TF1 divides the stddev by
0.87962566103423978 (the stddev of a unit normal truncated at +-2) to undo that, and so does
minigraph.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from minigraph import dtypes, shapes
from minigraph.ops import array_ops, random_ops

# scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.): the stddev of N(0, 1) cut at +-2.
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def _as_dims(shape) -> list:
    dims = shapes.as_shape(shape)
    if not dims.is_fully_defined():
        raise ValueError(f"An initializer needs a fully defined shape, got {dims}.")
    return dims.as_list()


def _float_dtype(dtype, who: str) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"{who} needs a floating-point dtype, got {dtype.name}.")
    return dtype


class Initializer:
    """Base class: `initializer(shape, dtype=None, partition_info=None) -> Tensor`."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments, so `type(init)(**init.get_config())` is a copy."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """The initializer `cls(**config)`: the inverse of `get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """Initializes to 0.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.zeros_initializer()([2, 3]))
        Tensor("zeros:0", shape=(2, 3), dtype=float32)
    """

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.zeros(_as_dims(shape), dtype or self.dtype)

    def get_config(self) -> dict:
        """The constructor arguments (`dtype` by name)."""
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Initializes to 1.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.ones_initializer()([3]))
        Tensor("ones:0", shape=(3,), dtype=float32)
    """

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.ones(_as_dims(shape), dtype or self.dtype)

    def get_config(self) -> dict:
        """The constructor arguments (`dtype` by name)."""
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """Initializes to `value`: its values in order, the last one repeated to fill the shape (a
    scalar fills it all), as TF1 does; more values than the shape holds are a ValueError.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.constant_initializer(0.1)([2])))
        [0.1 0.1]
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape: bool = False):
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self.verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        verify = self.verify_shape if verify_shape is None else verify_shape
        return array_ops.constant(
            self.value, dtype=dtype or self.dtype, shape=_as_dims(shape), verify_shape=verify
        )

    def get_config(self) -> dict:
        """The constructor arguments (an array `value` as a list)."""
        value = self.value.tolist() if isinstance(self.value, np.ndarray) else self.value
        return {"value": value, "dtype": self.dtype.name, "verify_shape": self.verify_shape}


class RandomUniform(Initializer):
    """Samples uniformly from `[minval, maxval)` (default `[0, 1)`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.random_uniform_initializer(-1.0, 1.0, seed=1)([2, 2]).shape)
        (2, 2)
    """

    def __init__(self, minval=0, maxval=None, seed: Optional[int] = None,
                 dtype=dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(
            _as_dims(shape), self.minval, self.maxval, dtype or self.dtype, seed=self.seed
        )

    def get_config(self) -> dict:
        """The constructor arguments."""
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class _Normal(Initializer):
    """What RandomNormal and TruncatedNormal share: `mean`, `stddev`, `seed`, a float dtype;
    `_sample` is the random op's builder, `_who` the TF1 name used in errors."""

    _sample = None
    _who = ""

    def __init__(self, mean=0.0, stddev=1.0, seed: Optional[int] = None,
                 dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _float_dtype(dtype, self._who)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype, self._who)
        return self._sample(_as_dims(shape), self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self) -> dict:
        """The constructor arguments, so `type(init)(**init.get_config())` is a copy."""
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(_Normal):
    """Samples from a normal distribution `N(mean, stddev^2)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.random_normal_initializer(stddev=0.01, seed=1)([3, 2]).shape)
        (3, 2)
    """

    _sample = staticmethod(random_ops.random_normal)
    _who = "random_normal_initializer"


class TruncatedNormal(_Normal):
    """Samples from `N(mean, stddev^2)` cut at two standard deviations (redrawn beyond).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.truncated_normal_initializer(stddev=0.1, seed=1)([4]).shape)
        (4,)
    """

    _sample = staticmethod(random_ops.truncated_normal)
    _who = "truncated_normal_initializer"


def compute_fans(shape) -> tuple:
    """(fan_in, fan_out) of a weight shape, TF1's rule: the last two dimensions, times the
    product of the leading ones (the receptive field of a convolution kernel).

    Example:
        >>> compute_fans([3, 3, 16, 32])
        (144, 288)
    """
    dims = [int(d) for d in shape]
    if len(dims) < 1:
        return 1, 1
    if len(dims) == 1:
        return dims[0], dims[0]
    if len(dims) == 2:
        return dims[0], dims[1]
    receptive_field = int(np.prod(dims[:-2]))
    return dims[-2] * receptive_field, dims[-1] * receptive_field


class VarianceScaling(Initializer):
    """Samples with variance `scale / n`, `n` being fan_in, fan_out or their average.

    `distribution` is "truncated_normal" (TF1's default; "normal" means the same, as in TF1),
    "untruncated_normal" or "uniform" (in `[-limit, limit]`, `limit = sqrt(3 * scale / n)`).
    He initialization is `VarianceScaling(2.0, "fan_in")`; Glorot/Xavier is
    `VarianceScaling(1.0, "fan_avg", "uniform")`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     he = tf.variance_scaling_initializer(scale=2.0, seed=1)
        ...     print(he([784, 100]).shape)
        (784, 100)
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: Optional[int] = None,
                 dtype=dtypes.float32):
        if scale <= 0.0:
            raise ValueError(f"`scale` must be a positive float, got {scale}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r} (fan_in, fan_out or fan_avg).")
        distribution = distribution.lower()
        if distribution not in ("normal", "uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r} (truncated_normal, "
                "untruncated_normal, normal or uniform)."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _float_dtype(dtype, "variance_scaling_initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _as_dims(shape)
        dtype = _float_dtype(dtype or self.dtype, "variance_scaling_initializer")
        fan_in, fan_out = compute_fans(dims)
        if self.mode == "fan_in":
            n = max(1.0, fan_in)
        elif self.mode == "fan_out":
            n = max(1.0, fan_out)
        else:
            n = max(1.0, (fan_in + fan_out) / 2.0)
        variance = self.scale / n
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV
            return random_ops.truncated_normal(dims, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(dims, 0.0, math.sqrt(variance), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return random_ops.random_uniform(dims, -limit, limit, dtype, seed=self.seed)

    def get_config(self) -> dict:
        """The constructor arguments."""
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Glorot/Xavier uniform: `U(-limit, limit)`, `limit = sqrt(6 / (fan_in + fan_out))`.

    The default initializer of `tf.get_variable` for floating-point variables.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.glorot_uniform_initializer(seed=1)([25, 12]).shape)
        (25, 12)
    """

    def __init__(self, seed: Optional[int] = None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self) -> dict:
        """The constructor arguments (scale, mode and distribution are fixed)."""
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Glorot/Xavier normal: truncated normal with stddev `sqrt(2 / (fan_in + fan_out))`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.glorot_normal_initializer(seed=1)([25, 12]).shape)
        (25, 12)
    """

    def __init__(self, seed: Optional[int] = None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self) -> dict:
        """The constructor arguments (scale, mode and distribution are fixed)."""
        return {"seed": self.seed, "dtype": self.dtype.name}


# TF1's lower-case names for the classes.
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal


def he_normal(seed: Optional[int] = None) -> VarianceScaling:
    """He initialization for ReLU layers: truncated normal with variance `2 / fan_in`."""
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed: Optional[int] = None) -> VarianceScaling:
    """He initialization, uniform: `U(-sqrt(6 / fan_in), sqrt(6 / fan_in))`."""
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed: Optional[int] = None) -> VarianceScaling:
    """LeCun initialization: truncated normal with variance `1 / fan_in`."""
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed: Optional[int] = None) -> VarianceScaling:
    """LeCun initialization, uniform: `U(-sqrt(3 / fan_in), sqrt(3 / fan_in))`."""
    return VarianceScaling(1.0, "fan_in", "uniform", seed)
