"""Graphs as TensorFlow `GraphDef` protobufs: `Graph.as_graph_def`, `tf.import_graph_def` and
`tf.train.write_graph`.

A `GraphDef` is TensorFlow's file format for a graph: one `NodeDef` per op, with its name, op
type, inputs (`"x"` for output 0, `"split:1"` for output 1, `"^init"` for a control input) and
attributes (`attr_value` maps them). minigraph writes the same nodes TensorFlow writes for the
same program (`op_mapping` adds the attributes only TensorFlow has), so TensorBoard draws a
minigraph graph with its name scopes, and a graph can be stored, sent and rebuilt.

`import_graph_def` rebuilds a `GraphDef`, written by minigraph or by TensorFlow, in the default
graph: each node becomes an op made by `apply_op` (so its shape function runs and checks it),
under the name scope `name` ("import" unless given). TensorFlow's spellings of some ops are
translated (`AddV2` runs as `Add`, see `op_mapping`); a node whose op type minigraph does not
have is refused before anything is built, with a `NotFoundError` listing every such type.

The protos come from the `tensorboard` package (`pip install "minigraph[tensorboard]"`).

Example:
    >>> import minigraph as tf
    >>> g = tf.Graph()
    >>> with g.as_default():
    ...     x = tf.placeholder(tf.float32, [None, 2], name="x")
    ...     y = tf.nn.relu(x * 2.0, name="y")
    >>> graph_def = g.as_graph_def()
    >>> [(node.name, node.op) for node in graph_def.node]
    [('x', 'Placeholder'), ('mul/y', 'Const'), ('mul', 'Mul'), ('y', 'Relu')]
    >>> with tf.Graph().as_default():
    ...     y2, = tf.import_graph_def(graph_def, return_elements=["y:0"])
    ...     with tf.Session() as sess:
    ...         print(y2.name, sess.run(y2, {"import/x:0": [[-1.0, 3.0]]}))
    import/y:0 [[0. 6.]]
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import inspect
import os
import tempfile
from typing import Optional

from minigraph import attr_value, errors, op_mapping, protos, registry
from minigraph.graph import get_default_graph, register_extension
from minigraph.tensor import Operation, Tensor, apply_op

_FEATURE = "Graph.as_graph_def, tf.import_graph_def and tf.train.write_graph"


def tensor_input_name(tensor) -> str:
    """How a NodeDef names an input: "x" for output 0 of op x, "split:1" for output 1.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     a, b = tf.split(tf.ones([4]), 2)
        >>> tensor_input_name(a), tensor_input_name(b)
        ('split', 'split:1')
    """
    return tensor.op.name if tensor.value_index == 0 else tensor.name


# ---------------------------------------------------------------- writing
def node_def(op: Operation, add_shapes: bool = False):
    """The `NodeDef` protobuf of `op`.

    Args:
        op: the operation.
        add_shapes: also write `_output_shapes`, the static shape of each output (TensorBoard
            labels the graph's edges with them).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     c = tf.constant(2.0, name="c")
        >>> print(node_def(c.op).attr["value"].tensor.float_val)
        [2.0]
    """
    pb = protos.load("node_def_pb2", _FEATURE)
    node = pb.NodeDef(name=op.name, op=op.type)
    node.input.extend(tensor_input_name(t) for t in op.inputs)
    node.input.extend("^" + c.name for c in op.control_inputs)
    for key, value in op_mapping.export_attrs(op).items():
        node.attr[key].CopyFrom(attr_value.to_attr(value))
    if add_shapes and op.outputs:
        shapes_list = node.attr["_output_shapes"].list
        shapes_list.shape.extend(attr_value.shape_to_proto(t.shape) for t in op.outputs)
    return node


@contextlib.contextmanager
def _no_cyclic_gc():
    """Pauses the cyclic garbage collector while a whole graph is written or rebuilt.

    NOTE: as in `executor.compile_plan`: a 100k-op graph allocates millions of small objects
    (protos, ops, tensors), none of them garbage, and the collector would walk the growing
    graph again and again; importing a 100k-op chain took several times longer with it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def as_graph_def(graph=None, from_version: Optional[int] = None, add_shapes: bool = False):
    """The `GraphDef` protobuf of `graph` (default: the default graph); see `Graph.as_graph_def`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     _ = tf.constant(1.0) + 2.0
        >>> len(as_graph_def(g).node)
        3
    """
    graph = graph or get_default_graph()
    pb = protos.load("graph_pb2", _FEATURE)
    graph_def = pb.GraphDef()
    operations = graph.get_operations()
    if from_version is not None:
        operations = operations[from_version:]
    with _no_cyclic_gc():
        graph_def.node.extend(node_def(op, add_shapes) for op in operations)
    return graph_def


def write_graph(graph_or_graph_def, logdir: str, name: str, as_text: bool = True) -> str:
    """Writes a graph to `logdir/name`: protobuf text format, or binary with `as_text=False`.

    TF1's `tf.train.write_graph`. A `Graph` is written as `graph.as_graph_def()`. The file is
    written atomically (to a temporary file, then renamed). Read a binary file back with
    `graph_def = tf.GraphDef(); graph_def.ParseFromString(data)`, a text file with
    `google.protobuf.text_format.Merge(text, tf.GraphDef())`.

    Returns:
        The path of the file written.

    Example:
        >>> import os, tempfile
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     _ = tf.constant(1.0, name="one")
        >>> path = tf.train.write_graph(g, tempfile.mkdtemp(), "graph.pbtxt")
        >>> print(open(path).read().splitlines()[:3])
        ['node {', '  name: "one"', '  op: "Const"']
    """
    if hasattr(graph_or_graph_def, "as_graph_def"):
        graph_def = graph_or_graph_def.as_graph_def()
    else:
        graph_def = graph_or_graph_def
    if as_text:
        text_format = protos.load_protobuf("text_format", _FEATURE)
        data = text_format.MessageToString(graph_def).encode("utf-8")
    else:
        data = graph_def.SerializeToString(deterministic=True)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    atomic_write_bytes(path, data)
    return path


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Writes `data` to a temporary file next to `path`, then renames it to `path`."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".tmp-" + os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


# ---------------------------------------------------------------- reading
def _parse_input(text: str):
    """("x", 0, False) for "x", ("split", 1, False) for "split:1", ("init", 0, True) for "^init"."""
    if text.startswith("^"):
        return text[1:], 0, True
    name, sep, index = text.rpartition(":")
    if sep and index.isdigit():
        return name, int(index), False
    return text, 0, False


def _check_op_types(graph_def) -> None:
    """NotFoundError listing every op type of `graph_def` that minigraph has no op for."""
    known = set(registry.registered_op_types())
    unknown = {}
    for node in graph_def.node:
        if op_mapping.minigraph_type(node.op) not in known:
            unknown.setdefault(node.op, []).append(node.name)
    if unknown:
        listing = "; ".join(
            f"{op_type} ({len(names)} node{'s' if len(names) > 1 else ''}: "
            + ", ".join(repr(n) for n in names[:3]) + (", ..." if len(names) > 3 else "") + ")"
            for op_type, names in sorted(unknown.items())
        )
        raise errors.NotFoundError(
            None, None,
            f"Op type not registered: the GraphDef uses {len(unknown)} op type"
            f"{'s' if len(unknown) > 1 else ''} that minigraph does not have: {listing}. "
            "Nothing was imported. minigraph runs the TensorFlow ops listed by "
            "minigraph.registry.registered_op_types() (and the translations in "
            "minigraph.op_mapping.TF_OP_TYPES).",
        )


def _topological_order(graph_def) -> list:
    """The nodes ordered so that each comes after its inputs (Kahn's algorithm, iterative),
    keeping the file's order where it allows."""
    nodes = list(graph_def.node)
    index_of = {}
    for i, node in enumerate(nodes):
        if node.name in index_of:
            raise ValueError(f"The GraphDef has two nodes named '{node.name}'.")
        index_of[node.name] = i
    waiting = [0] * len(nodes)
    consumers = [[] for _ in nodes]
    for i, node in enumerate(nodes):
        for text in node.input:
            producer = _parse_input(text)[0]
            if producer not in index_of:
                raise ValueError(
                    f"Node '{node.name}' has input '{text}', but the GraphDef has no node "
                    f"'{producer}'."
                )
            waiting[i] += 1
            consumers[index_of[producer]].append(i)
    # A heap of ready node indices: a GraphDef already in order (minigraph and TensorFlow write
    # ops in creation order) is imported in exactly its own order.
    ready = [i for i in range(len(nodes)) if waiting[i] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(nodes[i])
        for j in consumers[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) != len(nodes):
        stuck = [nodes[i].name for i in range(len(nodes)) if waiting[i] > 0]
        raise ValueError(
            f"The GraphDef has a cycle (a TensorFlow while loop?) through nodes {stuck[:5]}; "
            "minigraph graphs are acyclic and cannot hold it."
        )
    return order


@functools.lru_cache(maxsize=None)
def _kernel_keywords(kernel):
    """(accepted keyword names, required ones), or None if the kernel takes any keyword."""
    try:
        params = inspect.signature(kernel).parameters.values()
    except (TypeError, ValueError):  # a numpy ufunc: it takes no attributes
        return frozenset(), frozenset()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    accepted = {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    required = {p.name for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty}
    return frozenset(accepted), frozenset(required)


def _check_kernel_attrs(node_name: str, op_type: str, attrs: dict) -> None:
    """ValueError if a pure kernel would be called with attributes it does not take."""
    op_def = registry.get_op_def(op_type)
    if op_def.stateful or op_def.kernel is None:
        return
    keywords = _kernel_keywords(op_def.kernel)
    if keywords is None:
        return
    accepted, required = keywords
    unknown = sorted(set(attrs) - accepted)
    missing = sorted(required - set(attrs))
    if unknown or missing:
        raise ValueError(
            f"Node '{node_name}' (op: {op_type}) cannot run as minigraph's {op_type}: "
            + (f"it has attributes minigraph's op does not take: {unknown}" if unknown else "")
            + ("; " if unknown and missing else "")
            + (f"it lacks attributes minigraph's op needs: {missing}" if missing else "")
            + "."
        )


class _Importer:
    """Builds the nodes of a GraphDef in `graph`, remembering what each node became."""

    def __init__(self, graph, input_map: dict):
        self.graph = graph
        self.created = {}  # node name -> Operation
        self.input_map = {}
        self.used_keys = set()
        for key, value in (input_map or {}).items():
            if not isinstance(key, str):
                raise TypeError(f"input_map keys must be tensor names (strings), got {key!r}")
            name, index, control = _parse_input(key)
            self.input_map[(name, index, control)] = (key, value)

    def _resolve(self, text: str):
        name, index, control = _parse_input(text)
        mapped = self.input_map.get((name, index, control))
        if mapped is not None:
            self.used_keys.add(mapped[0])
            key, value = mapped
            if control:
                return getattr(value, "op", value)
            if not isinstance(value, Tensor):
                raise TypeError(f"input_map[{key!r}] must be a Tensor, got {value!r}")
            original = self.created[name].outputs[index]
            if value.dtype != original.dtype:
                raise ValueError(
                    f"input_map[{key!r}] is {value!r}, of dtype {value.dtype.name}, but "
                    f"'{text}' in the GraphDef is {original.dtype.name}; cast it first "
                    f"(tf.cast(t, tf.{original.dtype.name}))."
                )
            return value
        op = self.created[name]
        if control:
            return op
        if index >= len(op.outputs):
            raise ValueError(
                f"An input refers to output {index} of node '{name}', which has only "
                f"{len(op.outputs)} outputs."
            )
        return op.outputs[index]

    def build(self, node) -> Operation:
        resolved = [self._resolve(text) for text in node.input]
        inputs = [t for t, text in zip(resolved, node.input) if not text.startswith("^")]
        control = [op for op, text in zip(resolved, node.input) if text.startswith("^")]
        attrs = {
            key: attr_value.from_attr(value, f"attr '{key}' of node '{node.name}' ({node.op})")
            for key, value in node.attr.items()
        }
        op_type, inputs, attrs = op_mapping.import_node(node.name, node.op, attrs, inputs)
        _check_kernel_attrs(node.name, op_type, attrs)
        # import_nodes made the importer's graph the default one, where apply_op builds.
        if control:
            with self.graph.control_dependencies(control):
                result = apply_op(op_type, inputs, attrs=attrs, name=node.name)
        else:  # the importer cleared the control-dependency stack: nothing to add
            result = apply_op(op_type, inputs, attrs=attrs, name=node.name)
        op = _op_of(result)
        self.created[node.name] = op
        return op


def _op_of(result) -> Operation:
    if isinstance(result, Operation):
        return result
    if isinstance(result, Tensor):
        return result.op
    return result[0].op


def import_nodes(graph_def, input_map=None, name=None, graph=None) -> dict:
    """Builds `graph_def` in `graph`; returns {node name: the Operation it became}.

    The machinery of `import_graph_def`, which the meta-graph importer also uses (it needs the
    new name of every node to rebuild collections).
    """
    graph = graph or get_default_graph()
    pb = protos.load("graph_pb2", _FEATURE)
    if not isinstance(graph_def, pb.GraphDef):
        raise TypeError(f"graph_def must be a GraphDef proto, got {type(graph_def).__name__}.")
    _check_op_types(graph_def)
    order = _topological_order(graph_def)
    importer = _Importer(graph, input_map)
    missing = [key for key, _ in importer.input_map.values()
               if _parse_input(key)[0] not in {node.name for node in graph_def.node}]
    if missing:
        raise ValueError(f"Attempted to map inputs that were not found in graph_def: {missing}")
    # name="" imports at the top level with the names as written (TF1's name_scope("")).
    with graph.as_default(), graph.control_dependencies(None), _no_cyclic_gc():
        with graph.name_scope("import" if name is None else (name or None)):
            for node in order:
                importer.build(node)
    unused = [key for key, _ in importer.input_map.values() if key not in importer.used_keys]
    if unused:
        raise ValueError(f"Attempted to map inputs that were not found in graph_def: {unused}")
    return importer.created


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None):
    """Imports the nodes of `graph_def` into the default graph (TF1's `tf.import_graph_def`).

    Args:
        graph_def: a `GraphDef` protobuf, written by minigraph or by TensorFlow.
        input_map: `{name in graph_def: Tensor}`, tensors of the default graph to use in place
            of the named ones (e.g. `{"x:0": my_input}`; "x" means "x:0", "^x" a control input).
        return_elements: names in `graph_def` to return: "y:0" returns the tensor, "y" the op.
        name: the name scope of the imported ops (default "import"; "" keeps the names).
        op_dict, producer_op_list: accepted for TF1 compatibility; unused.

    Returns:
        The elements named by `return_elements`, in order, or None without it.

    Raises:
        tf.errors.NotFoundError: a node's op type is not one minigraph has (all such types
            are listed; nothing is imported).
        ValueError: an input_map key or a return element names nothing in `graph_def`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     x = tf.placeholder(tf.float32, name="x")
        ...     _ = tf.square(x, name="y")
        >>> with tf.Graph().as_default():
        ...     y, = tf.import_graph_def(g.as_graph_def(), input_map={"x:0": tf.constant(3.0)},
        ...                              return_elements=["y:0"])
        ...     print(tf.Session().run(y))
        9.0
    """
    graph_pb2 = protos.load("graph_pb2", _FEATURE)
    if not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError(f"graph_def must be a GraphDef proto, got {type(graph_def).__name__}.")
    names = {node.name for node in graph_def.node}
    for element in return_elements or ():
        op_name, _, _ = _parse_input(element)
        if op_name not in names:
            kind = "tensor" if ":" in element else "operation"
            raise ValueError(f"Requested return {kind} '{element}' not found in graph def")
    created = import_nodes(graph_def, input_map=input_map, name=name)
    if return_elements is None:
        return None
    results = []
    for element in return_elements:
        op_name, index, _ = _parse_input(element)
        op = created[op_name]
        results.append(op.outputs[index] if ":" in element else op)
    return results


register_extension("graph_def", as_graph_def)
