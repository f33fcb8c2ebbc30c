"""Helpers shared by the workloads: the peer frameworks, timing, memory, and the JSON protocol.

A workload never imports minigraph (or a peer) at module level, so that `bench/run.py` can import
every workload to read its cases without paying for any engine, and so that a fresh subprocess
measures exactly one implementation.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import sys
import time

import numpy as np

# The graph-mode implementations share their workload code: it is TF1 code run by either module.
GRAPH_IMPLS = ("minigraph", "tensorflow")


def available(impl: str) -> bool:
    """Whether `impl` can run here (peers run only when they happen to be installed)."""
    if impl in ("minigraph", "numpy"):
        return True
    return importlib.util.find_spec(impl) is not None


def tf_module(impl: str):
    """The `tf` module of a graph-mode implementation: minigraph, or TensorFlow's compat.v1."""
    if impl == "minigraph":
        import minigraph

        return minigraph
    if impl == "tensorflow":
        import tensorflow.compat.v1 as tf  # optional peer, never installed by the project

        tf.disable_eager_execution()
        return tf
    raise ValueError(f"{impl!r} is not a graph-mode implementation")


def session_config(tf):
    """For TensorFlow, a ConfigProto sizing its thread pools like the BLAS threads run.py gives
    numpy and minigraph (`OMP_NUM_THREADS`), so every implementation gets the same cores; None
    (the default) for minigraph or when no thread count is set."""
    threads = os.environ.get("OMP_NUM_THREADS")
    if not threads or getattr(tf, "__name__", "").startswith("minigraph"):
        return None
    return tf.ConfigProto(intra_op_parallelism_threads=int(threads),
                          inter_op_parallelism_threads=int(threads))


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    """The resident set size now, in MB (from /proc; falls back to the peak)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def timed_steps(step, n_steps: int, warmup: int = 3) -> tuple:
    """(wall, CPU) seconds per call of `step()`, after `warmup` untimed calls (plan compile,
    caches). CPU time is this process's, all threads: on a shared machine it shows what a step
    costs without the waiting, and BLAS threads spinning show up in it."""
    for _ in range(warmup):
        step()
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(n_steps):
        step()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return wall / n_steps, cpu / n_steps


def rel_error(a, b) -> float:
    """max |a - b| / max(|b|), a scale-aware error for comparing float32 results."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-12))


def time_training(impl: str, batches: list, params: list, numpy_net, build_graph,
                  labels_key: str, n_steps: int) -> dict:
    """ms per training step of `impl` over `batches` (cycled), after 3 warm-up steps, with the
    final loss and the peak RSS. The numpy side is `numpy_net(params).train_step(x, y)`; a graph
    side runs `[train, loss]` of `build_graph(tf, params)`, feeding `x` and `labels_key`."""
    counter = [0]

    def next_batch():
        x, y = batches[counter[0] % len(batches)]
        counter[0] += 1
        return x, y

    if impl == "numpy":
        net = numpy_net(params)

        def step():
            return net.train_step(*next_batch())
    else:
        tf = tf_module(impl)
        g = build_graph(tf, params)
        sess = tf.Session(config=session_config(tf))
        sess.run(tf.global_variables_initializer())

        def step():
            x, y = next_batch()
            return sess.run([g["train"], g["loss"]], {g["x"]: x, g[labels_key]: y})[1]

    wall, cpu = timed_steps(step, n_steps, warmup=3)
    return {"ms_per_step": wall * 1e3, "cpu_ms_per_step": cpu * 1e3, "loss": float(step()),
            "peak_rss_mb": peak_rss_mb()}


def check_training(impl: str, batches: list, params: list, numpy_net, build_graph,
                   labels_key: str, steps: int) -> dict:
    """Loss and gradients of the graph against the numpy version, at the start and after
    `steps` training steps: the largest relative errors {"loss", "grads", "trained_loss"}."""
    tf = tf_module(impl)
    graph = tf.Graph()
    with graph.as_default():
        g = build_graph(tf, params)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())

            def feed(x, y):
                return {g["x"]: x, g[labels_key]: y}

            x, y = batches[0]
            loss, grads = sess.run([g["loss"], g["grads"]], feed(x, y))
            ref_loss, ref_grads = numpy_net(params).loss_and_grads(x, y)
            errors = {"loss": rel_error(loss, ref_loss),
                      "grads": max(rel_error(a, b) for a, b in zip(grads, ref_grads))}
            net = numpy_net(params)
            for i in range(steps):
                x, y = batches[i % len(batches)]
                sess.run(g["train"], feed(x, y))
                net.train_step(x, y)
            x, y = batches[0]
            errors["trained_loss"] = rel_error(
                sess.run(g["loss"], feed(x, y)), net.loss_and_grads(x, y)[0])
    return errors


def main(module_name: str, run, cases) -> None:
    """`python -m bench.workloads.<w> --impl numpy --case '{"batch": 256}' [--quick]`."""
    parser = argparse.ArgumentParser(description=f"one run of workload {module_name}")
    parser.add_argument("--impl", default="minigraph")
    parser.add_argument("--case", default=None, help="JSON dict of case parameters")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    case = json.loads(args.case) if args.case else dict(cases[0])
    result = run(args.impl, quick=args.quick, **case)
    sys.stdout.write(json.dumps(result) + "\n")
