"""The chunked loops (numpy ufunc calls over blocks) against the loop's own source run element by
element by the Python interpreter on numpy scalars: the same IEEE operations, bit for bit."""

import numpy as np
import pytest

from minigraph import c_kernels, chunked_kernels, compiled_kernels
from minigraph.compiled_kernels import COLUMN, FULL, ROW, SCALAR, Loop
from minigraph.ops import training_ops

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (inf and NaN on purpose)
SPECIAL = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5, -1.5, 1e-45, -1e-45, 3.4e38,
                    -3.4e38, 1.0, -1.0, 0.5, 2.0], np.float32)


def _reference(loop: Loop, *args):
    """The loop's numba source run by Python itself (slow, exact: numpy scalars round as the
    compiled loop does)."""
    namespace = {"np": np}
    exec(loop.source(), namespace)
    namespace["kernel"](*args)


def _values(shape, seed: int, dtype=np.float32) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape).astype(dtype)
    flat = values.reshape(-1)
    k = min(flat.size, SPECIAL.size)
    flat[rng.choice(flat.size, k, replace=False)] = SPECIAL[:k].astype(dtype)
    return values


def _check(loop: Loop, operands: list, out_shape, n_outputs: int, dtype=np.float32):
    want = [np.full(out_shape, 7, dtype) for _ in range(n_outputs)]
    _reference(loop, *operands, *want)
    got = [np.full(out_shape, 7, dtype) for _ in range(n_outputs)]
    chunked_kernels.compile_loop(loop)(*operands, *got)
    for g, w in zip(got, want):
        assert g.tobytes() == w.tobytes()


BODIES = [
    ["t0 = (x0 * x1)", "t1 = (t0 + x2)", "t2 = (t1 if (t1 > zero or t1 != t1) else zero)"],
    ["t0 = (x0 / x1)", "t1 = (t0 - x2)", "t2 = (t1 if (t1 < x0 or t1 != t1) else x0)"],
    ["t0 = (x0 if x1 > zero else zero)", "t1 = (t0 * x2)", "t2 = np.sqrt((-t1))"],
    ["t0 = (x1 if (x0 >= x2 and x0 != x1) else x2)", "t1 = (t0 * t0)", "t2 = (t1 - x0)"],
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("size", [1, 1000, 2 * chunked_kernels.BLOCK + 7])
def test_rank_1_loops_match_the_loop_source(body, size):
    loop = Loop([("x0", FULL), ("x1", FULL), ("x2", SCALAR), ("zero", SCALAR)], body,
                [("o0", "t2"), ("o1", "t0")], 1)
    operands = [_values(size, 1), _values(size, 2), np.float32(0.75), np.float32(0)]
    _check(loop, operands, (size,), 2)


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("shape", [(3, 5), (70, 512), (2, chunked_kernels.BLOCK + 3)])
def test_rank_2_loops_with_rows_columns_and_strided_operands(body, shape):
    loop = Loop([("x0", FULL), ("x1", ROW), ("x2", COLUMN), ("zero", SCALAR)], body,
                [("o0", "t2"), ("o1", "t1")], 2)
    rows, cols = shape
    strided = _values((rows, 2 * cols), 3)[:, ::2]  # a column view, not contiguous
    operands = [strided, _values(cols, 4), _values(rows, 5), np.float32(0)]
    _check(loop, operands, shape, 2)


def test_a_select_whose_other_value_is_not_plus_zero_keeps_each_operand_bits():
    loop = Loop([("x0", FULL), ("x1", FULL), ("zero", SCALAR)],
                ["t0 = (x0 if x1 > zero else zero)"], [("o0", "t0")], 1)
    for zero in (np.float32(-0.0), np.float32(np.nan), np.float32(-2.5)):
        _check(loop, [_values(5000, 6), _values(5000, 7), zero], (5000,), 1)


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_other_float_dtypes(dtype):
    loop = Loop([("x0", FULL), ("x1", FULL), ("x2", SCALAR), ("zero", SCALAR)], BODIES[2],
                [("o0", "t2"), ("o1", "t0")], 1)
    operands = [_values(3000, 8, dtype), _values(3000, 9, dtype), dtype(1.25), dtype(0)]
    _check(loop, operands, (3000,), 2, dtype)


def test_outputs_written_into_their_inputs_memory_as_adam_does():
    n = 2 * chunked_kernels.BLOCK + 11
    start = [_values(n, 10 + i) for i in range(4)]
    start[2] = np.abs(start[2])
    scalars = [np.float32(x) for x in (0.9, 0.999, 0.1, 0.001, 1e-3, 1e-8)]
    want = [x.copy() for x in start]
    _reference(training_ops._ADAM_LOOP, *want, *scalars)  # (var, m, v written in place)
    got = [x.copy() for x in start]
    chunked_kernels.compile_loop(training_ops._ADAM_LOOP)(*got, *scalars)
    for g, w in zip(got, want):
        assert g.tobytes() == w.tobytes()


def test_an_output_that_is_an_input_read_later_gets_the_values_read_first():
    # o0 is x1's memory, and x1 is read after o0's value is known
    loop = Loop([("x0", FULL), ("x1", FULL)], ["t0 = (x0 + x0)", "t1 = (t0 * x1)", "t2 = x1"],
                [("o0", "t0"), ("o1", "t1"), ("o2", "t2")], 1)
    x0, x1 = _values(40000, 12), _values(40000, 13)
    want = [np.empty_like(x0) for _ in range(3)]
    _reference(loop, x0, x1.copy(), *want)
    shared = x1.copy()
    outs = [shared, np.empty_like(x0), np.empty_like(x0)]
    chunked_kernels.compile_loop(loop)(x0, shared, *outs)
    for g, w in zip(outs, want):
        assert g.tobytes() == w.tobytes()


def test_a_sum_of_many_operands_as_add_n_writes_it():
    n = 2000  # (deeper than the recursion limit, were it lowered recursively)
    loop = Loop([(f"x{i}", FULL) for i in range(n)],
                ["t = (" + " + ".join(f"x{i}" for i in range(n)) + ")"], [("out", "t")], 1)
    operands = [np.full(5, i, np.float32) for i in range(n)]
    out = np.empty(5, np.float32)
    chunked_kernels.compile_loop(loop)(*operands, out)
    want = operands[0]
    for x in operands[1:]:
        want = want + x
    assert out.tobytes() == want.tobytes()


def test_literal_numbers_and_other_calls_are_refused_with_the_reason():
    for body in (["t = (a * 2.0)"], ["t = abs(a)"], ["t = np.isnan(a)"]):
        loop = Loop([("a", FULL)], body, [("out", "t")], 1)
        with pytest.raises(ValueError, match="cannot evaluate"):
            chunked_kernels.kernel_source(loop)
    with pytest.raises(ValueError, match="neither an operand nor a local"):
        chunked_kernels.kernel_source(Loop([("a", FULL)], ["t = (a * b)"], [("out", "t")], 1))


def test_the_backend_setting(monkeypatch):
    for setting, backend in (("0", ""), ("off", ""), ("numpy", "numpy")):
        monkeypatch.setenv("MINIGRAPH_JIT", setting)
        assert compiled_kernels.backend() == backend
    for setting in ("numba", "1"):
        monkeypatch.setenv("MINIGRAPH_JIT", setting)
        assert compiled_kernels.backend() == ("numba" if compiled_kernels.installed()
                                              else "numpy")
    monkeypatch.delenv("MINIGRAPH_JIT")
    assert compiled_kernels.DEFAULT_BACKEND == "c"  # (C, else numba, else the blocks)
    assert compiled_kernels.backend() == ("c" if c_kernels.usable() else "numba"
                                          if compiled_kernels.installed() else "numpy")
