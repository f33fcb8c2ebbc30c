"""W1 quadratic: the course's placeholder program, `sess.run(train, feed_dict)` 1000 times.

    cost = x[0][0]*w**2 + x[1][0]*w + x[2][0],  w <- w - 0.01 * dcost/dw,  x = [[1], [-10], [25]]

Every step is a handful of scalar operations, so this measures the per-`run` overhead of the
engine (fetch flattening, feed conversion, plan lookup, one Python call per op), in µs per step.
The numpy version does the same float32 math by hand: forward, derivative, update.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common

NAME = "W1 quadratic"
CASES = [{}]
IMPLS = ("minigraph", "numpy", "tensorflow")
COEFFICIENTS = np.array([[1.0], [-10.0], [25.0]])


def _graph(impl: str, n_steps: int):
    tf = _common.tf_module(impl)
    w = tf.Variable(0, dtype=tf.float32)
    x = tf.placeholder(tf.float32, [3, 1])
    cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())

        def step():
            session.run(train, feed_dict={x: COEFFICIENTS})

        seconds = _common.timed_steps(step, n_steps)
        final_w = float(session.run(w))
    return seconds, final_w


def _numpy(n_steps: int):
    state = {"w": np.float32(0.0)}
    lr = np.float32(0.01)

    def step():
        x = np.asarray(COEFFICIENTS, dtype=np.float32)  # what feeding does: a float32 copy
        a, b, c = x[0][0], x[1][0], x[2][0]
        w = state["w"]
        cost = a * w**2 + b * w + c  # the forward pass, as the graph computes it
        del cost
        grad = a * (np.float32(2.0) * w) + b
        state["w"] = w - lr * grad

    seconds = _common.timed_steps(step, n_steps)
    return seconds, float(state["w"])


def run(impl: str, quick: bool = False) -> dict:
    """µs per step over 1000 steps (100 when quick), and w at the end."""
    n_steps = 100 if quick else 1000
    (wall, cpu), final_w = _numpy(n_steps) if impl == "numpy" else _graph(impl, n_steps)
    return {"us_per_step": wall * 1e6, "cpu_us_per_step": cpu * 1e6, "final_w": final_w}


if __name__ == "__main__":
    _common.main(__name__, run, CASES)
