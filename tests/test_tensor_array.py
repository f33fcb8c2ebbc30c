"""`tf.TensorArray`: its operations, TF1's errors, element shapes, use in loops, gradients."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors, gradient_checker


def test_write_read_stack_size_and_the_flow_orders_them():
    ta = tf.TensorArray(tf.float32, size=3)
    written = ta.write(0, 1.0).write(1, 2.0).write(2, 4.0)
    assert written.handle is ta.handle and written.flow is not ta.flow
    assert repr(ta) == "<tf.TensorArray 'TensorArray' dtype=float32>"
    stacked = written.stack()
    assert stacked.shape.as_list() == [3]  # a constant size is a static first dimension
    assert tf.TensorArray(tf.float32, size=3, dynamic_size=True).write(0, 1.0).stack() \
        .shape.as_list() == [None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(stacked), [1.0, 2.0, 4.0])
        assert sess.run(written.size()) == 3
        assert sess.run(written.read(2)) == 4.0


def test_unstack_gather_scatter_concat_and_split():
    x = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    ta = tf.TensorArray(tf.float32, size=4).unstack(x)
    gathered = ta.gather([3, 1])
    scattered = tf.TensorArray(tf.float32, size=3, clear_after_read=False).scatter(
        [2, 0, 1], x[:3])
    pieces = tf.TensorArray(tf.float32, size=3, clear_after_read=False).split(x, [1, 0, 3])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(gathered), x[[3, 1]])
        np.testing.assert_array_equal(sess.run(scattered.stack()), x[[1, 2, 0]])
        np.testing.assert_array_equal(sess.run(pieces.concat()), x)
        np.testing.assert_array_equal(sess.run(pieces.read(2)), x[1:])
        assert sess.run(pieces.read(1)).shape == (0, 3)


def test_element_shapes_are_inferred_from_writes():
    ta = tf.TensorArray(tf.float32, size=2).write(0, tf.zeros([2, 3]))
    assert ta.element_shape.as_list() == [2, 3]
    assert ta.read(1).shape.as_list() == [2, 3]
    assert ta.stack().shape.as_list() == [2, 2, 3]
    with pytest.raises(ValueError, match=r"Inconsistent shapes: saw \(4,\) but expected"):
        ta.write(1, tf.zeros([4]))
    given = tf.TensorArray(tf.float32, size=0, element_shape=[3])
    with tf.Session() as sess:
        assert sess.run(given.stack()).shape == (0, 3)


def test_dynamic_size_grows_the_array():
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    ta = ta.write(0, 5).write(3, 7)
    with tf.Session() as sess:
        assert sess.run(ta.size()) == 4
        assert sess.run(ta.read(3)) == 7


def test_tf1s_errors_at_run_time():
    fixed = tf.TensorArray(tf.float32, size=2, name="fixed")
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="Tried to write to index 2 but "
                                                              "array is not resizeable and size "
                                                              "is: 2"):
            sess.run(fixed.write(2, 1.0).flow)
        with pytest.raises(errors.InvalidArgumentError, match="index 0 because it has already "
                                                              "been written to"):
            sess.run(fixed.write(0, 1.0).write(0, 2.0).flow)
        with pytest.raises(errors.InvalidArgumentError, match="Could not read from TensorArray "
                                                              "index 1 because it has not yet "
                                                              "been written to"):
            sess.run(fixed.write(0, 1.0).read(1))
        with pytest.raises(errors.InvalidArgumentError, match="Tried to read from index 5 but "
                                                              "array size is: 2"):
            sess.run(fixed.read(5))
        once = fixed.write(0, 1.0)
        with pytest.raises(errors.InvalidArgumentError, match="Could not read index 0 twice "
                                                              "because it was cleared"):
            sess.run([once.read(0), once.stack()[0]])
        with pytest.raises(errors.InvalidArgumentError, match="element shape <unknown> is not "
                                                              "fully defined"):
            sess.run(tf.TensorArray(tf.float32, size=0).stack())


def test_clear_after_read_false_keeps_elements_and_a_new_run_gets_a_new_array():
    ta = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 3.0)
    twice = ta.read(0) + ta.read(0)
    with tf.Session() as sess:
        assert sess.run(twice) == 6.0
        assert sess.run(twice) == 6.0  # each run writes a fresh array


def test_writes_check_the_dtype():
    with pytest.raises(TypeError, match="TensorArray dtype is float32 but Op is trying to write "
                                        "dtype int32"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1))
    with pytest.raises(ValueError, match="Size must be provided"):
        tf.TensorArray(tf.float32)


def test_a_loop_writes_one_element_per_iteration():
    n = tf.placeholder(tf.int32, [], name="n")

    def body(i, ta):
        return i + 1, ta.write(i, tf.cast(i * i, tf.float32))

    _, squares = tf.while_loop(lambda i, ta: i < n, body,
                               [0, tf.TensorArray(tf.float32, size=0, dynamic_size=True)])
    assert isinstance(squares, tf.TensorArray)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(squares.stack(), {n: 5}), [0, 1, 4, 9, 16])
        assert sess.run(squares.size(), {n: 7}) == 7


def _rnn(x, w, steps=4):
    """h_t = tanh(x_t * w + h_{t-1} * 0.5), every h_t written to a TensorArray."""
    inputs = tf.TensorArray(x.dtype, size=steps).unstack(x)
    outputs = tf.TensorArray(x.dtype, size=steps)

    def body(t, h, outputs):
        h = tf.tanh(inputs.read(t) * w + h * 0.5)
        return t + 1, h, outputs.write(t, h)

    _, h, outputs = tf.while_loop(lambda t, h, o: t < steps, body,
                                  [0, tf.zeros_like(x[0]), outputs])
    return outputs.stack(), h


def test_an_rnn_over_a_tensor_array_matches_numpy():
    x = np.random.RandomState(0).randn(4, 3)
    ys, h = _rnn(tf.constant(x), tf.constant(0.7, tf.float64))
    state, want = np.zeros(3), []
    for t in range(4):
        state = np.tanh(x[t] * 0.7 + state * 0.5)
        want.append(state)
    with tf.Session() as sess:
        got_ys, got_h = sess.run([ys, h])
    np.testing.assert_allclose(got_ys, want, rtol=1e-12)
    np.testing.assert_allclose(got_h, want[-1], rtol=1e-12)


@pytest.mark.parametrize("wrt", ["x", "w"])
def test_gradients_through_reads_and_writes_in_a_loop_match_central_differences(wrt):
    x = tf.placeholder_with_default(
        tf.constant(np.random.RandomState(1).randn(4, 3)), [4, 3], name="x")
    w = tf.placeholder_with_default(tf.constant([0.7, -0.3, 1.2], tf.float64), [3], name="w")
    ys, h = _rnn(x, w)
    loss = tf.reduce_sum(ys * ys) + tf.reduce_sum(h)
    target, shape = (x, [4, 3]) if wrt == "x" else (w, [3])
    with tf.Session():
        theoretical, numerical = gradient_checker.compute_gradient(
            target, shape, loss, [], delta=1e-6)
    np.testing.assert_allclose(theoretical, numerical, rtol=1e-6, atol=1e-6)


def test_gradients_of_reads_of_one_element_add_up_and_unread_elements_get_zero():
    x = tf.placeholder(tf.float64, [3, 2], name="x")
    ta = tf.TensorArray(tf.float64, size=3, clear_after_read=False).unstack(x)
    y = tf.reduce_sum(ta.read(0) * 2.0 + ta.read(0) * ta.read(2))
    dx, = tf.gradients(y, x)
    value = np.arange(6.0).reshape(3, 2)
    with tf.Session() as sess:
        got = sess.run(dx, {x: value})
    np.testing.assert_allclose(got, [2.0 + value[2], [0.0, 0.0], value[0]])


def test_gradients_of_gather_scatter_concat_and_split_match_central_differences():
    x = tf.placeholder(tf.float64, [4, 3], name="x")
    a = tf.TensorArray(tf.float64, size=4).scatter([3, 1, 0, 2], tf.tanh(x)).gather([0, 2, 3])
    b = tf.TensorArray(tf.float64, size=2).split(x * x, [3, 1]).concat()
    y = tf.reduce_sum(a * [1.0, 2.0, 3.0]) + tf.reduce_sum(b * x)
    value = np.random.RandomState(2).randn(4, 3)
    with tf.Session():
        theoretical, numerical = gradient_checker.compute_gradient(
            x, [4, 3], y, [], x_init_value=value, delta=1e-6)
    np.testing.assert_allclose(theoretical, numerical, rtol=1e-6, atol=1e-6)


def test_a_tensor_array_made_inside_a_cond_branch_is_a_clear_error():
    with tf.Graph().as_default():
        pred = tf.placeholder(tf.bool, [])

        def branch(value):
            return lambda: tf.TensorArray(tf.float32, size=1).write(0, value)

        with pytest.raises(NotImplementedError, match="true_fn of tf.cond returns a TensorArray "
                                                      "it created .*Create it before the cond"):
            tf.cond(pred, branch(1.0), branch(2.0))
        made_outside = tf.TensorArray(tf.float32, size=1)
        result = tf.cond(pred, lambda: made_outside.write(0, 1.0),
                         lambda: made_outside.write(0, 2.0))
        with tf.Session() as sess:
            assert sess.run(result.stack(), {pred: False}).tolist() == [2.0]
