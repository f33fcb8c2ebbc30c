"""W4 graph scale: a chain `y = y*1.0001 + 0.001` of n links on a [16] vector placeholder.

Measures, in seconds (wall time, and the process's CPU time, which a shared machine disturbs
less), building the chain (4 ops per link: two Consts, Mul, Add), building its
gradient with `tf.gradients`, and running [y, dy/dx] the first time (plan compilation included)
and the second time (a cached plan). The growth exponent between two sizes is
log(t_big / t_small) / log(n_big / n_small): 1.0 is linear, and anything quadratic in the graph
(a recursive walk, a list scan per op) shows up as 2. There is no numpy version: numpy has no graph
to build; the reference is linear growth.
"""

from __future__ import annotations

import time

import numpy as np

from bench.workloads import _common

NAME = "W4 graph scale"
CASES = [{"links": 1000}, {"links": 10000}, {"links": 100000}]
IMPLS = ("minigraph", "tensorflow")
WIDTH = 16


def chain_value(x: float, links: int) -> float:
    """The chain's value computed in float32, link by link, as the graph does."""
    y = np.float32(x)
    for _ in range(links):
        y = y * np.float32(1.0001) + np.float32(0.001)
    return float(y)


def run(impl: str, quick: bool = False, links: int = 1000) -> dict:
    """Seconds to build, differentiate, and run the chain the first and the second time."""
    if impl == "numpy":
        raise ValueError("W4 has no numpy version")
    tf = _common.tf_module(impl)
    feed = np.ones(WIDTH, np.float32)
    clocks = [(time.perf_counter(), time.process_time())]
    x = tf.placeholder(tf.float32, [WIDTH], name="x")
    y = x
    for _ in range(links):
        y = y * 1.0001 + 0.001
    clocks.append((time.perf_counter(), time.process_time()))
    (dy,) = tf.gradients(y, [x])
    clocks.append((time.perf_counter(), time.process_time()))
    with tf.Session() as sess:
        first_y, first_dy = sess.run([y, dy], feed_dict={x: feed})
        clocks.append((time.perf_counter(), time.process_time()))
        sess.run([y, dy], feed_dict={x: feed})
        clocks.append((time.perf_counter(), time.process_time()))
    wall = [c[0] for c in clocks]
    cpu = [c[1] for c in clocks]
    return {
        "build_s": wall[1] - wall[0],
        "gradient_s": wall[2] - wall[1],
        "first_run_s": wall[3] - wall[2],
        "second_run_s": wall[4] - wall[3],
        "total_s": wall[3] - wall[0],
        "build_cpu_s": cpu[1] - cpu[0],
        "gradient_cpu_s": cpu[2] - cpu[1],
        "first_run_cpu_s": cpu[3] - cpu[2],
        "total_cpu_s": cpu[3] - cpu[0],
        "y": float(first_y[0]),
        "dy": float(first_dy[0]),
        "peak_rss_mb": _common.peak_rss_mb(),
    }


if __name__ == "__main__":
    _common.main(__name__, run, CASES)
