"""Meta graphs: a graph with its collections and its Saver, to restore and keep training.

A `MetaGraphDef` (TF1's `.meta` file) holds a `GraphDef`, the `SaverDef` of a Saver (which ops
restore a checkpoint) and the graph's collections: variables as `VariableDef` protos (the
`variables`, `trainable_variables`, `global_step`, ... collections), other tensors and ops by
name (`train_op`, `losses`, `summaries`, `update_ops`, your own), and numbers and strings as
they are. `Saver.save` writes one next to each checkpoint (`model.ckpt-100.meta`), so a new
process can rebuild everything, without the code that built the graph:

    saver = tf.train.import_meta_graph("ckpt/model.ckpt-100.meta")
    saver.restore(sess, "ckpt/model.ckpt-100")
    train_op = tf.get_collection("train_op")[0]
    sess.run(train_op, feed_dict={"x:0": ..., "y:0": ...})

Imported variables are real `tf.Variable`s again (in `tf.global_variables()`, restored by the
Saver, trained by the imported `train_op`, optimizer slots included). Collections holding other
Python objects cannot be written; they are left out with a warning, as TF1 does.

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default():
    ...     w = tf.Variable(3.0, name="w")
    ...     tf.add_to_collection("outputs", w * 2.0)
    ...     meta = tf.train.export_meta_graph()
    >>> with tf.Graph().as_default():
    ...     _ = tf.train.import_meta_graph(meta)
    ...     print(tf.global_variables(), tf.get_collection("outputs"))
    [<tf.Variable 'w:0' shape=() dtype=float32_ref>] [Tensor("mul:0", shape=(), dtype=float32)]
"""

from __future__ import annotations

import os
import warnings
from typing import Optional

from minigraph import graph_def as graph_def_lib
from minigraph import protos
from minigraph.graph import GraphKeys, get_default_graph
from minigraph.tensor import Operation, Tensor

_FEATURE = "Meta graphs (tf.train.export_meta_graph / import_meta_graph, Saver's .meta files)"

# Collections whose variables are written as VariableDef protos, as TF1 registers them.
VARIABLE_COLLECTIONS = (
    GraphKeys.GLOBAL_VARIABLES,
    GraphKeys.TRAINABLE_VARIABLES,
    GraphKeys.LOCAL_VARIABLES,
    GraphKeys.MODEL_VARIABLES,
    GraphKeys.MOVING_AVERAGE_VARIABLES,
    GraphKeys.GLOBAL_STEP,
)


# tf.train.Saver, which registers itself here when minigraph.train.saver is imported (as TF1
# registers the proto functions of its savers): a Saver writes its meta graph with this module,
# which therefore cannot import it.
_saver_classes = []


def register_saver_class(saver_class) -> None:
    """Makes `saver_class` (tf.train.Saver) what meta graphs write and rebuild savers with.

    Example:
        >>> from minigraph.train.saver import Saver
        >>> register_saver_class(Saver)  # what importing minigraph.train.saver does
    """
    _saver_classes[:] = [saver_class]


def _saver_class():
    if not _saver_classes:
        raise ImportError("Meta graphs need tf.train.Saver: import minigraph.train.saver "
                          "(`import minigraph` does).")
    return _saver_classes[0]


def _pb(module: str):
    return protos.load(module, _FEATURE)


# ---------------------------------------------------------------- writing
def _collection_kind(key: str, items: list) -> Optional[str]:
    """The CollectionDef field for `items`, or None if they cannot be written."""
    from minigraph.variables import Variable

    Saver = _saver_class()  # noqa: N806 - the class

    if key in VARIABLE_COLLECTIONS and all(isinstance(x, Variable) for x in items):
        return "variables"
    if key == GraphKeys.SAVERS and all(isinstance(x, Saver) for x in items):
        return "savers"
    for kind, is_kind in _PLAIN_KINDS:
        if all(is_kind(x) for x in items):
            return kind
    return None


def _is_graph_element(x) -> bool:
    return isinstance(x, (Tensor, Operation))


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_float(x) -> bool:
    return isinstance(x, float)


def _is_text(x) -> bool:
    return isinstance(x, (str, bytes))


# The CollectionDef fields of collections of plain items, and which items each one holds.
_PLAIN_KINDS = (
    ("node_list", _is_graph_element),
    ("int64_list", _is_int),
    ("float_list", _is_float),
    ("bytes_list", _is_text),
)


def _add_collection_def(meta_graph_def, key: str, items: list, export_scope) -> None:
    from minigraph.gradients import GRADIENT_SCOPES
    from minigraph.train.optimizer import LAYER_UPDATE_OPS, OPTIMIZER_SCOPES

    if key == LAYER_UPDATE_OPS:
        # minigraph's own record of (layer output, its update ops) pairs, which `minimize`
        # reads to run batch-norm updates; the imported train ops already run them, and the
        # update ops themselves are kept in UPDATE_OPS.
        return
    if key in (GRADIENT_SCOPES, OPTIMIZER_SCOPES):
        # minigraph's record of the scopes tf.gradients and the optimizers built in, which only
        # colours its pictures; a meta graph holds TF1's collections.
        return
    kind = _collection_kind(key, items)
    if kind is None:
        kinds = sorted({type(x).__name__ for x in items})
        warnings.warn(
            f"Issue encountered when serializing {key}: its items ({', '.join(kinds)}) are not "
            "tensors, operations, variables, numbers or strings, so the meta graph leaves the "
            "collection out.",
            stacklevel=4,
        )
        return
    collection = meta_graph_def.collection_def[key]
    if kind in ("variables", "savers"):
        protos_list = [x.to_proto(export_scope=export_scope) for x in items]
        collection.bytes_list.value.extend(p.SerializeToString() for p in protos_list if p)
    elif kind == "node_list":
        collection.node_list.value.extend(x.name for x in items)
    elif kind == "bytes_list":
        collection.bytes_list.value.extend(
            x.encode("utf-8") if isinstance(x, str) else x for x in items
        )
    else:
        getattr(collection, kind).value.extend(items)


def create_meta_graph_def(meta_info_def=None, graph_def=None, saver_def=None,
                          collection_list=None, graph=None, export_scope=None,
                          exclude_nodes=None, clear_extraneous_savers=False,
                          strip_default_attrs=False):
    """The `MetaGraphDef` of `graph` (default: the default graph), without writing it.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     _ = tf.Variable(1.0, name="w")
        >>> sorted(create_meta_graph_def(graph=g).collection_def)
        ['trainable_variables', 'variables']
    """
    graph = graph or get_default_graph()
    meta_graph_def = _pb("meta_graph_pb2").MetaGraphDef()
    if meta_info_def is not None:
        meta_graph_def.meta_info_def.CopyFrom(meta_info_def)
    meta_graph_def.graph_def.CopyFrom(graph_def if graph_def is not None else graph.as_graph_def())
    if saver_def is not None:
        meta_graph_def.saver_def.CopyFrom(saver_def)
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        items = graph.get_collection(key)
        if items:
            _add_collection_def(meta_graph_def, key, items, export_scope)
    return meta_graph_def


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text: bool = False, graph=None,
                      export_scope=None, clear_devices: bool = False,
                      clear_extraneous_savers: bool = False, strip_default_attrs: bool = False,
                      save_debug_info: bool = False, **kwargs):
    """Returns the `MetaGraphDef` of a graph, and writes it to `filename` if given.

    TF1's `tf.train.export_meta_graph`. Binary protobuf by default, text format with
    `as_text=True`. `Saver.export_meta_graph` adds the Saver's `SaverDef`.

    Example:
        >>> import os, tempfile
        >>> import minigraph as tf
        >>> path = os.path.join(tempfile.mkdtemp(), "graph.meta")
        >>> with tf.Graph().as_default():
        ...     _ = tf.Variable(1.0, name="w")
        ...     meta = tf.train.export_meta_graph(path)
        >>> os.path.isfile(path), [node.name for node in meta.graph_def.node]
        (True, ['w/initial_value', 'w', 'w/Assign'])
    """
    meta_graph_def = create_meta_graph_def(
        meta_info_def=meta_info_def, graph_def=graph_def, saver_def=saver_def,
        collection_list=collection_list, graph=graph, export_scope=export_scope,
    )
    if filename:
        directory = os.path.dirname(os.path.abspath(filename))
        os.makedirs(directory, exist_ok=True)
        if as_text:
            text_format = protos.load_protobuf("text_format", _FEATURE)
            data = text_format.MessageToString(meta_graph_def).encode("utf-8")
        else:
            data = meta_graph_def.SerializeToString(deterministic=True)
        graph_def_lib.atomic_write_bytes(str(filename), data)
    return meta_graph_def


# ---------------------------------------------------------------- reading
def read_meta_graph_file(filename: str):
    """The `MetaGraphDef` in `filename` (binary or text format).

    Raises:
        OSError: the file does not exist.
        tf.errors.DataLossError: the file is neither a binary nor a text MetaGraphDef.
    """
    from minigraph import errors

    if not os.path.isfile(filename):
        raise OSError(f"File {filename} does not exist.")
    with open(filename, "rb") as file:
        data = file.read()
    meta_graph_def = _pb("meta_graph_pb2").MetaGraphDef()
    try:
        meta_graph_def.ParseFromString(data)
        return meta_graph_def
    except Exception:  # noqa: BLE001 - protobuf's DecodeError: try the text format
        pass
    text_format = protos.load_protobuf("text_format", _FEATURE)
    try:
        text_format.Merge(data.decode("utf-8"), meta_graph_def)
    except Exception as e:  # noqa: BLE001 - ParseError, UnicodeDecodeError
        raise errors.DataLossError(
            None, None,
            f"Unable to read meta graph file {filename}: it is neither a binary nor a text "
            f"MetaGraphDef ({type(e).__name__}: {e}).",
        ) from None
    return meta_graph_def


class _Renamer:
    """Maps names in the meta graph to the names its nodes got when imported."""

    def __init__(self, created: dict):
        self.created = created

    def op_name(self, name: str) -> str:
        return self.created[name].name

    def name(self, name: str) -> str:
        """An op name ("w/Assign") or a tensor name ("w:0"), renamed."""
        if not name:
            return name
        op_name, sep, index = name.rpartition(":")
        if sep and index.isdigit():
            return f"{self.op_name(op_name)}:{index}"
        return self.op_name(name)

    def element(self, name: str):
        op_name, sep, index = name.rpartition(":")
        if sep and index.isdigit():
            return self.created[op_name].outputs[int(index)]
        return self.created[name]


def _renamed_variable_def(variable_def, renamer: _Renamer):
    renamed = type(variable_def)()
    renamed.CopyFrom(variable_def)
    for field in ("variable_name", "initial_value_name", "initializer_name", "snapshot_name"):
        setattr(renamed, field, renamer.name(getattr(variable_def, field)))
    return renamed


def _restore_variables(meta_graph_def, renamer: _Renamer) -> dict:
    """Makes a Variable of every VariableDef (once per variable); {op name: Variable}."""
    from minigraph.variables import Variable

    variable_pb2 = _pb("variable_pb2")
    made = {}
    for key in VARIABLE_COLLECTIONS:
        if key not in meta_graph_def.collection_def:
            continue
        for data in meta_graph_def.collection_def[key].bytes_list.value:
            variable_def = _renamed_variable_def(variable_pb2.VariableDef.FromString(data),
                                                 renamer)
            op_name = variable_def.variable_name.rpartition(":")[0]
            if op_name not in made:
                made[op_name] = Variable(variable_def=variable_def)
    return made


def _restore_collections(meta_graph_def, renamer: _Renamer, variables: dict, graph) -> None:
    Saver = _saver_class()  # noqa: N806 - the class
    saver_pb2 = _pb("saver_pb2")
    variable_pb2 = _pb("variable_pb2")
    for key in sorted(meta_graph_def.collection_def):
        collection = meta_graph_def.collection_def[key]
        kind = collection.WhichOneof("kind")
        if kind is None:
            continue
        values = getattr(collection, kind).value
        if key in VARIABLE_COLLECTIONS and kind == "bytes_list":
            for data in values:
                name = renamer.name(variable_pb2.VariableDef.FromString(data).variable_name)
                graph.add_to_collection(key, variables[name.rpartition(":")[0]])
        elif key == GraphKeys.SAVERS and kind == "bytes_list":
            for data in values:
                saver_def = _renamed_saver_def(saver_pb2.SaverDef.FromString(data), renamer)
                graph.add_to_collection(key, Saver(saver_def=saver_def))
        elif kind == "node_list":
            for name in values:
                graph.add_to_collection(key, renamer.element(name))
        elif kind == "bytes_list":
            for data in values:
                graph.add_to_collection(key, _text_or_bytes(data))
        else:
            for value in values:
                graph.add_to_collection(key, value)


def _text_or_bytes(data: bytes):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _renamed_saver_def(saver_def, renamer: _Renamer):
    renamed = type(saver_def)()
    renamed.CopyFrom(saver_def)
    for field in ("filename_tensor_name", "save_tensor_name", "restore_op_name"):
        setattr(renamed, field, renamer.name(getattr(saver_def, field)))
    return renamed


def import_meta_graph(meta_graph_or_file, clear_devices: bool = False,
                      import_scope: Optional[str] = None, **kwargs):
    """Rebuilds a saved graph, its variables and collections in the default graph.

    TF1's `tf.train.import_meta_graph`: `meta_graph_or_file` is a `MetaGraphDef` or the path of
    a `.meta` file. Node names are kept (prefixed by `import_scope/` if given). Variables
    become `tf.Variable`s, collections are added to the graph's, and a Saver for the imported
    variables is returned: the one the meta graph's `SaverDef` describes, else a new
    `tf.train.Saver()` if there are variables, else None.

    Example:
        >>> import os, tempfile
        >>> import minigraph as tf
        >>> prefix = os.path.join(tempfile.mkdtemp(), "model.ckpt")
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(5.0, name="w")
        ...     tf.add_to_collection("train_op", tf.assign_add(w, 1.0, name="step"))
        ...     with tf.Session() as sess:
        ...         sess.run(w.initializer)
        ...         path = tf.train.Saver().save(sess, prefix)
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     saver = tf.train.import_meta_graph(path + ".meta")
        ...     saver.restore(sess, path)
        ...     print(sess.run(tf.get_collection("train_op")[0]))
        6.0
    """
    Saver = _saver_class()  # noqa: N806 - the class
    if isinstance(meta_graph_or_file, (str, os.PathLike)):
        meta_graph_def = read_meta_graph_file(os.fspath(meta_graph_or_file))
    else:
        meta_graph_def = meta_graph_or_file
    graph = get_default_graph()
    created = graph_def_lib.import_nodes(meta_graph_def.graph_def, name=import_scope or "",
                                         graph=graph)
    renamer = _Renamer(created)
    with graph.as_default():
        variables = _restore_variables(meta_graph_def, renamer)
        _restore_collections(meta_graph_def, renamer, variables, graph)
        if meta_graph_def.HasField("saver_def"):
            return Saver(saver_def=_renamed_saver_def(meta_graph_def.saver_def, renamer))
        if variables:
            return Saver(var_list=list(variables.values()))
    return None
