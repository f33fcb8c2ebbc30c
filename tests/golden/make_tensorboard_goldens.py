"""Makes the TensorFlow goldens of minigraph's GraphDef, import and summary tests.

Run with real TensorFlow (tests never need it), from the repository root:

    /path/to/python-with-tensorflow tests/golden/make_tensorboard_goldens.py

Made with tensorflow-cpu 2.21.0 through `tensorflow.compat.v1` (graph mode, TF1 behaviour).
It writes:

* `tests/data/frozen_mlp.pb`: an 8-16-3 MLP (dense layers as tf.layers.dense builds them, relu,
  softmax) trained for 20 Adam steps, frozen with `graph_util.convert_variables_to_constants`,
  and `tests/data/frozen_mlp.npz` with an input batch and TensorFlow's logits and probabilities;
* `tests/data/tf_graph_ops.pb` and `.npz`: a graph of ops TensorFlow writes differently from
  minigraph (StridedSlice with masks, Transpose with a perm input, AddV2, Softmax without
  axis, ...) with TensorFlow's outputs for one input;
* `tests/golden/tensorboard_goldens.json`: the NodeDefs (op, inputs, attribute names and dtype
  attributes) TensorFlow writes for a small program, and the summaries it computes (histogram
  buckets, image pixels, WAV bytes, tags and op names).
"""

import json
import os

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.core.framework import summary_pb2

tf.disable_v2_behavior()

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "data")
GOLDEN = os.path.join(ROOT, "golden", "tensorboard_goldens.json")

# Attributes TensorFlow 2.x adds that TF1.15 did not write; minigraph follows TF1.
TF2_ONLY_ATTRS = {"grad_a", "grad_b", "_has_manual_control_dependencies"}


def dense(inputs, units, name):
    """What TF1's tf.layers.dense builds (unavailable with Keras 3): MatMul, then BiasAdd."""
    with tf.variable_scope(name):
        kernel = tf.get_variable("kernel", [inputs.shape[1], units],
                                 initializer=tf.glorot_uniform_initializer())
        bias = tf.get_variable("bias", [units], initializer=tf.zeros_initializer())
        return tf.nn.bias_add(tf.matmul(inputs, kernel), bias)


def frozen_mlp():
    rng = np.random.default_rng(0)
    x_train = rng.standard_normal((64, 8)).astype(np.float32)
    y_train = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(1)
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        y = tf.placeholder(tf.float32, [None, 3], name="y")
        hidden = tf.nn.relu(dense(x, 16, "hidden"))
        logits = dense(hidden, 3, "logits")
        probabilities = tf.nn.softmax(logits, name="probabilities")
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                         logits=logits))
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(20):
                sess.run(train, {x: x_train, y: y_train})
            frozen = tf.graph_util.convert_variables_to_constants(
                sess, graph.as_graph_def(), ["probabilities"])
            batch = rng.standard_normal((5, 8)).astype(np.float32)
            out_logits, out_probabilities = sess.run([logits, probabilities], {x: batch})
    with open(os.path.join(DATA, "frozen_mlp.pb"), "wb") as f:
        f.write(frozen.SerializeToString())
    np.savez(os.path.join(DATA, "frozen_mlp.npz"), x=batch, logits=out_logits,
             probabilities=out_probabilities)
    return sorted({node.op for node in frozen.node})


def graph_ops():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 4, 3], name="x")
        b = tf.constant([0.5, -1.0, 2.0], name="b")
        outputs = {
            "slice_column": x[:, 1],
            "slice_step": x[..., ::2],
            "slice_newaxis": x[:, None, 1:3, -1],
            "slice_first": x[0],
            "slice_reverse": x[:, ::-1, 1:],
            "batch_size": tf.shape(x)[0],
            "transposed": tf.transpose(x, [0, 2, 1]),
            "softmax": tf.nn.softmax(x),
            "log_softmax": tf.nn.log_softmax(x),
            "bias_add": tf.nn.bias_add(x, b),
            "add_v2": x + 1.0,
            "div": tf.div(x, 4.0),
            "sum_keep": tf.reduce_sum(x, axis=1, keepdims=True),
            "mean": tf.reduce_mean(x, axis=[0, 2]),
            "argmax": tf.argmax(x, axis=2),
            "reshape": tf.reshape(x, [-1, 6]),
            "concat": tf.concat([x, x * 2.0], axis=2),
            "stack": tf.stack([x, x], axis=1),
            "squeeze": tf.squeeze(x[:, :1], axis=[1]),
            "expand": tf.expand_dims(x, -1),
            "cast": tf.cast(x * 3.0, tf.int32),
            "tile": tf.tile(x, [1, 2, 1]),
            "gather": tf.gather(x, [2, 0], axis=1),
            "maximum": tf.maximum(x, 0.25),
            "where": tf.where(x > 0.0, x, -x),
            "sigmoid_tanh": tf.sigmoid(x) * tf.tanh(x),
            "sqrt_log_exp": tf.sqrt(tf.abs(x)) + tf.log(tf.abs(x) + 1.0) - tf.exp(-x),
            "matmul": tf.matmul(tf.reshape(x, [-1, 3]), np.eye(3, 2, dtype=np.float32)),
        }
        value = np.random.default_rng(1).standard_normal((2, 4, 3)).astype(np.float32)
        with tf.Session() as sess:
            results = sess.run(outputs, {x: value})
    with open(os.path.join(DATA, "tf_graph_ops.pb"), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString())
    # Each output under its key, and the names of the tensors it came from, in the same order.
    names = np.array([outputs[key].name for key in sorted(outputs)])
    np.savez(os.path.join(DATA, "tf_graph_ops.npz"), x=value, tensor_names=names,
             **{key: results[key] for key in sorted(outputs)})
    return sorted({node.op for node in graph.as_graph_def().node})


def node_defs():
    """The program of tests/test_graph_def.py::test_node_defs_match_tensorflow."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("layer1"):
            w = tf.Variable(tf.zeros([3, 2]), name="W")
            b = tf.Variable(0.0, name="b")
            y = tf.nn.relu(tf.matmul(x, w) + b)
        s = tf.reduce_sum(y, axis=1, keepdims=True)
        c = tf.cast(s, tf.int32)
        tf.reshape(y, [-1])
        tf.concat([y, y], 1)
        tf.expand_dims(y, 0)
        tf.tile(y, [1, 2])
        tf.fill([2, 2], 1.5)
        tf.argmax(y, 1)
        tf.shape(y)
        tf.one_hot([0, 1], 3)
        tf.gather(y, [0])
        tf.assign_add(b, 1.0)
        with tf.control_dependencies([c]):
            tf.identity(s, name="n")
        loss = tf.summary.scalar("loss", tf.reduce_mean(s))
        hist = tf.summary.histogram("W", w)
        tf.summary.image("img", tf.zeros([1, 2, 2, 1]))
        tf.summary.text("note", tf.constant("hi"))
        tf.summary.merge([loss, hist])
    nodes = {}
    for node in graph.as_graph_def().node:
        nodes[node.name] = {
            "op": node.op,
            "input": list(node.input),
            "attr": sorted(k for k in node.attr if k not in TF2_ONLY_ATTRS and k != "_class"),
            "types": {k: tf.as_dtype(v.type).name for k, v in node.attr.items()
                      if v.WhichOneof("value") == "type"},
        }
    return nodes


def summaries():
    histograms = {
        "mixed": [0.0, 1.0, -1.0, 2.5, 1e-13, -3.0, 1.0],
        "ints": [1, 2, 3],
        "normal": np.random.default_rng(2).standard_normal(1000).astype(np.float32).tolist(),
    }
    images = {
        "signed": np.linspace(-1, 2, 2 * 3 * 4).reshape(2, 3, 4, 1).astype(np.float32),
        "rgb": np.linspace(0, 2, 2 * 2 * 3).reshape(1, 2, 2, 3).astype(np.float32),
        "nonfinite": np.array([[[[0.5], [np.nan]], [[np.inf], [1.0]]]], dtype=np.float32),
    }
    audio = np.concatenate([np.linspace(-1.2, 1.2, 13),
                            [0.5 / 32768, 1.5 / 32768, -0.5 / 32768, 0.99999]])
    graph = tf.Graph()
    out = {"histograms": {}, "images": {}, "names": {}}
    with graph.as_default(), tf.Session() as sess:
        for key, values in histograms.items():
            dtype = tf.int32 if key == "ints" else tf.float32
            histo = summary_pb2.Summary.FromString(
                sess.run(tf.summary.histogram(key, tf.constant(values, dtype)))).value[0].histo
            out["histograms"][key] = {
                "values": values, "min": histo.min, "max": histo.max, "num": histo.num,
                "sum": histo.sum, "sum_squares": histo.sum_squares,
                "bucket_limit": list(histo.bucket_limit), "bucket": list(histo.bucket),
            }
        for key, images_value in images.items():
            summary = summary_pb2.Summary.FromString(
                sess.run(tf.summary.image(key, tf.constant(images_value), max_outputs=3)))
            out["images"][key] = {
                "input": np.nan_to_num(images_value, nan=-999.0, posinf=999.0).tolist(),
                "tags": [v.tag for v in summary.value],
                "pixels": [sess.run(tf.image.decode_png(v.image.encoded_image_string)).tolist()
                           for v in summary.value],
            }
        clip = tf.constant(audio.astype(np.float32).reshape(1, -1, 1))
        value = summary_pb2.Summary.FromString(
            sess.run(tf.summary.audio("clip", clip, 8000.7, max_outputs=1))).value[0]
        out["audio"] = {"input": audio.astype(np.float32).tolist(), "tag": value.tag,
                        "sample_rate": value.audio.sample_rate,
                        "wav_hex": value.audio.encoded_audio_string.hex()}
        loss = tf.constant(3.5)
        with tf.name_scope("train"):
            first = tf.summary.scalar("loss", loss)
            second = tf.summary.scalar("loss", loss)
            family = tf.summary.scalar("acc", loss, family="fam")
            odd = tf.summary.scalar("loss (smoothed)", loss)
        merged = tf.summary.merge_all()
        results = sess.run([first, second, family, odd])
        for tensor, serialized in zip([first, second, family, odd], results):
            tag = summary_pb2.Summary.FromString(serialized).value[0].tag
            out["names"][tensor.op.name] = tag
        out["names"]["merge_all"] = merged.op.name
    return out


def main():
    os.makedirs(DATA, exist_ok=True)
    goldens = {
        "tensorflow": tf.__version__,
        "frozen_mlp_op_types": frozen_mlp(),
        "graph_ops_op_types": graph_ops(),
        "node_defs": node_defs(),
        "summaries": summaries(),
    }
    with open(GOLDEN, "w") as f:
        json.dump(goldens, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", GOLDEN, "and tests/data/frozen_mlp.*, tests/data/tf_graph_ops.*")


if __name__ == "__main__":
    main()
