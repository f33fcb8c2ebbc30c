"""Every error of issue 2 item 8: its exception class and what its message says."""

import numpy as np
import pytest

import minigraph as tf


def test_error_classes_are_tf1s():
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    assert issubclass(tf.errors.FailedPreconditionError, tf.errors.OpError)
    error = tf.errors.InvalidArgumentError(None, None, "message")
    assert error.error_code == tf.errors.INVALID_ARGUMENT
    assert str(error) == "message" and error.message == "message"


def test_uninitialized_variable_names_it():
    w = tf.Variable(np.zeros(3), name="weights")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError) as info:
            sess.run(w * 2.0)
    message = str(info.value)
    assert "Attempting to use uninitialized value weights" in message
    assert "global_variables_initializer" in message
    assert info.value.op is w.op


def test_uninitialized_variable_in_assign_add():
    w = tf.Variable(1.0, name="counter")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="counter"):
            sess.run(tf.assign_add(w, 1.0))


def test_missing_feed_names_placeholder_dtype_and_shape():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = x * 2.0
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y)
    assert (
        "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,3]"
        in str(info.value)
    )
    assert info.value.op is x.op


def test_missing_feed_other_dtypes_and_unknown_shape():
    n = tf.placeholder(tf.int32, name="n")
    with tf.Session() as sess:
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"placeholder tensor 'n' with dtype int32 and shape <unknown>",
        ):
            sess.run(n + 1)


def test_feed_of_wrong_shape():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as info:
            sess.run(x * 2.0, {x: np.zeros((2, 4))})
    assert "Cannot feed value of shape (2, 4) for Tensor x:0, which has shape (?, 3)" in str(
        info.value
    )
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"shape \(3,\) for Tensor x:0"):
            sess.run(x, {x: np.zeros(3)})


def test_feed_of_unconvertible_value():
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="x:0.*float32"):
            sess.run(x, {x: ["a", "b"]})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            sess.run(x, {x: tf.constant([1.0, 2.0])})


def test_build_time_matmul_mismatch_names_both_shapes_and_the_op():
    a = tf.placeholder(tf.float32, [None, 3], name="a")
    b = tf.constant(np.ones((4, 5), np.float32))
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b, name="product")
    message = str(info.value)
    assert "Dimensions must be equal, but are 3 and 4" in message
    assert "'product' (op: 'MatMul')" in message
    assert "[?,3], [4,5]" in message


def test_build_time_broadcast_mismatch():
    with pytest.raises(ValueError, match=r"but are 3 and 4.*'Add'.*\[2,3\], \[4\]"):
        tf.add(tf.ones_like(tf.constant(np.ones((2, 3)))), tf.constant(np.ones(4)))


def test_build_time_reshape_mismatch():
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements"):
        tf.reshape(tf.constant(np.ones((2, 3))), [4, 2])


def test_finalized_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
        g.finalize()
        with pytest.raises(RuntimeError, match="Graph is finalized"):
            c * 2.0
        with pytest.raises(RuntimeError, match="Graph is finalized"):
            tf.Variable(1.0)
        with tf.Session() as sess:  # running a finalized graph is fine
            assert sess.run(c) == 1.0


def test_minimize_with_no_variable_reaching_the_loss():
    tf.Variable(1.0, name="w")
    x = tf.placeholder(tf.float32, [], name="x")
    loss = tf.square(x, name="my_loss")
    with pytest.raises(ValueError) as info:
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    message = str(info.value)
    assert "No gradients provided for any variable" in message
    assert "no trainable variable reaches the loss" in message
    assert "my_loss" in message and "w:0" in message


def test_minimize_with_no_variables_at_all():
    loss = tf.square(tf.constant(1.0), name="lonely")
    with pytest.raises(ValueError, match="No variables to optimize.*lonely"):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)


def test_minimize_with_a_non_variable_in_var_list():
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="not a tf.Variable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(x * x, var_list=[x])


def test_closed_session():
    c = tf.constant(1.0)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session"):
        sess.run(c)
    with pytest.raises(RuntimeError, match="closed Session"):
        with sess:
            pass


def test_tensor_from_another_graph_in_an_op():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0, name="a")
    with g2.as_default():
        b = tf.constant(2.0, name="b")
        with pytest.raises(ValueError) as info:
            tf.add(a, b)
    message = str(info.value)
    assert "must be from the same graph" in message
    assert "a:0" in message and "b:0" in message


def test_tensor_from_another_graph_in_a_fetch():
    with tf.Graph().as_default():
        other = tf.constant(1.0, name="other")
    tf.constant(2.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="not an element of this graph") as info:
            sess.run(other)
        assert "other:0" in str(info.value)
        with pytest.raises(ValueError, match="another graph"):
            sess.run(tf.constant(3.0), {other: 1.0})


def test_eval_in_a_session_of_another_graph():
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    with tf.Session():
        with pytest.raises(ValueError, match="graph is different"):
            other.eval()


def test_bad_fetch_names_and_types():
    tf.constant(1.0, name="c")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="'nope:0' cannot be interpreted"):
            sess.run("nope:0")
        with pytest.raises(TypeError, match="invalid type"):
            sess.run(3)
        with pytest.raises(TypeError, match="only tensors can be fed"):
            sess.run("c:0", {"c": 1.0})


def test_kernel_failure_names_the_op():
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.placeholder(tf.float32, [None], name="y")
    z = tf.add(x, y, name="sum")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(z, {x: np.ones(2), y: np.ones(3)})
    assert "sum" in str(info.value) and "Add" in str(info.value)
    assert "[2], [3]" in str(info.value)


def test_runtime_reshape_failure():
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.reshape(x, [2, 2], name="square")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
            sess.run(y, {x: np.ones(5)})


def test_assign_of_wrong_shape():
    w = tf.Variable(np.zeros((2, 2)), name="w")
    with pytest.raises(ValueError, match=r"\(3,\).*'w'.*\(2, 2\)"):
        tf.assign(w, np.zeros(3))
    x = tf.placeholder(tf.float64, [None, 2])
    update = tf.assign(w, x)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="lhs shape= \\[2,2\\]"):
            sess.run(update, {x: np.zeros((3, 2))})


def test_assign_to_a_non_variable():
    with pytest.raises(TypeError, match="needs a Variable"):
        tf.assign(tf.constant(1.0), 2.0)


def test_converting_an_operation_to_a_tensor():
    op = tf.no_op(name="nothing")
    with pytest.raises(TypeError, match="Can't convert Operation 'nothing'"):
        tf.identity(op)


def test_registering_an_op_twice_says_where():
    from minigraph import registry

    with pytest.raises(ValueError, match="'Add' is already defined at .*math_ops.py"):
        registry.define_op("Add", kernel=None, shape=None)
    with pytest.raises(KeyError, match="'Add' is already registered at .*math_ops.py"):
        registry.RegisterGradient("Add")(lambda op, grad: grad)
    with pytest.raises(LookupError, match="'NoSuchOp'"):
        registry.get_op_def("NoSuchOp")


def test_add_n_of_mixed_dtypes_names_both():
    with pytest.raises(TypeError, match="float32.*float64"):
        tf.add_n([tf.constant(1.0), tf.constant(1.0, dtype=tf.float64)])
    with pytest.raises(ValueError, match="not compatible.*AddN"):
        tf.add_n([tf.constant([1.0]), tf.constant([1.0, 2.0])])
