"""`tf.train.Saver`: variable values to a checkpoint file and back.

A checkpoint is one `.npz` file (numpy's zip of arrays), one array per variable, keyed by the
variable's name (`"W1"`, `"W1/Adam"`, `"beta1_power"`): `saver.save(sess, "ckpt/model.ckpt",
global_step=100)` writes `ckpt/model.ckpt-100.npz` and returns the prefix `"ckpt/model.ckpt-100"`,
which is what `restore` and `tf.train.latest_checkpoint` speak. Next to the checkpoints, a small
text file named `checkpoint` lists them in TF1's format, newest last:

    model_checkpoint_path: "model.ckpt-100"
    all_model_checkpoint_paths: "model.ckpt-90"
    all_model_checkpoint_paths: "model.ckpt-100"

Safety, which TF1 users learned the hard way:

* **a checkpoint is data, never code**: files are read with `allow_pickle=False`, so a file
  holding pickled objects is refused instead of executed;
* **writes are atomic**: each file is written to a temporary file in the same directory, flushed
  to disk, then renamed over the old one with `os.replace`, so a crash mid-save leaves the
  previous checkpoint (and the `checkpoint` index) intact;
* **errors name what is wrong**: a variable missing from the file is a `NotFoundError` naming it,
  a shape or dtype mismatch an `InvalidArgumentError` naming the variable and both shapes, a
  truncated or corrupt file a `DataLossError` naming the file.

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

import os
import tempfile
import warnings
from typing import Optional

import numpy as np

from minigraph import errors, meta_graph
from minigraph.ops import array_ops, control_flow_ops, state_ops
from minigraph.tensor import Tensor
from minigraph.variables import Variable, global_variables

_SUFFIX = ".npz"
_STATE_FILE = "checkpoint"
_META_SUFFIX = "meta"


class Saver:
    """Saves and restores variables (TF1's `tf.train.Saver`).

    Args:
        var_list: the variables to save: None for all global variables (including optimizer
            slots and the global step), a list of Variables (saved under their names), or a
            dict `{name in the file: Variable}`.
        max_to_keep: how many recent checkpoints to keep; older ones are deleted when a new one
            is saved. None or 0 keeps every file.
        name: the name scope of the Saver's ops (default "save").

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
        self._max_to_keep = max_to_keep
        self._keep_every_n_hours = keep_checkpoint_every_n_hours
        self._last_checkpoints: list = []
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
        self._keep_every_n_hours = saver_def.keep_checkpoint_every_n_hours
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
        """Writes `path` (.meta), or warns once if the tensorboard package is missing."""
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
        self.export_meta_graph(path)

    # ------------------------------------------------------------ public API
    @property
    def last_checkpoints(self) -> list:
        """The prefixes of the checkpoints this Saver has written and not deleted, oldest first."""
        return list(self._last_checkpoints)

    def save(self, sess, save_path: str, global_step=None, latest_filename: Optional[str] = None,
             meta_graph_suffix: str = "meta", write_meta_graph: bool = True,
             write_state: bool = True, strip_default_attrs: bool = False,
             save_debug_info: bool = False) -> str:
        """Writes the variables' values in `sess` to `save_path[-global_step].npz`, and (with
        `write_meta_graph`) the meta graph to `save_path[-global_step].meta`.

        Returns:
            The checkpoint prefix written (e.g. "model.ckpt-100"), for `restore`.
        """
        prefix = str(save_path)
        if global_step is not None:
            if isinstance(global_step, Tensor) or hasattr(global_step, "_as_graph_element"):
                global_step = sess.run(global_step)
            prefix = f"{prefix}-{int(global_step)}"
        directory = os.path.dirname(os.path.abspath(prefix))
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        keys = list(self._variables)
        values = sess.run([self._variables[k] for k in keys])
        arrays = {key: np.asarray(value) for key, value in zip(keys, values)}
        _atomic_write(prefix + _SUFFIX, _npz_writer(arrays))
        if write_meta_graph:
            self._write_meta_graph(f"{prefix}.{meta_graph_suffix}")
        self._remember(prefix)
        if write_state:
            _write_state(directory, latest_filename or _STATE_FILE, self._last_checkpoints)
        return prefix

    def restore(self, sess, save_path: str) -> None:
        """Assigns every variable its value from the checkpoint `save_path` (a prefix).

        Raises:
            ValueError: `save_path` is None or no checkpoint exists there.
            tf.errors.DataLossError: the file is truncated, corrupt or holds pickled objects.
            tf.errors.NotFoundError: a variable of this Saver is not in the file.
            tf.errors.InvalidArgumentError: a variable's shape or dtype differs in the file.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        path = _checkpoint_file(str(save_path))
        stored = _read_npz(path)
        feed = {}
        for key, var in self._variables.items():
            if key not in stored:
                raise errors.NotFoundError(
                    None,
                    None,
                    f"Key {key} not found in checkpoint {path}: the graph has a variable "
                    f"'{key}' ({var.dtype.name}, shape {var.shape}) that the checkpoint does "
                    f"not hold (it holds {sorted(stored)}). Restore into a graph built like the "
                    "saved one, or pass var_list= to the Saver to restore only some variables.",
                )
            feed[self._placeholders[key]] = _checked_value(key, var, stored[key], path)
        sess.run(self._restore_op, feed_dict=feed)

    def set_last_checkpoints(self, last_checkpoints: list) -> None:
        """Sets the list of recent checkpoints (e.g. after a restart), oldest first."""
        self._last_checkpoints = list(last_checkpoints)

    def recover_last_checkpoints(self, checkpoint_paths: list) -> None:
        """Adopts the existing checkpoints among `checkpoint_paths` as this Saver's recent ones."""
        self._last_checkpoints = [p for p in checkpoint_paths if checkpoint_exists(p)]

    # ------------------------------------------------------------ bookkeeping
    def _remember(self, prefix: str) -> None:
        """Appends `prefix` to the recent list; deletes the files of checkpoints beyond
        `max_to_keep` (TF1: None or 0 keeps every file, listing only the newest)."""
        if prefix in self._last_checkpoints:
            self._last_checkpoints.remove(prefix)
        self._last_checkpoints.append(prefix)
        if not self._max_to_keep:
            self._last_checkpoints = self._last_checkpoints[-1:]
            return
        while len(self._last_checkpoints) > self._max_to_keep:
            oldest = self._last_checkpoints.pop(0)
            for path in (oldest + _SUFFIX, f"{oldest}.{_META_SUFFIX}"):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass


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
        if key in named:
            raise ValueError(f"At least two variables have the same name: {key}")
        named[key] = var
    return named


def _checked_value(key: str, var: Variable, value: np.ndarray, path: str) -> np.ndarray:
    """The stored value, or InvalidArgumentError if its shape or dtype does not fit `var`."""
    if not var.shape.is_compatible_with(value.shape):
        raise errors.InvalidArgumentError(
            None,
            var.op,
            f"Restoring from checkpoint failed: variable '{key}' has shape "
            f"{var.shape.bracket_str()} in the graph but shape {list(value.shape)} in "
            f"checkpoint {path}. Assign requires shapes of both tensors to match; build the "
            "variable with the shape it was saved with.",
        )
    if value.dtype != var.dtype.np:
        raise errors.InvalidArgumentError(
            None,
            var.op,
            f"Restoring from checkpoint failed: variable '{key}' is {var.dtype.name} in the "
            f"graph but {value.dtype} in checkpoint {path}.",
        )
    return value


# ---------------------------------------------------------------- files
def _npz_writer(arrays: dict):
    def write(file) -> None:
        """Writes the arrays to `file` as an .npz archive."""
        np.savez(file, **arrays)

    return write


def _state_writer(text: str):
    def write(file) -> None:
        """Writes `text` to `file` as UTF-8."""
        file.write(text.encode("utf-8"))

    return write


def _atomic_write(path: str, write) -> None:
    """Runs `write(file)` on a temporary file next to `path`, then renames it to `path`.

    NOTE: the rename (`os.replace`) is atomic on POSIX and Windows, so readers see either the
    old file or the complete new one; if `write` fails, the temporary file is removed and the
    old file is untouched.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".tmp-" + os.path.basename(path))
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


def _checkpoint_file(prefix: str) -> str:
    """The file of checkpoint `prefix` ("model.ckpt-3" -> "model.ckpt-3.npz")."""
    if prefix.endswith(_SUFFIX) and os.path.isfile(prefix):
        return prefix
    path = prefix + _SUFFIX
    if not os.path.isfile(path):
        raise ValueError(
            f"The passed save_path is not a valid checkpoint: {prefix} (no file {path}). Pass "
            "the path saver.save() returned, or tf.train.latest_checkpoint(<directory>)."
        )
    return path


def _read_npz(path: str) -> dict:
    """Every array in the checkpoint file, read eagerly, with pickled objects refused."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except ValueError as e:
        if "allow_pickle" in str(e) or "Object arrays" in str(e):
            reason = "it holds pickled Python objects, which are refused (a checkpoint is data)"
        else:
            reason = f"it is truncated or corrupt ({e})"
        raise errors.DataLossError(None, None, _data_loss_message(path, reason)) from None
    except Exception as e:  # BadZipFile, EOFError, zlib.error, ...: damaged bytes
        reason = f"it is truncated or corrupt ({type(e).__name__}: {e})"
        raise errors.DataLossError(None, None, _data_loss_message(path, reason)) from None


def _data_loss_message(path: str, reason: str) -> str:
    return (
        f"Unable to read checkpoint file {path}: {reason}. Restore an older checkpoint "
        "(see the 'checkpoint' file in its directory) or save again."
    )


# ---------------------------------------------------------------- the "checkpoint" index
class CheckpointState:
    """The contents of a `checkpoint` index file (TF1's CheckpointState proto)."""

    def __init__(self, model_checkpoint_path: str, all_model_checkpoint_paths: list):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self) -> str:
        lines = [f'model_checkpoint_path: "{self.model_checkpoint_path}"']
        lines += [f'all_model_checkpoint_paths: "{p}"' for p in self.all_model_checkpoint_paths]
        return "\n".join(lines) + "\n"


def _write_state(directory: str, filename: str, prefixes: list) -> None:
    """Writes the index, paths relative to `directory` so it can be moved with it."""
    relative = [os.path.relpath(os.path.abspath(p), directory) for p in prefixes]
    state = CheckpointState(relative[-1], relative)
    _atomic_write(os.path.join(directory, filename), _state_writer(repr(state)))


def get_checkpoint_state(checkpoint_dir: str, latest_filename: Optional[str] = None):
    """The `CheckpointState` of `checkpoint_dir` (paths joined to the dir), or None.

    Example:
        >>> import tempfile
        >>> import minigraph as tf
        >>> print(tf.train.get_checkpoint_state(tempfile.mkdtemp()))
        None
    """
    path = os.path.join(checkpoint_dir, latest_filename or _STATE_FILE)
    if not os.path.isfile(path):
        return None
    latest, every = None, []
    with open(path, encoding="utf-8") as file:
        for line in file:
            key, _, value = line.partition(":")
            value = value.strip().strip('"')
            if not value:
                continue
            if not os.path.isabs(value):
                value = os.path.join(checkpoint_dir, value)
            if key.strip() == "model_checkpoint_path":
                latest = value
            elif key.strip() == "all_model_checkpoint_paths":
                every.append(value)
    if latest is None:
        raise errors.DataLossError(
            None, None, f"Checkpoint index {path} has no model_checkpoint_path line."
        )
    return CheckpointState(latest, every)


def latest_checkpoint(checkpoint_dir: str, latest_filename: Optional[str] = None):
    """The prefix of the newest checkpoint saved in `checkpoint_dir`, or None if there is none.

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


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """True if a checkpoint file exists for `checkpoint_prefix`."""
    return os.path.isfile(str(checkpoint_prefix) + _SUFFIX)


meta_graph.register_saver_class(Saver)
