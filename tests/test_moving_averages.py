"""`tf.train.ExponentialMovingAverage` beyond the golden cases of
`tests/test_tf1_behaviours.py` (which check TF1's numbers and names): the course's formulas,
restoring the averages with a Saver, and arguments."""

import numpy as np
import pytest

import minigraph as tf


def test_shadow_is_the_exponentially_weighted_average_of_the_course():
    beta = 0.9
    thetas = np.random.default_rng(1).normal(10.0, 3.0, size=30).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        theta = tf.Variable(float(thetas[0]), name="theta")
        ema = tf.train.ExponentialMovingAverage(beta)
        maintain = ema.apply([theta])
        sess.run(tf.global_variables_initializer())
        averages = []
        for t in thetas:
            sess.run(theta.assign(t))
            sess.run(maintain)
            averages.append(sess.run(ema.average(theta)))
    v = thetas[0]  # the shadow starts at the variable's initial value
    expected = []
    for t in thetas:
        v = beta * v + (1 - beta) * t
        expected.append(v)
    np.testing.assert_allclose(averages, expected, rtol=1e-5)


def test_zero_debias_is_the_course_bias_correction():
    beta = 0.98
    values = np.linspace(1.0, 5.0, 12)
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float64, [])
        loss = tf.identity(x, name="loss")
        ema = tf.train.ExponentialMovingAverage(beta, zero_debias=True)
        maintain = ema.apply([loss])
        sess.run(tf.global_variables_initializer())
        got = []
        for value in values:
            sess.run(maintain, {x: value})
            got.append(sess.run(ema.average(loss)))
    v, expected = 0.0, []
    for t, value in enumerate(values, start=1):
        v = beta * v + (1 - beta) * value
        expected.append(v / (1 - beta ** t))
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_num_updates_lowers_the_decay_at_first():
    with tf.Graph().as_default(), tf.Session() as sess:
        step = tf.Variable(0.0, trainable=False)
        w = tf.Variable(0.0)
        ema = tf.train.ExponentialMovingAverage(0.999, num_updates=step)
        maintain = ema.apply([w])
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign(1.0))
        sess.run(maintain)  # decay = min(0.999, 1/10) = 0.1
        assert sess.run(ema.average(w)) == pytest.approx(0.9, rel=1e-6)


def test_saver_loads_the_averages_into_the_variables(tmp_path):
    with tf.Graph().as_default():
        w = tf.Variable([0.0, 0.0], name="w")
        ema = tf.train.ExponentialMovingAverage(0.5)
        maintain = ema.apply([w])
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for value in ([4.0, 8.0], [4.0, 8.0]):
                sess.run(w.assign(value))
                sess.run(maintain)
            shadow = sess.run(ema.average(w))
            path = saver.save(sess, str(tmp_path / "model"))
    np.testing.assert_allclose(shadow, [3.0, 6.0])
    with tf.Graph().as_default():
        w = tf.Variable([0.0, 0.0], name="w")
        ema = tf.train.ExponentialMovingAverage(0.5)
        assert ema.variables_to_restore() == {"w/ExponentialMovingAverage": w}
        with tf.Session() as sess:
            tf.train.Saver(ema.variables_to_restore()).restore(sess, path)
            np.testing.assert_allclose(sess.run(w), [3.0, 6.0])


def test_apply_twice_keeps_one_shadow_and_default_is_trainable_variables():
    with tf.Graph().as_default():
        a = tf.Variable(1.0, name="a")
        tf.Variable(2.0, name="frozen", trainable=False)
        ema = tf.train.ExponentialMovingAverage(0.9)
        ema.apply()
        ema.apply([a])
        names = [v.name for v in tf.global_variables()]
        assert names == ["a:0", "frozen:0", "a/ExponentialMovingAverage:0"]
        assert ema.average(a).trainable is False


def test_integer_variables_are_refused():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="must be half, float, or double: count:0"):
            tf.train.ExponentialMovingAverage(0.9).apply([tf.Variable(1, name="count")])
