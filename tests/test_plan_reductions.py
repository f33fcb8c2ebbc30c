"""The reduction pass: a `Sum` or `Mean` over the rows of a fused step's output, added up inside
the step's loop, gives numpy's bits; where it cannot run, the plain kernels run. And the
recomputing pass: a fused output read by one later fused step is computed there again.

The tests named `test_probe_*` are also run by `tests/test_plan_passes.py` with every pass on
and every pass off, bit for bit; they run each plan four times (the later runs reuse the loop
the first made).
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import compiled_kernels, executor, plan_passes, plan_reductions

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (inf and NaN on purpose)
RUNS = 4
SPECIAL = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1e-45, -1e-45, 3.4e38, -3.4e38],
                   np.float32)


def _values(rows: int, cols: int, seed: int, dtype=np.float32, special: bool = True):
    """Random values over many magnitudes, with signed zeros (and, if `special`, NaN, inf and
    subnormals) spread among them."""
    rng = np.random.default_rng(seed)
    values = (rng.normal(size=(rows, cols)) * 10.0 ** rng.uniform(-3, 3, (rows, cols)))
    values = values.astype(dtype)
    flat = values.reshape(-1)
    flat[rng.random(flat.size) < 0.1] = -0.0
    if special:
        flat[rng.choice(flat.size, SPECIAL.size, replace=False)] = SPECIAL
    return values


def _run_repeatedly(fetches, feed, runs: int = RUNS, config=None) -> list:
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        return [sess.run(fetches, feed) for _ in range(runs)]


def _types(fetches, feeds) -> list:
    plan = executor.compile_plan(fetches, [], feeds, executor.SessionState(),
                                 passes=plan_passes.ALL)
    return [(step.op.type, repr(step.op) if step.op.type == "FusedElementwise" else "")
            for step in plan.steps]


def _same(got_runs, want_runs) -> None:
    for got_run, want_run in zip(got_runs, want_runs):
        for got, want in zip(got_run, want_run):
            got, want = np.asarray(got), np.asarray(want)
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes()


# ---------------------------------------------------------------- numpy's order of summation
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_adds_the_rows_of_a_matrix_one_at_a_time_from_plus_zero(dtype):
    """What the pass relies on: `np.add.reduce(x, axis=0)` of a C-ordered matrix with two or
    more columns is `((0 + x[0]) + x[1]) + ...`, signed zeros included."""
    rng = np.random.default_rng(0)
    for rows in (1, 2, 3, 8, 9, 17, 128, 129, 255, 256, 1000, 2048, 4099):
        for cols in (2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 100, 128, 255, 512, 784, 1025):
            x = _values(rows, cols, int(rng.integers(1 << 30)), dtype, special=False)
            total = dtype(0) + x[0]
            for row in x[1:]:
                total = total + row
            want = np.add.reduce(x, axis=0)
            assert total.tobytes() == want.tobytes(), (rows, cols)


def test_a_single_column_is_not_summed_in_row_order_and_stays_plain():
    x = np.float32([1e8, 1.0, -1e8, 1.0] * 40).reshape(-1, 1)
    in_order = np.float32(0)
    for value in x[:, 0]:
        in_order = in_order + value
    assert np.add.reduce(x, axis=0)[0] != in_order  # numpy sums one column pairwise
    p = tf.placeholder(tf.float32, [None, 1], name="p")
    y = tf.reduce_sum(tf.square(p + 0.0), axis=0)
    feed = {p: np.tile(x, (200, 1))}  # (above the fusion's threshold)
    _same(_run_repeatedly([y], feed),
          _run_repeatedly([y], feed, config=tf.ConfigProto(plan_rewrites=False)))


# ---------------------------------------------------------------- what the pass joins
def test_sums_and_means_over_axis_0_join_the_fused_step_that_makes_their_input():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    mean = tf.reduce_mean(x, axis=0, keepdims=True)
    variance = tf.reduce_mean(tf.square(x - mean), axis=0)
    total = tf.reduce_sum(tf.nn.relu(x * 2.0 + 1.0), axis=[0])
    types = _types([variance, total], [x])
    assert types.count(("FusedElementwise", "<fused ops: sub, Square, Mean_1>")) == 1
    assert types.count(("FusedElementwise", "<fused ops: mul, add, Relu, Sum>")) == 1
    assert [t for t, _ in types].count("Mean") == 1  # the mean of x: no fused step makes x


def test_reductions_read_elsewhere_over_other_axes_or_fetched_stay_steps():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    squares = tf.square(x - 1.0)
    over_columns = tf.reduce_sum(tf.nn.relu(x * 2.0), axis=1)
    over_all = tf.reduce_sum(tf.sqrt(x * 3.0))
    fetched = tf.abs(x) * 4.0
    types = _types([tf.reduce_sum(squares, 0), tf.exp(squares), over_columns, over_all,
                    tf.reduce_sum(fetched, 0), fetched], [x])  # (exp is not fused)
    assert [t for t, _ in types].count("Sum") == 4
    assert all("Sum" not in fused for _, fused in types)


def test_the_passes_are_in_all_right_after_fusion():
    index = plan_passes.ALL.index(plan_reductions.fuse_reductions)
    assert [p.__name__ for p in plan_passes.ALL[index - 2:index]] == [
        "fuse_elementwise", "recompute_elementwise"]


# ---------------------------------------------------------------- probes (also run all-off)
def test_probe_sums_and_means_of_fused_outputs_with_special_values():
    a = tf.placeholder(tf.float32, [None, 512], name="a")
    b = tf.placeholder(tf.float32, [None, 512], name="b")
    row = tf.Variable(np.linspace(-2, 2, 512, dtype=np.float32), name="row")
    column = tf.placeholder(tf.float32, [None, 1], name="column")
    diff = (a - b) * row + column
    fetches = [tf.reduce_sum(tf.square(diff), 0), tf.reduce_mean(diff * 2.0, 0, keepdims=True),
               tf.reduce_sum(tf.nn.relu(a * 0.5), axis=-2, keepdims=True),
               tf.reduce_mean(tf.square(a - b) * 3.0, axis=0), diff * 0.25]
    feed = {a: _values(256, 512, 1), b: _values(256, 512, 2), column: _values(256, 1, 3)}
    runs = _run_repeatedly(fetches, feed)
    _same(runs[1:], runs[:1] * (RUNS - 1))
    got = runs[-1]
    want_diff = (feed[a] - feed[b]) * np.linspace(-2, 2, 512, dtype=np.float32) + feed[column]
    np.testing.assert_array_equal(got[0], np.add.reduce(np.square(want_diff), axis=0))
    np.testing.assert_array_equal(got[1], np.mean(want_diff * np.float32(2), axis=0,
                                                  keepdims=True))
    np.testing.assert_array_equal(got[4], want_diff * np.float32(0.25))


def test_probe_float64_and_batch_sizes_that_change():
    x = tf.placeholder(tf.float64, [None, 300], name="x")
    y = tf.reduce_sum(tf.square(x * 2.0 - 1.0), 0)
    z = tf.reduce_mean(tf.nn.relu(x + 0.5), 0)
    with tf.Session() as sess:
        for rows in (128, 2, 1, 3000, 128, 60):
            feed = {x: _values(rows, 300, rows, np.float64)}
            for _ in range(3):
                got_y, got_z = sess.run([y, z], feed)
            np.testing.assert_array_equal(got_y, np.add.reduce(
                np.square(feed[x] * 2.0 - 1.0), axis=0))
            np.testing.assert_array_equal(got_z, np.mean(np.maximum(feed[x] + 0.5, 0), 0))


def test_probe_non_contiguous_and_broadcast_inputs_take_the_plain_kernels():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    flipped = tf.transpose(tf.transpose(x) * 1.0)  # a non-contiguous input (x * 1 is x)
    wide = tf.broadcast_to(tf.reshape(tf.range(512.0), [1, 512]), tf.shape(x))  # stride 0
    y = tf.reduce_sum(tf.square(flipped - 1.0) + wide, 0)
    feed = {x: _values(256, 512, 4)}
    runs = _run_repeatedly([y], feed)
    want = np.add.reduce(np.square(feed[x] - np.float32(1)) + np.arange(512, dtype=np.float32),
                         axis=0)
    np.testing.assert_array_equal(runs[-1][0], want)


def test_probe_a_shape_mismatch_inside_the_fused_step_is_the_usual_error():
    a = tf.placeholder(tf.float32, [None, None], name="a")
    b = tf.placeholder(tf.float32, [None, None], name="b")
    y = tf.reduce_sum((a * 2.0 + b) * 3.0, 0)
    with tf.Session() as sess:
        good = {a: np.ones((64, 512), np.float32), b: np.ones((64, 512), np.float32)}
        for _ in range(RUNS):
            sess.run(y, good)
        with pytest.raises(tf.errors.InvalidArgumentError, match="add"):
            sess.run(y, {a: np.ones((64, 512), np.float32), b: np.ones((63, 512), np.float32)})


def test_probe_batch_norm_training_step_with_its_gradients():
    x = tf.placeholder(tf.float32, [None, 256], name="x")
    w = tf.Variable(np.random.default_rng(7).normal(size=(256, 256)).astype(np.float32) * 0.1)
    h = tf.layers.batch_normalization(tf.matmul(x, w), training=True)
    loss = tf.reduce_mean(tf.square(tf.nn.relu(h)))
    grads = tf.gradients(loss, tf.trainable_variables())
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(1e-2).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: np.random.default_rng(8).normal(size=(256, 256)).astype(np.float32)}
        runs = [sess.run([train, loss] + grads, feed)[1:] for _ in range(RUNS)]
        assert runs[-1][0] < runs[0][0]


# ---------------------------------------------------------------- the loop and the fallback
@pytest.mark.parametrize("jit", ["numba", "numpy", "0"])
def test_the_loop_and_the_plain_kernels_give_the_same_bits(monkeypatch, jit):
    if jit == "numba" and not compiled_kernels.installed():
        pytest.skip("numba is not installed")
    monkeypatch.setenv("MINIGRAPH_JIT", jit)
    a = tf.placeholder(tf.float32, [None, 512], name="a")
    b = tf.placeholder(tf.float32, [None, 512], name="b")
    (relu_grad,) = tf.gradients(tf.nn.relu(b), [b], grad_ys=[a])
    fetches = [tf.reduce_sum(relu_grad, 0), tf.reduce_sum(relu_grad * b, 0), relu_grad * 2.0,
               tf.reduce_mean(tf.squared_difference(a, b), 0, keepdims=True)]
    feed = {a: _values(512, 512, 5), b: _values(512, 512, 6)}
    with tf.Session() as sess:
        got = [sess.run(fetches, feed) for _ in range(RUNS)]
        (plan,) = sess._plans.values()
    kernels = [step.kernel for step in plan.steps
               if step.kernel.__class__ is plan_reductions.ReducingKernel]
    assert len(kernels) == 2
    compiled = [run for kernel in kernels for run in kernel._runs.values()
                if run.__class__ is plan_reductions._ReducingRun]
    assert bool(compiled) == (jit == "numba")
    _same(got, _run_repeatedly(fetches, feed, config=tf.ConfigProto(plan_rewrites=False)))


def test_the_loop_source_adds_rows_into_sums_and_writes_the_other_outputs():
    from minigraph.compiled_kernels import FULL, ROW, SCALAR, Loop

    loop = Loop([("x0", FULL), ("x1", ROW), ("zero", SCALAR)],
                ["t0 = (x0 - x1)", "t1 = (t0 * t0)"], [("o0", "t0"), ("o1", "t1")], 2)
    source = plan_reductions._source(loop, (1,))
    assert "def kernel(x0, x1, zero, o0, a0, n0, n1):" in source
    assert "a0[j] = zero" in source and "a0[j] = a0[j] + t1" in source
    assert "o0[i, j] = x0_ - x1_" not in source and "o0[i, j] = t0" in source
    assert "o1" not in source and "t0 = (x0_ - x1_)" in source


# ---------------------------------------------------------------- recomputing fused outputs
def test_a_fused_output_read_by_one_later_fused_step_is_computed_again_there():
    z = tf.placeholder(tf.float32, [None, 512], name="z")
    centered = z - 1.0
    twice = centered * 2.0
    total = tf.reduce_sum(tf.square(centered) * 3.0)  # (a reduction between the two steps)
    out = tf.nn.relu(twice * tf.reshape(total, [1, 1]))
    plan = executor.compile_plan([out], [], [z], executor.SessionState(),
                                 passes=plan_passes.ALL)
    fused = [step for step in plan.steps if step.op.type == "FusedElementwise"]
    assert [repr(step.op) for step in fused] == [
        "<fused ops: sub, mul, Square, mul_1>", "<fused ops: sub, mul, mul_2, Relu>"]
    assert len(fused[0].outputs) == 1  # (`twice` is no longer written by the first)
    assert plan.feed_slots[0] in fused[1].inputs


def test_outputs_that_would_cost_the_reader_more_reads_are_kept():
    a = tf.placeholder(tf.float32, [None, 512], name="a")
    b = tf.placeholder(tf.float32, [None, 512], name="b")
    both = a * b  # two large inputs: the reader would read two arrays instead of one
    twice = both * 2.0
    total = tf.reduce_sum(tf.square(both) * 3.0)
    out = tf.nn.relu(twice * tf.reshape(total, [1, 1]))
    plan = executor.compile_plan([out], [], [a, b], executor.SessionState(),
                                 passes=plan_passes.ALL)
    fused = [step for step in plan.steps if step.op.type == "FusedElementwise"]
    assert [repr(step.op) for step in fused][-1] == "<fused ops: mul_3, Relu>"


def test_probe_recomputed_outputs_give_the_same_bits_and_errors():
    z = tf.placeholder(tf.float32, [None, None], name="z")
    c_value = _values(1, 512, 12)
    c = tf.Variable(c_value, name="c")  # (small: z is the one large input)
    centered = z - c
    twice = centered * 2.0
    total = tf.reduce_sum(tf.square(centered) * 3.0, axis=0, keepdims=True)
    out = tf.nn.relu(twice * total) + z * 0.5
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {z: _values(256, 512, 11)}
        runs = [sess.run([out, total], feed) for _ in range(RUNS)]
        with pytest.raises(tf.errors.InvalidArgumentError, match="sub"):
            sess.run(out, {z: _values(256, 300, 11)})
    _same(runs[1:], runs[:1] * (RUNS - 1))
    want_twice = (feed[z] - c_value) * np.float32(2)
    want_total = np.add.reduce(np.square(feed[z] - c_value) * np.float32(3), axis=0,
                               keepdims=True)
    np.testing.assert_array_equal(runs[-1][1], want_total)
    np.testing.assert_array_equal(runs[-1][0], np.maximum(want_twice * want_total, 0)
                                  + feed[z] * np.float32(0.5))


def test_probe_a_recomputed_input_is_not_overwritten_before_its_new_reader():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    w = tf.Variable(np.eye(512, dtype=np.float32) * 0.5, name="w")
    z = tf.matmul(x, w)  # fresh: a donor wherever it dies
    centered = z - 1.0
    twice = centered * 2.0
    total = tf.reduce_sum(tf.square(centered), axis=0)
    middle = tf.nn.relu(z * tf.reshape(total, [1, 512]))  # z's last reader before the rewrite
    out = twice * tf.reduce_sum(middle, axis=0)
    feed = {x: _values(256, 512, 13, special=False)}
    runs = _run_repeatedly([out, middle], feed)
    _same(runs[1:], runs[:1] * (RUNS - 1))
    zv = feed[x] @ (np.eye(512, dtype=np.float32) * np.float32(0.5))
    want_total = np.add.reduce(np.square(zv - np.float32(1)), axis=0)
    want_middle = np.maximum(zv * want_total, 0)
    np.testing.assert_array_equal(runs[-1][1], want_middle)
    np.testing.assert_array_equal(runs[-1][0], (zv - np.float32(1)) * np.float32(2)
                                  * np.add.reduce(want_middle, axis=0))


def test_probe_a_variable_updated_between_the_two_steps_is_read_as_it_was():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    v = tf.Variable(np.linspace(-1, 1, 512, dtype=np.float32).reshape(1, 512), name="v")
    centered = x - v
    twice = centered * 2.0
    total = tf.reduce_sum(tf.square(centered), axis=0, keepdims=True)
    with tf.control_dependencies([total, twice]):
        update = tf.assign_add(v, tf.ones([1, 512]))
    with tf.control_dependencies([update]):
        out = tf.nn.relu(twice * total)
    feed = {x: _values(256, 512, 14, special=False)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        runs = []
        for _ in range(RUNS):
            start = sess.run(v)
            runs.append(sess.run(out, feed))
            want_twice = (feed[x] - start) * np.float32(2)
            want_total = np.add.reduce(np.square(feed[x] - start), axis=0, keepdims=True)
            np.testing.assert_array_equal(runs[-1], np.maximum(want_twice * want_total, 0))
