"""W4 graph scale: a chain `y = y*1.0001 + 0.001` of n links on a [16] placeholder.

Measures, in seconds (wall time, and the process's CPU time, which a shared machine disturbs
less), building the chain (4 ops per link: two Consts, Mul, Add), building its
gradient with `tf.gradients`, and running [y, dy/dx] the first time (plan compilation included)
and the second time (a cached plan). The peers do what they have for this: PyTorch runs the
chain eagerly on a [16] tensor that requires grad (build = the forward pass, gradient =
`torch.autograd.grad`, no separate first run; the second run is both again); JAX traces the
forward pass and its `jax.vjp` in one `jax.jit(...).lower` (build), then XLA compiles it and
runs it (first run; gradient 0: it is in the trace), and the second run calls the compiled
function again. The growth exponent between two sizes is
log(t_big / t_small) / log(n_big / n_small): 1.0 is linear, and anything quadratic in the graph
(a recursive walk, a list scan per op) shows up as 2. There is no numpy version: numpy has no graph
to build; the reference is linear growth.
"""

from __future__ import annotations

import time

import numpy as np

from bench.workloads import _common, _peers

NAME = "W4 graph scale"
CASES = [{"links": 1000}, {"links": 10000}, {"links": 100000}]
IMPLS = ("minigraph", "tensorflow", "torch", "jax")
WIDTH = 16


def chain_value(x: float, links: int) -> tuple:
    """The chain's value and its derivative computed in float32, link by link, as the graph
    does (the derivative is the product of the links' factors)."""
    y, slope = np.float32(x), np.float32(1.0)
    for _ in range(links):
        y = y * np.float32(1.0001) + np.float32(0.001)
        slope = slope * np.float32(1.0001)
    return float(y), float(slope)


def _graph(impl: str, links: int) -> dict:
    tf = _common.tf_module(impl)
    feed = np.ones(WIDTH, np.float32)
    start, start_cpu = time.perf_counter(), _common.cpu_seconds()
    x = tf.placeholder(tf.float32, [WIDTH], name="x")
    y = x
    for _ in range(links):
        y = y * 1.0001 + 0.001
    built, built_cpu = time.perf_counter(), _common.cpu_seconds()
    (dy,) = tf.gradients(y, [x])
    differentiated, differentiated_cpu = time.perf_counter(), _common.cpu_seconds()
    with tf.Session(config=_common.session_config(tf)) as sess:
        first_y, first_dy = sess.run([y, dy], feed_dict={x: feed})
        first, first_cpu = time.perf_counter(), _common.cpu_seconds()
        sess.run([y, dy], feed_dict={x: feed})
        second = time.perf_counter()
    return {"build_s": built - start, "gradient_s": differentiated - built,
            "first_run_s": first - differentiated, "second_run_s": second - first,
            "total_s": first - start, "cpu_total_s": first_cpu - start_cpu,
            "build_cpu_s": built_cpu - start_cpu, "gradient_cpu_s": differentiated_cpu - built_cpu,
            "first_run_cpu_s": first_cpu - differentiated_cpu,
            "y": float(first_y[0]), "dy": float(first_dy[0]), "peak_rss_mb": _common.peak_rss_mb()}


def _torch(impl: str, links: int) -> dict:
    torch = _peers.import_torch()

    def forward_backward():
        x = torch.ones(WIDTH, requires_grad=True)
        start, start_cpu = time.perf_counter(), _common.cpu_seconds()
        y = x
        for _ in range(links):
            y = y * 1.0001 + 0.001
        built = time.perf_counter()
        (dy,) = torch.autograd.grad(y, x, torch.ones_like(y))
        return y, dy, built - start, time.perf_counter() - built, _common.cpu_seconds() - start_cpu

    y, dy, build, gradient, cpu = forward_backward()
    start = time.perf_counter()
    forward_backward()
    return {"build_s": build, "gradient_s": gradient, "first_run_s": 0.0,
            "second_run_s": time.perf_counter() - start, "total_s": build + gradient,
            "cpu_total_s": cpu, "y": float(y[0]), "dy": float(dy[0])}


def _jax(impl: str, links: int) -> dict:
    jax = _peers.import_jax()
    jnp = jax.numpy
    x = np.ones(WIDTH, np.float32)

    def chain(x):
        y = x
        for _ in range(links):
            y = y * 1.0001 + 0.001
        return y

    def value_and_dy(x):
        y, pullback = jax.vjp(chain, x)
        return y, pullback(jnp.ones_like(y))[0]

    start, start_cpu = time.perf_counter(), _common.cpu_seconds()
    lowered = jax.jit(value_and_dy).lower(x)
    built = time.perf_counter()
    compiled = lowered.compile()
    y, dy = jax.block_until_ready(compiled(x))
    first, first_cpu = time.perf_counter(), _common.cpu_seconds()
    jax.block_until_ready(compiled(x))
    second = time.perf_counter()
    return {"build_s": built - start, "gradient_s": 0.0, "first_run_s": first - built,
            "second_run_s": second - first, "total_s": first - start,
            "cpu_total_s": first_cpu - start_cpu, "y": float(y[0]), "dy": float(dy[0])}


IMPLEMENTATIONS = {"minigraph": _graph, "tensorflow": _graph, "torch": _torch, "jax": _jax}


def run(impl: str, quick: bool = False, links: int = 1000) -> dict:
    """Seconds to build, differentiate, and run the chain the first and the second time."""
    if impl not in IMPLEMENTATIONS:
        raise ValueError(f"W4 has no {impl} version (numpy has no graph to build)")
    result = IMPLEMENTATIONS[impl](impl, links)
    result["peak_rss_mb"] = _common.peak_rss_mb()
    return result


def check(impl: str = "minigraph", links: int = 200) -> dict:
    """y ("loss") and dy/dx ("grads") of the chain against the float32 values computed link by
    link in numpy (there is no training step to compare)."""
    result = IMPLEMENTATIONS[impl](impl, links)
    value, slope = chain_value(1.0, links)
    return {"loss": _common.rel_error(result["y"], value),
            "grads": _common.rel_error(result["dy"], slope)}


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
