"""The issue-3 math and array ops beyond the op table: TF1 defaults, dtype strings, the
course's one-hot and accuracy idioms, numerics at the edges, and build-time errors."""

import warnings

import numpy as np
import pytest

import minigraph as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


# ---------------------------------------------------------------- dtype strings
def test_dtype_strings_work_everywhere():
    x = tf.placeholder("float", [None, 3])
    c = tf.constant([1, 2], dtype="float")
    z = tf.zeros([2], "float")
    o = tf.ones([2], dtype="int32")
    v = tf.Variable(0, dtype="float")
    r = tf.random_normal([2], dtype="float", seed=1)
    h = tf.one_hot([0, 1], 2, dtype="float64")
    g = tf.get_variable("g", [1], dtype="float")
    cast = tf.cast(tf.constant([True, False]), "float")
    assert [t.dtype for t in (x, c, z, o, v, r, h, g, cast)] == [
        tf.float32, tf.float32, tf.float32, tf.int32, tf.float32, tf.float32, tf.float64,
        tf.float32, tf.float32,
    ]
    assert repr(x) == 'Tensor("Placeholder:0", shape=(?, 3), dtype=float32)'
    np.testing.assert_array_equal(_run(cast), [1.0, 0.0])


def test_bad_dtype_string():
    with pytest.raises(TypeError, match="flaot"):
        tf.zeros([2], "flaot")


# ---------------------------------------------------------------- the course's idioms
def test_one_hot_depth_tensor_axis0_as_in_the_course():
    labels = np.array([1, 2, 3, 0, 2, 1])
    C = tf.constant(4, name="C")
    one_hot_matrix = tf.one_hot(labels, depth=C, axis=0)
    assert one_hot_matrix.shape.as_list() == [4, 6]
    expected = np.zeros((4, 6), np.float32)
    expected[labels, np.arange(6)] = 1.0
    np.testing.assert_array_equal(_run(one_hot_matrix), expected)


def test_one_hot_with_fed_depth():
    depth = tf.placeholder(tf.int32, [])
    labels = tf.placeholder(tf.int64, [None])
    h = tf.one_hot(labels, depth)
    assert h.shape.as_list() == [None, None]
    value = _run(h, {depth: 3, labels: [2, 0]})
    np.testing.assert_array_equal(value, [[0, 0, 1], [1, 0, 0]])


def test_one_hot_argument_errors():
    with pytest.raises(TypeError, match="integers"):
        tf.one_hot([0.5], 3)
    with pytest.raises(ValueError, match="axis"):
        tf.one_hot([0, 1], 3, axis=3)


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


# ---------------------------------------------------------------- logical ops
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


# ---------------------------------------------------------------- concat / split
def test_concat_tf1_signature_and_names():
    a, b = tf.ones([2, 3]), tf.zeros([2, 2])
    c = tf.concat([a, b], 1)
    assert c.name == "concat:0" and c.shape.as_list() == [2, 5]
    assert tf.concat(values=[a, a], axis=0).shape.as_list() == [4, 3]
    single = tf.concat([a], 0)
    assert single.op.type == "Identity"


def test_concat_build_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"Dimension 0 in both shapes must be equal.*concat"):
        tf.concat([tf.ones([2, 3]), tf.ones([3, 3])], 1)
    with pytest.raises(ValueError, match=r"rank.*\[2,3\], \[3\]"):
        tf.concat([tf.ones([2, 3]), tf.ones([3])], 0)
    with pytest.raises(TypeError, match="don't all match"):
        tf.concat([tf.ones([2]), tf.ones([2], tf.int32)], 0)


def test_concat_with_unknown_sizes_and_gradient():
    x = tf.placeholder(tf.float64, [None, 2])
    y = tf.placeholder(tf.float64, [None, 2])
    c = tf.concat([x, y], 0)
    assert c.shape.as_list() == [None, 2]
    gx, gy = tf.gradients(tf.reduce_sum(c * tf.constant([[1.0, 2.0]], tf.float64)), [x, y])
    out = _run([gx, gy], {x: np.zeros((1, 2)), y: np.zeros((3, 2))})
    assert out[0].shape == (1, 2) and out[1].shape == (3, 2)
    np.testing.assert_array_equal(out[1], [[1.0, 2.0]] * 3)


def test_split_unused_pieces_get_zero_gradient():
    x = tf.constant(np.arange(12.0).reshape(3, 4))
    a, b = tf.split(x, 2, axis=1)
    (g,) = tf.gradients(tf.reduce_sum(b), [x])
    np.testing.assert_array_equal(_run(g), [[0, 0, 1, 1]] * 3)
    p, q, r = tf.split(x, [1, -1, 1], axis=1)
    assert q.shape.as_list() == [3, 2]
    (g2,) = tf.gradients(tf.reduce_sum(q) + tf.reduce_sum(r) * 2.0, [x])
    np.testing.assert_array_equal(_run(g2), [[0, 1, 1, 2]] * 3)


def test_split_errors():
    x = tf.ones([3, 4])
    with pytest.raises(ValueError, match="not divisible by num_split 3.*'split'"):
        tf.split(x, 3, axis=1)
    with pytest.raises(ValueError, match="size_splits"):
        tf.split(x, [1, 2], axis=1)
    p = tf.placeholder(tf.float32, [None, 4])
    (first, second) = tf.split(p, 2, axis=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="evenly divide"):
        _run(first, {p: np.zeros((3, 4))})


# ---------------------------------------------------------------- expand_dims / squeeze / tile
def test_expand_dims_and_squeeze():
    x = tf.zeros([3, 1, 4])
    assert tf.expand_dims(x, 0).shape.as_list() == [1, 3, 1, 4]
    assert tf.expand_dims(x, dim=-1).shape.as_list() == [3, 1, 4, 1]
    assert tf.squeeze(x).shape.as_list() == [3, 4]
    assert tf.squeeze(x, squeeze_dims=[1]).shape.as_list() == [3, 4]
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[0\]"):
        tf.squeeze(x, [0])
    with pytest.raises(ValueError, match="expand_dims needs `axis`"):
        tf.expand_dims(x)
    p = tf.placeholder(tf.float32, [None, 1])
    assert tf.squeeze(p).shape.ndims is None  # ? might be 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="squeeze"):
        _run(tf.squeeze(p, [0]), {p: np.zeros((2, 1))})


def test_tile_with_tensor_multiples():
    x = tf.constant([[1, 2]])
    m = tf.placeholder(tf.int32, [2])
    t = tf.tile(x, m)
    assert t.shape.as_list() == [None, None]
    np.testing.assert_array_equal(_run(t, {m: [2, 2]}), [[1, 2, 1, 2]] * 2)
    with pytest.raises(ValueError, match="rank"):
        tf.tile(x, [1, 2, 3])


# ---------------------------------------------------------------- zeros / ones
def test_zeros_ones_small_are_consts_large_are_fills():
    small = tf.zeros([2, 3])
    big = tf.ones([50, 50], dtype=tf.float64)
    assert small.op.type == "Const" and small.name == "zeros:0"
    assert big.op.type == "Fill" and big.name == "ones:0" and big.dtype == tf.float64
    assert big.shape.as_list() == [50, 50]
    np.testing.assert_array_equal(_run(big), np.ones((50, 50)))
    assert tf.zeros(3).shape.as_list() == [3]
    assert tf.zeros(tf.TensorShape([2, 2])).shape.as_list() == [2, 2]


def test_zeros_ones_from_tensor_shapes():
    n = tf.placeholder(tf.int32, [])
    o = tf.ones(tf.stack([n, 2]))
    assert o.shape.as_list() == [None, 2]
    x = tf.placeholder(tf.float32, [None, 3])
    z = tf.zeros(tf.shape(x), dtype=tf.int32)
    o_value, z_value = _run([o, z], {n: 4, x: np.zeros((5, 3))})
    assert o_value.shape == (4, 2) and z_value.shape == (5, 3) and z_value.dtype == np.int32
