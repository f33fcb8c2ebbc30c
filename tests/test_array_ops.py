"""minigraph/ops/array_ops.py beyond the op table: TF1 signatures and defaults, the course's
one-hot idiom, concat/split/tile with unknown sizes, zeros/ones as constants or fills,
build-time errors, and `unbroadcast`, which skips the run-time axis search when the other
operand proves that x was not broadcast."""

import numpy as np
import pytest

import minigraph as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


# ---------------------------------------------------------------- one_hot as the course uses it
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


# ---------------------------------------------------------------- unbroadcast
def _searches_in(scope, graph):
    return [
        op.name for op in graph.get_operations()
        if op.type == "BroadcastGradientArgs" and op.name.startswith(scope)
    ]


@pytest.mark.parametrize("op", [tf.add, tf.subtract, tf.multiply, tf.divide, tf.maximum])
def test_bias_add_with_unknown_batch_needs_no_runtime_axis_search_for_z(op):
    z = tf.placeholder(tf.float64, [25, None], name="z")
    b = tf.placeholder(tf.float64, [25, 1], name="b")
    w = tf.placeholder(tf.float64, [25, None], name="w")
    weights = np.random.default_rng(0).normal(size=(25, 7))
    y = op(z, b, name="target")
    dz, db = tf.gradients(tf.reduce_sum(y * w), [z, b])
    # z's gradient is passed on with no run-time axis search (b's static shape proves z is not
    # broadcast); b's own axes are known statically (its shape is fully defined).
    assert _searches_in("gradients/target_grad/", y.graph) == []
    z_value = np.random.default_rng(1).uniform(1, 2, size=(25, 7))
    b_value = np.random.default_rng(2).uniform(1, 2, size=(25, 1))
    with tf.Session() as sess:
        dz_value, db_value = sess.run([dz, db], {z: z_value, b: b_value, w: weights})
    assert dz_value.shape == (25, 7) and db_value.shape == (25, 1)
    for x_value, grad, index in ((z_value, dz_value, 0), (b_value, db_value, 1)):
        expected = np.zeros_like(x_value)
        step = 1e-6
        for i in np.ndindex(x_value.shape):
            hi, lo = x_value.copy(), x_value.copy()
            hi[i] += step
            lo[i] -= step
            args_hi = (hi, b_value) if index == 0 else (z_value, hi)
            args_lo = (lo, b_value) if index == 0 else (z_value, lo)
            ref = {tf.add: np.add, tf.subtract: np.subtract, tf.multiply: np.multiply,
                   tf.divide: np.divide, tf.maximum: np.maximum}[op]
            expected[i] = np.sum(weights * (ref(*args_hi) - ref(*args_lo))) / (2 * step)
        np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_unknown_dims_on_both_sides_still_search_at_run_time():
    # (?, 3) + (?, 3): at run time one could be (1, 3) and the other (5, 3), so nothing is proven.
    x = tf.placeholder(tf.float64, [None, 3])
    y = tf.placeholder(tf.float64, [None, 3])
    dx, dy = tf.gradients(x + y, [x, y])
    with tf.Session() as sess:
        dx_value, dy_value = sess.run([dx, dy], {x: np.ones((1, 3)), y: np.ones((5, 3))})
    np.testing.assert_array_equal(dx_value, np.full((1, 3), 5.0))
    np.testing.assert_array_equal(dy_value, np.ones((5, 3)))


def test_runtime_unbroadcast_keeps_what_is_known_of_the_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 3])
    dx, dy = tf.gradients(x * y, [x, y])
    assert dx.shape.as_list() == [None, 3] and dy.shape.as_list() == [None, 3]
    W = tf.Variable(tf.ones([3, 1]))
    other = tf.placeholder(tf.float32, [None, None])
    dW, = tf.gradients(tf.reduce_sum(tf.matmul(x, W) * other), [W])
    assert dW.shape.as_list() == [3, 1]
