"""`tf.train.Saver`: variable values to a checkpoint file and back.

A checkpoint is one `.npz` file (numpy's zip of `.npy` arrays), one array per variable, keyed by
the variable's name (`"W1"`, `"W1/Adam"`, `"beta1_power"`): `saver.save(sess, "ckpt/model.ckpt",
global_step=100)` writes `ckpt/model.ckpt-100.npz` and returns the prefix `"ckpt/model.ckpt-100"`,
which is what `restore` and `tf.train.latest_checkpoint` speak. Next to the checkpoints, a small
text file named `checkpoint` lists them in TF1's format, newest last (see
`minigraph.train.checkpoint_management`, which also says what happens after a crash).

Safety, which TF1 users learned the hard way:

* **a checkpoint is data, never code**: arrays are read without pickle, so a file holding
  pickled objects is refused instead of executed; string variables are stored as plain bytes;
* **any name round-trips**: the archive is written member by member (`<name>.npy`), never
  through keyword arguments, so names such as `file`, `allow_pickle`, `a/b:0` or `ünï` are
  saved and restored like any other;
* **writes are atomic and ordered as TF1's**: each file goes to a temporary file in the same
  directory and is renamed into place; the index is rewritten only after the new checkpoint is
  complete, and old checkpoints are deleted only after that, so a process killed at any point
  leaves the newest complete checkpoint findable by `tf.train.latest_checkpoint`, and the next
  save deletes the temporary files such a kill left;
* **errors name what is wrong**: a variable missing from the file is a `NotFoundError` naming it,
  a shape or dtype mismatch an `InvalidArgumentError` naming the variable and both shapes, a
  truncated or corrupt file (or a member that is not a variable's array) a `DataLossError`
  naming the file and the member.

The Saver builds its restore ops once, when it is created (a placeholder and an `Assign` per
variable, grouped as `save/restore_all`, and a constant `save/tensor_names` listing the keys);
`save` and `restore` then only run the graph, so calling them in a loop does not grow the graph.
Restoring needs no initializer: it assigns every variable, so a brand-new session can restore
and run.

Meta graphs: `save` also writes `<prefix>.meta`, the graph with its collections and this
Saver's `SaverDef` (see `minigraph.meta_graph`), unless `write_meta_graph=False`; it needs the
tensorboard package for the protos (without it, the checkpoint is written and a warning says the
`.meta` file was not). `tf.train.import_meta_graph` rebuilds the graph in a new process and
returns a Saver made from the `SaverDef`: `Saver(saver_def=...)` finds the restore ops by name.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import time
import warnings
from typing import Optional

import numpy as np

from minigraph import errors, meta_graph
from minigraph.ops import array_ops, control_flow_ops, state_ops
from minigraph.tensor import Tensor
from minigraph.train import checkpoint_management
from minigraph.train.checkpoint_management import (
    CHECKPOINT_SUFFIX,
    STATE_FILE,
    atomic_write,
    get_checkpoint_mtimes,
    remove_checkpoint,
)
from minigraph.variables import Variable, global_variables

_MEMBER_SUFFIX = ".npy"


def _now() -> float:
    """The wall clock, in seconds (one place, so tests can move it)."""
    return time.time()


class Saver:
    """Saves and restores variables (TF1's `tf.train.Saver`).

    Args:
        var_list: the variables to save: None for all global variables (including optimizer
            slots and the global step), a list of Variables (saved under their names), or a
            dict `{name in the file: Variable}`.
        reshape: if True, a variable may be restored from a value of another shape with the
            same number of elements.
        max_to_keep: how many recent checkpoints to keep; older ones are deleted when a new one
            is saved. None or 0 keeps every file (and `last_checkpoints` stays empty, as TF1).
        keep_checkpoint_every_n_hours: besides the `max_to_keep` newest, keep one checkpoint
            for every this many hours of training (never deleted).
        name: the name scope of the Saver's ops (default "save").
        pad_step_number: if True, the step in file names is zero-padded to 8 digits
            ("model.ckpt-00000100"), so that they sort.

    Example:
        >>> import os, tempfile
        >>> import minigraph as tf
        >>> directory = tempfile.mkdtemp()
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable([1.0, 2.0], name="w")
        ...     saver = tf.train.Saver()
        ...     with tf.Session() as sess:
        ...         sess.run(w.initializer)
        ...         path = saver.save(sess, os.path.join(directory, "model.ckpt"), global_step=3)
        ...     with tf.Session() as fresh:  # no initializer needed to restore
        ...         saver.restore(fresh, tf.train.latest_checkpoint(directory))
        ...         print(os.path.basename(path), fresh.run(w))
        model.ckpt-3 [1. 2.]
    """

    def __init__(self, var_list=None, reshape: bool = False, sharded: bool = False,
                 max_to_keep: Optional[int] = 5, keep_checkpoint_every_n_hours: float = 10000.0,
                 name: Optional[str] = None, restore_sequentially: bool = False,
                 saver_def=None, builder=None, defer_build: bool = False,
                 allow_empty: bool = False, write_version=None, pad_step_number: bool = False,
                 save_relative_paths: bool = False, filename=None):
        self._max_to_keep = _checked_max_to_keep(max_to_keep)
        self._keep_every_n_hours = _checked_hours(keep_checkpoint_every_n_hours)
        self._next_checkpoint_time = _now() + self._keep_every_n_hours * 3600
        self._reshape = bool(reshape)
        self._pad_step_number = bool(pad_step_number)
        self._last_checkpoints: list = []  # (prefix, time saved), oldest first
        self._checkpoints_to_be_deleted: list = []
        self._placeholders: dict = {}
        self._restore_op = None
        self._tensor_names = None
        self._graph = None
        self._warned_no_meta = False
        if saver_def is not None:
            self._init_from_saver_def(saver_def)
            return
        self._variables = _named_variables(var_list)
        if not self._variables and not allow_empty:
            raise ValueError("No variables to save")
        if self._variables:
            self._build_restore_ops(name or "save")

    def _build_restore_ops(self, scope_name: str) -> None:
        """One placeholder and one Assign per variable, grouped: built once, fed on restore."""
        graph = next(iter(self._variables.values())).graph
        assigns = []
        with graph.as_default(), graph.control_dependencies(None):
            with graph.name_scope(None), graph.name_scope(scope_name):
                self._tensor_names = array_ops.constant(list(self._variables),
                                                        name="tensor_names")
                for key, var in self._variables.items():
                    value = array_ops.placeholder(var.dtype, var.shape, name="restore_value")
                    self._placeholders[key] = value
                    assigns.append(state_ops.assign(var, value, name="Assign"))
                self._restore_op = control_flow_ops.group(*assigns, name="restore_all")
        self._graph = graph

    # ------------------------------------------------------------ SaverDef (meta graphs)
    def _init_from_saver_def(self, saver_def) -> None:
        """Adopts the restore ops a `SaverDef` names, in the default graph (after
        `tf.train.import_meta_graph`): each `Assign` under `restore_op_name` writes a variable
        from a placeholder, and the constant `save_tensor_name` lists the checkpoint keys."""
        from minigraph.graph import get_default_graph

        if not saver_def.restore_op_name:
            raise ValueError(f"saver_def must specify the restore_op_name: {saver_def}")
        graph = get_default_graph()
        self._restore_op = graph.as_graph_element(saver_def.restore_op_name)
        assigns = self._restore_op.control_inputs
        keys = [a.inputs[0].op.name for a in assigns]
        if saver_def.save_tensor_name:
            self._tensor_names = graph.as_graph_element(saver_def.save_tensor_name)
            keys = [str(k) for k in self._tensor_names.op.attrs["value"].tolist()]
        self._variables, self._placeholders = {}, {}
        for key, assign in zip(keys, assigns):
            var, value = assign.inputs
            if not isinstance(var, Variable):
                raise ValueError(
                    f"The SaverDef's op '{assign.name}' writes '{var.op.name}', which is not a "
                    "tf.Variable in this graph: import the graph with tf.train.import_meta_graph "
                    "(which makes its variables Variables again), not tf.import_graph_def."
                )
            self._variables[key] = var
            self._placeholders[key] = value
        self._max_to_keep = saver_def.max_to_keep
        self._keep_every_n_hours = _checked_hours(saver_def.keep_checkpoint_every_n_hours)
        self._next_checkpoint_time = _now() + self._keep_every_n_hours * 3600
        self._graph = graph

    def as_saver_def(self):
        """The Saver as a TensorFlow `SaverDef` protobuf: `restore_op_name` is the op that
        assigns every variable from its placeholder, `save_tensor_name` the constant listing the
        checkpoint keys (minigraph saves by fetching the variables, and takes the file name in
        Python, so `filename_tensor_name` is empty)."""
        from minigraph import protos

        saver_pb2 = protos.load("saver_pb2", "Saver.as_saver_def")
        if self._restore_op is None:
            return saver_pb2.SaverDef(max_to_keep=self._max_to_keep or 0)
        return saver_pb2.SaverDef(
            filename_tensor_name="",
            save_tensor_name=self._tensor_names.name if self._tensor_names is not None else "",
            restore_op_name=self._restore_op.name,
            max_to_keep=self._max_to_keep or 0,
            keep_checkpoint_every_n_hours=self._keep_every_n_hours,
        )

    saver_def = property(as_saver_def)

    def to_proto(self, export_scope: Optional[str] = None):
        """The `SaverDef` (for the `savers` collection of a meta graph)."""
        return self.as_saver_def()

    @staticmethod
    def from_proto(saver_def, import_scope: Optional[str] = None) -> "Saver":
        """A Saver using the restore ops `saver_def` names in the default graph."""
        return Saver(saver_def=saver_def)

    def export_meta_graph(self, filename=None, collection_list=None, as_text: bool = False,
                          export_scope=None, clear_devices: bool = False,
                          clear_extraneous_savers: bool = False,
                          strip_default_attrs: bool = False, save_debug_info: bool = False):
        """Writes (if `filename`) and returns the meta graph of this Saver's graph, with its
        `SaverDef` (see `tf.train.export_meta_graph`)."""
        from minigraph.graph import get_default_graph

        return meta_graph.export_meta_graph(
            filename=filename, graph=self._graph or get_default_graph(),
            saver_def=self.as_saver_def(),
            collection_list=collection_list, as_text=as_text, export_scope=export_scope,
        )

    def _write_meta_graph(self, path: str) -> None:
        """Writes `path` (.meta) atomically, or warns once if the tensorboard package is
        missing."""
        from minigraph import protos

        try:
            protos.require("Writing a .meta file")
        except ImportError as e:
            if not self._warned_no_meta:
                self._warned_no_meta = True
                warnings.warn(f"{e} The checkpoint was saved without {path}; pass "
                              "write_meta_graph=False to save(...) to silence this.",
                              stacklevel=3)
            return
        data = self.export_meta_graph().SerializeToString(deterministic=True)
        atomic_write(path, _bytes_writer(data))

    # ------------------------------------------------------------ public API
    @property
    def last_checkpoints(self) -> list:
        """The prefixes of the checkpoints this Saver has written and not deleted, oldest first
        (empty when `max_to_keep` is None or 0, as TF1)."""
        return [prefix for prefix, _ in self._last_checkpoints]

    def save(self, sess, save_path: str, global_step=None, latest_filename: Optional[str] = None,
             meta_graph_suffix: str = "meta", write_meta_graph: bool = True,
             write_state: bool = True, strip_default_attrs: bool = False,
             save_debug_info: bool = False) -> Optional[str]:
        """Writes the variables' values in `sess` to `save_path[-global_step].npz`, and (with
        `write_meta_graph`) the meta graph to `save_path[-global_step].meta`; then (with
        `write_state`) the `checkpoint` index; then deletes the checkpoints beyond
        `max_to_keep`. Temporary files left in the directory by a save that was killed are
        deleted first.

        Returns:
            The checkpoint prefix written (e.g. "model.ckpt-100"), for `restore`; None for a
            Saver of no variables (`allow_empty=True`), which writes no checkpoint, as TF1.

        Raises:
            ValueError: the directory does not exist, `global_step` is NaN, infinite or not a
                whole number, or `latest_filename` is a path or collides with `save_path`.
            TypeError: `sess` is not a Session, or `global_step` is not a number or tensor.
        """
        _check_session(sess, "save")
        save_path = _checked_path(save_path, "save_path")
        latest_filename = _checked_latest_filename(latest_filename)
        if global_step is None:
            prefix = save_path
            if os.path.basename(save_path) == latest_filename:
                raise ValueError(f"'latest_filename' collides with 'save_path': "
                                 f"'{latest_filename}' and '{save_path}'")
        else:
            prefix = f"{save_path}-{self._step_text(sess, global_step)}"
        directory = os.path.dirname(os.path.abspath(prefix))
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        checkpoint_management.remove_stale_temporaries(
            directory, _own_file_names(save_path, latest_filename, meta_graph_suffix))
        if not self._variables:  # Saver(allow_empty=True) of nothing: TF1 writes no checkpoint
            if write_meta_graph:
                self._write_meta_graph(f"{prefix}.{meta_graph_suffix}")
            return None
        keys = list(self._variables)
        values = sess.run([self._variables[k] for k in keys])
        arrays = {key: _stored_array(self._variables[key], value)
                  for key, value in zip(keys, values)}
        atomic_write(prefix + CHECKPOINT_SUFFIX, _archive_writer(arrays))
        if write_meta_graph:
            self._write_meta_graph(f"{prefix}.{meta_graph_suffix}")
        if write_state:
            self._record(prefix)
            self._write_state_and_delete(prefix, directory, latest_filename, meta_graph_suffix)
        return prefix

    def restore(self, sess, save_path: str) -> None:
        """Assigns every variable its value from the checkpoint `save_path` (a prefix).

        Raises:
            ValueError: `save_path` is None or no checkpoint exists there.
            tf.errors.DataLossError: the file is truncated or corrupt, holds pickled objects,
                or holds a member that is not a variable's array.
            tf.errors.NotFoundError: a variable of this Saver is not in the file.
            tf.errors.InvalidArgumentError: a variable's shape or dtype differs in the file.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        _check_session(sess, "restore")
        path = _checkpoint_file(_checked_path(save_path, "save_path"))
        with _ArchiveReader(path) as archive:
            feed = {}
            for key, var in self._variables.items():
                if key not in archive.members:
                    raise errors.NotFoundError(
                        None,
                        None,
                        f"Key {key} not found in checkpoint {path}: the graph has a variable "
                        f"'{key}' ({var.dtype.name}, shape {var.shape}) that the checkpoint "
                        f"does not hold (it holds {sorted(archive.members)}). Restore into a "
                        "graph built like the saved one, or pass var_list= to the Saver to "
                        "restore only some variables.",
                    )
                value = _restored_array(var, archive.read(key))
                feed[self._placeholders[key]] = _checked_value(key, var, value, path,
                                                               self._reshape)
        sess.run(self._restore_op, feed_dict=feed)

    def set_last_checkpoints(self, last_checkpoints: list) -> None:
        """Sets the list of recent checkpoints, oldest first (TF1: deprecated; these are never
        deleted, since their age is unknown; prefer `recover_last_checkpoints`)."""
        if not isinstance(last_checkpoints, list):
            raise TypeError(f"last_checkpoints must be a list, got {last_checkpoints!r}")
        self._last_checkpoints = [(str(p), math.inf) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time: list) -> None:
        """Sets the list of recent checkpoints as `(prefix, time saved)` pairs, oldest first."""
        if not isinstance(last_checkpoints_with_time, list):
            raise TypeError("last_checkpoints_with_time must be a list of (prefix, time) "
                            f"pairs, got {last_checkpoints_with_time!r}")
        self._last_checkpoints = [(str(p), float(t)) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths: list) -> None:
        """Adopts the complete checkpoints among `checkpoint_paths` as this Saver's recent ones,
        with their files' modification times (after a restart: pass
        `tf.train.get_checkpoint_state(dir).all_model_checkpoint_paths`); the next save deletes
        those beyond `max_to_keep`."""
        recovered = []
        for path in checkpoint_paths:
            mtimes = get_checkpoint_mtimes([path])
            if mtimes:
                recovered.append((str(path), mtimes[0]))
        self._last_checkpoints = recovered

    # ------------------------------------------------------------ bookkeeping
    def _step_text(self, sess, global_step) -> str:
        step = _step_number(sess, global_step)
        return f"{step:08d}" if self._pad_step_number else str(step)

    def _record(self, prefix: str) -> None:
        """Appends `prefix` to the recent list; moves the checkpoints beyond `max_to_keep` to the
        deletion list, except one every `keep_checkpoint_every_n_hours`, which is kept for good
        (TF1: with max_to_keep None or 0 nothing is listed or deleted)."""
        self._checkpoints_to_be_deleted = [
            entry for entry in self._checkpoints_to_be_deleted if entry[0] != prefix
        ]
        if not self._max_to_keep:
            return
        self._last_checkpoints = [e for e in self._last_checkpoints if e[0] != prefix]
        self._last_checkpoints.append((prefix, _now()))
        while len(self._last_checkpoints) > self._max_to_keep:
            oldest = self._last_checkpoints.pop(0)
            if oldest[1] > self._next_checkpoint_time:
                self._next_checkpoint_time += self._keep_every_n_hours * 3600
            else:
                self._checkpoints_to_be_deleted.append(oldest)

    def _write_state_and_delete(self, prefix: str, directory: str, latest_filename: str,
                                meta_graph_suffix: str) -> None:
        """The index, then the deletions, then the index again.

        NOTE: the first index names the new checkpoint while still listing the ones about to be
        deleted. A process killed while deleting leaves them listed, so the next Saver that
        adopts the list (`recover_last_checkpoints`) deletes them, instead of files nothing
        refers to; a Saver interrupted in this process retries at its next save.
        """
        doomed = [p for p, _ in self._checkpoints_to_be_deleted]
        kept = self.last_checkpoints
        if doomed:
            checkpoint_management.update_checkpoint_state(
                directory, prefix, doomed + kept, latest_filename)
        while self._checkpoints_to_be_deleted:
            old_prefix = self._checkpoints_to_be_deleted[0][0]
            try:
                remove_checkpoint(old_prefix, meta_graph_suffix=meta_graph_suffix)
            except OSError as e:
                warnings.warn(f"Could not delete checkpoint {old_prefix} ({e}); it stays.",
                              stacklevel=3)
            self._checkpoints_to_be_deleted.pop(0)
        checkpoint_management.update_checkpoint_state(directory, prefix, kept, latest_filename)


# ---------------------------------------------------------------- arguments
def _checked_max_to_keep(max_to_keep):
    if max_to_keep is None:
        return 0
    if isinstance(max_to_keep, bool) or not isinstance(max_to_keep, numbers.Integral):
        raise TypeError(f"max_to_keep must be None or an integer, got {max_to_keep!r}")
    if max_to_keep < 0:
        raise ValueError(
            f"max_to_keep must be None, 0 (keep every checkpoint) or positive, got "
            f"{max_to_keep}: a negative value would delete each checkpoint as it is saved."
        )
    return int(max_to_keep)


def _checked_hours(hours) -> float:
    if isinstance(hours, bool) or not isinstance(hours, numbers.Real):
        raise TypeError(f"keep_checkpoint_every_n_hours must be a number, got {hours!r}")
    if not hours >= 0:  # 0, as in TF1, keeps every checkpoint pushed out of the list
        raise ValueError(f"keep_checkpoint_every_n_hours must be a number of hours >= 0, got "
                         f"{hours}")
    return float(hours)


def _check_session(sess, method: str) -> None:
    if not callable(getattr(sess, "run", None)):
        raise TypeError(f"Saver.{method}: 'sess' must be a Session; got {sess!r}")


def _checked_path(path, argument: str) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{argument} must be a path (str or os.PathLike), got "
                        f"{type(path).__name__} {path!r}")
    return os.fspath(path)


def _checked_latest_filename(latest_filename) -> str:
    if latest_filename is None:
        return STATE_FILE
    latest_filename = _checked_path(latest_filename, "latest_filename")
    if os.path.split(latest_filename)[0]:
        raise ValueError("'latest_filename' must not contain path components")
    return latest_filename


def _step_number(sess, global_step) -> int:
    """The step as an int: a number or a tensor's value, which must be a whole number."""
    if isinstance(global_step, Tensor) or hasattr(global_step, "_as_graph_element"):
        global_step = sess.run(global_step)
    value = global_step
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if not isinstance(value, numbers.Real):
        raise TypeError(
            f"global_step must be an integer, or a tensor or variable holding one (the step "
            f"number in the file name), got {type(global_step).__name__} {global_step!r}."
        )
    if not math.isfinite(value) or value != int(value):
        raise ValueError(
            f"global_step must be a whole number (the step number in the file name), got "
            f"{value}: check the computation that produced it."
        )
    return int(value)


def _own_file_names(save_path: str, latest_filename: str, meta_graph_suffix: str):
    """A test for the file names a Saver saving to `save_path` writes in its directory."""
    base = re.escape(os.path.basename(save_path))
    suffixes = "|".join(re.escape(s) for s in (CHECKPOINT_SUFFIX, "." + meta_graph_suffix))
    pattern = re.compile(rf"{re.escape(latest_filename)}|{base}(?:-\d+)?(?:{suffixes})")

    def is_own(name: str) -> bool:
        return pattern.fullmatch(name) is not None

    return is_own


def _named_variables(var_list) -> dict:
    """{name in the checkpoint: Variable}, from None, a list or a dict; duplicates rejected."""
    if var_list is None:
        var_list = global_variables()
    if isinstance(var_list, dict):
        items = list(var_list.items())
    else:
        items = []
        for var in var_list:
            if not isinstance(var, Variable):
                raise TypeError(f"Saver var_list entries must be Variables, got {var!r}")
            items.append((var.op.name, var))
    named = {}
    for key, var in items:
        if not isinstance(var, Variable):
            raise TypeError(f"Saver var_list[{key!r}] must be a Variable, got {var!r}")
        _check_key(key)
        if key in named:
            raise ValueError(f"At least two variables have the same name: {key}")
        named[key] = var
    return named


def _check_key(key) -> None:
    """A name in the checkpoint must be a string a zip archive can hold as a member name."""
    if not isinstance(key, str):
        raise TypeError(f"Saver: names in the checkpoint must be strings, got "
                        f"{type(key).__name__} {key!r}")
    if "\x00" in key:
        raise ValueError(f"Saver: the name {key!r} holds a NUL character, which a checkpoint "
                         "archive cannot store; rename the variable or pass var_list= a dict.")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"Saver: the name {key!r} is not valid Unicode (a lone surrogate), "
                         "so a checkpoint archive cannot store it.") from None
    if os.sep != "/" and os.sep in key:
        raise ValueError(f"Saver: the name {key!r} holds {os.sep!r}, which zip archives on "
                         "this system turn into '/'; use '/' in checkpoint names.")


def _checked_value(key: str, var: Variable, value: np.ndarray, path: str,
                   reshape: bool = False) -> np.ndarray:
    """The stored value, or InvalidArgumentError if its shape or dtype does not fit `var`."""
    if (reshape and not var.shape.is_compatible_with(value.shape)
            and var.shape.is_fully_defined() and var.shape.num_elements() == value.size):
        value = value.reshape(var.shape.as_list())
    if not var.shape.is_compatible_with(value.shape):
        also = "" if reshape else " (or pass reshape=True to the Saver, if the sizes agree)"
        raise errors.InvalidArgumentError(
            None,
            var.op,
            f"Restoring from checkpoint failed: variable '{key}' has shape "
            f"{var.shape.bracket_str()} in the graph but shape {list(value.shape)} in "
            f"checkpoint {path}. Assign requires shapes of both tensors to match; build the "
            f"variable with the shape it was saved with{also}.",
        )
    if value.dtype != var.dtype.np:
        raise errors.InvalidArgumentError(
            None,
            var.op,
            f"Restoring from checkpoint failed: variable '{key}' is {var.dtype.name} in the "
            f"graph but {value.dtype} in checkpoint {path}.",
        )
    return value


# ---------------------------------------------------------------- the archive
_STRING_RECORD = ("length", "data")


def _stored_array(var: Variable, value) -> np.ndarray:
    """The array written for `var`: its value; string variables as plain bytes.

    NOTE: a string variable holds Python bytes objects, which numpy could only store pickled
    (and pickles are refused on reading). It is stored as records `(length, data)`, the data
    padded with zeros to the longest string: no pickle, and trailing NUL bytes survive."""
    value = np.asarray(value)
    if value.dtype != object:
        return value
    items = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in value.ravel()]
    width = max([len(item) for item in items] + [1])
    record = np.zeros(len(items), dtype=[("length", "<i8"), ("data", f"V{width}")])
    for i, item in enumerate(items):
        record["length"][i] = len(item)
        record["data"][i] = np.void(item.ljust(width, b"\x00"))
    return record.reshape(value.shape)


def _restored_array(var: Variable, value: np.ndarray) -> np.ndarray:
    """The inverse of `_stored_array` for string variables; other values unchanged."""
    if np.dtype(var.dtype.np) != object or value.dtype.names != _STRING_RECORD:
        return value
    lengths, data = value["length"].ravel(), value["data"].ravel()
    items = np.empty(len(lengths), dtype=object)
    for i, (length, datum) in enumerate(zip(lengths, data)):
        items[i] = datum.tobytes()[: int(length)]
    return items.reshape(value.shape)


def _archive_writer(arrays: dict):
    def write(file) -> None:
        """Writes each array as the member `<name>.npy` of an uncompressed zip (numpy's .npz).

        NOTE: `np.savez(file, **arrays)` would pass the names as keyword arguments, so a
        variable named `file` or `allow_pickle` would crash the save or be silently dropped;
        this writes the same format member by member."""
        import zipfile  # (not at import: it loads bz2, lzma and shutil, 1.8 MB)

        with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED,
                             allowZip64=True) as archive:
            for key, value in arrays.items():
                with archive.open(key + _MEMBER_SUFFIX, mode="w", force_zip64=True) as member:
                    np.lib.format.write_array(member, value, allow_pickle=False)

    return write


def _bytes_writer(data: bytes):
    def write(file) -> None:
        """Writes `data` to `file`."""
        file.write(data)

    return write


def _checkpoint_file(prefix: str) -> str:
    """The file of checkpoint `prefix` ("model.ckpt-3" -> "model.ckpt-3.npz")."""
    if prefix.endswith(CHECKPOINT_SUFFIX) and os.path.isfile(prefix):
        return prefix
    path = prefix + CHECKPOINT_SUFFIX
    if not os.path.isfile(path):
        hint = ""
        if os.path.isdir(prefix):
            hint = " It is a directory: pass tf.train.latest_checkpoint(directory)."
        raise ValueError(
            f"The passed save_path is not a valid checkpoint: {prefix} (no file {path}). Pass "
            f"the path saver.save() returned, or tf.train.latest_checkpoint(<directory>).{hint}"
        )
    return path


class _ArchiveReader:
    """A checkpoint file opened for reading: `members` maps each name to its zip entry, and
    `read(name)` reads one array; every failure is a DataLossError naming the file.

    NOTE: members are read with numpy's header functions and a size check before any memory is
    allocated, so a damaged header that claims a huge shape is refused instead of allocated,
    and `np.load`'s lookup (which also accepts raw member names, so that a variable named
    "x.npy" would read the array of "x") is not used.
    """

    def __init__(self, path: str):
        self.path = path
        import zipfile  # (not at import: it loads bz2, lzma and shutil, 1.8 MB)

        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except Exception as e:  # BadZipFile, OSError, EOFError, ...: damaged bytes
            raise self._loss(f"it is truncated or corrupt ({type(e).__name__}: {e})") from None
        self.members = {}
        for info in infos:
            name = info.filename
            if not name.endswith(_MEMBER_SUFFIX):
                self._zip.close()
                raise self._loss(f"its member {name!r} is not a variable's array (a checkpoint "
                                 f"holds one '<name>{_MEMBER_SUFFIX}' member per variable)")
            key = name[: -len(_MEMBER_SUFFIX)]
            if key in self.members:
                self._zip.close()
                raise self._loss(f"it holds two members named {name!r}")
            self.members[key] = info

    def __enter__(self) -> "_ArchiveReader":
        return self

    def __exit__(self, *exc_info) -> None:
        self._zip.close()

    def _loss(self, reason: str) -> errors.DataLossError:
        return errors.DataLossError(
            None, None,
            f"Unable to read checkpoint file {self.path}: {reason}. Restore an older checkpoint "
            "(see the 'checkpoint' file in its directory) or save again.",
        )

    def read(self, key: str) -> np.ndarray:
        info = self.members[key]
        what = f"the value of {key!r} (member {info.filename!r})"
        try:
            with self._zip.open(info) as member:
                shape, fortran_order, dtype = _read_header(member)
                if dtype.hasobject:
                    raise self._loss(f"{what} holds pickled Python objects, which are refused "
                                     "(a checkpoint is data)")
                count = math.prod(shape)
                size = count * dtype.itemsize
                available = info.file_size - member.tell()
                if size > available:
                    raise self._loss(
                        f"{what} is truncated: its header promises {size} bytes ({dtype}, "
                        f"shape {list(shape)}) but the member holds {available}")
                data = bytearray(size)
                if member.readinto(data) != size or member.read(1):
                    raise self._loss(f"{what} is truncated or corrupt: its size disagrees "
                                     "with its header")
        except errors.DataLossError:
            raise
        except Exception as e:  # BadZipFile (bad CRC), zlib.error, ValueError (bad header)...
            raise self._loss(f"{what} is truncated or corrupt ({type(e).__name__}: {e})") from None
        array = np.frombuffer(data, dtype=dtype, count=count)
        if fortran_order:
            return array.reshape(shape[::-1]).transpose()
        return array.reshape(shape)


def _read_header(member):
    """(shape, fortran_order, dtype) of an .npy stream, its position left at the data."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(member)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(member)
    raise ValueError(f"unsupported .npy format version {version}")


meta_graph.register_saver_class(Saver)
