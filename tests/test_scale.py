"""Scale: a chain of 100,000 ops builds, differentiates and runs, with no recursion anywhere.

The chain runs under `sys.setrecursionlimit(200)`: any recursive walk over the graph (building,
`tf.gradients`, plan compilation, execution) would raise RecursionError at a depth of 200, far
below the chain's length. Timing (linear growth from 10k to 100k ops) is measured by the
benchmark under `bench/`, not here; this test only keeps the whole thing well under 20 s.
"""

import sys

import numpy as np
import pytest

import minigraph as tf

LINKS = 25_000  # each link `y * 1.0001 + 0.001` is 4 ops (2 consts, Mul, Add): 100,000 ops


@pytest.fixture
def low_recursion_limit():
    old = sys.getrecursionlimit()
    depth = _stack_depth()
    sys.setrecursionlimit(depth + 200)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def _reference(x: float, links: int):
    """The chain's value and derivative, in float32 as the graph computes them."""
    y = np.float32(x)
    a, b = np.float32(1.0001), np.float32(0.001)
    for _ in range(links):
        y = y * a + b
    return y, np.float32(1.0001) ** links


@pytest.mark.slow
def test_hundred_thousand_op_chain_builds_differentiates_and_runs(low_recursion_limit):
    x = tf.placeholder(tf.float32, [], name="x")
    y = x
    for _ in range(LINKS):
        y = y * 1.0001 + 0.001
    graph = tf.get_default_graph()
    n_forward = len(graph.get_operations())
    assert n_forward >= 100_000

    (dx,) = tf.gradients(y, x)
    # one Mul per link (grad * 1.0001) and the initial ones: the constants want no gradient,
    # and Add's gradient passes `grad` on without new ops
    assert len(graph.get_operations()) - n_forward == LINKS + 1

    with tf.Session() as sess:
        value, slope = sess.run([y, dx], {x: 1.0})
        again = sess.run(y, {x: 1.0})
    expected_value, expected_slope = _reference(1.0, LINKS)
    assert value == again
    np.testing.assert_allclose(value, expected_value, rtol=1e-3)
    np.testing.assert_allclose(slope, expected_slope, rtol=1e-3)


def test_deep_chain_of_variables_and_optimizer(low_recursion_limit):
    w = tf.Variable(1.0, name="w")
    y = w
    for _ in range(5_000):
        y = y * 0.9999
    train = tf.train.GradientDescentOptimizer(0.1).minimize(y)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        expected = np.float32(1.0) - np.float32(0.1) * np.float32(0.9999) ** 5_000
        np.testing.assert_allclose(sess.run(w), expected, rtol=1e-4)


def test_second_derivative_through_a_long_chain(low_recursion_limit):
    x = tf.constant(1.0, dtype=tf.float64)
    y = x
    for _ in range(1_000):
        y = y * x  # y = x ** 1001
    (dy,) = tf.gradients(y, x)
    (d2y,) = tf.gradients(dy, x)
    with tf.Session() as sess:
        first, second = sess.run([dy, d2y])
    assert first == 1001.0
    assert second == 1001.0 * 1000.0


def test_repeated_runs_of_a_long_chain(low_recursion_limit):
    """Later runs of a cached plan (which the executor may compile further) stay iterative."""
    x = tf.placeholder(tf.float32, [], name="x")
    y = x
    for _ in range(3_000):
        y = y * 1.0001 + 0.001
    (dx,) = tf.gradients(y, x)
    expected_value, expected_slope = _reference(1.0, 3_000)
    with tf.Session() as sess:
        for _ in range(5):
            value, slope = sess.run([y, dx], {x: 1.0})
            np.testing.assert_allclose(value, expected_value, rtol=1e-4)
            np.testing.assert_allclose(slope, expected_slope, rtol=1e-4)
