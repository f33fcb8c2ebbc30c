"""tf.nn beyond the op table: numerics at extreme logits, the composites of nn_impl.py (with
float64 gradient checks), dropout's statistics and seeding, and the errors users meet."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def _grad_error(build, *values, static=True):
    """Max |theoretical - numerical| of build(*placeholders) w.r.t. every (float64) input."""
    xs = [tf.placeholder(tf.float64, v.shape if static else [None] * v.ndim) for v in values]
    y = build(*xs)
    y_shape = _run(y, dict(zip(xs, values))).shape
    return gradient_checker.compute_gradient_error(
        xs, [v.shape for v in values], y, y_shape, x_init_value=list(values), delta=1e-6
    )


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------- softmax cross-entropy
def test_softmax_cross_entropy_at_extreme_logits_is_exact():
    logits = tf.constant([[1000.0, 0.0], [1000.0, 0.0], [-1000.0, 1000.0]])
    labels = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    (dlogits,) = tf.gradients(tf.reduce_sum(loss), [logits])
    loss_value, grad_value = _run([loss, dlogits])
    np.testing.assert_array_equal(loss_value, [0.0, 1000.0, 2000.0])
    np.testing.assert_array_equal(grad_value, [[0.0, 0.0], [1.0, -1.0], [-1.0, 1.0]])
    assert loss.shape == (3,)


def test_softmax_cross_entropy_gradient_reuses_the_backprop_output():
    logits = tf.constant([[1.0, 2.0, 3.0]])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0.0, 1.0, 0.0]], logits=logits)
    tf.gradients(loss, [logits])
    fused = [op for op in tf.get_default_graph().get_operations()
             if op.type == "SoftmaxCrossEntropyWithLogits"]
    assert len(fused) == 1
    consumers = fused[0].outputs[1].consumers()
    assert consumers and all(c.name.startswith("gradients/") for c in consumers)


def test_v1_stops_gradients_into_labels_and_v2_does_not():
    logits = tf.constant([[1.0, 2.0, 0.5]])
    labels = tf.constant([[0.2, 0.7, 0.1]])
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert tf.gradients(v1, [labels]) == [None]
    (dlabels,) = tf.gradients(v2, [labels])
    x = np.array([1.0, 2.0, 0.5])
    log_softmax = x - np.log(np.sum(np.exp(x)))
    np.testing.assert_allclose(_run(dlabels), [-log_softmax], rtol=1e-6)


def test_softmax_cross_entropy_with_unknown_batch_size():
    logits = tf.placeholder(tf.float32, [None, 3])
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 0.0, 1.0]], logits=logits)
    assert loss.shape.as_list() == [None]
    (grad,) = tf.gradients(tf.reduce_mean(loss), [logits])
    value = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], dtype=np.float32)
    got = _run(grad, {logits: value})
    e = np.exp(value - value.max(axis=1, keepdims=True))
    want = (e / e.sum(axis=1, keepdims=True) - [0.0, 0.0, 1.0]) / 2
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_softmax_cross_entropy_needs_named_arguments():
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits([[1.0, 0.0]], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(logits=[[1.0, 0.0]])


def test_softmax_cross_entropy_casts_labels_of_another_dtype_as_tf1():
    logits = tf.constant([[1.0, 0.0]])
    with tf.Session() as sess:
        for fn in (tf.nn.softmax_cross_entropy_with_logits,
                   tf.nn.softmax_cross_entropy_with_logits_v2):
            from_ints = fn(labels=tf.constant([[1, 0]]), logits=logits)
            from_floats = fn(labels=tf.constant([[1.0, 0.0]]), logits=logits)
            assert from_ints.dtype == tf.float32
            assert sess.run(from_ints) == sess.run(from_floats)


def test_softmax_cross_entropy_shape_mismatch_fails_at_build_time():
    with pytest.raises(ValueError, match=r"SoftmaxCrossEntropyWithLogits.*\[2,3\].*\[2,4\]"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.zeros_like(tf.constant(
            np.zeros((2, 4), np.float32))), logits=tf.constant(np.zeros((2, 3), np.float32)))


def test_sparse_softmax_cross_entropy_at_extreme_logits_and_bad_labels():
    logits = tf.constant([[1000.0, 0.0], [1000.0, 0.0]])
    labels = tf.placeholder(tf.int32, [2])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_array_equal(_run(loss, {labels: [0, 1]}), [0.0, 1000.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 2.*\\[0, 2\\)"):
        _run(loss, {labels: [0, 2]})
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0.0], logits=[[1.0, 0.0]])


def test_softmax_and_log_softmax_are_finite_at_large_logits():
    x = tf.constant([[1000.0, 0.0, -1000.0]])
    soft, log_soft = _run([tf.nn.softmax(x), tf.nn.log_softmax(x)])
    np.testing.assert_array_equal(soft, [[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(log_soft, [[0.0, -1000.0, -2000.0]])


def test_softmax_axis_errors():
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        tf.nn.softmax(tf.constant([[1.0, 2.0]]), axis=2)
    with pytest.raises(TypeError, match="floating-point"):
        tf.nn.relu(tf.constant([1, 2]))


# ---------------------------------------------------------------- sigmoid cross-entropy
def test_sigmoid_cross_entropy_matches_the_naive_formula():
    x = np.linspace(-4.0, 4.0, 12).reshape(3, 4)
    z = np.random.default_rng(0).uniform(0.0, 1.0, (3, 4))
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=tf.constant(x))
    naive = -z * np.log(_sigmoid(x)) - (1 - z) * np.log(1 - _sigmoid(x))
    np.testing.assert_allclose(_run(loss), naive, rtol=1e-12)
    assert loss.shape == (3, 4) and loss.dtype == tf.float64
    assert loss.op.name == "logistic_loss"


def test_sigmoid_cross_entropy_is_stable_at_extreme_logits():
    x = tf.constant([1000.0, 1000.0, -1000.0, -1000.0])
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0, 1.0, 0.0], logits=x)
    (grad,) = tf.gradients(tf.reduce_sum(loss), [x])
    loss_value, grad_value = _run([loss, grad])
    np.testing.assert_array_equal(loss_value, [0.0, 1000.0, 1000.0, 0.0])
    np.testing.assert_array_equal(grad_value, [0.0, 1.0, -1.0, 0.0])


def test_sigmoid_cross_entropy_gradient_including_zero_logits():
    x = np.array([[-3.0, -0.5, 0.0], [0.0, 0.7, 2.5]])
    z = np.array([[0.0, 0.3, 1.0], [0.5, 1.0, 0.2]])

    def build(logits, labels):
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)

    assert _grad_error(build, x, z) < 1e-7
    assert _grad_error(build, x, z, static=False) < 1e-7
    logits = tf.constant(x)
    (grad,) = tf.gradients(build(logits, z), [logits])
    np.testing.assert_allclose(_run(grad), _sigmoid(x) - z, rtol=1e-12)


def test_sigmoid_cross_entropy_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0], logits=[[1.0, 0.0, 2.0]])


# ---------------------------------------------------------------- l2_loss
def test_l2_loss_forward_and_gradient():
    t = np.arange(-3.0, 3.0).reshape(2, 3)
    loss = tf.nn.l2_loss(tf.constant(t))
    assert loss.shape == () and loss.op.name == "L2Loss"
    assert _run(loss) == pytest.approx(np.sum(t**2) / 2)
    assert _grad_error(tf.nn.l2_loss, t + 0.25) < 1e-7


# ---------------------------------------------------------------- moments
@pytest.mark.parametrize("axes, keep_dims", [([0], False), ([0, 2], False), ([1], True)])
def test_moments_forward_shapes_and_gradient(axes, keep_dims):
    x = np.random.default_rng(1).normal(size=(4, 3, 2))
    for static in (True, False):
        ph = tf.placeholder(tf.float64, x.shape if static else [None, None, None])
        mean, var = tf.nn.moments(ph, axes, keep_dims=keep_dims)
        got_mean, got_var = _run([mean, var], {ph: x})
        np.testing.assert_allclose(got_mean, x.mean(axis=tuple(axes), keepdims=keep_dims))
        np.testing.assert_allclose(got_var, x.var(axis=tuple(axes), keepdims=keep_dims))
        for t, value in ((mean, got_mean), (var, got_var)):
            assert t.shape.is_compatible_with(value.shape)
            assert t.shape.is_fully_defined() == static
    assert _grad_error(lambda t: tf.nn.moments(t, axes, keep_dims=keep_dims)[1], x) < 1e-7
    assert _grad_error(lambda t: tf.nn.moments(t, axes, keep_dims=keep_dims)[0], x) < 1e-7


# ---------------------------------------------------------------- batch_normalization
def test_batch_normalization_matches_the_formula_with_and_without_scale_offset():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 3))
    mean, var = x.mean(axis=0), x.var(axis=0)
    scale, offset = rng.uniform(0.5, 2.0, 3), rng.normal(size=3)
    eps = 1e-3
    full = tf.nn.batch_normalization(tf.constant(x), mean, var, offset, scale, eps)
    bare = tf.nn.batch_normalization(tf.constant(x), mean, var, None, None, eps)
    got_full, got_bare = _run([full, bare])
    np.testing.assert_allclose(got_full, (x - mean) / np.sqrt(var + eps) * scale + offset)
    np.testing.assert_allclose(got_bare, (x - mean) / np.sqrt(var + eps))
    assert full.shape == (5, 3)


def test_batch_normalization_gradient_wrt_every_input():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 3))
    mean, var = rng.normal(size=3), rng.uniform(0.5, 2.0, 3)
    scale, offset = rng.uniform(0.5, 2.0, 3), rng.normal(size=3)

    def build(x, mean, var, offset, scale):
        return tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3)

    assert _grad_error(build, x, mean, var, offset, scale) < 1e-7
    assert _grad_error(build, x, mean, var, offset, scale, static=False) < 1e-7


def test_batch_normalization_with_moments_normalizes_a_batch():
    x = tf.constant(np.random.default_rng(4).normal(3.0, 2.0, size=(64, 4)))
    mean, var = tf.nn.moments(x, [0])
    y = _run(tf.nn.batch_normalization(x, mean, var, None, None, 1e-8))
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(y.std(axis=0), 1.0, atol=1e-6)


# ---------------------------------------------------------------- dropout
def test_dropout_keeps_about_keep_prob_and_scales_by_its_inverse():
    x = tf.constant(np.ones((200, 50), np.float32))
    y = tf.nn.dropout(x, keep_prob=0.8, seed=3)
    value = _run(y)
    assert set(np.unique(value)) <= {0.0, np.float32(1 / 0.8)}
    assert abs((value != 0).mean() - 0.8) < 0.02
    assert y.shape == (200, 50) and y.dtype == tf.float32


def test_dropout_rate_is_the_drop_probability():
    value = _run(tf.nn.dropout(tf.constant(np.ones((100, 100), np.float32)), rate=0.25, seed=1))
    assert abs((value == 0).mean() - 0.25) < 0.02
    np.testing.assert_allclose(value[value != 0], 1 / 0.75, rtol=1e-6)


def test_dropout_keep_prob_placeholder_fed_one_keeps_everything():
    keep_prob = tf.placeholder(tf.float32)
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
    y = tf.nn.dropout(x, keep_prob)
    np.testing.assert_array_equal(_run(y, {keep_prob: 1.0}), _run(x))
    assert (_run(y, {keep_prob: 0.5}) == 0).any()


def test_dropout_with_nothing_to_drop_returns_x_itself():
    x = tf.constant([1.0, 2.0])
    assert tf.nn.dropout(x, keep_prob=1.0) is x
    assert tf.nn.dropout(x, rate=0.0) is x


def test_dropout_noise_shape_drops_whole_rows():
    x = tf.placeholder(tf.float32, [None, 6])
    y = tf.nn.dropout(x, keep_prob=0.5, noise_shape=[40, 1], seed=5)
    value = _run(y, {x: np.ones((40, 6))})
    rows_all_zero = (value == 0).all(axis=1)
    rows_all_two = (value == 2.0).all(axis=1)
    assert (rows_all_zero | rows_all_two).all()
    assert rows_all_zero.any() and rows_all_two.any()
    ones = tf.constant(np.ones((30, 5), np.float32))
    z = tf.nn.dropout(ones, keep_prob=0.5, noise_shape=[None, 1], seed=5)
    value = _run(z)
    assert ((value == 0).all(axis=1) | (value == 2.0).all(axis=1)).all()


def test_dropout_is_reproducible_with_seeds_and_differs_between_runs():
    def program():
        tf.reset_default_graph()
        tf.set_random_seed(7)
        y = tf.nn.dropout(tf.constant(np.ones((10, 10), np.float32)), keep_prob=0.5)
        with tf.Session() as sess:
            return sess.run(y), sess.run(y)

    first, second = program()
    again, _ = program()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


def test_dropout_gradient_is_the_mask_over_keep_prob():
    x = tf.constant(np.linspace(1.0, 2.0, 60).reshape(6, 10))
    y = tf.nn.dropout(x, keep_prob=0.5, seed=9)
    (grad,) = tf.gradients(tf.reduce_sum(y), [x])
    with tf.Session() as sess:
        # One run gives both, so they see the same mask.
        y_value, grad_value, x_value = sess.run([y, grad, x])
    np.testing.assert_allclose(grad_value, y_value / x_value)


def test_dropout_errors():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match=r"range \(0, 1\]"):
        tf.nn.dropout(x, keep_prob=0.0)
    with pytest.raises(ValueError, match=r"range \[0, 1\)"):
        tf.nn.dropout(x, rate=1.0)
    with pytest.raises(ValueError, match="not both"):
        tf.nn.dropout(x, keep_prob=0.5, rate=0.5)
    with pytest.raises(ValueError, match="provide a rate"):
        tf.nn.dropout(x)
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.dropout(tf.constant([1, 2]), keep_prob=0.5)


# ---------------------------------------------------------------- activations
def test_leaky_relu_default_alpha_is_tf1s():
    np.testing.assert_allclose(_run(tf.nn.leaky_relu([-10.0, 3.0])), [-2.0, 3.0])


def test_elu_is_finite_for_large_inputs_and_relu6_clips():
    assert _run(tf.nn.elu([1000.0, -1000.0])).tolist() == [1000.0, -1.0]
    assert _run(tf.nn.relu6([-1.0, 3.0, 1000.0])).tolist() == [0.0, 3.0, 6.0]


def test_second_derivative_through_softmax_cross_entropy():
    logits = tf.placeholder(tf.float64, [1, 3])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0.0, 1.0, 0.0]], logits=logits)
    (grad,) = tf.gradients(loss, [logits])
    value = np.array([[0.1, -0.3, 0.7]])
    error = gradient_checker.compute_gradient_error(
        logits, [1, 3], grad, [1, 3], x_init_value=value, delta=1e-6
    )
    assert error < 1e-7


# ---------------------------------------------------------------- ReluGrad
def test_relu_gradient_is_one_relu_grad_op_whose_shapes_must_match():
    from minigraph.ops import nn_ops

    x = tf.placeholder(tf.float32, [None, 3], name="x")
    (dx,) = tf.gradients(tf.nn.relu(x), [x])
    assert dx.op.type == "ReluGrad"
    with pytest.raises(ValueError, match=r"ReluGrad 'bad' .*\(2, 3\) and \(3, 2\)"):
        nn_ops.relu_grad(tf.ones([2, 3]), tf.ones([3, 2]), name="bad")
    g = tf.placeholder(tf.float32, [None, 3], name="g")
    late = nn_ops.relu_grad(g, x, name="late")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"late .*\[2, 3\], \[1, 3\]"):
            sess.run(late, {g: np.ones((2, 3)), x: np.ones((1, 3))})
        # float64 and float16 take the bit mask too; a 0-d pair takes np.where
        for dtype in (np.float64, np.float16):
            grads = np.array([np.nan, -0.0, 2.0], dtype)
            got = sess.run(nn_ops.relu_grad(grads, np.array([-1.0, 1.0, 0.0], dtype)))
            want = np.array([0.0, -0.0, 0.0], dtype)
            assert got.dtype == dtype and got.tobytes() == want.tobytes()
        assert sess.run(nn_ops.relu_grad(3.0, 1.0)) == 3.0
