"""Compiled loops whose outputs are their inputs' arrays: written through those inputs (so that
LLVM's vectorized loop runs, see `compiled_kernels.Loop.source`), with the bits of numpy's
kernels; fused steps of small run-time arrays once numba is loaded; float16 kept on numpy."""

import gc

import numpy as np
import pytest

import minigraph as tf
from minigraph import compiled_kernels, plan_fusion
from minigraph.compiled_kernels import FULL, SCALAR, Loop


def test_an_output_named_as_an_operand_is_written_through_it():
    loop = Loop([("a", FULL), ("b", SCALAR)], ["t = (a * b)"], [("a", "t"), ("out", "t")], 1)
    source = loop.source()
    assert source.startswith("def kernel(a, b, out):")
    assert "        a[i] = t\n" in source and "        out[i] = t\n" in source
    if not compiled_kernels.installed():
        pytest.skip("numba is not installed")
    a, out = np.arange(5, dtype=np.float32), np.empty(5, np.float32)
    compiled_kernels.compile_loop(loop)(a, np.float32(3), out)
    np.testing.assert_array_equal(a, np.arange(5, dtype=np.float32) * 3)
    np.testing.assert_array_equal(out, a)


def _runs():
    return [o for o in gc.get_objects() if isinstance(o, plan_fusion._CompiledRun)]


def _chain(rows):
    """A fused chain on a fresh (exp) array that dies at it, and its numpy reference."""
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    e = tf.exp(x)
    y = tf.nn.relu((e * 2.0 - 3.0) * e)
    value = np.random.default_rng(rows).normal(size=(rows, 512)).astype(np.float32)
    e_np = np.exp(value)
    want = np.maximum((e_np * np.float32(2) - np.float32(3)) * e_np, np.float32(0))
    return x, y, value, want


@pytest.mark.parametrize("jit", ["c", "numba", "numpy"])
def test_a_fused_step_writes_into_its_dying_input_through_that_input(jit, monkeypatch):
    monkeypatch.setenv("MINIGRAPH_JIT", jit)
    if compiled_kernels.backend() != jit or not compiled_kernels.available():
        pytest.skip(f"{jit} is not available")
    x, y, value, want = _chain(64)
    with tf.Session() as sess:
        for _ in range(3):
            got = sess.run(y, {x: value})
            assert got.tobytes() == want.tobytes()
        runs = [run for run in _runs() if run.kernel.members[0].op.graph is y.graph]
        assert runs
        written = {w for run in runs for w in run.functions}
        assert (0,) in written  # output 0 went into input 0's array
        for run in runs:
            source = run.kernel.loop(run.codes, len(run.sizes), (0,)).source()
            assert source.startswith("def kernel(x0, x1, x2, zero):")  # no output argument
            assert "        x0[i] = t3\n" in source


def test_small_fused_steps_use_their_loops_once_numba_is_loaded(monkeypatch):
    monkeypatch.setenv("MINIGRAPH_JIT", "numba")
    if compiled_kernels.backend() != "numba" or not compiled_kernels.available():  # (loads it)
        pytest.skip("numba is not installed")
    x, y, value, want = _chain(2)  # 1,024 elements, below FUSE_MIN_ELEMENTS
    with tf.Session() as sess:
        for _ in range(3):
            assert sess.run(y, {x: value}).tobytes() == want.tobytes()
        assert [run.shape for run in _runs()
                if run.kernel.members[0].op.graph is y.graph] == [(2, 512)]


@pytest.mark.parametrize("optimizer", [
    lambda: tf.train.GradientDescentOptimizer(0.1),
    lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
    lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
    lambda: tf.train.AdamOptimizer(0.01),
])
@pytest.mark.parametrize("jit", ["c", "numba", "numpy"])
def test_float16_updates_run_numpys_passes(optimizer, jit, monkeypatch):
    def train(jit):
        monkeypatch.setenv("MINIGRAPH_JIT", jit)
        with tf.Graph().as_default():
            w = tf.Variable(np.linspace(-1, 1, 160 * 128).reshape(160, 128).astype(np.float16))
            step = optimizer().minimize(tf.reduce_sum(w * w))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(2):
                    sess.run(step)
                return sess.run(w)
    got, want = train(jit), train("0")
    assert got.dtype == np.float16
    assert got.tobytes() == want.tobytes()
