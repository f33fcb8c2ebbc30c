"""TF1 tutorial programs on scikit-learn's digits, run with only the import changed, every
number checked against a hand-written numpy reference:

* an MNIST-style CNN (conv, relu, max-pool, twice, then a dense layer) fed through `tf.data`
  with an initializable iterator, a shuffled and batched dataset of placeholders, trained by
  gradient descent epoch by epoch until `OutOfRangeError`; numpy repeats every step on the
  same batches (their indices come through the pipeline) from the same initial weights;
* an LSTM classifier reading each image row by row (8 steps of 8 pixels) with
  `tf.nn.dynamic_rnn`, trained by gradient descent; numpy repeats its forward pass and its
  backpropagation through time step for step.
"""

import numpy as np
import pytest

import minigraph as tf

sklearn_datasets = pytest.importorskip("sklearn.datasets")


def _digits():
    """The 1797 digits in a fixed random order (the last few hundred in the file's order are
    written by other people than the rest, so a split by position tests a different thing)."""
    digits = sklearn_datasets.load_digits()
    order = np.random.RandomState(0).permutation(len(digits.target))
    images = (digits.images[order] / 16.0).astype(np.float32)
    return images, digits.target[order].astype(np.int64)


# ---------------------------------------------------------------- numpy CNN
def _patches(x):
    """The 3x3 'SAME' patches of NHWC `x`: [N, H, W, 9 * C], in the (dy, dx, c) order of a
    [3, 3, C, F] filter reshaped to [9 * C, F]."""
    n, h, w, c = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    return np.concatenate([padded[:, dy:dy + h, dx:dx + w, :] for dy in range(3)
                           for dx in range(3)], axis=3)


def _unpatch(grad_patches, shape):
    """The adjoint of `_patches`: each patch entry's gradient added back to its pixel."""
    n, h, w, c = shape
    padded = np.zeros((n, h + 2, w + 2, c))
    for k, (dy, dx) in enumerate((dy, dx) for dy in range(3) for dx in range(3)):
        padded[:, dy:dy + h, dx:dx + w, :] += grad_patches[..., k * c:(k + 1) * c]
    return padded[:, 1:-1, 1:-1, :]


def _conv_relu_pool(x, w, b):
    patches = _patches(x)
    z = patches @ w.reshape(-1, w.shape[3]) + b
    a = np.maximum(z, 0.0)
    n, h, wd, f = a.shape
    windows = a.reshape(n, h // 2, 2, wd // 2, 2, f)
    pooled = windows.max(axis=(2, 4))
    return pooled, (x, patches, z, windows, pooled)


def _conv_relu_pool_grad(grad_pooled, w, cache):
    x, patches, z, windows, pooled = cache
    n, h2, _, w2, _, f = windows.shape
    is_max = windows == pooled[:, :, None, :, None, :]
    # the gradient goes to the first maximum of each window, in row-major order
    flat = is_max.transpose(0, 1, 3, 5, 2, 4).reshape(n, h2, w2, f, 4)
    first = np.zeros_like(flat)
    np.put_along_axis(first, flat.argmax(axis=4)[..., None], True, axis=4)
    first = first.reshape(n, h2, w2, f, 2, 2).transpose(0, 1, 4, 2, 5, 3)
    grad_a = (first * grad_pooled[:, :, None, :, None, :]).reshape(z.shape)
    grad_z = grad_a * (z > 0)
    grad_w = (patches.reshape(-1, patches.shape[3]).T @ grad_z.reshape(-1, f)).reshape(w.shape)
    grad_b = grad_z.sum(axis=(0, 1, 2))
    grad_x = _unpatch(grad_z @ w.reshape(-1, f).T, x.shape)
    return grad_x, grad_w, grad_b


def _softmax_cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(len(labels)), labels].mean()
    grad = np.exp(log_p)
    grad[np.arange(len(labels)), labels] -= 1.0
    return loss, grad / len(labels)


def _numpy_cnn_step(params, images, labels, learning_rate):
    w1, b1, w2, b2, w3, b3 = params
    p1, cache1 = _conv_relu_pool(images, w1, b1)
    p2, cache2 = _conv_relu_pool(p1, w2, b2)
    flat = p2.reshape(len(images), -1)
    loss, grad_logits = _softmax_cross_entropy(flat @ w3 + b3, labels)
    grad_w3, grad_b3 = flat.T @ grad_logits, grad_logits.sum(axis=0)
    grad_p2 = (grad_logits @ w3.T).reshape(p2.shape)
    grad_p1, grad_w2, grad_b2 = _conv_relu_pool_grad(grad_p2, w2, cache2)
    _, grad_w1, grad_b1 = _conv_relu_pool_grad(grad_p1, w1, cache1)
    grads = (grad_w1, grad_b1, grad_w2, grad_b2, grad_w3, grad_b3)
    return loss, [p - learning_rate * g for p, g in zip(params, grads)]


def _numpy_cnn_logits(params, images):
    w1, b1, w2, b2, w3, b3 = params
    p2, _ = _conv_relu_pool(_conv_relu_pool(images, w1, b1)[0], w2, b2)
    return p2.reshape(len(images), -1) @ w3 + b3


# ---------------------------------------------------------------- the CNN program
EPOCHS = 4


@pytest.mark.slow
def test_mnist_style_cnn_fed_through_tf_data_matches_numpy_step_for_step():
    images, labels = _digits()
    train_x, train_y = images[:1500, :, :, None].astype(np.float64), labels[:1500]
    test_x, test_y = images[1500:, :, :, None].astype(np.float64), labels[1500:]

    # ---- the TF1 program
    # float64, so that numpy (float64) must agree to rounding over the whole run: in float32 the
    # two drift apart within ~30 steps, where rounding flips a ReLU or a max-pool's winner.
    x = tf.placeholder(tf.float64, [None, 8, 8, 1], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    index = tf.placeholder(tf.int64, [None], name="index")
    dataset = tf.data.Dataset.from_tensor_slices((x, y, index)).shuffle(500, seed=1).batch(64)
    iterator = dataset.make_initializable_iterator()
    batch_x, batch_y, batch_index = iterator.get_next()

    def conv_layer(inputs, name, depth):
        with tf.variable_scope(name):
            channels = inputs.shape.as_list()[-1]
            w = tf.get_variable("W", [3, 3, channels, depth], tf.float64,
                                initializer=tf.glorot_uniform_initializer(seed=len(name)))
            b = tf.get_variable("b", [depth], tf.float64, initializer=tf.zeros_initializer())
            conv = tf.nn.relu(tf.nn.conv2d(inputs, w, [1, 1, 1, 1], "SAME") + b)
            return tf.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")

    pool2 = conv_layer(conv_layer(batch_x, "conv1", 4), "conv2", 8)
    flat = tf.reshape(pool2, [-1, 2 * 2 * 8])
    w3 = tf.get_variable("W3", [32, 10], tf.float64,
                         initializer=tf.glorot_uniform_initializer(seed=3))
    b3 = tf.get_variable("b3", [10], tf.float64, initializer=tf.zeros_initializer())
    logits = tf.matmul(flat, w3) + b3
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=batch_y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    assert batch_x.shape.as_list() == [None, 8, 8, 1] and logits.shape.as_list() == [None, 10]

    feed = {x: train_x, y: train_y, index: np.arange(1500)}
    losses, orders = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        initial = sess.run(tf.trainable_variables())
        for _ in range(EPOCHS):
            sess.run(iterator.initializer, feed)
            order = []
            while True:
                try:
                    _, value, ids = sess.run([train, loss, batch_index])
                except tf.errors.OutOfRangeError:
                    break
                losses.append(value)
                order.append(ids)
            orders.append(order)
        trained = sess.run(tf.trainable_variables())
        sess.run(iterator.initializer, {x: test_x, y: test_y, index: np.arange(len(test_y))})
        test_batches = [sess.run([logits, batch_index]) for _ in range(5)]
    test_order = np.concatenate([ids for _, ids in test_batches])
    test_logits = np.concatenate([values for values, _ in test_batches])
    test_x, test_y = test_x[test_order], test_y[test_order]  # the test batches were shuffled

    # ---- the pipeline: each epoch a permutation in batches of 64 (the last one 28)
    for order in orders:
        assert [len(ids) for ids in order] == [64] * 23 + [28]
        assert sorted(np.concatenate(order).tolist()) == list(range(1500))
    assert not np.array_equal(np.concatenate(orders[0]), np.arange(1500))
    # (a new initialization starts the seeded shuffle over, as in TF)
    for order in orders[1:]:
        np.testing.assert_array_equal(np.concatenate(orders[0]), np.concatenate(order))

    # ---- numpy, step for step on the same batches
    params = [p.astype(np.float64) for p in initial]
    numpy_losses = []
    for order in orders:
        for ids in order:
            value, params = _numpy_cnn_step(params, train_x[ids],
                                            train_y[ids], 0.5)
            numpy_losses.append(value)
    np.testing.assert_allclose(losses, numpy_losses, rtol=1e-10)
    for mine, reference in zip(trained, params):
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(test_logits, _numpy_cnn_logits(params, test_x), rtol=1e-9)
    assert losses[-1] < 0.5 * losses[0]
    assert (test_logits.argmax(axis=1) == test_y).mean() > 0.8


# ---------------------------------------------------------------- numpy LSTM
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _numpy_lstm_forward(kernel, bias, x, forget_bias=1.0):
    """A BasicLSTMCell over the rows of `x` ([batch, time, depth]): the last h and, per step,
    what backpropagation needs."""
    n, time, _ = x.shape
    units = kernel.shape[1] // 4
    c, h = np.zeros((n, units)), np.zeros((n, units))
    cache = []
    for t in range(time):
        xh = np.concatenate([x[:, t], h], 1)
        i, j, f, o = np.split(xh @ kernel + bias, 4, axis=1)
        si, tj, sf, so = _sigmoid(i), np.tanh(j), _sigmoid(f + forget_bias), _sigmoid(o)
        new_c = c * sf + si * tj
        tc = np.tanh(new_c)
        cache.append((xh, c, si, tj, sf, so, tc))
        c, h = new_c, tc * so
    return h, cache


def _numpy_lstm_step(params, x, labels, learning_rate):
    kernel, bias, w, b = params
    h, cache = _numpy_lstm_forward(kernel, bias, x)
    loss, grad_logits = _softmax_cross_entropy(h @ w + b, labels)
    grad_w, grad_b = h.T @ grad_logits, grad_logits.sum(axis=0)
    grad_h, grad_c = grad_logits @ w.T, np.zeros_like(h)
    grad_kernel, grad_bias = np.zeros_like(kernel), np.zeros_like(bias)
    for xh, c_prev, si, tj, sf, so, tc in reversed(cache):  # back through time
        grad_c = grad_c + grad_h * so * (1 - tc ** 2)
        grad_z = np.concatenate([grad_c * tj * si * (1 - si), grad_c * si * (1 - tj ** 2),
                                 grad_c * c_prev * sf * (1 - sf),
                                 grad_h * tc * so * (1 - so)], axis=1)
        grad_kernel += xh.T @ grad_z
        grad_bias += grad_z.sum(axis=0)
        grad_h = (grad_z @ kernel.T)[:, x.shape[2]:]
        grad_c = grad_c * sf
    grads = (grad_kernel, grad_bias, grad_w, grad_b)
    return loss, [p - learning_rate * g for p, g in zip(params, grads)]


# ---------------------------------------------------------------- the LSTM program
@pytest.mark.slow
def test_lstm_classifier_over_image_rows_with_dynamic_rnn_matches_numpy_bptt():
    images, labels = _digits()
    train_x, train_y = images[:1500].astype(np.float64), labels[:1500]
    test_x, test_y = images[1500:].astype(np.float64), labels[1500:]

    # ---- the TF1 program: each image is a sequence of 8 rows of 8 pixels
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float64, [None, 8, 8], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    cell = tf.nn.rnn_cell.BasicLSTMCell(16)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
    w = tf.get_variable("W", [16, 10], tf.float64,
                        initializer=tf.glorot_uniform_initializer(seed=1))
    b = tf.get_variable("b", [10], tf.float64, initializer=tf.zeros_initializer())
    logits = tf.matmul(state.h, w) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    train = tf.train.GradientDescentOptimizer(2.0).minimize(loss)
    assert outputs.shape.as_list() == [None, 8, 16]
    assert [v.name for v in tf.trainable_variables()] == [
        "rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0", "W:0", "b:0"]

    batches = [np.random.RandomState(epoch).permutation(1500)[start:start + 50]
               for epoch in range(4) for start in range(0, 1500, 50)]
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        initial = sess.run(tf.trainable_variables())
        for ids in batches:
            _, value = sess.run([train, loss], {x: train_x[ids], y: train_y[ids]})
            losses.append(value)
        trained = sess.run(tf.trainable_variables())
        test_logits, last_output, last_h = sess.run([logits, outputs[:, -1], state.h],
                                                    {x: test_x})

    # ---- numpy, step for step
    params = initial
    numpy_losses = []
    for ids in batches:
        value, params = _numpy_lstm_step(params, train_x[ids], train_y[ids], 2.0)
        numpy_losses.append(value)
    # (float64 rounding grows over the 120 steps to ~4e-10 with this seed; a wrong gradient
    # shows at ~1e-2)
    np.testing.assert_allclose(losses, numpy_losses, rtol=1e-7)
    for mine, reference in zip(trained, params):
        np.testing.assert_allclose(mine, reference, rtol=1e-6, atol=1e-8)
    h, _ = _numpy_lstm_forward(params[0], params[1], test_x)
    np.testing.assert_allclose(test_logits, h @ params[2] + params[3], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(last_output, last_h)
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    assert (test_logits.argmax(axis=1) == test_y).mean() > 0.75
