"""tf.layers.dense and tf.layers.dropout: TF1 names, scopes and reuse, forward against numpy,
static against runtime shapes, gradients, and errors. (Batch norm: tests/test_batch_norm.py.)"""

from __future__ import annotations

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker


# ---------------------------------------------------------------- dense
def test_dense_names_like_tf1():
    x = tf.placeholder(tf.float32, [None, 3])
    h = tf.layers.dense(x, 4, activation=tf.nn.relu)
    out = tf.layers.dense(h, 2)
    assert [v.name for v in tf.trainable_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    assert h.name == "dense/Relu:0"
    assert out.op.name.startswith("dense_1/")
    assert tf.trainable_variables()[0].shape.as_list() == [3, 4]
    assert tf.trainable_variables()[1].shape.as_list() == [4]


def test_dense_in_a_variable_scope_and_named():
    x = tf.placeholder(tf.float32, [None, 3])
    with tf.variable_scope("layer1"):
        tf.layers.dense(x, 2, name="fc")
    assert [v.name for v in tf.trainable_variables()] == ["layer1/fc/kernel:0", "layer1/fc/bias:0"]


def test_dense_reuse_shares_variables():
    x = tf.placeholder(tf.float32, [None, 3])
    a = tf.layers.dense(x, 2, name="fc")
    b = tf.layers.dense(x * 2.0, 2, name="fc", reuse=True)
    assert len(tf.trainable_variables()) == 2
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.trainable_variables())
        va, vb = sess.run([a, b], {x: [[1.0, 2.0, 3.0]]})
    close = {"rtol": 1e-6, "atol": 1e-6}  # a sum near 0 needs the absolute part
    np.testing.assert_allclose(va, np.array([[1.0, 2.0, 3.0]]) @ kernel + bias, **close)
    np.testing.assert_allclose(vb, np.array([[2.0, 4.0, 6.0]]) @ kernel + bias, **close)


def test_dense_forward_matches_numpy_with_initializers():
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [None, 3])
    kernel_value = rng.standard_normal((3, 5)).astype(np.float32)
    y = tf.layers.dense(
        x, 5, activation=tf.nn.relu,
        kernel_initializer=tf.constant_initializer(kernel_value),
        bias_initializer=tf.constant_initializer(0.5),
    )
    value = rng.standard_normal((7, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: value})
    np.testing.assert_allclose(out, np.maximum(value @ kernel_value + 0.5, 0.0), rtol=1e-5)


def test_dense_default_kernel_is_glorot_uniform_and_bias_zero():
    x = tf.placeholder(tf.float32, [None, 300])
    tf.layers.dense(x, 200)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.trainable_variables())
    limit = np.sqrt(6.0 / (300 + 200))
    assert np.abs(kernel).max() <= limit
    assert abs(kernel.std() - limit / np.sqrt(3.0)) < 0.05 * limit  # uniform: std = limit/sqrt 3
    np.testing.assert_array_equal(bias, 0.0)


def test_dense_without_bias_and_rank3_inputs():
    x = tf.placeholder(tf.float32, [None, 4, 3])
    y = tf.layers.dense(x, 2, use_bias=False)
    assert [v.name for v in tf.trainable_variables()] == ["dense/kernel:0"]
    assert y.shape.as_list() == [None, 4, 2]
    value = np.arange(24.0, dtype=np.float32).reshape(2, 4, 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, kernel = sess.run([y, tf.trainable_variables()[0]], {x: value})
    assert out.shape == (2, 4, 2)
    np.testing.assert_allclose(out, value @ kernel, rtol=1e-5)


def test_dense_gradient_matches_central_differences():
    x = tf.placeholder(tf.float64, [3, 4])
    y = tf.layers.dense(x, 2, activation=tf.tanh)
    kernel, bias = tf.trainable_variables()
    loss = tf.reduce_sum(y * y)
    rng = np.random.default_rng(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: rng.standard_normal((3, 4))}
        for var, shape in [(kernel, [4, 2]), (bias, [2])]:
            error = gradient_checker.compute_gradient_error(
                var, shape, loss, [], x_init_value=sess.run(var), extra_feed_dict=feed,
                delta=1e-6)
            assert error < 1e-6


def test_dense_regularizer_goes_into_the_collection():
    x = tf.placeholder(tf.float32, [None, 2])
    tf.layers.dense(x, 3, kernel_regularizer=tf.nn.l2_loss)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel = sess.run(tf.trainable_variables()[0])
        np.testing.assert_allclose(sess.run(losses[0]), 0.5 * np.sum(kernel ** 2), rtol=1e-5)


def test_dense_trainable_false():
    x = tf.placeholder(tf.float32, [None, 2])
    tf.layers.dense(x, 3, trainable=False)
    assert tf.trainable_variables() == []
    assert len(tf.global_variables()) == 2


def test_dense_errors_name_the_problem():
    with pytest.raises(ValueError, match="last dimension of the inputs should be defined"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.layers.dense(tf.placeholder(tf.float32, [3]), 2)
    with pytest.raises(TypeError, match="float"):
        tf.layers.dense(tf.placeholder(tf.int32, [None, 3]), 2)


# ---------------------------------------------------------------- dropout
def test_dropout_inference_is_identity():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.dropout(x, rate=0.9)
    value = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: value}), value)


def test_dropout_training_drops_rate_and_scales_the_rest():
    tf.set_random_seed(0)
    x = tf.ones([200, 100])
    y = tf.layers.dropout(x, rate=0.25, training=True)
    with tf.Session() as sess:
        out = sess.run(y)
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.02
    assert out.shape == (200, 100) and y.shape.as_list() == [200, 100]


def test_dropout_training_placeholder_switches_one_graph():
    x = tf.ones([50, 40])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.dropout(x, rate=0.5, training=training, seed=3)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {training: False}), 1.0)
        dropped = sess.run(y, {training: True})
    assert 0.4 < (dropped == 0).mean() < 0.6
    np.testing.assert_array_equal(dropped[dropped != 0], 2.0)


def test_dropout_gradient_is_the_mask():
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [4, 5])
    y = tf.layers.dropout(x, rate=0.5, training=True)
    (grad,) = tf.gradients(tf.reduce_sum(y), [x])
    with tf.Session() as sess:
        out, g = sess.run([y, grad], {x: np.ones((4, 5), np.float32)})
    np.testing.assert_array_equal(g, out)  # d (x * mask / keep) / dx = mask / keep = y at x = 1


def test_dropout_rate_must_be_a_probability():
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        tf.layers.dropout(tf.ones([2]), rate=1.0, training=True)
