"""Run the minigraph benchmark: every workload on minigraph, hand-written numpy and the peers.

    python bench/run.py                 # minigraph and numpy only (no peer installed here)
    python bench/run.py --peer-python /work/peers/bin/python   # + TF1, PyTorch, JAX columns
    python bench/run.py --quick         # smoke run, a few minutes
    python bench/run.py --only w1,w4 --reps 7 --out /tmp/results.md

Each measurement is one fresh subprocess (`python -m bench.workloads.<w> --impl <impl> --case
<json>`), so no run inherits another's caches, imports or heap. Repetitions are interleaved
(rep 1 of every (workload, impl), then rep 2 in reverse order, ...) so that a change in machine
load hits every implementation alike; the tables show medians and the ratios of the medians.
The peers — TensorFlow's `compat.v1` graph mode running the very same workload code, PyTorch
(eager; `--torch-compile` adds `torch.compile`) and JAX (`jax.jit` of the whole step) — run
when importable, here or in the interpreter `--peer-python` names; nothing here installs them.

Every framework gets one compute thread (BLAS, PyTorch's pools, TensorFlow's pools, XLA's
flags; see `bench/workloads/_peers.py`), and each process is pinned to one CPU (alternating
between CPUs from one repetition to the next), since JAX's runtime computes on more threads
than its flags allow otherwise. Before timing, each workload's check compares every
implementation's loss and gradients with the numpy version. The contention section runs W2 and
W3 for every framework, and minigraph and numpy on the other per-step workloads, with and
without a busy-loop process holding one core, with each library's default threads and with
one. Results go to the terminal and to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench import report  # noqa: E402
from bench.workloads import _common  # noqa: E402

WORKLOADS = ["w1_quadratic", "w2_course_mlp", "w3_batchnorm_mlp", "w4_graph_scale", "w5_memory",
             "w6_conv2d", "w7_course_notebook", "w8_autoencoder", "w9_while_loop"]
PEERS = ["tensorflow", "torch", "torch_compile", "jax"]
OPT_IN = ("torch_compile",)  # measured slower here (see RESULTS.md); `--torch-compile` adds it
# Measured on the shared 2-core machine (load ~9): TensorFlow took 75 s for the 1,000-link chain
# and 410 s for 10,000; JAX 34 s for 10,000 and 788 s (6.6 GB) for 100,000. Longer chains are
# not run for them (the table says "not run").
CHAIN_LIMIT = {"tensorflow": 1000, "jax": 10000}
# (workload, case, frameworks; None: every one measured): the peers on W2 and W3, minigraph
# and numpy on every per-step workload.
CONTENTION_CASES = [("w2_course_mlp", {}, None), ("w3_batchnorm_mlp", {"batch": 256}, None),
                    ("w3_batchnorm_mlp", {"batch": 2048}, None),
                    ("w1_quadratic", {}, ("minigraph", "numpy")),
                    ("w6_conv2d", {"net": "course"}, ("minigraph", "numpy")),
                    ("w7_course_notebook", {}, ("minigraph", "numpy")),
                    ("w8_autoencoder", {}, ("minigraph", "numpy"))]

# The interpreter each peer runs in (`--peer-python`); minigraph and numpy use this one.
PEER_PYTHON = {}


def python_for(impl: str) -> str:
    return PEER_PYTHON.get(impl, sys.executable)


def peer_available(impl: str) -> bool:
    """Whether `impl` can run: here, or in the interpreter `--peer-python` named."""
    if impl not in PEER_PYTHON:
        return _common.available(impl)
    module = _common.peer_module(impl)
    probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return subprocess.run([PEER_PYTHON[impl], "-c", probe], capture_output=True).returncode == 0


def peer_versions(impls) -> dict:
    """{distribution: version} of the peers, read in the interpreter each runs in."""
    code = ("import importlib.metadata as m, json; out = {}\n"
            "for n in ('tensorflow-cpu', 'tensorflow', 'torch', 'jax', 'jaxlib', 'numpy'):\n"
            "    try: out[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps(out))")
    versions = {}
    for python in sorted({python_for(i) for i in impls if i in PEERS}):
        proc = subprocess.run([python, "-c", code], capture_output=True, text=True)
        if proc.returncode == 0:
            versions.update(json.loads(proc.stdout))
    return versions


def pin_to(cpu):
    """A `preexec_fn` pinning the child to `cpu` (None: no pinning)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def run_one(module: str, impl: str, case: dict, quick: bool, env: dict, cpu=None,
            timeout: float = 900, check: bool = False):
    """One measurement in a fresh interpreter; the parsed JSON metrics (or an error string)."""
    cmd = [python_for(impl), "-m", f"bench.workloads.{module}", "--impl", impl, "--case",
           json.dumps(case)] + (["--quick"] if quick else []) + (["--check"] if check else [])
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout, preexec_fn=pin_to(cpu))
    except subprocess.TimeoutExpired:
        return f"timeout after {timeout:.0f} s"
    if proc.returncode != 0:
        return proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_env(blas_threads) -> dict:
    """The environment of a measured process: `blas_threads` compute threads for every
    framework (OMP/OPENBLAS/MKL_NUM_THREADS, which the workloads pass on to PyTorch,
    TensorFlow and XLA), or, with 0, every library's own default — for minigraph too
    (`MINIGRAPH_BLAS_THREADS=0` turns its default of one BLAS thread per session off)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "MINIGRAPH_BLAS_THREADS", "XLA_FLAGS"):
        env.pop(name, None)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if blas_threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(blas_threads)
    else:
        env["MINIGRAPH_BLAS_THREADS"] = "0"
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
        blas = ", ".join(f"{i['internal_api']} {i['version']}" for i in info
                         if i["user_api"] == "blas") or "?"
    except ImportError:
        pass
    return {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "cpu": cpu,
            "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": numpy.__version__, "blas": blas, "platform": platform.platform()}


def measured_commit() -> str:
    """The commit the run measures (short hash and subject), "+ changes" if the tree differs."""
    try:
        head = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT,
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (head or "?") + (" + uncommitted changes" if dirty else "")


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def busy_loop():
    """A process that holds one core (the 'another process is busy' condition)."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


# ---------------------------------------------------------------- what runs
def job_allowed(name: str, case: dict, impl: str, quick: bool) -> bool:
    if name != "w4_graph_scale":
        return True
    if impl == "numpy":
        return False  # numpy has no graph to build
    limit = CHAIN_LIMIT.get(impl, 100000)
    if quick:
        limit = min(limit, 10000 if impl in ("minigraph", "torch") else 1000)
    return case["links"] <= limit


def rep_cap(name: str, case: dict, impl: str):
    """The most repetitions a (workload, case, impl) gets: the slowest builds get fewer."""
    if name == "w4_graph_scale" and (case["links"] >= 100000 or impl in CHAIN_LIMIT):
        return 3
    return None


def plan_jobs(names, modules, impls, quick) -> list:
    jobs = []  # (name, case, impl)
    for name in names:
        module = modules[name]
        for case in module.CASES:
            for impl in module.IMPLS:
                if impl in impls and job_allowed(name, case, impl, quick):
                    jobs.append((name, case, impl))
    return jobs


def check_correctness(names, modules, impls, env) -> dict:
    """{(workload label, impl): errors} from every workload's `--check`, in fresh processes."""
    checks = {}
    for name in names:
        module = modules[name]
        if not hasattr(module, "check"):
            continue
        for case in getattr(module, "CHECKS", [{}]):
            label = module.NAME + "".join(f", {v}" for v in case.values())
            for impl in module.IMPLS:
                if impl in impls:
                    checks[(label, impl)] = run_one(name, impl, case, False, env, check=True)
    return checks


def failed_checks(checks: dict) -> set:
    """The (workload label, impl) pairs whose check erred or exceeded the tolerance."""
    return {key for key, errors in checks.items()
            if not isinstance(errors, dict) or _common.check_failures(errors)}


def measure(jobs, reps: int, quick: bool, env: dict, pin: bool, started: float,
            after_rep=None) -> dict:
    """Every job `reps` times, interleaved, alternating the order and the CPU pinned to;
    `after_rep(results, reps_done)` after each repetition (the report so far)."""
    cpus = sorted(os.sched_getaffinity(0)) if pin and hasattr(os, "sched_getaffinity") else [None]
    results = {}
    for rep in range(reps):
        order = jobs if rep % 2 == 0 else jobs[::-1]
        cpu = cpus[rep % len(cpus)]
        for name, case, impl in order:
            cap = rep_cap(name, case, impl)
            if cap is not None and rep >= cap:
                continue
            result = run_one(name, impl, case, quick, env, cpu)
            results.setdefault((name, json.dumps(case), impl), []).append(result)
            if isinstance(result, str):
                print(f"  {name} {case} {impl}: ERROR {result}", flush=True)
        print(f"repetition {rep + 1}/{reps} done ({time.perf_counter() - started:.0f} s, load "
              f"{load_average()})", flush=True)
        if after_rep is not None:
            after_rep(results, rep + 1)
    return results


def contention_runs(impls, quick: bool, names=None) -> list:
    """(name, case, impl, setting, env) of the contention section: each library's default
    threads (0) and one thread (1); minigraph also with nothing configured ("policy").
    `names`: the workloads selected (None: all)."""
    cases = [c for c in CONTENTION_CASES if names is None or c[0] in names]
    if quick:
        cases = cases[:2]
    policy_env = child_env(1)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        policy_env.pop(name)
    runs = []
    for name, case, frameworks in cases:
        for impl in impls:
            if frameworks is not None and impl not in frameworks:
                continue
            runs += [(name, case, impl, 0, child_env(0)), (name, case, impl, 1, child_env(1))]
            if impl == "minigraph":
                runs.append((name, case, impl, "policy", policy_env))
    return runs


def per_step(result):
    """A run's time per step in ms (W1 reports µs), or None for a failed run."""
    if not isinstance(result, dict):
        return None
    if "ms_per_step" in result:
        return result["ms_per_step"]
    return result["us_per_step"] / 1000.0


def contention(impls, quick: bool, reps: int, names=None, loads=None) -> dict:
    """The `CONTENTION_CASES` without and with a busy loop holding one core, in each
    `contention_runs` setting: {(name, case json, impl, setting, busy): median ms per step}.
    The quick step counts (W2 20 steps, W3 5, ...), and no pinning: the scheduler may use every
    core, as a user's process would. `loads` (a dict) receives the load average after each
    half."""
    measured = {}
    runs = contention_runs(impls, quick, names)
    for busy in (False, True):
        hog = busy_loop() if busy else None
        try:
            for rep in range(reps):
                for name, case, impl, setting, env in (runs if rep % 2 == 0 else runs[::-1]):
                    r = run_one(name, impl, case, True, env)
                    measured.setdefault((name, json.dumps(case), impl, setting, busy),
                                        []).append(per_step(r))
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()
        if loads is not None:
            loads[busy] = load_average()
        print(f"contention, busy loop {'on' if busy else 'off'}: done, load {load_average()}",
              flush=True)
    return {k: median(v) for k, v in measured.items()}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, small chains")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 2)")
    parser.add_argument("--only", default="", help="comma-separated prefixes, e.g. w1,w3")
    parser.add_argument("--impls", default="",
                        help="comma-separated implementations to run (default: all available)")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="compute threads for every framework (0: library default)")
    parser.add_argument("--no-pin", action="store_true",
                        help="do not pin each measured process to one CPU")
    parser.add_argument("--no-contention", "--no-load-test", action="store_true",
                        dest="no_contention", help="skip the contention section")
    parser.add_argument("--contention-reps", type=int, default=None,
                        help="repetitions in the contention section (default 3, quick 1)")
    parser.add_argument("--peer-chain-links", type=int, default=None,
                        help="the longest W4 chain TF1 and JAX build (default 1000 and 10000, "
                             "their slowest; 0: no W4 for them)")
    parser.add_argument("--check-impls", default=None,
                        help="comma-separated implementations whose correctness is checked "
                             "(default: all measured; empty: none)")
    parser.add_argument("--contention-only", action="store_true",
                        help="only the contention section (no checks, no tables)")
    parser.add_argument("--torch-compile", action="store_true",
                        help="also measure torch.compile (slower than eager here)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    parser.add_argument("--peer-python", "--peers-python", dest="peer_python", default=None,
                        help="a Python interpreter in which TensorFlow, PyTorch and JAX are "
                             "importable, for their columns (a separate virtualenv); default: "
                             "this one")
    return parser.parse_args()


def select_impls(args) -> list:
    wanted = [i for i in args.impls.split(",") if i]
    impls = []
    for impl in ["numpy", "minigraph"] + PEERS:
        if wanted and impl not in wanted:
            continue
        if impl in OPT_IN and not args.torch_compile and impl not in wanted:
            continue
        if peer_available(impl):
            impls.append(impl)
    return impls


def main() -> None:
    args = parse_args()
    if args.peer_python:
        PEER_PYTHON.update({peer: args.peer_python for peer in PEERS})
    if args.peer_chain_links is not None:
        CHAIN_LIMIT.update({peer: args.peer_chain_links for peer in CHAIN_LIMIT})
    reps = args.reps or (2 if args.quick else 5)
    only = [p for p in args.only.split(",") if p]
    names = [w for w in WORKLOADS if not only or any(w.startswith(p) for p in only)]
    modules = {name: importlib.import_module(f"bench.workloads.{name}") for name in names}
    impls = select_impls(args)
    env = child_env(args.blas_threads)
    info = machine_info()
    info.update(commit=measured_commit(), load_before=load_average(),
                versions=peer_versions(impls), impls=impls,
                reps=reps, quick=args.quick, blas_threads=args.blas_threads,
                pinned=not args.no_pin, out=args.out, command=" ".join(["python", "bench/run.py"]
                                                         + sys.argv[1:]))
    started = time.perf_counter()
    print(f"minigraph benchmark, {info['date']}, {info['cpu']}, {info['cores']} cores, "
          f"load {info['load_before']}, implementations {', '.join(impls)}", flush=True)

    def write(checks, results, contended, reps_done=None):
        """The report so far into `args.out` (after every repetition: a stopped run keeps
        what it measured)."""
        info.update(load_after=load_average(), seconds=time.perf_counter() - started,
                    reps_done=reps_done)
        text = report.render(info, checks, results, modules, contended)
        with open(args.out, "w") as f:
            f.write(text)
        return text

    checks, results = {}, {}
    if not args.contention_only:
        check_impls = impls if args.check_impls is None else [
            i for i in args.check_impls.split(",") if i in impls]
        checks = check_correctness(names, modules, check_impls, env)
        bad = failed_checks(checks)
        print(f"correctness: {len(checks) - len(bad)} of {len(checks)} checks within tolerance"
              + (f"; FAILED: {sorted(bad)}" if bad else ""), flush=True)
        jobs = plan_jobs(names, modules, impls, args.quick)
        results = measure(jobs, reps, args.quick, env, not args.no_pin, started,
                          lambda so_far, done: write(checks, so_far, {}, done))
    contended = {}
    if not args.no_contention:
        contention_reps = args.contention_reps or (1 if args.quick else 3)
        info["contention_load"] = {}
        contended = contention(impls, args.quick, contention_reps, names,
                               info["contention_load"])
    text = write(checks, results, contended)
    print(text)
    print(f"written to {args.out}")

if __name__ == "__main__":
    main()
