"""Batch statistics as TF1 builds them: `tf.nn.moments` reduces its input once for the mean
(the returned statistics are the kept-dims ones squeezed), and `Mean`'s gradient divides the
reduced gradient before broadcasting it back (the same values as dividing the broadcast one)."""

import numpy as np
import pytest

import minigraph as tf


def _op_types(graph) -> list:
    return [op.type for op in graph.get_operations()]


def test_moments_reduces_the_input_once_for_the_mean():
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 5], name="x")
        mean, variance = tf.nn.moments(x, [0])
        assert (mean.name, variance.name) == ("moments/Squeeze:0", "moments/Squeeze_1:0")
        assert _op_types(graph).count("Mean") == 2  # the mean, and the variance
        assert mean.shape.as_list() == [5] and variance.shape.as_list() == [5]
        value = np.random.default_rng(0).standard_normal((7, 5)).astype(np.float32)
        with tf.Session() as sess:
            got_mean, got_variance = sess.run([mean, variance], {x: value})
    np.testing.assert_array_equal(got_mean, np.mean(value, axis=0))
    np.testing.assert_array_equal(got_variance,
                                  np.mean(np.square(value - np.mean(value, axis=0)), axis=0))


def test_moments_with_axes_given_as_a_tensor_still_works():
    with tf.Graph().as_default():
        x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
        mean, variance = tf.nn.moments(x, tf.constant([0]))
        with tf.Session() as sess:
            got = sess.run([mean, variance])
    np.testing.assert_array_equal(got[0], [2.0, 4.0])
    np.testing.assert_array_equal(got[1], [1.0, 4.0])


@pytest.mark.parametrize("keep_dims", [False, True])
def test_moments_gradient_matches_numpy(keep_dims):
    value = np.random.default_rng(1).standard_normal((6, 4))
    weights = np.random.default_rng(2).standard_normal((2, 4))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 4])
        mean, variance = tf.nn.moments(x, [0], keep_dims=keep_dims)
        loss = tf.reduce_sum(mean * weights[0]) + tf.reduce_sum(variance * weights[1])
        (dx,) = tf.gradients(loss, [x])
        with tf.Session() as sess:
            got = sess.run(dx, {x: value})
    n = value.shape[0]
    centered = value - value.mean(axis=0)
    want = weights[0] / n + weights[1] * 2.0 * centered / n
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_mean_gradient_divides_before_broadcasting():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        (dx,) = tf.gradients(tf.reduce_mean(x, axis=0), [x])
        assert dx.op.type == "BroadcastTo"
        # The division is on the [3] gradient: no division of the gradient sees x's shape.
        divisions = [op for op in x.graph.get_operations()
                     if op.name.startswith("gradients/") and op.type == "RealDiv"]
        assert divisions
        assert all(t.shape.ndims is not None and t.shape.ndims <= 1
                   for op in divisions for t in op.inputs)
        with tf.Session() as sess:
            got = sess.run(dx, {x: np.ones((7, 3), np.float32)})
    np.testing.assert_array_equal(got, np.full((7, 3), np.float32(1) / np.float32(7)))


def test_mean_gradient_of_an_unknown_reduced_size():
    """Neither size known when the gradient is built: both come from the run."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        (dx,) = tf.gradients(tf.reduce_mean(x, axis=1), [x])
        with tf.Session() as sess:
            got = sess.run(dx, {x: np.ones((2, 4), np.float32)})
    np.testing.assert_array_equal(got, np.full((2, 4), 0.25, np.float32))
