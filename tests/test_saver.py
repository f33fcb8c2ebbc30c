"""tf.train.Saver: round trips into fresh sessions, the checkpoint index, max_to_keep, and the
failure cases: missing / misshapen variables, truncated, corrupt and pickled files, a crash
in the middle of a save."""

import os

import numpy as np
import pytest

import minigraph as tf
from minigraph.train import saver as saver_module

W0 = np.arange(6, dtype=np.float32).reshape(2, 3)


def _model():
    """Two variables, Adam slots and a global step: everything a training checkpoint holds."""
    w = tf.Variable(W0, name="W")
    b = tf.Variable([0.5, -0.5, 1.0], name="b")
    step = tf.train.get_or_create_global_step()
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.constant([[1.0, 2.0]]), w) + b))
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
    return w, b, step, train


def _all_values(sess):
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


def test_round_trip_into_a_fresh_session_without_initializers(tmp_path):
    w, b, step, train = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        saved = _all_values(sess)
        path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
        sess.run(train)
        next_values = _all_values(sess)
    assert path == str(tmp_path / "model.ckpt-3")
    assert os.path.isfile(path + ".npz")
    with tf.Session() as fresh:
        saver.restore(fresh, path)
        restored = _all_values(fresh)
        fresh.run(train)  # training resumes exactly where it stopped
        resumed = _all_values(fresh)
    assert sorted(restored) == sorted(saved) == [
        "W", "W/Adam", "W/Adam_1", "b", "b/Adam", "b/Adam_1", "beta1_power", "beta2_power",
        "global_step",
    ]
    for name in saved:
        np.testing.assert_array_equal(restored[name], saved[name], err_msg=name)
        np.testing.assert_array_equal(resumed[name], next_values[name], err_msg=name)
        assert restored[name].dtype == saved[name].dtype


def test_restore_into_a_new_graph_built_the_same_way(tmp_path):
    w, _, _, _ = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, W0 * 10))
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    tf.reset_default_graph()
    w2, _, _, _ = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w2), W0 * 10)


def test_latest_checkpoint_and_the_index_file(tmp_path):
    w = tf.Variable(1.0, name="w")
    saver = tf.train.Saver()
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in (10, 20):
            saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model.ckpt-20")
    index = (tmp_path / "checkpoint").read_text()
    assert index == (
        'model_checkpoint_path: "model.ckpt-20"\n'
        'all_model_checkpoint_paths: "model.ckpt-10"\n'
        'all_model_checkpoint_paths: "model.ckpt-20"\n'
    )
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == [
        str(tmp_path / "model.ckpt-10"), str(tmp_path / "model.ckpt-20")
    ]
    assert saver.last_checkpoints == [str(tmp_path / "model.ckpt-10"),
                                      str(tmp_path / "model.ckpt-20")]


def test_relative_paths_work_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = tf.Variable(4.0, name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert saver.save(sess, "model.ckpt", global_step=1) == "model.ckpt-1"
        latest = tf.train.latest_checkpoint(".")
        sess.run(tf.assign(w, 0.0))
        saver.restore(sess, latest)
        assert sess.run(w) == 4.0


def test_max_to_keep_deletes_old_checkpoints(tmp_path):
    w = tf.Variable(0.0, name="w")
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in range(1, 5):
            sess.run(tf.assign(w, float(step)))
            saver.save(sess, str(tmp_path / "m"), global_step=step)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["checkpoint", "m-3.meta", "m-3.npz", "m-4.meta", "m-4.npz"]
    assert "m-2" not in (tmp_path / "checkpoint").read_text()
    with tf.Session() as sess:
        saver.restore(sess, str(tmp_path / "m-3"))
        assert sess.run(w) == 3.0


def test_var_list_as_list_and_as_dict(tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(3.0, name="b")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        only_a = tf.train.Saver([a]).save(sess, str(tmp_path / "only_a"))
        renamed = tf.train.Saver({"layer/kernel": a}).save(sess, str(tmp_path / "renamed"))
    with np.load(only_a + ".npz", allow_pickle=False) as data:
        assert data.files == ["a"]
    with np.load(renamed + ".npz", allow_pickle=False) as data:
        assert data.files == ["layer/kernel"]
    c = tf.Variable([0.0, 0.0], name="c")
    with tf.Session() as sess:
        sess.run(b.initializer)
        tf.train.Saver({"layer/kernel": c}).restore(sess, renamed)
        np.testing.assert_array_equal(sess.run(c), [1.0, 2.0])


def test_saving_and_restoring_adds_no_ops(tmp_path):
    w, b, step, train = _model()
    saver = tf.train.Saver()
    graph = tf.get_default_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        n_ops = len(graph.get_operations())
        for i in range(3):
            path = saver.save(sess, str(tmp_path / "m"), global_step=i)
            saver.restore(sess, path)
        assert len(graph.get_operations()) == n_ops
    assert graph.get_operation_by_name("save/restore_all").type == "NoOp"


def test_missing_variable_is_not_found_naming_it(tmp_path):
    w = tf.Variable(1.0, name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.Variable(2.0, name="extra")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError, match="Key extra not found in checkpoint"):
            saver.restore(sess, path)


def test_differently_shaped_variable_is_invalid_argument_naming_it(tmp_path):
    w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    tf.Variable(np.zeros((3, 2), np.float32), name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        mismatch = r"'w' has shape \[3,2\].*\[2, 3\]"
        with pytest.raises(tf.errors.InvalidArgumentError, match=mismatch):
            saver.restore(sess, path)
    tf.reset_default_graph()
    tf.Variable(np.zeros((2, 3), np.float64), name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="'w' is float64 in the graph"):
            saver.restore(sess, path)


def _saved_checkpoint(tmp_path):
    w = tf.Variable(np.arange(50, dtype=np.float32), name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = saver.save(sess, str(tmp_path / "m"))
    return saver, path


def test_truncated_file_is_data_loss_naming_it(tmp_path):
    saver, path = _saved_checkpoint(tmp_path)
    data = open(path + ".npz", "rb").read()
    with open(path + ".npz", "wb") as f:
        f.write(data[: len(data) // 2])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match=r"m\.npz.*truncated or corrupt"):
            saver.restore(sess, path)


def test_corrupt_bytes_are_data_loss(tmp_path):
    saver, path = _saved_checkpoint(tmp_path)
    data = bytearray(open(path + ".npz", "rb").read())
    data[len(data) // 3] ^= 0xFF
    with open(path + ".npz", "wb") as f:
        f.write(bytes(data))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match=r"m\.npz.*corrupt"):
            saver.restore(sess, path)


def test_pickled_objects_are_refused(tmp_path):
    saver, path = _saved_checkpoint(tmp_path)
    np.savez(path + ".npz", w=np.array([{"not": "data"}], dtype=object))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match="pickled Python objects"):
            saver.restore(sess, path)


def test_crash_mid_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    w = tf.Variable([1.0, 2.0], name="w")
    saver = tf.train.Saver()
    prefix = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(w.initializer)
        saver.save(sess, prefix)
        index_before = (tmp_path / "checkpoint").read_text()
        sess.run(tf.assign(w, [7.0, 8.0]))

        def crash_midway(file, **arrays):
            file.write(b"PK\x03\x04 half a checkpoint")
            raise OSError("No space left on device")

        monkeypatch.setattr(saver_module.np, "savez", crash_midway)
        with pytest.raises(OSError, match="No space left"):
            saver.save(sess, prefix)
        monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "checkpoint", "model.ckpt.meta", "model.ckpt.npz"
    ]
    assert (tmp_path / "checkpoint").read_text() == index_before
    with tf.Session() as fresh:
        saver.restore(fresh, tf.train.latest_checkpoint(str(tmp_path)))
        np.testing.assert_array_equal(fresh.run(w), [1.0, 2.0])


def test_save_and_restore_argument_errors(tmp_path):
    w = tf.Variable(1.0, name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(ValueError, match="doesn't exist, can't save"):
            saver.save(sess, str(tmp_path / "no_such_dir" / "m"))
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(sess, str(tmp_path / "never_saved"))
        with pytest.raises(ValueError, match="None"):
            saver.restore(sess, None)
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    a = tf.Variable(1.0, name="a")
    with pytest.raises(ValueError, match="same name: a"):
        tf.train.Saver([a, a])
    with pytest.raises(TypeError, match="must be a Variable"):
        tf.train.Saver({"a": a * 2})
