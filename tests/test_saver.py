"""tf.train.Saver: round trips into fresh sessions, the checkpoint index, max_to_keep, and the
failure cases: missing / misshapen variables, truncated, corrupt and pickled files, a crash
in the middle of a save."""

import os

import numpy as np
import pytest

import minigraph as tf
from minigraph.train import checkpoint_management
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

        def crash_midway(file, array, **kwargs):
            file.write(b"\x93NUMPY half an array")
            raise OSError("No space left on device")

        monkeypatch.setattr(saver_module.np.lib.format, "write_array", crash_midway)
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


# ---------------------------------------------------------------- data loss under crashes
def _counting_saver(**kwargs):
    w = tf.Variable(0.0, name="w")
    return w, tf.train.Saver(**kwargs)


def _save_steps(sess, w, saver, prefix, steps, **kwargs):
    for step in steps:
        sess.run(tf.assign(w, float(step)))
        saver.save(sess, prefix, global_step=step, **kwargs)


def _restored_w(directory):
    """The value of `w` in the newest checkpoint of `directory`, restored in a new graph."""
    with tf.Graph().as_default():
        w = tf.Variable(-1.0, name="w")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(directory))
            return sess.run(w)


def test_the_index_is_rewritten_before_old_checkpoints_are_deleted(tmp_path, monkeypatch):
    w, saver = _counting_saver(max_to_keep=1)
    prefix = str(tmp_path / "m")
    real_remove = os.remove

    def crash_while_deleting_a_checkpoint(path, *args, **kwargs):
        if str(path).endswith((".npz", ".meta")):
            raise KeyboardInterrupt("killed while deleting the oldest checkpoint")
        real_remove(path, *args, **kwargs)

    with tf.Session() as sess:
        sess.run(w.initializer)
        _save_steps(sess, w, saver, prefix, [1])
        monkeypatch.setattr(os, "remove", crash_while_deleting_a_checkpoint)
        with pytest.raises(KeyboardInterrupt):
            _save_steps(sess, w, saver, prefix, [2])
        monkeypatch.undo()
    assert tf.train.latest_checkpoint(str(tmp_path)) == prefix + "-2"
    assert _restored_w(str(tmp_path)) == 2.0


def _recovered_saver_saves(directory, step, max_to_keep):
    """A new process's restart: a new Saver adopts the index's list, restores, saves once."""
    with tf.Graph().as_default():
        w = tf.Variable(-1.0, name="w")
        saver = tf.train.Saver(max_to_keep=max_to_keep)
        state = tf.train.get_checkpoint_state(directory)
        saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
        with tf.Session() as sess:
            saver.restore(sess, state.model_checkpoint_path)
            _save_steps(sess, w, saver, os.path.join(directory, "m"), [step])
    return sorted(os.listdir(directory))


def test_a_checkpoint_left_by_a_crash_while_deleting_is_deleted_later(tmp_path, monkeypatch):
    w, saver = _counting_saver(max_to_keep=1)
    prefix = str(tmp_path / "m")
    real_remove = os.remove

    def crash_after_deleting_one_file(path, *args, **kwargs):
        real_remove(path, *args, **kwargs)
        if str(path).endswith((".npz", ".meta")):
            raise KeyboardInterrupt("killed between deleting the .meta and the .npz")

    with tf.Session() as sess:
        sess.run(w.initializer)
        _save_steps(sess, w, saver, prefix, [1])
        monkeypatch.setattr(os, "remove", crash_after_deleting_one_file)
        with pytest.raises(KeyboardInterrupt):
            _save_steps(sess, w, saver, prefix, [2])
        monkeypatch.undo()
    assert _restored_w(str(tmp_path)) == 2.0
    files = _recovered_saver_saves(str(tmp_path), 3, max_to_keep=1)
    assert files == ["checkpoint", "m-3.meta", "m-3.npz"]


def test_a_checkpoint_the_index_does_not_list_yet_is_found(tmp_path, monkeypatch):
    w, saver = _counting_saver(max_to_keep=3)
    prefix = str(tmp_path / "m")
    real_replace = os.replace

    def crash_before_the_index_is_updated(src, dst, *args, **kwargs):
        if os.path.basename(str(dst)) == "checkpoint" and os.path.exists(dst):
            raise KeyboardInterrupt("killed before the index named the new checkpoint")
        real_replace(src, dst, *args, **kwargs)

    with tf.Session() as sess:
        sess.run(w.initializer)
        _save_steps(sess, w, saver, prefix, [1, 2])
        monkeypatch.setattr(os, "replace", crash_before_the_index_is_updated)
        with pytest.raises(KeyboardInterrupt):
            _save_steps(sess, w, saver, prefix, [3])
        monkeypatch.undo()
    assert "m-3" not in (tmp_path / "checkpoint").read_text()
    with pytest.warns(UserWarning, match=r"does not list .*m-3"):
        state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == prefix + "-3"
    assert state.all_model_checkpoint_paths == [prefix + "-1", prefix + "-2", prefix + "-3"]
    with pytest.warns(UserWarning):
        assert _restored_w(str(tmp_path)) == 3.0
    with pytest.warns(UserWarning):
        files = _recovered_saver_saves(str(tmp_path), 4, max_to_keep=2)
    assert files == ["checkpoint", "m-3.meta", "m-3.npz", "m-4.meta", "m-4.npz"]
    assert tf.train.latest_checkpoint(str(tmp_path)) == prefix + "-4"


def test_latest_checkpoint_recovers_when_the_index_names_a_deleted_file(tmp_path):
    w, saver = _counting_saver(max_to_keep=None)
    prefix = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(w.initializer)
        _save_steps(sess, w, saver, prefix, [1, 2, 3])
    # What deleting before rewriting the index left after a crash: the index names m-2, which
    # is gone, while m-3 is complete.
    (tmp_path / "checkpoint").write_text(
        'model_checkpoint_path: "m-2"\nall_model_checkpoint_paths: "m-2"\n'
    )
    os.remove(prefix + "-2.npz")
    with pytest.warns(UserWarning, match=r"m-2.*m-3"):
        assert tf.train.latest_checkpoint(str(tmp_path)) == prefix + "-3"
    with pytest.warns(UserWarning):
        assert _restored_w(str(tmp_path)) == 3.0
    # The newest entry deleted by hand, the older ones complete: the newest complete one.
    (tmp_path / "checkpoint").write_text(
        'model_checkpoint_path: "m-3"\n'
        'all_model_checkpoint_paths: "m-1"\nall_model_checkpoint_paths: "m-3"\n'
    )
    os.remove(prefix + "-3.npz")
    with pytest.warns(UserWarning, match=r"m-3.*does not exist.*m-1"):
        assert tf.train.latest_checkpoint(str(tmp_path)) == prefix + "-1"
    os.remove(prefix + "-1.npz")
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


# ---------------------------------------------------------------- names and bad files
def test_any_checkpoint_key_round_trips(tmp_path):
    keys = ["file", "allow_pickle", "args", "kwds", "fix_imports", "a/b:0", "x.npy", "x",
            "ünï/кот", "with space", ".hidden", "", "trailing/"]
    variables = {key: tf.Variable(np.full(2, i, np.float32), name=f"v{i}")
                 for i, key in enumerate(keys)}
    file_var = tf.Variable(7.0, name="file")
    allow_var = tf.Variable([1, 2], name="allow_pickle")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        by_key = tf.train.Saver(variables).save(sess, str(tmp_path / "keys"))
        by_name = tf.train.Saver([file_var, allow_var]).save(sess, str(tmp_path / "names"))
    with np.load(by_key + ".npz", allow_pickle=False) as data:
        assert sorted(data.files) == sorted(keys)
    zeros = {key: tf.Variable(np.zeros(2, np.float32), name="z") for key in keys}
    with tf.Session() as sess:
        tf.train.Saver(zeros).restore(sess, by_key)
        for i, key in enumerate(keys):
            np.testing.assert_array_equal(sess.run(zeros[key]), [i, i], err_msg=key)
        sess.run([file_var.initializer, allow_var.initializer])
        sess.run([tf.assign(file_var, 0.0), tf.assign(allow_var, [0, 0])])
        tf.train.Saver([file_var, allow_var]).restore(sess, by_name)
        assert sess.run(file_var) == 7.0
        np.testing.assert_array_equal(sess.run(allow_var), [1, 2])


def test_checkpoint_keys_a_zip_archive_cannot_hold_are_refused():
    v = tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match=r"'a\\x00b'.*NUL"):
        tf.train.Saver({"a\x00b": v})
    with pytest.raises(TypeError, match="names in the checkpoint must be strings.*3"):
        tf.train.Saver({3: v})


def _write_zip(path, members):
    import zipfile
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _npy_bytes(array):
    import io
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array))
    return buffer.getvalue()


def test_an_archive_member_with_an_unexpected_name_is_data_loss(tmp_path):
    saver, path = _saved_checkpoint(tmp_path)
    values = np.arange(50, dtype=np.float32)
    _write_zip(path + ".npz", {"w": _npy_bytes(values)})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match=r"m\.npz.*member 'w'.*\.npy"):
            saver.restore(sess, path)
    _write_zip(path + ".npz", {"w.npy": _npy_bytes(values), "notes/": b""})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match=r"m\.npz.*member 'notes/'"):
            saver.restore(sess, path)
    _write_zip(path + ".npz", {"w.npy": b"not an array at all"})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match=r"m\.npz.*'w'.*corrupt"):
            saver.restore(sess, path)


def test_an_array_header_larger_than_its_member_is_data_loss(tmp_path):
    saver, path = _saved_checkpoint(tmp_path)
    header = _npy_bytes(np.zeros(50, np.float32))
    huge = header.replace(b"(50,)", b"(10000000000,)".ljust(len(b"(50,)")))
    header_end = huge.index(b"\n") + 1
    _write_zip(path + ".npz", {"w.npy": huge[:header_end] + b"\0" * 64})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError, match=r"m\.npz.*'w'.*truncated"):
            saver.restore(sess, path)


def test_an_unreadable_checkpoint_index_is_data_loss_naming_it(tmp_path):
    _saved_checkpoint(tmp_path)
    index = tmp_path / "checkpoint"
    index.write_bytes(bytes(range(256)))
    for read in (tf.train.latest_checkpoint, tf.train.get_checkpoint_state):
        with pytest.raises(tf.errors.DataLossError, match=r"index .*checkpoint.* not text"):
            read(str(tmp_path))
    index.write_text("")
    with pytest.raises(tf.errors.DataLossError, match="no model_checkpoint_path"):
        tf.train.latest_checkpoint(str(tmp_path))


def test_global_step_must_be_a_whole_number(tmp_path):
    w = tf.Variable(1.0, name="w")
    nan_step = tf.constant(float("nan"))
    saver = tf.train.Saver()
    prefix = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(w.initializer)
        for bad in (float("nan"), float("inf"), nan_step, 2.5):
            with pytest.raises(ValueError, match="global_step.*whole number"):
                saver.save(sess, prefix, global_step=bad)
        for bad in ("5", [1], object()):
            with pytest.raises(TypeError, match="global_step"):
                saver.save(sess, prefix, global_step=bad)
        assert saver.save(sess, prefix, global_step=3.0) == prefix + "-3"
        assert saver.save(sess, prefix, global_step=np.int64(4)) == prefix + "-4"
        assert saver.save(sess, prefix, global_step=tf.constant(5.0)) == prefix + "-5"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".npz") == [
        "m-3.npz", "m-4.npz", "m-5.npz"
    ]


# ---------------------------------------------------------------- TF1's options, checked
def test_string_variables_round_trip_without_pickle(tmp_path):
    words = np.array([[b"ab", b""], [b"a\x00\x00", "ünï".encode()]], dtype=object)
    s = tf.Variable(words, dtype=tf.string, name="s")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(s.initializer)
        path = saver.save(sess, str(tmp_path / "m"))
    with tf.Session() as fresh:
        saver.restore(fresh, path)
        restored = fresh.run(s)
    assert restored.dtype == object and restored.shape == (2, 2)
    assert restored.tolist() == words.tolist()


def test_max_to_keep_none_and_zero_keep_every_file_as_tf1(tmp_path):
    for max_to_keep in (None, 0):
        directory = tmp_path / str(max_to_keep)
        directory.mkdir()
        with tf.Graph().as_default():
            w, saver = _counting_saver(max_to_keep=max_to_keep)
            with tf.Session() as sess:
                sess.run(w.initializer)
                _save_steps(sess, w, saver, str(directory / "m"), [1, 2, 3],
                            write_meta_graph=False)
        assert saver.last_checkpoints == []  # TF1 lists nothing when it deletes nothing
        assert sorted(p.name for p in directory.iterdir()) == [
            "checkpoint", "m-1.npz", "m-2.npz", "m-3.npz"
        ]
        assert (directory / "checkpoint").read_text() == (
            'model_checkpoint_path: "m-3"\nall_model_checkpoint_paths: "m-3"\n'
        )
    v = tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="max_to_keep must be None, 0.*or positive, got -1"):
        tf.train.Saver([v], max_to_keep=-1)
    with pytest.raises(TypeError, match="max_to_keep must be None or an integer"):
        tf.train.Saver([v], max_to_keep="5")
    for hours in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="keep_checkpoint_every_n_hours must be a number"):
            tf.train.Saver([v], keep_checkpoint_every_n_hours=hours)


def test_keep_checkpoint_every_n_hours_keeps_one_per_period(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(saver_module, "_now", lambda: clock[0])
    w, saver = _counting_saver(max_to_keep=2, keep_checkpoint_every_n_hours=1.0)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in range(1, 9):  # one save every 20 minutes of training
            clock[0] += 20 * 60
            _save_steps(sess, w, saver, str(tmp_path / "m"), [step], write_meta_graph=False)
    kept = sorted(int(p.stem.split("-")[1]) for p in tmp_path.glob("m-*.npz"))
    # Saved at 20, 40, ..., 160 minutes after the Saver was made: besides the 2 newest, the
    # first checkpoint pushed out of the list that was saved more than 1 hour in (step 4, at
    # 80 min) is kept for good; the next one kept would be the first after 2 hours (step 7).
    assert kept == [4, 7, 8]
    assert saver.last_checkpoints == [str(tmp_path / "m-7"), str(tmp_path / "m-8")]


def test_pad_step_number_pads_to_8_digits(tmp_path):
    w, saver = _counting_saver(pad_step_number=True)
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = saver.save(sess, str(tmp_path / "m"), global_step=42)
    assert path == str(tmp_path / "m-00000042")
    assert tf.train.latest_checkpoint(str(tmp_path)) == path


def test_reshape_restores_a_value_of_another_shape_with_as_many_elements(tmp_path):
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    w = tf.Variable(np.zeros((3, 2), np.float32), name="w")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="reshape=True"):
            tf.train.Saver().restore(sess, path)
        tf.train.Saver(reshape=True).restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(3, 2))
    tf.reset_default_graph()
    tf.Variable(np.zeros((4,), np.float32), name="w")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape \[4\].*\[2, 3\]"):
            tf.train.Saver(reshape=True).restore(sess, path)


def test_latest_filename_names_another_index_in_the_same_directory(tmp_path):
    w, saver = _counting_saver()
    prefix = str(tmp_path / "m")
    with tf.Session() as sess:
        sess.run(w.initializer)
        saver.save(sess, prefix, global_step=1, latest_filename="best")
        with pytest.raises(ValueError, match="'latest_filename' must not contain path"):
            saver.save(sess, prefix, global_step=2, latest_filename="sub/best")
        with pytest.raises(ValueError, match="'latest_filename' collides with 'save_path'"):
            saver.save(sess, str(tmp_path / "checkpoint"))
        with pytest.raises(TypeError, match="'sess' must be a Session"):
            saver.save(None, prefix)
        with pytest.raises(TypeError, match="'sess' must be a Session"):
            saver.restore("sess", prefix + "-1")
        with pytest.raises(TypeError, match="save_path must be a path"):
            saver.save(sess, 5)
        with pytest.raises(ValueError, match="is a directory: pass tf.train.latest_checkpoint"):
            saver.restore(sess, str(tmp_path))
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path), "best") == prefix + "-1"
    with pytest.raises(TypeError, match="checkpoint_dir must be a directory path"):
        tf.train.latest_checkpoint(None)


def test_any_path_survives_the_index(tmp_path):
    directory = tmp_path / 'dir "quoted" ünï'
    directory.mkdir()
    w, saver = _counting_saver()
    prefix = str(directory / "mo\\del 'x' \"ü\"\t")
    with tf.Session() as sess:
        sess.run(w.initializer)
        _save_steps(sess, w, saver, prefix, [5], write_meta_graph=False)
    index = (directory / "checkpoint").read_text(encoding="utf-8")
    assert r'''model_checkpoint_path: "mo\\del \'x\' \"ü\"\t-5"''' in index
    assert tf.train.latest_checkpoint(str(directory)) == prefix + "-5"


# Written by TensorFlow 2.21 (tf.compat.v1.train.update_checkpoint_state) for the paths
# "ünï/model.ckpt-7" and 'q"uote.ckpt-3', with its timestamp fields; made by
# tests/golden/make_checkpoint_index_golden.py.
TF_INDEX = (
    'model_checkpoint_path: "q\\"uote.ckpt-3"\n'
    'all_model_checkpoint_paths: "ünï/model.ckpt-7"\n'
    'all_model_checkpoint_paths: "q\\"uote.ckpt-3"\n'
    "all_model_checkpoint_timestamps: 1700000000.0\n"
    "all_model_checkpoint_timestamps: 1700000100.5\n"
    "last_preserved_timestamp: 1699999000.0\n"
)


def test_an_index_written_by_tensorflow_is_read(tmp_path):
    # older protobuf versions wrote non-ASCII bytes as octal escapes: both are read
    octal = TF_INDEX.replace("ünï", "\\303\\274n\\303\\257")
    for text in (TF_INDEX, octal):
        (tmp_path / "checkpoint").write_text(text, encoding="utf-8")
        state = tf.train.get_checkpoint_state(str(tmp_path))
        assert state.model_checkpoint_path == str(tmp_path / 'q"uote.ckpt-3')
        assert state.all_model_checkpoint_paths == [
            str(tmp_path / "ünï" / "model.ckpt-7"), str(tmp_path / 'q"uote.ckpt-3')
        ]
    # and what minigraph writes for the same paths is what TensorFlow wrote
    checkpoint_management.update_checkpoint_state(str(tmp_path), state.model_checkpoint_path,
                                     state.all_model_checkpoint_paths)
    without_timestamps = TF_INDEX[: TF_INDEX.index("all_model_checkpoint_timestamps")]
    assert (tmp_path / "checkpoint").read_text(encoding="utf-8") == without_timestamps


def test_savers_saving_into_one_directory_at_once(tmp_path):
    import threading

    a = tf.Variable(np.zeros(1000, np.float32), name="a")
    b = tf.Variable(np.ones(1000, np.float32), name="b")
    savers = {"a": tf.train.Saver([a], max_to_keep=2), "b": tf.train.Saver([b], max_to_keep=2)}
    failures = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())

        def save_many(name):
            try:
                for step in range(15):
                    savers[name].save(sess, str(tmp_path / name), global_step=step)
            except Exception as e:  # noqa: BLE001 - reported below
                failures.append(e)

        threads = [threading.Thread(target=save_many, args=(n,)) for n in savers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["a-13.meta", "a-13.npz", "a-14.meta", "a-14.npz",
                     "b-13.meta", "b-13.npz", "b-14.meta", "b-14.npz", "checkpoint"]
    assert tf.train.latest_checkpoint(str(tmp_path)) in (str(tmp_path / "a-14"),
                                                         str(tmp_path / "b-14"))


def test_a_saver_of_no_variables_writes_no_checkpoint(tmp_path):
    saver = tf.train.Saver(allow_empty=True)
    with tf.Session() as sess:
        assert saver.save(sess, str(tmp_path / "m"), write_meta_graph=False) is None
    assert list(tmp_path.iterdir()) == []
