"""W4 graph scale: a chain `y = y*1.0001 + 0.001` of n links on a placeholder.

Measures, in seconds, building the chain (4 ops per link: two Consts, Mul, Add), building its
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
    start = time.perf_counter()
    x = tf.placeholder(tf.float32, [], name="x")
    y = x
    for _ in range(links):
        y = y * 1.0001 + 0.001
    built = time.perf_counter()
    (dy,) = tf.gradients(y, [x])
    differentiated = time.perf_counter()
    with tf.Session() as sess:
        first_y, first_dy = sess.run([y, dy], feed_dict={x: 1.0})
        first = time.perf_counter()
        sess.run([y, dy], feed_dict={x: 1.0})
        second = time.perf_counter()
    return {
        "build_s": built - start,
        "gradient_s": differentiated - built,
        "first_run_s": first - differentiated,
        "second_run_s": second - first,
        "total_s": first - start,
        "y": float(first_y),
        "dy": float(first_dy),
        "peak_rss_mb": _common.peak_rss_mb(),
    }


if __name__ == "__main__":
    _common.main(__name__, run, CASES)
