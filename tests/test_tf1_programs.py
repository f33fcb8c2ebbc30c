"""Short TF1 programs in the style of the popular tutorials and the deeplearning.ai course, run
unchanged with `import minigraph as tf`; each checks what TF1 would show (values computed
independently in numpy, op names, reprs, shapes)."""

import numpy as np
import pytest

import minigraph as tf


def test_logistic_regression_on_a_placeholder_batch():
    rng = np.random.RandomState(0)
    X_data = rng.randn(64, 2).astype(np.float32)
    y_data = (X_data[:, :1] + X_data[:, 1:] > 0).astype(np.float32)
    X = tf.placeholder(tf.float32, [None, 2], name="X")
    Y = tf.placeholder(tf.float32, [None, 1], name="Y")
    W = tf.Variable(tf.zeros([2, 1]), name="W")
    b = tf.Variable(tf.zeros([1]), name="b")
    logits = tf.matmul(X, W) + b
    cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    predicted = tf.cast(tf.sigmoid(logits) > 0.5, tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), tf.float32))
    w, bb = np.zeros((2, 1)), np.zeros(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(20):
            _, c = sess.run([train, cost], feed_dict={X: X_data, Y: y_data})
            z = X_data @ w + bb
            p = 1 / (1 + np.exp(-z))
            expected_cost = np.mean(np.maximum(z, 0) - z * y_data + np.log1p(np.exp(-abs(z))))
            np.testing.assert_allclose(c, expected_cost, rtol=1e-5)
            w, bb = w - 0.5 * X_data.T @ (p - y_data) / 64, bb - 0.5 * np.mean(p - y_data)
        np.testing.assert_allclose(sess.run(W), w, rtol=1e-4)
        assert sess.run(accuracy, {X: X_data, Y: y_data}) > 0.9
    assert repr(W) == "<tf.Variable 'W:0' shape=(2, 1) dtype=float32_ref>"


def test_two_layer_mlp_with_random_normal_relu_and_softmax_ce():
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 3])
    W1 = tf.Variable(tf.random_normal([4, 8], stddev=0.5))
    b1 = tf.Variable(tf.zeros([8]))
    W2 = tf.Variable(tf.random_normal([8, 3], stddev=0.5))
    b2 = tf.Variable(tf.zeros([3]))
    h = tf.nn.relu(tf.matmul(x, W1) + b1)
    logits = tf.matmul(h, W2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    rng = np.random.RandomState(2)
    xs = rng.randn(10, 4).astype(np.float32)
    ys = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 10)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w1, c1, w2, c2 = sess.run([W1, b1, W2, b2])
        z = np.maximum(xs @ w1 + c1, 0) @ w2 + c2
        log_softmax = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
        expected = -np.mean(np.sum(ys * log_softmax, axis=1))
        first = sess.run(loss, {x: xs, y: ys})
        np.testing.assert_allclose(first, expected, rtol=1e-5)
        for _ in range(30):
            sess.run(train, {x: xs, y: ys})
        assert sess.run(loss, {x: xs, y: ys}) < first
    assert h.shape.as_list() == [None, 8] and logits.op.name == "add_1"


def test_linear_regression_feed_dict_loop():
    xs = np.linspace(-1, 1, 20).astype(np.float32)
    ys = 3.0 * xs + 2.0
    X = tf.placeholder("float")
    Y = tf.placeholder("float")
    W = tf.Variable(np.float32(0.0), name="weight")
    b = tf.Variable(np.float32(0.0), name="bias")
    pred = tf.add(tf.multiply(X, W), b)
    cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * 20)
    optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    w = c = 0.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            for x_i, y_i in zip(xs, ys):
                sess.run(optimizer, feed_dict={X: x_i, Y: y_i})
                err = np.float32(x_i * w + c - y_i)
                w, c = np.float32(w - 0.5 * err * x_i / 20), np.float32(c - 0.5 * err / 20)
        np.testing.assert_allclose(sess.run([W, b]), [w, c], rtol=1e-5)
        training_cost = sess.run(cost, feed_dict={X: xs, Y: ys})
    np.testing.assert_allclose(training_cost, np.sum((xs * w + c - ys) ** 2) / 40, rtol=1e-5)


def test_variable_scope_shared_layer_with_reuse():
    def layer(x, reuse):
        with tf.variable_scope("shared", reuse=reuse):
            w = tf.get_variable("w", [3, 2], initializer=tf.constant_initializer(0.5))
            b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
            return tf.matmul(x, w) + b

    a = tf.placeholder(tf.float32, [None, 3], name="a")
    c = tf.placeholder(tf.float32, [None, 3], name="c")
    out_a = layer(a, reuse=False)
    out_c = layer(c, reuse=True)
    assert [v.name for v in tf.trainable_variables()] == ["shared/w:0", "shared/b:0"]
    with pytest.raises(ValueError, match="already exists"):
        layer(a, reuse=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ra, rc = sess.run([out_a, out_c], {a: np.ones((2, 3)), c: 2 * np.ones((1, 3))})
    np.testing.assert_allclose(ra, np.full((2, 2), 1.5))
    np.testing.assert_allclose(rc, np.full((1, 2), 3.0))


def test_layers_dense_batch_norm_with_update_ops_idiom():
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    is_training = tf.placeholder(tf.bool, name="is_training")
    h = tf.layers.dense(x, 4, name="fc1")
    h = tf.layers.batch_normalization(h, training=is_training, momentum=0.9)
    h = tf.nn.relu(h)
    out = tf.layers.dense(h, 1, name="fc2")
    loss = tf.reduce_mean(tf.square(out))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(update_ops) == 2
    with tf.control_dependencies(update_ops):
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    names = sorted(v.name for v in tf.global_variables())
    assert "batch_normalization/moving_mean:0" in names and "fc1/kernel:0" in names
    xs = np.random.RandomState(0).randn(8, 5).astype(np.float32) + 3.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(["fc1/kernel:0", "fc1/bias:0"])
        sess.run(train, {x: xs, is_training: True})
        moving_mean = sess.run("batch_normalization/moving_mean:0")
        # one update: 0.9 * 0 + 0.1 * batch mean of the (pre-update) dense output
        np.testing.assert_allclose(moving_mean, 0.1 * np.mean(xs @ kernel + bias, 0), rtol=1e-4)
        sess.run(out, {x: xs, is_training: False})
        np.testing.assert_allclose(sess.run("batch_normalization/moving_mean:0"), moving_mean)


def test_saver_restores_a_trained_model_into_a_new_session(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2])
    W = tf.Variable(tf.zeros([2, 1]), name="W")
    y = tf.matmul(x, W)
    loss = tf.reduce_mean(tf.square(y - 1.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train, {x: [[1.0, 2.0]]})
        trained = sess.run(W)
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 2])
    W = tf.Variable(tf.ones([2, 1]), name="W")
    y = tf.matmul(x, W)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, path)
        np.testing.assert_array_equal(sess.run(W), trained)
        np.testing.assert_allclose(sess.run(y, {x: [[1.0, 2.0]]}), [[1.0, 2.0]] @ trained)
    assert tf.train.latest_checkpoint(str(tmp_path)) == path


def test_interactive_session_eval_and_name_scopes():
    sess = tf.InteractiveSession()
    with tf.name_scope("input"):
        a = tf.constant([[1.0, 2.0], [3.0, 4.0]], name="a")
    with tf.name_scope("layer1"):
        w = tf.Variable(tf.ones([2, 2]), name="weights")
        z = tf.matmul(a, w)
        with tf.name_scope("activation"):
            act = tf.nn.relu(z)
    with tf.name_scope("layer1"):  # a second "layer1" scope is uniquified
        z2 = tf.identity(act)
    tf.global_variables_initializer().run()
    np.testing.assert_allclose(act.eval(), [[3.0, 3.0], [7.0, 7.0]])
    assert z.eval().shape == (2, 2)
    sess.close()
    assert [a.op.name, w.op.name, z.op.name, act.op.name, z2.op.name] == [
        "input/a", "layer1/weights", "layer1/MatMul", "layer1/activation/Relu",
        "layer1_1/Identity",
    ]
    assert repr(act) == 'Tensor("layer1/activation/Relu:0", shape=(2, 2), dtype=float32)'


def test_exponential_decay_with_global_step():
    global_step = tf.Variable(0, trainable=False, name="global_step")
    lr = tf.train.exponential_decay(0.1, global_step, 10, 0.5, staircase=True)
    w = tf.Variable(1.0)
    train = tf.train.GradientDescentOptimizer(lr).minimize(w * w, global_step=global_step)
    expected_w = 1.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(25):
            rate = 0.1 * 0.5 ** (step // 10)
            np.testing.assert_allclose(sess.run(lr), rate, rtol=1e-6)
            sess.run(train)
            expected_w -= rate * 2 * expected_w
        assert sess.run(global_step) == 25
        np.testing.assert_allclose(sess.run(w), expected_w, rtol=1e-5)


def test_accuracy_idiom_and_boolean_reductions():
    logits = tf.placeholder(tf.float32, [None, 3])
    labels = tf.placeholder(tf.int64, [None])
    correct = tf.equal(tf.argmax(logits, 1), labels)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    any_wrong = tf.reduce_any(tf.logical_not(correct))
    all_right = tf.reduce_all(correct)
    n_right = tf.count_nonzero(correct)
    rng = np.random.RandomState(3)
    lv, yv = rng.randn(7, 3).astype(np.float32), rng.randint(0, 3, 7)
    hits = np.argmax(lv, 1) == yv
    with tf.Session() as sess:
        result = sess.run([accuracy, any_wrong, all_right, n_right], {logits: lv, labels: yv})
    assert result == [pytest.approx(hits.mean()), (~hits).any(), hits.all(), hits.sum()]
    assert n_right.dtype == tf.int64 and correct.dtype == tf.bool


def test_embedding_lookup_and_gather_train_only_the_looked_up_rows():
    vocab, dim = 6, 3
    embeddings = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0), name="embeddings")
    word_ids = tf.placeholder(tf.int32, [None, 2])
    embedded = tf.nn.embedding_lookup(embeddings, word_ids)
    loss = tf.reduce_sum(tf.square(embedded))
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    ids = np.array([[1, 4], [4, 0]])
    assert embedded.shape.as_list() == [None, 2, dim]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(embeddings)
        np.testing.assert_array_equal(sess.run(embedded, {word_ids: ids}), before[ids])
        np.testing.assert_array_equal(sess.run(tf.gather(embeddings, [5, 5])), before[[5, 5]])
        sess.run(train, {word_ids: ids})
        after = sess.run(embeddings)
    counts = np.bincount(ids.reshape(-1), minlength=vocab)[:, None]  # row 4 is used twice
    np.testing.assert_allclose(after, before - 0.25 * 2 * counts * before, rtol=1e-6)


def test_weight_decay_gradient_clipping_and_tf_losses():
    rng = np.random.RandomState(4)
    xs, ys = rng.randn(16, 3).astype(np.float32), rng.randn(16, 1).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.ones([3, 1]), name="W")
    pred = tf.matmul(x, W)
    mse = tf.losses.mean_squared_error(labels=y, predictions=pred)
    loss = mse + 0.01 * tf.nn.l2_loss(W)
    manual = tf.reduce_mean(tf.squared_difference(pred, y))
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    grads, variables = zip(*optimizer.compute_gradients(loss))
    clipped, norm = tf.clip_by_global_norm(grads, 0.5)
    train = optimizer.apply_gradients(zip(clipped, variables))
    assert tf.losses.get_losses() == [mse]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mse_value, manual_value, n = sess.run([mse, manual, norm], {x: xs, y: ys})
        sess.run(train, {x: xs, y: ys})
        new_w = sess.run(W)
    w = np.ones((3, 1))
    expected_mse = np.mean((xs @ w - ys) ** 2)
    np.testing.assert_allclose([mse_value, manual_value], [expected_mse] * 2, rtol=1e-5)
    grad = 2 * xs.T @ (xs @ w - ys) / 16 + 0.01 * w
    np.testing.assert_allclose(n, np.linalg.norm(grad), rtol=1e-5)
    np.testing.assert_allclose(new_w, w - 0.1 * grad * 0.5 / max(np.linalg.norm(grad), 0.5),
                               rtol=1e-5)


def test_ops_on_a_graph_that_is_not_the_default():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [6], name="x")
    # TF1 builds each op in its inputs' graph: no `with g.as_default():` needed.
    y = tf.reduce_sum(tf.reshape(x, [2, 3]), axis=1)
    z = tf.concat([tf.expand_dims(y, 0), tf.gather(tf.reshape(x, [3, 2]), [2], axis=0)], 1)
    assert y.graph is g and z.graph is g and z.shape.as_list() == [1, 4]
    assert all(op.graph is g for op in g.get_operations())
    with tf.Session(graph=g) as sess:
        result = sess.run(z, {x: np.arange(6.0)})
    np.testing.assert_allclose(result, [[3.0, 12.0, 4.0, 5.0]])
    # a tf.constant made explicitly in another graph is still refused, as in TF1
    with pytest.raises(ValueError, match="must be from the same graph"):
        tf.reshape(x, tf.constant([2, 3]))
