"""W3 in one process: the C loops with their row sums, with the row sums off, and numba's loops.

Three W3 sessions (each its own graph) run alternately step by step, so a change in the
machine's load hits all of them alike; prints each one's median process CPU per step with its
quartiles, and whether the three sessions' losses are bit-identical. "plain" runs the C loops
with `plan_reductions`' combined steps on their plain path (the fused loop, then the reduction's
kernel); "numba" sets `MINIGRAPH_JIT=numba` around its runs. Pin it to one CPU:

    PYTHONPATH=$PWD taskset -c 0 python bench/w3_row_sums_ab.py 2048 60
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import minigraph as tf  # noqa: E402
from minigraph import plan_reductions  # noqa: E402
from workloads import _common  # noqa: E402
from workloads import w3_batchnorm_mlp as w3  # noqa: E402

VARIANTS = {"c": "c", "plain": "c", "numba": "numba"}  # label -> MINIGRAPH_JIT
_off = [False]
_compiled = plan_reductions.ReducingKernel._compiled


def _switched(self, key, values):
    return plan_reductions._PLAIN if _off[0] else _compiled(self, key, values)


def _session(label: str, data: list):
    graph = tf.Graph()
    with graph.as_default():
        g = w3.build_graph(tf, w3.init_params())
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph, config=_common.session_config(tf))
    sess.run(init)
    before = {id(o) for o in gc.get_objects() if isinstance(o, plan_reductions.ReducingKernel)}
    _off[0] = label == "plain"  # (a combined step decides its path on its first run)
    x, y = data[0]
    for _ in range(2):
        sess.run([g["train"], g["loss"]], {g["x"]: x, g["labels"]: y})
    _off[0] = False
    kernels = [o for o in gc.get_objects() if isinstance(o, plan_reductions.ReducingKernel)
               and id(o) not in before and o._runs]
    return sess, g, kernels


def main(batch: int, steps: int) -> None:
    plan_reductions.ReducingKernel._compiled = _switched
    data = w3.make_data(batch)
    sessions = {}
    for label, jit in VARIANTS.items():
        os.environ["MINIGRAPH_JIT"] = jit
        sessions[label] = _session(label, data)
    times = {label: [] for label in sessions}
    losses = {label: [] for label in sessions}
    for i in range(steps + 3):
        for label in list(sessions)[::1 if i % 2 == 0 else -1]:
            os.environ["MINIGRAPH_JIT"] = VARIANTS[label]
            sess, g, _ = sessions[label]
            x, y = data[i % len(data)]
            start = time.process_time()
            losses[label].append(sess.run([g["train"], g["loss"]],
                                          {g["x"]: x, g["labels"]: y})[1])
            if i >= 3:
                times[label].append(time.process_time() - start)
    print(f"W3 batch {batch}, {steps} steps each, load {os.getloadavg()[0]:.2f}")
    for label, (_, _, kernels) in sessions.items():
        kinds = {getattr(run, "kind", "plain") for k in kernels for run in k._runs.values()}
        ts = sorted(times[label])
        print(f"  {label:6s} {statistics.median(ts) * 1e3:8.2f} ms "
              f"({ts[len(ts) // 4] * 1e3:.2f}-{ts[3 * len(ts) // 4] * 1e3:.2f}); "
              f"{len(kernels)} combined steps ran {sorted(kinds)}")
    print("  losses bit-identical:", losses["c"] == losses["plain"] == losses["numba"])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 256,
         int(sys.argv[2]) if len(sys.argv) > 2 else 100)
