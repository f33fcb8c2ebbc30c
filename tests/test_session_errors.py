"""Session misuse and limits: closing while running, bad arguments, the plan cache, deep fetches.

TF1 (1.15) is the reference for every error class and message here; the values that came from
real TensorFlow (2.21, `tensorflow.compat.v1` with `disable_v2_behavior()`) are stated next to
the test that uses them.
"""

import threading
import time

import numpy as np
import pytest

import minigraph as tf
from minigraph import session


# ---------------------------------------------------------------- close() during run()
def _blocking_graph():
    """y = f(x) + 1, where f waits until `release` is set; `entered` is set when f starts."""
    entered, release = threading.Event(), threading.Event()

    def wait(value):
        entered.set()
        release.wait(10.0)
        return value

    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.py_func(wait, [x], tf.float32, name="wait") + 1.0
    return x, y, entered, release


def test_close_from_another_thread_cancels_the_running_run():
    x, y, entered, release = _blocking_graph()
    sess = tf.Session()
    outcome = {}

    def run():
        try:
            outcome["value"] = sess.run(y, {x: 1.0})
        except Exception as e:  # noqa: BLE001 - the test looks at what was raised
            outcome["error"] = e

    runner = threading.Thread(target=run)
    runner.start()
    assert entered.wait(10.0)
    started = time.perf_counter()
    sess.close()  # while the run is inside the kernel
    close_seconds = time.perf_counter() - started
    release.set()
    runner.join(10.0)
    assert not runner.is_alive()
    assert close_seconds < 1.0  # close does not wait for the run
    error = outcome.get("error")
    assert isinstance(error, tf.errors.CancelledError), outcome  # TF1: "Run call was cancelled"
    assert "Run call was cancelled" in str(error)
    assert "closed" in str(error)
    with pytest.raises(RuntimeError, match=r"^Attempted to use a closed Session\.$"):
        sess.run(y, {x: 1.0})


def test_close_inside_a_run_cancels_it_on_every_runner():
    # Closing from a kernel of the run itself: deterministic, and on the loop as well as on the
    # generated code a plan gets after a few runs.
    for runs_before in range(5):
        sess = tf.Session()
        close_now = []

        def maybe_close(value, sess=sess, close_now=close_now):
            if close_now:
                sess.close()
            return value

        x = tf.placeholder(tf.float32, [], name="x")
        y = tf.py_func(maybe_close, [x], tf.float32) * 2.0
        for _ in range(runs_before):
            assert sess.run(y, {x: 1.0}) == 2.0
        close_now.append(True)
        with pytest.raises(tf.errors.CancelledError, match="Run call was cancelled"):
            sess.run(y, {x: 1.0})
        with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
            sess.run(y, {x: 1.0})
        tf.reset_default_graph()


def test_close_during_runs_of_many_threads_never_hangs():
    x = tf.placeholder(tf.float32, [None], name="x")
    y = x
    for _ in range(50):
        y = tf.tanh(y)
    sess = tf.Session()
    seen = []

    def loop():
        while True:
            try:
                sess.run(y, {x: np.ones(100, np.float32)})
            except (tf.errors.CancelledError, RuntimeError) as e:
                seen.append(type(e))
                return

    threads = [threading.Thread(target=loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    sess.close()
    for thread in threads:
        thread.join(10.0)
    assert not any(thread.is_alive() for thread in threads)
    assert len(seen) == 4 and set(seen) <= {tf.errors.CancelledError, RuntimeError}


# ---------------------------------------------------------------- bad arguments
def test_feed_dict_that_is_not_a_mapping_is_a_type_error():
    # TF 2.21: TypeError "FlattenDictItems: 'dict' must be a dictionary or collection.Mapping
    # type object, instead of 'list'." (TF 1.15: "input must be a dictionary").
    x = tf.placeholder(tf.float32, [2], name="x")
    y = x * 2.0
    with tf.Session() as sess:
        with pytest.raises(TypeError, match=r"feed_dict must be a dictionary.*not a list"
                                             r".*dict\(pairs\)"):
            sess.run(y, feed_dict=[(x, [1.0, 2.0])])
        with pytest.raises(TypeError, match="feed_dict must be a dictionary.*not a int"):
            sess.run(y, feed_dict=5)
        with pytest.raises(TypeError, match="feed_dict must be a dictionary.*not a str"):
            sess.run(y, feed_dict="x")
        # As in TF1, an empty feed of any kind is no feed.
        assert sess.run(tf.constant(1.0), feed_dict=[]) == 1.0


def test_session_graph_and_config_types():
    # TF 1.15: TypeError("graph must be a tf.Graph, but got %s" % type(graph)), same for config.
    with pytest.raises(TypeError, match=r"^graph must be a tf\.Graph, but got <class 'int'>"):
        tf.Session(graph=5)
    with pytest.raises(TypeError, match=r"^config must be a tf\.ConfigProto, but got "
                                         r"<class 'dict'>"):
        tf.Session(config={})
    with pytest.raises(TypeError, match="target must be a string"):
        tf.Session(target=5)
    with pytest.raises(TypeError, match="graph must be a tf.Graph"):
        tf.InteractiveSession(graph="g")


def test_config_proto_unknown_field_and_wrong_types():
    # TF 2.21: ValueError 'Protocol message ConfigProto has no "foo" field.'; TypeError for a
    # value of the wrong type; ValueError 'Value out of range: 1099511627776' for 2**40 in int32.
    with pytest.raises(ValueError, match='Protocol message ConfigProto has no "intra_op_thread" '
                                         'field.*intra_op_parallelism_threads'):
        tf.ConfigProto(intra_op_thread=1)
    with pytest.raises(TypeError, match="intra_op_parallelism_threads.*int.*'a'"):
        tf.ConfigProto(intra_op_parallelism_threads="a")
    with pytest.raises(TypeError, match="intra_op_parallelism_threads"):
        tf.ConfigProto(intra_op_parallelism_threads=1.5)
    with pytest.raises(ValueError, match="Value out of range: 1099511627776"):
        tf.ConfigProto(intra_op_parallelism_threads=2**40)
    with pytest.raises(TypeError, match="allow_soft_placement.*bool"):
        tf.ConfigProto(allow_soft_placement="yes")
    with pytest.raises(TypeError, match="graph_options.*GraphOptions.*int"):
        tf.ConfigProto(graph_options=5)
    with pytest.raises(TypeError, match="optimizer_options.*OptimizerOptions"):
        tf.GraphOptions(optimizer_options=5)
    with pytest.raises(ValueError, match='unknown enum label "x".*L0, L1'):
        tf.OptimizerOptions(opt_level="x")
    with pytest.raises(ValueError, match='Protocol message GPUOptions has no "growth" field'):
        session.GPUOptions(growth=True)
    config = tf.ConfigProto()
    with pytest.raises(TypeError, match="intra_op_parallelism_threads"):
        config.intra_op_parallelism_threads = "a"
    with pytest.raises(AttributeError, match='Protocol message ConfigProto has no "foo" field'):
        config.foo = 1


def test_config_proto_accepts_what_tf1_programs_write():
    config = tf.ConfigProto(device_count={"GPU": 0}, allow_soft_placement=True,
                            log_device_placement=False, inter_op_parallelism_threads=2,
                            gpu_options=session.GPUOptions(per_process_gpu_memory_fraction=0.5))
    config.gpu_options.allow_growth = True  # the usual TF1 idiom: nested defaults exist
    config.graph_options.optimizer_options.opt_level = tf.OptimizerOptions.L0
    assert config.gpu_options.allow_growth is True
    assert config.gpu_options.per_process_gpu_memory_fraction == 0.5
    assert config.device_count == {"GPU": 0}
    assert config.intra_op_parallelism_threads == 0
    assert tf.OptimizerOptions(opt_level="L0").opt_level == tf.OptimizerOptions.L0
    assert tf.ConfigProto(allow_soft_placement=1).allow_soft_placement is True
    assert tf.ConfigProto(graph_options={"infer_shapes": True}).graph_options.infer_shapes
    x = tf.placeholder(tf.float32, [], name="x")
    with tf.Session(config=config) as sess:
        assert sess.run(x * 2.0, {x: 2.0}) == 4.0
        assert sess._passes == ()  # opt_level L0, set after construction, is read


# ---------------------------------------------------------------- the plan cache
def test_plan_cache_stays_bounded_over_thousands_of_fetch_lists():
    import gc
    import weakref

    x = tf.placeholder(tf.float32, [], name="x")
    outputs = [x + float(i) for i in range(3000)]
    with tf.Session(config=tf.ConfigProto(plan_cache_size=100)) as sess:
        assert sess.run(outputs[0], {x: 1.0}) == 1.0
        first = weakref.ref(sess._plans.find([outputs[0]], [x]))
        for i in range(1, 3000):
            assert sess.run([outputs[i], outputs[i - 1]], {x: 1.0}) == [i + 1.0, float(i)]
            assert len(sess._plans) <= 100
        assert len(sess._plans) == 100
        gc.collect()
        assert first() is None  # the least recently run plan was dropped, and freed
        # a dropped plan is compiled again when it is needed
        assert sess.run(outputs[0], {x: 2.0}) == 2.0
    with tf.Session() as sess:
        for i in range(400):
            sess.run(outputs[i], {x: 0.0})
        assert len(sess._plans) == session.DEFAULT_PLAN_CACHE_SIZE == 256


def test_plan_cache_keeps_the_most_recently_run_plans():
    a, b, c = tf.constant(1.0), tf.constant(2.0), tf.constant(3.0)
    with tf.Session(config=tf.ConfigProto(plan_cache_size=2)) as sess:
        sess.run(a)
        sess.run(b)
        sess.run(a)  # a is now more recent than b
        sess.run(c)  # so b goes
        assert sess._plans.find([a]) is not None and sess._plans.find([c]) is not None
        assert sess._plans.find([b]) is None
    with pytest.raises(ValueError, match="plan_cache_size must be 0 .* or more, not -1"):
        tf.Session(config=tf.ConfigProto(plan_cache_size=-1))


def test_same_fetches_and_feeds_in_another_order_reuse_the_plan():
    p = tf.placeholder(tf.float32, [], name="p")
    q = tf.placeholder(tf.float32, [], name="q")
    diff, total = p - q, p + q
    with tf.Session() as sess:
        assert sess.run({"d": diff, "t": total}, {p: 5.0, q: 2.0}) == {"d": 3.0, "t": 7.0}
        assert sess.run({"t": total, "d": diff}, {q: 2.0, p: 5.0}) == {"t": 7.0, "d": 3.0}
        assert sess.run([total, diff], {q: 1.0, p: 10.0}) == [11.0, 9.0]
        assert sess.run((diff, [total, diff]), {p: 1.0, q: 4.0}) == (-3.0, [5.0, -3.0])
        assert len(sess._plans) == 1
        for _ in range(5):  # also once the plan runs as generated code
            assert sess.run([diff], {q: 1.0, p: 3.0}) == [2.0]
            assert sess.run([diff], {p: 3.0, q: 1.0}) == [2.0]
        assert len(sess._plans) == 2


def test_feeding_one_tensor_twice_keeps_the_last_value():
    # TF 2.21: sess.run(p * 1, {p: 1.0, "p:0": 2.0}) is 2.0.
    p = tf.placeholder(tf.float32, [], name="p")
    with tf.Session() as sess:
        assert sess.run(p * 1.0, {p: 1.0, "p:0": 2.0}) == 2.0
        assert sess.run(p * 1.0, {p: 3.0}) == 3.0
        assert sess.run(p * 1.0, {"p:0": 4.0, p: 5.0}) == 5.0


# ---------------------------------------------------------------- deep structures
def test_fetches_nested_thousands_of_levels_deep():
    import collections
    import sys

    Pair = collections.namedtuple("Pair", "value rest")
    x = tf.placeholder(tf.float32, [], name="x")
    y = x * 2.0
    depth = max(5000, 3 * sys.getrecursionlimit())
    fetches = y
    for level in range(depth):
        kind = level % 4
        if kind == 0:
            fetches = [fetches, y]
        elif kind == 1:
            fetches = {"inner": fetches, "op": y.op}
        elif kind == 2:
            fetches = Pair(y, fetches)
        else:
            fetches = (fetches,)
    with tf.Session() as sess:
        result = sess.run(fetches, {x: 1.5})
    for level in reversed(range(depth)):
        kind = level % 4
        if kind == 0:
            assert isinstance(result, list) and result[1] == 3.0
            result = result[0]
        elif kind == 1:
            assert isinstance(result, dict) and result["op"] is None
            result = result["inner"]
        elif kind == 2:
            assert isinstance(result, Pair) and result.value == 3.0
            result = result.rest
        else:
            assert isinstance(result, tuple) and len(result) == 1
            result = result[0]
    assert result == 3.0


def test_fetch_structures_keep_their_types_and_may_be_empty():
    import collections

    y = tf.constant(2.0)
    counts = collections.defaultdict(list, {"y": y})
    ordered = collections.OrderedDict([("b", y), ("a", [])])
    with tf.Session() as sess:
        got = sess.run({"d": counts, "o": ordered, "e": (), "l": [[]]})
    assert isinstance(got["d"], collections.defaultdict) and got["d"].default_factory is list
    assert got["d"]["y"] == 2.0
    assert isinstance(got["o"], collections.OrderedDict) and list(got["o"]) == ["b", "a"]
    assert got["e"] == () and got["l"] == [[]]


def test_fetches_that_contain_themselves_are_a_value_error():
    y = tf.constant(1.0)
    loop = [y]
    loop.append(loop)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="contains itself"):
            sess.run(loop)
        assert sess.run([[y], [y]]) == [[1.0], [1.0]]  # the same tensor twice is no cycle


def test_feed_dict_keys_may_be_nested_tuples_of_tensors():
    # TF 2.21: {(p, q): (1.0, 2.0)} and {(p, (q,)): (1.0, (2.0,))} feed p and q; a value of
    # another length is "ValueError: Could not flatten dictionary. Key had 2 elements, but
    # value had 1 elements. ..."
    p = tf.placeholder(tf.float32, [], name="p")
    q = tf.placeholder(tf.float32, [], name="q")
    with tf.Session() as sess:
        assert sess.run(p - q, {(p, q): (1.0, 2.0)}) == -1.0
        assert sess.run(p - q, {(p, (q,)): [1.0, (3.0,)]}) == -2.0
        with pytest.raises(ValueError, match="Key had 2 elements, but value had 1 elements"):
            sess.run(p - q, {(p, q): (1.0,)})
        with pytest.raises(ValueError, match="Key had 2 elements, but value had 1 elements"):
            sess.run(p - q, {(p, q): np.array([1.0, 2.0])})
        keys, values = p, 1.0
        for _ in range(3000):
            keys, values = (keys,), [values]
        assert sess.run(p * 2.0, {keys: values}) == 2.0


def test_feeding_a_deeply_nested_list_is_a_type_error_not_a_recursion_error():
    x = tf.placeholder(tf.float32, None, name="x")
    value = 1.0
    for _ in range(5000):
        value = [value]
    with tf.Session() as sess:
        with pytest.raises((TypeError, ValueError), match="x"):
            sess.run(x, {x: value})


def test_threads_sharing_a_session_and_a_small_plan_cache_get_right_results():
    x = tf.placeholder(tf.float32, [], name="x")
    outputs = [x * float(i) for i in range(40)]
    sess = tf.Session(config=tf.ConfigProto(plan_cache_size=3))
    wrong = []

    def work(seed):
        rng = np.random.RandomState(seed)
        for _ in range(300):
            i, j = rng.randint(40, size=2)
            value = float(rng.randint(1, 5))
            got = sess.run({"a": outputs[i], "b": [outputs[j]]}, {x: value})
            if got != {"a": i * value, "b": [j * value]}:
                wrong.append(got)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60.0)
    sess.close()
    assert not wrong and len(sess._plans) == 0


# ---------------------------------------------------------------- control dependencies and feeds
def _counter():
    v = tf.Variable(0.0, name="counter")
    return v, tf.assign_add(v, 1.0)


def test_control_dependency_on_a_fed_placeholder_is_met_by_the_feed():
    # TF 2.21: with tf.control_dependencies([x.op]) (or [x]): z = tf.identity(p) runs with
    # {p: 3.0, x: 1.0}; without x fed it is "You must feed a value for placeholder tensor 'x'".
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.float32, [], name="p")
    v, inc = _counter()
    with tf.control_dependencies([x.op]):
        z = tf.identity(p)
    with tf.control_dependencies([x]):
        z2 = tf.identity(p)
    with tf.control_dependencies([x.op, inc]):
        y = tf.constant(5.0) * 2.0
    group = tf.group(x, inc)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(z, {p: 3.0, x: 1.0}) == 3.0
        assert sess.run(z2, {p: 3.0, x: 1.0}) == 3.0
        assert sess.run(y, {x: 1.0}) == 10.0 and sess.run(v) == 1.0  # inc ran
        assert sess.run(group, {x: 1.0}) is None and sess.run(v) == 2.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="placeholder tensor 'x'"):
            sess.run(z, {p: 3.0})
        # a fed placeholder run as a target op is still an error, as in TF1
        with pytest.raises(tf.errors.InvalidArgumentError, match="placeholder tensor 'x'"):
            sess.run(x.op, {x: 1.0})


def test_control_dependency_on_another_fed_op_runs_it():
    # TF 2.21: an op named by a control dependency runs even when its output is fed (and needs
    # its inputs); a fed tensor's op does not run for the data path, nor do its control inputs.
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.float32, [], name="p")
    v, inc = _counter()
    with tf.control_dependencies([inc]):
        w = tf.identity(x, name="w")
    u = w * 10.0
    with tf.control_dependencies([w.op]):
        k = tf.identity(p, name="k")
    with tf.control_dependencies([inc]):
        xp = tf.placeholder(tf.float32, [], name="xp")
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(u, {w: 5.0}) == 50.0 and sess.run(v) == 0.0
        assert sess.run(xp * 2.0, {xp: 1.0}) == 2.0 and sess.run(v) == 0.0
        assert sess.run(k, {w: 5.0, p: 1.0, x: 2.0}) == 1.0 and sess.run(v) == 1.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="placeholder tensor 'x'"):
            sess.run(k, {w: 5.0, p: 1.0})
        for rewrites in (False, True):
            config = tf.ConfigProto(plan_rewrites=rewrites)
            with tf.Session(config=config) as other:
                other.run(v.initializer)
                for _ in range(4):  # the loop, then generated code
                    other.run(k, {w: 5.0, p: 1.0, x: 2.0})
                assert other.run(v) == 4.0


def test_metrics_mean_counts_under_tf1s_control_dependency_on_the_values():
    # TF 2.21: the count update mean/AssignAdd_1 has the control input 'vals' (the fed
    # placeholder); 'mean_1/Mul' with weights; 'mean_2/Cast' for int32 values.
    vals = tf.placeholder(tf.float32, [None], name="vals")
    weights = tf.placeholder(tf.float32, [None], name="w")
    ints = tf.placeholder(tf.int32, [None], name="ints")
    m, update = tf.metrics.mean(vals)
    wm, wupdate = tf.metrics.mean(vals, weights=weights)
    im, iupdate = tf.metrics.mean(ints)
    graph = tf.get_default_graph()
    controls = {name: graph.get_operation_by_name(name).control_inputs
                for name in ("mean/AssignAdd_1", "mean_1/AssignAdd_1", "mean_2/AssignAdd_1")}
    assert [c.name for c in controls["mean/AssignAdd_1"]] == ["vals"]
    assert [c.name for c in controls["mean_2/AssignAdd_1"]] == ["mean_2/Cast"]
    # (the weighted values: named mean_1/Mul_1 here, as minigraph broadcasts the weights with
    # a Mul of its own where TF1 builds assertions)
    weighted = controls["mean_1/AssignAdd_1"]
    assert len(weighted) == 1 and weighted[0].type == "Mul"
    assert weighted[0].outputs[0] in graph.get_operation_by_name("mean_1/Sum_1").inputs
    assert graph.get_operation_by_name("mean/AssignAdd").control_inputs == []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(update, {vals: [1.0, 2.0, 3.0]}) == 2.0
        assert sess.run(update, {vals: [6.0]}) == 3.0 and sess.run(m) == 3.0
        assert sess.run(wupdate, {vals: [1.0, 3.0], weights: [1.0, 3.0]}) == 2.5
        assert sess.run(iupdate, {ints: [1, 2]}) == 1.5 and sess.run(im) == 1.5
        assert sess.run(wm) == 2.5


def test_run_options_and_metadata_of_the_wrong_type_are_type_errors():
    # TF 2.21 raises a raw AttributeError ("'int' object has no attribute
    # 'SerializeToString'"); minigraph says which argument and what it takes.
    x = tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="options must be a tf.RunOptions.*int"):
            sess.run(x, options=5)
        with pytest.raises(TypeError, match="run_metadata must be a tf.RunMetadata.*int"):
            sess.run(x, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                     run_metadata=5)
        assert sess.run(x, options=tf.RunOptions(), run_metadata=tf.RunMetadata()) == 1.0


def test_make_callable_feeds_its_arguments_in_order():
    p = tf.placeholder(tf.float32, [], name="p")
    q = tf.placeholder(tf.float32, [], name="q")
    with tf.Session() as sess:
        diff = sess.make_callable([p - q], [q, "p:0"])
        assert diff(1.0, 5.0) == [4.0]
        assert sess.make_callable(tf.constant(2.0))() == 2.0
        traced = sess.make_callable(p * 2.0, [p], accept_options=True)
        metadata = tf.RunMetadata()
        options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        assert traced(2.0, options=options, run_metadata=metadata) == 4.0
        with pytest.raises(TypeError, match="takes 2 feed value"):
            diff(1.0)
        with pytest.raises(TypeError, match="accept_options=True"):
            diff(1.0, 2.0, options=options)
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
            sess.make_callable(p, ["nope:0"])


def test_close_stops_an_endless_while_loop():
    """A while loop whose condition never turns false ends at its next iteration once its
    session is closed from another thread; the run raises CancelledError."""
    with tf.Graph().as_default():
        count = tf.while_loop(lambda i: i >= 0, lambda i: i + 1, [tf.constant(0)])
        sess = tf.Session()
        outcome = {}

        def run():
            try:
                outcome["value"] = sess.run(count)
            except Exception as e:  # noqa: BLE001 - the test looks at what was raised
                outcome["error"] = e

        runner = threading.Thread(target=run)
        runner.start()
        time.sleep(0.3)
        assert runner.is_alive()  # the loop is running
        sess.close()
        runner.join(10.0)
        assert not runner.is_alive()
        assert isinstance(outcome.get("error"), tf.errors.CancelledError), outcome
        assert "Run call was cancelled" in str(outcome["error"])
