"""tf.layers.batch_normalization: train/test behaviour, moving averages, and their update ops.

Each behaviour a user relies on is a test here: mini-batch statistics in training (mean 0,
variance 1 before γ/β), one example alone at inference equals the same example inside a batch,
moving averages converge to the statistics of a fixed input stream, and the averages move both
with TF1's `control_dependencies(UPDATE_OPS)` idiom and with a plain `minimize()`.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker
from minigraph.train.optimizer import LAYER_UPDATE_OPS

EPS = 1e-3


def _numpy_bn(x, mean, var, gamma, beta, eps=EPS):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _batch(rng, n=16, means=(1.0, -2.0, 5.0), stds=(0.5, 2.0, 3.0)):
    return (rng.standard_normal((n, len(means))) * stds + means).astype(np.float32)


def _bn_vars():
    names = ["gamma", "beta", "moving_mean", "moving_variance"]
    by_name = {v.op.name.split("/")[-1]: v for v in tf.global_variables()}
    return [by_name[n] for n in names]


# ---------------------------------------------------------------- variables and names
def test_variables_names_and_trainability():
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.batch_normalization(x, training=True)
    tf.layers.batch_normalization(x, training=True)
    names = [v.name for v in tf.global_variables()]
    assert names[:4] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
    ]
    assert names[4] == "batch_normalization_1/gamma:0"
    trainable = {v.name for v in tf.trainable_variables()}
    assert trainable == {
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization_1/gamma:0", "batch_normalization_1/beta:0",
    }
    assert all(v.shape.as_list() == [3] for v in tf.global_variables())


def test_initial_values_and_center_scale_off():
    x = tf.placeholder(tf.float32, [None, 2])
    tf.layers.batch_normalization(x, center=False, scale=False, name="plain")
    assert [v.name for v in tf.global_variables()] == [
        "plain/moving_mean:0", "plain/moving_variance:0"]
    assert tf.trainable_variables() == []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mean, var = sess.run(tf.global_variables())
    np.testing.assert_array_equal(mean, [0.0, 0.0])
    np.testing.assert_array_equal(var, [1.0, 1.0])


def test_reuse_shares_the_variables_and_scope_prefixes():
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.variable_scope("model"):
        a = tf.layers.batch_normalization(x, training=True, name="bn")
    with tf.variable_scope("model", reuse=True):
        b = tf.layers.batch_normalization(x, training=False, name="bn", reuse=True)
    assert len(tf.global_variables()) == 4
    assert tf.global_variables()[0].name == "model/bn/gamma:0"
    assert a.shape.as_list() == b.shape.as_list() == [None, 2]


# ---------------------------------------------------------------- training mode
def test_training_normalizes_each_batch_before_gamma_beta():
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.batch_normalization(x, training=True)
    gamma, beta, _, _ = _bn_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g, b = np.array([2.0, 0.5, -1.5], np.float32), np.array([1.0, -3.0, 0.25], np.float32)
        gamma.load(g, sess)
        beta.load(b, sess)
        for _ in range(3):  # every batch is normalized by its own statistics
            batch = _batch(rng)
            out = sess.run(y, {x: batch})
            z_norm = (out - b) / g
            np.testing.assert_allclose(z_norm.mean(axis=0), 0.0, atol=1e-5)
            var = batch.var(axis=0)
            np.testing.assert_allclose(z_norm.var(axis=0), var / (var + EPS), rtol=1e-4)
            np.testing.assert_allclose(z_norm.var(axis=0), 1.0, atol=0.01)
            expected = _numpy_bn(batch, batch.mean(0), batch.var(0), g, b)
            np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_training_placeholder_switches_one_graph():
    rng = np.random.default_rng(1)
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, training=training)
    _, _, moving_mean, moving_var = _bn_vars()
    batch = _batch(rng)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mm, mv = np.array([0.5, -1.0, 2.0], np.float32), np.array([4.0, 0.25, 9.0], np.float32)
        moving_mean.load(mm, sess)
        moving_var.load(mv, sess)
        train_out = sess.run(y, {x: batch, training: True})
        test_out = sess.run(y, {x: batch, training: False})
    np.testing.assert_allclose(
        train_out, _numpy_bn(batch, batch.mean(0), batch.var(0), 1.0, 0.0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(test_out, _numpy_bn(batch, mm, mv, 1.0, 0.0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("training", [True, False, "tensor"])
def test_static_shape_matches_runtime_shape(training):
    x = tf.placeholder(tf.float32, [None, 4, 5])
    flag = tf.placeholder_with_default(True, []) if training == "tensor" else training
    y = tf.layers.batch_normalization(x, training=flag)
    assert y.shape.as_list() == [None, 4, 5]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: np.ones((3, 4, 5), np.float32)})
    assert out.shape == (3, 4, 5)


def test_axis_1_normalizes_channels_first():
    """NCHW: statistics per channel (axis 1) over batch, height and width."""
    rng = np.random.default_rng(2)
    x = tf.placeholder(tf.float32, [None, 2, 3, 4])
    y = tf.layers.batch_normalization(x, axis=1, training=True)
    assert tf.global_variables()[0].shape.as_list() == [2]
    value = rng.standard_normal((5, 2, 3, 4)).astype(np.float32) * 3 + 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gamma = tf.global_variables()[0]
        gamma.load([2.0, 3.0], sess)
        out = sess.run(y, {x: value})
    mean = value.mean(axis=(0, 2, 3), keepdims=True)
    var = value.var(axis=(0, 2, 3), keepdims=True)
    expected = _numpy_bn(value, mean, var, np.array([2.0, 3.0]).reshape(1, 2, 1, 1), 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_gradient_in_training_mode_matches_central_differences():
    """float64, through the batch mean and variance (every output depends on every input)."""
    x = tf.placeholder(tf.float64, [4, 3])
    y = tf.layers.batch_normalization(x, training=True, epsilon=0.1)
    weights = tf.constant(np.arange(12.0).reshape(4, 3) / 7.0 - 0.5)
    loss = tf.reduce_sum(y * y * weights)
    rng = np.random.default_rng(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        error = gradient_checker.compute_gradient_error(
            x, [4, 3], loss, [], x_init_value=rng.standard_normal((4, 3)), delta=1e-6)
    assert error < 1e-6


def test_gradients_reach_gamma_and_beta_but_not_the_moving_averages():
    x = tf.placeholder(tf.float32, [None, 2])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, training=training)
    gamma, beta, moving_mean, moving_var = _bn_vars()
    grads = tf.gradients(tf.reduce_sum(y * y), [gamma, beta])
    assert all(g is not None for g in grads)
    batch = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        d_gamma, d_beta = sess.run(grads, {x: batch, training: True})
    # y = z_norm at γ=1, β=0: d/dγ Σ y² = 2 Σ z_norm², d/dβ = 2 Σ z_norm = 0.
    z_norm = (batch - batch.mean(0)) / np.sqrt(batch.var(0) + EPS)
    np.testing.assert_allclose(d_gamma, 2 * (z_norm ** 2).sum(0), rtol=1e-5)
    np.testing.assert_allclose(d_beta, 0.0, atol=1e-5)


# ---------------------------------------------------------------- inference
def test_inference_one_example_alone_equals_inside_a_batch():
    rng = np.random.default_rng(4)
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, training=training, momentum=0.5)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):  # move the averages away from (0, 1)
            sess.run(update_ops, {x: _batch(rng), training: True})
        batch = _batch(rng, n=10)
        in_batch = sess.run(y, {x: batch, training: False})
        alone = [sess.run(y, {x: batch[i:i + 1], training: False}) for i in range(10)]
        _, _, mm, mv = sess.run(_bn_vars())
    np.testing.assert_array_equal(np.concatenate(alone), in_batch)
    np.testing.assert_allclose(in_batch, _numpy_bn(batch, mm, mv, 1.0, 0.0), rtol=1e-5, atol=1e-5)
    assert not np.allclose(mm, 0.0)
    # ... whereas in training mode, one example alone is all zeros: its own batch of one.
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y, {x: batch[:1], training: True}), 0.0)


def test_python_false_uses_the_moving_averages_and_adds_no_update_ops():
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.layers.batch_normalization(x, training=False)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    assert tf.get_collection(LAYER_UPDATE_OPS) == []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: [[3.0, -1.0]]})
    np.testing.assert_allclose(out, [[3.0, -1.0]] / np.sqrt(1.0 + EPS), rtol=1e-6)


def test_update_ops_in_inference_mode_leave_the_averages_unchanged():
    rng = np.random.default_rng(5)
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool, [])
    tf.layers.batch_normalization(x, training=training)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(update_ops) == 2
    _, _, moving_mean, moving_var = _bn_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(update_ops, {x: _batch(rng), training: True})
        before = sess.run([moving_mean, moving_var])
        sess.run(update_ops, {x: _batch(rng), training: False})
        after = sess.run([moving_mean, moving_var])
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_array_equal(before[1], after[1])


# ---------------------------------------------------------------- moving averages
def test_moving_average_step_is_tf1s_formula():
    """moving = moving * momentum + batch * (1 - momentum), with the biased batch variance."""
    rng = np.random.default_rng(6)
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.batch_normalization(x, training=True, momentum=0.9)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    mm, mv = np.zeros(3), np.ones(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(4):
            batch = _batch(rng, n=5)
            new_mean, new_var = sess.run(update_ops, {x: batch})
            mm = mm * 0.9 + batch.mean(0) * 0.1
            mv = mv * 0.9 + batch.var(0) * 0.1
            np.testing.assert_allclose(new_mean, mm, rtol=1e-5)
            np.testing.assert_allclose(new_var, mv, rtol=1e-5)


def test_moving_averages_converge_to_the_population_statistics():
    """A fixed stream: a data set of 2048 rows cycled in batches of 128 (momentum 0.9)."""
    rng = np.random.default_rng(7)
    data = _batch(rng, n=2048)
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.batch_normalization(x, training=True, momentum=0.9)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    _, _, moving_mean, moving_var = _bn_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(160):
            start = (step % 16) * 128
            sess.run(update_ops, {x: data[start:start + 128]})
        mm, mv = sess.run([moving_mean, moving_var])
    # The average of the batch statistics: the mean exactly, the variance minus the spread of
    # the batch means (batch variances are around their own means); both within noise.
    assert np.all(np.abs(mm - data.mean(0)) < 0.05 * data.std(0)), (mm, data.mean(0))
    np.testing.assert_allclose(mv, data.var(0), rtol=0.06)
    np.testing.assert_allclose(mm, [1.0, -2.0, 5.0], atol=0.2)
    np.testing.assert_allclose(mv, np.square([0.5, 2.0, 3.0]), rtol=0.12)


# ---------------------------------------------------------------- update ops and minimize()
def _model(training=True):
    x = tf.placeholder(tf.float32, [None, 3])
    target = tf.placeholder(tf.float32, [None, 1])
    h = tf.layers.dense(x, 4, use_bias=False)
    h = tf.layers.batch_normalization(h, training=training)
    out = tf.layers.dense(tf.nn.relu(h), 1)
    loss = tf.reduce_mean(tf.square(out - target))
    return x, target, loss


def _moving_vars():
    return [v for v in tf.global_variables() if "moving" in v.name]


def _feeds(x, target, rng):
    return {x: _batch(rng, n=8), target: rng.standard_normal((8, 1)).astype(np.float32)}


def test_tf1_idiom_moves_the_moving_averages():
    rng = np.random.default_rng(8)
    x, target, loss = _model()
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(_moving_vars())
        sess.run(train, _feeds(x, target, rng))
        after = sess.run(_moving_vars())
    assert not np.allclose(before[0], after[0])
    assert not np.allclose(before[1], after[1])


def test_plain_minimize_moves_the_moving_averages():
    rng = np.random.default_rng(9)
    x, target, loss = _model()
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(_moving_vars())
        sess.run(train, _feeds(x, target, rng))
        after = sess.run(_moving_vars())
    assert not np.allclose(before[0], after[0])
    assert not np.allclose(before[1], after[1])


@pytest.fixture
def strict_tf1():
    with tf.layers.strict_tf1():
        yield


def test_strict_tf1_plain_minimize_leaves_the_averages_at_their_initial_values(strict_tf1):
    """TF1's trap, on purpose: under strict_tf1 a plain minimize() does not run the updates."""
    rng = np.random.default_rng(9)
    x, target, loss = _model()
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    assert tf.get_collection(LAYER_UPDATE_OPS) == []
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train, _feeds(x, target, rng))
        mm, mv = sess.run(_moving_vars())
    np.testing.assert_array_equal(mm, 0.0)
    np.testing.assert_array_equal(mv, 1.0)


def test_strict_tf1_the_idiom_is_the_fix(strict_tf1):
    rng = np.random.default_rng(9)
    x, target, loss = _model()
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    pre_bn = tf.get_default_graph().get_tensor_by_name("dense/MatMul:0")
    feeds = _feeds(x, target, rng)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        z = sess.run(pre_bn, feeds)
        sess.run(train, feeds)
        mm, mv = sess.run(_moving_vars())
    np.testing.assert_allclose(mm, 0.01 * z.mean(0), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(mv, 0.99 + 0.01 * z.var(0), rtol=1e-5)


def test_strict_tf1_is_off_by_default_scoped_and_decided_when_a_layer_is_built():
    assert tf.layers.set_strict_tf1(False) is False  # minigraph's safe default
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.layers.strict_tf1():
        strict = tf.layers.batch_normalization(x, training=True)
        with tf.layers.strict_tf1(False):
            safe_inside = tf.layers.batch_normalization(x, training=True)
    safe = tf.layers.batch_normalization(x, training=True)
    recorded = [output for output, _ in tf.get_collection(LAYER_UPDATE_OPS)]
    assert recorded == [safe_inside, safe] and strict not in recorded
    assert tf.layers.set_strict_tf1(True) is False
    assert tf.layers.set_strict_tf1(False) is True
    with pytest.raises(RuntimeError):
        with tf.layers.strict_tf1():
            raise RuntimeError("a failing block still restores the setting")
    assert tf.layers.set_strict_tf1(False) is False


@pytest.mark.parametrize("idiom", [False, True])
def test_one_training_step_updates_the_averages_exactly_once(idiom):
    """With or without the idiom, one run = one moving-average step, from the batch statistics
    of the pre-activations computed with the weights *before* the step."""
    rng = np.random.default_rng(10)
    x, target, loss = _model()
    pre_bn = tf.get_default_graph().get_tensor_by_name("dense/MatMul:0")
    opt = tf.train.GradientDescentOptimizer(0.1)
    if idiom:
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = opt.minimize(loss)
    else:
        train = opt.minimize(loss)
    feeds = _feeds(x, target, rng)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        z = sess.run(pre_bn, feeds)
        sess.run(train, feeds)
        mm, mv = sess.run(_moving_vars())
    np.testing.assert_allclose(mm, 0.01 * z.mean(0), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(mv, 0.99 + 0.01 * z.var(0), rtol=1e-5)


def test_minimize_only_runs_updates_of_layers_feeding_the_loss():
    x = tf.placeholder(tf.float32, [None, 3])
    feeding = tf.layers.batch_normalization(x, training=True, name="feeding")
    tf.layers.batch_normalization(x, training=True, name="elsewhere")
    w = tf.Variable(1.0)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(feeding) * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: np.arange(6.0, dtype=np.float32).reshape(2, 3)})
        values = {v.op.name: sess.run(v) for v in _moving_vars()}
    np.testing.assert_allclose(values["feeding/moving_mean"], [0.015, 0.025, 0.035], rtol=1e-5)
    np.testing.assert_array_equal(values["elsewhere/moving_mean"], 0.0)
    np.testing.assert_array_equal(values["elsewhere/moving_variance"], 1.0)


def test_minimize_in_inference_mode_leaves_the_averages_alone():
    rng = np.random.default_rng(11)
    training = tf.placeholder(tf.bool, [])
    x, target, loss = _model(training)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feeds = _feeds(x, target, rng)
        sess.run(train, {**feeds, training: False})
        mm, mv = sess.run(_moving_vars())
        np.testing.assert_array_equal(mm, 0.0)
        np.testing.assert_array_equal(mv, 1.0)
        sess.run(train, {**feeds, training: True})
        assert not np.allclose(sess.run(_moving_vars())[0], 0.0)


# ---------------------------------------------------------------- errors
def test_training_must_be_a_boolean():
    x = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(TypeError, match="training.*boolean"):
        tf.layers.batch_normalization(x, training=tf.placeholder(tf.float32, []))


def test_feature_size_must_be_known():
    x = tf.placeholder(tf.float32, [None, None])
    with pytest.raises(ValueError, match="axis -1 must be known"):
        tf.layers.batch_normalization(x)


def test_axis_out_of_range():
    x = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(ValueError, match="axis 2 is out of range for an input of rank 2"):
        tf.layers.batch_normalization(x, axis=2)


def test_renorm_is_not_implemented():
    with pytest.raises(NotImplementedError, match="renorm"):
        tf.layers.batch_normalization(tf.placeholder(tf.float32, [None, 2]), renorm=True)


# ---------------------------------------------------------------- the digits demo
@pytest.mark.slow
def test_digits_demo_quick_setting_reaches_95_percent_with_batch_norm(tmp_path, capsys):
    """The demo's promise: >= 0.95 test accuracy with BN in the quick setting, one image alone."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "demos" / "batchnorm_digits.py"
    spec = importlib.util.spec_from_file_location("batchnorm_digits_demo", path)
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    results = demo.main(quick=True, outdir=str(tmp_path))
    out = capsys.readouterr().out
    assert results["bn"] >= 0.95, out
    assert f"with batch norm   : test accuracy {results['bn']:.4f}" in out
    assert "same output as inside the test batch: True" in out
    assert {p.name for p in tmp_path.glob("*.png")} == {
        "digits_training.png", "digits_single_image.png"}


# ---------------------------------------------------------------- what the docs explain
@pytest.mark.parametrize("shape", [(16, 3), (8, 5)])
def test_a_bias_before_batch_norm_gets_no_gradient_and_changes_nothing(shape):
    """BN subtracts the mini-batch mean, so a bias added before it cancels: dL/db = 0."""
    rng = np.random.default_rng(shape[1])
    x = tf.placeholder(tf.float64, [None, shape[1]])
    z = tf.layers.dense(x, 4)
    out = tf.layers.batch_normalization(z, training=True)
    loss = tf.reduce_sum(tf.tanh(out) * rng.standard_normal(4))
    kernel, bias = tf.trainable_variables()[:2]
    d_kernel, d_bias = tf.gradients(loss, [kernel, bias])
    feed = {x: rng.standard_normal(shape)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g_kernel, g_bias, before = sess.run([d_kernel, d_bias, out], feed)
        bias.load([3.0, -7.0, 0.5, 40.0], sess)
        after = sess.run(out, feed)
    assert np.abs(g_kernel).max() > 1e-2
    np.testing.assert_allclose(g_bias, 0.0, atol=1e-12)
    np.testing.assert_allclose(after, before, atol=1e-9)


def test_moments_and_batch_normalization_are_the_layer():
    """The lecture's tf.nn.moments + tf.nn.batch_normalization give the layer's output."""
    rng = np.random.default_rng(5)
    z = tf.placeholder(tf.float32, [None, 3])
    layer = tf.layers.batch_normalization(z, training=True, epsilon=0.01)
    gamma, beta = _bn_vars()[:2]
    mean, variance = tf.nn.moments(z, axes=[0])
    by_hand = tf.nn.batch_normalization(z, mean, variance, beta, gamma, 0.01)
    batch = _batch(rng)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([gamma.assign([2.0, 0.5, -1.0]), beta.assign([1.0, 0.0, 3.0])])
        a, b, m, v = sess.run([layer, by_hand, mean, variance], {z: batch})
    np.testing.assert_allclose(m, batch.mean(0), rtol=1e-5)
    np.testing.assert_allclose(v, batch.var(0), rtol=1e-5)  # biased: 1/m
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a, _numpy_bn(batch, batch.mean(0), batch.var(0),
                                            [2.0, 0.5, -1.0], [1.0, 0.0, 3.0], 0.01),
                               rtol=1e-4, atol=1e-5)


def test_moving_averages_carry_the_one_minus_beta_to_the_t_bias():
    """From 0, after t updates with a constant batch mean μ the moving mean is (1 - βᵗ) μ, and
    from 1 the moving variance is βᵗ + (1 - βᵗ) σ², week 2's uncorrected average."""
    x = tf.placeholder(tf.float64, [None, 1])
    tf.layers.batch_normalization(x, training=True, momentum=0.95)
    moving_mean, moving_variance = _moving_vars()
    batch = np.array([[2.0], [4.0], [6.0], [8.0]])  # μ = 5, σ² = 5
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(30):
            sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS), {x: batch})
        mm, mv = sess.run([moving_mean, moving_variance])
    np.testing.assert_allclose(mm, (1 - 0.95 ** 30) * 5.0, rtol=1e-12)
    np.testing.assert_allclose(mv, 0.95 ** 30 + (1 - 0.95 ** 30) * 5.0, rtol=1e-12)


def test_strict_tf1_covers_contrib_batch_norm_too():
    x = tf.placeholder(tf.float32, [None, 3])
    with tf.layers.strict_tf1():
        strict = tf.contrib.layers.batch_norm(x, is_training=True)
    safe = tf.contrib.layers.batch_norm(x, is_training=True)
    assert [output for output, _ in tf.get_collection(LAYER_UPDATE_OPS)] == [safe]
    assert strict is not safe and len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 4


def test_four_d_inputs_follow_tf1s_fused_rule_for_the_moving_variance():
    """TF1's `tf.layers.batch_normalization` runs 4-D inputs through its fused kernel, whose
    moving variance takes Bessel's correction; 2-D inputs and `fused=False` keep the biased one.

    Golden values: TensorFlow 2.21.0 with tf_keras 2.21 (`TF_USE_LEGACY_KERAS=1`), through
    `tensorflow.compat.v1.layers.batch_normalization(x, training=True, momentum=0.0)` and one run
    of the UPDATE_OPS, on the `x` below.
    """
    x = np.arange(2 * 3 * 3 * 2, dtype=np.float32).reshape(2, 3, 3, 2) ** 1.5
    tf_moving_variance = np.array([4158.082, 4434.132], np.float32)
    results = {}
    for label, value, fused in (("4-D", x, None), ("4-D unfused", x, False),
                                ("2-D", x.reshape(-1, 2), None)):
        with tf.Graph().as_default():
            y = tf.layers.batch_normalization(tf.constant(value), training=True, momentum=0.0,
                                              fused=fused)
            moving_variance = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[-1]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                normalized, _ = sess.run([y, tf.get_collection(tf.GraphKeys.UPDATE_OPS)])
                results[label] = sess.run(moving_variance)
        flat = value.reshape(-1, 2)
        expected = (flat - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-3)
        np.testing.assert_allclose(normalized.reshape(-1, 2), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(results["4-D"], tf_moving_variance, rtol=1e-6)
    np.testing.assert_allclose(results["4-D unfused"], x.reshape(-1, 2).var(0), rtol=1e-6)
    np.testing.assert_allclose(results["2-D"], x.reshape(-1, 2).var(0), rtol=1e-6)
