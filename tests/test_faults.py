"""Saving under faults: processes killed with SIGKILL in the middle of `Saver.save`.

A killed save must never cost the newest complete checkpoint, and what it leaves behind
(temporary files, checkpoints the index does not list yet, checkpoints it was deleting) must be
cleaned up by the next process that saves, so that nothing accumulates however often it dies.
"""

import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph.train import checkpoint_management

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX"),
    pytest.mark.slow,  # subprocesses: about 2 s and 7 s
]

MAX_TO_KEEP = 3
SIZE = 5000  # floats in `w`: big enough that writing takes a while, small enough to be quick

_HANGING_SAVER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import minigraph as tf

    directory = sys.argv[1]
    w = tf.Variable(np.zeros(4, np.float32), name="w")
    saver = tf.train.Saver()
    real_write_array = np.lib.format.write_array

    def write_half_then_hang(file, array, **kwargs):
        file.write(b"\\x93NUMPY half an array")
        file.flush()
        print("writing", flush=True)
        time.sleep(60)

    with tf.Session() as sess:
        sess.run(w.initializer)
        saver.save(sess, directory + "/m", global_step=1)
        np.lib.format.write_array = write_half_then_hang
        saver.save(sess, directory + "/m", global_step=2)
    """
)


def _run_until(args, line, timeout=60.0):
    """Starts `args` and waits until it prints `line`; returns the process."""
    env = dict(os.environ, PYTHONPATH=os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        text = proc.stdout.readline().decode()
        if text.strip() == line:
            return proc
        if not text:
            break
    proc.kill()
    _, err = proc.communicate()
    raise AssertionError(f"the child never printed {line!r}: {err.decode()[-2000:]}")


def test_a_temporary_file_of_a_killed_save_is_deleted_by_the_next_save(tmp_path):
    proc = _run_until([sys.executable, "-c", _HANGING_SAVER, str(tmp_path)], "writing")
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    left = [name for name in os.listdir(tmp_path) if name.startswith(".tmp-m-2.npz-")]
    assert len(left) == 1, sorted(os.listdir(tmp_path))
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "m-1")

    host = checkpoint_management._host_tag()
    others = [
        ".tmp-notes.txt",  # a user's files, whatever they look like
        "m-1.npz.bak",
        f".tmp-other.npz-{host}-1-abcdefgh",  # another prefix's file: not this Saver's
        f".tmp-m-3.npz-{host}-{os.getpid()}-abcdefgh",  # being written by this process
        f".tmp-m-3.npz-{host}-{os.getppid()}-abcdefgh",  # by a process that is alive
        ".tmp-m-3.npz-0000ffff-1-abcdefgh",  # on another machine
    ]
    for name in others:
        (tmp_path / name).write_bytes(b"not the Saver's to delete")
    w = tf.Variable(np.zeros(4, np.float32), name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        tf.train.Saver().save(sess, str(tmp_path / "m"), global_step=2)
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["checkpoint", "m-1.meta", "m-1.npz", "m-2.meta", "m-2.npz"] + others
    )


# ---------------------------------------------------------------- kill -9 at random points
def _saving_child(directory: str, write_fd: int, saves=None) -> None:
    """Restores the newest checkpoint (TF1's restart idiom), then saves step after step, each
    checkpoint holding `w = step` everywhere, reporting each save started and finished."""

    def say(text):
        os.write(write_fd, (text + "\n").encode())

    warnings.simplefilter("ignore")
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros(SIZE, np.float32), name="w")
        step = tf.Variable(0, dtype=tf.int64, name="step")
        new_step = tf.placeholder(tf.int64, [])
        advance = tf.group(tf.assign(step, new_step),
                           tf.assign(w, tf.fill([SIZE], tf.cast(new_step, tf.float32))))
        saver = tf.train.Saver(max_to_keep=MAX_TO_KEEP)
        with tf.Session() as sess:
            state = tf.train.get_checkpoint_state(directory)
            if state is None:
                sess.run(tf.global_variables_initializer())
            else:
                saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
                saver.restore(sess, state.model_checkpoint_path)
            say("ready")
            count = 0
            while saves is None or count < saves:
                number = int(sess.run(step)) + 1
                sess.run(advance, {new_step: number})
                say(f"saving {number}")
                began = time.monotonic()
                saver.save(sess, os.path.join(directory, "m"), global_step=step)
                say(f"saved {number} {time.monotonic() - began:.6f}")
                count += 1


def _fork_saver(directory: str, saves=None):
    """Forks a child running `_saving_child`; returns (pid, read end of its report pipe)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read_fd)
            _saving_child(directory, write_fd, saves)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _read_reports(read_fd, saves_started=None, timeout=30.0) -> list:
    """Lines from the child, up to the report of its `saves_started`-th save starting (or, if
    None, end of file)."""
    lines, buffer = [], b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([read_fd], [], [], deadline - time.monotonic())
        if not ready:
            break
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        lines += [line.decode() for line in complete]
        if saves_started is not None and len(_numbers(lines, "saving")) >= saves_started:
            break
    return lines


def _newest_checkpoint_values(directory: str):
    """(prefix, step, w) of the newest checkpoint of `directory`, restored in a new graph."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # recovering after a kill warns, as it should
        latest = tf.train.latest_checkpoint(directory)
    if latest is None:
        return None, None, None
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros(SIZE, np.float32), name="w")
        step = tf.Variable(0, dtype=tf.int64, name="step")
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, latest)
            return latest, int(sess.run(step)), sess.run(w)


def _numbers(lines, word):
    return [int(line.split()[1]) for line in lines if line.startswith(word + " ")]


def _stray_files(directory):
    """The temporary files in `directory`, and the checkpoints that the index (as recovered by
    get_checkpoint_state) does not list, which no later save would ever delete."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        state = tf.train.get_checkpoint_state(directory)
    paths = state.all_model_checkpoint_paths if state else []
    listed = {os.path.basename(p) + ".npz" for p in paths}
    names = os.listdir(directory)
    temporaries = [n for n in names if n.startswith(".tmp-")]
    forgotten = sorted(n for n in names if n.endswith(".npz") and n not in listed)
    return temporaries, forgotten


def test_killing_a_saving_process_at_random_points_never_loses_a_checkpoint(tmp_path):
    directory = str(tmp_path)
    rng = random.Random(20240611)
    last_saved = 0  # the newest step whose save() returned, over every child so far
    kills, mid_save, start = 0, 0, time.monotonic()
    save_seconds = 0.05  # how long a save takes, measured as the loop goes
    while kills < 40 and (kills < 12 or time.monotonic() - start < 12.0):
        pid, read_fd = _fork_saver(directory)
        lines = _read_reports(read_fd, saves_started=rng.randint(1, 3))
        assert "ready" in lines, f"the child did not start: {lines}"
        time.sleep(rng.uniform(0.0, 1.5 * save_seconds))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines += _read_reports(read_fd)
        os.close(read_fd)
        kills += 1
        started, saved = _numbers(lines, "saving"), _numbers(lines, "saved")
        mid_save += bool(started) and (not saved or saved[-1] != started[-1])
        durations = [float(line.split()[2]) for line in lines if line.startswith("saved ")]
        save_seconds = max([0.8 * save_seconds] + durations)
        last_saved = max([last_saved] + saved)
        latest, step, w = _newest_checkpoint_values(directory)
        if last_saved:
            assert latest is not None, f"kill {kills}: no checkpoint left after {lines}"
            assert latest == os.path.join(directory, f"m-{step}")
            np.testing.assert_array_equal(w, np.full(SIZE, step, np.float32))
            assert last_saved <= step <= max(started + [last_saved]), (kills, step, lines)
        temporaries, forgotten = _stray_files(directory)
        assert len(temporaries) <= 1, temporaries  # at most the one this kill left
        assert not forgotten, f"kill {kills}: checkpoints nothing lists: {forgotten}"
    assert last_saved >= 5, "too few saves completed for the kills to mean much"
    print(f"{kills} kills, {mid_save} in the middle of a save, newest step {last_saved}")
    assert mid_save >= 5, f"only {mid_save} of {kills} kills came in the middle of a save"

    pid, read_fd = _fork_saver(directory, saves=MAX_TO_KEEP)
    lines = _read_reports(read_fd)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, lines
    final = _numbers(lines, "saved")
    assert len(final) == MAX_TO_KEEP and final[0] > last_saved
    expected = ["checkpoint"] + [f"m-{n}{suffix}" for n in final for suffix in (".meta", ".npz")]
    assert sorted(os.listdir(directory)) == sorted(expected)
    latest, step, w = _newest_checkpoint_values(directory)
    assert step == final[-1] and w[0] == final[-1]
