"""The profiler (RunOptions/RunMetadata, summary, Chrome trace), check_numerics, and the
executor's plan-time work: generated plan functions, folding, aliasing, fetch copies."""

import json

import numpy as np
import pytest

import minigraph as tf
from minigraph import executor, plan_codegen, plan_fusion, plan_passes, profiler


def _train_graph():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, w, loss, train


def test_full_trace_records_every_executed_op_with_times_and_shapes():
    x, w, loss, train = _train_graph()
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(loss, {x: np.ones((4, 3))}, options=options, run_metadata=metadata)
    stats = metadata.step_stats.dev_stats[0].node_stats
    names = [s.node_name for s in stats]
    assert names == ["w", "MatMul", "Square", "Mean"]
    matmul = stats[1]
    assert matmul.op_type == "MatMul" and matmul.output_shapes == [(4, 2)]
    assert all(s.all_end_rel_micros >= 0 for s in stats)
    starts = [s.all_start_micros for s in stats]
    assert starts == sorted(starts)
    expected = np.mean(np.square(np.ones((4, 3)) @ np.arange(6).reshape(3, 2)))
    assert value == pytest.approx(expected)


def test_summary_ranks_ops_and_types_and_no_trace_without_options():
    x, w, loss, train = _train_graph()
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: np.ones((4, 3))}, run_metadata=metadata)  # no options: no trace
        assert metadata.node_stats() == []
        options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        for _ in range(2):  # two traced runs append
            sess.run(train, {x: np.ones((4, 3))}, options=options, run_metadata=metadata)
    stats = metadata.node_stats()
    assert sum(s.op_type == "ApplyGradientDescent" for s in stats) == 2
    text = metadata.summary(top=3)
    assert f"{len(stats)} op executions" in text
    assert "slowest ops" in text and "slowest op types" in text
    type_rows = text.split("slowest op types")[1].strip().splitlines()[1:]
    assert len(type_rows) == 3
    totals = {}
    for s in stats:
        totals[s.op_type] = totals.get(s.op_type, 0) + s.all_end_rel_micros
    assert type_rows[0].split()[0] == max(totals, key=lambda k: (totals[k], k))


def test_chrome_trace_is_trace_event_json(tmp_path):
    x, w, loss, train = _train_graph()
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: np.ones((2, 3))}, options=options, run_metadata=metadata)
    path = tmp_path / "trace.json"
    metadata.save_chrome_trace(str(path))
    trace = json.loads(path.read_text())
    events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert len(events) == len(metadata.node_stats())
    for event in events:
        assert set(event) >= {"name", "cat", "ph", "ts", "dur", "pid", "tid", "args"}
        assert isinstance(event["ts"], int) and event["dur"] >= 0
    assert {e["args"]["name"] for e in events} == {s.node_name for s in metadata.node_stats()}
    timeline = profiler.Timeline(metadata.step_stats).generate_chrome_trace_format()
    assert json.loads(timeline)["traceEvents"][1:] == trace["traceEvents"][1:]


def test_check_numerics_names_the_first_op_that_made_a_nan():
    a = tf.placeholder(tf.float32, [2], name="a")
    bad = tf.sqrt(a, name="root")
    out = tf.exp(bad * 2.0, name="later")
    with tf.Session() as sess:
        np.testing.assert_array_equal(np.isnan(sess.run(out, {a: [4.0, -1.0]})), [False, True])
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(out, {a: [4.0, -1.0]}, options=tf.RunOptions(check_numerics=True))
        assert "'root' (op: Sqrt) contains NaN" in info.value.message
        fine = sess.run(out, {a: [4.0, 1.0]}, options=tf.RunOptions(check_numerics=True))
        np.testing.assert_allclose(fine, np.exp([4.0, 2.0]), rtol=1e-6)


def test_check_numerics_reports_inf():
    a = tf.placeholder(tf.float32, [], name="a")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="'div' .* contains Inf"):
            sess.run(tf.divide(1.0, a, name="div"), {a: 0.0},
                     options=tf.RunOptions(check_numerics=True))


def test_generated_plan_matches_the_loop_and_names_failing_ops():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable([[1.0], [2.0]], name="w")
    y = tf.matmul(x, w, name="product") * 3.0
    with tf.Session() as sess:
        sess.run(w.initializer)
        runs = plan_codegen.CODEGEN_AFTER_RUNS + 2
        values = [sess.run(y, {x: [[1.0, 1.0]]}) for _ in range(runs)]
        plan = next(p for p in sess._plans.values() if p.feed_slots)
        assert plan._fast is not None  # the later runs used the generated function
        for v in values:
            np.testing.assert_array_equal(v, [[9.0]])
        bad = tf.placeholder(tf.float32, None, name="bad")
        z = tf.matmul(bad, w, name="late_matmul")
        for _ in range(plan_codegen.CODEGEN_AFTER_RUNS - 1):
            sess.run(z, {bad: [[1.0, 1.0]]})
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(z, {bad: np.ones((2, 5))})  # fails inside the generated function
        assert "late_matmul" in info.value.message and "[2, 5], [2, 1]" in info.value.message


def test_folding_and_identity_aliasing_keep_values_exact():
    x = tf.placeholder(tf.float32, [3], name="x")
    folded = (tf.constant(2.0) + tf.constant(3.0)) * tf.constant([1.0, 2.0, 3.0])
    y = tf.identity(x * 1.0) ** 1.0 + folded
    plan = executor.compile_plan([y], [], [x], executor.SessionState(), passes=plan_passes.ALL)
    types = [step.op.type for step in plan.steps]
    assert types == ["Add"]  # 2+3 and its product folded; x*1, **1 and identity aliased
    raw = executor.compile_plan([y], [], [x], executor.SessionState())
    assert len(raw.steps) > len(plan.steps)
    feed = np.array([-0.0, np.inf, np.nan], np.float32)
    np.testing.assert_array_equal(plan.run([feed])[0], raw.run([feed])[0])


def test_fetches_are_copied_only_when_they_alias_stored_state():
    w = tf.Variable([1.0, 2.0], name="w")
    doubled = w * 2.0
    with tf.Session() as sess:
        sess.run(w.initializer)
        first = sess.run(w)
        first[0] = 100.0  # must not change the variable
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        same = sess.run([tf.identity(w), w * 1.0])
        same[0][1] = -5.0
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        a, b = sess.run([doubled, tf.identity(doubled)])  # b may alias a: copied
        a[0] = 7.0
        np.testing.assert_array_equal(b, [2.0, 4.0])
    plan = executor.compile_plan([doubled, w], [], [], executor.SessionState(),
                                 passes=plan_passes.ALL)
    assert plan.fetch_copy == [False, True]


def test_config_proto_sets_blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    if not before:
        pytest.skip("no BLAS library found by threadpoolctl")
    try:
        tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)).close()
        after = [i["num_threads"] for i in threadpoolctl.threadpool_info()
                 if i["user_api"] == "blas"]
        assert after == [1] * len(after)
    finally:
        threadpoolctl.threadpool_limits(limits=max(before), user_api="blas")


def test_the_relu_gradient_is_one_fused_step_with_the_plain_results():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    g = tf.placeholder(tf.float32, [None, 4], name="g")
    y = tf.nn.relu(x)
    (dx,) = tf.gradients(y, [x], grad_ys=[g])  # ReluGrad(g, y)
    flipped = tf.where(tf.less(x, 0.0), tf.zeros_like(x), x)  # zero as the first value
    row_mask = tf.placeholder(tf.bool, [None], name="row_mask")
    by_rows = tf.where(row_mask, tf.zeros_like(x), x)  # rank-1 condition
    fetches = [dx, flipped, by_rows]
    feeds = [x, g, row_mask]
    # (without the fusion pass, which would join Relu and ReluGrad into one loop)
    passes = [p for p in plan_passes.ALL if p is not plan_fusion.fuse_elementwise]
    plan = executor.compile_plan(fetches, [], feeds, executor.SessionState(), passes=passes)
    raw = executor.compile_plan(fetches, [], feeds, executor.SessionState())
    types = [step.op.type for step in plan.steps]
    assert types.count("ReluGrad") == 1 and types.count("ZerosLike") == 2  # flipped, by_rows
    assert [step.op.type for step in raw.steps] == types
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(3, 4)).astype(np.float32),
              rng.normal(size=(3, 4)).astype(np.float32), np.array([True, False, True])]
    for got, want in zip(plan.run(values), raw.run(values)):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_relu_grad_is_bit_identical_to_np_where():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    g = tf.placeholder(tf.float32, [None, 5], name="g")
    (dx,) = tf.gradients(tf.nn.relu(x), [x], grad_ys=[g])
    grads = np.array([[np.inf, -np.inf, np.nan, -0.0, -1.5], [1.0, -2.0, 0.0, 3.0, -0.0]],
                     np.float32)
    features = np.array([[1.0, -1.0, 2.0, 0.0, 3.0], [-0.0, 1.0, np.nan, 5.0, np.inf]],
                        np.float32)
    plan = executor.compile_plan([dx], [], [x, g], executor.SessionState(),
                                 passes=plan_passes.ALL)
    (got,) = plan.run([features, grads])
    want = np.where(features > 0, grads, np.float32(0))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


def test_generated_plan_reads_variables_and_reports_a_missing_one():
    w = tf.Variable([1.0, 2.0], name="w")
    doubled = w * 2.0
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(plan_codegen.CODEGEN_AFTER_RUNS + 1):
            np.testing.assert_array_equal(sess.run(doubled), [2.0, 4.0])
        plan = list(sess._plans.values())[-1]
        assert plan._fast is not None  # the generated function ran the last runs
        del sess._state.variables[w.op]  # as if never initialized
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value w"):
            sess.run(doubled)
