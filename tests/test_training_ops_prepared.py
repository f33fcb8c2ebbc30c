"""The fused optimizer updates' prepared runs: after a run that took the compiled loop, an
in-place update keeps what it checked and calls the loop directly. Each test runs a program
twice, once as sessions run it and once with nothing kept between runs (every run takes the
general path), and requires the same bits and the same errors."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import compiled_kernels, errors

SHAPE = (160, 128)  # above the compiled loops' threshold


class _KeepNothing(dict):
    """A kernel cache that keeps nothing: every run takes the general path."""

    def get(self, key, default=None):
        return default

    def __setitem__(self, key, value):
        pass


@pytest.fixture(params=["numba", "numpy"])
def jit(request, monkeypatch):
    monkeypatch.setenv("MINIGRAPH_JIT", request.param)
    if compiled_kernels.backend() != request.param or not compiled_kernels.available():
        pytest.skip("numba is not installed")
    return request.param


def _session(prepared: bool):
    sess = tf.Session()
    if not prepared:
        sess._state.kernel_cache = _KeepNothing()
    return sess


OPTIMIZERS = {
    "sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(1e-3),
    "rmsprop_momentum": lambda: tf.train.RMSPropOptimizer(1e-3, momentum=0.5),
    "centered": lambda: tf.train.RMSPropOptimizer(1e-3, momentum=0.5, centered=True),
    "adam": lambda: tf.train.AdamOptimizer(1e-2),
}


def _train(make_optimizer, prepared: bool, shapes=(SHAPE, (3,)), steps: int = 4):
    """The values of every variable (slots included) after each step, and the session's
    kept entries."""
    rng = np.random.default_rng(3)
    with tf.Graph().as_default():
        ws = [tf.Variable(rng.standard_normal(s).astype(np.float32), name=f"w{i}")
              for i, s in enumerate(shapes)]
        x = tf.placeholder(tf.float32, [None], name="x")
        loss = sum(tf.reduce_sum(tf.tanh(w * tf.reduce_mean(x))) for w in ws)
        train = make_optimizer().minimize(loss)
        variables = tf.global_variables()
        with _session(prepared) as sess:
            sess.run(tf.global_variables_initializer())
            values = []
            for _ in range(steps):
                sess.run(train, {x: rng.standard_normal(5).astype(np.float32)})
                values.append(sess.run(variables))
            return values, dict(sess._state.kernel_cache)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_prepared_runs_give_the_general_paths_bits(name, jit, monkeypatch):
    calls = []
    worth_compiling = compiled_kernels.worth_compiling
    monkeypatch.setattr(compiled_kernels, "worth_compiling",
                        lambda *a: calls.append(a) or worth_compiling(*a))
    got, kept = _train(OPTIMIZERS[name], prepared=True)
    prepared_calls = len(calls)
    calls.clear()
    expected, _ = _train(OPTIMIZERS[name], prepared=False)
    assert kept and all(op.type.startswith("Apply") for op in kept)
    assert prepared_calls < len(calls)  # later runs skipped the general path's checks
    for step_got, step_expected in zip(got, expected):
        for g, e in zip(step_got, step_expected):
            np.testing.assert_array_equal(g, e)


def _outcomes(program, prepared: bool) -> list:
    """What each run of `program(sess, ...)` gave: values or (error class, message)."""
    with tf.Graph().as_default():
        w = tf.Variable(np.linspace(-1, 1, SHAPE[0] * SHAPE[1], dtype=np.float32)
                        .reshape(SHAPE), name="w", validate_shape=False)
        grad = tf.placeholder(tf.float32, None, name="grad")
        lr = tf.placeholder(tf.float32, None, name="lr")
        optimizer = tf.train.RMSPropOptimizer(lr, momentum=0.5)
        train = optimizer.apply_gradients([(grad, w)])
        slots = [optimizer.get_slot(w, n) for n in ("rms", "momentum")]
        with _session(prepared) as sess:
            sess.run(tf.global_variables_initializer())
            outcomes = []
            for feeds in program(w):
                try:
                    if isinstance(feeds, dict):
                        sess.run(train, {grad: feeds["grad"], lr: feeds.get("lr", 0.01)})
                    else:
                        sess.run(feeds)
                    outcomes.append(sess.run([w, *slots]))
                except errors.OpError as e:
                    outcomes.append((type(e), e.message))
            return outcomes


def _same_outcomes(program) -> list:
    got, expected = _outcomes(program, True), _outcomes(program, False)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if isinstance(e, tuple):
            assert g == e
        else:
            for a, b in zip(g, e):
                np.testing.assert_array_equal(a, b)
    return got


def _grad(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_a_variable_assigned_another_shape_gets_tf1s_error_after_prepared_runs(jit):
    def program(w):
        yield {"grad": _grad(SHAPE)}
        yield {"grad": _grad(SHAPE, 1)}
        yield tf.assign(w, np.ones((2, 2), np.float32), validate_shape=False)
        yield {"grad": _grad((2, 2))}
        yield {"grad": _grad(SHAPE)}

    outcomes = _same_outcomes(program)
    assert outcomes[3][0] is errors.InvalidArgumentError
    assert "var and ms do not have the same shape[2, 2] [160, 128]" in outcomes[3][1]
    assert "var and ms do not have the same shape[2, 2] [160, 128]" in outcomes[4][1]


def test_a_variable_assigned_a_new_value_is_updated_from_it(jit):
    def program(w):
        yield {"grad": _grad(SHAPE)}
        yield {"grad": _grad(SHAPE, 1)}
        yield tf.assign(w, np.full(SHAPE, 3.0, np.float32))
        yield {"grad": _grad(SHAPE, 2)}
        yield {"grad": _grad(SHAPE, 3)}

    outcomes = _same_outcomes(program)
    assert not np.array_equal(outcomes[3][0], outcomes[2][0])


def test_a_gradient_of_another_shape_and_a_learning_rate_that_is_no_scalar_fail(jit):
    def program(w):
        yield {"grad": _grad(SHAPE)}
        yield {"grad": _grad(SHAPE, 1), "lr": 0.5}  # another learning rate: used
        yield {"grad": _grad((160, 127))}
        yield {"grad": _grad(SHAPE).T.copy().reshape(SHAPE)}
        yield {"grad": _grad(SHAPE), "lr": np.float32([0.01, 0.02])}
        yield {"grad": _grad((SHAPE[1], SHAPE[0])).T}  # not C-contiguous: numpy's passes
        yield {"grad": _grad(SHAPE, 4)}

    outcomes = _same_outcomes(program)
    assert "var and grad do not have the same shape[160, 128] [160, 127]" in outcomes[2][1]
    assert "lr is not a scalar: [2]" in outcomes[4][1]
    assert not isinstance(outcomes[5], tuple) and not isinstance(outcomes[6], tuple)
