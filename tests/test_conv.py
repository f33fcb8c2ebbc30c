"""Convolution, pooling and bias ops beyond the op table: TensorFlow's own numbers, second
derivatives, float32 staying float32, and the errors users meet.

Golden values: tests/golden/conv_pool_tf.json, written by tests/golden/conv_pool_tf.py with
TensorFlow 2.21.0 (`tensorflow.compat.v1`, graph mode, CPU): inputs, outputs, the gradients of
`sum(output * weights)` and, for two cases, second derivatives.
"""

import json
import pathlib

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "conv_pool_tf.json").read_text())
CASES = {case["name"]: case for case in GOLDEN["cases"]}

BUILDERS = {
    "conv2d_same_s2_even_kernel": lambda x, w: tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME"),
    "conv2d_valid_s1": lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID"),
    "conv2d_same_dilation2":
        lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]),
    "conv2d_valid_s2_dilation2":
        lambda x, w: tf.nn.conv2d(x, w, [1, 2, 2, 1], "VALID", dilations=[1, 2, 2, 1]),
    "conv2d_nchw_same_s2":
        lambda x, w: tf.nn.conv2d(x, w, [1, 1, 2, 2], "SAME", data_format="NCHW"),
    "conv2d_transpose_same_s2":
        lambda v, w: tf.nn.conv2d_transpose(v, w, [2, 6, 5, 2], [1, 2, 2, 1], "SAME"),
    "max_pool_same_3x3_s2": lambda x: tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
    "max_pool_valid_2x2_s2": lambda x: tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
    "max_pool_ties_same_2x2_s2":
        lambda x: tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
    "max_pool_ties_overlapping_3x3_s1":
        lambda x: tf.nn.max_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "SAME"),
    "avg_pool_same_3x3_s2": lambda x: tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
    "avg_pool_valid_2x3_s1": lambda x: tf.nn.avg_pool(x, [1, 2, 3, 1], [1, 1, 1, 1], "VALID"),
    "bias_add_nchw": lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
}


def _arrays(values):
    return [None if v is None else np.asarray(v, np.float32) for v in values]


def test_golden_file_covers_every_builder():
    assert GOLDEN["tensorflow"] == "2.21.0"
    assert set(CASES) == set(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_matches_tensorflow(name):
    case = CASES[name]
    inputs = _arrays(case["inputs"])
    xs = [tf.placeholder(tf.float32, a.shape) for a in inputs]
    y = BUILDERS[name](*xs)
    loss = tf.reduce_sum(y * np.asarray(case["weights"], np.float32))
    grads = tf.gradients(loss, xs)
    fetches = {"output": y, "grads": grads}
    if case["second"]:
        second = tf.gradients(tf.reduce_sum(tf.square(grads[0])), xs)
        fetches["second"] = [g for g in second if g is not None]
    with tf.Session() as sess:
        got = sess.run(fetches, dict(zip(xs, inputs)))
    assert got["output"].dtype == np.float32
    assert y.shape.as_list() == list(np.shape(case["output"]))
    np.testing.assert_allclose(got["output"], case["output"], rtol=1e-5, atol=1e-5)
    for mine, theirs in zip(got["grads"], _arrays(case["grads"])):
        assert mine.dtype == np.float32
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)
    if case["second"]:
        theirs = [g for g in _arrays(case["second"]) if g is not None]
        assert len(got["second"]) == len(theirs)
        for mine, want in zip(got["second"], theirs):
            np.testing.assert_allclose(mine, want, rtol=1e-4, atol=1e-4)


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    x = tf.constant([[1.0, 3.0], [3.0, 3.0]])
    y = tf.nn.max_pool(tf.reshape(x, [1, 2, 2, 1]), 2, 2, "VALID")
    (dx,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        assert sess.run(dx).tolist() == [[0.0, 1.0], [0.0, 0.0]]


# ---------------------------------------------------------------- second derivatives
def _second_order_error(build, *shapes):
    """Error of the Jacobian of d sum(build(xs)^2)/d xs[0] w.r.t. every input, in float64."""
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s) for s in shapes]
    xs = [tf.placeholder(tf.float64, s) for s in shapes]
    (g,) = tf.gradients(tf.reduce_sum(tf.square(build(*xs))), xs[:1])
    return gradient_checker.compute_gradient_error(
        xs, list(shapes), g, shapes[0], x_init_value=values, delta=1e-6)


def test_conv2d_second_derivatives_are_convolutions_checked_numerically():
    def build(x, w):
        return tf.nn.conv2d(x, w, [1, 2, 1, 1], "SAME", dilations=[1, 1, 2, 1])

    assert _second_order_error(build, (2, 5, 6, 2), (3, 2, 2, 3)) < 1e-6
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert {"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"} <= types


def test_pooling_second_derivatives():
    def build(x):
        return tf.nn.avg_pool(tf.nn.max_pool(x, 2, 1, "SAME"), [1, 2, 3, 1], 2, "SAME")

    assert _second_order_error(build, (2, 5, 6, 2)) < 1e-6
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert {"MaxPoolGrad", "MaxPoolGradGrad", "AvgPoolGrad"} <= types


def test_bias_add_grad_has_a_gradient():
    x = tf.placeholder(tf.float64, [2, 3, 4])
    b = tf.placeholder(tf.float64, [4])
    (db,) = tf.gradients(tf.reduce_sum(tf.square(tf.nn.bias_add(x, b))), [b])
    values = [np.random.default_rng(1).standard_normal((2, 3, 4)), np.arange(4.0)]
    error = gradient_checker.compute_gradient_error(
        [x, b], [(2, 3, 4), (4,)], db, (4,), x_init_value=values)
    assert error < 1e-6


# ---------------------------------------------------------------- shapes and dtypes
def test_static_shapes_follow_tf_arithmetic():
    x = tf.placeholder(tf.float32, [None, 64, 64, 3])
    w = tf.zeros([4, 4, 3, 8])
    assert tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME").shape.as_list() == [None, 64, 64, 8]
    assert tf.nn.conv2d(x, w, 2, "VALID").shape.as_list() == [None, 31, 31, 8]
    assert tf.nn.conv2d(x, w, 3, "SAME").shape.as_list() == [None, 22, 22, 8]
    assert tf.nn.conv2d(x, w, 1, "VALID", dilations=2).shape.as_list() == [None, 58, 58, 8]
    assert tf.nn.max_pool(x, 8, 8, "SAME").shape.as_list() == [None, 8, 8, 3]
    assert tf.nn.max_pool(x, 3, 2, "VALID").shape.as_list() == [None, 31, 31, 3]
    unknown_filter = tf.placeholder(tf.float32, None)
    assert tf.nn.conv2d(x, unknown_filter, 2, "SAME").shape.as_list() == [None, 32, 32, None]


def test_the_gradient_of_a_fed_batch_size_runs():
    x = tf.placeholder(tf.float32, [None, 6, 5, 2])
    w = tf.Variable(tf.ones([3, 3, 2, 4]))
    y = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME")), 2, 2, "SAME")
    dx, dw = tf.gradients(tf.reduce_sum(y), [x, w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for batch in (1, 3):
            values = sess.run([y, dx, dw], {x: np.ones((batch, 6, 5, 2))})
            assert [v.shape for v in values] == [(batch, 3, 3, 4), (batch, 6, 5, 2), (3, 3, 2, 4)]
            assert all(v.dtype == np.float32 for v in values)


# ---------------------------------------------------------------- errors
def test_depth_mismatch_names_both_shapes():
    x = tf.placeholder(tf.float32, [None, 5, 7, 3])
    message = r"same depth: 3 vs 4.*'Conv2D'.*\[\?,5,7,3\], \[3,2,4,4\]"
    with pytest.raises(ValueError, match=message):
        tf.nn.conv2d(x, tf.zeros([3, 2, 4, 4]), [1, 1, 1, 1], "SAME")


def test_valid_window_larger_than_the_image():
    x = tf.placeholder(tf.float32, [None, 5, 7, 3])
    with pytest.raises(ValueError, match="Negative dimension size caused by subtracting 6 from 5"):
        tf.nn.conv2d(x, tf.zeros([6, 2, 3, 4]), 1, "VALID")
    with pytest.raises(ValueError, match="subtracting 6 from 5.*MaxPool"):
        tf.nn.max_pool(x, [1, 6, 2, 1], 1, "VALID")


def test_bad_padding_strides_and_formats():
    x = tf.placeholder(tf.float32, [None, 5, 7, 3])
    w = tf.zeros([3, 2, 3, 4])
    with pytest.raises(ValueError, match="Attr 'padding' of 'Conv2D' Op passed string 'same'"):
        tf.nn.conv2d(x, w, 1, "same")
    with pytest.raises(ValueError, match="strides should be of length 1, 2 or 4 but was 3"):
        tf.nn.conv2d(x, w, [1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="does not yet support strides in the batch and depth"):
        tf.nn.conv2d(x, w, [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="data_format must be 'NHWC'.*'NCWH'"):
        tf.nn.max_pool(x, 2, 2, "SAME", data_format="NCWH")
    with pytest.raises(TypeError, match="Conv2D needs a floating-point tensor"):
        tf.nn.conv2d(tf.zeros([1, 3, 3, 1], tf.int32), tf.zeros([1, 1, 1, 1], tf.int32), 1,
                     "SAME")
    with pytest.raises(TypeError, match="'filter' of 'Conv2D' Op has type float64 that does not"):
        tf.nn.conv2d(x, tf.zeros([3, 2, 3, 4], tf.float64), 1, "SAME")
    with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 3 for the input"):
        tf.nn.conv2d(tf.zeros([5, 7, 3]), w, 1, "SAME")


def test_runtime_mismatch_is_an_invalid_argument_error_naming_the_op():
    x = tf.placeholder(tf.float32, None, name="images")
    y = tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4]), 1, "SAME", name="conv")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"same depth: 1 vs 3[\s\S]*node conv \(op: Conv2D\)"):
            sess.run(y, {x: np.zeros((2, 5, 5, 1))})


def test_bias_add_checks_the_channel_count():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 5 and 3"):
        tf.nn.bias_add(tf.zeros([2, 3, 4, 5]), tf.zeros([3]))
    with pytest.raises(TypeError, match="'bias' of 'BiasAdd' Op has type float64"):
        tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([3], tf.float64))


def test_conv2d_transpose_checks_channels():
    with pytest.raises(ValueError, match="input channels does not match filter's input channels"):
        tf.nn.conv2d_transpose(tf.zeros([1, 2, 2, 3]), tf.zeros([2, 2, 1, 4]), [1, 4, 4, 1],
                               [1, 2, 2, 1])
    with pytest.raises(ValueError, match="output_shape does not match filter's output channels"):
        tf.nn.conv2d_transpose(tf.zeros([1, 2, 2, 4]), tf.zeros([2, 2, 1, 4]), [1, 4, 4, 2],
                               [1, 2, 2, 1])
    with pytest.raises(ValueError, match="out_backprop has shape"):
        tf.nn.conv2d_transpose(tf.zeros([1, 2, 2, 4]), tf.zeros([2, 2, 1, 4]), [1, 9, 9, 1],
                               [1, 2, 2, 1])
