"""Graph building at scale: gradient functions skip the inputs that want no gradient
(`op.needs_grad`), `unbroadcast` adds no op where static shapes rule a broadcast out, and
second-order gradients still come out right."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import registry, shapes
from minigraph.ops import array_ops
from minigraph.tensor import Operation, apply_op


def _new_ops(graph, first: int) -> list:
    return [op.type for op in graph.get_operations()[first:]]


def _chain_gradient(links: int, every_input_wanted: bool, monkeypatch):
    """The gradient of `y = y * 1.0001 + 0.001` (links times) on a [16] vector, with the
    gradient functions told that every input wants a gradient when `every_input_wanted`."""
    if every_input_wanted:
        monkeypatch.setattr(Operation, "needs_grad", lambda op, index: True)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [16], name="x")
        y = x
        for _ in range(links):
            y = y * 1.0001 + 0.001
        first = len(graph.get_operations())
        (dy,) = tf.gradients(y, [x])
        made = _new_ops(graph, first)
        with tf.Session() as sess:
            value = sess.run(dy, {x: np.arange(16, dtype=np.float32)})
    monkeypatch.undo()
    return made, value


def test_skipped_inputs_build_fewer_ops_and_the_same_gradient(monkeypatch):
    """Without skipping, each link's gradient also builds the constants' gradients (grad * x,
    summed to a scalar, twice); with it, one Mul per link. The gradient is the same bit for
    bit."""
    skipping, skipped_value = _chain_gradient(50, False, monkeypatch)
    everything, full_value = _chain_gradient(50, True, monkeypatch)
    assert skipping == ["Const"] + ["Mul"] * 50
    assert len(everything) == 1 + 50 * 6, sorted(set(everything))
    assert everything.count("Sum") == 100
    np.testing.assert_array_equal(skipped_value, full_value)


def test_needs_grad_outside_gradients_wants_every_input():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        y = x * 2.0
    assert y.op.needs_grad(0) and y.op.needs_grad(1)
    assert y.op.skip_input_indices is None


def test_gradient_functions_see_which_inputs_are_skipped():
    """While an op's gradient function runs, the inputs that lead back to no x are skipped:
    the constant always, the placeholder that is not differentiated too."""
    seen = []

    def _spy(op, grad):
        seen.append((op.needs_grad(0), op.needs_grad(1), op.skip_input_indices))
        return grad, grad

    registry.define_op("TestOnlyPair", kernel=np.add, shape=shapes.broadcast_inputs)
    registry.RegisterGradient("TestOnlyPair")(_spy)
    try:
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [3], name="x")
            w = tf.placeholder(tf.float32, [3], name="w")
            pair = apply_op("TestOnlyPair", [x, w])
            with_const = apply_op("TestOnlyPair", [x, tf.constant([1.0, 2.0, 3.0])])
            tf.gradients(pair, [x, w])
            tf.gradients(pair, [w])
            tf.gradients(with_const, [x])
        assert seen == [(True, True, None), (False, True, (0,)), (True, False, (1,))]
        assert pair.op.skip_input_indices is None and with_const.op.needs_grad(1)
    finally:
        registry._OPS.pop("TestOnlyPair")
        registry._GRADIENTS.pop("TestOnlyPair")
        registry._GRADIENT_SITES.pop("TestOnlyPair")


@pytest.mark.parametrize(
    "x_shape, other_shape, grad_shape",
    [
        ([16], [], [16]),  # x * 2.0: a scalar other cannot broadcast x
        ([4, 3], [3], [4, 3]),  # a bias added to a batch: the batch's gradient as it is
        ([25, None], [25, 1], [25, None]),  # unknown dims, proved by the other operand
        ([None, 3], [1, 3], [None, 3]),
        ([2, 3], [2, 3], [2, 3]),
    ],
)
def test_unbroadcast_adds_no_op_where_shapes_rule_a_broadcast_out(x_shape, other_shape,
                                                                  grad_shape):
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, x_shape, name="x")
        other = tf.placeholder(tf.float32, other_shape, name="other")
        grad = tf.placeholder(tf.float32, grad_shape, name="grad")
        first = len(graph.get_operations())
        assert array_ops.unbroadcast(grad, x, other) is grad
        assert _new_ops(graph, first) == []


@pytest.mark.parametrize(
    "x_shape, grad_shape, ops",
    [
        ([3, 1], [3, 4], ["Const", "Sum"]),  # a kept 1-dim: one Sum with keep_dims
        ([4], [2, 3, 4], ["Const", "Sum"]),  # leading axes summed away
        ([], [2, 3], ["Const", "Sum"]),
        ([1, 4], [2, 3, 4], ["Const", "Sum", "Const", "Reshape"]),
    ],
)
def test_unbroadcast_sums_once_where_x_was_broadcast(x_shape, grad_shape, ops):
    rng = np.random.default_rng(0)
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, x_shape, name="x")
        grad = tf.placeholder(tf.float32, grad_shape, name="grad")
        first = len(graph.get_operations())
        dx = array_ops.unbroadcast(grad, x)
        assert _new_ops(graph, first) == ops
        assert dx.shape.as_list() == x_shape
        g = rng.normal(size=grad_shape).astype(np.float32)
        with tf.Session() as sess:
            got = sess.run(dx, {grad: g})
    lead = len(grad_shape) - len(x_shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(x_shape) if d == 1 and grad_shape[lead + i] != 1)
    np.testing.assert_allclose(got, g.sum(axis=axes).reshape(x_shape), rtol=1e-6)


def test_second_order_gradients_through_skipped_constants():
    """y = 3 * x**3 + 2 * x * w: the constants want no gradient at either order, and the
    second derivatives match the calculus (d2y/dx2 = 18 x, d2y/dxdw = 2)."""
    x_value = np.array([0.5, -1.0, 2.0])
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float64, [3], name="x")
        w = tf.placeholder(tf.float64, [3], name="w")
        y = tf.reduce_sum(3.0 * x ** 3 + 2.0 * x * w)
        (dx,) = tf.gradients(y, [x])
        first = len(graph.get_operations())
        d2x, dxdw = tf.gradients(dx, [x, w])
        (only_w,) = tf.gradients(dx, [w])
        with tf.Session() as sess:
            got = sess.run([dx, d2x, dxdw, only_w], {x: x_value, w: np.ones(3)})
    assert len(graph.get_operations()) > first
    np.testing.assert_allclose(got[0], 9.0 * x_value ** 2 + 2.0)
    np.testing.assert_allclose(got[1], 18.0 * x_value)
    np.testing.assert_allclose(got[2], np.full(3, 2.0))
    np.testing.assert_array_equal(got[3], got[2])


def test_a_gradient_of_an_op_that_leads_to_no_y_is_none():
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [3], name="x")
        y = x * 2.0
        unrelated = tf.exp(x) * 5.0  # fed by x but not on the way to y
        first = len(graph.get_operations())
        (dx,) = tf.gradients(y, [x])
        (none,) = tf.gradients(y, [unrelated])
        assert none is None
        assert _new_ops(graph, first) == ["Const", "Mul"]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(dx, {x: np.ones(3, np.float32)}),
                                          np.full(3, 2.0, np.float32))
