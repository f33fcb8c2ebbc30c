"""Adversarial probes of the executor's optimisations against the plain semantics.

The plain semantics: ops run as their numpy kernels in creation order, a variable is read right
before each op that consumes it, an assignment is seen by later readers, a fetched array never
changes afterwards, a fed array and a Const are never modified. The plan passes fold constants,
alias identity work, write variables in place, keep fresh values without copying and generate
a Python function per plan from its 3rd run; each probe runs a program often enough to cover
the loop (runs 1-2) and the generated code (3+), and compares with numpy or with a session that
has the passes off (tests/test_plan_passes.py also runs every probe with all passes off).
"""

import threading

import numpy as np
import pytest

import minigraph as tf
from minigraph import plan_codegen

RUNS = 10  # runs 1 and 2 use the loop, 3.. the generated function


def _plain_session(**kwargs):
    return tf.Session(config=tf.ConfigProto(plan_rewrites=False), **kwargs)


# ---------------------------------------------------------------- fetch with an in-place update
@pytest.mark.parametrize("view", [
    "var", "identity", "reshape", "transpose", "index", "plus_zero", "times_one", "pow_one",
    "read_value",
])
@pytest.mark.parametrize("train_first", [True, False])
def test_a_view_of_a_variable_fetched_with_its_update_is_the_value_before_it(view, train_first):
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    fetched = {
        "var": lambda: w,
        "identity": lambda: tf.identity(w),
        "reshape": lambda: tf.reshape(w, [-1]),
        "transpose": lambda: tf.transpose(w),
        "index": lambda: w[0],
        "plus_zero": lambda: w + 0.0,
        "times_one": lambda: w * 1.0,
        "pow_one": lambda: w ** 1.0,
        "read_value": lambda: w.read_value(),
    }[view]()
    train = tf.assign_add(w, tf.ones([2, 3]))
    expect_of = {
        "var": lambda a: a, "identity": lambda a: a, "reshape": lambda a: a.reshape(-1),
        "transpose": lambda a: a.T, "index": lambda a: a[0], "plus_zero": lambda a: a,
        "times_one": lambda a: a, "pow_one": lambda a: a, "read_value": lambda a: a,
    }[view]
    fetches = [train.op, fetched] if train_first else [fetched, train.op]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        held = []
        for step in range(RUNS):
            value = sess.run(fetches)[1 if train_first else 0]
            held.append((value, value.copy()))
            expect = expect_of(np.arange(6, dtype=np.float32).reshape(2, 3) + step)
            np.testing.assert_array_equal(value, expect)
        for value, copy in held:  # fetched arrays never change afterwards
            np.testing.assert_array_equal(value, copy)
        np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3) + RUNS)


def test_a_fetched_train_op_output_never_changes_afterwards():
    w = tf.Variable(np.zeros(4, np.float32))
    step = tf.assign_add(w, tf.ones([4]))
    sub = tf.assign_sub(w, tf.fill([4], 0.5))
    with tf.Session() as sess:
        sess.run(w.initializer)
        held = [sess.run(step) for _ in range(RUNS)] + [sess.run(sub) for _ in range(RUNS)]
        for index, value in enumerate(held[:RUNS]):
            np.testing.assert_array_equal(value, np.full(4, index + 1.0))
        for index, value in enumerate(held[RUNS:]):
            np.testing.assert_array_equal(value, np.full(4, RUNS - 0.5 * (index + 1)))


def test_adam_fetching_the_variable_and_its_slots_with_the_train_op():
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(np.ones((3, 1), np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    opt_vars = [v for v in tf.global_variables() if v is not w]
    data = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    results = {}
    for name, make in (("fast", tf.Session), ("plain", _plain_session)):
        with make() as sess:
            sess.run(tf.global_variables_initializer())
            held = []
            for _ in range(RUNS):
                values = sess.run([w, train, tf.identity(w)] + opt_vars, {x: data})
                held.append(([v.copy() if v is not None else None for v in values], values))
            for copies, values in held:
                for a, b in zip(copies, values):
                    if a is not None:
                        np.testing.assert_array_equal(a, b)
            results[name] = [c for c, _ in held]
    for fast, plain in zip(results["fast"], results["plain"]):
        for a, b in zip(fast, plain):
            if a is not None:
                np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- feeds and constants
def test_a_fed_array_assigned_then_updated_in_place_is_never_modified():
    p = tf.placeholder(tf.float32, [3])
    w = tf.Variable(np.zeros(3, np.float32))
    load = tf.assign(w, p)
    bump = tf.assign_add(w, tf.ones([3]))
    fed = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(RUNS):
            sess.run(load, {p: fed})
            sess.run(bump)
            sess.run(bump)
            np.testing.assert_array_equal(fed, [1.0, 2.0, 3.0])
            np.testing.assert_array_equal(sess.run(w), fed + 2)
        w.load(fed, sess)
        for _ in range(RUNS):
            sess.run(bump)
        np.testing.assert_array_equal(fed, [1.0, 2.0, 3.0])


def test_a_constant_assigned_then_updated_in_place_is_never_modified():
    c = tf.constant(np.array([1.0, 2.0], np.float32))
    w = tf.Variable(np.zeros(2, np.float32))
    put = tf.assign(w, c)
    bump = tf.assign_add(w, tf.ones([2]))
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(RUNS):
            sess.run(put)
            for _ in range(3):
                sess.run(bump)
            np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])
            np.testing.assert_array_equal(sess.run(w), [4.0, 5.0])
        np.testing.assert_array_equal(c.op.attrs["value"], [1.0, 2.0])


def test_two_variables_sharing_an_initial_value_are_independent():
    init = np.ones(3, np.float32)
    fresh = tf.random_normal([3], seed=1)
    w1, w2 = tf.Variable(init), tf.Variable(init)
    v1, v2 = tf.Variable(fresh), tf.Variable(fresh)
    v3 = tf.Variable(tf.identity(fresh))
    updates = tf.group(*[tf.assign_add(v, tf.ones([3])) for v in (w1, v1)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start = sess.run([v1, v2, v3])
        for _ in range(RUNS):
            sess.run(updates)
        np.testing.assert_array_equal(sess.run(w1), init + RUNS)
        np.testing.assert_array_equal(sess.run(w2), init)
        np.testing.assert_array_equal(init, np.ones(3))
        np.testing.assert_allclose(sess.run(v1), start[0] + RUNS, rtol=1e-6)
        np.testing.assert_array_equal(sess.run(v2), start[1])
        np.testing.assert_array_equal(sess.run(v3), start[2])


def test_a_view_of_a_fresh_value_assigned_into_a_variable_keeps_its_value():
    """Assign may keep ("adopt") a fresh array as the variable's value: a view of that array
    taken earlier in the run must not see a later in-place update of the variable."""
    x = tf.placeholder(tf.float32, [3])
    w = tf.Variable(np.zeros(3, np.float32))
    y = x + 1.0
    views = [tf.reshape(y, [3]), y[0:2], tf.transpose(y)]
    put = tf.assign(w, y)
    with tf.control_dependencies([put]):
        bump = tf.assign_add(w, tf.ones([3]))
    with tf.control_dependencies([bump]):
        outs = [v * 2.0 for v in views]
    data = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(RUNS):
            got = sess.run(outs + views, {x: data})
            np.testing.assert_array_equal(got[0], (data + 1) * 2)
            np.testing.assert_array_equal(got[1], (data[0:2] + 1) * 2)
            np.testing.assert_array_equal(got[2], (data + 1) * 2)
            np.testing.assert_array_equal(got[3], data + 1)
            np.testing.assert_array_equal(got[4], data[0:2] + 1)
            np.testing.assert_array_equal(got[5], data + 1)
            np.testing.assert_array_equal(sess.run(w), data + 2)


def test_a_variable_read_by_two_ops_one_of_them_an_in_place_update():
    w = tf.Variable(np.full(3, 2.0, np.float32))
    doubled = w * 2.0
    bump = tf.assign_add(w, tf.ones([3]))
    with tf.control_dependencies([bump]):
        after = w * 2.0
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in range(RUNS):
            before_value, _, after_value = sess.run([doubled, bump.op, after])
            np.testing.assert_array_equal(before_value, np.full(3, (2.0 + step) * 2))
            np.testing.assert_array_equal(after_value, np.full(3, (3.0 + step) * 2))


@pytest.mark.parametrize("reader", ["identity", "times_one", "read_value"])
def test_control_dependencies_and_assign_add_count_up_across_codegen(reader):
    w = tf.Variable(0.0)
    inc = tf.assign_add(w, 1.0)
    with tf.control_dependencies([inc]):
        read = {"identity": lambda: tf.identity(w), "times_one": lambda: w * 1.0,
                "read_value": lambda: w.read_value()}[reader]()
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert [float(sess.run(read)) for _ in range(RUNS)] == [float(i) for i in
                                                                  range(1, RUNS + 1)]


def test_one_plan_with_different_feed_shapes_across_codegen():
    x = tf.placeholder(tf.float32, [None, 4])
    w = tf.Variable(np.ones((4, 2), np.float32))
    y = tf.nn.relu(tf.matmul(x, w) - 3.0)
    loss = tf.reduce_sum(y)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    rng = np.random.RandomState(0)
    batches = [rng.randn(n, 4).astype(np.float32) for n in (32, 7, 32, 1, 7, 0, 5, 32)]
    results = {}
    for name, make in (("fast", tf.Session), ("plain", _plain_session)):
        with make() as sess:
            sess.run(tf.global_variables_initializer())
            results[name] = [sess.run([loss, train, y, w], {x: b}) for b in batches]
    for fast, plain in zip(results["fast"], results["plain"]):
        for a, b in zip(fast, plain):
            if a is not None:
                np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- errors in generated code
def test_a_kernel_failing_in_generated_code_names_the_op_and_shapes():
    a = tf.placeholder(tf.float32, [None, None], name="a")
    b = tf.placeholder(tf.float32, [None, None], name="b")
    product = tf.matmul(a, b, name="product")
    with tf.Session() as sess:
        for _ in range(RUNS):
            sess.run(product, {a: np.ones((2, 3)), b: np.ones((3, 4))})
        assert sess._plans and all(p._fast is not None for p in sess._plans.values())
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(product, {a: np.ones((2, 3)), b: np.ones((2, 4))})
        message = str(info.value)
        assert "product" in message and "MatMul" in message
        assert "[2, 3]" in message and "[2, 4]" in message
        # and the plan still works afterwards
        assert sess.run(product, {a: np.ones((1, 2)), b: np.ones((2, 1))}).tolist() == [[2.0]]


def test_an_uninitialized_variable_in_generated_code_names_it():
    w = tf.Variable(1.0, name="never_initialized")
    y = w * 3.0
    with tf.Session() as sess:
        for _ in range(RUNS):
            with pytest.raises(tf.errors.FailedPreconditionError, match="never_initialized"):
                sess.run(y)
            with pytest.raises(tf.errors.FailedPreconditionError, match="never_initialized"):
                sess.run([w, y])
        sess.run(w.initializer)
        assert sess.run(y) == 3.0
        assert sess.run([w, y]) == [1.0, 3.0]


def test_a_failing_assign_in_generated_code_is_an_invalid_argument_error():
    p = tf.placeholder(tf.float32, None)
    w = tf.Variable(np.zeros(2, np.float32), name="w2")
    put = tf.assign(w, p, name="put")
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(RUNS):
            sess.run(put, {p: [1.0, 2.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="put"):
            sess.run(put, {p: [1.0, 2.0, 3.0]})


# ---------------------------------------------------------------- ZerosLike, where and ReluGrad
SPECIAL = np.array([[np.nan, np.inf, -np.inf], [-0.0, 0.0, 1.5]], np.float32)


def _compare_with_plain(fetches, feeds=None):
    """Runs `fetches` RUNS times with rewrites and once without; returns both (checks equal)."""
    with _plain_session() as sess:
        want = sess.run(fetches, feeds)
    with tf.Session() as sess:
        for _ in range(RUNS):
            got = sess.run(fetches, feeds)
            for a, b in zip(got, want):
                a, b = np.asarray(a), np.asarray(b)
                assert a.dtype == b.dtype and a.shape == b.shape
                # bit-identical, NaN and -0.0 included
                assert a.tobytes() == b.tobytes(), (a, b)
    return got


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.float16])
def test_zeros_like_rewrite_in_element_wise_readers(dtype):
    values = np.array([[3, -2, 0], [7, 1, -5]]).astype(dtype)
    if np.dtype(dtype).kind == "f":
        values = SPECIAL.astype(dtype)
    x = tf.placeholder(tf.as_dtype(dtype), [None, 3])
    z = tf.zeros_like(x)
    c = tf.placeholder(tf.bool, [None, 3])
    row = tf.placeholder(tf.bool, [None])
    fetches = [tf.maximum(x, z), tf.minimum(z, x), tf.greater(x, z), tf.less_equal(z, x),
               tf.equal(x, z), tf.not_equal(z, x), tf.where(c, x, z), tf.where(c, z, x),
               tf.where(row, x, z), tf.where(row, z, x)]
    mask = np.array([[True, False, True], [False, True, False]])
    _compare_with_plain(fetches, {x: values, c: mask, row: np.array([True, False])})


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32])
def test_where_with_a_zero_keeps_nan_and_inf_where_chosen_and_zero_elsewhere(dtype):
    x = tf.placeholder(tf.as_dtype(dtype), None)
    c = tf.placeholder(tf.bool, None)
    zero = tf.constant(0, tf.as_dtype(dtype))
    neg_zero = tf.constant(-0.0 if np.dtype(dtype).kind == "f" else 0, tf.as_dtype(dtype))
    fetches = [tf.where(c, x, tf.zeros_like(x)), tf.where(c, tf.zeros_like(x), x),
               tf.where(c, x, zero), tf.where(c, zero, x), tf.where(c, x, neg_zero),
               tf.where(c, neg_zero, x)]
    values = SPECIAL.astype(dtype) if np.dtype(dtype).kind == "f" else np.arange(6).reshape(2, 3)
    for mask in (np.array([[True, False, True], [False, True, False]]),
                 np.array([True, False]),  # rank-1 condition: rows
                 np.array(False), np.array(True)):
        # (a rank-1 condition needs x and y of one shape, as in TF1: no scalar zeros then)
        got = _compare_with_plain(fetches[:2] if mask.ndim == 1 else fetches,
                                  {x: values, c: mask})
        want = _select_reference(mask, values)
        np.testing.assert_array_equal(got[0], want)
        assert not np.any(np.isnan(got[0][~np.broadcast_to(_rows(mask, values), values.shape)]))
    specials = (np.nan, -0.0, np.inf) if np.dtype(dtype).kind == "f" else (0, -7)
    for value in (np.array(v, dtype) for v in specials):
        _compare_with_plain(fetches, {x: value, c: np.array(False)})
        _compare_with_plain(fetches, {x: value, c: np.array(True)})


def _rows(mask, values):
    if mask.ndim == 1 and values.ndim > 1:
        return mask.reshape(-1, 1)
    return mask


def _select_reference(mask, values):
    return np.where(_rows(mask, values), values, np.zeros_like(values))


def test_where_with_a_broadcast_condition_and_a_zero():
    x = tf.placeholder(tf.float32, [2, 3])
    c = tf.placeholder(tf.bool, [3])
    zero = tf.constant(0.0)
    fetches = [tf.where(tf.logical_not(tf.is_nan(x)), x, zero)]
    _compare_with_plain(fetches, {x: SPECIAL, c: np.array([True, False, True])})


def test_relu_gradient_with_nan_and_inf_matches_the_plain_run():
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.nn.relu(x)
    g = tf.placeholder(tf.float32, [2, 3])
    (dx,) = tf.gradients(y, [x], grad_ys=g)
    grads = np.array([[np.nan, np.inf, 1.0], [2.0, -np.inf, np.nan]], np.float32)
    _compare_with_plain([y, dx], {x: SPECIAL, g: grads})


# ---------------------------------------------------------------- folding
def test_random_and_stateful_ops_are_never_folded():
    r = tf.random_uniform([3], seed=3) * 1.0 + tf.constant(0.0)
    w = tf.Variable(0.0)
    inc = tf.assign_add(w, tf.constant(1.0) + tf.constant(1.0))
    with tf.Session() as sess:
        sess.run(w.initializer)
        draws = [sess.run(r) for _ in range(RUNS)]
        assert len({d.tobytes() for d in draws}) == RUNS
        assert [float(sess.run(inc)) for _ in range(4)] == [2.0, 4.0, 6.0, 8.0]


def test_folding_integer_overflow_matches_the_plain_run():
    big = tf.constant(np.int32(2 ** 31 - 1))
    arr = tf.constant(np.array([2 ** 31 - 1, -2 ** 31], np.int32))
    _compare_with_plain([arr + 1, arr * 2, arr - 1, -arr])
    with tf.Session() as sess:
        plain = sess.run(arr + 1)
    assert plain.tolist() == [-2 ** 31, -2 ** 31 + 1]
    assert big.dtype == tf.int32


def test_a_folded_constant_fetched_twice_is_a_fresh_copy_each_time():
    c = tf.constant(np.array([1.0, 2.0], np.float32)) * 2.0 + 1.0
    with tf.Session() as sess:
        first = sess.run(c)
        first[0] = 100.0
        second = sess.run(c)
        assert second.tolist() == [3.0, 5.0]
        for _ in range(RUNS):
            value = sess.run(c)
            value[1] = -1.0
        assert sess.run(c).tolist() == [3.0, 5.0]


# ---------------------------------------------------------------- plans, sessions, threads
def test_same_fetches_with_a_different_feed_set_use_different_plans():
    x = tf.placeholder(tf.float32, [2])
    y = x * 2.0
    z = y + 1.0
    with tf.Session() as sess:
        for _ in range(RUNS):
            assert sess.run(z, {x: [1.0, 2.0]}).tolist() == [3.0, 5.0]
            assert sess.run(z, {y: [1.0, 2.0]}).tolist() == [2.0, 3.0]
            assert sess.run(z, {x: [9.0, 9.0], y: [0.0, 0.0]}).tolist() == [1.0, 1.0]


def test_saver_restore_then_a_cached_in_place_plan(tmp_path):
    w = tf.Variable(np.arange(3, dtype=np.float32), name="w")
    bump = tf.assign_add(w, tf.ones([3]))
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
        for _ in range(RUNS):
            sess.run(bump)
        held = sess.run(w)
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), np.arange(3))
        for _ in range(RUNS):
            sess.run(bump)
        np.testing.assert_array_equal(sess.run(w), np.arange(3) + RUNS)
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), np.arange(3))
        np.testing.assert_array_equal(held, np.arange(3) + RUNS)


def test_sessions_closed_reopened_and_two_sessions_on_one_graph():
    w = tf.Variable(np.zeros(2, np.float32))
    bump = tf.assign_add(w, tf.ones([2]))
    with tf.control_dependencies([bump]):
        read = tf.identity(w)
    a, b = tf.Session(), tf.Session()
    for sess in (a, b):
        sess.run(w.initializer)
    for step in range(RUNS):
        assert a.run(read).tolist() == [step + 1.0] * 2
        if step % 2:
            assert b.run(read).tolist() == [(step + 1) // 2] * 2
    a.close()
    with pytest.raises(RuntimeError):
        a.run(read)
    c = tf.Session()
    with pytest.raises(tf.errors.FailedPreconditionError):
        c.run(read)
    c.run(w.initializer)
    assert [c.run(read).tolist()[0] for _ in range(4)] == [1.0, 2.0, 3.0, 4.0]
    assert b.run(w).tolist() == [RUNS // 2] * 2
    b.close()
    c.close()


def test_separate_sessions_in_threads_give_the_single_threaded_results():
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(np.ones((3, 1), np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    init = tf.global_variables_initializer()
    data = np.arange(12, dtype=np.float32).reshape(4, 3) / 10

    def work(out, index):
        with tf.Session() as sess:
            sess.run(init)
            for _ in range(30):
                sess.run(train, {x: data})
            out[index] = sess.run(w)

    single = {}
    work(single, 0)
    results = {}
    threads = [threading.Thread(target=work, args=(results, i)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        np.testing.assert_array_equal(results[i], single[0])


# ---------------------------------------------------------------- RunOptions after codegen
def test_traced_and_checked_runs_after_codegen_with_in_place_ops():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.Variable(np.ones((2, 1), np.float32), name="w")
    loss = tf.reduce_sum(tf.matmul(x, w))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    data = np.ones((3, 2), np.float32)
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, check_numerics=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(RUNS):
            metadata = tf.RunMetadata()
            if step in (0, 4, 8):
                held, _ = sess.run([w, train], {x: data}, options=options, run_metadata=metadata)
                names = [s.node_name for s in metadata.step_stats.dev_stats[0].node_stats]
                assert any("GradientDescent" in n for n in names)
            else:
                held, _ = sess.run([w, train], {x: data})
            np.testing.assert_array_equal(held, np.full((2, 1), 1.0 - 1.5 * step))
        bad = tf.log(x - 1.0, name="bad_log")
        for _ in range(3):
            sess.run(bad, {x: data + 1})
        with np.errstate(divide="ignore"), pytest.raises(tf.errors.InvalidArgumentError,
                                                         match="bad_log"):
            sess.run(bad, {x: data}, options=tf.RunOptions(check_numerics=True))


def test_generated_code_is_used_from_the_third_run():
    x = tf.placeholder(tf.float32, [2])
    y = x + 1.0
    with tf.Session() as sess:
        for run in range(1, 5):
            sess.run(y, {x: [0.0, 0.0]})
            plan = next(iter(sess._plans.values()))
            assert (plan._fast is not None) == (run >= plan_codegen.CODEGEN_AFTER_RUNS)


# ---------------------------------------------------------------- more corners
def test_two_updates_of_one_variable_fetched_in_one_run():
    w = tf.Variable(np.zeros(2, np.float32))
    first = tf.assign_add(w, tf.ones([2]))
    with tf.control_dependencies([first]):
        second = tf.assign_add(w, tf.ones([2]))
    view = tf.reshape(first, [2, 1])
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in range(RUNS):
            a, b, v = sess.run([first, second, view])
            assert a.tolist() == [2 * step + 1.0] * 2
            assert b.tolist() == [2 * step + 2.0] * 2
            assert v.ravel().tolist() == [2 * step + 1.0] * 2


def test_feeding_a_constant_one_or_a_placeholder_with_default_that_would_be_rewritten():
    x = tf.placeholder(tf.float32, [2])
    one = tf.constant(1.0)
    p = tf.placeholder_with_default(tf.constant([1.0, 2.0]), [2])
    y = x * one
    z = p * 2.0
    with tf.Session() as sess:
        for _ in range(RUNS):
            assert sess.run(y, {x: [3.0, 4.0]}).tolist() == [3.0, 4.0]
            assert sess.run(y, {x: [3.0, 4.0], one: 2.0}).tolist() == [6.0, 8.0]
            assert sess.run(z).tolist() == [2.0, 4.0]
            assert sess.run(z, {p: [5.0, 6.0]}).tolist() == [10.0, 12.0]


def test_where_with_a_zero_on_a_transposed_value():
    x = tf.placeholder(tf.float32, [2, 3])
    c = tf.placeholder(tf.bool, [3, 2])
    xt = tf.transpose(x)
    mask = np.array([[True, False], [False, True], [True, True]])
    with np.errstate(invalid="ignore"):  # 0 * inf
        got = _compare_with_plain(
            [tf.where(c, xt, tf.zeros_like(xt)), tf.where(c, xt, 0.0 * xt)], {x: SPECIAL, c: mask}
        )
    np.testing.assert_array_equal(got[0], np.where(mask, SPECIAL.T, 0.0))


def test_feeding_a_variable_while_training_it_in_place_leaves_the_fed_array_alone():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.Variable(np.ones((2, 1), np.float32))
    loss = tf.reduce_sum(tf.matmul(x, w))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    fed = np.full((2, 1), 3.0, np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(RUNS):
            sess.run(train, {x: np.ones((4, 2), np.float32), w: fed})
        np.testing.assert_array_equal(fed, np.full((2, 1), 3.0))
        assert not np.array_equal(sess.run(w), np.ones((2, 1)))


def test_a_fed_fresh_value_assigned_then_updated_in_place_is_not_modified():
    x = tf.placeholder(tf.float32, [3])
    y = x + 1.0
    w = tf.Variable(np.zeros(3, np.float32))
    put = tf.assign(w, y)
    with tf.control_dependencies([put]):
        bump = tf.assign_add(w, tf.ones([3]))
    fed = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(RUNS):
            sess.run(bump, {y: fed})
            np.testing.assert_array_equal(fed, [1.0, 2.0, 3.0])
            np.testing.assert_array_equal(sess.run(w), fed + 1)


def test_a_constant_is_unaffected_by_changes_to_the_array_it_was_made_from():
    source = np.array([1.0, 2.0], np.float32)
    c = tf.constant(source)
    source[0] = 100.0
    with tf.Session() as sess:
        assert sess.run(c).tolist() == [1.0, 2.0]


def test_a_variable_made_from_an_array_is_updated_in_place_without_touching_it():
    source = np.array([1.0, 2.0], np.float32)
    c = tf.constant(source)
    w = tf.Variable(source)
    bump = tf.assign_add(w, tf.ones([2]))
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(RUNS):
            sess.run(bump)
        assert source.tolist() == [1.0, 2.0]
        assert sess.run(c).tolist() == [1.0, 2.0]
        assert sess.run(w).tolist() == [1.0 + RUNS, 2.0 + RUNS]
        fetched = sess.run(c)
        fetched[1] = -5.0
        assert sess.run(c).tolist() == [1.0, 2.0]
