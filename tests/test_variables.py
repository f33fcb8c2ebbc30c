"""Variables, initializers, GradientDescentOptimizer, and the course's two TF1 programs."""

import numpy as np
import pytest

import minigraph as tf


def test_variable_initial_values_from_number_array_tensor_and_callable():
    a = tf.Variable(0, dtype=tf.float32, name="a")
    b = tf.Variable(np.arange(6.0).reshape(2, 3), name="b")
    c = tf.Variable(tf.ones_like(tf.constant([1.0, 2.0])) * 3.0, name="c")
    d = tf.Variable(lambda: tf.constant([[1, 2]]), name="d")
    e = tf.Variable([0], dtype=tf.float32, name="e")
    assert (a.dtype, a.shape.as_list()) == (tf.float32, [])
    assert (b.dtype, b.shape.as_list()) == (tf.float64, [2, 3])
    assert (c.dtype, c.shape.as_list()) == (tf.float32, [2])
    assert (d.dtype, d.shape.as_list()) == (tf.int32, [1, 2])
    assert e.shape.as_list() == [1]  # TF1: tf.Variable([0]) has shape (1,)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([a, b, c, d, e])
    assert values[0] == 0.0 and isinstance(values[0], np.float32)
    np.testing.assert_array_equal(values[1], np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(values[2], [3.0, 3.0])
    np.testing.assert_array_equal(values[3], [[1, 2]])
    np.testing.assert_array_equal(values[4], [0.0])


def test_variable_is_a_tensor_with_initializer_named_assign():
    w = tf.Variable(1.0, name="w")
    assert isinstance(w, tf.Tensor)
    assert w.name == "w:0" and w.op.type == "VariableV2"
    assert w.initializer.name == "w/Assign" and w.initializer.type == "Assign"
    assert w.graph is tf.get_default_graph()
    assert w.value() is w
    assert w.read_value().op.type == "Identity"


def test_variables_in_control_dependency_block_are_not_gated():
    gate = tf.no_op()
    with tf.control_dependencies([gate]):
        w = tf.Variable(1.0)
    assert w.initializer.control_inputs == []
    assert w.op.control_inputs == []


def test_trainable_flag_and_collections():
    w = tf.Variable(1.0, name="w")
    step = tf.Variable(0, trainable=False, name="global_step")
    local = tf.Variable(0.0, collections=[tf.GraphKeys.LOCAL_VARIABLES], trainable=False)
    assert tf.trainable_variables() == [w]
    assert tf.global_variables() == [w, step]
    assert tf.local_variables() == [local]
    assert not step.trainable


def test_global_variables_initializer_covers_variables_existing_then():
    a = tf.Variable(1.0, name="a")
    init = tf.global_variables_initializer()
    b = tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        sess.run(init)
        assert sess.run(a) == 1.0
        with pytest.raises(tf.errors.FailedPreconditionError, match="b"):
            sess.run(b)
        sess.run(tf.variables_initializer([b]))
        assert sess.run(b) == 2.0
        assert tf.variables_initializer([]).type == "NoOp"


def test_assign_ops_return_new_values():
    w = tf.Variable(10.0)
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(tf.assign(w, 3.0)) == 3.0
        assert sess.run(w.assign_add(2.0)) == 5.0
        assert sess.run(w.assign_sub(1.5)) == 3.5
        assert sess.run(tf.assign_sub(w, 0.5)) == 3.0
        assert sess.run(w.assign(1.0)) == 1.0


def test_assign_with_validate_shape_false_changes_shape():
    w = tf.Variable(np.zeros(2), validate_shape=True)
    grow = tf.assign(w, np.zeros(5), validate_shape=False)
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(grow).shape == (5,)


def test_variable_feeding_overrides_its_value_for_one_run():
    w = tf.Variable(2.0)
    y = w * 3.0
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(y, {w: 10.0}) == 30.0
        assert sess.run(y) == 6.0


# ---------------------------------------------------------------- GradientDescentOptimizer
def test_minimize_steps_and_increments_global_step():
    w = tf.Variable(0.0, name="w")
    frozen = tf.Variable(0.0, name="frozen")
    step = tf.Variable(0, trainable=False, name="global_step")
    loss = (w - 5.0) ** 2 + (frozen - 1.0) ** 2
    train = tf.train.GradientDescentOptimizer(0.1).minimize(
        loss, var_list=[w], global_step=step
    )
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run([w, frozen, step]) == [np.float32(1.0), 0.0, 1]
        sess.run(train)
        assert sess.run(step) == 2
        assert sess.run(w) == np.float32(1.0) + np.float32(0.1) * np.float32(8.0)


def test_compute_and_apply_gradients():
    w = tf.Variable(np.array([1.0, 2.0]), name="w")
    b = tf.Variable(3.0, dtype=tf.float64, name="b")
    unused = tf.Variable(0.0, dtype=tf.float64, name="unused")
    loss = tf.reduce_sum(w * w) + b
    opt = tf.train.GradientDescentOptimizer(0.5)
    grads_and_vars = opt.compute_gradients(loss)
    assert [v for _, v in grads_and_vars] == [w, b, unused]
    assert grads_and_vars[2][0] is None
    clipped = [(g * 0.5, v) for g, v in grads_and_vars if g is not None]
    train = opt.apply_gradients(clipped)
    assert train.name == "GradientDescent"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.5, 1.0])
        assert sess.run(b) == 2.75


def test_update_ops_are_named_and_in_train_op_collection():
    w = tf.Variable(1.0, name="w")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(w * w)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert any(n.startswith("GradientDescent/update_w/") for n in names)
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train]


def test_learning_rate_as_tensor():
    w = tf.Variable(1.0)
    lr = tf.placeholder(tf.float32, [])
    train = tf.train.GradientDescentOptimizer(lr).minimize(w * w)
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(train, {lr: 0.25})
        assert sess.run(w) == 0.5


# ---------------------------------------------------------------- the course's programs
def test_course_program_one_is_bit_identical_to_tf1():
    w = tf.Variable(0, dtype=tf.float32)
    cost = tf.add(tf.add(w**2, tf.multiply(-10.0, w)), 25)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    init = tf.global_variables_initializer()
    session = tf.Session()
    session.run(init)
    assert session.run(w) == np.float32(0.0)
    session.run(train)
    # NOTE: the lecture shows "0.1": 2017-era numpy printed float32 with 6 significant digits.
    # The value, as TF1 computes it in float32, is 0.099999994.
    first = session.run(w)
    assert isinstance(first, np.float32) and first == np.float32(0.099999994)
    assert repr(float(first)) != "0.1"
    for _ in range(1000):
        session.run(train)
    assert session.run(w) == np.float32(4.9999886)
    session.close()


def test_course_program_two_with_placeholder_coefficients():
    coefficients = np.array([[1.0], [-10.0], [25.0]])
    w = tf.Variable(0, dtype=tf.float32)
    x = tf.placeholder(tf.float32, [3, 1])
    cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    init = tf.global_variables_initializer()
    with tf.Session() as session:
        session.run(init)
        assert session.run(w) == 0.0
        session.run(train, feed_dict={x: coefficients})
        assert session.run(w) == np.float32(0.099999994)
        for _ in range(1000):
            session.run(train, feed_dict={x: coefficients})
        assert session.run(w) == np.float32(4.9999886)


def test_local_variables_initializer_is_named_init_like_tf1():
    v = tf.Variable(1.0, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="counter")
    init = tf.local_variables_initializer()
    assert init.name == "init"
    assert tf.local_variables() == [v]
    assert tf.global_variables_initializer().name == "init_1"


def test_model_and_moving_average_collections_are_public():
    v = tf.Variable(1.0, collections=[tf.GraphKeys.MODEL_VARIABLES], name="m")
    assert tf.model_variables() == [v]
    assert tf.moving_average_variables() == []
