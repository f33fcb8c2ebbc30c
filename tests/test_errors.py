"""Bad input gets a clear error: the exception class TF1 raises, and a message that names the
tensor or op, the shapes or dtypes, and what to do (TF1's own wording where TF1 has one)."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


# ---------------------------------------------------------------- error classes
def test_error_classes_are_tf1s():
    assert issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError)
    assert issubclass(tf.errors.FailedPreconditionError, tf.errors.OpError)
    error = tf.errors.InvalidArgumentError(None, None, "message")
    assert error.error_code == tf.errors.INVALID_ARGUMENT
    assert str(error) == "message" and error.message == "message"


# ---------------------------------------------------------------- uninitialized values and feeds
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
    with pytest.raises(ValueError, match=r"shape \(3,\) for Tensor x:0, which has shape \(\?, 3\)"):
        _run(x * 2, {x: [1.0, 2.0, 3.0]})


def test_feed_of_unconvertible_value():
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="x:0.*float32"):
            sess.run(x, {x: ["a", "b"]})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            sess.run(x, {x: tf.constant([1.0, 2.0])})
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    with pytest.raises(TypeError, match=r"Tensor y:0 of dtype float32.*could not convert"):
        _run(y * 2, {y: [["a", "b", "c"]]})


def test_feeding_a_name_that_does_not_exist_is_a_type_error():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
        _run(x * 2, {"y:0": [[1.0, 2.0, 3.0]]})


def test_feeding_a_name_that_does_not_exist_names_the_placeholders():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with pytest.raises(Exception, match=r"'y:0' refers to a Tensor which does not exist.*'x:0'"):
        _run(x * 2, {"y:0": [[1.0, 2.0, 3.0]]})
    with pytest.raises(Exception, match=r"Did you mean 'inputs:0'"):
        tf.placeholder(tf.float32, name="inputs")
        _run(x * 2, {"input:0": [[1.0, 2.0, 3.0]]})


def test_feeding_by_an_op_name_is_a_type_error():
    tf.constant(1.0, name="c")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="only tensors can be fed"):
            sess.run("c:0", {"c": 1.0})


# ---------------------------------------------------------------- fetching
@pytest.mark.parametrize("fetch", [None, 3, [None]])
def test_fetching_something_that_is_not_a_graph_element(fetch):
    tf.constant(1.0)
    with pytest.raises(TypeError, match=r"Fetch argument .* has invalid type .* must be a string"):
        _run(fetch)


def test_fetching_a_name_that_does_not_exist():
    tf.constant(1.0, name="c")
    with pytest.raises(ValueError, match=r"'nope:0' cannot be interpreted.*'nope', does not"):
        _run("nope:0")


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


# ---------------------------------------------------------------- shapes and dtypes at build time
def test_build_time_matmul_mismatch_names_both_shapes_and_the_op():
    a = tf.placeholder(tf.float32, [None, 3], name="a")
    b = tf.constant(np.ones((4, 5), np.float32))
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b, name="product")
    message = str(info.value)
    assert "Dimensions must be equal, but are 3 and 4" in message
    assert "'product' (op: 'MatMul')" in message
    assert "[?,3], [4,5]" in message


@pytest.mark.parametrize("build, pattern", [
    (lambda: tf.matmul(tf.zeros([2, 3]), tf.zeros([4, 5])),
     r"3 and 4 for 'MatMul' \(op: 'MatMul'\) with input shapes: \[2,3\], \[4,5\]"),
    (lambda: tf.zeros([2, 3]) + tf.zeros([4, 5]), r"'add' \(op: 'Add'\).*\[2,3\], \[4,5\]"),
    (lambda: tf.add(tf.ones_like(tf.constant(np.ones((2, 3)))), tf.constant(np.ones(4))),
     r"but are 3 and 4.*'Add'.*\[2,3\], \[4\]"),
    (lambda: tf.concat([tf.zeros([2, 3]), tf.zeros([4, 5])], 0),
     r"3 and 5 for 'concat' \(op: 'ConcatV2'\)"),
    (lambda: tf.reshape(tf.zeros([2, 3]), [4, 2]),
     r"Cannot reshape a tensor with 6 elements to shape \[4, 2\].*'Reshape'"),
    (lambda: tf.nn.softmax_cross_entropy_with_logits(labels=tf.zeros([2, 3]),
                                                     logits=tf.zeros([2, 4])),
     r"4 and 3 for 'SoftmaxCrossEntropyWithLogits'.*\[2,4\], \[2,3\]"),
    (lambda: tf.reduce_sum(tf.zeros([2, 3]), axis=2),
     r"Invalid reduction dimension 2 for input with 2 dimensions.*'Sum'"),
    (lambda: tf.gather(tf.zeros([2, 3]), [0], axis=2),
     r"axis in the range \[-2, 2\), but got 2 for 'GatherV2'"),
    (lambda: tf.losses.mean_squared_error(tf.zeros([4]), tf.zeros([4, 1])),
     r"labels shape \(4,\) is incompatible with predictions shape \(4, 1\).*reshape labels"),
])
def test_shape_mismatch_at_build_time(build, pattern):
    with pytest.raises(ValueError, match=pattern):
        build()


def test_one_hot_and_gather_need_integer_indices():
    with pytest.raises(TypeError, match=r"one_hot indices must be integers.*float32"):
        tf.one_hot(tf.zeros([2, 3]), 3)
    with pytest.raises(TypeError, match=r"indices of gather must be int32 or int64.*tf.cast"):
        tf.gather(tf.zeros([3]), tf.constant([0.0]))
    with pytest.raises(TypeError, match=r"'Any' Op has type float32.*x > 0"):
        tf.reduce_any(tf.zeros([3]))


def test_add_n_of_mixed_dtypes_names_both():
    with pytest.raises(TypeError, match="float32.*float64"):
        tf.add_n([tf.constant(1.0), tf.constant(1.0, dtype=tf.float64)])
    with pytest.raises(ValueError, match="not compatible.*AddN"):
        tf.add_n([tf.constant([1.0]), tf.constant([1.0, 2.0])])


def test_converting_an_operation_to_a_tensor():
    op = tf.no_op(name="nothing")
    with pytest.raises(TypeError, match="Can't convert Operation 'nothing'"):
        tf.identity(op)


# ---------------------------------------------------------------- shapes at run time
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


@pytest.mark.parametrize("build, pattern", [
    (lambda a, b: a + b, r"node add \(op: Add\) with input shapes: \[2, 3\], \[5, 3\]"),
    (lambda a, b: tf.matmul(a, b),
     r"Matrix size-incompatible: In\[0\]: \[2, 3\], In\[1\]: \[5, 3\].*node MatMul"),
    (lambda a, b: tf.concat([a, b], 1),
     r"Dimensions of inputs should match except along axis 1: shape\[0\] = \[2, 3\] vs. "
     r"shape\[1\] = \[5, 3\].*node concat"),
    (lambda a, b: tf.nn.softmax_cross_entropy_with_logits_v2(labels=b, logits=a),
     r"logits_size=\[2, 3\] labels_size=\[5, 3\].*node SoftmaxCrossEntropyWithLogits"),
    (lambda a, b: tf.reshape(a, [4, -1]) + 0.0 * tf.reduce_sum(b),
     r"Input to reshape is a tensor with 6 values.*node Reshape"),
    (lambda a, b: tf.gather(a, [7]) + 0.0 * tf.reduce_sum(b),
     r"indices\[0\] = 7 is not in \[0, 2\).*node GatherV2"),
])
def test_runtime_shape_mismatch_names_the_op(build, pattern):
    a = tf.placeholder(tf.float32, [None, 3], name="a")
    b = tf.placeholder(tf.float32, [None, 3], name="b")
    out = build(a, b)
    with pytest.raises(errors.InvalidArgumentError, match="(?s)" + pattern):
        _run(out, {a: np.zeros((2, 3)), b: np.zeros((5, 3))})


# ---------------------------------------------------------------- variables and training
def test_variable_without_initial_value_says_what_to_pass():
    with pytest.raises(ValueError, match=r"initial_value must be specified.*tf.get_variable"):
        tf.Variable()


def test_get_variable_without_shape_says_what_to_pass():
    with pytest.raises(ValueError, match=r"new variable \(w\) must be fully defined.*shape="):
        tf.get_variable("w")


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


def test_optimizer_refuses_integer_loss_and_variables():
    v = tf.Variable(3, name="counter")
    with pytest.raises(TypeError, match=r"tf.int32 for loss mul:0.*tf.Variable\(3.0\)"):
        tf.train.GradientDescentOptimizer(0.1).minimize(v * 2)
    with pytest.raises(TypeError, match=r"tf.int32 for variable counter:0"):
        tf.train.AdamOptimizer(0.1).apply_gradients([(tf.constant(1), v)])


def test_saver_restore_of_a_missing_file(tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess, pytest.raises(ValueError, match=r"not a valid checkpoint.*latest_"):
        saver.restore(sess, str(tmp_path / "nothing_here"))


def test_saver_restore_with_wrong_shapes(tmp_path):
    tf.Variable(np.zeros((2, 3), np.float32), name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "ck"))
    tf.reset_default_graph()
    tf.Variable(np.zeros((3, 3), np.float32), name="v")
    with tf.Session() as sess, pytest.raises(
        errors.InvalidArgumentError, match=r"'v' has shape \[3,3\] in the graph but shape \[2, 3\]"
    ):
        tf.train.Saver().restore(sess, path)


# ---------------------------------------------------------------- graphs and sessions
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


def test_tensor_from_a_reset_graph_in_the_new_graph():
    old = tf.constant([1.0, 2.0], name="old")
    tf.reset_default_graph()
    new = tf.constant([3.0, 4.0], name="new")
    with pytest.raises(ValueError, match=r"same graph.*old:0.*The first one belongs to a graph "
                       r"that is not the default graph.*reset"):
        old + new
    with pytest.raises(ValueError, match=r"old:0.*not an element of this graph"):
        _run(old)
    # ops on the old tensor alone are built in the old graph, as in TF1
    assert tf.reduce_sum(old).graph is old.graph


def test_closed_session():
    c = tf.constant(1.0)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session"):
        sess.run(c)
    with pytest.raises(RuntimeError, match="closed Session"):
        with sess:
            pass


def test_eval_in_a_session_of_another_graph():
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    with tf.Session():
        with pytest.raises(ValueError, match="graph is different"):
            other.eval()


def test_eval_without_a_default_session():
    c = tf.constant(1.0)
    with pytest.raises(ValueError, match=r"no default session.*with tf.Session\(\)"):
        c.eval()


# ---------------------------------------------------------------- the op registry
def test_registering_an_op_twice_says_where():
    from minigraph import registry

    with pytest.raises(ValueError, match="'Add' is already defined at .*math_ops.py"):
        registry.define_op("Add", kernel=None, shape=None)
    with pytest.raises(KeyError, match="'Add' is already registered at .*math_ops.py"):
        registry.RegisterGradient("Add")(lambda op, grad: grad)
    with pytest.raises(LookupError, match="'NoSuchOp'"):
        registry.get_op_def("NoSuchOp")
