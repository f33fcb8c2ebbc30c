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
