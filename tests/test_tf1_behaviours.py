"""TF1 behaviours checked against real TensorFlow: the cases of `tests/golden/tf1_api_tf.py`
run on minigraph and must print, return and raise what TensorFlow did (the golden file holds
TensorFlow 2.21's `compat.v1` results; see that script for how to regenerate it).

What is compared: everything written to stdout and stderr, exactly; `result`, with float
tolerance 1e-6; the error's class, and each line of TensorFlow's message (its stack traces
left out; `pyfunc_<n>` tokens count differently and are compared as `pyfunc_N`).
"""

import json
import re
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

import minigraph as tf

GOLDEN = json.loads((Path(__file__).parent / "golden" / "tf1_api_tf.json").read_text())


# The case code, read from the script that made the golden file (its main() does not run).
CASES = runpy.run_path(str(Path(__file__).parent / "golden" / "tf1_api_tf.py"))["CASES"]


def _normalized(text: str) -> str:
    return re.sub(r"pyfunc_\d+", "pyfunc_N", text)


def _assert_same(ours, golden, where="result"):
    if isinstance(golden, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(golden), where
        for key in golden:
            _assert_same(ours[key], golden[key], f"{where}[{key!r}]")
    elif isinstance(golden, list) and golden and all(
            isinstance(g, (int, float)) and not isinstance(g, bool) for g in golden):
        np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(golden, dtype=float),
                                   rtol=1e-6, atol=1e-12, err_msg=where)
    elif isinstance(golden, list):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(golden), where
        for i, (o, g) in enumerate(zip(ours, golden)):
            _assert_same(o, g, f"{where}[{i}]")
    elif isinstance(golden, float):
        assert ours == pytest.approx(golden, rel=1e-6, abs=1e-12), where
    else:
        assert ours == golden, where


def test_golden_file_is_from_tensorflow():
    assert GOLDEN["tensorflow"].startswith("2.")
    assert sorted(GOLDEN["cases"]) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_tensorflow(name, capsys):
    golden = GOLDEN["cases"][name]
    tf.reset_default_graph()
    env = {"tf": tf, "np": np, "sess": tf.Session(), "sys": sys}
    error = None
    try:
        exec(CASES[name], env)
    except Exception as e:  # noqa: BLE001 - compared with TensorFlow's error below
        error = e
    captured = capsys.readouterr()
    assert captured.out == golden["stdout"]
    assert captured.err == golden["stderr"]
    if "error" not in golden:
        assert error is None, f"minigraph raised {error!r}; TensorFlow did not"
    if "result" in golden:
        _assert_same(env["result"], golden["result"])
    if "error" not in golden:
        return
    assert type(error).__name__ == golden["error"], f"{error!r}"
    ours = _normalized(getattr(error, "message", str(error)))
    for line in _normalized(golden["message"]).splitlines():
        if line.startswith((" ", "Traceback")):
            continue  # a Python traceback inside TensorFlow's message
        assert line in ours, f"TensorFlow's line {line!r} not in minigraph's message:\n{ours}"


# ---------------------------------------------------------------- beyond the golden cases
def test_print_first_n_counts_per_session(capsys):
    with tf.Graph().as_default():
        x = tf.constant([1.0])
        p = tf.Print(x, [x], "run ", first_n=1)
        with tf.Session() as sess:
            sess.run(p)
            sess.run(p)
        with tf.Session() as sess:
            sess.run(p)
    assert capsys.readouterr().err == "run [1]\nrun [1]\n"


def test_print_is_an_identity_with_a_gradient():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.constant([1.0, 2.0])
        y = tf.Print(x, [x * 3.0], "x")
        assert y.shape == x.shape and y.dtype == x.dtype
        assert sess.run(tf.gradients(tf.reduce_sum(y * y), x)[0]).tolist() == [2.0, 4.0]


def test_tf_print_to_logging_and_to_a_file(tmp_path, caplog):
    path = tmp_path / "out.txt"
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.range(3)
        with caplog.at_level("INFO", logger="minigraph"):
            sess.run(tf.print("logged", x, output_stream=tf.logging.info))
        sess.run(tf.print("filed", x, output_stream=f"file://{path}"))
        sess.run(tf.print("again", output_stream=f"file://{path}"))
        with pytest.raises(ValueError, match="Unsupported output stream"):
            tf.print(x, output_stream="nowhere")
    assert [r.getMessage() for r in caplog.records] == ["logged [0 1 2]"]
    assert path.read_text() == "filed [0 1 2]\nagain\n"


def test_tf_print_runs_only_when_it_is_needed(capsys):
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.constant(2.0)
        printed = tf.print("x =", x)
        sess.run(x * 2.0)
        assert capsys.readouterr().err == ""
        with tf.control_dependencies([printed]):
            y = tf.identity(x * 2.0)
        assert sess.run(y) == 4.0
        assert capsys.readouterr().err == "x = 2\n"


def test_assert_guards_a_computation_through_control_dependencies():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None], name="x")
        with tf.control_dependencies([tf.assert_non_negative(x)]):
            root = tf.sqrt(x)
        assert sess.run(root, {x: [4.0]}).tolist() == [2.0]
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"assertion failed: \[\] \[Condition x >= 0 did not hold"):
            sess.run(root, {x: [-4.0]})


def test_assert_errors_name_the_op():
    with tf.Graph().as_default(), tf.Session() as sess:
        check = tf.assert_equal(tf.placeholder_with_default([1, 2], [2]), 1, name="check")
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(check)
    assert info.value.op is check
    assert "[[node check/Assert/Assert (op: Assert)]]" in info.value.message


def test_py_func_exceptions_become_tf1_error_classes():
    def stop(_):
        raise StopIteration

    def unimplemented(_):
        raise NotImplementedError("later")

    def other(_):
        raise KeyError("k")

    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.constant([1.0])
        for func, error in ((stop, tf.errors.OutOfRangeError),
                            (unimplemented, tf.errors.UnimplementedError),
                            (other, tf.errors.UnknownError)):
            with pytest.raises(error, match="PyFunc"):
                sess.run(tf.py_func(func, [x], tf.float32))


def test_minimize_through_py_func_says_it_has_no_gradient():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0])
        loss = tf.reduce_sum(tf.py_func(np.square, [w], tf.float32))
        with pytest.raises(ValueError, match="No gradients provided.*tf.py_func, which has no "
                                             "gradient"):
            tf.train.GradientDescentOptimizer(0.1).minimize(loss)


def test_int_labels_are_cast_and_get_no_gradient_in_v1():
    with tf.Graph().as_default(), tf.Session() as sess:
        logits = tf.Variable([[1.0, 2.0, 3.0]])
        labels = tf.constant([[0, 0, 1]])
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        sess.run(tf.global_variables_initializer())
        grad = tf.gradients(loss, logits)[0]
        expected = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum() - [0, 0, 1]
        np.testing.assert_allclose(sess.run(grad)[0], expected, rtol=1e-6)


def test_sigmoid_cross_entropy_keeps_tiny_losses():
    with tf.Graph().as_default(), tf.Session() as sess:
        loss = tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.constant([1.0], tf.float64), logits=tf.constant([40.0], tf.float64))
        assert sess.run(loss)[0] == pytest.approx(np.exp(-40.0), rel=1e-12)  # log(1+e) gave 0


def test_where_needs_both_or_neither_of_x_and_y():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="x and y must both be non-None or both be None"):
            tf.where([True], [1.0])


def test_tensordot_errors_name_shapes():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"axis 2 of 'a' \(shape \(2, 3, 4\)\) has size 4 "
                                             r"but axis 0 of 'b' \(shape \(5, 2\)\) has size 5"):
            tf.tensordot(tf.zeros([2, 3, 4]), tf.zeros([5, 2]), 1)
        with pytest.raises(ValueError, match="Different number of contraction axes"):
            tf.tensordot(tf.zeros([2, 3]), tf.zeros([3, 2]), [[0, 1], [1]])
        with pytest.raises(ValueError, match="unknown rank"):
            tf.tensordot(tf.placeholder(tf.float32), tf.zeros([3, 2]), 1)


def test_strings_fed_and_fetched_as_bytes():
    with tf.Graph().as_default(), tf.Session() as sess:
        s = tf.placeholder(tf.string, [None])
        out = sess.run(s, {s: ["caf\u00e9", b"raw"]})
    assert out.dtype == object and out.tolist() == ["caf\u00e9".encode(), b"raw"]


def test_py_func_is_found_by_its_token_as_in_tf1():
    from minigraph.tensor import apply_op

    graph = tf.Graph()
    with graph.as_default():
        y = tf.py_func(lambda a: a * 2, [tf.constant([1.0, 2.0])], tf.float32, name="double")
        assert sorted(y.op.attrs) == ["Tout", "token"]  # plain data: a GraphDef can hold it
    imported = tf.Graph()
    with imported.as_default():
        tf.import_graph_def(graph.as_graph_def(), name="")
        stranger = apply_op("PyFunc", [tf.constant(1.0)],
                            attrs={"token": "pyfunc_from_elsewhere", "Tout": [tf.float32]})
    with tf.Session(graph=imported) as sess:
        assert sess.run("double:0").tolist() == [2.0, 4.0]
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="callback pyfunc_from_elsewhere is not found"):
            sess.run(stranger)
