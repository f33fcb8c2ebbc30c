"""tf.gradients: unconnected inputs, stop_gradient, grad_ys, higher derivatives, scopes."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker, graph_walk


def _run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def test_unconnected_x_gets_none():
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    z = x * 3.0
    assert tf.gradients(z, [y]) == [None]
    dx, dy = tf.gradients(z, [x, y])
    assert dy is None and _run(dx) == 3.0


def test_gradient_of_x_with_respect_to_itself_is_one():
    x = tf.constant([1.0, 2.0])
    (dx,) = tf.gradients(x, x)
    np.testing.assert_array_equal(_run(dx), [1.0, 1.0])


def test_second_derivative_of_cube_at_two_is_twelve():
    x = tf.constant(2.0)
    (dy,) = tf.gradients(x**3, [x])
    (d2y,) = tf.gradients(dy, [x])
    assert _run([dy, d2y]) == [12.0, 12.0]
    (d3y,) = tf.gradients(d2y, [x])
    assert _run(d3y) == 6.0


def test_second_derivative_through_a_variable_and_matmul():
    w = tf.Variable(np.array([[1.0], [2.0]]))
    x = tf.constant(np.array([[3.0, 4.0]]))
    y = tf.reduce_sum(tf.square(tf.matmul(x, w)))
    (g,) = tf.gradients(y, w)
    (hessian_row_sum,) = tf.gradients(tf.reduce_sum(g), w)
    with tf.Session() as sess:
        sess.run(w.initializer)
        # y = (3 w0 + 4 w1)^2: g = 2 * 11 * [3, 4]; H = 2 [[9, 12], [12, 16]], row sums 42, 56
        np.testing.assert_allclose(sess.run(g), [[66.0], [88.0]])
        np.testing.assert_allclose(sess.run(hessian_row_sum), [[42.0], [56.0]])


def test_stop_gradient_blocks_flow():
    x = tf.constant(3.0)
    y = x * tf.stop_gradient(x * 2.0)
    (dx,) = tf.gradients(y, x)
    assert _run(dx) == 6.0
    assert tf.gradients(tf.stop_gradient(x), x) == [None]


def test_stop_gradients_argument_treats_tensors_as_constants():
    a = tf.constant(0.0)
    b = 2.0 * a
    da, db = tf.gradients(a + b, [a, b], stop_gradients=[a, b])
    assert _run([da, db]) == [1.0, 1.0]
    da_full, db_full = tf.gradients(a + b, [a, b])
    assert _run([da_full, db_full]) == [3.0, 1.0]
    x = tf.constant(1.0)
    hidden = x * 2.0
    assert tf.gradients(hidden * 3.0, x, stop_gradients=[hidden]) == [None]
    dx, dhidden = tf.gradients(hidden * 3.0 + x, [x, hidden], stop_gradients=hidden)
    assert _run([dx, dhidden]) == [1.0, 3.0]


def test_an_x_on_the_path_from_another_x_gets_its_summed_gradient_and_passes_it_on():
    a = tf.placeholder(tf.float32, [3], name="a")
    b = a * 3.0
    y = b * b + b + a
    da, db = tf.gradients(y, [a, b])
    feed = {a: np.array([1.0, 2.0, -1.0], np.float32)}
    got_da, got_db = _run([da, db], feed)
    b_value = 3.0 * feed[a]
    np.testing.assert_allclose(got_db, 2.0 * b_value + 1.0)
    np.testing.assert_allclose(got_da, 3.0 * (2.0 * b_value + 1.0) + 1.0)


def test_grad_ys_weights_the_outputs():
    x = tf.constant([1.0, 2.0])
    y = x * x
    (dx,) = tf.gradients(y, x, grad_ys=tf.constant([10.0, 100.0]))
    np.testing.assert_array_equal(_run(dx), [20.0, 400.0])
    (dx2,) = tf.gradients([y, x], x, grad_ys=[[1.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(_run(dx2), [3.0, 4.0])


def test_grad_ys_errors():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match="grad_ys"):
        tf.gradients([x * 2.0], x, grad_ys=[1.0, 2.0])
    with pytest.raises(ValueError, match="incompatible"):
        tf.gradients(x * 2.0, x, grad_ys=tf.constant([1.0, 2.0, 3.0]))


def test_several_ys_gradients_sum():
    x = tf.constant(2.0)
    (dx,) = tf.gradients([x * x, 3.0 * x], [x])
    assert _run(dx) == 7.0


def test_fan_out_uses_add_n():
    x = tf.constant(2.0)
    y = x * x + x
    (dx,) = tf.gradients(y, x)
    assert _run(dx) == 5.0
    assert any(op.type == "AddN" for op in tf.get_default_graph().get_operations())


def test_gradient_ops_live_under_gradients_scope():
    x = tf.constant(1.0, name="x")
    y = tf.exp(x, name="y")
    (dx,) = tf.gradients(y, x)
    new_ops = [op for op in tf.get_default_graph().get_operations() if op._id > y.op._id]
    assert new_ops and all(op.name.startswith("gradients/") for op in new_ops)
    assert any(op.name.startswith("gradients/y_grad/") for op in new_ops)
    (dx2,) = tf.gradients(y, x)
    assert dx2.op.name.startswith("gradients_1/")


def test_integer_paths_give_no_gradient():
    x = tf.constant(2.0)
    y = tf.cast(tf.cast(x, tf.int32), tf.float32) + x
    (dx,) = tf.gradients(y, x)
    assert _run(dx) == 1.0


def test_non_differentiable_op_in_the_path_gives_none():
    x = tf.constant([1.0, 2.0])
    y = tf.cast(tf.greater(x, 1.5), tf.float32)
    assert tf.gradients(y, x) == [None]


def _identity(x):
    return x


def _same_shape(op):
    return op.inputs[0].shape


def test_missing_gradient_function_raises_lookup_error_naming_op():
    from minigraph import registry
    from minigraph.tensor import apply_op

    registry.define_op("TestOnlyNoGrad", kernel=_identity, shape=_same_shape)
    try:
        x = tf.constant(1.0)
        y = apply_op("TestOnlyNoGrad", [x], name="mystery")
        with pytest.raises(LookupError, match="mystery.*TestOnlyNoGrad"):
            tf.gradients(y, x)
    finally:
        registry._OPS.pop("TestOnlyNoGrad")


def test_unbroadcast_with_unknown_dims():
    x = tf.placeholder(tf.float64, [None, 1])
    b = tf.placeholder(tf.float64, [None])
    y = x * b
    dx, db = tf.gradients(tf.reduce_sum(y), [x, b])
    feed = {x: np.array([[1.0], [2.0], [3.0]]), b: np.array([10.0, 20.0])}
    with tf.Session() as sess:
        dx_value, db_value = sess.run([dx, db], feed)
    np.testing.assert_allclose(dx_value, [[30.0], [30.0], [30.0]])
    np.testing.assert_allclose(db_value, [6.0, 6.0])


def test_mean_gradient_with_unknown_batch():
    x = tf.placeholder(tf.float64, [None, 3])
    y = tf.reduce_mean(x)
    (dx,) = tf.gradients(y, x)
    value = _run(dx, {x: np.ones((4, 3))})
    np.testing.assert_allclose(value, np.full((4, 3), 1 / 12))


def test_gradient_of_a_linear_model_matches_finite_differences():
    x = tf.placeholder(tf.float64, [5, 3])
    w = tf.placeholder(tf.float64, [3, 2])
    b = tf.placeholder(tf.float64, [2])
    labels = np.random.default_rng(0).normal(size=(5, 2))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - labels))
    rng = np.random.default_rng(1)
    values = [rng.normal(size=s) for s in [(5, 3), (3, 2), (2,)]]
    error = gradient_checker.compute_gradient_error(
        [x, w, b], [(5, 3), (3, 2), (2,)], loss, (), x_init_value=values, delta=1e-6
    )
    assert error < 1e-7


def test_gradients_across_graphs_are_refused():
    x = tf.constant(1.0)
    with tf.Graph().as_default():
        y = tf.constant(2.0)
    with pytest.raises(ValueError, match="same graph"):
        tf.gradients(x * 2.0, y)


def test_gradient_function_returning_wrong_shape_or_dtype_is_named():
    from minigraph import registry
    from minigraph.tensor import apply_op

    def wrong_dtype_grad(op, grad):
        return tf.cast(grad, tf.float64)

    def wrong_shape_grad(op, grad):
        return tf.reshape(grad, [-1])

    registry.define_op("TestOnlyBadGrad", kernel=_identity, shape=_same_shape)
    try:
        x = tf.constant(np.ones((2, 2), np.float32))
        y = apply_op("TestOnlyBadGrad", [x], name="bad")
        for fn, error, text in [
            (wrong_dtype_grad, TypeError, "'bad'.*TestOnlyBadGrad.*float64.*float32"),
            (wrong_shape_grad, ValueError, "'bad'.*TestOnlyBadGrad.*shape \\(4,\\)"),
        ]:
            registry._GRADIENTS["TestOnlyBadGrad"] = fn
            with pytest.raises(error, match=text):
                tf.gradients(y, x)
    finally:
        registry._OPS.pop("TestOnlyBadGrad")
        registry._GRADIENTS.pop("TestOnlyBadGrad", None)


def test_gradients_and_minimize_on_a_graph_that_is_not_the_default():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(2.0)
        y = x * x + 1.0
        w = tf.Variable(1.0)
        loss = w * w
    (dx,) = tf.gradients(y, x)  # the default graph is another one here
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    assert dx.graph is g and train.graph is g
    doubled = x * 2.0  # a Python scalar operand joins the tensor's graph
    assert doubled.graph is g
    with tf.Session(graph=g) as sess:
        sess.run(w.initializer)
        sess.run(train)
        assert sess.run([dx, w, doubled]) == [4.0, 0.5, 4.0]


def _new_ops(graph, first: int) -> list:
    return [op.type for op in graph.get_operations()[first:]]


@pytest.mark.parametrize("shape", [[], [16]])
def test_gradient_of_a_chain_builds_one_op_per_link(shape):
    """`y = y * 1.0001 + 0.001`: the constants want no gradient, so each link's gradient is one
    Mul (grad * 1.0001); the Add passes its gradient on as it is, and no Sum undoes a
    broadcast that the constants' shapes rule out."""
    x = tf.placeholder(tf.float32, shape, name="x")
    y = x
    for _ in range(5):
        y = y * 1.0001 + 0.001
    graph = tf.get_default_graph()
    first = len(graph.get_operations())
    (dy,) = tf.gradients(y, [x])
    assert _new_ops(graph, first) == ["Const"] + ["Mul"] * 5
    want = np.ones(shape, np.float32)
    for _ in range(5):
        want = want * np.float32(1.0001)
    np.testing.assert_array_equal(_run(dy, {x: np.ones(shape, np.float32)}), want)


def test_gradient_of_a_small_mlp_builds_only_what_the_weights_need():
    """No gradient with respect to the fed x or the labels is built (the first layer's
    grad @ w1^T, the labels' -log_softmax), and every op made is read by some gradient."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [8, 4], name="x")
        labels = tf.placeholder(tf.float32, [8, 3], name="labels")
        w1 = tf.Variable(np.full((4, 5), 0.1, np.float32), name="w1")
        b1 = tf.Variable(np.zeros(5, np.float32), name="b1")
        w2 = tf.Variable(np.full((5, 3), 0.2, np.float32), name="w2")
        b2 = tf.Variable(np.zeros(3, np.float32), name="b2")
        hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
        logits = tf.matmul(hidden, w2) + b2
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
        first = len(graph.get_operations())
        grads = tf.gradients(loss, [w1, b1, w2, b2])
    made = _new_ops(graph, first)
    assert len(made) == 17, made
    assert made.count("MatMul") == 3 and made.count("ReluGrad") == 1 and "LogSoftmax" not in made
    used = graph_walk.ops_needed([g.op for g in grads])
    assert all(id(op) in used for op in graph.get_operations()[first:])


def test_gradient_scopes_skip_names_taken_in_any_case_as_tf1():
    """The `<op>_grad` scopes are made unique like any name, case-insensitively (tensorflow
    2.21 `compat.v1` gives the same scopes for this graph)."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        y = tf.multiply(x, x, name="mul")
        z = tf.multiply(y, x, name="Mul_1")
        tf.constant(1.0, name="gradients/mul_grad")  # the scope's name is taken
        tf.constant(1.0, name="gradients/MUL_1_GRAD")  # in another case
        (dx,) = tf.gradients(z, [x])
    scopes = {op.name.rsplit("/", 1)[0] for op in g.get_operations()
              if op.name.startswith("gradients/") and op.type != "Const"}
    assert {s for s in scopes if "_grad" in s} == {"gradients/Mul_1_grad_1",
                                                   "gradients/mul_grad_1"}
    assert dx is not None
