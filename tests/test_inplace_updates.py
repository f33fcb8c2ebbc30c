"""In-place variable updates: used where invisible, never where a TF1 program could see them.

The executor binds an op's in-place kernel (AssignAdd/AssignSub/Assign/ApplyAdam write the
variable's stored array) or Assign's adopting kernel (store a fresh intermediate without copying)
only when no value that may alias the array is still needed or fetched. These tests check both
sides: that the fast variants are really used in training plans, and that every TF1 rule about
values read earlier in a run, fetched arrays and feeds still holds.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph.ops import state_ops, training_ops


def _kernels(sess, fetches):
    """The kernel functions bound in the plan `sess` compiled for `fetches` (no feeds)."""
    plan = sess._plans.find(fetches)
    return [getattr(step.kernel, "func", step.kernel) for step in plan.steps]


def _stored(sess, var):
    return sess._state.variables[var.op]


def test_gradient_descent_updates_the_stored_array_in_place():
    w = tf.Variable(np.ones((3, 4), np.float32), name="w")
    train = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = _stored(sess, w)
        sess.run(train)
        assert _stored(sess, w) is before
        np.testing.assert_array_equal(before, np.zeros((3, 4), np.float32))
        assert training_ops._descent_inplace_kernel in _kernels(sess, [train])


def test_adam_uses_the_in_place_apply_adam_and_matches_the_composite_bit_for_bit():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(5, 3)).astype(np.float32)
    x = tf.constant(rng.normal(size=(7, 5)).astype(np.float32))
    w = tf.Variable(w0, name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    opt = tf.train.AdamOptimizer(0.05)
    train = opt.minimize(loss)
    grad = tf.gradients(loss, [w])[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        m_array = _stored(sess, opt.get_slot(w, "m"))
        lr, b1, b2, eps = np.float32(0.05), np.float32(0.9), np.float32(0.999), np.float32(1e-8)
        m = np.zeros_like(w0)
        v = np.zeros_like(w0)
        ref = w0.copy()
        b1_power, b2_power = b1, b2
        for _ in range(3):
            g = sess.run(grad)
            sess.run(train)
            lr_t = lr * np.sqrt(np.float32(1) - b2_power) / (np.float32(1) - b1_power)
            m = b1 * m + (np.float32(1) - b1) * g
            v = b2 * v + (np.float32(1) - b2) * np.square(g)
            ref = ref - lr_t * m / (np.sqrt(v) + eps)
            b1_power, b2_power = b1_power * b1, b2_power * b2
            np.testing.assert_array_equal(sess.run(w), ref)  # the composite's rounding
        assert _stored(sess, opt.get_slot(w, "m")) is m_array  # written in place
        assert training_ops._apply_adam_inplace_kernel in _kernels(sess, [train])


@pytest.mark.parametrize("make_opt", [
    lambda: tf.train.GradientDescentOptimizer(0.5),
    lambda: tf.train.AdamOptimizer(0.5),
    lambda: tf.train.MomentumOptimizer(0.5, 0.9),
    lambda: tf.train.RMSPropOptimizer(0.5),
])
def test_a_variable_fetched_with_the_train_op_is_its_value_before_the_update(make_opt):
    w = tf.Variable(np.full((2, 3), 2.0, np.float32), name="w")
    train = make_opt().minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _, before = sess.run([train, w])
        np.testing.assert_array_equal(before, np.full((2, 3), 2.0, np.float32))
        after = sess.run(w)
        assert not np.array_equal(after, before)
        _, again = sess.run([train, w])
        np.testing.assert_array_equal(again, after)  # fetched arrays never change afterwards
        np.testing.assert_array_equal(before, np.full((2, 3), 2.0, np.float32))


def test_a_view_read_before_the_update_and_used_after_it_keeps_its_value():
    for rewrites in (True, False):
        with tf.Graph().as_default():
            w = tf.Variable(np.arange(6.0, dtype=np.float32).reshape(2, 3), name="w")
            flat = tf.reshape(w, [-1])  # a view of the array read before the update
            same = tf.identity(w)
            update = tf.assign_sub(w, tf.ones([2, 3]))
            with tf.control_dependencies([update]):
                late = flat + 0.0
                late_identity = same * 2.0
            config = tf.ConfigProto(plan_rewrites=rewrites)
            with tf.Session(config=config) as sess:
                sess.run(w.initializer)
                got, got_identity = sess.run([late, late_identity])
                np.testing.assert_array_equal(got, np.arange(6.0))
                np.testing.assert_array_equal(got_identity, 2 * np.arange(6.0).reshape(2, 3))
                np.testing.assert_array_equal(sess.run(w), np.arange(6.0).reshape(2, 3) - 1)


def test_control_dependencies_and_assign_add_give_one_then_two():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        read = tf.identity(v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        first = sess.run(read)
        second = sess.run(read)
        assert (first, second) == (1.0, 2.0)


def test_arrays_fetched_earlier_never_change():
    w = tf.Variable(np.zeros(4, np.float32), name="w")
    inc = tf.assign_add(w, tf.ones([4]))
    with tf.Session() as sess:
        sess.run(w.initializer)
        seen = sess.run(w)
        results = [sess.run(inc) for _ in range(3)]
        np.testing.assert_array_equal(seen, np.zeros(4))
        for k, r in enumerate(results, start=1):
            np.testing.assert_array_equal(r, np.full(4, k, np.float32))


def test_a_fed_slot_is_never_written_in_place():
    w = tf.Variable(np.ones(3, np.float32), name="w")
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(tf.reduce_sum(w * w))
    m = opt.get_slot(w, "m")
    fed = np.full(3, 0.5, np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {m: fed})
        np.testing.assert_array_equal(fed, np.full(3, 0.5, np.float32))
        # the update started from the fed m: 0.9 * 0.5 + 0.1 * 2
        np.testing.assert_allclose(sess.run(m), np.full(3, 0.65), rtol=1e-6)


def test_assign_keeps_a_fresh_value_without_copying_only_when_nothing_else_sees_it():
    x = tf.placeholder(tf.float32, [3], name="x")
    v = tf.Variable(np.zeros(3, np.float32), name="v")
    doubled = x * 2.0
    store = tf.assign(v, doubled)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(store.op, {x: np.ones(3)})
        plan = sess._plans.find([store.op], [x])
        kernels = [getattr(s.kernel, "func", s.kernel) for s in plan.steps]
        assert state_ops._assign_adopt_kernel in kernels
        # fetched too: the value must be copied, or the next in-place update would change it
        _, got = sess.run([store, doubled], {x: np.ones(3)})
        sess.run(tf.assign_add(v, tf.ones([3])))
        np.testing.assert_array_equal(got, np.full(3, 2.0, np.float32))
        np.testing.assert_array_equal(sess.run(v), np.full(3, 3.0, np.float32))


def test_a_fed_value_assigned_is_copied():
    x = tf.placeholder(tf.float32, [3], name="x")
    v = tf.Variable(np.zeros(3, np.float32), name="v")
    store = tf.assign(v, x)
    inc = tf.assign_add(v, tf.ones([3]))
    fed = np.ones(3, np.float32)
    with tf.Session() as sess:
        sess.run(store, {x: fed})
        sess.run(inc)
        np.testing.assert_array_equal(fed, np.ones(3, np.float32))
        np.testing.assert_array_equal(sess.run(v), np.full(3, 2.0, np.float32))


def test_apply_adam_checks_its_inputs():
    w = tf.Variable(np.ones((2, 3), np.float32))
    m = tf.Variable(np.zeros((2, 3), np.float32))
    v = tf.Variable(np.zeros((3, 2), np.float32))
    with pytest.raises(ValueError, match="ApplyAdam"):
        training_ops.apply_adam(w, m, v, 0.9, 0.999, 0.1, 0.9, 0.999, 1e-8, tf.ones([2, 3]))
    with pytest.raises(TypeError, match="Variable as m"):
        training_ops.apply_adam(w, tf.ones([2, 3]), m, 0.9, 0.999, 0.1, 0.9, 0.999, 1e-8,
                                tf.ones([2, 3]))
