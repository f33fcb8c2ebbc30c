"""Softmax regression: the loss -Σ y log ŷ, hardmax, and C=2 softmax = logistic regression.

With two classes, softmax(z)_1 = e^{z_1} / (e^{z_0} + e^{z_1}) = sigmoid(z_1 - z_0): softmax
regression with parameters (W, b) is logistic regression with w = W[:, 1] - W[:, 0] and
b = b_1 - b_0, so probabilities, losses and even the gradients with respect to x agree.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigraph as tf


def _numpy_softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _two_class_problem(seed, n=20, features=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features))
    labels = rng.integers(0, 2, size=n)
    W = rng.standard_normal((features, 2))  # noqa: N806 - the course's notation
    b = rng.standard_normal(2)
    return x, labels, W, b


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_softmax_with_two_classes_is_logistic_regression_with_tied_parameters(seed):
    x_value, labels, W_value, b_value = _two_class_problem(seed)  # noqa: N806
    x = tf.placeholder(tf.float64, [None, 3])
    y = tf.placeholder(tf.float64, [None])
    # softmax regression, C = 2, one-hot labels
    W = tf.constant(W_value)  # noqa: N806
    b = tf.constant(b_value)
    logits = tf.matmul(x, W) + b
    probs_softmax = tf.nn.softmax(logits)
    loss_softmax = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=tf.one_hot(tf.cast(y, tf.int32), 2, dtype=tf.float64), logits=logits))
    # logistic regression with w = w_1 - w_0 and b = b_1 - b_0
    w = tf.constant(W_value[:, 1] - W_value[:, 0])
    b_tied = tf.constant(b_value[1] - b_value[0])
    z = tf.reshape(tf.matmul(x, tf.reshape(w, [3, 1])), [-1]) + b_tied
    prob_logistic = tf.sigmoid(z)
    loss_logistic = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
    grads = tf.gradients(loss_softmax, [x]) + tf.gradients(loss_logistic, [x])
    with tf.Session() as sess:
        ps, ls, pl, ll, gs, gl = sess.run(
            [probs_softmax, loss_softmax, prob_logistic, loss_logistic] + grads,
            {x: x_value, y: labels.astype(np.float64)})
    np.testing.assert_allclose(ps[:, 1], pl, rtol=1e-12)
    np.testing.assert_allclose(ps[:, 0], 1.0 - pl, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ls, ll, rtol=1e-12)
    np.testing.assert_allclose(gs, gl, rtol=1e-10, atol=1e-14)
    # and both are the cross-entropy computed by hand
    expected = -np.mean(np.log(np.where(labels == 1, pl, 1.0 - pl)))
    np.testing.assert_allclose(ll, expected, rtol=1e-12)


def test_trained_softmax_and_logistic_regression_give_the_same_probabilities():
    """Trained from tied starting points with plain gradient descent, they stay tied: the
    softmax's gradient with respect to (w_1 - w_0) is twice the logistic one, so softmax at
    learning rate α matches logistic regression at 2α."""
    x_value, labels, W0, b0 = _two_class_problem(3, n=40)  # noqa: N806
    x = tf.constant(x_value)
    W = tf.Variable(W0)  # noqa: N806
    b = tf.Variable(b0)
    logits = tf.matmul(x, W) + b
    loss_softmax = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=tf.one_hot(labels, 2, dtype=tf.float64), logits=logits))
    w = tf.Variable((W0[:, 1] - W0[:, 0]).reshape(3, 1))
    c = tf.Variable(b0[1] - b0[0])
    z = tf.reshape(tf.matmul(x, w), [-1]) + c
    loss_logistic = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.constant(labels.astype(np.float64)), logits=z))
    train = tf.group(
        tf.train.GradientDescentOptimizer(0.1).minimize(loss_softmax, var_list=[W, b]),
        tf.train.GradientDescentOptimizer(0.2).minimize(loss_logistic, var_list=[w, c]),
    )
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss_logistic)
        for _ in range(50):
            sess.run(train)
        ps, pl, ls, ll = sess.run([tf.nn.softmax(logits), tf.sigmoid(z), loss_softmax,
                                   loss_logistic])
    assert ll < first
    np.testing.assert_allclose(ps[:, 1], pl, rtol=1e-10)
    np.testing.assert_allclose(ls, ll, rtol=1e-10)


def test_loss_is_minus_sum_y_log_y_hat():
    rng = np.random.default_rng(4)
    z_value = rng.standard_normal((6, 4)) * 3
    labels = np.eye(4)[rng.integers(0, 4, size=6)]
    z = tf.constant(z_value)
    y = tf.constant(labels)
    by_hand = -tf.reduce_sum(y * tf.log(tf.nn.softmax(z)), axis=1)
    fused = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=z)
    with tf.Session() as sess:
        a, b = sess.run([by_hand, fused])
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(a, -np.log(_numpy_softmax(z_value)[labels == 1]), rtol=1e-12)


def test_hardmax_is_one_hot_of_argmax_and_softmax_sums_to_one():
    z_value = np.array([[5.0, 2.0, -1.0, 3.0], [0.1, 0.2, 0.3, 0.0]], np.float32)
    z = tf.constant(z_value)
    hardmax = tf.one_hot(tf.argmax(z, axis=1), depth=4)
    soft = tf.nn.softmax(z)
    assert hardmax.shape.as_list() == [2, 4]
    with tf.Session() as sess:
        h, s = sess.run([hardmax, soft])
    np.testing.assert_array_equal(h, [[1, 0, 0, 0], [0, 0, 1, 0]])
    np.testing.assert_allclose(s, _numpy_softmax(z_value), rtol=1e-6)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(s.argmax(axis=1), h.argmax(axis=1))
    # softmax tends to hardmax as the logits grow (temperature -> 0)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(tf.nn.softmax(z * 100.0))[0], h[0], atol=1e-6)


# ---------------------------------------------------------------- tf.contrib.seq2seq.hardmax
def _numpy_hardmax(z):
    """One-hot of the first index of the maximum along the last axis."""
    out = np.zeros_like(z)
    np.put_along_axis(out, z.argmax(axis=-1)[..., None], 1, axis=-1)
    return out


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_hardmax_matches_numpy_with_the_shape_and_dtype_of_its_input(shape, dtype):
    z_value = np.random.default_rng(len(shape)).standard_normal(shape).astype(dtype.as_numpy_dtype)
    h = tf.contrib.seq2seq.hardmax(tf.constant(z_value))
    assert h.dtype == dtype and h.shape.as_list() == list(shape)
    assert h.name.startswith("Hardmax/")
    with tf.Session() as sess:
        got = sess.run(h)
    assert got.dtype == z_value.dtype
    np.testing.assert_array_equal(got, _numpy_hardmax(z_value))


def test_hardmax_ties_go_to_the_first_largest_logit_as_tf1():
    """What TensorFlow 2.21 gives for these logits (tests/golden/hardmax_tf.py prints it)."""
    z = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, -5.0, -1.0]]
    with tf.Session() as sess:
        got = sess.run(tf.contrib.seq2seq.hardmax(z))
    np.testing.assert_array_equal(got, [[0, 1, 0], [1, 0, 0], [1, 0, 0]])


def test_hardmax_with_unknown_class_count_reads_it_at_run_time():
    logits = tf.placeholder(tf.float32, [None, None])
    h = tf.contrib.seq2seq.hardmax(logits, name="pick")
    assert h.shape.as_list() == [None, None] and h.name.startswith("pick/")
    z = np.array([[0.5, 2.0, 1.0, -3.0, 2.5], [9.0, 1.0, 0.0, 0.0, 0.0]], np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(h, {logits: z}), _numpy_hardmax(z))


def test_hardmax_is_the_zero_temperature_limit_of_softmax_and_has_no_gradient():
    z = tf.constant([[5.0, 2.0, -1.0, 3.0], [0.1, 0.2, 0.3, 0.0]])
    hard = tf.contrib.seq2seq.hardmax(z)
    with tf.Session() as sess:
        h, cold, hot = sess.run([hard, tf.nn.softmax(z / 0.001), tf.nn.softmax(z / 1000.0)])
    np.testing.assert_allclose(cold, h, atol=1e-6)
    np.testing.assert_allclose(hot, 0.25, atol=1e-3)  # high temperature: uniform
    assert tf.gradients(tf.reduce_sum(hard * z), [z])[0] is not None  # through z, not argmax
    assert tf.gradients(tf.reduce_sum(hard), [z]) == [None]


def test_hardmax_rejects_scalars_and_integers():
    with pytest.raises(ValueError, match="hardmax.*at least one axis"):
        tf.contrib.seq2seq.hardmax(3.0)
    with pytest.raises(TypeError, match="hardmax.*float"):
        tf.contrib.seq2seq.hardmax(tf.constant([1, 2, 3]))
