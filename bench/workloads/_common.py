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
# The checks' tolerances: float32 rounding for losses and gradients; for the loss's change over
# the checked steps, a difference of two nearby float32 losses: W8's is about 80 ulps of its
# loss, and the peers' rounding moves it by 1-3%. A wrong learning rate moves it by 100%.
TOLERANCE = {"loss": 1e-4, "grads": 1e-4, "trained_loss": 1e-4, "loss_change": 0.1}


def peer_module(impl: str) -> str:
    """The module a peer implementation needs (`torch_compile` runs on torch)."""
    return {"torch_compile": "torch"}.get(impl, impl)


def available(impl: str) -> bool:
    """Whether `impl` can run here (peers run only when they happen to be installed)."""
    if impl in ("minigraph", "numpy"):
        return True
    return importlib.util.find_spec(peer_module(impl)) is not None


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


def cpu_seconds() -> float:
    """CPU seconds of this process so far: every thread, and the children it has waited for
    (a framework's compile workers, say)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def thread_ticks() -> dict:
    """CPU clock ticks so far per thread of this process (Linux; {} elsewhere)."""
    ticks = {}
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks[tid] = int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        pass
    return ticks


def computing_threads(before: dict, after: dict, share: float = 0.05) -> int:
    """How many threads did at least `share` of the CPU work between two `thread_ticks()`:
    what "it really uses one core" means, whatever the machine's load."""
    used = {tid: after[tid] - before.get(tid, 0) for tid in after}
    total = sum(used.values())
    return sum(1 for ticks in used.values() if total and ticks >= share * total)


def timed_steps(step, n_steps: int, warmup: int = 3) -> dict:
    """{"wall", "cpu"} seconds per call of `step()`, after `warmup` untimed calls (plan
    compile, caches, a jit's compilation), and "threads": how many threads computed during the
    timed calls. CPU time is this process's, all threads: on a shared machine it shows what a
    step costs without the waiting, and BLAS threads spinning show up in it."""
    for _ in range(warmup):
        step()
    ticks = thread_ticks()
    start, start_cpu = time.perf_counter(), cpu_seconds()
    for _ in range(n_steps):
        step()
    wall, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    return {"wall": wall / n_steps, "cpu": cpu / n_steps,
            "threads": computing_threads(ticks, thread_ticks())}


def rel_error(a, b) -> float:
    """max |a - b| / max(|b|), a scale-aware error for comparing float32 results."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-12))


def time_training(impl: str, batches: list, params: list, nets: dict, build_graph,
                  labels_key: str, n_steps: int) -> dict:
    """ms per training step of `impl` over `batches` (cycled), after 3 warm-up steps, with the
    final loss and the peak RSS. numpy and the peers are `nets[impl](params).train_step(x, y)`;
    a graph side runs `[train, loss]` of `build_graph(tf, params)`, feeding `x` and
    `labels_key`."""
    counter = [0]

    def next_batch():
        x, y = batches[counter[0] % len(batches)]
        counter[0] += 1
        return x, y

    if impl in GRAPH_IMPLS:
        tf = tf_module(impl)
        g = build_graph(tf, params)
        sess = tf.Session(config=session_config(tf))
        sess.run(tf.global_variables_initializer())

        def step():
            x, y = next_batch()
            return sess.run([g["train"], g["loss"]], {g["x"]: x, g[labels_key]: y})[1]
    else:
        net = make_net(nets, impl, params)

        def step():
            return net.train_step(*next_batch())

    timing = timed_steps(step, n_steps, warmup=3)
    return training_result(timing, step())


def training_result(timing: dict, loss) -> dict:
    """The JSON metrics of a training workload from `timed_steps`' timing and the last loss."""
    return {"ms_per_step": timing["wall"] * 1e3, "cpu_ms_per_step": timing["cpu"] * 1e3,
            "threads": timing["threads"], "loss": float(loss), "peak_rss_mb": peak_rss_mb()}


def make_net(nets: dict, impl: str, params: list):
    """`nets[impl](params)`, or a clear error naming the implementations that exist."""
    if impl not in nets:
        raise ValueError(f"no implementation {impl!r}; this workload has "
                         f"{sorted(set(nets) | set(GRAPH_IMPLS))}")
    return nets[impl](params)


def check_training(impl: str, batches: list, params: list, nets: dict, build_graph,
                   labels_key: str, steps: int) -> dict:
    """Loss and gradients of `impl` against the numpy version, at the start and after `steps`
    training steps: the largest relative errors {"loss", "grads", "trained_loss",
    "loss_change"} (see `check_net`)."""
    if impl not in GRAPH_IMPLS:
        return check_net(make_net(nets, impl, params), nets["numpy"](params), batches, steps)
    tf = tf_module(impl)
    graph = tf.Graph()
    with graph.as_default():
        g = build_graph(tf, params)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return check_net(GraphNet(sess, g, labels_key), nets["numpy"](params), batches,
                             steps)


class GraphNet:
    """A built TF1 graph in a session, with the `loss_and_grads` / `train_step` of a net."""

    def __init__(self, sess, graph: dict, labels_key: str = "y"):
        self.sess, self.g, self.labels_key = sess, graph, labels_key

    def _feed(self, x, y) -> dict:
        return {self.g["x"]: x, self.g[self.labels_key]: y}

    def loss_and_grads(self, x, y):
        return self.sess.run([self.g["loss"], self.g["grads"]], self._feed(x, y))

    def train_step(self, x, y):
        return self.sess.run([self.g["train"], self.g["loss"]], self._feed(x, y))[1]


def check_net(net, reference, batches: list, steps: int) -> dict:
    """The largest relative errors of `net` against `reference` (both fresh, same parameters):
    loss and gradients on the first batch, then the loss after `steps` training steps."""
    x, y = batches[0]
    loss, grads = net.loss_and_grads(x, y)
    ref_loss, ref_grads = reference.loss_and_grads(x, y)
    errors = {"loss": rel_error(loss, ref_loss),
              "grads": max(rel_error(a, b) for a, b in zip(grads, ref_grads))}
    for i in range(steps):
        x, y = batches[i % len(batches)]
        net.train_step(x, y)
        reference.train_step(x, y)
    x, y = batches[0]
    trained, ref_trained = net.loss_and_grads(x, y)[0], reference.loss_and_grads(x, y)[0]
    errors["trained_loss"] = rel_error(trained, ref_trained)
    # the training's effect itself: with small learning rates the loss moves by 1e-5 of
    # itself in 3 steps, so a wrong update hides in "trained_loss"; in its change it cannot
    change, ref_change = float(trained) - float(loss), float(ref_trained) - float(ref_loss)
    errors["loss_change"] = rel_error(change, ref_change)
    return errors


def check_failures(errors: dict) -> list:
    """The names of the errors above their `TOLERANCE` (an unknown name counts as a loss)."""
    return [k for k, v in errors.items() if v > TOLERANCE.get(k, TOLERANCE["loss"])]


def main(module_name: str, run, cases, check=None) -> None:
    """`python -m bench.workloads.<w> --impl numpy --case '{"batch": 256}' [--quick]`; with
    `--check`, the workload's correctness check for that implementation instead."""
    parser = argparse.ArgumentParser(description=f"one run of workload {module_name}")
    parser.add_argument("--impl", default="minigraph")
    parser.add_argument("--case", default=None, help="JSON dict of case parameters")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true",
                        help="compare against numpy (loss, gradients, loss after 3 steps)")
    args = parser.parse_args()
    if args.check:
        case = json.loads(args.case) if args.case else {}
        result = check(impl=args.impl, **case)
    else:
        case = json.loads(args.case) if args.case else dict(cases[0])
        result = run(args.impl, quick=args.quick, **case)
    sys.stdout.write(json.dumps(result) + "\n")
