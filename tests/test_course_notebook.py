"""A course-style TF1 notebook runs with only `tensorflow` replaced by `minigraph` in its
imports, and prints and computes what TensorFlow does.

The program is `tests/golden/tensorflow_tutorial.py`: the deep-learning course's week-3
"TensorFlow Tutorial" notebook, cell by cell (`from tensorflow.python.framework import ops`,
a Variable made from a tensor expression, `[n_x, None]` placeholders, `tf.one_hot(axis=0)`,
`get_variable` with `tf.contrib.layers.xavier_initializer(seed=1)` and
`tf.zeros_initializer()`, `tf.set_random_seed(1)`, `softmax_cross_entropy_with_logits` on
transposed tensors, Adam on the course's numpy mini-batches, `sess.run(parameters)` of a dict,
`accuracy.eval({X: ..., Y: ...})`), on a fixed synthetic data set (float64, as the notebook
feeds it).

The golden numbers are `tests/golden/course_goldens.npz`, made by running the same program
under real TensorFlow with `tests/golden/make_course_goldens.py` (tensorflow-cpu 2.21.0,
`tf.compat.v1` + `disable_v2_behavior()`, TF 1.15's contrib initializers restated; run
`/work/peers/bin/python tests/golden/make_course_goldens.py`). The seeded initial parameters
must be TF's bit for bit, the epoch costs within 1e-6, and every printed line the same text
with the same numbers (to 1e-6 relative: the sigmoid cross-entropy of the warm-up cell is
computed by different formulas).
"""

import contextlib
import io
import pathlib
import re

import numpy as np
import pytest

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
PROGRAM = GOLDEN / "tensorflow_tutorial.py"
REFERENCE = np.load(GOLDEN / "course_goldens.npz")
IMPORTS = {
    "import tensorflow as tf": "import minigraph as tf",
    "from tensorflow.python.framework import ops": "from minigraph.python.framework import ops",
}
NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")


def _text(line: str) -> str:
    """A printed line without its numbers and its spacing (numpy pads numbers to a width)."""
    return " ".join(NUMBER.sub("#", line).split())


def _minigraph_source() -> str:
    """The program with its two TensorFlow imports pointed at minigraph, and nothing else."""
    lines = PROGRAM.read_text().splitlines()
    tf_lines = [line for line in lines if "tensorflow" in line and "import" in line]
    assert sorted(tf_lines) == sorted(IMPORTS), tf_lines
    return "\n".join(IMPORTS.get(line, line) for line in lines) + "\n"


@pytest.fixture(scope="module")
def notebook():
    """Runs the notebook once: what it printed and its namespace."""
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_minigraph_source(), str(PROGRAM), "exec"), namespace)
    return out.getvalue(), namespace


def test_goldens_are_from_tensorflow():
    assert str(REFERENCE["tf_version"]).startswith("2.21")


def test_seeded_initial_parameters_are_tf1s_bit_for_bit(notebook):
    _, namespace = notebook
    initial = namespace["initial_parameters"]
    assert sorted(initial) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    for name, value in initial.items():
        expected = REFERENCE["initial_" + name]
        assert value.dtype == np.float32 and value.shape == expected.shape, name
        np.testing.assert_array_equal(value.view(np.int32), expected.view(np.int32), name)


def test_first_costs_equal_tf1s(notebook):
    _, namespace = notebook
    costs = np.array(namespace["costs"])
    assert costs.shape == REFERENCE["costs"].shape == (8,)
    np.testing.assert_allclose(costs, REFERENCE["costs"], rtol=0, atol=1e-6)
    assert costs[-1] < costs[0]


def test_trained_parameters_follow_tf1s(notebook):
    _, namespace = notebook
    for name, value in namespace["parameters"].items():
        np.testing.assert_allclose(value, REFERENCE["trained_" + name], rtol=0, atol=1e-5)


def test_prints_what_tensorflow_prints(notebook):
    """Line for line: the same text, the same numbers (reprs, names, costs, accuracies)."""
    printed = notebook[0].splitlines()
    expected = str(REFERENCE["stdout"]).splitlines()
    assert len(printed) == len(expected)
    for mine, theirs in zip(printed, expected):
        assert _text(mine) == _text(theirs), (mine, theirs)
        a = np.array([float(v) for v in NUMBER.findall(mine)])
        b = np.array([float(v) for v in NUMBER.findall(theirs)])
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7, err_msg=mine)
    for line in ("9", 'Tensor("Mul:0", shape=(), dtype=int32)', "20", "6",
                 "W1 = <tf.Variable 'W1:0' shape=(25, 192) dtype=float32_ref>",
                 'Z3 = Tensor("Add_2:0", shape=(6, ?), dtype=float32)',
                 'cost = Tensor("Mean:0", shape=(), dtype=float32)'):
        assert line in printed
