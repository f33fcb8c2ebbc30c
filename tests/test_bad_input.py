"""Bad input gets a clear error: the exception class TF1 raises, and a message that names the
tensor or op, the shapes or dtypes, and what to do."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


# ---------------------------------------------------------------- feeding
def test_feeding_a_list_of_the_wrong_rank():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with pytest.raises(ValueError, match=r"shape \(3,\) for Tensor x:0, which has shape \(\?, 3\)"):
        _run(x * 2, {x: [1.0, 2.0, 3.0]})


def test_feeding_strings_into_a_float_placeholder():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with pytest.raises(TypeError, match=r"Tensor x:0 of dtype float32.*could not convert"):
        _run(x * 2, {x: [["a", "b", "c"]]})


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


# ---------------------------------------------------------------- shapes at build time
@pytest.mark.parametrize("build, pattern", [
    (lambda: tf.matmul(tf.zeros([2, 3]), tf.zeros([4, 5])),
     r"3 and 4 for 'MatMul' \(op: 'MatMul'\) with input shapes: \[2,3\], \[4,5\]"),
    (lambda: tf.zeros([2, 3]) + tf.zeros([4, 5]), r"'add' \(op: 'Add'\).*\[2,3\], \[4,5\]"),
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


# ---------------------------------------------------------------- shapes at run time
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


def test_session_used_after_close():
    c = tf.constant(1.0)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)


def test_eval_without_a_default_session():
    c = tf.constant(1.0)
    with pytest.raises(ValueError, match=r"no default session.*with tf.Session\(\)"):
        c.eval()
