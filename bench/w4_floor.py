"""The least CPython can spend on W4's chain when every op is a Python object, as in TF1's API.

W4 (`bench/workloads/w4_graph_scale.py`) builds `y = y*1.0001 + 0.001` for n links on a [16]
placeholder, differentiates it with `tf.gradients` and runs `[y, dy/dx]` once. A TF1-style
engine gives every op a `tf.Operation` (its type, unique name, graph, input tensors, outputs,
a Const's value) and every output a `tf.Tensor` (op, index, dtype, shape), registered in the
graph's op list and name tables. This script does that and nothing more, the leanest way it
knows: slotted objects, an output tuple, a Const's value in a slot (no attrs dict), no
consumer lists (the gradient walks the op list between x and y instead), one string for a
lowercase name; no checks, no name scope objects, no shape functions, no dtype rules, no
collector:

* build: per link two Consts (a numpy scalar each, named `mul_7/y`, `add_7/y`), a Mul and an
  Add, each an op object with one output tensor, its unique name made as TF1's
  `Graph.unique_name` makes it (a lowercase key, a use count, the suffixed name reserved);
* gradient: one reverse walk in creation order with a table of pending gradients; an Add
  passes its gradient on, a Mul makes one Mul op (named in the reserved scope
  `gradients/mul_7_grad`), the seed is one Fill;
* first run: mark the needed ops by creation number, one step tuple per op that is not a
  Const, constant folding of the steps whose inputs are all constants (the whole gradient
  chain), then the run of the remaining steps.

What minigraph does more is what makes it TF1 (name scopes, shape and dtype inference, error
messages, consumers, control dependencies, plan passes). The ratio of its times to these says
how far from this floor it is; the floor itself bounds what an engine that keeps a Python
object per op and per output can reach on this machine.

    python bench/w4_floor.py --links 100000 --reps 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

from bench.workloads import _common, w4_graph_scale  # noqa: E402

WIDTH = w4_graph_scale.WIDTH


class Op:
    __slots__ = ("type", "name", "graph", "inputs", "value", "outputs", "_id")


class Tensor:
    __slots__ = ("op", "value_index", "dtype", "shape")


class Graph:
    def __init__(self):
        self.ops, self.by_name, self.names_in_use = [], {}, {}

    def unique_name(self, name: str) -> str:
        names = self.names_in_use
        key = name if name.islower() else name.lower()  # (one string for a lowercase name)
        i = names.get(key, 0)
        names[key] = i + 1
        if i:
            suffixed = f"{key}_{i}"
            while suffixed in names:
                i += 1
                suffixed = f"{key}_{i}"
            names[suffixed] = 1
            return suffixed if key is name else f"{name}_{i}"
        return name

    def op(self, op_type: str, name: str, inputs: tuple, value, dtype, shape) -> Tensor:
        op = Op()
        op.type, op.name, op.graph, op.inputs, op.value = op_type, name, self, inputs, value
        out = Tensor()
        out.op, out.value_index, out.dtype, out.shape = op, 0, dtype, shape
        op.outputs = (out,)
        op._id = len(self.ops)
        self.ops.append(op)
        self.by_name[name] = op
        return out


def build(graph: Graph, x: Tensor, links: int) -> Tensor:
    dtype, shape = x.dtype, x.shape
    unique_name, new_op, array, float32 = graph.unique_name, graph.op, np.array, np.float32
    y = x
    for _ in range(links):
        name = unique_name("mul")
        const = new_op("Const", unique_name(f"{name}/y"), (),
                       array(1.0001, dtype=float32), dtype, ())
        y = new_op("Mul", name, (y, const), None, dtype, shape)
        name = unique_name("add")
        const = new_op("Const", unique_name(f"{name}/y"), (),
                       array(0.001, dtype=float32), dtype, ())
        y = new_op("Add", name, (y, const), None, dtype, shape)
    return y


def gradients(graph: Graph, y: Tensor, x: Tensor) -> Tensor:
    seed = graph.op("Const", graph.unique_name("gradients/Fill"), (),
                    np.ones(WIDTH, np.float32), y.dtype, y.shape)
    pending = {y: seed}
    for op in reversed(graph.ops[x.op._id + 1:y.op._id + 1]):
        grad = pending.pop(op.outputs[0], None)
        if grad is None:
            continue
        scope = graph.unique_name(f"gradients/{op.name}_grad")
        if op.type == "Mul":
            grad = graph.op("Mul", graph.unique_name(f"{scope}/Mul"), (grad, op.inputs[1]),
                            None, grad.dtype, grad.shape)
        pending[op.inputs[0]] = grad
    return pending[x]


KERNELS = {"Mul": np.multiply, "Add": np.add}


def first_run(graph: Graph, fetches: list, x: Tensor, feed: np.ndarray) -> list:
    ops = graph.ops
    needed = bytearray(len(ops))
    stack = [t.op for t in fetches]
    while stack:
        op = stack.pop()
        if needed[op._id] or op is x.op:
            continue
        needed[op._id] = 1
        stack.extend(t.op for t in op.inputs)
    values = [None] * len(ops)
    values[x.op._id] = feed
    constant = bytearray(len(ops))
    steps = []
    for op in (op for op, wanted in zip(ops, needed) if wanted):
        if op.type == "Const":
            values[op._id] = op.value
            constant[op._id] = 1
            continue
        a, b = op.inputs
        kernel, ia, ib = KERNELS[op.type], a.op._id, b.op._id
        if constant[ia] and constant[ib]:
            values[op._id] = kernel(values[ia], values[ib])
            constant[op._id] = 1
        else:
            steps.append((kernel, ia, ib, op._id))
    for kernel, ia, ib, out in steps:
        values[out] = kernel(values[ia], values[ib])
    return [values[t.op._id] for t in fetches]


def _floor(links: int) -> dict:
    """The chain's three phases in this module's model, in CPU seconds, without the collector."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        clock = time.process_time
        start = clock()
        graph = Graph()
        x = graph.op("Placeholder", "x", (), None, np.float32, (WIDTH,))
        y = build(graph, x, links)
        built = clock()
        dy = gradients(graph, y, x)
        differentiated = clock()
        y_value, dy_value = first_run(graph, [y, dy], x, np.ones(WIDTH, np.float32))
        done = clock()
    finally:
        if gc_was_enabled:
            gc.enable()
    return {"build": built - start, "gradient": differentiated - built,
            "first_run": done - differentiated, "total": done - start,
            "y": float(y_value[0]), "dy": float(dy_value[0]), "peak_rss_mb": _common.peak_rss_mb()}


def _minigraph(links: int) -> dict:
    r = w4_graph_scale._graph("minigraph", links)
    return {"build": r["build_cpu_s"], "gradient": r["gradient_cpu_s"],
            "first_run": r["first_run_cpu_s"], "total": r["cpu_total_s"],
            "y": r["y"], "dy": r["dy"], "peak_rss_mb": r["peak_rss_mb"]}


def _child(which: str, links: int, cpu: int) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=HERE)
    out = subprocess.run([sys.executable, __file__, "--child", which, "--links", str(links)],
                         env=env, capture_output=True, text=True, check=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", choices=("floor", "minigraph"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = _floor if args.child == "floor" else _minigraph
        print(json.dumps(run(args.links)))
        return
    cpus = sorted(os.sched_getaffinity(0))
    load = os.getloadavg()
    results = {"floor": [], "minigraph": []}
    for rep in range(args.reps):
        order = ["floor", "minigraph"] if rep % 2 == 0 else ["minigraph", "floor"]
        for which in order:
            results[which].append(_child(which, args.links, cpus[rep % len(cpus)]))
    values = {(r["y"], r["dy"]) for rs in results.values() for r in rs}
    print(f"W4 chain of {args.links} links, CPU seconds, medians of {args.reps} "
          f"(load {' '.join(f'{v:.2f}' for v in load)} before, "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} after); "
          f"y, dy/dx: {sorted(values)}")
    print("| phase (s; peak RSS, MB) | floor | minigraph | minigraph / floor |\n|---|---|---|---|")
    for phase in ("build", "gradient", "first_run", "total", "peak_rss_mb"):
        floor = statistics.median(r[phase] for r in results["floor"])
        mine = statistics.median(r[phase] for r in results["minigraph"])
        print(f"| {phase} | {floor:.2f} | {mine:.2f} | {mine / floor:.2f} |")


if __name__ == "__main__":
    main()
