"""Gradients through `tf.while_loop`: the gradient is another `While` running the body's
gradient backwards over the values the forward loop kept, one per iteration.

Every check is against float64 central differences (`gradient_checker.compute_gradient`).
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker


def _check(x, shape, y, value, delta=1e-6, tol=1e-6):
    with tf.Session():
        theoretical, numerical = gradient_checker.compute_gradient(
            x, shape, y, y.shape.as_list(), x_init_value=np.asarray(value, np.float64),
            delta=delta)
    np.testing.assert_allclose(theoretical, numerical, rtol=tol, atol=tol)


def test_the_gradient_is_a_while_running_backwards():
    x = tf.placeholder(tf.float32, [], name="x")
    _, y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, tf.constant(1.0)])
    dx, = tf.gradients(y, x)
    assert dx.op.type == "While" and dx.op.name.startswith("gradients/")
    with tf.Session() as sess:
        assert sess.run([y, dx], {x: 2.0}) == [8.0, 12.0]  # x^3, 3 x^2


@pytest.mark.parametrize("wrt", ["x", "w"])
def test_gradients_of_loop_variables_and_captured_tensors_match_central_differences(wrt):
    x = tf.placeholder_with_default(tf.constant([0.3, -0.2, 0.5], tf.float64), [3], name="x")
    w = tf.placeholder_with_default(tf.constant([0.7, 1.1, -0.4], tf.float64), [3], name="w")

    def body(i, v, s):
        return i + 1, tf.tanh(v * w) + x, s + tf.reduce_sum(v * v)

    _, v, s = tf.while_loop(lambda i, v, s: i < 4, body, [0, x, tf.constant(0.0, tf.float64)])
    y = tf.reduce_sum(v * [1.0, 2.0, 3.0]) + s
    _check(x if wrt == "x" else w, [3], y, [0.3, -0.2, 0.5] if wrt == "x" else [0.7, 1.1, -0.4])


def test_gradients_with_nested_structures_and_maximum_iterations():
    x = tf.placeholder(tf.float64, [2], name="x")
    limit = tf.placeholder_with_default(3, [])

    def body(state):
        return {"a": state["a"] * state["b"][0], "b": (tf.tanh(state["b"][0]) + 1.0,)}

    out = tf.while_loop(lambda state: tf.reduce_sum(state["a"]) < 1e9, body,
                        [{"a": x, "b": (x * 2.0,)}], maximum_iterations=limit)
    y = tf.reduce_sum(out["a"]) + tf.reduce_sum(out["b"][0] ** 2)
    _check(x, [2], y, [0.4, 0.9])
    with tf.Session() as sess:
        a = np.array([0.4, 0.9])
        b = 2 * a
        for _ in range(3):
            a, b = a * b, np.tanh(b) + 1.0
        np.testing.assert_allclose(sess.run(y, {x: [0.4, 0.9]}), a.sum() + (b ** 2).sum())


def test_gradients_reach_variables_read_in_the_body_and_train_them():
    w = tf.Variable(0.5, dtype=tf.float64, name="w")
    x = tf.constant(2.0, tf.float64)
    _, y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w + 1.0), [0, x])
    dw, = tf.gradients(y, w)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(y)
    with tf.Session() as sess:
        sess.run(w.initializer)
        # y = x w^3 + w^2 + w + 1
        assert sess.run(dw) == pytest.approx(3 * 2.0 * 0.25 + 2 * 0.5 + 1)
        sess.run(train)
        assert sess.run(w) == pytest.approx(0.5 - 0.01 * 3.5)


def test_a_loop_whose_shape_changes_keeps_values_of_every_shape():
    x = tf.placeholder(tf.float64, [2], name="x")

    def body(i, v):
        return i + 1, tf.concat([v, tf.tanh(v[-2:]) * v[:2]], 0)

    _, v = tf.while_loop(lambda i, v: i < 3, body, [0, x],
                         shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    y = tf.reduce_sum(v * v)
    _check(x, [2], y, [0.3, -0.7])


def test_a_cond_inside_the_body_is_differentiated_per_iteration():
    x = tf.placeholder(tf.float64, [], name="x")

    def body(i, v):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: tf.tanh(v) * x, lambda: v * v)

    _, y = tf.while_loop(lambda i, v: i < 4, body, [0, x])
    _check(x, [], y, 0.8)


def test_a_loop_that_runs_no_iteration_passes_the_gradient_through():
    x = tf.placeholder(tf.float32, [2], name="x")
    n = tf.placeholder(tf.int32, [], name="n")
    _, y = tf.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, v * v), [0, x])
    dx, = tf.gradients(tf.reduce_sum(y), x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(dx, {x: [1.0, 3.0], n: 0}), [1.0, 1.0])
        np.testing.assert_array_equal(sess.run(dx, {x: [1.0, 3.0], n: 1}), [2.0, 6.0])


def test_back_prop_false_gives_no_gradient():
    x = tf.placeholder(tf.float32, [], name="x")
    _, y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, x],
                         back_prop=False)
    assert tf.gradients(y, x) == [None]


def test_second_derivatives_through_a_loop():
    x = tf.placeholder(tf.float64, [2], name="x")
    w = tf.constant([0.5, -1.5], tf.float64)
    _, v = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.tanh(v) * w + v * x),
                         [0, x])
    dx, = tf.gradients(tf.reduce_sum(v), x)
    _check(x, [2], dx, [0.3, 0.6], tol=1e-5)


def test_second_derivative_of_a_power_loop_in_closed_form():
    x = tf.placeholder(tf.float32, [], name="x")
    _, y = tf.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, v * x), [0, 1.0])
    dx, = tf.gradients(y, x)
    d2x, = tf.gradients(dx, x)
    with tf.Session() as sess:
        assert sess.run([y, dx, d2x], {x: 1.5}) == pytest.approx(
            [1.5 ** 4, 4 * 1.5 ** 3, 12 * 1.5 ** 2])
