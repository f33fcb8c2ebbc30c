"""The run path's shortcuts: runs of a signature seen before, the written-out steps of the
generated code, and the plans made per shape of the feeds. Each gives what the general path
and the plain plan (`plan_rewrites=False`) give, bit for bit, errors included."""

import collections
import gc
import weakref

import numpy as np
import pytest

import minigraph as tf
from minigraph import plan_shapes, session

PLAIN = tf.ConfigProto(plan_rewrites=False)


def _same(a, b) -> None:
    """Equal values in equal structures, bit for bit (dtype, shape, bytes)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif a is not None:
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


# ---------------------------------------------------------------- signatures
def test_every_fetch_structure_gives_the_general_paths_result_on_every_run():
    Pair = collections.namedtuple("Pair", "a b")
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable(np.ones([2, 2], np.float32), name="w")
    y = tf.matmul(x, w, name="y")
    total = tf.reduce_sum(y, name="total")
    bump = tf.assign_add(w, tf.ones([2, 2]) * 0.5)
    fetch_sets = [y, total, "total:0", w, bump.op, [y, total], (y, total), Pair(y, total),
                  [bump.op, total], [y, y, bump.op], {"t": total, "y": y}, [], ("y:0",),
                  {"nested": [y, (total,)]}, [[y], total]]
    value = np.arange(6, dtype=np.float64).reshape(3, 2)
    got = {}
    for config in (None, PLAIN):
        with tf.Session(config=config) as sess:
            sess.run(w.initializer)
            got[config is None] = [sess.run(fetches, {x: value}) for _ in range(4)
                           for fetches in fetch_sets]
            assert sess._signatures  # (the flat ones and the dicts of names were remembered)
    _same(got[True], got[False])
    assert type(got[True][7]) is Pair and type(got[True][6]) is tuple


def test_feed_errors_are_the_general_paths_after_good_runs():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    s = tf.placeholder(tf.string, [], name="s")
    y = x * 2.0
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y, {x: np.ones([2, 3])})
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 4\) for Tensor "
                                             r"x:0, which has shape \(\?, 3\)"):
            sess.run(y, {x: np.ones([2, 4])})
        with pytest.raises(ValueError, match=r"shape \(3,\)"):
            sess.run(y, {x: np.ones([3])})
        with pytest.raises(ValueError, match="Cannot feed value"):
            sess.run(y, {x: np.array([["a", "b", "c"]])})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            sess.run(y, {x: y})
        with pytest.raises(TypeError, match="cannot be held in float32"):
            sess.run(y, {x: np.ones([1, 3], np.complex64)})
        # lists, ints and bools take the general conversion, and give its results
        _same(sess.run(y, {x: [[1, 2, 3]]}), np.array([[2, 4, 6]], np.float32))
        _same(sess.run(y, {x: np.ones([1, 3], np.int64)}), np.full([1, 3], 2, np.float32))
        assert sess.run(tf.identity(s), {s: "abc"}) == b"abc"


def test_a_shape_narrowed_after_a_run_is_checked_on_the_next():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = x + 1.0
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y, {x: np.ones([5, 2])})
        x.set_shape([4, 2])
        with pytest.raises(ValueError, match=r"shape \(5, 2\) for Tensor x:0, which has shape "
                                             r"\(4, 2\)"):
            sess.run(y, {x: np.ones([5, 2])})
        assert sess.run(y, {x: np.ones([4, 2])}).shape == (4, 2)


def test_feeds_in_another_order_and_by_name_reach_the_right_tensors():
    a = tf.placeholder(tf.float32, [], name="a")
    b = tf.placeholder(tf.float32, [], name="b")
    d = a - b
    with tf.Session() as sess:
        for _ in range(3):
            assert sess.run(d, {a: 5.0, b: 1.0}) == 4.0
            assert sess.run(d, {b: 1.0, a: 5.0}) == 4.0
            assert sess.run(d, {"b:0": 2.0, a: 5.0}) == 3.0
            assert sess.run(d, {a: 5.0, b: 1.0, "b:0": 3.0}) == 2.0  # the last feed wins
            assert sess.run(d, {(a, b): (7.0, 1.0)}) == 6.0


def test_a_plan_dropped_from_the_cache_is_freed_and_made_again():
    x = tf.placeholder(tf.float32, [], name="x")
    outputs = [x + float(i) for i in range(5)]
    with tf.Session(config=tf.ConfigProto(plan_cache_size=2)) as sess:
        for _ in range(3):
            assert sess.run(outputs[0], {x: 1.0}) == 1.0
        first = weakref.ref(sess._plans.find([outputs[0]], [x]))
        for i in range(1, 5):
            assert sess.run(outputs[i], {x: 1.0}) == 1.0 + i
        gc.collect()
        assert first() is None  # the signature does not keep it
        assert sess.run(outputs[0], {x: 2.0}) == 2.0
        assert sess._plans.find([outputs[0]], [x]) is not None


def test_a_closed_session_refuses_a_signature_it_ran():
    x = tf.placeholder(tf.float32, [], name="x")
    y = x * 3.0
    sess = tf.Session()
    for _ in range(3):
        assert sess.run(y, {x: 1.0}) == 3.0
    sess.close()
    with pytest.raises(RuntimeError, match=r"^Attempted to use a closed Session\.$"):
        sess.run(y, {x: 1.0})


def test_signature_keys_tell_containers_and_feed_keys_apart():
    x = tf.placeholder(tf.float32, [], name="x")
    y = x + 1.0
    Pair = collections.namedtuple("Pair", "a b")
    keys = [session._signature_key(f, {x: 1.0}) for f in ([y, y], (y, y), Pair(y, y))]
    assert len(set(keys)) == 3
    assert session._signature_key(y, {x: 1.0}) != session._signature_key(y, {"x:0": 1.0})
    assert session._signature_key([y, [y]], None) is None
    assert session._signature_key({1: y}, None) is None
    assert session._signature_key(y, collections.OrderedDict({x: 1.0})) is None


# ---------------------------------------------------------------- written-out steps
def _quadratic(dtype):
    w = tf.Variable(np.zeros([], dtype.np), name="w")
    x = tf.placeholder(dtype, [3, 1], name="x")
    cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    return w, x, cost, train


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32, tf.float64])
def test_the_quadratic_step_is_written_out_and_bit_identical(dtype):
    coefficients = np.array([[1.0], [-10.0], [25.0]])
    got = {}
    for config in (None, PLAIN):
        with tf.Graph().as_default():
            w, x, cost, train = _quadratic(dtype)
            with tf.Session(config=config) as sess:
                sess.run(w.initializer)
                for _ in range(20):
                    sess.run(train, {x: coefficients})
                got[config is None] = sess.run([w, cost, x[1][0] / x[0][0] - x[2][0]],
                                       {x: coefficients})
                if config is None:
                    source = sess._plans.find([train], [x]).source
    _same(got[True], got[False])
    lines = [line.split("#")[0].strip() for line in source.splitlines()[1:]]
    assert "s9 = s2 * s3" in lines and "s15 = s5 + s14" in lines, source
    assert not any("NoOp" in line for line in source.splitlines())
    assert sum("k" in line.split("=")[-1] for line in lines if "=" in line) == 1  # AssignSub


def test_written_out_arithmetic_keeps_nan_inf_and_signed_zeros():
    values = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 3.4e38, -2.5], np.float32)
    got = {}
    for config in (None, PLAIN):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [8], name="x")
            y = tf.placeholder(tf.float32, [8], name="y")
            out = [x + y, x - y, x * y, x / y, -x, tf.add_n([x, y]), x[3] * y[4] / x[0]]
            with tf.Session(config=config) as sess, np.errstate(all="ignore"):
                feeds = {x: values, y: values[::-1]}
                got[config is None] = [sess.run(out, feeds) for _ in range(4)]
    _same(got[True], got[False])


def test_a_written_out_slice_that_fails_reports_its_kernels_error():
    v = tf.Variable(np.zeros([4], np.float32), name="v")
    shrink = tf.assign(v, np.zeros([2], np.float32), validate_shape=False)
    y = v[3] * 2.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        for _ in range(4):
            assert sess.run(y) == 0.0
        assert "[c" in sess._plans.find([y]).source
        sess.run(shrink)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"slice index 3 of dimension 0 out of bounds \(size 2\)"):
            sess.run(y)


# ---------------------------------------------------------------- plans per feed shape
def _mlp():
    x = tf.placeholder(tf.float32, [20, None], name="X")
    y = tf.placeholder(tf.float32, [3, None], name="Y")
    rng = np.random.default_rng(0)
    w1 = tf.Variable(rng.normal(size=(8, 20)).astype(np.float32), name="W1")
    w2 = tf.Variable(rng.normal(size=(3, 8)).astype(np.float32), name="W2")
    b2 = tf.Variable(np.zeros((3, 1), np.float32), name="b2")
    z = tf.matmul(w2, tf.nn.relu(tf.matmul(w1, x))) + b2
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
        logits=tf.transpose(z), labels=tf.transpose(y)))
    train = tf.train.AdamOptimizer(0.01).minimize(cost)
    return x, y, cost, train


def _batches(sizes):
    rng = np.random.default_rng(1)
    return [(rng.random((20, n)), np.eye(3)[:, rng.integers(0, 3, n)]) for n in sizes]


def test_mini_batches_of_two_sizes_train_bit_identically_with_fewer_steps():
    batches = _batches([32, 32, 24] * 4)
    got = {}
    for config in (None, PLAIN):
        with tf.Graph().as_default():
            x, y, cost, train = _mlp()
            with tf.Session(config=config) as sess:
                sess.run(tf.global_variables_initializer())
                got[config is None] = [sess.run([train, cost], {x: a, y: b}) for a, b in batches]
                got[config is None].append(sess.run(tf.trainable_variables()))
                if config is None:
                    plan = sess._plans.find([train, cost], [x, y])
    _same(got[True], got[False])
    assert sorted(plan.shape_variants) == [((20, 24), (3, 24)), ((20, 32), (3, 32))]
    kinds = {s.op.type for v in plan.shape_variants.values() for s in v.steps}
    assert kinds.isdisjoint({"Shape", "Size", "BroadcastGradientArgs", "BroadcastTo"})
    assert all(len(v.steps) < len(plan.steps) for v in plan.shape_variants.values())


def test_past_the_variant_limit_every_shape_still_runs_right():
    sizes = list(range(1, plan_shapes.MAX_SHAPE_VARIANTS + 4))
    batches = _batches(sizes + sizes)
    got = {}
    for config in (None, PLAIN):
        with tf.Graph().as_default():
            x, y, cost, train = _mlp()
            with tf.Session(config=config) as sess:
                sess.run(tf.global_variables_initializer())
                got[config is None] = [sess.run([train, cost], {x: a, y: b}) for a, b in batches]
                if config is None:
                    plan = sess._plans.find([train, cost], [x, y])
    _same(got[True], got[False])
    assert len(plan.shape_variants) == plan_shapes.MAX_SHAPE_VARIANTS


def test_feeds_that_do_not_fit_the_graph_fail_as_in_the_plain_plan():
    errors = {}
    for config in (None, PLAIN):
        with tf.Graph().as_default():
            x, y, cost, train = _mlp()
            with tf.Session(config=config) as sess:
                sess.run(tf.global_variables_initializer())
                (a, b), = _batches([8])
                for _ in range(3):
                    sess.run(cost, {x: a, y: b})
                with pytest.raises(tf.errors.InvalidArgumentError) as caught:
                    sess.run(cost, {x: a, y: b[:, :5]})
                errors[config is None] = str(caught.value)
    assert errors[True] == errors[False]


def test_the_shape_of_a_variable_that_may_change_shape_is_never_folded():
    v = tf.Variable(np.zeros([4], np.float32), name="v", validate_shape=True)
    grow = tf.assign(v, np.zeros([6], np.float32), validate_shape=False)
    x = tf.placeholder(tf.float32, [None], name="x")
    n = tf.size(v) + tf.size(x)
    with tf.Session() as sess:
        sess.run(v.initializer)
        for _ in range(3):
            assert sess.run(n, {x: np.ones(2)}) == 6
        sess.run(grow)
        for _ in range(3):
            assert sess.run(n, {x: np.ones(2)}) == 8
            assert sess.run(tf.shape(v)).tolist() == [6]


def test_a_static_shape_is_folded_without_any_feed():
    x = tf.Variable(np.ones([3, 4], np.float32))
    y = tf.reshape(tf.reduce_sum(tf.exp(x), axis=[]), tf.shape(x))
    with tf.Session() as sess:
        sess.run(x.initializer)
        for _ in range(3):
            _same(sess.run(y), np.exp(np.ones([3, 4], np.float32)))
        plan = sess._plans.find([y])
        # (the read of the variable stays: it says so if the variable is not initialized)
        assert [s.op.type for s in plan.steps] == ["VariableV2", "Exp", "VariableV2"]
        assert plan.shape_variants is None


def test_a_fed_tensor_of_static_shape_folds_without_a_plan_per_shape():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    y = tf.reshape(x * 2.0, tf.shape(x)) + tf.cast(tf.size(x), tf.float32)
    with tf.Session() as sess:
        for _ in range(3):
            _same(sess.run(y, {x: np.ones([2, 3])}), np.full([2, 3], 8.0, np.float32))
        plan = sess._plans.find([y], [x])
        assert plan.shape_variants is None
        assert [s.op.type for s in plan.steps] == ["FusedElementwise"] or all(
            s.op.type not in ("Shape", "Size", "Reshape", "Cast") for s in plan.steps)
