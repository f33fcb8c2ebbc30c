"""Prints what real TensorFlow does for the session misuse checked in tests/test_session_errors.py.

Run with a Python that has TensorFlow (TF 2.21 was used; its `compat.v1` graph mode is TF1's
session):

    /work/peers/bin/python tests/golden/session_errors_tf.py

Each line is `case: OK value` or `case: ErrorClass 'first line of the message'`; the tests
state the lines they rely on next to their assertions. Nothing here is read by the tests.
"""

import threading
import time

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def show(label, fn):
    try:
        print(f"{label}: OK {fn()!r}")
    except Exception as e:  # noqa: BLE001 - printing what TF raises is the point
        lines = [line for line in str(e).splitlines() if line.strip()
                 and not line.startswith(("Graph execution error", "Detected at", "  "))]
        print(f"{label}: {type(e).__name__} {(lines or [''])[0][:300]!r}")


def arguments():
    x = tf.placeholder(tf.float32, [2], name="x")
    sess = tf.Session()
    show("feed_dict list of pairs", lambda: sess.run(x * 2, feed_dict=[(x, [1.0, 2.0])]))
    show("feed_dict empty list", lambda: sess.run(tf.constant(1.0), feed_dict=[]))
    show("Session(graph=5)", lambda: tf.Session(graph=5))
    show("Session(config={})", lambda: tf.Session(config={}))
    show("ConfigProto(foo=1)", lambda: tf.ConfigProto(foo=1))
    show("ConfigProto(intra='a')", lambda: tf.ConfigProto(intra_op_parallelism_threads="a"))
    show("ConfigProto(intra=2**40)", lambda: tf.ConfigProto(intra_op_parallelism_threads=2**40))
    show("ConfigProto(graph_options=5)", lambda: tf.ConfigProto(graph_options=5))
    show("OptimizerOptions(opt_level='x')", lambda: tf.OptimizerOptions(opt_level="x"))
    show("ConfigProto(allow_soft_placement=1)", lambda: tf.ConfigProto(allow_soft_placement=1))
    show("run(options=5)", lambda: sess.run(x, {x: [1.0, 2.0]}, options=5))
    sess.close()
    show("run after close", lambda: sess.run(x, {x: [1.0, 2.0]}))


def close_during_run():
    def slow(value):
        time.sleep(0.3)
        return value

    y = tf.constant(1.0)
    for _ in range(5):
        y = tf.py_func(slow, [y], tf.float32) + 1.0
    sess = tf.Session()
    threading.Timer(0.5, sess.close).start()
    show("close from another thread during run", lambda: sess.run(y))


def feeds_and_control_dependencies():
    sess = tf.Session()
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.float32, [], name="p")
    q = tf.placeholder(tf.float32, [], name="q")
    show("tuple key", lambda: sess.run(p - q, {(p, q): (1.0, 2.0)}))
    show("tuple key, short value", lambda: sess.run(p - q, {(p, q): (1.0,)}))
    show("one tensor fed twice", lambda: sess.run(p * 1, {p: 1.0, "p:0": 2.0}))
    v = tf.Variable(0.0)
    sess.run(v.initializer)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([x.op]):
        z = tf.identity(p)
    show("control dep on fed placeholder", lambda: sess.run(z, {p: 3.0, x: 1.0}))
    show("control dep on unfed placeholder", lambda: sess.run(z, {p: 3.0}))
    show("fed placeholder as target", lambda: sess.run(x.op, {x: 1.0}))
    show("group(x, inc) with x fed", lambda: (sess.run(tf.group(x, inc), {x: 1.0}),
                                              sess.run(v)))
    with tf.control_dependencies([inc]):
        w = tf.identity(x, name="w")
    with tf.control_dependencies([w.op]):
        k = tf.identity(p, name="k")
    show("feed w, fetch w*10 (inc must not run)", lambda: (sess.run(w * 10, {w: 5.0}),
                                                           sess.run(v)))
    show("control dep on op w, w fed (w runs)", lambda: (sess.run(k, {w: 5.0, p: 1.0, x: 2.0}),
                                                         sess.run(v)))
    values = tf.placeholder(tf.float32, [None], name="vals")
    tf.metrics.mean(values)
    count_update = tf.get_default_graph().get_operation_by_name("mean/AssignAdd_1")
    print("metrics.mean count update control inputs:",
          [c.name for c in count_update.control_inputs])


if __name__ == "__main__":
    print("TensorFlow", tf.__version__)
    arguments()
    close_during_run()
    feeds_and_control_dependencies()
