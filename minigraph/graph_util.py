"""`tf.graph_util`: freeze a trained graph into one self-contained GraphDef.

`convert_variables_to_constants(sess, graph_def, ["probabilities"])` keeps only the nodes the
named outputs need and replaces each variable among them by a `Const` holding its value in
`sess`, as TF1 does. The result runs without a checkpoint or an initializer: write it with
`tf.train.write_graph(frozen, dir, "model.pb", as_text=False)` and load it anywhere with
`tf.import_graph_def`, in minigraph or in TensorFlow.

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default() as g:
    ...     x = tf.placeholder(tf.float32, [None, 2], name="x")
    ...     w = tf.Variable([[1.0], [2.0]], name="w")
    ...     y = tf.matmul(x, w, name="y")
    ...     with tf.Session() as sess:
    ...         sess.run(w.initializer)
    ...         frozen = tf.graph_util.convert_variables_to_constants(
    ...             sess, g.as_graph_def(), ["y"])
    >>> [(node.name, node.op) for node in frozen.node]
    [('x', 'Placeholder'), ('w', 'Const'), ('y', 'MatMul')]
"""

from __future__ import annotations

import numpy as np

from minigraph import attr_value, protos


def _node_name(text: str) -> str:
    name = text[1:] if text.startswith("^") else text
    op_name, sep, index = name.rpartition(":")
    return op_name if sep and index.isdigit() else name


def extract_sub_graph(graph_def, dest_nodes):
    """The nodes of `graph_def` that the nodes `dest_nodes` (names) need, in their order.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     a = tf.constant(1.0, name="a")
        ...     _ = tf.identity(a, name="b")
        ...     _ = tf.constant(2.0, name="unused")
        >>> [n.name for n in extract_sub_graph(g.as_graph_def(), ["b"]).node]
        ['a', 'b']
    """
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be a list of node names, not a string.")
    by_name = {node.name: node for node in graph_def.node}
    missing = [name for name in dest_nodes if name not in by_name]
    if missing:
        raise AssertionError(f"{missing[0]} is not in graph")
    keep = set()
    stack = list(dest_nodes)
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        stack.extend(_node_name(text) for text in by_name[name].input)
    graph_pb2 = protos.load("graph_pb2", "tf.graph_util.extract_sub_graph")
    out = graph_pb2.GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    out.node.extend(node for node in graph_def.node if node.name in keep)
    return out


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """The part of `input_graph_def` that `output_node_names` need, with every variable in it
    replaced by a constant of its current value in `sess` (TF1's freezing).

    Args:
        sess: the session holding the variables' values.
        input_graph_def: the graph, e.g. `sess.graph.as_graph_def()`.
        output_node_names: the names of the nodes to keep (with what they need).
        variable_names_whitelist: if given, only these variables are converted.
        variable_names_blacklist: these variables are not converted.

    Returns:
        The frozen `GraphDef`.
    """
    sub_graph = extract_sub_graph(input_graph_def, output_node_names)
    names = []
    for node in sub_graph.node:
        if node.op != "VariableV2":
            continue
        if variable_names_whitelist is not None and node.name not in variable_names_whitelist:
            continue
        if variable_names_blacklist is not None and node.name in variable_names_blacklist:
            continue
        names.append(node.name)
    values = dict(zip(names, sess.run([f"{name}:0" for name in names]))) if names else {}
    graph_pb2 = protos.load("graph_pb2", "tf.graph_util.convert_variables_to_constants")
    frozen = graph_pb2.GraphDef()
    frozen.versions.CopyFrom(sub_graph.versions)
    for node in sub_graph.node:
        if node.name not in values:
            frozen.node.add().CopyFrom(node)
            continue
        const = frozen.node.add(name=node.name, op="Const")
        const.attr["dtype"].CopyFrom(node.attr["dtype"])
        const.attr["value"].CopyFrom(attr_value.to_attr(np.asarray(values[node.name])))
    return frozen
