"""Meta graphs: Saver.save writes `.meta`, tf.train.import_meta_graph rebuilds the graph, its
variables (optimizer slots included) and collections, and training continues in a new process
exactly as it would have in the old one."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigraph as tf
from minigraph.variables import Variable

pytest.importorskip("tensorboard.compat.proto.meta_graph_pb2")


def _build_model():
    tf.set_random_seed(7)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    step = tf.train.get_or_create_global_step()
    hidden = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 3, name="logits")
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits), name="loss")
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=step)  # joins "train_op"
    tf.add_to_collection("my_loss", loss)
    return loss, train, step


def _data(path):
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((32, 4)).astype(np.float32)
    ys = rng.integers(0, 3, 32).astype(np.int32)
    np.savez(path, x=xs, y=ys)
    return {"x:0": xs, "y:0": ys}


def _env_with_minigraph() -> dict:
    """The environment, with this checkout first on PYTHONPATH (a new process imports it)."""
    root = str(pathlib.Path(__file__).parent.parent)
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH", "")) if p))


RESTORE_AND_TRAIN = textwrap.dedent("""
    import json, sys
    import numpy as np
    import minigraph as tf

    meta, prefix, data = sys.argv[1:4]
    feed = {f"{k}:0": v for k, v in np.load(data).items()}
    with tf.Session() as sess:
        saver = tf.train.import_meta_graph(meta)
        saver.restore(sess, prefix)
        train_op = tf.get_collection("train_op")[0]
        loss = tf.get_collection("my_loss")[0]
        losses = [float(sess.run([loss, train_op], feed)[0]) for _ in range(5)]
        print(json.dumps({
            "losses": losses,
            "step": int(sess.run(tf.train.get_global_step())),
            "variables": [v.op.name for v in tf.global_variables()],
            "trainable": [v.op.name for v in tf.trainable_variables()],
            "all_variables": all(isinstance(v, tf.Variable) for v in tf.global_variables()),
        }))
""")


@pytest.mark.slow
def test_save_then_restore_in_a_new_process_and_keep_training(tmp_path):
    loss, train, step = _build_model()
    feed = _data(tmp_path / "data.npz")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train, feed)
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
        expected = [float(sess.run([loss, train], feed)[0]) for _ in range(5)]
        names = [v.op.name for v in tf.global_variables()]
    assert prefix.endswith("model.ckpt-5") and (tmp_path / "model.ckpt-5.meta").is_file()
    result = subprocess.run(
        [sys.executable, "-c", RESTORE_AND_TRAIN, prefix + ".meta", prefix,
         str(tmp_path / "data.npz")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=_env_with_minigraph(),
    )
    assert result.returncode == 0, result.stderr
    restored = json.loads(result.stdout)
    assert restored["losses"] == expected  # bit for bit: the same ops on the same values
    assert restored["step"] == 10
    assert restored["variables"] == names and restored["all_variables"]
    assert "hidden/kernel/Adam_1" in names and "beta1_power" in names
    assert restored["trainable"] == ["hidden/kernel", "hidden/bias", "logits/kernel",
                                     "logits/bias"]


def test_variables_come_back_as_the_same_variables_in_every_collection():
    w = tf.Variable([1.0, 2.0], name="w")
    tf.Variable(0, name="counter", trainable=False)
    tf.add_to_collection("numbers", 3)
    tf.add_to_collection("numbers", 4)
    tf.add_to_collection("rates", 0.5)
    tf.add_to_collection("names", "first")
    tf.add_to_collection("outputs", w * 2.0)
    tf.add_to_collection("mine", w)
    meta = tf.train.export_meta_graph()
    assert meta.collection_def["variables"].WhichOneof("kind") == "bytes_list"
    assert list(meta.collection_def["mine"].node_list.value) == ["w:0"]
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(meta) is not None
        (w2, c2) = tf.global_variables()
        assert isinstance(w2, Variable) and w2.name == "w:0" and repr(w2) == repr(w)
        assert tf.trainable_variables() == [w2] and not c2.trainable
        assert tf.get_collection("mine") == [w2]
        assert tf.get_collection("numbers") == [3, 4]
        assert tf.get_collection("rates") == [0.5] and tf.get_collection("names") == ["first"]
        (doubled,) = tf.get_collection("outputs")
        assert doubled.op.inputs[0] is w2  # consumers read the Variable itself
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(doubled), [2.0, 4.0])
            assert w2.initial_value.op.type == "Const"
            assert sess.run(c2.assign_add(2)) == 2


def test_import_scope_and_a_saver_with_its_own_keys(tmp_path):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable([2.0, 3.0], name="b")
    saver = tf.train.Saver({"first": a, "second": b})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "ckpt"))
    assert sorted(np.load(prefix + ".npz").files) == ["first", "second"]
    with tf.Graph().as_default():
        tf.constant(0.0, name="a")  # the name is taken: the imported op becomes scoped anyway
        restorer = tf.train.import_meta_graph(prefix + ".meta", import_scope="copy")
        assert [v.name for v in tf.global_variables()] == ["copy/a:0", "copy/b:0"]
        with tf.Session() as sess:
            restorer.restore(sess, prefix)
            assert sess.run("copy/a:0") == 1.0
            np.testing.assert_array_equal(sess.run("copy/b:0"), [2.0, 3.0])
        assert restorer.as_saver_def().restore_op_name == "copy/save/restore_all"


def test_meta_graph_files_text_and_binary(tmp_path):
    tf.Variable(1.0, name="w")
    tf.add_to_collection("odd", object())
    with pytest.warns(UserWarning, match="serializing odd"):
        tf.train.export_meta_graph(str(tmp_path / "graph.meta"))
    with pytest.warns(UserWarning):
        text = tf.train.Saver().export_meta_graph(str(tmp_path / "graph.pbtxt"), as_text=True)
    assert (tmp_path / "graph.pbtxt").read_text().startswith("graph_def {")
    assert text.saver_def.restore_op_name == "save/restore_all"
    for name in ("graph.meta", "graph.pbtxt"):
        with tf.Graph().as_default():
            saver = tf.train.import_meta_graph(str(tmp_path / name))
            assert [v.op.name for v in tf.global_variables()] == ["w"]
            assert tf.get_collection("odd") == []
            assert saver is not None
    (tmp_path / "bad.meta").write_bytes(b"\xff\xfe not a proto")
    with pytest.raises(tf.errors.DataLossError, match="bad.meta"):
        tf.train.import_meta_graph(str(tmp_path / "bad.meta"))
    with pytest.raises(OSError, match="does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "missing.meta"))


def test_batch_norm_graphs_export_without_warnings(recwarn):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    out = tf.layers.batch_normalization(x, training=True)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(out))
    meta = tf.train.export_meta_graph()
    assert not [w for w in recwarn if "serializing" in str(w.message)]
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta)
        assert tf.get_collection("train_op")[0].name == train.name
        assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2


def test_no_variables_no_saver():
    tf.constant(1.0)
    meta = tf.train.export_meta_graph()
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(meta) is None


def test_a_saver_def_needs_imported_variables():
    w = tf.Variable(1.0, name="w")
    saver = tf.train.Saver([w])
    graph_def = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")  # ops only: no Variables
        with pytest.raises(ValueError, match="import_meta_graph"):
            tf.train.Saver(saver_def=saver.as_saver_def())


def test_write_meta_graph_false_and_old_meta_files_deleted(tmp_path):
    w = tf.Variable(0.0, name="w")
    saver = tf.train.Saver(max_to_keep=1)
    with tf.Session() as sess:
        sess.run(w.initializer)
        saver.save(sess, str(tmp_path / "m"), global_step=1)
        saver.save(sess, str(tmp_path / "m"), global_step=2, write_meta_graph=False)
        saver.save(sess, str(tmp_path / "m"), global_step=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint", "m-3.meta", "m-3.npz"]


@pytest.mark.parametrize("name", [
    "minigraph.protos", "minigraph.attr_value", "minigraph.op_mapping", "minigraph.graph_def",
    "minigraph.graph_util", "minigraph.meta_graph", "minigraph.summary.encoding",
    "minigraph.summary.summary_ops", "minigraph.summary.writer",
    "minigraph.summary.summary_iterator",
])
def test_docstring_examples_of_the_protobuf_modules(name):
    import doctest
    import importlib

    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0, f"{name}: see the failures above"
