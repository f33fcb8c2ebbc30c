"""TF1 tutorial-style programs with control flow, run unchanged with `import minigraph as tf`:
an ops tour (`tf.cond`, `tf.case`, `tf.where(cond)`, `tf.unique`), a `tf.while_loop` with
`tf.Print` in its body, and a small recurrent net trained through a loop of TensorArray reads
and writes. Every number is checked against numpy computed independently."""

import numpy as np

import minigraph as tf


def test_ops_tour_with_cond_case_where_and_unique():
    x = tf.placeholder(tf.float32, shape=[None], name="x")
    total = tf.reduce_sum(x)
    # tf.cond: a piecewise function of the sum
    piecewise = tf.cond(total > 10.0, lambda: total * 2.0, lambda: total - 1.0)
    # tf.case: pick a normalisation by the size of the input
    size = tf.size(x)
    normalised = tf.case([(tf.equal(size, 0), lambda: tf.zeros_like(x)),
                          (tf.less(size, 4), lambda: x / tf.reduce_max(tf.abs(x)))],
                         default=lambda: (x - tf.reduce_mean(x)) / 2.0)
    # tf.where(cond): the coordinates of the positive entries
    positive_at = tf.where(x > 0.0)
    # tf.unique: distinct values in order of first appearance, and the index of each entry
    values, index = tf.unique(tf.cast(tf.round(x), tf.int32))
    rng = np.random.RandomState(3)
    with tf.Session() as sess:
        for data in (rng.randint(-3, 6, size=7).astype(np.float32),
                     np.array([4.0, -2.0, 4.0], np.float32), np.array([20.0], np.float32)):
            got = sess.run([piecewise, normalised, positive_at, values, index], {x: data})
            s = data.sum()
            np.testing.assert_allclose(got[0], s * 2 if s > 10 else s - 1)
            want = data / np.abs(data).max() if data.size < 4 else (data - data.mean()) / 2
            np.testing.assert_allclose(got[1], want, rtol=1e-6)
            np.testing.assert_array_equal(got[2], np.argwhere(data > 0))
            distinct, first = np.unique(data.astype(np.int32), return_index=True)
            in_order = distinct[np.argsort(first)]
            np.testing.assert_array_equal(got[3], in_order)
            np.testing.assert_array_equal(in_order[got[4]], data.astype(np.int32))


def test_while_loop_with_print_in_the_body_collatz(capfd):
    n = tf.placeholder(tf.int32, shape=[], name="n")

    def cond(i, value):
        return tf.not_equal(value, 1)

    def body(i, value):
        value = tf.Print(value, [i, value], message="step, value: ")
        nxt = tf.cond(tf.equal(value % 2, 0), lambda: value // 2, lambda: 3 * value + 1)
        return i + 1, nxt

    steps, last = tf.while_loop(cond, body, [tf.constant(0), n])
    with tf.Session() as sess:
        got_steps, got_last = sess.run([steps, last], feed_dict={n: 6})
    value, trail = 6, []
    while value != 1:
        trail.append(value)
        value = value // 2 if value % 2 == 0 else 3 * value + 1
    assert (got_steps, got_last) == (len(trail), 1)
    printed = capfd.readouterr().err.splitlines()
    assert printed == [f"step, value: [{i}][{v}]" for i, v in enumerate(trail)]


def test_a_recurrent_net_trained_through_a_while_loop_matches_numpy():
    rng = np.random.RandomState(0)
    steps, batch, width = 5, 8, 3
    data = rng.randn(steps, batch, width).astype(np.float32)
    target = rng.randn(batch, width).astype(np.float32)
    w0 = (rng.randn(width, width) * 0.3).astype(np.float32)

    inputs = tf.placeholder(tf.float32, [steps, None, width], name="inputs")
    labels = tf.placeholder(tf.float32, [None, width], name="labels")
    W = tf.Variable(w0, name="W")
    input_ta = tf.TensorArray(tf.float32, size=steps).unstack(inputs)

    def body(t, h):
        return t + 1, tf.tanh(input_ta.read(t) + tf.matmul(h, W))

    _, h = tf.while_loop(lambda t, h: t < steps, body,
                         [0, tf.zeros_like(inputs[0])])
    loss = tf.reduce_mean(tf.square(h - labels))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

    def numpy_step(w):
        hs = [np.zeros((batch, width), np.float32)]
        for t in range(steps):
            hs.append(np.tanh(data[t] + hs[-1] @ w))
        cost = np.mean((hs[-1] - target) ** 2)
        dh, dw = 2 * (hs[-1] - target) / hs[-1].size, np.zeros_like(w)
        for t in reversed(range(steps)):
            dz = dh * (1 - hs[t + 1] ** 2)
            dw += hs[t].T @ dz
            dh = dz @ w.T
        return cost, w - 0.5 * dw

    w = w0.astype(np.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10):
            _, cost = sess.run([train, loss], {inputs: data, labels: target})
            want_cost, w = numpy_step(w)
            np.testing.assert_allclose(cost, want_cost, rtol=1e-4)
        np.testing.assert_allclose(sess.run(W), w, rtol=1e-4, atol=1e-6)
