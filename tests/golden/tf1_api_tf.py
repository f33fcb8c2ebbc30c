"""Golden values from real TensorFlow for the TF1 API behaviours minigraph copies: what
`tf.Print` and `tf.print` write, the messages of `tf.Assert` / `tf.assert_*` and `tf.py_func`
errors, and the values of the TF1 ops that differ from their TF2 spellings (`tf.div`,
`tf.where(condition)`, `tf.unique`, `tf.pad`, strings as bytes, ...).

Run with TensorFlow (made with tensorflow-cpu 2.21.0, `tensorflow.compat.v1` with
`disable_v2_behavior()`, on Python 3.11):

    /work/peers/bin/python tests/golden/tf1_api_tf.py

It writes `tests/golden/tf1_api_tf.json`: for each case of `CASES` (source code that both
TensorFlow and minigraph run, with `tf`, `np` and a fresh `sess`), what it printed to stderr
and stdout (captured at the file descriptors, where TensorFlow's C++ kernels write), the value
of `result` if it sets one, and the class and message of the error it raised.
`tests/test_tf1_behaviours.py` runs the same code on minigraph and compares.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

CASES = {
    # ---------------------------------------------------------------- tf.Print
    "Print_mixed": """
x = tf.constant([[1., 2., 3.], [4., 5., 6.]])
i = tf.constant([1, 2, 3, 4, 5, 6, 7])
p = tf.Print(x, [x, i, tf.constant(["ab", "c"]), tf.constant(True), tf.constant(2.5)], "msg: ")
result = sess.run(p).tolist()
""",
    "Print_first_n_summarize": """
x = tf.constant([[1., 2., 3.], [4., 5., 6.]])
p = tf.Print(x, [x], summarize=2, first_n=2)
for _ in range(3):
    sess.run(p)
""",
    "Print_shapes": """
x = tf.constant(1.0)
sess.run(tf.Print(x, [tf.constant([[1, 2, 3], [4, 5, 6]]), tf.zeros([2, 0]), tf.constant(3)],
                  message="m", summarize=10))
sess.run(tf.Print(x, [tf.range(20)], summarize=-1))
sess.run(tf.Print(x, [tf.range(20)]))
sess.run(tf.Print(x, [tf.reshape(tf.range(24), [2, 3, 4])], summarize=5))
sess.run(tf.Print(x, [tf.reshape(tf.range(24), [2, 3, 4])], summarize=13))
sess.run(tf.Print(x, []))
""",
    "Print_numbers": """
x = tf.constant(1.0)
sess.run(tf.Print(x, [tf.constant([1e-8, 123456789.0, 1.5]), tf.constant([1.0, 0.1], tf.float64),
                      tf.constant([1.5], tf.float16), tf.constant([np.nan, np.inf, -0.0]),
                      tf.constant([3], tf.uint8), tf.constant([-3], tf.int8),
                      tf.constant([True, False]), tf.constant(["a\\nb", 'q"t'])]))
""",
    # ---------------------------------------------------------------- tf.print
    "print_mixed": """
x = tf.constant([[1., 2., 3.], [4., 5., 6.]])
i = tf.constant([1, 2, 3, 4, 5, 6, 7])
sess.run(tf.print("x:", x, "i:", i, tf.constant(["ab", "c"]), 3, 2.5, True))
""",
    "print_summarize": """
sess.run(tf.print(tf.range(20)))
sess.run(tf.print(tf.range(20), summarize=-1))
sess.run(tf.print(tf.reshape(tf.range(24), [2, 3, 4]), summarize=2))
sess.run(tf.print(tf.reshape(tf.range(24), [2, 3, 4]), summarize=1))
sess.run(tf.print(tf.reshape(tf.range(8), [2, 2, 2])))
sess.run(tf.print(tf.reshape(tf.range(100), [10, 10])))
sess.run(tf.print(tf.zeros([2, 0]), tf.zeros([0]), tf.zeros([2, 0, 3])))
""",
    "print_values": """
sess.run(tf.print(tf.constant([True, False]), tf.constant(True),
                  tf.constant([1.5, 2], tf.float16), tf.constant([np.nan, np.inf, -np.inf, -0.0])))
sess.run(tf.print(tf.constant(["a\\nb", 'q"t'])))
sess.run(tf.print(tf.constant("single")))
sess.run(tf.print(tf.constant(["single"])))
sess.run(tf.print(tf.constant(0.1, tf.float64), tf.constant(1 / 3), tf.constant(1e20),
                  tf.constant(123456.7), tf.constant([100000.0, 1e6])))
sess.run(tf.print(tf.constant([1, 2], tf.int64), tf.constant([3], tf.uint8)))
sess.run(tf.print(tf.constant([[1.5, 2.25]]), tf.constant([[1.5, 2.25]], tf.float64)))
""",
    "print_python_objects": """
x = tf.constant([[1., 2., 3.], [4., 5., 6.]])
i = tf.constant([1, 2, 3, 4, 5, 6, 7])
sess.run(tf.print("{}", tf.constant(1), "x{}y"))
sess.run(tf.print({"a": x}, [1, i]))
sess.run(tf.print("a", "b", sep=",", end="!\\n"))
sess.run(tf.print("to stdout", i, output_stream=sys.stdout))
""",
    # ---------------------------------------------------------------- assertions
    "assert_equal_runtime": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_equal(x, y), {x: [1, 2], y: [1, 2]})
sess.run(tf.assert_equal(x, y), {x: [1, 2], y: [1, 3]})
""",
    "assert_equal_message_summarize": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_equal(x, y, message="custom msg", summarize=1), {x: [1, 2, 5], y: [1, 3, 5]})
""",
    "assert_equal_data": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_equal(x, y, data=["hello", x]), {x: [1, 2], y: [1, 3]})
""",
    "assert_equal_static": """
tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]))
""",
    "assert_less": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_less(x, y), {x: [], y: []})
sess.run(tf.assert_less(x, y), {x: [1, 4], y: [2, 3]})
""",
    "assert_less_equal": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_less_equal(x, y), {x: [1, 4], y: [2, 3]})
""",
    "assert_greater": """
f = tf.placeholder(tf.float32, [None], name="f")
sess.run(tf.assert_greater(f, 0.), {f: [1., -2.]})
""",
    "assert_greater_equal": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_greater_equal(x, y), {x: [1, 4], y: [2, 3]})
""",
    "assert_none_equal": """
x = tf.placeholder(tf.int32, [None], name="x")
y = tf.placeholder(tf.int32, [None], name="y")
sess.run(tf.assert_none_equal(x, y), {x: [1, 2], y: [1, 3]})
""",
    "assert_positive": """
f = tf.placeholder(tf.float32, [None], name="f")
sess.run(tf.assert_positive(f), {f: [1., -2.]})
""",
    "assert_negative": """
f = tf.placeholder(tf.float32, [None], name="f")
sess.run(tf.assert_negative(f), {f: [1., -2.]})
""",
    "assert_non_negative": """
f = tf.placeholder(tf.float32, [None], name="f")
sess.run(tf.assert_non_negative(f), {f: [1., -2.]})
""",
    "assert_rank_static": """
f = tf.placeholder(tf.float32, [None], name="f")
tf.assert_rank(f, 2)
""",
    "assert_rank_static_message": """
tf.assert_rank(tf.zeros([2, 3]), 1, message="my msg")
""",
    "assert_rank_runtime": """
u = tf.placeholder(tf.float32, None, name="u")
sess.run(tf.assert_rank(u, 2), {u: [1., 2.]})
""",
    "assert_type": """
x = tf.placeholder(tf.int32, [None], name="x")
tf.assert_type(x, tf.int32)
tf.assert_type(x, tf.float32)
""",
    "assert_scalar": """
f = tf.placeholder(tf.float32, [None], name="f")
tf.assert_scalar(f)
""",
    "Assert_data": """
f = tf.placeholder(tf.float32, [None], name="f")
sess.run(tf.Assert(tf.reduce_all(f > 0), [f, "str", 3], name="myassert"), {f: [-1.]})
""",
    "Assert_summarize": """
sess.run(tf.Assert(False, [tf.range(10)], summarize=4))
""",
    # ---------------------------------------------------------------- py_func
    "py_func_values": """
x = tf.placeholder(tf.float32, [None], name="x")
p = tf.py_func(lambda a: a * a, [x], tf.float32)
s = tf.py_func(lambda b: b + b"!", [tf.constant("hi")], tf.string)
result = [sess.run(p, {x: [1., 2.]}).tolist(), sess.run(s).decode(),
          [b.decode() for b in sess.run(tf.py_func(lambda: np.array(["a", "bc"]), [], tf.string))],
          sess.run(tf.py_func(lambda a: 1, [x], tf.int64), {x: [1.]}).tolist(),
          [g is None for g in tf.gradients(tf.reduce_sum(p), x)]]
""",
    "py_func_double_for_float": """
x = tf.placeholder(tf.float32, [None], name="x")
sess.run(tf.py_func(lambda a: a.astype(np.float64), [x], tf.float32), {x: [1.]})
""",
    "py_func_python_float": """
x = tf.placeholder(tf.float32, [None], name="x")
sess.run(tf.py_func(lambda a: 1.5, [x], tf.float32), {x: [1.]})
""",
    "py_func_too_many": """
x = tf.placeholder(tf.float32, [None], name="x")
sess.run(tf.py_func(lambda a: (a, a), [x], tf.float32), {x: [1.]})
""",
    "py_func_raises": """
x = tf.placeholder(tf.float32, [None], name="x")
def bad(a):
    raise ValueError("boom")
sess.run(tf.py_func(bad, [x], tf.float32), {x: [1.]})
""",
    # ---------------------------------------------------------------- values
    "strings_as_bytes": """
result = [sess.run(tf.constant('Hello, TensorFlow!')), sess.run(tf.constant(['a', 'bc'])),
          sess.run(tf.constant('\\u00e9'))]
result = [repr(r) for r in result]
""",
    "softmax_cross_entropy_int_labels": """
logits = tf.constant([[1., 2., 3.], [1., 1., 1.]])
labels = tf.constant([[0, 0, 1], [1, 0, 0]])
result = [sess.run(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)).tolist(),
          sess.run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                              logits=logits)).tolist()]
""",
    "sigmoid_cross_entropy_log1p": """
result = sess.run(tf.nn.sigmoid_cross_entropy_with_logits(
    labels=tf.constant([0., 1., 0., 1., 0.5], tf.float64),
    logits=tf.constant([-40., 40., -20., 30., 1e-9], tf.float64))).tolist()
""",
    "division": """
a = tf.constant([7, -7, 7, -7])
b = tf.constant([2, 2, -2, -2])
x = tf.constant([7.5, -7.5, 1.0, -1.0])
y = tf.constant([2., 2., 0.1, 0.1])
result = {
    "div_int": sess.run(tf.div(a, b)).tolist(), "div_float": sess.run(tf.div(x, y)).tolist(),
    "floordiv_int": sess.run(tf.floordiv(a, b)).tolist(),
    "floordiv_float": sess.run(tf.floordiv(x, y)).tolist(),
    "floor_div": sess.run(tf.floor_div(a, b)).tolist(),
    "truncatediv_int": sess.run(tf.truncatediv(a, b)).tolist(),
    "truncatediv_float": sess.run(tf.truncatediv(x, y)).tolist(),
    "floormod_int": sess.run(tf.floormod(a, b)).tolist(),
    "floormod_float": sess.run(tf.floormod(x, y)).tolist(),
    "mod_float": sess.run(tf.mod(x, y)).tolist(),
    "truncatemod_int": sess.run(tf.truncatemod(a, b)).tolist(),
    "truncatemod_float": sess.run(tf.truncatemod(x, y)).tolist(),
    "operators": sess.run([a // b, a % b, x // y, x % y]),
    "names": [tf.div(a, b).op.type, tf.div(x, y).op.type, (a // b).op.name.split("_")[0],
              (a % b).op.name.split("_")[0], tf.floor_div(a, b).op.name.split("_")[0]],
}
result["operators"] = [r.tolist() for r in result["operators"]]
""",
    "division_by_zero": """
sess.run(tf.floordiv(tf.constant([7, 1]), tf.constant([0, 1])))
""",
    "division_gradients": """
x = tf.constant([7.5, -7.5])
y = tf.constant([2., 3.])
result = {}
for name, fn in [("floordiv", tf.floordiv), ("truncatediv", tf.truncatediv),
                 ("floormod", tf.floormod), ("div", tf.div)]:
    result[name] = [None if g is None else sess.run(g).tolist()
                    for g in tf.gradients(fn(x, y), [x, y])]
""",
    "log1p_expm1": """
result = [sess.run(tf.log1p(tf.constant([1e-10, 1.0, -0.5]))).tolist(),
          sess.run(tf.expm1(tf.constant([1e-10, 1.0, -0.5]))).tolist()]
""",
    "arg_max_arg_min": """
logits = tf.constant([[1., 2., 3.], [1., 1., 1.]])
result = [sess.run(tf.arg_max(logits, 1)).tolist(), sess.run(tf.arg_min(logits, 0)).tolist(),
          tf.arg_max(logits, 1).dtype.name]
""",
    "where_one_argument": """
w = tf.where([[True, False], [False, True]])
result = [sess.run(w).tolist(), w.dtype.name, w.shape.as_list(),
          sess.run(tf.where([0., 1., 2.])).tolist(),
          sess.run(tf.where([False, True, True])).tolist()]
""",
    "unique": """
y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
result = [sess.run(y).tolist(), sess.run(idx).tolist(), y.shape.as_list(), idx.shape.as_list(),
          sess.run(tf.unique([3., -1., 3., 0.5]).y).tolist()]
""",
    "diag": """
result = [sess.run(tf.diag([[1, 2], [3, 4]])).tolist(),
          sess.run(tf.diag_part(tf.diag([[1, 2], [3, 4]]))).tolist(),
          sess.run(tf.diag_part([[1., 2.], [3., 4.]])).tolist()]
""",
    "tensordot": """
a = tf.constant(np.arange(24.).reshape(2, 3, 4))
b = tf.constant(np.arange(20.).reshape(4, 5))
c = tf.constant(np.arange(6.).reshape(3, 2))
result = [sess.run(tf.tensordot(a, b, 1)).tolist(),
          sess.run(tf.tensordot(a, c, [[1], [0]])).tolist(),
          sess.run(tf.tensordot(tf.constant([1., 2.]), tf.constant([3., 4., 5.]), 0)).tolist(),
          tf.tensordot(a, b, 1).shape.as_list()]
""",
    "matrix_determinant_inverse": """
m = tf.constant([[2., 1., 0.], [1., 3., 1.], [0., 1., 4.]], tf.float64)
result = [sess.run(tf.matrix_determinant(m)).tolist(), sess.run(tf.matrix_inverse(m)).tolist(),
          sess.run(tf.matrix_inverse(m, adjoint=True)).tolist(),
          sess.run(tf.gradients(tf.matrix_determinant(m), m)[0]).tolist(),
          sess.run(tf.gradients(tf.reduce_sum(tf.matrix_inverse(m) * tf.constant(
              [[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]], tf.float64)), m)[0]).tolist()]
""",
    "matrix_inverse_singular": """
sess.run(tf.matrix_inverse(tf.zeros([2, 2])))
""",
    "pad": """
t = tf.constant([[1, 2, 3], [4, 5, 6]])
p = [[1, 1], [2, 2]]
x = tf.constant([[1., 2., 3.], [4., 5., 6.]])
weights = tf.reshape(tf.range(28.), [4, 7])
result = {
    "constant": sess.run(tf.pad(t, p)).tolist(),
    "constant_values": sess.run(tf.pad(t, p, constant_values=9)).tolist(),
    "reflect": sess.run(tf.pad(t, p, "REFLECT")).tolist(),
    "symmetric": sess.run(tf.pad(t, p, "symmetric")).tolist(),
    "op_types": [tf.pad(t, p).op.type, tf.pad(t, p, constant_values=9).op.type,
                 tf.pad(t, p, "REFLECT").op.type],
    "grad_reflect": sess.run(tf.gradients(tf.reduce_sum(tf.pad(x, p, "REFLECT") * weights),
                                          x)[0]).tolist(),
    "grad_symmetric": sess.run(tf.gradients(tf.reduce_sum(tf.pad(x, p, "SYMMETRIC") * weights),
                                            x)[0]).tolist(),
    "grad_constant": sess.run(tf.gradients(tf.reduce_sum(tf.pad(x, p) * weights),
                                           x)[0]).tolist(),
}
""",
    "pad_reflect_too_large": """
t = tf.constant([[1, 2, 3], [4, 5, 6]])
sess.run(tf.pad(t, tf.placeholder_with_default([[2, 2], [2, 2]], [2, 2]), "REFLECT"))
""",
    "pad_bad_mode": """
tf.pad(tf.constant([1, 2]), [[1, 1]], "WRAP")
""",
}


def _run_case(tf, np, code: str) -> dict:
    """Runs `code`, capturing what it writes at fd 1 and 2, its `result` and its error."""
    tf.reset_default_graph()
    sess = tf.Session()
    env = {"tf": tf, "np": np, "sess": sess, "sys": sys}
    captured = {}
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    files = {fd: tempfile.TemporaryFile() for fd in (1, 2)}
    error = None
    sys.stdout.flush()
    sys.stderr.flush()
    for fd in (1, 2):
        os.dup2(files[fd].fileno(), fd)
    try:
        exec(code, env)
    except Exception as e:  # noqa: BLE001 - the error is what the case records
        error = e
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd in (1, 2):
            os.dup2(saved[fd], fd)
            files[fd].seek(0)
            captured[fd] = files[fd].read().decode("utf-8", "replace")
    out = {"stdout": captured[1], "stderr": captured[2]}
    if "result" in env:
        out["result"] = env["result"]
    if error is not None:
        out["error"] = type(error).__name__
        out["message"] = _message(error)
    return out


def _message(error) -> str:
    """The lines of a TensorFlow error that name what went wrong (no stack traces)."""
    text = getattr(error, "message", str(error))
    lines = [line for line in text.splitlines() if line.strip()]
    keep = [line for line in lines
            if not line.startswith(("Graph execution error", "Detected at node", "  File",
                                    "    File", "Original stack trace", "Node:", "\t [[{{"))]
    return "\n".join(keep)


def main() -> None:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    tf.get_logger().setLevel("ERROR")
    golden = {"tensorflow": tf.__version__, "cases": {}}
    for name, code in CASES.items():
        golden["cases"][name] = _run_case(tf, np, code)
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(CASES)} cases to {path}")


if __name__ == "__main__":
    main()
