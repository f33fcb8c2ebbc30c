"""The Consts minigraph makes from Python values are named as TF1 names them: after the op and
its input (`x * 2.0` makes `mul/y`, then `mul`; `tf.reshape(x, [3, 2])` makes `Reshape/shape`),
in the same order in `get_operations()`, with the op's name made unique first (`mul_1/y`).

The golden names are tensorflow 2.21 `compat.v1`'s, made by `tests/golden/const_names_tf.py`
(see its docstring), which also holds the cases: one builder call each, in one graph.
"""

import json
import pathlib

import pytest

import minigraph as tf
from tests.golden import const_names_tf

GOLDEN = json.loads(
    (pathlib.Path(__file__).parent / "golden" / "const_names_tf.json").read_text()
)

# Cases where TF1 makes Consts minigraph has no need of: it keeps these as attributes of the op
# (so the ops it does make must still be TF1's, in TF1's order).
ATTRIBUTES = {
    "tf.transpose(x, [1, 0])": "Transpose's perm",
    "x[0]": "StridedSlice's begin, end and strides",
    "tf.ones([2, tf.shape(x)[0]])": "StridedSlice's begin, end and strides",
}
# Cases whose ops other than the Consts differ from TF1's: `zeros_like` is one op named after
# its type, and `reduce_logsumexp` is built from other ops.
OTHER_OPS = {
    "tf.zeros_like(x) + 1.0",
    "tf.where(x > 0.0, x, tf.zeros_like(x))",
    "tf.reduce_logsumexp(x, 1)",
}


@pytest.fixture(scope="module")
def minigraph_names():
    return dict((label, names) for label, names in const_names_tf.run(tf))


def test_the_cases_are_the_golden_ones():
    labels = [label for label, _ in const_names_tf.cases(tf)]
    assert labels == [label for label, _ in GOLDEN]
    assert len(labels) - len(ATTRIBUTES) - len(OTHER_OPS) >= 90
    assert not any(isinstance(names, str) for _, names in GOLDEN)  # TF1 ran every case


@pytest.mark.parametrize("label,tf_names", [
    (label, names) for label, names in GOLDEN if label not in ATTRIBUTES and label not in OTHER_OPS
])
def test_names_and_order_are_tf1s(minigraph_names, label, tf_names):
    assert minigraph_names[label] == tf_names


@pytest.mark.parametrize("label", sorted(ATTRIBUTES))
def test_ops_kept_as_attributes_leave_tf1s_other_names(minigraph_names, label):
    tf_names = dict(GOLDEN)[label]
    names = minigraph_names[label]
    assert len(names) < len(tf_names)
    remaining = iter(tf_names)
    assert all(name in remaining for name in names), (names, tf_names)  # a subsequence


def test_zeros_like_cases_differ_only_in_the_zeros_like_op(minigraph_names):
    for label in ("tf.zeros_like(x) + 1.0", "tf.where(x > 0.0, x, tf.zeros_like(x))"):
        names = [n.replace("ZerosLike", "zeros_like") for n in minigraph_names[label]]
        assert names == dict(GOLDEN)[label]


def test_reduce_logsumexp_names_its_reduction_consts_as_tf1(minigraph_names):
    names = minigraph_names["tf.reduce_logsumexp(x, 1)"]
    tf_names = dict(GOLDEN)["tf.reduce_logsumexp(x, 1)"]
    for name in ("ReduceLogSumExp/Max/reduction_indices", "ReduceLogSumExp/Sum/reduction_indices"):
        assert name in names and name in tf_names
        assert names.index(name) == tf_names.index(name)


def _names(graph):
    return [op.name for op in graph.get_operations()]


def test_every_path_of_x_times_a_number_names_the_const_alike():
    """The fast path (`x * 2.0`), the int path (`x * 2`), and the general one (open control
    dependencies, an unknown rank) give the same names, TF 2.21's."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        unknown = tf.placeholder(tf.float32, name="u")
        x * 2.0
        x * 2
        with tf.control_dependencies([x.op]):
            x * 2.0
        unknown * 2.0
        tf.multiply(2.0, x, name="twice")
    assert _names(g) == ["x", "u", "mul/y", "mul", "mul_1/y", "mul_1", "mul_2/y", "mul_2",
                         "mul_3/y", "mul_3", "twice/x", "twice"]


def test_names_inside_a_cond_branch_and_a_while_body():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [], name="p")
        x = tf.placeholder(tf.float32, [3], name="x")
        y = tf.cond(p, lambda: x * 2.0, lambda: tf.reshape(x, [3, 1])[:, 0])
        true_branch, false_branch = y.op.get_attr("branches")
        names = _names(true_branch)
        assert names.index("cond/mul/y") < names.index("cond/mul")
        names = _names(false_branch)
        assert names.index("cond/Reshape/shape") < names.index("cond/Reshape")
        i = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [tf.constant(0)])
        body = i.op.get_attr("body")
        assert [n for n in _names(body) if n.endswith("/y")] == ["while/add/y"]


def test_a_name_taken_by_hand_is_skipped_as_tf1_skips_it():
    """TF 2.21: `tf.constant(1.0, name="mul/y")` first makes `x * 2.0` use `mul/y_1`."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        tf.constant(1.0, name="mul/y")
        tf.constant([1], name="Reshape/shape")
        x * 2.0
        tf.reshape(x, [3])
    assert _names(g)[3:] == ["mul/y_1", "mul", "Reshape/shape_1", "Reshape"]


def test_graph_def_round_trip_keeps_the_names_and_values():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        y = tf.reduce_sum(tf.reshape(x * 2.0, [3, 2]), axis=1)
    graph_def = g.as_graph_def()
    assert [n.name for n in graph_def.node] == _names(g)
    with tf.Graph().as_default() as g2:
        (out,) = tf.import_graph_def(graph_def, return_elements=[y.name])
        assert "import/Sum/reduction_indices" in _names(g2)
        with tf.Session() as sess:
            result = sess.run(out, {"import/x:0": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]})
    assert result.tolist() == [6.0, 14.0, 22.0]
