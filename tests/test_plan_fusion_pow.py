"""Pow with a constant exponent 2 in element-wise groups (as x * x), and Sigmoid's kernel."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import compiled_kernels, executor, plan_passes
from minigraph.ops import math_ops

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (inf and NaN on purpose)


def _float32_sweep(step: int = 4099) -> np.ndarray:
    """Every `step`-th float32 bit pattern (both signs, subnormals, infinities and NaNs)."""
    return np.arange(0, 2**32, step, dtype=np.uint64).astype(np.uint32).view(np.float32)


def _types(fetches, feeds) -> list:
    plan = executor.compile_plan(fetches, [], feeds, executor.SessionState(),
                                 passes=plan_passes.ALL)
    return [step.op.type for step in plan.steps]


@pytest.fixture(params=["numba", "chunked", "plain"])
def kernels(request, monkeypatch):
    """numba's compiled loops (skipped without numba), numpy over blocks, the plain kernels."""
    if request.param == "numba" and not compiled_kernels.installed():
        pytest.skip("numba is not installed")
    monkeypatch.setenv("MINIGRAPH_JIT", {"numba": "numba", "chunked": "numpy",
                                         "plain": "0"}[request.param])
    return request.param


def test_pow_by_a_constant_two_joins_the_group_other_exponents_do_not():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    y = tf.placeholder(tf.float32, [None, 512], name="y")
    assert _types([tf.pow(x - y, 2.0) * 0.5], [x, y]) == ["FusedElementwise"]
    assert _types([tf.pow(x - y, [[2.0]]) * 0.5], [x, y]) == ["FusedElementwise"]
    for exponent in (3.0, 0.5, y):
        assert "Pow" in _types([tf.pow(x - y, exponent) * 0.5], [x, y])
    vector = tf.placeholder(tf.float32, [None], name="vector")
    # an exponent of higher rank broadcasts the output to a new shape: numpy's kernel
    assert "Pow" in _types([tf.pow(vector * 2.0, [[2.0]]) + 1.0], [vector])


def test_pow_two_in_a_group_is_bit_identical_to_numpy_power(kernels):
    values = _float32_sweep()
    values = values[: values.size // 512 * 512].reshape(-1, 512)
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    fetches = [tf.pow(x * 1.0, 2.0) + 0.0, tf.pow(x - 0.5, 2) * 3.0]
    feed = {x: values}
    with tf.Session() as sess:
        fused = [sess.run(fetches, feed) for _ in range(3)]
        (plan,) = sess._plans.values()
    assert "Pow" not in [step.op.type for step in plan.steps]
    with tf.Session(config=tf.ConfigProto(plan_rewrites=False)) as sess:
        plain = sess.run(fetches, feed)
    want = [np.power(values * np.float32(1), np.float32(2)) + np.float32(0),
            np.power(values - np.float32(0.5), np.float32(2)) * np.float32(3)]
    for run in fused:
        for got, same, expected in zip(run, plain, want):
            assert got.tobytes() == same.tobytes() == expected.tobytes()


def test_sigmoid_kernel_rounds_as_one_over_one_plus_exp_of_minus_x():
    values = _float32_sweep(997)
    with np.errstate(over="ignore", invalid="ignore"):
        want = np.float32(1) / (np.float32(1) + np.exp(-values))
    assert math_ops._sigmoid_kernel(values).tobytes() == want.tobytes()
    assert math_ops._sigmoid_kernel(values.reshape(-1, 7)).tobytes() == want.tobytes()
    for dtype in (np.float16, np.float64):
        x = np.linspace(-30, 30, 1001).astype(dtype)
        got = math_ops._sigmoid_kernel(x)
        assert got.dtype == dtype
        assert got.tobytes() == (dtype(1) / (dtype(1) + np.exp(-x))).tobytes()
    scalar = math_ops._sigmoid_kernel(np.float32(-1000.0))
    assert np.ndim(scalar) == 0 and scalar == 0 and scalar.dtype == np.float32
    assert math_ops._sigmoid_kernel(np.array(0.0, np.float32)) == np.float32(0.5)
