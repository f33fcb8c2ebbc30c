"""Random ops: distributions, shapes, and TF1's seeding rules (graph seed + op seed)."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigraph as tf
from minigraph.ops import random_ops


def _run(t, n_runs=1):
    with tf.Session() as sess:
        return [sess.run(t) for _ in range(n_runs)]


# ---------------------------------------------------------------- distributions
def test_random_normal_mean_and_std():
    z = tf.random_normal([200, 500], mean=3.0, stddev=0.5, seed=1)
    assert z.shape.as_list() == [200, 500] and z.dtype == tf.float32
    (value,) = _run(z)
    assert value.dtype == np.float32 and value.shape == (200, 500)
    assert abs(value.mean() - 3.0) < 0.01
    assert abs(value.std() - 0.5) < 0.01


def test_random_normal_float64():
    (value,) = _run(tf.random_normal([1000], dtype=tf.float64, seed=2))
    assert value.dtype == np.float64


def test_truncated_normal_bounds_and_std():
    z = tf.truncated_normal([100000], mean=1.0, stddev=2.0, seed=3)
    (value,) = _run(z)
    assert value.min() >= 1.0 - 4.0 and value.max() <= 1.0 + 4.0
    # The standard deviation of N(0,1) truncated at +-2 is 0.87962566...
    assert abs(value.std() - 2.0 * 0.8796256610342398) < 0.02
    assert abs(value.mean() - 1.0) < 0.02
    # Values near the cut exist: it is truncated, not squashed.
    assert value.max() > 1.0 + 3.9


def test_random_uniform_range_and_moments():
    u = tf.random_uniform([100000], minval=-2.0, maxval=4.0, seed=4)
    (value,) = _run(u)
    assert value.min() >= -2.0 and value.max() < 4.0
    assert abs(value.mean() - 1.0) < 0.03
    assert abs(value.std() - 6.0 / np.sqrt(12.0)) < 0.03


def test_random_uniform_default_range():
    (value,) = _run(tf.random_uniform([1000], seed=5))
    assert value.min() >= 0.0 and value.max() < 1.0


def test_random_uniform_int():
    u = tf.random_uniform([10000], minval=3, maxval=7, dtype=tf.int32, seed=6)
    assert u.dtype == tf.int32
    (value,) = _run(u)
    assert value.dtype == np.int32
    assert set(np.unique(value).tolist()) == {3, 4, 5, 6}


def test_random_uniform_int_needs_maxval():
    with pytest.raises(ValueError, match="maxval"):
        tf.random_uniform([3], dtype=tf.int32)


def test_random_normal_rejects_int_dtype():
    with pytest.raises(ValueError, match="int32"):
        tf.random_normal([3], dtype=tf.int32)


def test_random_shuffle_is_a_permutation_of_rows():
    x = np.arange(20).reshape(10, 2)
    (value,) = _run(tf.random_shuffle(x, seed=7))
    assert sorted(value[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(value[:, 1] - value[:, 0], np.ones(10))


# ---------------------------------------------------------------- shapes
def test_shape_from_tensor_and_dtype_string():
    n = tf.placeholder(tf.int32, [])
    z = tf.random_normal(tf.stack([n, 3]), dtype="float", seed=1)
    assert z.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        assert sess.run(z, {n: 4}).shape == (4, 3)


def test_shape_from_tensorshape_and_shape_op():
    x = tf.placeholder(tf.float32, [None, 5])
    z = tf.random_uniform(tf.shape(x), seed=1)
    assert z.shape.as_list() == [None, None]
    with tf.Session() as sess:
        assert sess.run(z, {x: np.zeros((2, 5))}).shape == (2, 5)
    assert tf.random_normal(tf.TensorShape([2, 7])).shape.as_list() == [2, 7]


def test_names_follow_tf1():
    z = tf.random_normal([2])
    assert z.name == "random_normal:0"
    assert z.op.type == "Add"
    types = {op.name: op.type for op in tf.get_default_graph().get_operations()}
    assert types["random_normal/RandomStandardNormal"] == "RandomStandardNormal"
    assert tf.truncated_normal([2], name="w").name == "w:0"


def test_random_ops_are_not_differentiable():
    mean = tf.constant(0.5)
    z = tf.random_normal([3], mean=mean, seed=1)
    (g,) = tf.gradients(tf.reduce_sum(z), [mean])
    with tf.Session() as sess:
        assert sess.run(g) == pytest.approx(3.0)  # through the Add, not the sampler


# ---------------------------------------------------------------- seeding
def test_get_seed_rules():
    assert random_ops.get_seed(None) == (None, None)
    assert random_ops.get_seed(5) == (random_ops.DEFAULT_GRAPH_SEED, 5)
    tf.set_random_seed(3)
    assert random_ops.get_seed(5) == (3, 5)
    n_ops = len(tf.get_default_graph().get_operations())
    assert random_ops.get_seed(None) == (3, n_ops)
    tf.constant(1.0)
    assert random_ops.get_seed(None) == (3, n_ops + 1)
    tf.set_random_seed(0)
    assert random_ops.get_seed(0) == (0, 2**31 - 1)


def test_consecutive_runs_differ_and_sessions_replay():
    tf.set_random_seed(10)
    z = tf.random_normal([5])
    first = _run(z, 2)
    second = _run(z, 2)
    assert not np.array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_two_ops_with_graph_seed_differ():
    tf.set_random_seed(10)
    a = tf.random_normal([5])
    b = tf.random_normal([5])
    va, vb = _run([a, b])[0]
    assert not np.array_equal(va, vb)


def test_same_program_same_numbers_in_fresh_graphs():
    def build():
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(42)
            z = tf.truncated_normal([4, 4])
            with tf.Session(graph=g) as sess:
                return sess.run(z)

    np.testing.assert_array_equal(build(), build())


def test_op_seed_alone_is_deterministic():
    def build(seed):
        g = tf.Graph()
        with g.as_default():
            tf.constant(0.0)  # op count differs from the other graph; op seed decides
            z = tf.random_uniform([6], seed=seed)
            with tf.Session(graph=g) as sess:
                return sess.run(z)

    np.testing.assert_array_equal(build(1), build(1))
    assert not np.array_equal(build(1), build(2))


def test_no_seed_is_nondeterministic():
    z = tf.random_normal([8])
    a = _run(z)[0]
    b = _run(z)[0]
    assert not np.array_equal(a, b)


_SCRIPT = textwrap.dedent(
    """
    import minigraph as tf
    tf.set_random_seed(123)
    a = tf.random_normal([3])
    b = tf.random_uniform([3], seed=9)
    c = tf.truncated_normal([3])
    with tf.Session() as sess:
        print(sess.run([a, b, c]), sess.run(a))
    """
)


@pytest.mark.slow
def test_seeded_program_repeats_across_processes():
    outputs = [
        subprocess.run(
            [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1]
    assert "array" in outputs[0]
