"""The global step and the learning-rate schedules, against their formulas in numpy."""

import numpy as np
import pytest

import minigraph as tf

STEPS = [0, 1, 7, 10, 11, 25, 99, 100, 1000]


def _values_at_steps(lr_tensor, step):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return [float(sess.run(lr_tensor, {step: s})) for s in STEPS]


# ---------------------------------------------------------------- global step
def test_get_or_create_global_step_makes_one_int64_non_trainable_variable():
    assert tf.train.get_global_step() is None
    step = tf.train.get_or_create_global_step()
    assert step is tf.train.get_or_create_global_step()
    assert step is tf.train.get_global_step()
    assert step.op.name == "global_step" and step.dtype == tf.int64 and step.shape == ()
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
    assert step in tf.global_variables() and step not in tf.trainable_variables()
    with pytest.raises(ValueError, match='"global_step" already exists'):
        tf.train.create_global_step()


def test_global_step_is_per_graph():
    step = tf.train.create_global_step()
    with tf.Graph().as_default() as other:
        assert tf.train.get_global_step() is None
        other_step = tf.train.get_or_create_global_step()
    assert other_step is not step and other_step.graph is other
    assert tf.train.get_global_step(other) is other_step


def test_global_step_made_inside_a_name_scope_is_still_global_step():
    with tf.name_scope("layer"):
        step = tf.train.get_or_create_global_step()
    assert step.op.name == "global_step"


def test_minimize_increments_the_global_step_after_the_update():
    step = tf.train.get_or_create_global_step()
    w = tf.Variable(3.0)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(w * w, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert tf.train.global_step(sess, step) == 3
        assert sess.run(w) == pytest.approx(3.0 * 0.8**3)


def test_adam_with_global_step_increments_it_once_per_run():
    step = tf.train.get_or_create_global_step()
    w = tf.Variable([1.0, 2.0])
    train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(4):
            sess.run(train)
        assert sess.run(step) == 4


# ---------------------------------------------------------------- schedules
@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay_matches_the_formula(staircase):
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 10, 0.96, staircase=staircase)
    assert lr.dtype == tf.float32 and lr.shape == ()
    p = np.array(STEPS, dtype=np.float64) / 10
    if staircase:
        p = np.floor(p)
    # The rate is a float32 constant, as in TF1: raise float32(0.96) to the power, not 0.96.
    rate = np.float64(np.float32(0.96))
    np.testing.assert_allclose(_values_at_steps(lr, step), 0.1 * rate**p, rtol=1e-6)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay_matches_the_formula(staircase):
    step = tf.train.get_or_create_global_step()
    lr = tf.train.inverse_time_decay(0.5, step, 10, 0.5, staircase=staircase)
    p = np.array(STEPS, dtype=np.float64) / 10
    if staircase:
        p = np.floor(p)
    np.testing.assert_allclose(_values_at_steps(lr, step), 0.5 / (1 + 0.5 * p), rtol=1e-6)


def test_piecewise_constant_matches_its_definition():
    step = tf.train.get_or_create_global_step()
    boundaries, values = [10, 100], [1.0, 0.5, 0.1]
    lr = tf.train.piecewise_constant(step, boundaries, values)
    want = [values[int(np.searchsorted(boundaries, s, side="left"))] for s in STEPS]
    np.testing.assert_allclose(_values_at_steps(lr, step), want, rtol=1e-7)


def test_piecewise_constant_errors():
    step = tf.train.get_or_create_global_step()
    with pytest.raises(ValueError, match="1 less than the length of values"):
        tf.train.piecewise_constant(step, [10, 20], [1.0, 0.5])
    with pytest.raises(ValueError, match="same dtype as x"):
        tf.train.piecewise_constant(step, [10.5], [1.0, 0.5])
    with pytest.raises(ValueError, match="same dtype"):
        tf.train.piecewise_constant(step, [10], [1.0, 1])


def test_decay_needs_a_global_step():
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.exponential_decay(0.1, None, 10, 0.5)


def test_decayed_learning_rate_drives_an_optimizer():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 1, 0.5, staircase=True)
    w = tf.Variable(0.0)
    # d/dw of -w is -1, so each step adds the current learning rate: 0.1 + 0.05 + 0.025
    train = tf.train.GradientDescentOptimizer(lr).minimize(-w, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(w) == pytest.approx(0.175)
        assert sess.run(lr) == pytest.approx(0.1 * 0.5**3)
