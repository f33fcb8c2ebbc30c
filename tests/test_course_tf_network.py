"""The course's TensorFlow assignment (demos/course_tf_network.py) prints what TF1 prints.

Runs the demo's `main(quick=True)` in-process and checks its output line by line: the reprs of
tensors and variables (TF1's names, `?` for unknown dims), the warm-up values against numpy,
the training cost decreasing, and accuracy far above the 1/6 of chance.
"""

import importlib.util
import pathlib
import re

import numpy as np

DEMO = pathlib.Path(__file__).resolve().parent.parent / "demos" / "course_tf_network.py"


def _load_demo():
    spec = importlib.util.spec_from_file_location("course_tf_network", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _value_after(lines, prefix):
    """The text after `prefix` on the first line that starts with it (joined with the lines of
    a multi-line numpy array)."""
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            text = line[len(prefix):]
            j = i + 1
            while text.count("[") > text.count("]"):
                text += "\n" + lines[j]
                j += 1
            return text
    raise AssertionError(f"no line starts with {prefix!r}")


def _numbers(text):
    return np.array([float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text)])


def test_course_program_prints_what_tf1_prints(tmp_path, capsys):
    parameters = _load_demo().main(quick=True, outdir=str(tmp_path))
    lines = capsys.readouterr().out.splitlines()

    # warm-up cells
    assert lines[:4] == ["9", 'Tensor("Mul:0", shape=(), dtype=int32)', "20", "6"]
    np.random.seed(1)
    x, w, b = np.random.randn(3, 1), np.random.randn(4, 3), np.random.randn(4, 1)
    assert _value_after(lines, "result = ") == str(np.matmul(w, x) + b)
    assert _value_after(lines, "sigmoid(0) = ") == "0.5"
    assert abs(float(_value_after(lines, "sigmoid(12) = ")) - 1 / (1 + np.exp(-12))) < 1e-7
    z = 1 / (1 + np.exp(-np.array([0.2, 0.4, 0.7, 0.9])))
    labels = np.array([0, 0, 1, 1])
    want = -labels * np.log(1 / (1 + np.exp(-z))) - (1 - labels) * np.log(1 - 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(_numbers(_value_after(lines, "cost = [")), want, rtol=1e-6)
    assert _value_after(lines, "one_hot = ") == str(np.eye(4)[[1, 2, 3, 0, 2, 1]].T)
    assert _value_after(lines, "ones = ") == "[1. 1. 1.]"

    # the network's tensors, printed as TF1 prints them (names made unique case-insensitively:
    # the warm-up made "X" and four "x"s, so the placeholder is X_5)
    assert "X_train shape: (64, 903)" in lines
    assert 'X = Tensor("X_5:0", shape=(64, ?), dtype=float32)' in lines
    assert "W1 = <tf.Variable 'W1:0' shape=(25, 64) dtype=float32_ref>" in lines
    assert "b2 = <tf.Variable 'b2:0' shape=(12, 1) dtype=float32_ref>" in lines
    assert 'Z3 = Tensor("Add_2:0", shape=(6, ?), dtype=float32)' in lines
    assert 'cost = Tensor("Mean:0", shape=(), dtype=float32)' in lines

    # training: the cost goes down epoch after epoch, accuracy is far above chance (1/6)
    costs = [float(m.group(1)) for m in map(re.compile(r"Cost after epoch \d+: (\S+)").match,
                                             lines) if m]
    assert len(costs) == 5
    assert all(later < earlier for earlier, later in zip(costs, costs[1:])), costs
    assert costs[-1] < costs[0] / 10
    train_accuracy = float(_value_after(lines, "Train Accuracy: "))
    test_accuracy = float(_value_after(lines, "Test Accuracy: "))
    assert train_accuracy > 0.9 and test_accuracy > 0.8

    # sess.run(parameters) on the dict of Variables gives a dict of arrays
    shapes = {name: value.shape for name, value in parameters.items()}
    assert shapes == {"W1": (25, 64), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1),
                      "W3": (6, 12), "b3": (6, 1)}
    assert all(value.dtype == np.float32 for value in parameters.values())
    assert (tmp_path / "course_tf_network_cost.png").stat().st_size > 0
