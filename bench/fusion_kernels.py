"""Element-wise kernels of the workloads four ways: numpy's passes, numexpr, numba and chunked
(minigraph's fused loops, compiled or as numpy calls over blocks), single-threaded; and the
array size from which a fused step beats numpy's.

    python bench/fusion_kernels.py            # a few minutes on a loaded 2-core machine
    python bench/fusion_kernels.py --quick

Each kernel is what one step of a workload runs (shapes from W2/W7, W3 and W8): Adam's update,
batch norm's scale-and-shift with the relu after it, relu's gradient times batch norm's scale,
and RMSProp's update. numexpr evaluates the same formulas (`ne.evaluate(..., out=)`, one thread,
its own blocked loop); numba runs minigraph's compiled loops (`ApplyAdam`'s and the fusion
pass's), chunked the same loops through `minigraph.chunked_kernels`. The threshold part
times `relu(x * 2 + 1)` through `Session.run`, fused (numba) and plain, at growing sizes.
Medians of CPU microseconds per call (steadier than wall time on a shared machine); the
numbers in docs/performance.md come from here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import timeit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ["NUMEXPR_MAX_THREADS"] = "1"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numexpr as ne  # noqa: E402
import numpy as np  # noqa: E402

import minigraph as tf  # noqa: E402
from minigraph import plan_fusion  # noqa: E402
from minigraph.ops import nn_ops, training_ops  # noqa: E402

ne.set_num_threads(1)
F32 = np.float32


FUSED_JIT = "numba"  # the compiled loops' backend (`--compiled`)


def _time(function, number: int, repeat: int) -> float:
    function()
    times = timeit.repeat(function, number=number, repeat=repeat, timer=time.process_time)
    return statistics.median(times) / number * 1e6


def _adam(shape):
    rng = np.random.default_rng(0)
    var, m, grad = (rng.normal(size=shape).astype(F32) for _ in range(3))
    v = np.abs(rng.normal(size=shape).astype(F32))
    s = [F32(x) for x in (0.9 ** 3, 0.999 ** 3, 1e-4, 0.9, 0.999, 1e-8)]
    b1, b2, lr_t, eps = s[3], s[4], F32(1e-4), s[5]
    c1, c2 = F32(1) - b1, F32(1) - b2

    def with_numpy():
        os.environ["MINIGRAPH_JIT"] = "0"
        training_ops._adam_step(var, m, v, *s, grad)

    def with_numba():
        os.environ["MINIGRAPH_JIT"] = FUSED_JIT
        training_ops._adam_step(var, m, v, *s, grad)

    def with_chunked():
        os.environ["MINIGRAPH_JIT"] = "numpy"
        training_ops._adam_step(var, m, v, *s, grad)

    names = {"var": var, "m": m, "v": v, "grad": grad, "b1": b1, "b2": b2, "c1": c1, "c2": c2,
             "lr_t": lr_t, "eps": eps}

    def with_numexpr():
        ne.evaluate("m * b1 + c1 * grad", local_dict=names, out=m)
        ne.evaluate("v * b2 + grad * grad * c2", local_dict=names, out=v)
        ne.evaluate("var - lr_t * m / (sqrt(v) + eps)", local_dict=names, out=var)
    return with_numpy, with_numba, with_numexpr, with_chunked


def _graph_kernel(build, feeds: dict, expression: str, **constants):
    """numpy and numba: the fused step of `build()`'s graph through Session.run (JIT off, on);
    numexpr: `expression` on the fed arrays and float32 `constants` (a Python number in the
    expression would make numexpr compute in float64)."""
    graph = tf.Graph()
    with graph.as_default():
        placeholders, y = build()
    values = {p: feeds[p.op.name] for p in placeholders}
    sessions = {}
    for jit in ("0", "numba", "numpy"):
        os.environ["MINIGRAPH_JIT"] = FUSED_JIT if jit == "numba" else jit
        sessions[jit] = tf.Session(graph=graph)
        for _ in range(3):  # the plan, the fused loop, the generated code
            sessions[jit].run(y, values)
    names = dict(feeds, zero=F32(0), half=F32(0.5), **constants)
    out = np.empty(np.broadcast_shapes(*[a.shape for a in feeds.values()]), F32)
    return (lambda: sessions["0"].run(y, values), lambda: sessions["numba"].run(y, values),
            lambda: ne.evaluate(expression, local_dict=names, out=out),
            lambda: sessions["numpy"].run(y, values))


def _scale_shift_relu(batch):
    def build():
        z = tf.placeholder(tf.float32, [None, 512], name="z")
        scale = tf.placeholder(tf.float32, [512], name="scale")
        shift = tf.placeholder(tf.float32, [512], name="shift")
        return [z, scale, shift], tf.nn.relu(z * scale + shift)
    rng = np.random.default_rng(1)
    feeds = {"z": rng.normal(size=(batch, 512)).astype(F32),
             "scale": rng.normal(size=512).astype(F32), "shift": rng.normal(size=512).astype(F32)}
    return _graph_kernel(build, feeds, "where(z * scale + shift > zero, z * scale + shift, zero)")


def _relu_grad_scale(batch):
    def build():
        g = tf.placeholder(tf.float32, [None, 512], name="g")
        y = tf.placeholder(tf.float32, [None, 512], name="y")
        scale = tf.placeholder(tf.float32, [512], name="scale")
        return [g, y, scale], nn_ops.relu_grad(g, y) * scale * 0.5
    rng = np.random.default_rng(2)
    feeds = {"g": rng.normal(size=(batch, 512)).astype(F32),
             "y": rng.normal(size=(batch, 512)).astype(F32),
             "scale": rng.normal(size=512).astype(F32)}
    return _graph_kernel(build, feeds, "where(y > zero, g, zero) * scale * half")


def _rmsprop(shape):
    def build():
        ms = tf.placeholder(tf.float32, shape, name="ms")
        g = tf.placeholder(tf.float32, shape, name="g")
        ms_t = ms * 0.9 + tf.square(g) * 0.1
        return [ms, g], g * 1e-3 / tf.sqrt(ms_t + 1e-10)
    rng = np.random.default_rng(3)
    feeds = {"ms": np.abs(rng.normal(size=shape)).astype(F32),
             "g": rng.normal(size=shape).astype(F32)}
    return _graph_kernel(build, feeds, "g * lr / sqrt(ms * decay + g * g * rest + eps)",
                         lr=F32(1e-3), decay=F32(0.9), rest=F32(0.1), eps=F32(1e-10))


def kernels(quick: bool) -> None:
    number, repeat = (5, 3) if quick else (20, 7)
    cases = [("Adam update, W7's W1 (25x12288)", _adam((25, 12288))),
             ("Adam update, W3's W2 (512x512)", _adam((512, 512))),
             ("scale+shift+relu, W3 batch 256 (256x512)", _scale_shift_relu(256)),
             ("scale+shift+relu, W3 batch 2048 (2048x512)", _scale_shift_relu(2048)),
             ("relu grad * scale, W3 batch 2048", _relu_grad_scale(2048)),
             ("RMSProp update, W8's W1 (784x256)", _rmsprop((784, 256)))]
    print(f"{'kernel':45s} {'numpy':>9s} {'numexpr':>9s} {'numba':>9s} {'chunked':>9s}"
          "  (us per call)")
    for name, (with_numpy, with_numba, with_numexpr, with_chunked) in cases:
        times = [_time(f, number, repeat)
                 for f in (with_numpy, with_numexpr, with_numba, with_chunked)]
        print(f"{name:45s} " + " ".join(f"{t:9.1f}" for t in times))


def threshold(quick: bool) -> None:
    """Fused against plain at every size: the pass's own threshold lowered to one element.
    `relu(x * 2 + 1)` on a fed `x` writes a new array; on `x = exp(fed)` (a fresh array that
    dies there) the fused loop writes into x's memory."""
    plan_fusion.FUSE_MIN_ELEMENTS = 1
    sizes = [1 << k for k in range(8, 21, 2 if quick else 1)]
    print(f"{'elements':>9s} {'plain us':>9s} {'fused us':>9s} {'fused/plain':>11s}"
          f" {'in place: plain us':>19s} {'fused us':>9s} {'fused/plain':>11s}")
    for size in sizes:
        row = []
        for source in (lambda x: x, tf.exp):
            def build(source=source):
                x = tf.placeholder(tf.float32, [None, None], name="x")
                return [x], tf.nn.relu(source(x) * 2.0 + 1.0)
            feeds = {"x": np.random.default_rng(4).normal(size=(size // 256, 256)).astype(F32)}
            with_numpy, with_numba, _, _ = _graph_kernel(build, feeds, "x")
            number = max(5, min(2000, (1 << 22) // size))
            plain, fused = (_time(f, number, 3 if quick else 7) for f in (with_numpy, with_numba))
            row.append(f"{plain:9.1f} {fused:9.1f} {fused / plain:11.2f}")
        print(f"{size:9d} {row[0]} {' ' * 10}{row[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--part", choices=("all", "kernels", "threshold"), default="all")
    parser.add_argument("--compiled", choices=("numba", "c"), default="numba",
                        help="what runs the compiled loops of the numba column (MINIGRAPH_JIT)")
    args = parser.parse_args()
    global FUSED_JIT
    FUSED_JIT = args.compiled
    print(f"numpy {np.__version__}, numexpr {ne.__version__}, load {os.getloadavg()[0]:.2f}")
    if args.part in ("all", "kernels"):
        kernels(args.quick)
    if args.part in ("all", "threshold"):
        threshold(args.quick)
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
