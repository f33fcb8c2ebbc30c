"""The convolutional course's TensorFlow assignment (demos/convolutional_digits.py) runs and learns.

Runs the demo's `main(quick=True)` in-process: the notebook's cells print TF1's reprs
(`Placeholder:0` with `?` for the batch), the Xavier-initialized filters stay within Glorot's
limit for conv kernels (fans include the 4x4 window), the cost goes down, the accuracy is far
above the 1/6 of chance, the trained filters come back as arrays of the assignment's shapes,
and the pictures are written.
"""

import importlib.util
import pathlib
import re

import numpy as np
import pytest

DEMO = pathlib.Path(__file__).resolve().parent.parent / "demos" / "convolutional_digits.py"


def _load_demo():
    spec = importlib.util.spec_from_file_location("convolutional_digits", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _array_after(lines, prefix):
    """The numbers of the (possibly multi-line) numpy array printed after `prefix`."""
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            text, j = line[len(prefix):], i + 1
            while text.count("[") > text.count("]"):
                text += " " + lines[j]
                j += 1
            return np.array([float(v) for v in re.findall(r"-?\d+\.\d*(?:e-?\d+)?", text)])
    raise AssertionError(f"no line starts with {prefix!r}")


@pytest.mark.slow
def test_the_assignment_trains_on_the_digits(tmp_path, capsys):
    parameters = _load_demo().main(quick=True, outdir=str(tmp_path))
    lines = capsys.readouterr().out.splitlines()

    assert "X_train shape: (903, 64, 64, 3)" in lines and "Y_test shape: (180, 6)" in lines
    assert 'X = Tensor("Placeholder:0", shape=(?, 64, 64, 3), dtype=float32)' in lines
    assert 'Y = Tensor("Placeholder_1:0", shape=(?, 6), dtype=float32)' in lines
    w1, w2 = _array_after(lines, "W1 = "), _array_after(lines, "W2 = ")
    assert w1.shape == (8,) and w2.shape == (16,)
    assert np.abs(w1).max() <= np.sqrt(6.0 / (4 * 4 * 3 + 4 * 4 * 8))
    assert np.abs(w2).max() <= np.sqrt(6.0 / (2 * 2 * 8 + 2 * 2 * 16))
    assert _array_after(lines, "Z3 = ").shape == (12,)
    assert np.isfinite(float(next(x for x in lines if x.startswith("cost = "))[7:]))

    costs = [float(m.group(1)) for m in map(re.compile(r"Cost after epoch \d+: (\S+)").match,
                                             lines) if m]
    assert len(costs) == 2 and costs[1] < 0.8 * costs[0], costs
    assert 'Tensor("Mean_1:0", shape=(), dtype=float32)' in lines
    train = float(next(x for x in lines if x.startswith("Train Accuracy:")).split()[-1])
    test = float(next(x for x in lines if x.startswith("Test Accuracy:")).split()[-1])
    assert train > 0.6 and test > 0.5, (train, test)

    assert parameters["W1"].shape == (4, 4, 3, 8) and parameters["W2"].shape == (2, 2, 8, 16)
    assert parameters["W1"].dtype == np.float32
    for name in ("conv_cost.png", "conv_filters.png", "conv_feature_maps.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_feature_maps_follow_the_assignment_shapes():
    demo = _load_demo()
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((4, 4, 3, 8)).astype(np.float32),
                  "W2": rng.standard_normal((2, 2, 8, 16)).astype(np.float32)}
    maps = demo.feature_maps(rng.random((64, 64, 3)), parameters)
    assert {k: v.shape for k, v in maps.items()} == {
        "A1": (64, 64, 8), "P1": (8, 8, 8), "A2": (8, 8, 16), "P2": (2, 2, 16)}
    np.testing.assert_array_equal(maps["P2"], maps["A2"].reshape(2, 4, 2, 4, 16).max(axis=(1, 3)))
