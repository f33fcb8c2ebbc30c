"""GraphDefs: `Graph.as_graph_def`, `tf.import_graph_def`, `tf.train.write_graph`, the attribute
codec, and graphs made by real TensorFlow (goldens from tests/golden/make_tensorboard_goldens.py,
TensorFlow 2.21 in TF1 mode)."""

from __future__ import annotations

import json
import pathlib
import re
import sys
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigraph as tf
from minigraph import attr_value, errors

graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))

from op_table import Arg, make_values  # noqa: E402
from test_op_table import ROWS, _build  # noqa: E402

GOLDENS = json.loads((HERE / "golden" / "tensorboard_goldens.json").read_text())


def _reparsed(graph_def):
    """The GraphDef after a trip through its bytes, as a file would give it back."""
    return graph_pb2.GraphDef.FromString(graph_def.SerializeToString())


def _plain(attrs: dict) -> dict:
    """Attributes with lists as tuples (a GraphDef does not tell them apart)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in attrs.items()}


def _as_bytes(array: np.ndarray) -> np.ndarray:
    """A string array with str items encoded: a TensorProto holds bytes, and minigraph reads
    UTF-8 items back as str (its string constants hold str)."""
    if array.dtype != object:
        return array
    return np.array([x.encode() if isinstance(x, str) else x for x in array.reshape(-1)],
                    dtype=object).reshape(array.shape)


def _assert_same_attrs(a, b) -> None:
    assert set(a.attrs) == set(b.attrs), (a.name, a.attrs, b.attrs)
    for key, value in _plain(a.attrs).items():
        other = b.attrs[key]
        if isinstance(value, np.ndarray):
            value, other = _as_bytes(value), _as_bytes(other)
            assert other.dtype == value.dtype and other.shape == value.shape, (a.name, key)
            np.testing.assert_array_equal(other, value)
        else:
            assert other == value and type(other) is type(value), (a.name, key, value, other)


# ---------------------------------------------------------------- every op, both ways
# Ops holding function graphs (a cond's branches, a loop's body, a dataset's map function) as
# attrs: a GraphDef would need TF's function library to carry them, which minigraph does not
# write (the picture and TensorBoard's graph still show the op); the test below shows the error
# an import gives.
FUNCTIONAL = {"If", "Case", "While", "MapDataset", "FilterDataset"}


@pytest.mark.parametrize("row", [r for r in ROWS if r.op_type not in FUNCTIONAL],
                         ids=[r.id for r in ROWS if r.op_type not in FUNCTIONAL])
def test_every_op_of_the_op_table_round_trips_exactly(row):
    graph, placeholders, values, outputs, _ = _build(row, None, "known")
    imported = tf.Graph()
    with imported.as_default():
        tf.import_graph_def(_reparsed(graph.as_graph_def(add_shapes=True)), name="")
    for a, b in zip(graph.get_operations(), imported.get_operations(), strict=True):
        assert (a.name, a.type) == (b.name, b.type)
        assert [t.name for t in a.inputs] == [t.name for t in b.inputs]
        assert [c.name for c in a.control_inputs] == [c.name for c in b.control_inputs]
        _assert_same_attrs(a, b)
        for x, y in zip(a.outputs, b.outputs, strict=True):
            assert x.dtype == y.dtype and x.shape.as_tuple() == y.shape.as_tuple()
    expected = tf.Session(graph=graph).run(outputs, dict(zip(placeholders, values)))
    feed = {imported.get_tensor_by_name(p.name): v for p, v in zip(placeholders, values)}
    got = tf.Session(graph=imported).run([imported.get_tensor_by_name(t.name) for t in outputs],
                                         feed)
    for want, have in zip(expected, got):
        np.testing.assert_array_equal(have, want)


@pytest.mark.parametrize("build", [
    lambda x: tf.cond(x > 0.0, lambda: x * 2.0, lambda: -x),
    lambda x: tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, x])[1],
    lambda x: tf.data.Dataset.range(3).map(lambda i: tf.cast(i, tf.float32) * x)._variant_tensor,
], ids=["cond", "while_loop", "dataset_map"])
def test_a_graph_with_control_flow_cannot_be_rebuilt_from_a_graph_def_and_says_so(build):
    build(tf.placeholder(tf.float32, [], name="x"))
    graph_def = _reparsed(tf.get_default_graph().as_graph_def())
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"holds a Python FuncGraph object .* that a "
                                             "GraphDef cannot carry"):
            tf.import_graph_def(graph_def, name="")


def test_a_training_graph_round_trips_and_trains_identically():
    """Gradients (BroadcastGradientArgs, ReducedShape, ...) and Adam's update ops too."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(3)
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        y = tf.placeholder(tf.int32, [None], name="y")
        hidden = tf.layers.dense(x, 8, activation=tf.nn.relu)
        logits = tf.layers.dense(hidden, 3)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits), name="loss")
        tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
        init = tf.global_variables_initializer()
    imported = tf.Graph()
    with imported.as_default():
        tf.import_graph_def(_reparsed(graph.as_graph_def()), name="")
    rng = np.random.default_rng(0)
    feed = {"x:0": rng.standard_normal((16, 4)), "y:0": rng.integers(0, 3, 16)}
    losses = []
    for g in (graph, imported):
        with tf.Session(graph=g) as sess:
            sess.run(g.get_operation_by_name(init.name))
            losses.append([sess.run(["loss:0", "train"], feed)[0] for _ in range(5)])
    assert losses[0] == losses[1]
    assert losses[0][-1] < losses[0][0]


# ---------------------------------------------------------------- what a GraphDef holds
def test_nodes_name_inputs_control_inputs_and_attrs():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        _, b = tf.split(x, [1, 2], axis=1)
        init = tf.no_op(name="init")
        with tf.control_dependencies([init]):
            z = tf.identity(b, name="z")
    nodes = {n.name: n for n in g.as_graph_def(add_shapes=True).node}
    assert list(nodes["z"].input) == ["split:1", "^init"]
    assert nodes["x"].attr["dtype"].type == 1
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 3]
    assert [d.size for d in nodes["z"].attr["_output_shapes"].list.shape[0].dim] == [-1, 2]
    assert nodes["z"].attr["T"].type == 1
    assert "_output_shapes" not in g.as_graph_def().node[0].attr
    assert z.op.name == "z"


def test_from_version_keeps_only_the_newer_ops():
    with tf.Graph().as_default() as g:
        tf.constant(1.0, name="old")
        version = g.version
        tf.constant(2.0, name="new")
    assert [n.name for n in g.as_graph_def(from_version=version).node] == ["new"]


def test_node_defs_match_tensorflow():
    """The NodeDefs of TF1's graph for the same program: op, attribute names, dtype attrs."""
    from minigraph import op_mapping

    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("layer1"):
            w = tf.Variable(tf.zeros([3, 2]), name="W")
            b = tf.Variable(0.0, name="b")
            y = tf.nn.relu(tf.matmul(x, w) + b)
        s = tf.reduce_sum(y, axis=1, keepdims=True)
        c = tf.cast(s, tf.int32)
        tf.reshape(y, [-1])
        tf.concat([y, y], 1)
        tf.expand_dims(y, 0)
        tf.tile(y, [1, 2])
        tf.fill([2, 2], 1.5)
        tf.argmax(y, 1)
        tf.shape(y)
        tf.gather(y, [0])
        tf.assign_add(b, 1.0)
        with tf.control_dependencies([c]):
            tf.identity(s, name="n")
        loss = tf.summary.scalar("loss", tf.reduce_mean(s))
        hist = tf.summary.histogram("W", w)
        tf.summary.image("img", tf.zeros([1, 2, 2, 1]))
        tf.summary.text("note", tf.constant("hi"))
        tf.summary.merge([loss, hist])
    mine = {n.name: n for n in g.as_graph_def().node}
    compared = 0
    for name, want in GOLDENS["node_defs"].items():
        node = mine.get(name)
        if (node is None or op_mapping.minigraph_type(want["op"]) != node.op
                or re.fullmatch(r"Const(_\d+)?", name)):
            continue  # TF names argument constants after their op ("Sum/reduction_indices")
        types = {k: attr_value.dtype_from_enum(v.type).name for k, v in node.attr.items()
                 if v.WhichOneof("value") == "type"}
        assert (name, sorted(node.attr), types) == (name, want["attr"], want["types"])
        compared += 1
    assert compared >= 30


# ---------------------------------------------------------------- import
def test_frozen_tensorflow_mlp_computes_what_tensorflow_did():
    graph_def = graph_pb2.GraphDef.FromString((HERE / "data" / "frozen_mlp.pb").read_bytes())
    io = np.load(HERE / "data" / "frozen_mlp.npz")
    assert {n.op for n in graph_def.node} == set(GOLDENS["frozen_mlp_op_types"])
    assert "BiasAdd" in GOLDENS["frozen_mlp_op_types"]
    with tf.Graph().as_default():
        probabilities, logits = tf.import_graph_def(
            graph_def, return_elements=["probabilities:0", "logits/BiasAdd:0"], name="mlp")
        assert probabilities.name == "mlp/probabilities:0"
        with tf.Session() as sess:
            got_p, got_l = sess.run([probabilities, logits], {"mlp/x:0": io["x"]})
    np.testing.assert_allclose(got_l, io["logits"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_p, io["probabilities"], rtol=1e-5, atol=1e-7)


def test_tensorflow_spellings_of_ops_compute_what_tensorflow_did():
    """StridedSlice with masks, Transpose's perm input, AddV2, Softmax without axis..."""
    graph_def = graph_pb2.GraphDef.FromString((HERE / "data" / "tf_graph_ops.pb").read_bytes())
    io = np.load(HERE / "data" / "tf_graph_ops.npz")
    keys = sorted(key for key in io.files if key not in ("x", "tensor_names"))
    names = [str(name) for name in io["tensor_names"]]
    with tf.Graph().as_default():
        outputs = tf.import_graph_def(graph_def, return_elements=names)
        with tf.Session() as sess:
            results = sess.run(outputs, {"import/x:0": io["x"]})
    assert len(keys) == len(results) == 28
    for key, got in zip(keys, results):
        want = io[key]
        assert np.shape(got) == want.shape, key
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6, err_msg=key)


def _node(graph_def, name, op, inputs=(), **attrs):
    node = graph_def.node.add(name=name, op=op)
    node.input.extend(inputs)
    for key, value in attrs.items():
        node.attr[key].CopyFrom(attr_value.to_attr(value))
    return node


def test_unknown_op_types_are_all_named_and_nothing_is_imported():
    graph_def = graph_pb2.GraphDef()
    _node(graph_def, "x", "Placeholder", dtype=tf.float32, shape=tf.TensorShape([2]))
    _node(graph_def, "a", "FakeOpA", ["x"])
    _node(graph_def, "b", "FakeOpA", ["a"])
    _node(graph_def, "c", "FakeOpB", ["b"])
    with tf.Graph().as_default() as g:
        with pytest.raises(errors.NotFoundError) as caught:
            tf.import_graph_def(graph_def)
        assert g.get_operations() == []
    message = str(caught.value)
    assert "FakeOpA (2 nodes: 'a', 'b')" in message and "FakeOpB (1 node: 'c')" in message


def test_input_map_return_elements_and_names():
    with tf.Graph().as_default() as source:
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        tf.identity(x * 2.0, name="y")
    graph_def = source.as_graph_def()
    with tf.Graph().as_default() as g:
        z = tf.constant([[1.0, 2.0]], name="z")
        y, y_op = tf.import_graph_def(graph_def, input_map={"x": z},
                                      return_elements=["y:0", "y"])
        assert (y.name, y_op.name, y_op.type) == ("import/y:0", "import/y", "Identity")
        assert y.shape.as_list() == [1, 2]  # shapes are inferred from the mapped input
        again, = tf.import_graph_def(graph_def, return_elements=["y:0"])
        assert again.name == "import_1/y:0" and again.shape.as_list() == [None, 2]
        with tf.name_scope("outer"):
            scoped, = tf.import_graph_def(graph_def, return_elements=["y:0"], name="imp")
        assert scoped.name == "outer/imp/y:0"
        kept, = tf.import_graph_def(graph_def, return_elements=["y:0"], name="")
        assert kept.name == "y:0"
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), [[2.0, 4.0]])
        with pytest.raises(ValueError, match=r"not found in graph_def: \['q:0'\]"):
            tf.import_graph_def(graph_def, input_map={"q:0": z})
        with pytest.raises(ValueError, match="Requested return tensor 'nope:0' not found"):
            tf.import_graph_def(graph_def, return_elements=["nope:0"])
        assert tf.import_graph_def(graph_def) is None
        assert g.get_operation_by_name("import_2/y").type == "Identity"
        with pytest.raises(ValueError, match="dtype int32, but 'x' in the GraphDef is float32"):
            tf.import_graph_def(graph_def, input_map={"x:0": tf.constant([[1, 2]])})


def test_nodes_out_of_order_are_sorted_and_cycles_refused():
    graph_def = graph_pb2.GraphDef()
    _node(graph_def, "y", "Neg", ["x"])
    _node(graph_def, "x", "Const", value=np.array(3.0, np.float32))
    with tf.Graph().as_default():
        y, = tf.import_graph_def(graph_def, return_elements=["y:0"])
        assert tf.Session().run(y) == -3.0
    cyclic = graph_pb2.GraphDef()
    _node(cyclic, "a", "Neg", ["b"])
    _node(cyclic, "b", "Neg", ["a"])
    with tf.Graph().as_default(), pytest.raises(ValueError, match="cycle"):
        tf.import_graph_def(cyclic)


def test_translated_and_refused_tensorflow_attributes():
    graph_def = graph_pb2.GraphDef()
    _node(graph_def, "x", "Const", value=np.array([3.0, 6.0], np.float32), dtype=tf.float32)
    _node(graph_def, "div", "Div", ["x", "x"], T=tf.float32)
    _node(graph_def, "seeded", "RandomUniform", ["shape"], dtype=tf.float32, seed=0, seed2=0,
          T=tf.int32)
    _node(graph_def, "shape", "Const", value=np.array([2], np.int32), dtype=tf.int32)
    with tf.Graph().as_default() as g:
        div, = tf.import_graph_def(graph_def, return_elements=["div:0"], name="")
        assert div.op.type == "RealDiv" and "T" not in div.op.attrs
        assert g.get_operation_by_name("seeded").attrs["seed"] == 0  # TF's "not seeded"
        np.testing.assert_array_equal(tf.Session().run(div), [1.0, 1.0])
    truncating = graph_pb2.GraphDef()
    _node(truncating, "x", "Const", value=np.ones(2, np.float32))
    _node(truncating, "cast", "Cast", ["x"], SrcT=tf.float32, DstT=tf.int32, Truncate=True)
    with tf.Graph().as_default(), pytest.raises(errors.UnimplementedError,
                                                match="Truncate=True; minigraph implements"):
        tf.import_graph_def(truncating)
    odd = graph_pb2.GraphDef()
    _node(odd, "x", "Const", value=np.ones(2, np.float32))
    _node(odd, "y", "Relu", ["x"], frobnicate=True)
    with tf.Graph().as_default(), pytest.raises(ValueError, match=r"\['frobnicate'\]"):
        tf.import_graph_def(odd)


def test_import_graph_def_needs_a_graph_def():
    with pytest.raises(TypeError, match="GraphDef proto"):
        tf.import_graph_def(b"not a proto", return_elements=["x:0"])


# ---------------------------------------------------------------- write_graph
@pytest.mark.parametrize("as_text", [True, False])
def test_write_graph_text_and_binary(tmp_path, as_text):
    from google.protobuf import text_format

    with tf.Graph().as_default() as g:
        tf.nn.relu(tf.placeholder(tf.float32, [2], name="x"), name="y")
    path = tf.train.write_graph(g, str(tmp_path / "sub"), "graph.pb", as_text=as_text)
    assert path == str(tmp_path / "sub" / "graph.pb")
    data = pathlib.Path(path).read_bytes()
    if as_text:
        graph_def = text_format.Merge(data.decode(), tf.GraphDef())
    else:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(data)
    assert graph_def == g.as_graph_def()
    assert tf.train.write_graph(graph_def, str(tmp_path), "again.pbtxt").endswith("again.pbtxt")


# ---------------------------------------------------------------- the attribute codec
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, width=64), st.text(max_size=8),
    st.sampled_from([tf.float32, tf.int32, tf.bool, tf.string, tf.float16]),
)
_INDEX_ITEMS = st.one_of(
    st.integers(-5, 5), st.none(), st.just(Ellipsis),
    st.builds(slice, st.one_of(st.none(), st.integers(-5, 5)),
              st.one_of(st.none(), st.integers(-5, 5)), st.one_of(st.none(), st.integers(1, 3))),
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_SCALARS, st.lists(st.integers(-9, 9), max_size=4).map(tuple),
                 st.lists(st.floats(-1, 1, width=32), max_size=3).map(tuple),
                 st.lists(_INDEX_ITEMS, max_size=4).map(tuple)))
def test_attribute_values_round_trip(value):
    back = attr_value.from_attr(attr_value.to_attr(value))
    assert back == value and type(back) is type(value)


def test_attribute_values_of_other_kinds():
    shape = tf.TensorShape([None, 3])
    assert attr_value.from_attr(attr_value.to_attr(shape)).as_list() == [None, 3]
    assert attr_value.from_attr(attr_value.to_attr(tf.TensorShape(None))).ndims is None
    assert attr_value.from_attr(attr_value.to_attr([1, 2])) == (1, 2)  # lists come back tuples
    assert attr_value.to_attr(0.2).WhichOneof("value") == "func"  # float64 kept exactly
    assert attr_value.to_attr(0.5).f == 0.5
    with pytest.raises(ValueError, match="Python object"):
        attr_value.from_attr(attr_value.to_attr(object()), "attr 'x'")


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int8, np.int16,
                                   np.int32, np.int64, np.uint8, np.bool_])
@pytest.mark.parametrize("shape", [(), (1,), (2, 3)])
def test_tensors_round_trip(dtype, shape):
    low = 0 if np.dtype(dtype).kind == "u" else -3
    value = make_values([Arg(shape, low, 3, dtype)], zlib.crc32(f"{dtype}{shape}".encode()))[0]
    back = attr_value.tensor_from_proto(attr_value.tensor_to_proto(value))
    assert back.dtype == value.dtype and back.shape == value.shape
    np.testing.assert_array_equal(back, value)


def test_tensor_protos_as_tensorflow_writes_them():
    proto = attr_value.tensor_to_proto(np.zeros((3, 2), np.float32))
    assert proto.tensor_content and not proto.float_val  # arrays: raw bytes
    compact = attr_value.tensor_to_proto(np.float32(0.0))
    compact.tensor_shape.CopyFrom(attr_value.shape_to_proto([3, 2]))  # TF's tf.zeros([3, 2])
    np.testing.assert_array_equal(attr_value.tensor_from_proto(compact), np.zeros((3, 2)))
    strings = attr_value.tensor_from_proto(attr_value.tensor_to_proto(np.array(["a", b"\xff"],
                                                                                dtype=object)))
    assert strings.tolist() == ["a", b"\xff"]


# ---------------------------------------------------------------- freezing
def test_a_frozen_graph_runs_alone_with_the_trained_values(tmp_path):
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    hidden = tf.layers.dense(x, 8, activation=tf.nn.relu)
    probabilities = tf.nn.softmax(tf.layers.dense(hidden, 3), name="probabilities")
    loss = -tf.reduce_mean(tf.log(probabilities[:, 0]))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    xs = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: xs})
        expected = sess.run(probabilities, {x: xs})
        frozen = tf.graph_util.convert_variables_to_constants(
            sess, sess.graph.as_graph_def(), ["probabilities"])
    ops = {node.op for node in frozen.node}
    assert ops == {"Placeholder", "Const", "MatMul", "Add", "Relu", "Softmax"}
    path = tf.train.write_graph(frozen, str(tmp_path), "frozen.pb", as_text=False)
    graph_def = tf.GraphDef()
    graph_def.ParseFromString(pathlib.Path(path).read_bytes())
    with tf.Graph().as_default():
        out, = tf.import_graph_def(graph_def, return_elements=["probabilities:0"], name="")
        with tf.Session() as sess:  # no initializer, no checkpoint
            np.testing.assert_array_equal(sess.run(out, {"x:0": xs}), expected)
    with pytest.raises(AssertionError, match="nope is not in graph"):
        tf.graph_util.extract_sub_graph(frozen, ["nope"])
    kept = tf.graph_util.convert_variables_to_constants(
        tf.Session(), tf.get_default_graph().as_graph_def(), ["probabilities"],
        variable_names_whitelist=[])
    assert sum(n.op == "VariableV2" for n in kept.node) == 4


@pytest.mark.slow
def test_a_long_chain_round_trips_without_recursion():
    x = tf.placeholder(tf.float32, [], name="x")
    y = x
    for _ in range(5000):
        y = y + 1.0
    graph_def = _reparsed(tf.get_default_graph().as_graph_def())
    assert len(graph_def.node) == 10001
    with tf.Graph().as_default() as g:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(200)  # any recursion over the nodes would fail here
        try:
            out, = tf.import_graph_def(graph_def, return_elements=[y.name], name="")
        finally:
            sys.setrecursionlimit(limit)
        assert tf.Session(graph=g).run(out, {"x:0": 0.5}) == 5000.5
