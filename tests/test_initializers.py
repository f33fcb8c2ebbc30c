"""Initializers: TF1 defaults, distributions checked statistically on large samples, seeding."""

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigraph as tf
from minigraph import init_ops

TRUNC = 0.87962566103423978  # stddev of N(0, 1) truncated at +-2


def _value(initializer, shape, dtype=None):
    t = initializer(shape) if dtype is None else initializer(shape, dtype=dtype)
    with tf.Session() as sess:
        return t, sess.run(t)


def test_zeros_ones_constant():
    t, v = _value(tf.zeros_initializer(), [2, 3])
    assert t.dtype == tf.float32 and v.shape == (2, 3) and not v.any()
    t, v = _value(tf.ones_initializer(dtype=tf.int32), [4])
    assert t.dtype == tf.int32
    np.testing.assert_array_equal(v, np.ones(4, np.int32))
    t, v = _value(tf.constant_initializer(0.1), [2, 2])
    np.testing.assert_allclose(v, np.full((2, 2), 0.1, np.float32))
    t, v = _value(tf.constant_initializer([[1, 2], [3, 4]]), [2, 2], dtype="float64")
    assert v.dtype == np.float64
    np.testing.assert_array_equal(v, [[1, 2], [3, 4]])


def test_constant_initializer_wrong_size_raises():
    with pytest.raises(TypeError, match="shape"):
        tf.constant_initializer([1.0, 2.0, 3.0])([2, 2])


def test_zeros_initializer_accepts_class_and_string_dtype():
    t, v = _value(tf.zeros_initializer(), [3], dtype="float")
    assert t.dtype == tf.float32


def test_random_uniform_initializer_default_range():
    t, v = _value(tf.random_uniform_initializer(seed=1), [100000])
    assert v.min() >= 0.0 and v.max() < 1.0
    assert abs(v.mean() - 0.5) < 0.01


def test_random_normal_initializer():
    t, v = _value(tf.random_normal_initializer(mean=1.0, stddev=0.1, seed=1), [200, 500])
    assert abs(v.mean() - 1.0) < 0.002 and abs(v.std() - 0.1) < 0.002


def test_truncated_normal_initializer():
    t, v = _value(tf.truncated_normal_initializer(stddev=0.5, seed=1), [100000])
    assert np.abs(v).max() <= 1.0
    assert abs(v.std() - 0.5 * TRUNC) < 0.005


@pytest.mark.parametrize(
    "shape, fans",
    [([], (1, 1)), ([7], (7, 7)), ([30, 50], (30, 50)), ([3, 3, 16, 32], (144, 288))],
)
def test_compute_fans(shape, fans):
    assert init_ops.compute_fans(shape) == fans


def test_glorot_uniform_limit_and_variance():
    fan_in, fan_out = 300, 200
    t, v = _value(tf.glorot_uniform_initializer(seed=3), [fan_in, fan_out])
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    assert v.min() >= -limit and v.max() <= limit
    assert v.max() > 0.99 * limit and v.min() < -0.99 * limit
    assert abs(v.var() - 2.0 / (fan_in + fan_out)) < 0.03 * 2.0 / (fan_in + fan_out)


def test_glorot_normal_is_truncated_with_corrected_stddev():
    fan_in, fan_out = 300, 200
    t, v = _value(tf.glorot_normal_initializer(seed=4), [fan_in, fan_out])
    target_std = math.sqrt(2.0 / (fan_in + fan_out))
    # the correction makes the *truncated* sample have the target variance
    assert abs(v.std() - target_std) < 0.02 * target_std
    assert np.abs(v).max() <= 2.0 * target_std / TRUNC + 1e-7


@pytest.mark.parametrize("mode, n", [("fan_in", 400), ("fan_out", 250), ("fan_avg", 325)])
def test_variance_scaling_modes(mode, n):
    init = tf.variance_scaling_initializer(scale=2.0, mode=mode, seed=5)
    t, v = _value(init, [400, 250])
    assert abs(v.var() - 2.0 / n) < 0.03 * 2.0 / n


def test_variance_scaling_uniform_and_untruncated():
    t, v = _value(tf.variance_scaling_initializer(distribution="uniform", seed=6), [500, 200])
    limit = math.sqrt(3.0 / 500)
    assert v.min() >= -limit and v.max() <= limit
    assert abs(v.var() - 1.0 / 500) < 0.03 / 500
    t, v = _value(
        tf.variance_scaling_initializer(distribution="untruncated_normal", seed=6), [500, 200]
    )
    assert np.abs(v).max() > 2.5 * math.sqrt(1.0 / 500)  # not cut at 2 stddev
    assert abs(v.var() - 1.0 / 500) < 0.03 / 500


def test_variance_scaling_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        tf.variance_scaling_initializer(mode="fan_sideways")
    with pytest.raises(ValueError, match="distribution"):
        tf.variance_scaling_initializer(distribution="cauchy")
    with pytest.raises(ValueError, match="scale"):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(TypeError, match="floating"):
        tf.glorot_uniform_initializer()([2, 2], dtype=tf.int32)


def test_he_and_lecun_helpers():
    t, v = _value(tf.initializers.he_normal(seed=1), [800, 100])
    assert abs(v.var() - 2.0 / 800) < 0.03 * 2.0 / 800


def test_contrib_xavier_uniform_matches_glorot_uniform_numbers():
    a = tf.contrib.layers.xavier_initializer(seed=1)([25, 12])
    b = tf.glorot_uniform_initializer(seed=1)([25, 12])
    with tf.Session() as sess:
        va, vb = sess.run([a, b])
    np.testing.assert_allclose(va, vb, rtol=1e-6)
    limit = math.sqrt(6.0 / 37)
    assert np.abs(va).max() <= limit


def test_contrib_xavier_normal_and_he():
    # contrib draws a truncated normal with stddev parameter sqrt(1.3 factor / n); truncation
    # shrinks it by TRUNC, so the sample's variance is 1.3 * TRUNC^2 * factor / n ~ factor / n.
    t, v = _value(tf.contrib.layers.xavier_initializer(uniform=False, seed=2), [400, 400])
    assert abs(v.std() - math.sqrt(1.3 / 400) * TRUNC) < 0.02 * math.sqrt(1.0 / 400)
    t, v = _value(tf.contrib.layers.variance_scaling_initializer(seed=2), [400, 300])
    assert abs(v.std() - math.sqrt(2.6 / 400) * TRUNC) < 0.02 * math.sqrt(2.0 / 400)
    assert np.abs(v).max() <= 2 * math.sqrt(2.6 / 400) + 1e-6
    with pytest.raises(TypeError, match="non-floating"):
        tf.contrib.layers.xavier_initializer(dtype=tf.int32)


def test_initializer_config_round_trip():
    init = tf.variance_scaling_initializer(scale=3.0, mode="fan_out", seed=7)
    copy = type(init).from_config(init.get_config())
    assert copy.get_config() == init.get_config()
    assert "fan_out" in repr(init)


def test_seeded_initializers_repeat():
    def run():
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(1)
            w = tf.get_variable("W", [3, 4])
            v = tf.get_variable("V", [4], initializer=tf.random_normal_initializer())
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run([w, v])

    first, second = run(), run()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


_SCRIPT = textwrap.dedent(
    """
    import minigraph as tf
    W1 = tf.get_variable("W1", [25, 12], initializer=tf.contrib.layers.xavier_initializer(seed=1))
    b1 = tf.get_variable("b1", [25, 1], initializer=tf.zeros_initializer())
    W2 = tf.get_variable("W2", [3, 25], initializer=tf.variance_scaling_initializer(seed=2))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print(sess.run([W1, b1, W2]))
    """
)


@pytest.mark.slow
def test_seeded_initializers_repeat_across_processes():
    outputs = [
        subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                       check=True).stdout
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1] and "array" in outputs[0]
