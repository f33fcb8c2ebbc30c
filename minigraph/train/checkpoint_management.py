"""The files around checkpoints: the `checkpoint` index, atomic writes, and recovery after a crash.

A checkpoint `model.ckpt-100` is the file `model.ckpt-100.npz` (and, optionally, its meta graph
`model.ckpt-100.meta`). Next to the checkpoints, a small text file named `checkpoint` (TF1's
`CheckpointState` in protobuf text format) lists them, oldest first, and names the newest:

    model_checkpoint_path: "model.ckpt-100"
    all_model_checkpoint_paths: "model.ckpt-90"
    all_model_checkpoint_paths: "model.ckpt-100"

**A checkpoint is complete when its `.npz` file exists.** Every file is written by
`atomic_write`: to a temporary file in the same directory, flushed to disk, then renamed over the
final name, so a reader sees either no file or the whole file. `Saver.save` then goes in TF1's
order: (1) the new `.npz` and `.meta`, (2) the index naming them, (3) the oldest checkpoints
beyond `max_to_keep` deleted (the index written in (2) still lists them, and is rewritten
without them after (3), so a crash while deleting leaves them listed rather than forgotten).
A process killed at any point therefore leaves one of three states, each handled here:

* killed while writing a file: a temporary file `.tmp-<name>-<host>-<pid>-<random>` is left.
  The next save into that directory deletes the ones whose writing process no longer exists
  (`remove_stale_temporaries`); files of other names, or of a live process (another Saver
  saving at the same moment), are never touched.
* killed after the `.npz` was renamed into place but before the index names it: the newest
  complete checkpoint is missing from the index. `get_checkpoint_state` looks in the directory
  for complete checkpoints of the index's prefix (`model.ckpt-<step>.npz`, `model.ckpt.npz`)
  that the index does not list and that are newer (modification time, then step) than every
  complete checkpoint it lists, and appends them, with a warning.
* the index names a checkpoint whose file is gone (deleted by hand, or by a program that
  deleted before rewriting the index) and nothing newer exists: the newest complete checkpoint
  the index lists takes its place, with a warning; if none exists, `latest_checkpoint` is None.

So `latest_checkpoint(directory)` names the newest complete checkpoint after any crash, and a
new Saver that adopts the list (`saver.recover_last_checkpoints(state.all_model_checkpoint_paths)`,
TF1's restart idiom) deletes the surplus at its next save: no stray files accumulate.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from typing import Callable, Optional

from minigraph import errors

CHECKPOINT_SUFFIX = ".npz"
STATE_FILE = "checkpoint"


# ---------------------------------------------------------------- atomic writes
_TEMPORARY = re.compile(r"^\.tmp-(?P<target>.+)-(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[a-z0-9_]+$")


def _host_tag() -> str:
    """8 hex digits naming this machine, so a temporary file says which host wrote it."""
    import hashlib  # (not at import: it loads OpenSSL, 3.5 MB)
    import socket

    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def atomic_write(path: str, write: Callable) -> None:
    """Runs `write(file)` on a temporary file next to `path`, then renames it to `path`.

    The temporary file is named `.tmp-<basename>-<host>-<pid>-<random>`, which tells
    `remove_stale_temporaries` whether the process writing it still exists.

    NOTE: the rename (`os.replace`) is atomic on POSIX and Windows, so readers see either the
    old file or the complete new one; the data is flushed to disk before the rename and the
    directory after it, so a power cut cannot leave a renamed but empty file. If `write` fails,
    the temporary file is removed and the old file is untouched.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
        >>> atomic_write(path, lambda file: file.write(b"hello"))
        >>> open(path).read(), os.listdir(os.path.dirname(path))
        ('hello', ['notes.txt'])
    """
    directory = os.path.dirname(os.path.abspath(path))
    prefix = f".tmp-{os.path.basename(path)}-{_host_tag()}-{os.getpid()}-"
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        try:
            os.remove(tmp_path)
        except FileNotFoundError:
            pass
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Flushes a directory's entries (the rename) to disk, where the OS allows it."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a directory; the rename still happened
        pass
    finally:
        os.close(fd)


def _process_exists(pid: int) -> bool:
    """False only if `pid` is certainly not a running process on this machine."""
    if pid == os.getpid() or os.name != "posix":
        return True  # another thread may be writing it; elsewhere we cannot ask safely
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale_temporaries(directory: str, is_own: Callable[[str], bool]) -> list:
    """Deletes the temporary files a killed save left in `directory`.

    Only files named by `atomic_write` for a target name `is_own(name)` accepts, written on this
    machine by a process that no longer exists, are deleted; a file of any other name (a user's
    file), or one that a live process (another Saver, in this or another process) is writing,
    is left alone. On systems without POSIX process ids nothing is deleted.

    Returns:
        The paths deleted.
    """
    host, removed = _host_tag(), []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = _TEMPORARY.match(name)
        if match is None or match["host"] != host or not is_own(match["target"]):
            continue
        if _process_exists(int(match["pid"])):
            continue
        path = os.path.join(directory, name)
        try:
            os.remove(path)
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


# ---------------------------------------------------------------- checkpoints on disk
def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """True if the checkpoint `checkpoint_prefix` is complete (its `.npz` file exists).

    Example:
        >>> import minigraph as tf
        >>> tf.train.checkpoint_exists("/no/such/model.ckpt-1")
        False
    """
    return os.path.isfile(os.fspath(checkpoint_prefix) + CHECKPOINT_SUFFIX)


def get_checkpoint_mtimes(checkpoint_prefixes: list) -> list:
    """The modification times (seconds) of the checkpoints that exist among the prefixes.

    Example:
        >>> get_checkpoint_mtimes(["/no/such/model.ckpt-1"])
        []
    """
    mtimes = []
    for prefix in checkpoint_prefixes:
        try:
            mtimes.append(os.stat(os.fspath(prefix) + CHECKPOINT_SUFFIX).st_mtime_ns / 1e9)
        except FileNotFoundError:
            continue
    return mtimes


def remove_checkpoint(checkpoint_prefix: str, checkpoint_format_version=None,
                      meta_graph_suffix: str = "meta") -> None:
    """Deletes the files of a checkpoint: its `.meta` first, then its `.npz`.

    NOTE: in this order a crash in between leaves a complete checkpoint without its meta graph
    (still restorable, and still listed by the index, so deleted later) instead of a `.meta`
    file that nothing refers to. Files already gone are skipped.

    Example:
        >>> remove_checkpoint("/no/such/model.ckpt-1")
    """
    prefix = os.fspath(checkpoint_prefix)
    for path in (f"{prefix}.{meta_graph_suffix}", prefix + CHECKPOINT_SUFFIX):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


_STEP = re.compile(r"-(\d+)$")


def _age(prefix: str):
    """(modification time in ns, step) of a complete checkpoint, or None if it is gone.

    The step breaks ties between files written within one tick of the file system's clock."""
    try:
        mtime = os.stat(prefix + CHECKPOINT_SUFFIX).st_mtime_ns
    except OSError:
        return None
    step = _STEP.search(prefix)
    return mtime, int(step.group(1)) if step else -1


def _complete_checkpoints_like(prefix: str) -> list:
    """The complete checkpoints next to `prefix` with its name before the step, oldest first."""
    base = _STEP.sub("", prefix)
    directory, name = os.path.split(base)
    pattern = re.compile(re.escape(name) + r"(-\d+)?" + re.escape(CHECKPOINT_SUFFIX) + "$")
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return []
    found = []
    for file_name in names:
        if pattern.fullmatch(file_name):
            path = os.path.join(directory, file_name[: -len(CHECKPOINT_SUFFIX)])
            age = _age(path)
            if age is not None:
                found.append((age, path))
    return [path for _, path in sorted(found)]


# ---------------------------------------------------------------- the "checkpoint" index
class CheckpointState:
    """The contents of a `checkpoint` index file (TF1's CheckpointState proto).

    Example:
        >>> print(CheckpointState("model.ckpt-2", ["model.ckpt-1", "model.ckpt-2"]))
        model_checkpoint_path: "model.ckpt-2"
        all_model_checkpoint_paths: "model.ckpt-1"
        all_model_checkpoint_paths: "model.ckpt-2"
        <BLANKLINE>
    """

    def __init__(self, model_checkpoint_path: str, all_model_checkpoint_paths: list):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self) -> str:
        lines = [f"model_checkpoint_path: {_quote(self.model_checkpoint_path)}"]
        lines += [f"all_model_checkpoint_paths: {_quote(p)}"
                  for p in self.all_model_checkpoint_paths]
        return "\n".join(lines) + "\n"


_ESCAPED = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _quote(text: str) -> str:
    """`text` as a protobuf text-format string, as TensorFlow writes it: quotes, backslashes
    and control characters escaped, other letters as they are (the file is UTF-8); bytes of a
    file name that are not UTF-8 (which Python holds as lone surrogates) as octal escapes."""
    out = []
    for char in text:
        code = ord(char)
        if char in _ESCAPED:
            out.append(_ESCAPED[char])
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\{code - 0xDC00:03o}")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"a": b"\a", b"b": b"\b",
                   b"f": b"\f", b"v": b"\v"}


def _unescape_byte(match) -> bytes:
    octal, hexadecimal, char = match.groups()
    if octal is not None:
        return bytes([int(octal, 8) & 0xFF])
    if hexadecimal is not None:
        return bytes([int(hexadecimal, 16)])
    return _SIMPLE_ESCAPES.get(char, char)


def _unquote(value: bytes) -> str:
    """The string of a text-format value (`"..."` or `'...'`, escapes undone)."""
    value = value.strip()
    if len(value) >= 2 and value[:1] == value[-1:] and value[:1] in (b'"', b"'"):
        value = value[1:-1]
    return _ESCAPE.sub(_unescape_byte, value).decode("utf-8", "surrogateescape")


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: Optional[list] = None,
                            latest_filename: Optional[str] = None) -> None:
    """Writes the index of `save_dir` atomically, paths relative to `save_dir` (so the
    directory can be moved). The newest checkpoint is appended to the list if not its last.

    Example:
        >>> import os, tempfile
        >>> directory = tempfile.mkdtemp()
        >>> update_checkpoint_state(directory, os.path.join(directory, "m-7"))
        >>> print(open(os.path.join(directory, "checkpoint")).read(), end="")
        model_checkpoint_path: "m-7"
        all_model_checkpoint_paths: "m-7"
    """
    every = list(all_model_checkpoint_paths or [])
    if not every or every[-1] != model_checkpoint_path:
        every.append(model_checkpoint_path)
    save_dir = os.path.abspath(os.fspath(save_dir))
    relative = [os.path.relpath(os.path.abspath(p), save_dir) for p in every]
    text = repr(CheckpointState(relative[-1], relative))
    atomic_write(os.path.join(save_dir, latest_filename or STATE_FILE),
                 _bytes_writer(text.encode("utf-8", "surrogateescape")))


def _bytes_writer(data: bytes):
    def write(file) -> None:
        """Writes `data` to `file`."""
        file.write(data)

    return write


def _read_state(path: str, checkpoint_dir: str) -> CheckpointState:
    """The index file at `path` as written, paths joined to `checkpoint_dir`.

    Raises:
        tf.errors.DataLossError: the file is not a text-format CheckpointState.
    """
    with open(path, "rb") as file:
        data = file.read()
    latest, every = None, []
    for number, line in enumerate(data.splitlines(), start=1):
        key, colon, value = line.partition(b":")
        key = key.strip()
        if not key:
            continue
        if not colon or not re.fullmatch(rb"[A-Za-z_][A-Za-z0-9_]*", key):
            raise errors.DataLossError(None, None, _index_loss_message(path, number, line))
        if key not in (b"model_checkpoint_path", b"all_model_checkpoint_paths"):
            continue  # TensorFlow also writes timestamps; minigraph does not use them
        text = _unquote(value)
        if text and not os.path.isabs(text):
            text = os.path.join(checkpoint_dir, text)
        if key == b"model_checkpoint_path":
            latest = text
        elif text:
            every.append(text)
    if not latest:
        raise errors.DataLossError(
            None, None,
            f"Checkpoint index {path} has no model_checkpoint_path line. Delete it (the "
            "checkpoints next to it stay usable: restore one by its path) or save again.",
        )
    return CheckpointState(latest, every)


def _index_loss_message(path: str, number: int, line: bytes) -> str:
    shown = line[:60].decode("utf-8", "backslashreplace")
    return (
        f"Checkpoint index {path} is not text in the 'checkpoint' file's format (line {number}"
        f" is {shown!r}, not `key: \"value\"`): it is corrupt or another file took its name. "
        "Delete it (the checkpoints next to it stay usable: restore one by its path, e.g. "
        "model.ckpt-100) or save again, which rewrites it."
    )


def _recovered(state: CheckpointState, index_path: str) -> CheckpointState:
    """`state` with the crash recovery described in the module docstring applied."""
    latest = state.model_checkpoint_path
    listed = list(state.all_model_checkpoint_paths)
    if latest not in listed:
        listed.append(latest)
    listed_ages = [age for age in map(_age, listed) if age is not None]
    cutoff = max(listed_ages, default=None)
    known = {os.path.abspath(p) for p in listed}
    newer = [p for p in _complete_checkpoints_like(latest)
             if os.path.abspath(p) not in known and (cutoff is None or _age(p) > cutoff)]
    missing = not checkpoint_exists(latest)
    if newer:
        gone = " (which does not exist)" if missing else ""
        warnings.warn(
            f"Checkpoint index {index_path} names {latest}{gone} as the newest checkpoint but "
            f"does not list {', '.join(newer)}: complete checkpoint(s) of the same prefix, "
            "written after every checkpoint it lists (a save stopped before it updated the "
            f"index). Using {newer[-1]}.",
            stacklevel=3,
        )
        return CheckpointState(newer[-1], state.all_model_checkpoint_paths + newer)
    complete = [p for p in listed if checkpoint_exists(p)]
    if not missing or not complete:
        return state
    warnings.warn(
        f"Checkpoint index {index_path} names {latest}, which does not exist (its file "
        f"{latest + CHECKPOINT_SUFFIX} was deleted). Using {complete[-1]}, the newest complete "
        "checkpoint it lists.",
        stacklevel=3,
    )
    return CheckpointState(complete[-1], state.all_model_checkpoint_paths)


def _checked_directory(checkpoint_dir) -> str:
    if not isinstance(checkpoint_dir, (str, os.PathLike)):
        raise TypeError(
            f"checkpoint_dir must be a directory path (str or os.PathLike), got "
            f"{type(checkpoint_dir).__name__} {checkpoint_dir!r}."
        )
    return os.fspath(checkpoint_dir)


def get_checkpoint_state(checkpoint_dir: str, latest_filename: Optional[str] = None):
    """The `CheckpointState` of `checkpoint_dir` (paths joined to the dir), or None if the
    directory has no index. After a crash, complete checkpoints the index does not list yet
    are added, and a deleted newest one is replaced (see the module docstring), with a warning.

    Raises:
        tf.errors.DataLossError: the index file is not a text-format CheckpointState.

    Example:
        >>> import tempfile
        >>> import minigraph as tf
        >>> print(tf.train.get_checkpoint_state(tempfile.mkdtemp()))
        None
    """
    checkpoint_dir = _checked_directory(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILE)
    if not os.path.isfile(path):
        return None
    return _recovered(_read_state(path, checkpoint_dir), path)


def latest_checkpoint(checkpoint_dir: str, latest_filename: Optional[str] = None):
    """The prefix of the newest complete checkpoint in `checkpoint_dir`, or None if there is
    none (see `get_checkpoint_state`).

    Example:
        >>> import tempfile
        >>> import minigraph as tf
        >>> print(tf.train.latest_checkpoint(tempfile.mkdtemp()))
        None
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path
