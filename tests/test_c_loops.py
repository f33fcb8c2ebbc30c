"""The C loops (`minigraph.c_kernels`) against the numpy blocks (`chunked_kernels`, the
reference), bit for bit (NaN for NaN): every loop of the optimizer updates, every op's fusion
template, the fused groups of real training graphs, on float32 and float64 values with NaN,
infinities, signed zeros and subnormals, both ranks, rows, columns, scalars and outputs written
in place; and what happens without a compiler, with an unwritable cache or a statement the
translation does not know (the loop runs as numpy blocks, nothing is raised)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import minigraph as tf
from minigraph import c_kernels, chunked_kernels, compiled_kernels, executor, plan_passes
from minigraph.compiled_kernels import COLUMN, FULL, ROW, SCALAR, Loop
from minigraph.ops import training_ops
from minigraph.plan_fusion import FusedKernel
from minigraph.registry import get_op_def, registered_op_types

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),  # (inf and NaN on purpose)
    pytest.mark.skipif(not c_kernels.usable(), reason="no C compiler"),
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTYPES = [np.float32, np.float64]


def _special(dtype) -> np.ndarray:
    info = np.finfo(dtype)
    return np.array([0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1.5, -1.5, info.tiny / 4,
                     -info.tiny / 4, info.smallest_subnormal, info.max, -info.max, 1.0, -1.0,
                     0.5, 2.0, info.tiny], dtype)


def _values(shape, seed: int, dtype) -> np.ndarray:
    """Normal values with every special value at random places (a third of them special)."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape).astype(dtype)
    flat = values.reshape(-1)
    special = _special(dtype)
    picks = rng.choice(flat.size, flat.size // 3, replace=False) if flat.size > 2 else []
    flat[picks] = special[rng.integers(0, special.size, len(picks))]
    return values


def _scalar(seed: int, dtype):
    values = np.concatenate([_special(dtype), np.array([0.75, -3.0, 1e-3], dtype)])
    return dtype(values[seed % values.size])


def _compare(loop: Loop, operands: list, out_shape, dtype) -> None:
    """Runs `loop` on copies of `operands` (and fresh outputs) as C and as numpy blocks, and
    compares every written array's bits."""
    names = [name for name, _ in loop.operands]
    outputs = [name for name, _ in loop.stores if name not in names]
    runs = []
    for compile_loop in (chunked_kernels.compile_loop, c_kernels.compile_loop):
        args = [x.copy() if isinstance(x, np.ndarray) else x for x in operands]
        outs = [np.full(out_shape, 7, dtype) for _ in outputs]
        compile_loop(loop)(*args, *outs)
        runs.append([a for a in args if isinstance(a, np.ndarray)] + outs)
    for want, got in zip(*runs):
        assert _same_bits(got, want)


def _same_bits(got: np.ndarray, want: np.ndarray) -> bool:
    """Whether `got` has `want`'s bits, but for which NaN comes out where one is: where two NaN
    operands meet, IEEE 754 leaves open whose sign and payload the result keeps, and the
    compiler may swap the operands of `+` and `*` (numba's loops differ there too)."""
    if got.dtype != want.dtype or got.shape != want.shape:
        return False
    nan = np.isnan(want)
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[want.itemsize]
    return (np.array_equal(nan, np.isnan(got))
            and np.array_equal(got.view(bits)[~nan], want.view(bits)[~nan]))


def _operands(loop: Loop, shape, dtype, seed: int = 0) -> list:
    sizes = {FULL: shape, ROW: shape[-1:], COLUMN: shape[:1]}
    return [_scalar(seed + k, dtype) if layout == SCALAR else
            _values(sizes[layout], seed + k, dtype) for k, (_, layout) in enumerate(loop.operands)]


def _in_c(loop: Loop, dtype) -> bool:
    """Whether `loop` runs in C (not as numpy blocks) for `dtype`."""
    return c_kernels._entry(loop, "float" if dtype == np.float32 else "double") is not None


# ---------------------------------------------------------------- the codebase's loops
OPTIMIZER_LOOPS = {
    "adam": training_ops._ADAM_LOOP,
    "gradient_descent": training_ops._GradientDescentUpdate._loop,
    "momentum": training_ops._MomentumUpdate._loops[False],
    "nesterov": training_ops._MomentumUpdate._loops[True],
    "rmsprop": training_ops._RMSPropUpdate._loop,
    "centered_rmsprop": training_ops._CenteredRMSPropUpdate._loop,
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", [1, 64, 1001, 40000])
@pytest.mark.parametrize("name", sorted(OPTIMIZER_LOOPS))
def test_optimizer_updates_written_in_place(name, size, dtype):
    loop = OPTIMIZER_LOOPS[name]
    assert _in_c(loop, dtype)
    for seed in range(3):
        _compare(loop, _operands(loop, (size,), dtype, seed), (size,), dtype)


def _templates() -> list:
    """(op type, template) for every element-wise op, Pow's and AddN's for their cases."""
    found = []
    for op_type in registered_op_types():
        fact = get_op_def(op_type).elementwise
        if isinstance(fact, str):
            found.append((op_type, fact))
        elif fact is not None:
            found.append((op_type, None))
    return found


def test_every_templated_op_is_covered():
    assert {op for op, _ in _templates()} >= {"Add", "Sub", "Mul", "RealDiv", "Neg", "Square",
                                              "Sqrt", "Maximum", "Minimum", "Relu", "ReluGrad",
                                              "Pow", "AddN", "SquaredDifference"}


def _template_loops() -> list:
    loops = []
    for op_type, template in _templates():
        if template is None:  # (Pow of 2 and AddN: what their functions give)
            template = {"Pow": "({0} * {0})",
                        "AddN": "(({0} + {1}) + {2})"}.get(op_type)
            if template is None:
                continue
        loops.append((op_type, template))
    return loops


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op_type,template", _template_loops())
def test_every_fusion_template_in_both_ranks_and_every_layout(op_type, template, dtype):
    body = ["t0 = " + template.format("x0", "x1", "x2", zero="zero")]
    for rank, layouts in ((1, [FULL, FULL, SCALAR]), (2, [FULL, ROW, COLUMN]),
                          (2, [ROW, COLUMN, FULL]), (2, [SCALAR, FULL, ROW])):
        loop = Loop([("x0", layouts[0]), ("x1", layouts[1]), ("x2", layouts[2]),
                     ("zero", SCALAR)], body, [("o0", "t0")], rank)
        shape = (5000,) if rank == 1 else (37, 129)
        assert _in_c(loop, dtype)
        for seed in range(2):
            _compare(loop, _operands(loop, shape, dtype, seed), shape, dtype)


def test_selects_keep_each_operands_bits_whatever_the_other_value():
    loop = Loop([("x0", FULL), ("x1", FULL), ("zero", SCALAR)],
                ["t0 = (x0 if x1 > zero else zero)",
                 "t1 = (x0 if (not (x0 >= x1) and x1 == x1) else x1)"],
                [("o0", "t0"), ("o1", "t1")], 1)
    for zero in (-0.0, np.nan, -2.5, 0.0):
        _compare(loop, [_values(3000, 6, np.float32), _values(3000, 7, np.float32),
                        np.float32(zero)], (3000,), np.float32)


def _training_graph(dtype):
    """A batch-normalized ReLU network trained with Adam (and an RMSProp head): the fused groups
    of a real training step."""
    rng = np.random.default_rng(5)
    x = tf.placeholder(dtype, [None, 128], name="x")
    w = tf.Variable(rng.normal(size=(128, 128)).astype(dtype) * 0.1)
    v = tf.Variable(rng.normal(size=(128, 128)).astype(dtype) * 0.1)
    h = tf.layers.batch_normalization(tf.matmul(x, w), training=True)
    z = tf.nn.relu(h * 1.5 + 0.25) - tf.sqrt(tf.square(h) + 1.0)
    loss = tf.reduce_mean(tf.square(tf.matmul(z, v) - x))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(1e-2).minimize(loss, var_list=[w])
    train_v = tf.train.RMSPropOptimizer(1e-2).minimize(loss, var_list=[v])
    return x, [train, train_v, loss]


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_fused_groups_of_a_training_graph(dtype):
    with tf.Graph().as_default():
        x, fetches = _training_graph(dtype)
        plan = executor.compile_plan(fetches[-1:], fetches[:-1], [x], executor.SessionState(),
                                     passes=plan_passes.ALL)
    kernels = [step.kernel for step in plan.steps if isinstance(step.kernel, FusedKernel)]
    assert len(kernels) >= 3
    for n, kernel in enumerate(kernels):
        count = len(kernel.inputs)
        for rank, layouts in ((1, [FULL] * count), (2, [FULL] * count),
                              (2, [(FULL, ROW, COLUMN, SCALAR)[k % 4] for k in range(count)])):
            loop = kernel.loop(layouts, rank)
            shape = (4099,) if rank == 1 else (64, 128)
            assert _in_c(loop, dtype)
            _compare(loop, _operands(loop, shape, dtype, n), shape, dtype)
        written = (0,) if layouts[0] == FULL else ()  # (output 0 into input 0's memory)
        loop = kernel.loop(layouts, 2, written)
        _compare(loop, _operands(loop, (64, 128), dtype, n), (64, 128), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_training_with_c_loops_gives_the_plain_plans_bits(dtype, monkeypatch):
    def train(jit):
        monkeypatch.setenv("MINIGRAPH_JIT", jit)
        with tf.Graph().as_default():
            x, fetches = _training_graph(dtype)
            feed = {x: np.random.default_rng(3).normal(size=(256, 128)).astype(dtype)}
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                losses = [sess.run(fetches, feed)[-1] for _ in range(4)]
                weights = sess.run(tf.trainable_variables())
        return [np.asarray(v).tobytes() for v in losses + weights]

    losses_and_weights = train("c")
    assert losses_and_weights == train("numpy") == train("0")
    assert len(set(losses_and_weights[:4])) == 4  # (it trains: four different losses)


# ---------------------------------------------------------------- arguments the entry refuses
def test_arguments_the_entry_does_not_take_run_as_numpy_blocks():
    loop = Loop([("x0", FULL), ("x1", ROW), ("zero", SCALAR)],
                ["t0 = ((x0 * x1) + zero)"], [("o0", "t0")], 2)
    kernel = c_kernels.compile_loop(loop)
    x0, x1 = _values((40, 64), 1, np.float32), _values(64, 2, np.float32)
    cases = [
        (x0[:, ::2], x1[::2], np.empty((40, 32), np.float32)),  # not contiguous
        (x0, x1, np.empty((64, 40), np.float32).T),  # a transposed output
        (x0.astype(np.float16), x1.astype(np.float16), np.empty((40, 64), np.float16)),
        (x0, x1.astype(">f4"), np.empty((40, 64), np.float32)),  # another descriptor
    ]
    for a, b, out in cases:
        want = np.empty_like(out)
        chunked_kernels.compile_loop(loop)(a, b, out.dtype.type(0), want)
        kernel(a, b, out.dtype.type(0), out)
        assert _same_bits(out, want)
    for zero in (0.0, np.float64(0.5), np.array(0.25, np.float32), 1):  # other scalar types
        out, want = np.empty((40, 64), np.float32), np.empty((40, 64), np.float32)
        chunked_kernels.compile_loop(loop)(x0, x1, zero, want)
        kernel(x0, x1, zero, out)
        assert _same_bits(out, want)
    for zero in (0.5, np.float64(0.5)):  # (a float is a double loop's scalar)
        out, want = (np.empty((40, 64)) for _ in range(2))
        chunked_kernels.compile_loop(loop)(x0.astype(float), x1.astype(float), zero, want)
        kernel(x0.astype(float), x1.astype(float), zero, out)
        assert _same_bits(out, want)
    frozen = np.empty((40, 64), np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        kernel(x0, x1, np.float32(0), frozen)
    with pytest.raises(ValueError):
        kernel(x0, x1[:10], np.float32(0), np.empty((40, 64), np.float32))


def test_overlapping_arrays_get_sequential_semantics():
    loop = Loop([("x0", FULL), ("x1", FULL)], ["t0 = (x0 + x1)"], [("x0", "t0")], 1)
    kernel = c_kernels.compile_loop(loop)
    base = np.arange(100, dtype=np.float64)
    want = base.copy()
    for i in range(99):  # (x0 = base[1:], x1 = base[:-1]: each sum reads the previous one)
        want[i + 1] = want[i + 1] + want[i]
    kernel(base[1:], base[:-1])
    assert base.tobytes() == want.tobytes()
    same = np.arange(50, dtype=np.float32)
    kernel(same, same)
    assert same.tolist() == [2.0 * k for k in range(50)]


def test_a_sum_of_many_operands():
    n = 300  # (above MAX_ARGUMENTS: numpy blocks; and within it, deeper than parentheses go)
    for count in (n, c_kernels.MAX_ARGUMENTS - 1):
        loop = Loop([(f"x{i}", FULL) for i in range(count)],
                    ["t = (" + " + ".join(f"x{i}" for i in range(count)) + ")"],
                    [("out", "t")], 1)
        assert _in_c(loop, np.float32) == (count < c_kernels.MAX_ARGUMENTS)
        _compare(loop, [np.full(5, i * 0.1, np.float32) for i in range(count)], (5,), np.float32)


@pytest.mark.parametrize("body", [["t = (a * 2.0)"], ["t = abs(a)"], ["t = np.exp(a)"],
                                  ["t = (a > a)"], ["t = ((a > a) + a)"], ["a = (a + a)"],
                                  ["t = (a and a)"], ["t = (a < a < a)"], ["t = b"],
                                  ["t = (a if a else a)"], ["t, u = a, a"], ["t = (a +"]])
def test_statements_the_translation_does_not_know_are_refused_and_run_as_blocks(body):
    loop = Loop([("a", FULL)], body, [("out", "t")], 1)
    with pytest.raises(ValueError):
        c_kernels.c_source(loop, "float")
    if body in (["t = np.exp(a)"],):  # (numpy blocks do these)
        _compare(loop, [_values(100, 1, np.float32)], (100,), np.float32)
        assert any("np.exp" in reason for reason in c_kernels.failures().values())


def test_a_compiler_error_is_remembered_and_the_loop_runs_as_blocks(monkeypatch, tmp_path):
    monkeypatch.setenv("MINIGRAPH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(c_kernels, "FLAGS", c_kernels.FLAGS + ("-fno-such-flag-anywhere",))
    monkeypatch.setattr(c_kernels, "_libraries", {})
    monkeypatch.setattr(c_kernels, "_wrappers", {})
    monkeypatch.setattr(c_kernels, "_failures", {})
    loop = Loop([("x0", FULL)], ["t = ((x0 * x0) - x0)"], [("out", "t")], 1)
    x = _values(1000, 4, np.float32)
    for _ in range(2):
        out = np.empty_like(x)
        c_kernels.compile_loop(loop)(x, out)
        assert out.tobytes() == (x * x - x).tobytes()
    (reason,) = c_kernels.failures().values()
    assert "the compiler failed" in reason and "no-such-flag" in reason
    assert not list(tmp_path.rglob("*.so"))


def test_a_compiler_refusing_the_native_flag_builds_without_it(monkeypatch, tmp_path):
    monkeypatch.setenv("MINIGRAPH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(c_kernels, "NATIVE", ("-fno-such-native-flag",))
    monkeypatch.setattr(c_kernels, "_state", dict(c_kernels._state))
    monkeypatch.setattr(c_kernels, "_failures", {})
    loop = Loop([("x0", FULL)], ["t = ((x0 + x0) * x0)"], [("out", "t")], 1)
    assert _in_c(loop, np.float32) and _in_c(loop, np.float64)
    assert c_kernels.failures() == {} and len(list(tmp_path.rglob("*.so"))) == 2
    if c_kernels._cpu_flags():
        assert c_kernels._state["native"] is False


# ---------------------------------------------------------------- processes: compiler, cache
_RUN = (
    "import sys, numpy as np, minigraph as tf\n"
    "from minigraph import c_kernels, compiled_kernels\n"
    "x = tf.placeholder(tf.float32, [None, 512])\n"
    "y = tf.nn.relu(x * 2.0 + 1.0)\n"
    "with tf.Session() as sess:\n"
    "    out = [sess.run(y, {x: np.full((64, 512), v)}) for v in (1.0, -2.0, 0.5)]\n"
    "print(compiled_kernels.backend(), sys.modules.get('numba') is not None,\n"
    "      compiled_kernels.loaded(),\n"
    "      [float(o[0, 0]) for o in out], len(c_kernels.failures()))\n"
)


def _python(code: str, cwd, **env) -> list:
    environment = dict(os.environ, PYTHONPATH=ROOT, **env)
    environment.pop("MINIGRAPH_JIT", None)
    environment.update(env)
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environment,
                          capture_output=True, text=True, check=True)
    assert "Traceback" not in done.stderr
    return done.stdout.strip().split(maxsplit=3)


@pytest.mark.slow
def test_a_cached_library_is_built_once_outside_the_working_directory(tmp_path):
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    first = _python(_RUN, work, MINIGRAPH_JIT="c", MINIGRAPH_CACHE_DIR=str(cache))
    assert first == ["c", "False", "True", "[3.0, 0.0, 2.0] 0"]
    libraries = sorted(p.name for p in cache.rglob("*.so"))
    assert len(libraries) == 1 and list(work.iterdir()) == []
    again = _python(_RUN, work, MINIGRAPH_JIT="c", MINIGRAPH_CACHE_DIR=str(cache))
    assert again == first and sorted(p.name for p in cache.rglob("*")) == ["c"] + libraries


@pytest.mark.slow
def test_an_unwritable_cache_directory_builds_in_a_temporary_one(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        if os.access(cache, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        out = _python(_RUN, tmp_path, MINIGRAPH_JIT="c", MINIGRAPH_CACHE_DIR=str(cache))
    finally:
        cache.chmod(0o700)
    assert out == ["c", "False", "True", "[3.0, 0.0, 2.0] 0"]
    assert list(cache.iterdir()) == []


@pytest.mark.slow
def test_a_cache_path_that_cannot_be_a_directory_builds_in_a_temporary_one(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = _python(_RUN, tmp_path, MINIGRAPH_JIT="c", MINIGRAPH_CACHE_DIR=str(blocker / "x"))
    assert out == ["c", "False", "True", "[3.0, 0.0, 2.0] 0"]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["CC", "PATH"])
def test_without_a_compiler_the_loops_fall_back_without_an_error(tmp_path, how):
    env = ({"CC": "/nonexistent/cc"} if how == "CC"
           else {"PATH": str(tmp_path), "CC": ""})  # (a PATH with no cc on it)
    hidden = "import sys\nsys.modules['numba'] = None\n" + _RUN
    out = _python(hidden, tmp_path, MINIGRAPH_JIT="c", MINIGRAPH_CACHE_DIR=str(tmp_path), **env)
    assert out == ["numpy", "False", "False", "[3.0, 0.0, 2.0] 0"]
    if compiled_kernels.installed():
        out = _python(_RUN, tmp_path, MINIGRAPH_JIT="c", MINIGRAPH_CACHE_DIR=str(tmp_path),
                      **env)
        assert out == ["numba", "True", "True", "[3.0, 0.0, 2.0] 0"]
    assert not list(tmp_path.rglob("*.so"))


def test_the_backend_setting(monkeypatch):
    monkeypatch.setenv("MINIGRAPH_JIT", "c")
    assert compiled_kernels.backend() == "c" and compiled_kernels.available()
    monkeypatch.setenv("CC", "/nonexistent/cc")
    assert compiled_kernels.backend() == ("numba" if compiled_kernels.installed() else "numpy")
    monkeypatch.delenv("CC")
    monkeypatch.setenv("MINIGRAPH_JIT", "numpy")
    assert compiled_kernels.backend() == "numpy"
