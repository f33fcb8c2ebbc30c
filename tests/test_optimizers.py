"""Momentum, RMSProp and Adam against hand-written numpy references of TF1's update rules.

The problem: least squares `sum((X @ W + b - Y)**2)` with a matrix W [3, 2] and a vector b [2],
run for several steps in float32 and compared with the same steps in float64 numpy.
"""

import numpy as np
import pytest

import minigraph as tf

STEPS = 6
RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 3)).astype(np.float32)
Y = RNG.normal(size=(5, 2)).astype(np.float32)
W0 = RNG.normal(size=(3, 2)).astype(np.float32)
B0 = np.array([0.5, -0.25], dtype=np.float32)


def _numpy_grads(w, b):
    r = X.astype(np.float64) @ w + b - Y
    return [2.0 * X.T.astype(np.float64) @ r, 2.0 * r.sum(axis=0)]


def _run_graph(optimizer, steps=STEPS):
    """Trains W, b with `optimizer` for `steps` steps; returns the values after each step."""
    w = tf.Variable(W0, name="W")
    b = tf.Variable(B0, name="b")
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.constant(X), w) + b - tf.constant(Y)))
    train = optimizer.minimize(loss)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
            history.append(sess.run([w, b]))
    return history, (w, b)


def _run_numpy(update, slots, steps=STEPS):
    """Applies `update(t, params, grads, slots)` in float64; returns params after each step."""
    params = [W0.astype(np.float64), B0.astype(np.float64)]
    history = []
    for t in range(1, steps + 1):
        grads = _numpy_grads(*params)
        params = update(t, params, grads, slots)
        history.append([p.copy() for p in params])
    return history


def _assert_histories_match(got, want):
    for step, (got_params, want_params) in enumerate(zip(got, want), start=1):
        for g, w in zip(got_params, want_params):
            assert g.dtype == np.float32
            np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-6, err_msg=f"step {step}")
    # the problem must actually move the parameters, or matching would prove nothing
    assert not np.allclose(got[-1][0], W0, atol=1e-3)


def _zeros_like_params():
    return [np.zeros_like(W0, dtype=np.float64), np.zeros_like(B0, dtype=np.float64)]


# ---------------------------------------------------------------- Momentum
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matches_numpy(nesterov):
    lr, momentum = 0.01, 0.9
    accums = _zeros_like_params()

    def update(t, params, grads, slots):
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            slots[i] = slots[i] * momentum + g
            if nesterov:
                new.append(p - (lr * g + lr * momentum * slots[i]))
            else:
                new.append(p - lr * slots[i])
        return new

    opt = tf.train.MomentumOptimizer(lr, momentum, use_nesterov=nesterov)
    got, (w, b) = _run_graph(opt)
    _assert_histories_match(got, _run_numpy(update, accums))
    assert opt.get_slot_names() == ["momentum"]
    assert opt.get_slot(w, "momentum").op.name == "W/Momentum"
    assert opt.get_slot(b, "momentum").shape == (2,)


def test_momentum_learning_rate_can_be_a_placeholder():
    lr = tf.placeholder(tf.float32, [])
    w = tf.Variable(1.0)
    train = tf.train.MomentumOptimizer(lr, 0.5).minimize(w * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {lr: 0.1})  # accum = 2, w = 1 - 0.2
        sess.run(train, {lr: 0.0})
        assert sess.run(w) == pytest.approx(0.8)


# ---------------------------------------------------------------- RMSProp
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"momentum": 0.5, "decay": 0.8}, {"centered": True, "epsilon": 1e-6}],
    ids=["defaults", "momentum", "centered"],
)
def test_rmsprop_matches_numpy(kwargs):
    lr = 0.01
    decay = kwargs.get("decay", 0.9)
    momentum = kwargs.get("momentum", 0.0)
    eps = kwargs.get("epsilon", 1e-10)
    centered = kwargs.get("centered", False)
    state = {
        "ms": [np.ones_like(W0, dtype=np.float64), np.ones_like(B0, dtype=np.float64)],
        "mg": _zeros_like_params(),
        "mom": _zeros_like_params(),
    }

    def update(t, params, grads, s):
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            s["ms"][i] = decay * s["ms"][i] + (1 - decay) * g * g
            denominator = s["ms"][i]
            if centered:
                s["mg"][i] = decay * s["mg"][i] + (1 - decay) * g
                denominator = s["ms"][i] - s["mg"][i] ** 2
            s["mom"][i] = momentum * s["mom"][i] + lr * g / np.sqrt(denominator + eps)
            new.append(p - s["mom"][i])
        return new

    opt = tf.train.RMSPropOptimizer(lr, **kwargs)
    got, (w, b) = _run_graph(opt)
    _assert_histories_match(got, _run_numpy(update, state))
    expected_slots = ["mg", "momentum", "rms"] if centered else ["momentum", "rms"]
    assert opt.get_slot_names() == expected_slots
    assert opt.get_slot(w, "rms").op.name == "W/RMSProp"


def test_rmsprop_rms_slot_starts_at_ones_and_slots_are_not_trainable():
    w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
    opt = tf.train.RMSPropOptimizer(0.1)
    opt.minimize(tf.reduce_sum(w * w))
    rms, mom = opt.get_slot(w, "rms"), opt.get_slot(w, "momentum")
    assert tf.trainable_variables() == [w]
    assert rms in tf.global_variables() and mom in tf.global_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(rms), np.ones((2, 3)))
        np.testing.assert_array_equal(sess.run(mom), np.zeros((2, 3)))


# ---------------------------------------------------------------- Adam
@pytest.mark.parametrize("lr", [0.001, 0.05])
def test_adam_matches_numpy(lr):
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    state = {"m": _zeros_like_params(), "v": _zeros_like_params()}

    def update(t, params, grads, s):
        lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            s["m"][i] = beta1 * s["m"][i] + (1 - beta1) * g
            s["v"][i] = beta2 * s["v"][i] + (1 - beta2) * g * g
            new.append(p - lr_t * s["m"][i] / (np.sqrt(s["v"][i]) + eps))
        return new

    opt = tf.train.AdamOptimizer(lr) if lr != 0.001 else tf.train.AdamOptimizer()
    got, (w, b) = _run_graph(opt)
    _assert_histories_match(got, _run_numpy(update, state))


def test_adam_variables_names_and_beta_powers():
    w = tf.Variable(W0, name="W")
    b = tf.Variable(B0, name="b")
    opt = tf.train.AdamOptimizer(0.01)
    train = opt.minimize(tf.reduce_sum(tf.square(tf.matmul(tf.constant(X), w) + b)))
    assert opt.get_slot_names() == ["m", "v"]
    assert opt.get_slot(w, "m").op.name == "W/Adam"
    assert opt.get_slot(w, "v").op.name == "W/Adam_1"
    assert opt.get_slot(b, "v").op.name == "b/Adam_1"
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["W", "W/Adam", "W/Adam_1", "b", "b/Adam", "b/Adam_1",
                     "beta1_power", "beta2_power"]
    assert train.name == "Adam"
    beta1_power = tf.get_default_graph().get_tensor_by_name("beta1_power:0")
    beta2_power = tf.get_default_graph().get_tensor_by_name("beta2_power:0")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(beta1_power) == pytest.approx(0.9**4, rel=1e-6)
        assert sess.run(beta2_power) == pytest.approx(0.999**4, rel=1e-6)


def test_adam_updates_are_graph_ops_under_the_optimizer_scope():
    w = tf.Variable([1.0, 2.0], name="w")
    tf.train.AdamOptimizer().minimize(tf.reduce_sum(w * w))
    ops = tf.get_default_graph().get_operations()
    update_types = {op.type for op in ops if op.name.startswith("Adam/update_w/")}
    assert "ApplyAdam" in update_types  # one fused op per variable, as TF1's graph has


def test_adam_in_float64():
    w = tf.Variable(np.array([1.0, -2.0]), name="w")
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        # The first Adam step moves every coordinate by lr against its gradient's sign. Only to
        # float32 precision: beta1_power and beta2_power are float32 variables (made from
        # Python floats), cast to float64, exactly as in TF1.
        np.testing.assert_allclose(sess.run(w), [0.9, -1.9], rtol=1e-6)
        assert sess.run(w).dtype == np.float64


def test_two_adam_optimizers_share_nothing():
    w = tf.Variable(1.0, name="w")
    first = tf.train.AdamOptimizer(0.1)
    second = tf.train.AdamOptimizer(0.1, name="Adam2")
    first.minimize(w * w)
    second.minimize(w * w)
    assert first.get_slot(w, "m") is not second.get_slot(w, "m")
    assert second.get_slot(w, "m").op.name == "w/Adam2"


@pytest.mark.parametrize("make", [lambda: tf.train.GradientDescentOptimizer(0.1),
                                  lambda: tf.train.MomentumOptimizer(0.1, 0.9)])
def test_a_float64_variable_takes_the_float32_rounded_rate_as_tf1(make):
    # TF 2.21 compat.v1: w = tf.Variable(np.float64(1.0)); one step of
    # GradientDescentOptimizer(0.1) (or MomentumOptimizer(0.1, 0.9)) on w * 1.0 leaves
    # 0.8999999985098839, i.e. 1 - float64(float32(0.1)): the rate is a float32 Const, cast.
    with tf.Graph().as_default():
        w = tf.Variable(np.float64(1.0))
        train = make().minimize(w * 1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            assert sess.run(w) == 0.8999999985098839
