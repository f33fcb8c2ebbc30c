"""A/B runs of one workload: minigraph variants (environment settings or another checkout)
against numpy, interleaved in fresh, CPU-pinned, single-threaded processes.

What `docs/performance.md` reports as the effect of one change (fusion on or off, a feature
before and after) comes from here: each repetition runs every variant once, in alternating
order, so a change in the machine's load hits all of them alike; medians of wall and CPU
milliseconds per step, ratios of the medians to numpy's, and the load average before and after.

    python bench/ab.py w8_autoencoder --reps 5 \\
        --variant fused: --variant plain:MINIGRAPH_JIT=0
    python bench/ab.py w3_batchnorm_mlp --case '{"batch": 2048}' \\
        --variant new: --variant old:ROOT=/tmp/minigraph-before

A variant is `label:` followed by comma-separated `NAME=value` environment settings; `ROOT=dir`
runs the workload from another checkout of the repository. numpy runs from this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _variant(text: str) -> tuple:
    label, _, settings = text.partition(":")
    env = dict(item.split("=", 1) for item in settings.split(",") if item)
    return label, env


def _once(workload: str, impl: str, case: str, settings: dict, cpu: int) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    root = settings.get("ROOT", HERE)
    env.update({k: v for k, v in settings.items() if k != "ROOT"})
    env["PYTHONPATH"] = root
    command = [sys.executable, "-m", f"bench.workloads.{workload}", "--impl", impl]
    if case:
        command += ["--case", case]
    out = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload")
    parser.add_argument("--case", default="")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--variant", action="append", default=[])
    args = parser.parse_args()
    variants = [("numpy", "numpy", {})] + [
        (label, "minigraph", env) for label, env in map(_variant, args.variant or ["minigraph:"])]
    cpus = sorted(os.sched_getaffinity(0))
    times = {label: {"wall": [], "cpu": []} for label, _, _ in variants}
    load = os.getloadavg()
    for rep in range(args.reps):
        order = variants if rep % 2 == 0 else variants[::-1]
        for label, impl, env in order:
            result = _once(args.workload, impl, args.case, env, cpus[rep % len(cpus)])
            times[label]["wall"].append(result["ms_per_step"])
            times[label]["cpu"].append(result["cpu_ms_per_step"])
    base = {kind: statistics.median(times["numpy"][kind]) for kind in ("wall", "cpu")}
    print(f"{args.workload} {args.case} reps={args.reps} load {load[0]:.2f} -> "
          f"{os.getloadavg()[0]:.2f}")
    for label, _, _ in variants:
        wall = statistics.median(times[label]["wall"])
        cpu = statistics.median(times[label]["cpu"])
        spread = f"{min(times[label]['cpu']):.2f}-{max(times[label]['cpu']):.2f}"
        print(f"  {label:10s} wall {wall:8.2f} ms ({wall / base['wall']:.2f}x numpy)  "
              f"cpu {cpu:8.2f} ms ({cpu / base['cpu']:.2f}x numpy, range {spread})")


if __name__ == "__main__":
    main()
