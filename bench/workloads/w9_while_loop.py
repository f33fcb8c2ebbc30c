"""W9 while loop: a `tf.while_loop` of 100,000 iterations, forward and with its gradient.

The loop is `v = tanh(v) * w + x` on a vector of 16 float32 values, `w` and `x` captured from
outside, 100,000 times (`--quick`: 10,000). `{"gradient": false}` runs the loop alone;
`{"gradient": true}` fetches the loss and its gradients with respect to `x` and `w`, so the
forward loop keeps what each iteration's gradient needs (here `tanh(v)`, one 16-value vector
per iteration) and the gradient loop runs the body's gradient backwards over them. The numpy
version is the same loop written by hand in Python, keeping `tanh(v)` per iteration in a list
for its backward loop. Reported: seconds of the run (after one warm-up run that compiles the
plans), microseconds per iteration, and the growth of the resident set size during the run
(`peak_rss_mb - rss_before_mb`): constant for the forward loop, about the kept values for the
gradient.
"""

from __future__ import annotations

import time

import numpy as np

from bench.workloads import _common

NAME = "W9 while loop"
CASES = [{"gradient": False}, {"gradient": True}]
IMPLS = ("minigraph", "numpy", "tensorflow")
SIZE = 16


def _inputs():
    rng = np.random.RandomState(0)
    return rng.uniform(-0.5, 0.5, SIZE).astype(np.float32), np.float32(0.9)


def _graph(tf, iterations: int, gradient: bool):
    x = tf.placeholder(tf.float32, [SIZE], name="x")
    w = tf.placeholder(tf.float32, [], name="w")

    def body(i, v):
        return i + 1, tf.tanh(v) * w + x

    _, v = tf.while_loop(lambda i, v: i < iterations, body, [0, tf.zeros([SIZE])])
    loss = tf.reduce_sum(v * v)
    fetches = [loss] + (tf.gradients(loss, [x, w]) if gradient else [])
    return x, w, fetches


def _numpy(x, w, iterations: int, gradient: bool) -> list:
    v = np.zeros(SIZE, np.float32)
    kept = []
    for _ in range(iterations):
        t = np.tanh(v)
        if gradient:
            kept.append(t)
        v = t * w + x
    loss = np.float32((v * v).sum())
    if not gradient:
        return [loss]
    dv = 2.0 * v
    dx = np.zeros_like(x)
    dw = np.float32(0.0)
    for t in reversed(kept):
        dx += dv
        dw += np.float32((dv * t).sum())
        dv = dv * w * (1.0 - t * t)
    return [loss, dx, dw]


def run(impl: str, quick: bool = False, gradient: bool = False) -> dict:
    iterations = 10_000 if quick else 100_000
    x_value, w_value = _inputs()
    if impl == "numpy":
        step = lambda: _numpy(x_value, w_value, iterations, gradient)  # noqa: E731
    else:
        tf = _common.tf_module(impl)
        x, w, fetches = _graph(tf, iterations, gradient)
        sess = tf.Session(config=_common.session_config(tf))
        feed = {x: x_value, w: w_value}
        step = lambda: sess.run(fetches, feed)  # noqa: E731
    step()  # warm-up: compiles the plans
    before = _common.current_rss_mb()
    start = time.perf_counter()
    values = step()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "us_per_iteration": seconds / iterations * 1e6,
            "rss_growth_mb": max(0.0, _common.peak_rss_mb() - before),
            "loss": float(values[0]), "iterations": iterations}


def check(impl: str = "minigraph", iterations: int = 50) -> dict:
    """The relative errors of `impl`'s loss and gradients against the numpy loop."""
    x_value, w_value = _inputs()
    want = _numpy(x_value, w_value, iterations, True)
    if impl == "numpy":
        got = want
    else:
        tf = _common.tf_module(impl)
        with tf.Graph().as_default():
            x, w, fetches = _graph(tf, iterations, True)
            with tf.Session(config=_common.session_config(tf)) as sess:
                got = sess.run(fetches, {x: x_value, w: w_value})
    return {name: _common.rel_error(g, e) for name, g, e in zip(("loss", "dx", "dw"), got, want)}


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
