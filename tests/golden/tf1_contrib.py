"""TF 1.15's `tf.contrib.layers` initializers, restated for TensorFlow 2's `tf.compat.v1`.

TensorFlow 2 has no `tf.contrib`; the golden scripts attach this module's namespace as
`tf.contrib` so that TF1 programs calling `tf.contrib.layers.xavier_initializer(seed=1)` run
under real TensorFlow. The two functions follow TF 1.15's
`tensorflow/contrib/layers/python/layers/initializers.py` step by step (the fans as floats,
`sqrt(3 * factor / n)` for the uniform limit, `sqrt(1.3 * factor / n)` for the truncated
normal) and draw with `tf.random_uniform` / `tf.truncated_normal`, whose kernels TF 2 still has
unchanged. Used only by the golden scripts in this folder, under `/work/peers/bin/python`.
"""

import math
import types


def make_contrib(tf):
    """A `tf.contrib` stand-in holding `layers.xavier_initializer` and
    `layers.variance_scaling_initializer`, drawing with the given `tf` (compat.v1) module."""

    def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                     dtype=tf.float32):
        def _initializer(shape, dtype=dtype, partition_info=None):
            if shape:
                fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
                fan_out = float(shape[-1])
            else:
                fan_in = 1.0
                fan_out = 1.0
            for dim in shape[:-2]:
                fan_in *= float(dim)
                fan_out *= float(dim)
            if mode == "FAN_IN":
                n = fan_in
            elif mode == "FAN_OUT":
                n = fan_out
            else:
                n = (fan_in + fan_out) / 2.0
            if uniform:
                limit = math.sqrt(3.0 * factor / n)
                return tf.random_uniform(shape, -limit, limit, dtype, seed=seed)
            trunc_stddev = math.sqrt(1.3 * factor / n)
            return tf.truncated_normal(shape, 0.0, trunc_stddev, dtype, seed=seed)

        return _initializer

    def xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
        return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform,
                                            seed=seed, dtype=dtype)

    layers = types.SimpleNamespace(
        xavier_initializer=xavier_initializer,
        variance_scaling_initializer=variance_scaling_initializer,
    )
    return types.SimpleNamespace(layers=layers)
