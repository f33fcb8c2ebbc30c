"""Run the minigraph benchmark: every workload, minigraph against hand-written numpy.

    python bench/run.py                 # full run, ~10 minutes on a 2-core machine
    python bench/run.py --quick         # smoke run, a few minutes
    python bench/run.py --only w1,w4    # some workloads
    python bench/run.py --reps 7 --out /tmp/results.md

Each measurement is one fresh subprocess (`python -m bench.workloads.<w> --impl <impl> --case
<json>`), so no run inherits another's caches, imports or heap. Repetitions are interleaved
(rep 1 of every (workload, impl), then rep 2, ...) so that a change in machine load hits every
implementation alike; the table shows medians and the minigraph / numpy ratio of the medians.
TensorFlow (its `compat.v1` graph mode, running the very same workload code) gets a column only
when it happens to be importable; nothing here installs it.

Before timing, W2, W3 and W6 check that minigraph's loss and gradients match the numpy version.
The BLAS section runs W3 (batch 256) while a busy-loop process holds one core, with OpenBLAS's
default threads and with one thread. Results go to the terminal and to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.workloads import _common  # noqa: E402

WORKLOADS = ["w1_quadratic", "w2_course_mlp", "w3_batchnorm_mlp", "w4_graph_scale", "w5_memory",
             "w6_conv2d", "w9_while_loop"]
PEERS = ["tensorflow"]
# (workload, case key) -> (metric shown, unit, target on the minigraph / numpy ratio)
PRIMARY = {
    "w1_quadratic": ("us_per_step", "µs/step", 8.0),
    "w2_course_mlp": ("ms_per_step", "ms/step", 1.05),
    "w3_batchnorm_mlp": ("ms_per_step", "ms/step", 1.05),
    "w6_conv2d": ("ms_per_step", "ms/step", 1.25),
}
CHECK_TOLERANCE = 1e-3


# The interpreter each peer runs in (`--peer-python`); minigraph and numpy use this one.
PEER_PYTHON = {}


def peer_available(impl: str) -> bool:
    """Whether `impl` can run: here, or in the interpreter `--peer-python` named."""
    if impl not in PEER_PYTHON:
        return _common.available(impl)
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({impl!r}) is None)"
    return subprocess.run([PEER_PYTHON[impl], "-c", probe], capture_output=True).returncode == 0


def run_one(module: str, impl: str, case: dict, quick: bool, env: dict, timeout: float = 600):
    """One measurement in a fresh interpreter; the parsed JSON metrics (or an error string)."""
    cmd = [PEER_PYTHON.get(impl, sys.executable), "-m", f"bench.workloads.{module}", "--impl", impl,
           "--case", json.dumps(case)] + (["--quick"] if quick else [])
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout after {timeout:.0f} s"
    if proc.returncode != 0:
        return proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_env(blas_threads) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "MINIGRAPH_BLAS_THREADS"):
        env.pop(name, None)
    if blas_threads:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(blas_threads)
        env["MKL_NUM_THREADS"] = str(blas_threads)
    return env


def machine_info() -> dict:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import numpy

    blas = "?"
    try:
        import threadpoolctl

        info = threadpoolctl.threadpool_info()
        blas = ", ".join(f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
                         for i in info if i["user_api"] == "blas") or "?"
    except ImportError:
        pass
    return {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "cpu": cpu,
            "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": numpy.__version__, "blas": blas, "platform": platform.platform()}


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def check_correctness(env: dict, names) -> dict:
    """W2/W3/W6 loss and gradient agreement with numpy, run in a fresh process."""
    checks = {"w2_course_mlp": "'W2': w2_course_mlp.check()",
              "w3_batchnorm_mlp": "'W3': w3_batchnorm_mlp.check()",
              "w6_conv2d": "'W6 course': w6_conv2d.check('course'), "
                           "'W6 lenet': w6_conv2d.check('lenet')"}
    wanted = [name for name in checks if name in names]
    code = (f"import json; from bench.workloads import {', '.join(wanted)}; "
            f"print(json.dumps({{{', '.join(checks[name] for name in wanted)}}}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def busy_loop():
    """A process that holds one core (the 'another process is busy' condition)."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, small chains")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 7, quick 2)")
    parser.add_argument("--only", default="", help="comma-separated prefixes, e.g. w1,w3")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads for both implementations (0: library default)")
    parser.add_argument("--no-load-test", action="store_true", help="skip the BLAS section")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    parser.add_argument("--peer-python", default=None,
                        help="a Python interpreter in which TensorFlow is importable, for its "
                             "column (e.g. a separate virtualenv); default: this one")
    args = parser.parse_args()
    if args.peer_python:
        PEER_PYTHON.update({peer: args.peer_python for peer in PEERS})
    reps = args.reps or (2 if args.quick else 7)
    only = [p for p in args.only.split(",") if p]
    names = [w for w in WORKLOADS if not only or any(w.startswith(p) for p in only)]
    modules = {name: importlib.import_module(f"bench.workloads.{name}") for name in names}
    env = child_env(args.blas_threads)
    info = machine_info()
    info["load_before"] = load_average()
    started = time.perf_counter()
    print(f"minigraph benchmark, {info['date']}, {info['cpu']}, {info['cores']} cores, "
          f"load {info['load_before']}", flush=True)

    checks = {}
    if any(n in names for n in ("w2_course_mlp", "w3_batchnorm_mlp", "w6_conv2d")):
        checks = check_correctness(env, names)
        print("correctness (max relative error vs numpy):", json.dumps(checks), flush=True)

    jobs = []  # (name, case, impl)
    for name in names:
        module = modules[name]
        impls = [i for i in module.IMPLS if i != "numpy" or name != "w4_graph_scale"]
        impls = [i for i in impls if i not in PEERS or peer_available(i)]
        for case in module.CASES:
            if args.quick and case.get("links", 0) > 10000:
                continue
            for impl in impls:
                jobs.append((name, case, impl))
    results = {}
    for rep in range(reps):
        order = jobs if rep % 2 == 0 else jobs[::-1]  # alternate who goes first
        for name, case, impl in order:
            if name == "w4_graph_scale" and case["links"] >= 100000 and rep >= 3:
                continue  # 3 repetitions of the biggest chain are enough
            result = run_one(name, impl, case, args.quick, env)
            key = (name, json.dumps(case), impl)
            results.setdefault(key, []).append(result)
            if isinstance(result, str):
                print(f"  {name} {case} {impl}: ERROR {result}", flush=True)
        print(f"repetition {rep + 1}/{reps} done ({time.perf_counter() - started:.0f} s)",
              flush=True)

    load_rows = []
    if not args.no_load_test and "w3_batchnorm_mlp" in names:
        load_rows = blas_under_load(args.quick, max(2, reps // 2))
    info["load_after"] = load_average()
    info["seconds"] = time.perf_counter() - started
    text = report(info, checks, results, modules, load_rows, reps, args)
    print(text)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"written to {args.out}")


def blas_under_load(quick: bool, reps: int) -> list:
    """W3 batch 256 with one core held by a busy loop: default BLAS threads vs one thread."""
    rows = []
    hog = busy_loop()
    try:
        for threads in (0, 1):
            env = child_env(threads)
            measured = {"numpy": [], "minigraph": []}
            for _ in range(reps):
                for impl in measured:
                    r = run_one("w3_batchnorm_mlp", impl, {"batch": 256}, quick, env)
                    measured[impl].append(r["ms_per_step"] if isinstance(r, dict) else None)
            rows.append((threads, median(measured["numpy"]), median(measured["minigraph"])))
    finally:
        hog.kill()
        hog.wait()
    return rows


def _metric(results, name, case, impl, metric):
    runs = results.get((name, json.dumps(case), impl), [])
    return median([r.get(metric) for r in runs if isinstance(r, dict)])


def report(info, checks, results, modules, load_rows, reps, args) -> str:
    """The Markdown of RESULTS.md: the run, then one section per measurement."""
    lines = [
        "# minigraph benchmark results", "",
        f"Run {info['date']} with `python bench/run.py{' --quick' if args.quick else ''}` "
        f"({reps} repetitions, medians; each run a fresh process; BLAS threads: "
        f"{args.blas_threads or 'library default'}; total {info['seconds']:.0f} s).", "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['platform']}; Python "
        f"{info['python']}, numpy {info['numpy']}, BLAS {info['blas']}. Load average (1, 5, 15 "
        f"min) before: {info['load_before']}, after: {info['load_after']} — the machine is "
        "shared, so compare the ratios (measured side by side) more than absolute times.", "",
    ]
    lines += _per_step_section(results, modules)
    if "w4_graph_scale" in modules:
        lines += _graph_scale_section(results, modules["w4_graph_scale"])
    if "w5_memory" in modules:
        lines += _memory_section(results)
    if "w9_while_loop" in modules:
        lines += _while_loop_section(results, modules["w9_while_loop"])
    if load_rows:
        lines += ["", "## BLAS threads with another process holding a core (W3, batch 256, "
                  "ms/step)", "", "| BLAS threads | numpy | minigraph |", "|---|---|---|"]
        for threads, num, mg in load_rows:
            lines.append(f"| {threads or 'library default'} | {fmt(num)} | {fmt(mg)} |")
    if checks:
        lines += _correctness_section(checks)
    lines += ["", "What stands in the way of the targets not met, from the profiles: "
              "[docs/performance.md](../docs/performance.md#where-the-time-goes)."]
    errors = [(k, r) for k, runs in results.items() for r in runs if isinstance(r, str)]
    if errors:
        lines += ["", "## Failed runs", ""] + [f"- {k}: {r}" for k, r in errors[:20]]
    return "\n".join(lines) + "\n"


def _per_step_section(results, modules) -> list:
    """The table of per-step times, minigraph against numpy (and any peer), with targets."""
    peers = [p for p in PEERS if peer_available(p)]
    lines = [
        "## Per-step time: minigraph / hand-written numpy", "",
        "| workload | numpy | minigraph | ratio | CPU-time ratio | target | "
        + "".join(f"{p} | " for p in peers) + "met |",
        "|---|---|---|---|---|---|" + "---|" * len(peers) + "---|",
    ]
    for name, (metric, unit, target) in PRIMARY.items():
        if name not in modules:
            continue
        for case in modules[name].CASES:
            label = modules[name].NAME + "".join(f", {k} {v}" for k, v in case.items())
            num = _metric(results, name, case, "numpy", metric)
            mg = _metric(results, name, case, "minigraph", metric)
            cnum = _metric(results, name, case, "numpy", "cpu_" + metric)
            cmg = _metric(results, name, case, "minigraph", "cpu_" + metric)
            ratio = mg / num if mg and num else None
            cratio = cmg / cnum if cmg and cnum else None
            peer_cells = ""
            for peer in peers:
                value = _metric(results, name, case, peer, metric)
                peer_cells += f"{fmt(value)} ({fmt(value / num if value and num else None)}×) | "
            met = "yes" if ratio is not None and ratio <= target else "no"
            lines.append(f"| {label} ({unit}) | {fmt(num)} | {fmt(mg)} | {fmt(ratio)}× | "
                         f"{fmt(cratio)}× | ≤ {target}× | {peer_cells}{met} |")
    return lines


def _graph_scale_section(results, module) -> list:
    """W4: build, gradient and run times of ever longer chains, and their growth exponents."""
    lines = ["", "## W4 graph scale: chain `y = y*1.0001 + 0.001` on a placeholder (s)", "",
             "| links | build | gradient | first run | second run | build + gradient + "
             "first run | growth exponent |", "|---|---|---|---|---|---|---|"]
    previous = None
    for case in module.CASES:
        values = {m: _metric(results, "w4_graph_scale", case, "minigraph", m)
                  for m in ("build_s", "gradient_s", "first_run_s", "second_run_s", "total_s")}
        if values["total_s"] is None:
            continue
        exponent = None
        if previous is not None:
            exponent = (math.log(values["total_s"] / previous[1])
                        / math.log(case["links"] / previous[0]))
        lines.append(f"| {case['links']:,} | {fmt(values['build_s'])} | "
                     f"{fmt(values['gradient_s'])} | {fmt(values['first_run_s'])} | "
                     f"{fmt(values['second_run_s'])} | {fmt(values['total_s'])} | "
                     f"{fmt(exponent)} |")
        previous = (case["links"], values["total_s"])
    lines.append("")
    lines.append("Target: 100k links in ≤ 5 s, growth exponent ≤ 1.1 (exponent between a "
                 "row and the one above it).")
    return lines


def _memory_section(results) -> list:
    """W5: peak RSS of W3, and the time and memory `import minigraph` costs."""
    w3 = {"what": "w3"}
    imp = {"what": "import"}

    def w5(case, impl, metric):
        return _metric(results, "w5_memory", case, impl, metric)

    num_rss, mg_rss = w5(w3, "numpy", "peak_rss_mb"), w5(w3, "minigraph", "peak_rss_mb")
    return ["", "## W5 memory", "", "| measure | numpy | minigraph | ratio | target |",
            "|---|---|---|---|---|",
            f"| peak RSS, W3 batch 2048 (MB) | {fmt(num_rss)} | {fmt(mg_rss)} | "
            f"{fmt(mg_rss / num_rss if mg_rss and num_rss else None)}× | ≤ 1.5× |",
            f"| `import` time (s) | {fmt(w5(imp, 'numpy', 'import_s'))} | "
            f"{fmt(w5(imp, 'minigraph', 'import_s'))} | | ≤ 0.3 s |",
            f"| RSS after `import` (MB) | {fmt(w5(imp, 'numpy', 'rss_mb'))} | "
            f"{fmt(w5(imp, 'minigraph', 'rss_mb'))} | | ≤ 50 MB |"]


def _while_loop_section(results, module) -> list:
    """W9: a while loop of 100,000 iterations, forward and with its gradient."""
    peers = [p for p in PEERS if peer_available(p)]
    lines = ["", "## W9 while loop: `v = tanh(v) * w + x`, 16 float32 values, 100,000 "
             "iterations", "",
             "| case | impl | s | µs/iteration | RSS growth (MB) |", "|---|---|---|---|---|"]
    for case in module.CASES:
        label = "forward and gradient" if case["gradient"] else "forward"
        for impl in ["numpy", "minigraph"] + peers:
            cells = [fmt(_metric(results, "w9_while_loop", case, impl, metric))
                     for metric in ("seconds", "us_per_iteration", "rss_growth_mb")]
            lines.append(f"| {label} | {impl} | " + " | ".join(cells) + " |")
    return lines


def _correctness_section(checks) -> list:
    """The largest relative errors of W2 and W3 against numpy (loss, gradients, training)."""
    lines = ["", "## Correctness (largest relative error against numpy, float32)", "",
             "| workload | loss | gradients | loss after 3 Adam steps |", "|---|---|---|---|"]
    for name, errors in checks.items():
        if isinstance(errors, dict) and "loss" in errors:
            lines.append(f"| {name} | {errors['loss']:.1e} | {errors['grads']:.1e} | "
                         f"{errors['trained_loss']:.1e} |")
        else:
            lines.append(f"| {name} | error: {errors} | | |")
    return lines


if __name__ == "__main__":
    main()
