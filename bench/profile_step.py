"""Where a minigraph training step spends its time: a workload's step under cProfile and, per
op type, under the TF1 tracer (`RunOptions(FULL_TRACE)`).

    python bench/profile_step.py w3 --batch 256     # W2, W3, W7 or W8; --steps, --top
    python bench/profile_step.py w2 --steps 5 --top 8

One BLAS thread (minigraph's default), CPU time of this process. The cProfile part shows the
functions with the most time of their own (numpy's kernels, the executor's loop, the feed
conversion), in CPU seconds; the tracer part shows the ops in wall time (its loop is the plain
one, without the generated code, so its per-op times include a few µs of the tracer's own).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def workload_step(name: str, batch: int):
    """(build_graph, batches, labels_key, params) of a per-step training workload."""
    if name == "w2":
        from bench.workloads import w2_course_mlp as w

        return w.build_graph, w.make_minibatches(), "y", w.init_params()
    if name == "w3":
        from bench.workloads import w3_batchnorm_mlp as w

        return w.build_graph, w.make_data(batch), "labels", w.init_params()
    if name == "w7":
        from bench.workloads import w7_course_notebook as w

        return w.build_graph, w.epochs_of_minibatches(1), "y", None
    if name == "w8":
        from bench.workloads import w8_autoencoder as w

        return w.build_graph, w.make_data(), "x", w.init_params()
    raise ValueError(f"no workload {name!r}: choose w2, w3, w7 or w8")


def profile(name: str, batch: int = 256, steps: int = 20, top: int = 12) -> str:
    """The report text: CPU ms per step, the top functions by own time, the top op types.

    Example:
        >>> "ms of CPU per step" in profile("w8", steps=1, top=2)
        True
    """
    import minigraph as tf

    build_graph, batches, labels_key, params = workload_step(name, batch)
    graph = tf.Graph()
    with graph.as_default():
        g = build_graph(tf, params) if params is not None else build_graph(tf)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        feeds = [{g["x"]: x, g[labels_key]: y} for x, y in batches]
        fetches = [g["train"], g["loss"]]
        for i in range(3):  # the plan, its generated code, the kernels' caches
            sess.run(fetches, feeds[i % len(feeds)])
        profiler = cProfile.Profile(time.process_time)  # CPU: the machine may be busy
        start = time.process_time()
        profiler.enable()
        for i in range(steps):
            sess.run(fetches, feeds[i % len(feeds)])
        profiler.disable()
        cpu_ms = (time.process_time() - start) * 1e3 / steps
        metadata = tf.RunMetadata()
        options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        for i in range(min(steps, 5)):
            sess.run(fetches, feeds[i % len(feeds)], options=options, run_metadata=metadata)
        sess.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    lines = [f"{name}{f', batch {batch}' if name == 'w3' else ''}: {cpu_ms:.2f} ms of CPU per "
             f"step (untraced, {steps} steps under cProfile, which adds its own)", ""]
    lines += [line for line in out.getvalue().splitlines() if line.strip()][-(top + 1):]
    lines += ["", metadata.summary(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", choices=["w2", "w3", "w7", "w8"])
    parser.add_argument("--batch", type=int, default=256, help="W3's batch size")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    print(profile(args.workload, args.batch, args.steps, args.top))


if __name__ == "__main__":
    main()
