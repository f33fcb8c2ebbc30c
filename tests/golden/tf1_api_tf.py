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
    # ---------------------------------------------------------------- tf.metrics
    "metrics_accuracy": """
labels = tf.placeholder(tf.int64, [None], name="labels")
predictions = tf.placeholder(tf.int64, [None], name="predictions")
acc, acc_op = tf.metrics.accuracy(labels, predictions)
acc2, acc2_op = tf.metrics.accuracy(labels, predictions, name="my_accuracy")
sess.run(tf.local_variables_initializer())
first = [sess.run(acc), sess.run(acc_op, {labels: [1, 0, 1, 1], predictions: [1, 1, 1, 0]})]
second = sess.run(acc_op, {labels: [2, 2], predictions: [2, 2]})
after = sess.run(acc)
sess.run(tf.local_variables_initializer())
reset = sess.run(acc)
result = {
    "values": [float(v) for v in first] + [float(second), float(after), float(reset)],
    "names": [acc.name, acc_op.name, acc2.name],
    "local": [v.name for v in tf.local_variables()],
    "metric": [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)],
    "global": [v.name for v in tf.global_variables()],
    "trainable": [v.name for v in tf.trainable_variables()],
    "dtype": acc.dtype.name,
}
""",
    "metrics_mean_weights": """
values = tf.placeholder(tf.float32, [None], name="values")
weights = tf.placeholder(tf.float32, [None], name="weights")
m, m_op = tf.metrics.mean(values, weights=weights)
plain, plain_op = tf.metrics.mean(values)
sess.run(tf.local_variables_initializer())
out = [sess.run([m_op, plain_op], {values: [1., 2., 3.], weights: [1., 0., 3.]}),
       sess.run([m_op, plain_op], {values: [10.], weights: [0.5]})]
result = {"values": [float(v) for pair in out for v in pair] + [float(sess.run(m))],
          "local": [v.name for v in tf.local_variables()]}
""",
    "metrics_precision_recall": """
labels = tf.placeholder(tf.int32, [None], name="labels")
predictions = tf.placeholder(tf.int32, [None], name="predictions")
p, p_op = tf.metrics.precision(labels, predictions)
r, r_op = tf.metrics.recall(labels, predictions)
tp, tp_op = tf.metrics.true_positives(labels, predictions)
fp, fp_op = tf.metrics.false_positives(labels, predictions)
fn, fn_op = tf.metrics.false_negatives(labels, predictions)
tn, tn_op = tf.metrics.true_negatives(labels, predictions)
sess.run(tf.local_variables_initializer())
empty = sess.run([p, r])
ops = [p_op, r_op, tp_op, fp_op, fn_op, tn_op]
a = sess.run(ops, {labels: [1, 0, 1, 1, 0], predictions: [1, 1, 0, 1, 0]})
b = sess.run(ops, {labels: [0, 1], predictions: [1, 1]})
result = {"values": [float(v) for v in list(empty) + a + b],
          "local": [v.name for v in tf.local_variables()],
          "names": [p.name, p_op.name, tp.name, tp_op.name]}
""",
    "metrics_auc": """
rng = np.random.RandomState(0)
labels_np = rng.randint(0, 2, size=50)
scores_np = np.clip(labels_np * 0.3 + rng.uniform(0, 0.7, size=50), 0, 1).astype(np.float32)
labels = tf.placeholder(tf.int64, [None], name="labels")
scores = tf.placeholder(tf.float32, [None], name="scores")
roc, roc_op = tf.metrics.auc(labels, scores)
pr, pr_op = tf.metrics.auc(labels, scores, curve="PR")
few, few_op = tf.metrics.auc(labels, scores, num_thresholds=5)
minoring, minoring_op = tf.metrics.auc(labels, scores, summation_method="minoring")
careful, careful_op = tf.metrics.auc(labels, scores, curve="PR",
                                     summation_method="careful_interpolation")
sess.run(tf.local_variables_initializer())
ops = [roc_op, pr_op, few_op, minoring_op, careful_op]
a = sess.run(ops, {labels: labels_np[:30], scores: scores_np[:30]})
b = sess.run(ops, {labels: labels_np[30:], scores: scores_np[30:]})
result = {"values": [float(v) for v in a + b + sess.run([roc, pr, few, minoring, careful])],
          "local": [v.name for v in tf.local_variables()],
          "shapes": [v.shape.as_list() for v in tf.local_variables()]}
""",
    "metrics_auc_out_of_range": """
labels = tf.placeholder(tf.int32, [None], name="labels")
scores = tf.placeholder(tf.float32, [None], name="scores")
auc, auc_op = tf.metrics.auc(labels, scores)
sess.run(tf.local_variables_initializer())
sess.run(auc_op, {labels: [1, 0], scores: [0.5, 1.5]})
""",
    "metrics_errors": """
labels = tf.placeholder(tf.float32, [None], name="labels")
predictions = tf.placeholder(tf.float32, [None], name="predictions")
mse, mse_op = tf.metrics.mean_squared_error(labels, predictions)
mae, mae_op = tf.metrics.mean_absolute_error(labels, predictions)
rmse, rmse_op = tf.metrics.root_mean_squared_error(labels, predictions)
sess.run(tf.local_variables_initializer())
ops = [mse_op, mae_op, rmse_op]
a = sess.run(ops, {labels: [1., 2., 3.], predictions: [1.5, 2., 1.]})
b = sess.run(ops, {labels: [0.], predictions: [4.]})
result = {"values": [float(v) for v in a + b + sess.run([mse, mae, rmse])],
          "local": [v.name for v in tf.local_variables()],
          "names": [mse.name, mse_op.name, rmse.name, rmse_op.name]}
""",
    # ---------------------------------------------------------------- ExponentialMovingAverage
    "ema_variables": """
v = tf.Variable(0.0, name="v")
w = tf.Variable([1.0, 2.0], name="w")
ema = tf.train.ExponentialMovingAverage(0.9)
maintain = ema.apply([v, w])
shadow_v = ema.average(v)
sess.run(tf.global_variables_initializer())
history = []
for value in [10.0, 10.0, 10.0, 0.0, 5.0]:
    sess.run([v.assign(value), w.assign([value, -value])])
    sess.run(maintain)
    history.append([float(sess.run(shadow_v))] + sess.run(ema.average(w)).tolist())
result = {
    "history": history,
    "names": [shadow_v.name, ema.average(w).name, ema.average_name(v), ema.name, maintain.name,
              maintain.type],
    "global": [x.name for x in tf.global_variables()],
    "trainable": [x.name for x in tf.trainable_variables()],
    "moving_average_variables": [x.name for x in tf.moving_average_variables()],
    "restore": sorted((k, x.name) for k, x in ema.variables_to_restore().items()),
    "average_of_other": ema.average(tf.Variable(1.0, name="other")) is None,
    "average_name_of_other": ema.average_name(tf.Variable(1.0, name="other2")),
}
""",
    "ema_num_updates": """
step = tf.Variable(0, trainable=False, name="step")
v = tf.Variable(1.0, name="v")
ema = tf.train.ExponentialMovingAverage(0.99, num_updates=step, name="avg")
maintain = ema.apply([v])
sess.run(tf.global_variables_initializer())
history = []
for i in range(6):
    sess.run([v.assign(float(10 * (i + 1))), step.assign(i)])
    sess.run(maintain)
    history.append(float(sess.run(ema.average(v))))
result = {"history": history, "names": [ema.average(v).name, ema.average_name(v)]}
""",
    "ema_tensor_zero_debias": """
x = tf.placeholder(tf.float32, [], name="x")
loss = tf.square(x, name="loss")
ema = tf.train.ExponentialMovingAverage(0.9, zero_debias=True)
maintain = ema.apply([loss])
plain = tf.train.ExponentialMovingAverage(0.9, name="plain")
plain_op = plain.apply([loss])
sess.run(tf.global_variables_initializer())
history = []
for value in [2.0, 2.0, 3.0, 1.0]:
    sess.run([maintain, plain_op], {x: value})
    history.append([float(sess.run(ema.average(loss))), float(sess.run(plain.average(loss)))])
result = {"history": history,
          "global": [x.name for x in tf.global_variables()],
          "moving_average_variables": [x.name for x in tf.moving_average_variables()],
          "names": [ema.average(loss).name, plain.average(loss).name]}
""",
    "ema_bad_dtype": """
ema = tf.train.ExponentialMovingAverage(0.9)
ema.apply([tf.Variable(1, name="count")])
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
