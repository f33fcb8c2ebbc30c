"""`tf.layers.conv2d`, the pooling layers, `flatten`, and contrib's `flatten`,
`fully_connected`, `conv2d`, regularizers and `batch_norm`: TF1's names, shapes, defaults and
collections, and outputs equal to the ops they are made of."""

import numpy as np
import pytest

import minigraph as tf


def _init_and_run(fetches, feed_dict=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed_dict)


def _names(variables):
    return [v.name for v in variables]


# ---------------------------------------------------------------- tf.layers
def test_layers_conv2d_names_shapes_and_defaults():
    x = tf.placeholder(tf.float32, [None, 9, 7, 3], name="x")
    y = tf.layers.conv2d(x, 4, 3)
    y2 = tf.layers.conv2d(x, 5, (2, 3), strides=2, padding="same", activation=tf.nn.relu)
    assert y.name == "conv2d/BiasAdd:0" and y.shape.as_list() == [None, 7, 5, 4]  # 'valid'
    assert y2.name == "conv2d_1/Relu:0" and y2.shape.as_list() == [None, 5, 4, 5]
    assert _names(tf.trainable_variables()) == [
        "conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0", "conv2d_1/bias:0"]
    kernel, bias = tf.trainable_variables()[:2]
    assert kernel.shape.as_list() == [3, 3, 3, 4] and bias.shape.as_list() == [4]
    types = [op.type for op in tf.get_default_graph().get_operations()
             if op.name.startswith("conv2d/") and op.type in ("Conv2D", "BiasAdd")]
    assert types == ["Conv2D", "BiasAdd"]

    values = np.random.default_rng(0).standard_normal((2, 9, 7, 3))
    out, k, b = _init_and_run([y, kernel, bias], {x: values})
    limit = np.sqrt(6.0 / (3 * 3 * 3 + 3 * 3 * 4))  # glorot uniform, fans include the window
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.8 * limit
    assert np.all(b == 0)
    with tf.Session() as sess:
        expected = sess.run(tf.nn.conv2d(tf.constant(values, tf.float32), k, 1, "VALID"))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_layers_conv2d_regularizer_reuse_and_channels_first():
    x = tf.placeholder(tf.float32, [None, 3, 6, 5])
    y = tf.layers.conv2d(x, 2, 3, padding="SAME", data_format="channels_first", name="c",
                         kernel_regularizer=tf.contrib.layers.l2_regularizer(0.5))
    again = tf.layers.conv2d(x, 2, 3, padding="SAME", data_format="channels_first", name="c",
                             reuse=True)
    assert y.shape.as_list() == [None, 2, 6, 5] and again.shape.as_list() == [None, 2, 6, 5]
    assert len(tf.trainable_variables()) == 2
    assert tf.trainable_variables()[0].shape.as_list() == [3, 3, 3, 2]
    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    kernel_value, penalty_value = _init_and_run([tf.trainable_variables()[0], penalty])
    np.testing.assert_allclose(penalty_value, 0.5 * np.sum(kernel_value ** 2) / 2, rtol=1e-5)


def test_layers_conv2d_errors():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=2"):
        tf.layers.conv2d(tf.zeros([3, 4]), 2, 3)
    with pytest.raises(ValueError, match="channel dimension of the inputs should be defined"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 4, 4, None]), 2, 3)
    with pytest.raises(ValueError, match="`padding` argument must be one of"):
        tf.layers.conv2d(tf.zeros([1, 4, 4, 1]), 2, 3, padding="full")
    with pytest.raises(ValueError, match="`kernel_size` argument must be a tuple of 2"):
        tf.layers.conv2d(tf.zeros([1, 4, 4, 1]), 2, (3, 3, 3))


def test_pooling_layers_and_flatten():
    x = tf.placeholder(tf.float32, [None, 5, 7, 2])
    p = tf.layers.max_pooling2d(x, 2, 2)
    a = tf.layers.average_pooling2d(x, (3, 2), (2, 1), padding="same")
    f = tf.layers.flatten(p)
    assert p.name == "max_pooling2d/MaxPool:0" and p.shape.as_list() == [None, 2, 3, 2]
    assert a.name == "average_pooling2d/AvgPool:0" and a.shape.as_list() == [None, 3, 7, 2]
    assert f.name == "flatten/Reshape:0" and f.shape.as_list() == [None, 12]
    values = np.random.default_rng(1).standard_normal((3, 5, 7, 2))
    p_value, f_value = _init_and_run([p, f], {x: values})
    np.testing.assert_array_equal(f_value, p_value.reshape(3, -1))


def test_flatten_with_unknown_sizes_runs():
    x = tf.placeholder(tf.float32, [None, None, 4])
    y = tf.layers.flatten(x)
    assert y.shape.as_list() == [None, None]
    assert _init_and_run(y, {x: np.ones((2, 3, 4))}).shape == (2, 12)


def test_flatten_channels_first_orders_features_as_channels_last():
    x = tf.placeholder(tf.float32, [None, 3, 2, 2])
    y = tf.layers.flatten(x, data_format="channels_first")
    values = np.arange(24.0).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(_init_and_run(y, {x: values}),
                                  values.transpose(0, 2, 3, 1).reshape(2, -1))
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        tf.layers.flatten(tf.zeros([3]))


# ---------------------------------------------------------------- contrib
def test_contrib_flatten_and_fully_connected():
    p2 = tf.placeholder(tf.float32, [None, 2, 2, 16])
    flat = tf.contrib.layers.flatten(p2)
    z = tf.contrib.layers.fully_connected(flat, 6, activation_fn=None)
    h = tf.contrib.layers.fully_connected(flat, 3)
    assert flat.name == "Flatten/flatten/Reshape:0" and flat.shape.as_list() == [None, 64]
    assert z.name == "fully_connected/BiasAdd:0" and z.shape.as_list() == [None, 6]
    assert h.name == "fully_connected_1/Relu:0"  # contrib's default activation is a ReLU
    assert _names(tf.trainable_variables()) == [
        "fully_connected/weights:0", "fully_connected/biases:0",
        "fully_connected_1/weights:0", "fully_connected_1/biases:0"]
    assert _names(tf.model_variables()) == _names(tf.trainable_variables())
    values = np.random.default_rng(2).standard_normal((5, 2, 2, 16))
    z_value, h_value, w = _init_and_run([z, h, tf.trainable_variables()[0]], {p2: values})
    assert (z_value < 0).any() and (h_value >= 0).all()
    np.testing.assert_allclose(z_value, values.reshape(5, -1) @ w, rtol=1e-4, atol=1e-5)
    limit = np.sqrt(6.0 / (64 + 6))  # xavier_initializer(): uniform, fan average
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.8 * limit


def test_contrib_fully_connected_options():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.contrib.layers.fully_connected(
        x, 3, biases_initializer=None, scope="fc",
        weights_regularizer=tf.contrib.layers.l2_regularizer(0.1),
        variables_collections=["mine"], outputs_collections=["outs"])
    again = tf.contrib.layers.fully_connected(x, 3, biases_initializer=None, scope="fc",
                                              reuse=True)
    assert _names(tf.global_variables()) == ["fc/weights:0"]
    assert _names(tf.get_collection("mine")) == ["fc/weights:0"]
    assert tf.get_collection("outs") == [y] and again.name == "fc_1/Relu:0"
    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert penalty.name == "fc/weights/Regularizer/l2_regularizer:0"
    with pytest.raises(ValueError, match="num_outputs should be int or long, got 3.0"):
        tf.contrib.layers.fully_connected(x, 3.0)
    with pytest.raises(ValueError, match="already exists"):
        tf.contrib.layers.fully_connected(x, 3, scope="fc")


def test_contrib_conv2d_defaults():
    x = tf.placeholder(tf.float32, [None, 64, 64, 3])
    h = tf.contrib.layers.conv2d(x, 8, 4)
    v = tf.contrib.layers.conv2d(x, 2, [3, 2], stride=2, padding="VALID", activation_fn=None,
                                 rate=1)
    assert h.name == "Conv/Relu:0" and h.shape.as_list() == [None, 64, 64, 8]  # SAME, ReLU
    assert v.name == "Conv_1/BiasAdd:0" and v.shape.as_list() == [None, 31, 32, 2]
    assert _names(tf.model_variables()) == [
        "Conv/weights:0", "Conv/biases:0", "Conv_1/weights:0", "Conv_1/biases:0"]
    assert tf.contrib.layers.convolution2d is tf.contrib.layers.conv2d
    with pytest.raises(ValueError, match="Invalid data_format: 'NWHC'"):
        tf.contrib.layers.conv2d(x, 8, 4, data_format="NWHC")


def test_regularizers():
    w = tf.constant([[1.0, -2.0], [3.0, 0.5]])
    l2 = tf.contrib.layers.l2_regularizer(0.1)(w)
    l1 = tf.contrib.layers.l1_regularizer(0.5)(w)
    assert l2.name == "l2_regularizer:0" and l1.name == "l1_regularizer:0"
    np.testing.assert_allclose(_init_and_run([l2, l1]), [0.1 * 14.25 / 2, 0.5 * 6.5],
                               rtol=1e-6)
    assert tf.contrib.layers.l2_regularizer(0.0)(w) is None
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        tf.contrib.layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="scale less than 0"):
        tf.contrib.layers.l1_regularizer(-0.1)
    with pytest.raises(ValueError, match="No weights to regularize"):
        tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(0.1))
    assert _init_and_run(tf.losses.get_regularization_loss()) == 0.0
    total = tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(1.0), [w])
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [total]
    np.testing.assert_allclose(_init_and_run(tf.losses.get_regularization_loss()), 7.125)


def test_contrib_batch_norm_defaults_names_and_updates():
    x = tf.placeholder(tf.float32, [None, 2, 2, 3])
    y = tf.contrib.layers.batch_norm(x)
    assert _names(tf.global_variables()) == [
        "BatchNorm/beta:0", "BatchNorm/moving_mean:0", "BatchNorm/moving_variance:0"]
    assert _names(tf.trainable_variables()) == ["BatchNorm/beta:0"]
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    values = np.random.default_rng(3).standard_normal((4, 2, 2, 3)) * 2.0 + 1.0
    moving_mean, moving_variance = tf.global_variables()[1:]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: values})
        sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS), {x: values})
        mean, variance = sess.run([moving_mean, moving_variance])
    flat = values.reshape(-1, 3)
    np.testing.assert_allclose(out, (values - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-3),
                               rtol=1e-4, atol=1e-4)  # batch statistics: is_training=True
    # decay 0.999; the moving variance averages the unbiased (m / (m - 1)) batch variance
    np.testing.assert_allclose(mean, 0.001 * flat.mean(0), rtol=1e-4)
    np.testing.assert_allclose(variance, 0.999 + 0.001 * flat.var(0, ddof=1), rtol=1e-6)


def test_contrib_batch_norm_parameter_order_follows_tf():
    tf.contrib.layers.batch_norm(tf.zeros([2, 2, 2, 3]), scale=True, scope="core")
    tf.contrib.layers.batch_norm(tf.zeros([4, 3]), scale=True, scope="fused")
    tf.contrib.layers.batch_norm(tf.zeros([2, 2, 2, 3]), scale=True, updates_collections=None,
                                 scope="forced")
    assert _names(tf.trainable_variables()) == [
        "core/gamma:0", "core/beta:0", "fused/beta:0", "fused/gamma:0", "forced/beta:0",
        "forced/gamma:0"]


def test_contrib_batch_norm_updates_collections_none_runs_them_with_the_output():
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.contrib.layers.batch_norm(x, updates_collections=None, decay=0.5)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    moving_mean = tf.global_variables()[1]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {x: [[1.0, 2.0], [3.0, 6.0]]})
        np.testing.assert_allclose(sess.run(moving_mean), [1.0, 2.0])


def test_contrib_batch_norm_in_the_course_style_network_trains_its_averages():
    x = tf.placeholder(tf.float32, [None, 4, 4, 1])
    training = tf.placeholder_with_default(False, [])
    h = tf.contrib.layers.conv2d(x, 2, 3, normalizer_fn=tf.contrib.layers.batch_norm,
                                 normalizer_params={"is_training": training, "decay": 0.9})
    loss = tf.reduce_mean(tf.square(tf.contrib.layers.fully_connected(
        tf.contrib.layers.flatten(h), 1, activation_fn=None) - 1.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)  # no UPDATE_OPS wiring
    assert "Conv/biases:0" not in _names(tf.global_variables())  # the normalizer replaces them
    moving_mean = [v for v in tf.global_variables() if v.name == "Conv/BatchNorm/moving_mean:0"]
    values = np.random.default_rng(4).standard_normal((8, 4, 4, 1)) + 3.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: values, training: True})
        after_train = sess.run(moving_mean[0])
        sess.run(loss, {x: values})  # inference: the averages stay
        assert np.all(after_train != 0.0)
        np.testing.assert_array_equal(sess.run(moving_mean[0]), after_train)


def test_contrib_batch_norm_unsupported_options_say_so():
    with pytest.raises(NotImplementedError, match="zero_debias_moving_mean"):
        tf.contrib.layers.batch_norm(tf.zeros([2, 3]), zero_debias_moving_mean=True)
    with pytest.raises(ValueError, match="data_format has to be either NCHW or NHWC"):
        tf.contrib.layers.batch_norm(tf.zeros([2, 3]), data_format="NCWH")
