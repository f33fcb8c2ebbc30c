"""minigraph/ops/math_ops.py beyond the op table: TF1 defaults and aliases, the course's
accuracy idiom, numerics at the edges (stable logsumexp, products with zeros, ties, sigmoid
extremes, second derivatives), logical ops, and build-time errors."""

import warnings

import numpy as np
import pytest

import minigraph as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


# ---------------------------------------------------------------- argmax and accuracy
def test_accuracy_idiom_with_argmax_default_axis0():
    Z3 = tf.placeholder(tf.float32, [6, None])
    Y = tf.placeholder(tf.float32, [6, None])
    assert tf.argmax(Z3).dtype == tf.int64
    assert tf.argmax(Z3).shape.as_list() == [None]
    correct_prediction = tf.equal(tf.argmax(Z3), tf.argmax(Y))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
    z = np.array([[0.1, 0.9, 0.3], [0.8, 0.05, 0.3]] + [[0.0] * 3] * 4, np.float32)
    y = np.zeros((6, 3), np.float32)
    y[1, 0] = y[0, 1] = y[2, 2] = 1.0
    with tf.Session():
        value = accuracy.eval({Z3: z, Y: y})
    assert value == pytest.approx(2.0 / 3.0)


def test_argmax_aliases_and_errors():
    x = tf.constant([[1, 9, 3], [8, 2, 7]])
    assert _run(tf.argmax(x, dimension=1)).tolist() == [1, 0]
    assert _run(tf.argmin(x, 1, output_type=tf.int32)).dtype == np.int32
    with pytest.raises(ValueError, match="both 'axis' and 'dimension'"):
        tf.argmax(x, axis=0, dimension=1)
    with pytest.raises(ValueError, match="Invalid reduction dimension 2"):
        tf.argmax(x, 2)


# ---------------------------------------------------------------- numerics at the edges
def test_reduce_logsumexp_is_stable():
    assert _run(tf.reduce_logsumexp([1000.0, 0.0])) == pytest.approx(1000.0)
    assert _run(tf.reduce_logsumexp([-1000.0, -1000.0])) == pytest.approx(-1000.0 + np.log(2))
    x = tf.constant([[-np.inf, -np.inf], [0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log(0) = -inf is the right answer
        value = _run(tf.reduce_logsumexp(x, axis=1))
    assert value[0] == -np.inf and value[1] == pytest.approx(np.log(2.0))


def test_reduce_logsumexp_gradient_is_softmax():
    x = tf.constant([1000.0, 999.0, 0.0], dtype=tf.float64)
    (g,) = tf.gradients(tf.reduce_logsumexp(x), [x])
    e = np.exp(np.array([1.0, 0.0, -1000.0]))
    np.testing.assert_allclose(_run(g), e / e.sum())


def test_reduce_prod_gradient_with_zeros():
    x = tf.constant([2.0, 0.0, 3.0], dtype=tf.float64)
    (g,) = tf.gradients(tf.reduce_prod(x), [x])
    np.testing.assert_array_equal(_run(g), [0.0, 6.0, 0.0])
    y = tf.constant([[0.0, 2.0], [3.0, 5.0], [0.0, 1.0]], dtype=tf.float64)
    (g2,) = tf.gradients(tf.reduce_prod(y, axis=0), [y])
    np.testing.assert_array_equal(_run(g2), [[0.0, 5.0], [0.0, 2.0], [0.0, 10.0]])
    z = tf.constant([[0.0, 2.0], [3.0, 5.0]], dtype=tf.float64)
    (g3,) = tf.gradients(tf.reduce_prod(z, axis=0), [z])
    np.testing.assert_array_equal(_run(g3), [[3.0, 5.0], [0.0, 2.0]])


def test_reduce_prod_gradient_with_unknown_axes_falls_back():
    x = tf.placeholder(tf.float64, [2, 3])
    axis = tf.placeholder(tf.int32, [])
    (g,) = tf.gradients(tf.reduce_prod(x, axis), [x])
    value = np.arange(1.0, 7.0).reshape(2, 3)
    expected = np.prod(value, 1, keepdims=True) / value
    np.testing.assert_allclose(_run(g, {x: value, axis: 1}), expected)


def test_reduce_max_gradient_splits_ties():
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
    (g,) = tf.gradients(tf.reduce_max(x, axis=1), [x])
    np.testing.assert_allclose(_run(g), [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])


def test_clip_by_value_forward_and_gradient():
    x = tf.constant([-2.0, 0.0, 0.5, 1.0, 3.0])
    y = tf.clip_by_value(x, 0.0, 1.0)
    assert y.name == "clip_by_value:0"
    (g,) = tf.gradients(tf.reduce_sum(y), [x])
    value, grad = _run([y, g])
    np.testing.assert_array_equal(value, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(grad, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clip_by_value_with_tensor_bounds():
    x = tf.constant([[-5.0, 5.0], [0.2, 0.3]])
    low = tf.constant([0.0, 0.25])
    value = _run(tf.clip_by_value(x, low, 1.0))
    np.testing.assert_allclose(value, [[0.0, 1.0], [0.2, 0.3]])


def test_sigmoid_extremes_without_warnings():
    x = tf.constant([-1000.0, -40.0, 0.0, 40.0, 1000.0], dtype=tf.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = _run(tf.sigmoid(x))
    assert value[0] == 0.0 and value[-1] == 1.0 and value[2] == 0.5
    assert value[1] == pytest.approx(np.exp(-40.0), rel=1e-12)  # no loss of precision
    y = tf.sigmoid(tf.constant([0.0, 2.0]))
    assert y.dtype == tf.float32 and _run(y).dtype == np.float32


def test_tanh_and_sigmoid_second_derivatives():
    x = tf.constant(0.3, dtype=tf.float64)
    (d1,) = tf.gradients(tf.tanh(x), [x])
    (d2,) = tf.gradients(d1, [x])
    t = np.tanh(0.3)
    assert _run(d2) == pytest.approx(-2 * t * (1 - t * t))
    (s1,) = tf.gradients(tf.sigmoid(x), [x])
    s = 1 / (1 + np.exp(-0.3))
    assert _run(s1) == pytest.approx(s * (1 - s))


def test_is_finite_guards():
    x = tf.constant([1.0, np.nan, np.inf])
    np.testing.assert_array_equal(_run(tf.is_finite(x)), [True, False, False])
    np.testing.assert_array_equal(_run(tf.is_nan(x)), [False, True, False])
    np.testing.assert_array_equal(_run(tf.is_inf(x)), [False, False, True])


# ---------------------------------------------------------------- logical ops and where
def test_logical_ops_and_operators():
    a = tf.constant([True, True, False, False])
    b = tf.constant([True, False, True, False])
    results = _run([a & b, a | b, a ^ b, ~a, tf.logical_xor(a, b), True & a])
    assert results[0].tolist() == [True, False, False, False]
    assert results[1].tolist() == [True, True, True, False]
    assert results[2].tolist() == [False, True, True, False]
    assert results[3].tolist() == [False, False, True, True]
    assert results[4].tolist() == results[2].tolist()
    assert results[5].tolist() == [True, True, False, False]
    assert (a & b).op.type == "LogicalAnd" and (a & b).name.startswith("and")
    with pytest.raises(TypeError):
        tf.logical_and(tf.constant([1.0]), tf.constant([0.0]))
    with pytest.raises(TypeError, match="LogicalNot"):
        tf.logical_not(tf.constant([1, 0]))


def test_where_one_argument_gives_int64_coordinates():
    indices = tf.where(tf.constant([[True, False], [True, True]]))
    assert indices.op.type == "Where" and indices.dtype == tf.int64
    assert indices.shape.as_list() == [None, 2]


@pytest.mark.parametrize("op", [tf.cumsum, tf.cumprod])
def test_a_scan_axis_out_of_range_at_run_time_is_tf1s_error(op):
    """A fed axis is checked as TF1's ScanOp checks it; numpy would scan a scalar as [x]."""
    axis = tf.placeholder(tf.int32, [])
    scalar, vector = op(tf.constant(5.0), axis), op(tf.constant([1.0, 2.0]), axis)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Expected scan axis in the range \[0, 0\), but got 0"):
            sess.run(scalar, {axis: 0})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Expected scan axis in the range \[-1, 1\), but got 3"):
            sess.run(vector, {axis: 3})
        assert sess.run(vector, {axis: -1}).tolist() == ([1.0, 3.0] if op is tf.cumsum
                                                          else [1.0, 2.0])
