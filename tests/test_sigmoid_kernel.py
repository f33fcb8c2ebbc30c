"""Sigmoid's kernel: numpy's `+= 1` and `reciprocal` as one compiled loop on large arrays
gives numpy's passes' bits (`minigraph.ops.math_ops.SIGMOID_LOOP_MIN`), every float32 bit
pattern sampled, NaN, inf and -0 included; small, non-contiguous and float16 inputs keep the
passes."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import compiled_kernels
from minigraph.ops import math_ops


def _numpy_sigmoid(x):
    """The kernel's numpy passes: 1 / (1 + exp(-x))."""
    with np.errstate(over="ignore"):
        denominator = np.exp(-x)
    denominator += 1
    return np.reciprocal(denominator)


@pytest.fixture(params=["numba", "numpy"])
def jit(request, monkeypatch):
    monkeypatch.setenv("MINIGRAPH_JIT", request.param)
    if compiled_kernels.backend() != request.param or not compiled_kernels.available():
        pytest.skip("numba is not installed")
    monkeypatch.setattr(math_ops, "_sigmoid_tails", {})  # (chosen again for this backend)
    return request.param


def _bit_patterns():
    """Every 97th float32 bit pattern (NaNs, infs, subnormals and both zeros among them)."""
    bits = np.arange(0, 1 << 32, 97, dtype=np.uint64).astype(np.uint32)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 88.7, -88.7, -89.0, 1e-45],
                       np.float32)
    return np.concatenate([bits.view(np.float32), special])


def test_the_loop_gives_the_passes_bits_on_every_sampled_float32(jit):
    x = _bit_patterns()
    assert x.size >= math_ops.SIGMOID_LOOP_MIN
    calls = []
    compile_loop = compiled_kernels.compile_loop
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled_kernels, "compile_loop",
                      lambda loop: calls.append(loop) or compile_loop(loop))
        with np.errstate(invalid="ignore"):  # (numpy's exp on signalling NaNs)
            got = math_ops._sigmoid_kernel(x)
    assert calls == [math_ops._SIGMOID_TAIL]
    with np.errstate(invalid="ignore"):
        expected = _numpy_sigmoid(x)
    assert got.dtype == np.float32 and got.tobytes() == expected.tobytes()


def test_float64_and_a_2d_batch_give_the_passes_bits(jit):
    rng = np.random.default_rng(0)
    for x in (rng.standard_normal(1 << 16) * 40, rng.standard_normal((128, 784)) * 10):
        for dtype in (np.float64, np.float32):
            value = x.astype(dtype)
            got = math_ops._sigmoid_kernel(value)
            assert got.shape == value.shape and got.dtype == dtype
            assert got.tobytes() == _numpy_sigmoid(value).tobytes()


def test_small_non_contiguous_and_float16_inputs_keep_the_passes(jit, monkeypatch):
    monkeypatch.setattr(math_ops, "_SIGMOID_TAIL", None)  # the loop would fail if used
    rng = np.random.default_rng(1)
    small = rng.standard_normal(math_ops.SIGMOID_LOOP_MIN - 1).astype(np.float32)
    transposed = rng.standard_normal((784, 128)).astype(np.float32).T
    half = rng.standard_normal(1 << 16).astype(np.float16)
    for x in (small, transposed, half):
        got = math_ops._sigmoid_kernel(x)
        assert got.tobytes() == _numpy_sigmoid(x).tobytes() and got.shape == x.shape


def test_a_sigmoid_in_a_graph_matches_the_plain_plan(jit):
    x = np.random.default_rng(2).standard_normal((64, 784)).astype(np.float32) * 8
    results = []
    for config in (None, tf.ConfigProto(plan_rewrites=False)):
        with tf.Graph().as_default():
            y = tf.sigmoid(tf.constant(x) * 2.0)
            with tf.Session(config=config) as sess:
                results.append(sess.run(y))
    assert results[0].tobytes() == results[1].tobytes()
    assert results[0].tobytes() == _numpy_sigmoid(x * np.float32(2)).tobytes()
