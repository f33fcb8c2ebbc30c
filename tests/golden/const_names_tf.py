"""Golden generator for tests/test_const_names.py: the names TF1 gives the `Const`s it makes
from Python values passed to builders (`x * 2.0` makes `mul/y`, then `mul`).

Every case is one builder call in one shared graph (so names are made unique as calls add up);
the script prints, per case, the names of the ops the call added, in `get_operations()` order.

Run with real TensorFlow to regenerate the golden file:

    TF_CPP_MIN_LOG_LEVEL=3 /path/to/python-with-tensorflow tests/golden/const_names_tf.py tf \
        > tests/golden/const_names_tf.json

or with minigraph (`PYTHONPATH=$PWD python tests/golden/const_names_tf.py mg`) to compare.
Made with tensorflow-cpu 2.21.0, `tensorflow.compat.v1` with v2 behaviour disabled.
"""

import json
import sys


def cases(tf):
    """(label, function of x (float32 [2, 3]) and i (int32 [2, 3])) pairs, in order."""
    return [
        ("x * 2.0", lambda x, i: x * 2.0),
        ("x * 2.0 again", lambda x, i: x * 2.0),
        ("2.0 * x", lambda x, i: 2.0 * x),
        ("x + 1", lambda x, i: x + 1),
        ("1.0 + x", lambda x, i: 1.0 + x),
        ("x - 1.0", lambda x, i: x - 1.0),
        ("2.0 - x", lambda x, i: 2.0 - x),
        ("x / 2", lambda x, i: x / 2),
        ("2.0 / x", lambda x, i: 2.0 / x),
        ("x // 2.0", lambda x, i: x // 2.0),
        ("i % 3", lambda x, i: i % 3),
        ("x ** 2.0", lambda x, i: x ** 2.0),
        ("2.0 ** x", lambda x, i: 2.0 ** x),
        ("x < 1.0", lambda x, i: x < 1.0),
        ("x >= 1.0", lambda x, i: x >= 1.0),
        ("x + [1, 2, 3]", lambda x, i: x + [1.0, 2.0, 3.0]),
        ("x @ [[1.], [2.], [3.]]", lambda x, i: x @ [[1.0], [2.0], [3.0]]),
        ("tf.add(x, 1.0)", lambda x, i: tf.add(x, 1.0)),
        ("tf.add(x, 1.0, name=myadd)", lambda x, i: tf.add(x, 1.0, name="myadd")),
        ("tf.add(x, 1.0, name=myadd) again", lambda x, i: tf.add(x, 1.0, name="myadd")),
        ("tf.multiply(x, 3.0)", lambda x, i: tf.multiply(x, 3.0)),
        ("tf.multiply(3.0, x)", lambda x, i: tf.multiply(3.0, x)),
        ("tf.subtract(x, 3.0)", lambda x, i: tf.subtract(x, 3.0)),
        ("tf.divide(x, 3.0)", lambda x, i: tf.divide(x, 3.0)),
        ("tf.truediv(x, 3.0)", lambda x, i: tf.truediv(x, 3.0)),
        ("tf.div(x, 3.0)", lambda x, i: tf.div(x, 3.0)),
        ("tf.pow(x, 2)", lambda x, i: tf.pow(x, 2)),
        ("tf.maximum(x, 0.0)", lambda x, i: tf.maximum(x, 0.0)),
        ("tf.minimum(x, 0.0)", lambda x, i: tf.minimum(x, 0.0)),
        ("tf.squared_difference(x, 1.0)", lambda x, i: tf.squared_difference(x, 1.0)),
        ("tf.equal(x, 1.0)", lambda x, i: tf.equal(x, 1.0)),
        ("tf.less(x, 1.0)", lambda x, i: tf.less(x, 1.0)),
        ("tf.reshape(x, [3, 2])", lambda x, i: tf.reshape(x, [3, 2])),
        ("tf.reshape(x, [-1], name=r)", lambda x, i: tf.reshape(x, [-1], name="r")),
        ("tf.reduce_sum(x, axis=1)", lambda x, i: tf.reduce_sum(x, axis=1)),
        ("tf.reduce_sum(x)", lambda x, i: tf.reduce_sum(x)),
        ("tf.reduce_mean(x)", lambda x, i: tf.reduce_mean(x)),
        ("tf.reduce_mean(x, 0)", lambda x, i: tf.reduce_mean(x, 0)),
        ("tf.reduce_max(x, [0, 1])", lambda x, i: tf.reduce_max(x, [0, 1])),
        ("tf.reduce_min(x, 1, keepdims=True)", lambda x, i: tf.reduce_min(x, 1, keepdims=True)),
        ("tf.reduce_prod(x, 0)", lambda x, i: tf.reduce_prod(x, 0)),
        ("tf.reduce_any(x > 0.0, 1)", lambda x, i: tf.reduce_any(x > 0.0, 1)),
        ("tf.reduce_all(x > 0.0)", lambda x, i: tf.reduce_all(x > 0.0)),
        ("tf.concat([x, x], 0)", lambda x, i: tf.concat([x, x], 0)),
        ("tf.concat([x, x], axis=1)", lambda x, i: tf.concat([x, x], axis=1)),
        ("tf.matmul(x, [[1.], [2.], [3.]])", lambda x, i: tf.matmul(x, [[1.0], [2.0], [3.0]])),
        ("tf.expand_dims(x, 0)", lambda x, i: tf.expand_dims(x, 0)),
        ("tf.tile(x, [1, 2])", lambda x, i: tf.tile(x, [1, 2])),
        ("tf.gather(x, [0, 1])", lambda x, i: tf.gather(x, [0, 1])),
        ("tf.gather(x, [0], axis=1)", lambda x, i: tf.gather(x, [0], axis=1)),
        ("tf.transpose(x, [1, 0])", lambda x, i: tf.transpose(x, [1, 0])),
        ("tf.fill([2, 2], 1.0)", lambda x, i: tf.fill([2, 2], 1.0)),
        ("tf.one_hot([0, 2], 3)", lambda x, i: tf.one_hot([0, 2], 3)),
        ("tf.clip_by_value(x, 0.0, 1.0)", lambda x, i: tf.clip_by_value(x, 0.0, 1.0)),
        ("tf.slice(x, [0, 0], [1, 2])", lambda x, i: tf.slice(x, [0, 0], [1, 2])),
        ("x[0]", lambda x, i: x[0]),
        ("tf.cast(x, tf.int32) + 1", lambda x, i: tf.cast(x, tf.int32) + 1),
        ("tf.nn.relu(x) * 3", lambda x, i: tf.nn.relu(x) * 3),
        ("tf.square(x) ** 0.5", lambda x, i: tf.square(x) ** 0.5),
        ("tf.pad(x, [[1, 1], [0, 0]])", lambda x, i: tf.pad(x, [[1, 1], [0, 0]])),
        ("tf.argmax(x, 1)", lambda x, i: tf.argmax(x, 1)),
        ("tf.squeeze(tf.expand_dims(x, 0))",
         lambda x, i: tf.squeeze(tf.expand_dims(x, 0))),
        ("tf.zeros_like(x) + 1.0", lambda x, i: tf.zeros_like(x) + 1.0),
        ("tf.split(x, 3, 1)", lambda x, i: tf.split(x, 3, 1)),
        ("tf.stack([x, x])", lambda x, i: tf.stack([x, x])),
        ("tf.where(x > 0.0, x, x * 0.0)", lambda x, i: tf.where(x > 0.0, x, x * 0.0)),
        ("tf.range(3)", lambda x, i: tf.range(3)),
        ("tf.constant(1.0)", lambda x, i: tf.constant(1.0)),
        ("tf.nn.softmax(x)", lambda x, i: tf.nn.softmax(x)),
        ("tf.reduce_logsumexp(x, 1)", lambda x, i: tf.reduce_logsumexp(x, 1)),
        ("tf.floordiv(x, 2.0)", lambda x, i: tf.floordiv(x, 2.0)),
        ("tf.mod(i, 2)", lambda x, i: tf.mod(i, 2)),
        ("tf.greater(x, 0.5)", lambda x, i: tf.greater(x, 0.5)),
        ("tf.not_equal(x, 0.5)", lambda x, i: tf.not_equal(x, 0.5)),
        ("tf.reverse(x, [1])", lambda x, i: tf.reverse(x, [1])),
        ("tf.split(x, [1, 2], 1)", lambda x, i: tf.split(x, [1, 2], 1)),
        ("tf.zeros(tf.shape(x))", lambda x, i: tf.zeros(tf.shape(x))),
        ("tf.ones([2, tf.shape(x)[0]])", lambda x, i: tf.ones([2, tf.shape(x)[0]])),
        ("tf.fill(tf.shape(x), 2.0)", lambda x, i: tf.fill(tf.shape(x), 2.0)),
        ("tf.pad(x, [[1, 1], [0, 0]], constant_values=1.0)",
         lambda x, i: tf.pad(x, [[1, 1], [0, 0]], constant_values=1.0)),
        ("tf.pad(x, [[1, 1], [0, 0]], REFLECT)",
         lambda x, i: tf.pad(x, [[1, 1], [0, 0]], "REFLECT")),
        ("tf.argmin(x, 0)", lambda x, i: tf.argmin(x, 0)),
        ("tf.range(0.0, 1.0, 0.25)", lambda x, i: tf.range(0.0, 1.0, 0.25)),
        ("tf.where(x > 0.0, x, tf.zeros_like(x))",
         lambda x, i: tf.where(x > 0.0, x, tf.zeros_like(x))),
        ("tf.concat([x], 0)", lambda x, i: tf.concat([x], 0)),
        ("tf.matmul([[1., 2.]], x)", lambda x, i: tf.matmul([[1.0, 2.0]], x)),
        ("tf.reshape([1, 2, 3, 4], [2, 2])", lambda x, i: tf.reshape([1, 2, 3, 4], [2, 2])),
        ("tf.add([1.0, 2.0], 3.0)", lambda x, i: tf.add([1.0, 2.0], 3.0)),
        ("x * [1.0, 2.0, 3.0]", lambda x, i: x * [1.0, 2.0, 3.0]),
        ("tf.maximum(0.0, x)", lambda x, i: tf.maximum(0.0, x)),
        ("tf.reduce_sum(x, 1, name=total)", lambda x, i: tf.reduce_sum(x, 1, name="total")),
        ("tf.expand_dims(x, -1, name=e)", lambda x, i: tf.expand_dims(x, -1, name="e")),
        ("tf.gather(i, [1], axis=0)", lambda x, i: tf.gather(i, [1], axis=0)),
        ("tf.reduce_mean(x, axis=[0, 1])", lambda x, i: tf.reduce_mean(x, axis=[0, 1])),
        ("tf.squared_difference(2.0, x)", lambda x, i: tf.squared_difference(2.0, x)),
        ("tf.tile(i, [2, 1], name=t)", lambda x, i: tf.tile(i, [2, 1], name="t")),
        ("i * 2", lambda x, i: i * 2),
        ("i - 2", lambda x, i: i - 2),
        ("x > 0.5", lambda x, i: x > 0.5),
        ("x <= 0.5", lambda x, i: x <= 0.5),
        ("tf.logical_and(x > 0.0, True)", lambda x, i: tf.logical_and(x > 0.0, True)),
        ("tf.square([1.0, 2.0])", lambda x, i: tf.square([1.0, 2.0])),
        ("tf.exp(1.0)", lambda x, i: tf.exp(1.0)),
        ("tf.pow(2.0, x)", lambda x, i: tf.pow(2.0, x)),
        ("tf.sqrt(x + 1e-8)", lambda x, i: tf.sqrt(x + 1e-8)),
        ("tf.equal(tf.argmax(x, 1), 1)", lambda x, i: tf.equal(tf.argmax(x, 1), 1)),
    ]


def run(tf):
    """{label: [names of the ops the call added]} for every case, in one graph."""
    graph = tf.Graph()
    results = []
    with graph.as_default():
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        i = tf.placeholder(tf.int32, [2, 3], name="i")
        for label, fn in cases(tf):
            before = len(graph.get_operations())
            try:
                fn(x, i)
            except Exception as e:  # noqa: BLE001 - recorded, the test skips it
                results.append([label, f"error: {type(e).__name__}"])
                continue
            results.append([label, [op.name for op in graph.get_operations()[before:]]])
    return results


if __name__ == "__main__":
    if sys.argv[1] == "tf":
        import tensorflow.compat.v1 as tf_module

        tf_module.disable_v2_behavior()
    else:
        import minigraph as tf_module
    print("[\n" + ",\n".join(json.dumps(case) for case in run(tf_module)) + "\n]")
