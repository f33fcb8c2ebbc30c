"""The C loops' costs against numba's and numpy's: a call on small arrays, building a loop, and
loading it from the cache.

    python bench/c_loops.py            # about a minute
    python bench/c_loops.py --quick

Per call: the optimizer updates' loops (`ApplyAdam`'s, `ApplyRMSProp`'s, `ApplyGradientDescent`'s)
on 64 to 320,000 float32 elements through `training_ops`, as a training step calls them,
in C (`MINIGRAPH_JIT=c`), numba and numpy's passes (`MINIGRAPH_JIT=0`), interleaved in one
process; medians of CPU microseconds. Building: each loop compiled into an empty cache (the
compiler's CPU time is its child process's, added), then loaded from the cache in a fresh
process. One thread, CPU time; the numbers in docs/performance.md come from here.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from minigraph import compiled_kernels  # noqa: E402
from minigraph.ops import training_ops  # noqa: E402

F32 = np.float32


def _updates(size: int) -> dict:
    """{name: update()} writing arrays of `size` elements in place."""
    rng = np.random.default_rng(0)
    var, m, grad = (rng.normal(size=size).astype(F32) for _ in range(3))
    v = np.abs(rng.normal(size=size)).astype(F32)
    adam = [F32(x) for x in (0.9 ** 3, 0.999 ** 3, 1e-4, 0.9, 0.999, 1e-8)]
    rms = training_ops._RMSPropUpdate()
    descent = training_ops._GradientDescentUpdate()
    rms_scalars = [np.asarray(x, F32) for x in (1e-3, 0.9, 0.0, 1e-10)]
    return {
        "Adam": lambda: training_ops._adam_step(var, m, v, *adam, grad),
        "RMSProp": lambda: rms.update(None, var, [m, v], grad, rms_scalars),
        "GradientDescent": lambda: descent.update(None, var, [], grad, [np.asarray(1e-3, F32)]),
    }


def per_call(quick: bool) -> None:
    backends = ["c", "numba", "0"]
    if compiled_kernels.installed():
        os.environ["MINIGRAPH_JIT"] = "numba"
        compiled_kernels.available()  # (imports numba: small arrays then use the loops)
    os.environ["MINIGRAPH_JIT"] = "c"
    _updates(1 << 15)["Adam"]()  # (loads a C loop: likewise)
    print(f"{'update, elements':28s}" + "".join(f"{b:>14s}" for b in
                                                 ("c", "numba", "numpy passes")) + "  (us)")
    for size in (64, 1024, 4096, 16384, 320000):
        updates = _updates(size)
        number = max(5, min(2000, 2_000_000 // size)) // (4 if quick else 1)
        for name, update in updates.items():
            times = {b: [] for b in backends}
            for rep in range(5 if quick else 15):
                for backend in backends if rep % 2 else backends[::-1]:
                    os.environ["MINIGRAPH_JIT"] = backend
                    update()
                    start = time.process_time()
                    for _ in range(number):
                        update()
                    times[backend].append((time.process_time() - start) / number * 1e6)
            print(f"{name + ', ' + str(size):28s}"
                  + "".join(f"{statistics.median(times[b]):14.2f}" for b in backends))


_BUILD = """
import os, resource, sys, time
import numpy as np
sys.path.insert(0, {root!r})
from minigraph import c_kernels
from minigraph.ops import training_ops
loops = {loops}
for name in {names!r}:
    loop = loops[name]
    args = [np.ones(1000, np.float32) if layout != "S" else np.float32(0.5)
            for _, layout in loop.operands]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, wall = time.process_time(), time.perf_counter()
    c_kernels.compile_loop(loop)(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    print(name, time.perf_counter() - wall, time.process_time() - cpu + child)
"""
_LOOPS = ("{'Adam': training_ops._ADAM_LOOP, 'RMSProp': training_ops._RMSPropUpdate._loop, "
          "'CenteredRMSProp': training_ops._CenteredRMSPropUpdate._loop, "
          "'Momentum': training_ops._MomentumUpdate._loops[True]}")


def building() -> None:
    names = ["Adam", "RMSProp", "CenteredRMSProp", "Momentum"]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, MINIGRAPH_CACHE_DIR=cache, MINIGRAPH_JIT="c")
        code = _BUILD.format(root=ROOT, loops=_LOOPS, names=names)
        for label in ("built (empty cache)", "loaded (from the cache)"):
            out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            rows = [out[k:k + 3] for k in range(0, len(out), 3)]
            print(f"{label}: " + ", ".join(f"{n} {float(w) * 1e3:.0f} ms wall / "
                                           f"{float(c) * 1e3:.0f} ms CPU" for n, w, c in rows))


def main() -> None:
    np.seterr(all="ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.2f}, peak RSS so far "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    per_call(args.quick)
    building()
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
