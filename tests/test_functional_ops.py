"""`tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr` (minigraph/ops/functional_ops.py) beyond the
golden cases of `test_tf1_apis.py` and the rows of `op_rows_functional_ops.py`: lengths known
only when fed, graphs whose size does not grow with the length, training a variable through
a loop, `back_prop=False`, and bad arguments."""

import numpy as np
import pytest

import minigraph as tf


def test_the_length_may_change_from_run_to_run():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 2])
        rows = tf.map_fn(lambda row: row * 2.0, x)
        running = tf.scan(lambda a, row: a + row, x)
        total = tf.foldr(lambda a, row: a + row, x, initializer=tf.zeros([2]))
        assert rows.shape.as_list() == [None, 2]
        for n in (1, 4, 7):
            value = np.arange(2.0 * n, dtype=np.float32).reshape(n, 2)
            got = sess.run([rows, running, total], {x: value})
            np.testing.assert_allclose(got[0], value * 2)
            np.testing.assert_allclose(got[1], np.cumsum(value, axis=0))
            np.testing.assert_allclose(got[2], value.sum(axis=0))


def test_the_graph_does_not_grow_with_the_length():
    sizes = []
    for n in (3, 3000):
        graph = tf.Graph()
        with graph.as_default():
            x = tf.placeholder(tf.float32, [n])
            y = tf.map_fn(lambda v: tf.tanh(v) * 2.0, x)
            with tf.Session() as sess:
                assert sess.run(y, {x: np.zeros(n)}).shape == (n,)
        sizes.append(len(graph.get_operations()))
    assert sizes[0] == sizes[1]


def test_a_variable_trains_through_map_fn():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        w = tf.Variable([0.5, -0.5])
        predictions = tf.map_fn(lambda row: tf.reduce_sum(row * w), x)
        loss = tf.reduce_mean(tf.square(predictions - tf.constant([1.0, 2.0, 3.0])))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(200):
            sess.run(train)
        assert sess.run(loss) < 1e-4 < first
        np.testing.assert_allclose(sess.run(w), [1.0, 2.0], atol=0.01)  # the exact fit


def test_back_prop_false_gives_no_gradient():
    with tf.Graph().as_default():
        x = tf.constant([1.0, 2.0])
        assert tf.gradients(tf.map_fn(lambda v: v * v, x, back_prop=False), x) == [None]
        assert tf.gradients(tf.foldl(lambda a, v: a * v, x, back_prop=False), x) == [None]


def test_an_empty_fold_returns_the_initializer():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None])
        folded = tf.foldl(lambda a, v: a + v, x, initializer=7.0)
        assert sess.run(folded, {x: np.zeros([0], np.float32)}) == 7.0


@pytest.mark.parametrize("build", [tf.map_fn, tf.scan, tf.foldl, tf.foldr])
def test_fn_must_be_callable(build):
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="fn must be callable, got 3"):
            build(3, tf.constant([1.0]))


@pytest.mark.parametrize("build", [tf.map_fn, tf.scan, tf.foldl, tf.foldr])
def test_elems_of_different_lengths_are_refused(build):
    with tf.Graph().as_default():
        fn = (lambda p: p[0]) if build is tf.map_fn else (lambda a, p: a)
        with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
            build(fn, (tf.zeros([3]), tf.zeros([2])))


def test_lengths_that_differ_at_run_time_are_an_error_naming_them():
    with tf.Graph().as_default(), tf.Session() as sess:
        a = tf.placeholder(tf.float32, [None])
        b = tf.placeholder(tf.float32, [None])
        y = tf.scan(lambda acc, p: (acc[0] + p[0], acc[1] + p[1]), (a, b))
        with pytest.raises(tf.errors.InvalidArgumentError, match="same first dimension"):
            sess.run(y, {a: [1.0, 2.0, 3.0], b: [1.0, 2.0]})
        np.testing.assert_allclose(sess.run(y, {a: [1.0, 2.0], b: [3.0, 4.0]})[1], [3.0, 7.0])
