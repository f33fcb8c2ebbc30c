"""`unbroadcast` skips the run-time axis search when the other operand proves x unbroadcast."""

import numpy as np
import pytest

import minigraph as tf


def _searches_in(scope, graph):
    return [
        op.name for op in graph.get_operations()
        if op.type == "BroadcastGradientArgs" and op.name.startswith(scope)
    ]


@pytest.mark.parametrize("op", [tf.add, tf.subtract, tf.multiply, tf.divide, tf.maximum])
def test_bias_add_with_unknown_batch_needs_no_runtime_axis_search_for_z(op):
    z = tf.placeholder(tf.float64, [25, None], name="z")
    b = tf.placeholder(tf.float64, [25, 1], name="b")
    w = tf.placeholder(tf.float64, [25, None], name="w")
    weights = np.random.default_rng(0).normal(size=(25, 7))
    y = op(z, b, name="target")
    dz, db = tf.gradients(tf.reduce_sum(y * w), [z, b])
    # z's gradient is passed on with no run-time axis search (b's static shape proves z is not
    # broadcast); b's own axes are known statically (its shape is fully defined).
    assert _searches_in("gradients/target_grad/", y.graph) == []
    z_value = np.random.default_rng(1).uniform(1, 2, size=(25, 7))
    b_value = np.random.default_rng(2).uniform(1, 2, size=(25, 1))
    with tf.Session() as sess:
        dz_value, db_value = sess.run([dz, db], {z: z_value, b: b_value, w: weights})
    assert dz_value.shape == (25, 7) and db_value.shape == (25, 1)
    for x_value, grad, index in ((z_value, dz_value, 0), (b_value, db_value, 1)):
        expected = np.zeros_like(x_value)
        step = 1e-6
        for i in np.ndindex(x_value.shape):
            hi, lo = x_value.copy(), x_value.copy()
            hi[i] += step
            lo[i] -= step
            args_hi = (hi, b_value) if index == 0 else (z_value, hi)
            args_lo = (lo, b_value) if index == 0 else (z_value, lo)
            ref = {tf.add: np.add, tf.subtract: np.subtract, tf.multiply: np.multiply,
                   tf.divide: np.divide, tf.maximum: np.maximum}[op]
            expected[i] = np.sum(weights * (ref(*args_hi) - ref(*args_lo))) / (2 * step)
        np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_unknown_dims_on_both_sides_still_search_at_run_time():
    # (?, 3) + (?, 3): at run time one could be (1, 3) and the other (5, 3), so nothing is proven.
    x = tf.placeholder(tf.float64, [None, 3])
    y = tf.placeholder(tf.float64, [None, 3])
    dx, dy = tf.gradients(x + y, [x, y])
    with tf.Session() as sess:
        dx_value, dy_value = sess.run([dx, dy], {x: np.ones((1, 3)), y: np.ones((5, 3))})
    np.testing.assert_array_equal(dx_value, np.full((1, 3), 5.0))
    np.testing.assert_array_equal(dy_value, np.ones((5, 3)))


def test_runtime_unbroadcast_keeps_what_is_known_of_the_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 3])
    dx, dy = tf.gradients(x * y, [x, y])
    assert dx.shape.as_list() == [None, 3] and dy.shape.as_list() == [None, 3]
    W = tf.Variable(tf.ones([3, 1]))
    other = tf.placeholder(tf.float32, [None, None])
    dW, = tf.gradients(tf.reduce_sum(tf.matmul(x, W) * other), [W])
    assert dW.shape.as_list() == [3, 1]
