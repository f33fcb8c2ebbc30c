"""bench/RESULTS.md from the measurements of `bench/run.py`: one table per workload with a
column per framework, the targets, the contention section and the correctness checks.

Text below the `NOTES_MARKER` line of the existing RESULTS.md (hand-written analysis) is kept
when the file is written again.
"""

from __future__ import annotations

import json
import math
import os
import statistics

from bench.workloads import _common

NOTES_MARKER = "<!-- notes below are kept when bench/run.py rewrites this file -->"
FRAMEWORKS = ["numpy", "minigraph", "tensorflow", "torch", "torch_compile", "jax"]
LABELS = {"numpy": "numpy", "minigraph": "minigraph", "tensorflow": "TF1 (compat.v1)",
          "torch": "PyTorch eager", "torch_compile": "PyTorch compile", "jax": "JAX jit"}
SHORT = {"tensorflow": "TF1", "torch": "PyTorch", "torch_compile": "PyTorch compile",
         "jax": "JAX"}
# workload -> (metric, unit); the training workloads share their target
PER_STEP = {"w1_quadratic": ("us_per_step", "µs/step"), "w2_course_mlp": ("ms_per_step", "ms/step"),
            "w3_batchnorm_mlp": ("ms_per_step", "ms/step"), "w6_conv2d": ("ms_per_step", "ms/step"),
            "w7_course_notebook": ("ms_per_step", "ms/step"),
            "w8_autoencoder": ("ms_per_step", "ms/step")}
TRAINING_TARGET = ("w2_course_mlp", "w3_batchnorm_mlp", "w7_course_notebook", "w8_autoencoder")
W1_FACTOR = 1.5
CHAIN_TARGET_S = 2.5
MEMORY_TARGET = 1.05


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def ratio(a, b):
    return a / b if a is not None and b else None


def metric(results, name, case, impl, key):
    runs = results.get((name, json.dumps(case), impl), [])
    values = [r.get(key) for r in runs if isinstance(r, dict) and r.get(key) is not None]
    return statistics.median(values) if values else None


def case_label(case: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in case.items()) or "–"


def present(results, name, impls) -> list:
    """The frameworks with at least one result for workload `name`, in column order."""
    have = {impl for (n, _, impl) in results if n == name}
    return [f for f in FRAMEWORKS if f in have and f in impls]


# ---------------------------------------------------------------- targets
def training_verdict(values: dict) -> str:
    """minigraph faster than TF1 and PyTorch, at least as fast as JAX (on the medians given)."""
    mg = values.get("minigraph")
    if mg is None:
        return "–"
    losses = []
    for impl, strict in (("tensorflow", True), ("torch", True), ("torch_compile", True),
                         ("jax", False)):
        other = values.get(impl)
        if other is None:
            continue
        if (mg >= other) if strict else (mg > other):
            losses.append(f"{mg / other:.2f}× {SHORT[impl]}'s")
    if not any(values.get(i) for i in ("tensorflow", "torch", "torch_compile", "jax")):
        return "no peer measured"
    if losses:
        return "no: minigraph takes " + ", ".join(losses)
    return "yes"


def w1_verdict(values: dict) -> str:
    mg, jax = values.get("minigraph"), values.get("jax")
    if mg is None or jax is None:
        return "no JAX measurement" if mg is not None else "–"
    speedup = jax / mg
    return f"{'yes' if speedup >= W1_FACTOR else 'no'}: JAX ÷ minigraph {speedup:.2f}× " \
           f"(target ≥ {W1_FACTOR}×)"


def verdict(name: str, values: dict) -> str:
    if name == "w1_quadratic":
        return w1_verdict(values)
    if name in TRAINING_TARGET:
        return training_verdict(values)
    return "no target"


# ---------------------------------------------------------------- tables
def per_step_table(name, module, results, impls) -> list:
    key, unit = PER_STEP[name]
    cols = present(results, name, impls)
    lines = [f"## {module.NAME} ({unit}, median of the runs)", "",
             "| case | measure | " + " | ".join(LABELS[c] for c in cols) + " | target met? |",
             "|---|---|" + "---|" * len(cols) + "---|"]
    for case in module.CASES:
        wall = {c: metric(results, name, case, c, key) for c in cols}
        cpu = {c: metric(results, name, case, c, "cpu_" + key) for c in cols}
        verdicts = [f"wall: {verdict(name, wall)}", f"CPU: {verdict(name, cpu)}"]
        rows = [("wall", wall, fmt), ("CPU", cpu, fmt),
                ("wall ÷ numpy", {c: ratio(wall[c], wall.get("numpy")) for c in cols}, times),
                ("wall ÷ minigraph", {c: ratio(wall[c], wall.get("minigraph")) for c in cols},
                 times),
                ("CPU ÷ minigraph", {c: ratio(cpu[c], cpu.get("minigraph")) for c in cols},
                 times)]
        for i, (measure, values, show) in enumerate(rows):
            first = case_label(case) if i == 0 else ""
            note = verdicts[i] if i < len(verdicts) else ""
            lines.append(f"| {first} | {measure} | " + " | ".join(show(values[c]) for c in cols)
                         + f" | {note} |")
    return lines + [""]


def times(value) -> str:
    return "–" if value is None else f"{fmt(value)}×"


def chain_table(module, results, impls) -> list:
    name = "w4_graph_scale"
    cols = [c for c in present(results, name, impls)]
    lines = [f"## {module.NAME}: build + gradient + first run (s, median; wall and CPU)", "",
             "| links | " + " | ".join(LABELS[c] for c in cols) + " | target met? |",
             "|---|" + "---|" * len(cols) + "---|"]
    for case in module.CASES:
        total = {c: metric(results, name, case, c, "total_s") for c in cols}
        cpu = {c: metric(results, name, case, c, "cpu_total_s") for c in cols}
        note = ""
        if case["links"] == 100000:
            mg, mg_cpu = total.get("minigraph"), cpu.get("minigraph")
            note = "–" if mg is None else (
                f"wall {'yes' if mg < CHAIN_TARGET_S else 'no'}, CPU "
                f"{'yes' if mg_cpu is not None and mg_cpu < CHAIN_TARGET_S else 'no'} "
                f"(target < {CHAIN_TARGET_S} s)")
        lines.append(f"| {case['links']:,} | " + " | ".join(
            f"{fmt(total[c])} (CPU {fmt(cpu[c])})" if total[c] is not None else "not run"
            for c in cols) + f" | {note} |")
    lines += ["", "Each framework's split (s): build / gradient / first run / second run.", "",
              "| links | " + " | ".join(LABELS[c] for c in cols) + " |",
              "|---|" + "---|" * len(cols)]
    for case in module.CASES:
        cells = []
        for c in cols:
            parts = [metric(results, name, case, c, k)
                     for k in ("build_s", "gradient_s", "first_run_s", "second_run_s")]
            cells.append("–" if parts[0] is None else " / ".join(fmt(p) for p in parts))
        lines.append(f"| {case['links']:,} | " + " | ".join(cells) + " |")
    previous = None
    exponents = []
    for case in module.CASES:
        total = metric(results, name, case, "minigraph", "total_s")
        if total is not None and previous is not None:
            growth = math.log(total / previous[1]) / math.log(case["links"] / previous[0])
            exponents.append(f"{previous[0]:,} → {case['links']:,}: {growth:.2f}")
        if total is not None:
            previous = (case["links"], total)
    lines += ["", "minigraph's growth exponent (1.0 is linear): " + ("; ".join(exponents) or "–")
              + ". PyTorch: build = the eager forward pass, gradient = `autograd.grad`; JAX: "
              "build = tracing the forward pass and its vjp, first run = XLA compilation + run.",
              ""]
    return lines


def _memory_verdict(rss: dict) -> str:
    mg_ratio = ratio(rss.get("minigraph"), rss.get("numpy"))
    return "–" if mg_ratio is None else (
        f"{'yes' if mg_ratio <= MEMORY_TARGET else 'no'}: {mg_ratio:.3f}× numpy "
        f"(target ≤ {MEMORY_TARGET}×)")


def memory_table(module, results, impls) -> list:
    name = "w5_memory"
    cols = present(results, name, impls)
    w3, imp = {"what": "w3"}, {"what": "import"}
    rss = {c: metric(results, name, w3, c, "peak_rss_mb") for c in cols}
    blocks = {c: metric(results, name, dict(w3, loops="numpy"), c, "peak_rss_mb") for c in cols}
    blocks["numpy"] = rss.get("numpy")
    rows = [("peak RSS, W3 batch 2048 (MB)", rss, _memory_verdict(rss)),
            ("peak RSS ÷ numpy", {c: ratio(rss[c], rss.get("numpy")) for c in cols}, ""),
            ("minigraph's loops on numpy blocks (`MINIGRAPH_JIT=numpy`): peak RSS (MB)",
             blocks, _memory_verdict(blocks)),
            ("`import` time (s)", {c: metric(results, name, imp, c, "import_s") for c in cols}, ""),
            ("RSS after `import` (MB)", {c: metric(results, name, imp, c, "rss_mb") for c in cols},
             "")]
    lines = [f"## {module.NAME}", "", "| measure | " + " | ".join(LABELS[c] for c in cols)
             + " | target met? |", "|---|" + "---|" * len(cols) + "---|"]
    for label, values, note in rows:
        show = times if "÷" in label else fmt
        lines.append(f"| {label} | " + " | ".join(show(values[c]) for c in cols) + f" | {note} |")
    return lines + ["", "A peer's peak includes its runtime (TensorFlow's is hundreds of MB); "
                    "numpy is the reference for the engine's own memory.", ""]


W9_MEASURES = (("us_per_iteration", "µs/iteration"), ("rss_growth_mb", "RSS growth (MB)"))


def while_loop_table(module, results, impls) -> list:
    """W9: one while loop of many iterations, forward and with its gradient."""
    name = "w9_while_loop"
    cols = present(results, name, impls)
    lines = [f"## {module.NAME}: `v = tanh(v) * w + x`, {module.SIZE} float32 values, 100,000 "
             "iterations", "", "| case | measure | " + " | ".join(LABELS[c] for c in cols) + " |",
             "|---|---|" + "---|" * len(cols)]
    for case in module.CASES:
        label = "forward and gradient" if case["gradient"] else "forward"
        for key, unit in W9_MEASURES:
            cells = [fmt(metric(results, name, case, c, key)) for c in cols]
            lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return lines + [""]


CONTENTION_TARGET = 2.0


def contention_verdict(contended: dict, name: str, case: str) -> str:
    """Whether minigraph with nothing configured (its default policy) slowed by at most
    `CONTENTION_TARGET` when the busy loop ran."""
    idle = contended.get((name, case, "minigraph", "policy", False))
    busy = contended.get((name, case, "minigraph", "policy", True))
    if idle is None or busy is None:
        return "–"
    return f"{'yes' if busy / idle <= CONTENTION_TARGET else 'no'} ({busy / idle:.2f}×)"


def contention_table(contended: dict, impls, loads=None) -> list:
    if not contended:
        return []
    order = {n: i for i, n in enumerate(PER_STEP)}
    cases = sorted({(n, c) for (n, c, *_rest) in contended},
                   key=lambda k: (order.get(k[0], 99), len(k[1]), k[1]))
    cols = [c for c in FRAMEWORKS if c in impls and any(k[2] == c for k in contended)]
    load_note = (f" Load average (1, 5, 15 min) after the idle half: {loads.get(False, '?')}; "
                 f"after the busy half: {loads.get(True, '?')}." if loads else "")
    lines = ["## Under contention: a busy loop holds one core (ms/step, median)", "",
             "Each cell: idle → busy (slowdown). \"library default\": each framework's own "
             "thread count (OpenBLAS, PyTorch and TensorFlow: one per core; XLA: its pool); "
             "\"1 thread\": the settings of the tables above, without CPU pinning; \"minigraph "
             "default\": nothing configured (its default policy). No process is pinned here; "
             "quick step counts. Target: minigraph's default slows by at most "
             f"{CONTENTION_TARGET:g}×." + load_note, "",
             "| workload | threads | " + " | ".join(LABELS[c] for c in cols)
             + " | minigraph default ≤ 2×? |",
             "|---|---|" + "---|" * len(cols) + "---|"]
    for name, case in cases:
        label = name.split("_")[0].upper() + (f", {case_label(json.loads(case))}"
                                               if case != "{}" else "")
        for setting, setting_label in ((0, "library default"), (1, "1 thread"),
                                       ("policy", "minigraph default")):
            cells = []
            for c in cols:
                idle = contended.get((name, case, c, setting, False))
                busy = contended.get((name, case, c, setting, True))
                cells.append("–" if idle is None and busy is None else
                             f"{fmt(idle)} → {fmt(busy)} ({times(ratio(busy, idle))})")
            if all(cell == "–" for cell in cells):
                continue
            note = contention_verdict(contended, name, case) if setting == "policy" else ""
            lines.append(f"| {label} | {setting_label} | " + " | ".join(cells) + f" | {note} |")
    return lines + [""]


def checks_table(checks: dict, impls) -> list:
    if not checks:
        return []
    labels = list(dict.fromkeys(label for label, _ in checks))
    cols = [c for c in FRAMEWORKS if c in impls and any(i == c for _, i in checks)]
    lines = ["## Correctness: largest relative error against numpy (float32)", "",
             "Each cell: loss at step 0 / gradients / loss after 3 optimizer steps / the loss's "
             "change over those steps (W1: cost, w after one step, cost after 3, its change; "
             "W4: y and dy/dx of a 200-link chain). Tolerances: "
             + ", ".join(f"{k} {v:g}" for k, v in _common.TOLERANCE.items())
             + "; a ✗ marks a failed check.", "",
             "| workload | " + " | ".join(LABELS[c] for c in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for label in labels:
        cells = []
        for c in cols:
            errors = checks.get((label, c))
            if errors is None:
                cells.append("–")
            elif not isinstance(errors, dict):
                cells.append(f"✗ error: {errors}")
            else:
                mark = " ✗" if _common.check_failures(errors) else ""
                cells.append(" / ".join(f"{errors[k]:.0e}" if errors[k] else "0"
                                        for k in _common.TOLERANCE if k in errors) + mark)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines + [""]


def threads_table(results, impls) -> list:
    """How many threads computed in the timed steps, and CPU ÷ wall, per framework."""
    cols = [c for c in FRAMEWORKS if c in impls]
    counts, shares = {c: [] for c in cols}, {c: [] for c in cols}
    for (_, _, impl), runs in results.items():
        if impl not in counts:
            continue
        for r in runs:
            if not isinstance(r, dict) or "threads" not in r:
                continue
            counts[impl].append(r["threads"])
            for key in ("ms_per_step", "us_per_step"):
                if r.get(key) and r.get("cpu_" + key) is not None:
                    shares[impl].append(r["cpu_" + key] / r[key])
    lines = ["| | " + " | ".join(LABELS[c] for c in cols) + " |", "|---|" + "---|" * len(cols),
             "| threads that did ≥ 5% of a run's CPU work (most seen) | "
             + " | ".join(str(max(counts[c])) if counts[c] else "–" for c in cols) + " |",
             "| CPU ÷ wall over the timed steps (median; largest) | "
             + " | ".join(f"{statistics.median(shares[c]):.2f}; {max(shares[c]):.2f}"
                          if shares[c] else "–" for c in cols) + " |"]
    return lines


def header(info: dict) -> list:
    versions = ", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items()) or "none"
    threads = info["blas_threads"] or "library default"
    return [
        "# minigraph benchmark results", "",
        f"Run {info['date']} with `{info['command']}` ({info['reps']} repetitions, medians; "
        + (f"**partial: {info['reps_done']} of {info['reps']} repetitions done when written**; "
           if info.get("reps_done") not in (None, info["reps"]) else "")
        + f"each run a fresh process; total {info['seconds']:.0f} s"
        f"{'; quick: few steps, short chains' if info['quick'] else ''}).", "",
        f"Commit measured: {info.get('commit', '?')}.", "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['platform']}; Python "
        f"{info['python']}, numpy {info['numpy']}, BLAS {info['blas']}. Peers (bench-only "
        f"virtualenv): {versions}.", "",
        f"**Load average** (1, 5, 15 min) before: {info['load_before']}, after: "
        f"{info['load_after']} on {info['cores']} cores. The machine is shared: the absolute "
        "times are inflated by the load, the ratios (measured side by side, interleaved) less "
        "so.", "",
        f"**Threads**: {threads} compute thread(s) for every framework — "
        "`OPENBLAS_NUM_THREADS`/`OMP_NUM_THREADS`/`MKL_NUM_THREADS`; PyTorch "
        "`set_num_threads` and `set_num_interop_threads`; TensorFlow `ConfigProto("
        "intra_op_parallelism_threads, inter_op_parallelism_threads)`; JAX `XLA_FLAGS="
        "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`; minigraph its "
        "default (one BLAS thread per session)"
        + ("; and every measured process pinned to one CPU (alternating CPUs between "
           "repetitions), because XLA's runtime still computes on two to five threads with "
           "those flags (JAX's maintainers recommend the affinity mask)" if info["pinned"]
           else "; no CPU pinning") + ". Measured in the timed steps (TF1 and JAX: the Python "
        "thread and one runtime thread take turns; CPU ÷ wall at most 1 means one core at a "
        "time):", ""]


def render(info, checks, results, modules, contended, notes_path=None) -> str:
    impls = info["impls"]
    lines = header(info) + threads_table(results, impls) + [""]
    lines += ["Targets (one run, single thread, medians): minigraph faster than TF1 and "
              "PyTorch and at least as fast as JAX on W2, W3 (256 and 2048), W7 and W8; W1 at "
              f"least {W1_FACTOR}× faster than JAX jit per step; the 100,000-link chain in "
              f"under {CHAIN_TARGET_S} s; peak memory at batch 2048 within {MEMORY_TARGET}× of "
              "numpy.", ""]
    for name, module in modules.items():
        if name in PER_STEP:
            lines += per_step_table(name, module, results, impls)
        elif name == "w4_graph_scale":
            lines += chain_table(module, results, impls)
        elif name == "w5_memory":
            lines += memory_table(module, results, impls)
        elif name == "w9_while_loop":
            lines += while_loop_table(module, results, impls)
    lines += contention_table(contended, impls, info.get("contention_load"))
    lines += checks_table(checks, impls)
    errors = [(k, r) for k, runs in results.items() for r in runs if isinstance(r, str)]
    if errors:
        lines += ["## Failed runs", ""] + [f"- {k}: {r}" for k, r in errors[:20]] + [""]
    lines += [NOTES_MARKER, ""]
    return "\n".join(lines) + kept_notes(notes_path or info.get("out"))


def kept_notes(path) -> str:
    """The hand-written text after `NOTES_MARKER` in the file at `path` ('' if none)."""
    if not path or not os.path.exists(path):
        return ""
    with open(path) as f:
        text = f.read()
    if NOTES_MARKER not in text:
        return ""
    return text.split(NOTES_MARKER, 1)[1].lstrip("\n")
