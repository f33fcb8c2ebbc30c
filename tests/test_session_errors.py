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
