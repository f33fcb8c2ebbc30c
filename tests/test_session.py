"""Session.run: nested fetches, feeds, default sessions, variable state per session, plans."""

import collections

import numpy as np
import pytest

import minigraph as tf


def test_fetch_structures_are_rebuilt():
    a = tf.constant(1.0, name="a")
    b = tf.constant([2, 3], name="b")
    noop = tf.no_op(name="noop")
    Pair = collections.namedtuple("Pair", ["first", "second"])
    with tf.Session() as sess:
        result = sess.run({"x": [a, (b, noop)], "p": Pair(a, b), "op": noop})
    assert result["x"][0] == 1.0
    assert isinstance(result["x"], list) and isinstance(result["x"][1], tuple)
    np.testing.assert_array_equal(result["x"][1][0], [2, 3])
    assert result["x"][1][1] is None
    assert isinstance(result["p"], Pair) and result["p"].first == 1.0
    assert result["op"] is None


def test_run_train_op_and_cost_returns_none_and_value():
    w = tf.Variable(0.0)
    cost = (w - 5.0) ** 2
    train = tf.train.GradientDescentOptimizer(0.1).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        result = sess.run([train, cost])
    assert result[0] is None
    assert result[1] == np.float32(25.0)  # cost is read before the update in the same run


def test_fetch_by_name():
    w = tf.Variable(3.0, name="w")
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        assert sess.run("init") is None
        assert init.name == "init"
        assert sess.run("w:0") == 3.0
        assert sess.run(["w:0", w]) == [3.0, 3.0]


def test_fetch_values_are_numpy_and_scalars_are_numpy_scalars():
    a = tf.constant(2.0)
    v = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        scalar, vector = sess.run([a, v])
    assert isinstance(scalar, np.float32)
    assert isinstance(vector, np.ndarray) and vector.dtype == np.float32


def test_fetch_same_tensor_twice():
    a = tf.constant([1.0, 2.0]) * 2.0
    with tf.Session() as sess:
        first, second = sess.run([a, a])
    np.testing.assert_array_equal(first, [2.0, 4.0])
    np.testing.assert_array_equal(second, [2.0, 4.0])
    with tf.Session() as sess:
        assert sess.run({"a": a, "b": [a]})["b"][0].tolist() == [2.0, 4.0]


def test_fetched_value_is_a_copy_of_a_constant():
    c = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        value = sess.run(c)
        value[0] = 50.0
        assert sess.run(c)[0] == 1.0


def test_any_tensor_can_be_fed():
    a = tf.constant(3.0)
    b = a * 2.0
    c = b + 1.0
    with tf.Session() as sess:
        assert sess.run(c) == 7.0
        assert sess.run(c, {b: 10.0}) == 11.0
        assert sess.run(c, {a: 0.0}) == 1.0


def test_feeding_a_tensor_that_is_also_fetched():
    x = tf.placeholder(tf.float32, [2])
    y = x * 3.0
    with tf.Session() as sess:
        fed, out = sess.run([x, y], {x: [1.0, 2.0]})
        np.testing.assert_array_equal(fed, [1.0, 2.0])
        np.testing.assert_array_equal(out, [3.0, 6.0])
        assert sess.run(y, {y: [5.0, 5.0]}).tolist() == [5.0, 5.0]


def test_feeding_one_output_of_a_multi_output_op():
    x = tf.placeholder(tf.float32, [2])
    first, second = tf.unstack(x)
    total = first + second
    with tf.Session() as sess:
        assert sess.run(total, {x: [1.0, 2.0]}) == 3.0
        # `second` is computed by the Unpack op, which needs x: feeding only `first` is not enough
        with pytest.raises(tf.errors.InvalidArgumentError, match="placeholder"):
            sess.run(total, {first: 10.0})
        assert sess.run(total, {first: 10.0, x: [1.0, 2.0]}) == 12.0
        assert sess.run(total, {first: 10.0, second: 20.0}) == 30.0


def test_feed_dtype_conversion():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = x * 2
    with tf.Session() as sess:
        for value in (np.ones((2, 3), np.float64), np.ones((2, 3), np.int64), [[1, 1, 1]]):
            out = sess.run(y, {x: value})
            assert out.dtype == np.float32
            np.testing.assert_array_equal(out, 2 * np.ones(np.shape(value)))


def test_feed_by_name_and_fed_value_is_not_modified():
    x = tf.placeholder(tf.float64, [3], name="x")
    y = x + 1.0
    value = np.array([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {"x:0": value}), value + 1)
        np.testing.assert_array_equal(sess.run(x, {x: value}), value)
    np.testing.assert_array_equal(value, [1.0, 2.0, 3.0])


def test_eval_and_run_inside_with_session():
    w = tf.Variable(1.0)
    x = tf.placeholder(tf.float32, [])
    y = w * x
    with tf.Session():
        w.initializer.run()
        tf.global_variables_initializer().run()
        assert y.eval({x: 3.0}) == 3.0
        assert y.eval(feed_dict={x: 4.0}) == 4.0
        tf.assign(w, 5.0).op.run()
        assert w.eval() == 5.0


def test_eval_with_explicit_session_and_without_one():
    c = tf.constant(2.0)
    sess = tf.Session()
    assert c.eval(session=sess) == 2.0
    sess.close()
    with pytest.raises(ValueError, match="no default session"):
        c.eval()


def test_session_context_makes_its_graph_default():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    with tf.Session(graph=g) as sess:
        assert tf.get_default_graph() is g
        assert tf.get_default_session() is sess
        assert sess.run(c) == 1.0
    assert tf.get_default_session() is None


def test_close_and_use_after_close():
    c = tf.constant(1.0)
    sess = tf.Session()
    assert sess.run(c) == 1.0
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(c)
    with tf.Session() as sess2:
        pass
    with pytest.raises(RuntimeError, match="closed Session"):
        sess2.run(c)


def test_interactive_session_is_default_until_closed():
    w = tf.Variable(2.0)
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        w.initializer.run()
        assert (w * 3.0).eval() == 6.0
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_two_sessions_hold_independent_variable_values():
    w = tf.Variable(1.0)
    increment = tf.assign_add(w, 1.0)
    init = tf.global_variables_initializer()
    s1, s2 = tf.Session(), tf.Session()
    s1.run(init)
    s2.run(init)
    s1.run(increment)
    s1.run(increment)
    s2.run(tf.assign(w, 10.0))
    assert s1.run(w) == 3.0
    assert s2.run(w) == 10.0
    s1.close()
    assert s2.run(w) == 10.0
    s2.close()


def test_control_dependencies_with_assign_add_give_one_then_two():
    x = tf.Variable(0.0, name="x")
    x_plus_1 = tf.assign_add(x, 1.0)
    with tf.control_dependencies([x_plus_1]):
        y = tf.identity(x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(y) == 1.0
        assert sess.run(y) == 2.0


def test_variable_read_after_assign_under_control_dependency():
    v = tf.Variable(1.0)
    assign = tf.assign(v, 7.0)
    with tf.control_dependencies([assign]):
        doubled = v * 2.0
    plain = v * 2.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(plain) == 2.0
        assert sess.run(doubled) == 14.0
        assert sess.run(v) == 7.0


def test_value_fetched_before_assign_in_same_run_keeps_old_value():
    v = tf.Variable(np.array([1.0, 2.0]))
    snapshot = tf.identity(v)
    with tf.control_dependencies([snapshot]):
        update = tf.assign_add(v, [10.0, 10.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        before, after = sess.run([snapshot, update])
    np.testing.assert_array_equal(before, [1.0, 2.0])
    np.testing.assert_array_equal(after, [11.0, 12.0])


def test_group_runs_everything():
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    both = tf.group(tf.assign(a, 1.0), tf.assign(b, 2.0), name="both")
    assert both.type == "NoOp" and both.name == "both"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(both) is None
        assert sess.run([a, b]) == [1.0, 2.0]


def test_tuple_and_with_dependencies():
    v = tf.Variable(1.0)
    assign = tf.assign(v, 4.0)
    out = tf.with_dependencies([assign], tf.constant(0.0))
    a, b = tf.tuple([tf.constant(1.0), tf.constant(2.0)])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(out) == 0.0
        assert sess.run(v) == 4.0
        assert sess.run([a, b]) == [1.0, 2.0]


def test_placeholder_with_default():
    x = tf.placeholder_with_default(tf.constant([1.0, 2.0]), [None])
    y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [2.0, 4.0])
        np.testing.assert_array_equal(sess.run(y, {x: [5.0, 6.0, 7.0]}), [10.0, 12.0, 14.0])


def test_plans_are_cached_and_survive_graph_growth():
    a = tf.constant(1.0)
    b = a + 1.0
    with tf.Session() as sess:
        assert sess.run(b) == 2.0
        assert len(sess._plans) == 1
        assert sess.run(b) == 2.0
        assert len(sess._plans) == 1
        c = b * 3.0  # growing the graph does not invalidate the plan for b
        assert sess.run(b) == 2.0
        assert sess.run(c) == 6.0


def test_intermediates_are_freed_after_last_use():
    from minigraph import executor

    x = tf.placeholder(tf.float32, [2])
    y = ((x + 1.0) * 2.0) - 3.0
    plan = executor.compile_plan([y], [], [x], executor.SessionState())
    freed = [slot for step in plan.steps for slot in step.frees]
    # every slot but the fetched one is freed exactly once
    kept = set(plan.fetch_slots) | set(plan.constants)  # constants live with the plan
    assert sorted(freed) == sorted(set(range(plan.n_slots)) - kept)


def test_variable_load_and_initialized_value():
    w = tf.Variable(1.0)
    v = tf.Variable(w.initialized_value() * 2.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(v) == 2.0
        w.load(5.0, sess)
        assert sess.run(w) == 5.0


def test_list_devices_names_the_cpu_as_tf1_does():
    # TF 2.21 compat.v1: [_DeviceAttributes(/job:localhost/replica:0/task:0/device:CPU:0, CPU,
    # 268435456, <random incarnation>)]
    with tf.Graph().as_default():
        sess = tf.Session()
        (device,) = sess.list_devices()
        assert (device.name, device.device_type, device.memory_limit_bytes) == (
            "/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 268435456)
        assert -(1 << 63) <= device.incarnation < (1 << 63)
        assert tf.Session().list_devices()[0].incarnation == device.incarnation
        assert repr(device) == ("_DeviceAttributes(/job:localhost/replica:0/task:0/device:CPU:0, "
                                f"CPU, 268435456, {device.incarnation})")
        with pytest.raises(AttributeError):
            device.name = "GPU"
        sess.close()
        with pytest.raises(RuntimeError, match="closed Session"):
            sess.list_devices()
