"""minigraph.gradient_checker: TF1's layout, lists of xs, init targets, and that it catches
a wrong gradient."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker, registry


def test_jacobian_layout_is_x_size_by_y_size():
    x = tf.placeholder(tf.float64, [3])
    w = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = tf.matmul(tf.reshape(x, [1, 3]), w)
    theory, numeric = gradient_checker.compute_gradient(x, [3], y, [1, 2])
    assert theory.shape == numeric.shape == (3, 2)
    np.testing.assert_allclose(theory, w)
    np.testing.assert_allclose(numeric, w, atol=1e-8)


def test_list_of_xs_gives_list_of_pairs():
    a = tf.placeholder(tf.float64, [2])
    b = tf.placeholder(tf.float64, [2])
    y = a * b
    a0, b0 = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    (ta, na), (tb, nb) = gradient_checker.compute_gradient(
        [a, b], [[2], [2]], y, [2], x_init_value=[a0, b0]
    )
    np.testing.assert_allclose(ta, np.diag(b0))
    np.testing.assert_allclose(tb, np.diag(a0))
    np.testing.assert_allclose(na, np.diag(b0), atol=1e-8)
    np.testing.assert_allclose(nb, np.diag(a0), atol=1e-8)


def test_unconnected_x_has_zero_jacobian():
    a = tf.placeholder(tf.float64, [2])
    b = tf.placeholder(tf.float64, [2])
    y = a * 2.0
    (_, _), (tb, nb) = gradient_checker.compute_gradient([a, b], [[2], [2]], y, [2],
                                                           extra_feed_dict=None)
    assert not tb.any() and not nb.any()


def test_with_variables_init_targets_and_extra_feeds():
    w = tf.Variable(np.array([1.0, -1.0]))
    scale = tf.placeholder(tf.float64, [])
    y = tf.reduce_sum(tf.exp(w) * scale)
    error = gradient_checker.compute_gradient_error(
        w, [2], y, [], x_init_value=np.array([0.5, 0.25]), delta=1e-6,
        init_targets=[w.initializer], extra_feed_dict={scale: 3.0},
    )
    assert error < 1e-7


def test_uses_the_default_session_when_it_runs_the_graph():
    x = tf.placeholder(tf.float64, [2])
    y = tf.square(x)
    with tf.Session() as sess:
        theory, _ = gradient_checker.compute_gradient(x, [2], y, [2], x_init_value=[1.0, 2.0])
        assert not sess._closed
    np.testing.assert_allclose(theory, np.diag([2.0, 4.0]))


def test_catches_a_wrong_gradient():
    def wrong_square_grad(op, grad):
        return grad * op.inputs[0]  # missing the factor 2

    x = tf.placeholder(tf.float64, [3])
    y = tf.square(x)
    original = registry._GRADIENTS["Square"]
    registry._GRADIENTS["Square"] = wrong_square_grad
    try:
        error = gradient_checker.compute_gradient_error(x, [3], y, [3], delta=1e-6)
    finally:
        registry._GRADIENTS["Square"] = original
    assert error > 0.1


def test_argument_errors():
    x = tf.placeholder(tf.float64, [3])
    n = tf.placeholder(tf.int32, [3])
    with pytest.raises(ValueError, match="x_shape"):
        gradient_checker.compute_gradient(x, [4], x * 2.0, [3])
    with pytest.raises(ValueError, match="y_shape"):
        gradient_checker.compute_gradient(x, [3], x * 2.0, [2])
    with pytest.raises(TypeError, match="floating-point"):
        gradient_checker.compute_gradient(n, [3], n * 2, [3])
    with pytest.raises(ValueError, match="xs"):
        gradient_checker.compute_gradient([x], [[3], [3]], x * 2.0, [3])
