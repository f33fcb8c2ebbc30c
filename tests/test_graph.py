"""Graph, Operation and Tensor: names, scopes, reprs, dtype rules, collections, finalize."""

import numpy as np
import pytest

import minigraph as tf


def test_tensor_repr_is_tf1s():
    m = tf.multiply(tf.constant(2), tf.constant(3))
    assert repr(m) == 'Tensor("Mul:0", shape=(), dtype=int32)'
    assert str(m) == repr(m)
    # The operator uses TF1's lower-case name; names are unique case-insensitively, as in TF1.
    c = tf.constant(2) * tf.constant(3)
    assert repr(c) == 'Tensor("mul_1:0", shape=(), dtype=int32)'
    with tf.Graph().as_default():
        assert (tf.constant(2.0) * 3.0).name == "mul:0"


def test_tensor_repr_shows_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    assert repr(x) == 'Tensor("x:0", shape=(?, 3), dtype=float32)'
    assert repr(tf.placeholder(tf.float32, name="u")) == (
        'Tensor("u:0", shape=<unknown>, dtype=float32)'
    )


def test_variable_and_operation_reprs():
    w = tf.Variable(0, dtype=tf.float32, name="w")
    assert repr(w) == "<tf.Variable 'w:0' shape=() dtype=float32_ref>"
    big = tf.Variable(tf.zeros_like(tf.constant(np.zeros((25, 12288), np.float32))), name="W1")
    assert repr(big) == "<tf.Variable 'W1:0' shape=(25, 12288) dtype=float32_ref>"
    assert repr(w.op) == "<tf.Operation 'w' type=VariableV2>"


def test_unique_names_count_up():
    a, b = tf.constant(1.0), tf.constant(2.0)
    names = [tf.add(a, b).op.name for _ in range(3)]
    assert names == ["Add", "Add_1", "Add_2"]


def test_unique_names_are_case_insensitive_and_skip_taken_names():
    tf.constant(1.0, name="foo")
    assert tf.constant(1.0, name="Foo").op.name == "Foo_1"
    tf.constant(1.0, name="bar_1")
    assert tf.constant(1.0, name="bar").op.name == "bar"
    assert tf.constant(1.0, name="bar").op.name == "bar_2"


def test_name_scopes_prefix_and_are_made_unique():
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.constant(np.ones((3, 2), np.float32))
    with tf.name_scope("layer1"):
        y = tf.matmul(x, w)
        with tf.name_scope("inner"):
            z = tf.add(y, 1.0)
    with tf.name_scope("layer1"):
        y2 = tf.matmul(x, w)
    assert y.op.name == "layer1/MatMul"
    assert z.op.name == "layer1/inner/Add"
    assert y2.op.name == "layer1_1/MatMul"


def test_name_scope_returns_the_scope_and_reenters_it():
    with tf.name_scope("block") as scope:
        assert scope == "block/"
    with tf.name_scope(scope):
        c = tf.constant(1.0, name="c")
    assert c.op.name == "block/c"
    with tf.name_scope("outer"):
        with tf.name_scope(None):
            top = tf.constant(1.0, name="top")
    assert top.op.name == "top"


def test_name_scope_default_name_and_values():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
    with tf.name_scope(None, "default", [x]):
        y = tf.identity(x)
    assert y.graph is g
    assert y.op.name == "default/Identity"


def test_op_name_with_colon_is_refused():
    with pytest.raises(ValueError, match="not a valid node name.*separates"):
        tf.constant(1.0, name="a:0")


def test_a_name_valid_inside_a_scope_is_checked_again_at_the_top_level():
    """TF1's rule: "_x" may follow a scope's "/", but an op name may not start with "_"; the
    names checked once are remembered apart for the two cases."""
    with tf.Graph().as_default():
        for _ in range(2):
            with tf.name_scope("s"):
                assert tf.constant(1.0, name="_x").op.name.split("/")[1] == "_x"
                with pytest.raises(ValueError, match="'s(_1)?/a b' is not a valid node name"):
                    tf.constant(1.0, name="a b")
            with pytest.raises(ValueError, match="'_x(_1)?' is not a valid node name"):
                tf.constant(1.0, name="_x")


def test_graph_as_default_and_reset():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
        assert tf.get_default_graph() is g
    assert c.graph is g
    assert tf.get_default_graph() is not g
    before = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not before


def test_reset_default_graph_inside_a_graph_block_is_refused():
    with tf.Graph().as_default():
        with pytest.raises(AssertionError, match="nested graphs"):
            tf.reset_default_graph()


def test_operations_are_numbered_in_creation_order():
    a = tf.constant(1.0)
    b = a * 2.0
    c = b + a
    ops = tf.get_default_graph().get_operations()
    assert ops[-1] is c.op
    assert [op._id for op in ops] == list(range(len(ops)))


def test_get_tensor_and_operation_by_name():
    g = tf.get_default_graph()
    c = tf.constant(1.0, name="c")
    assert g.get_tensor_by_name("c:0") is c
    assert g.get_operation_by_name("c") is c.op
    with pytest.raises(KeyError, match="does not exist"):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        g.get_tensor_by_name("c:1")
    with pytest.raises(ValueError, match="Tensor names must be"):
        g.get_tensor_by_name("c")


def test_consumers_and_node_def():
    a = tf.constant(1.0, name="a")
    b = tf.identity(a, name="b")
    assert a.consumers() == [b.op]
    with tf.control_dependencies([b]):
        c = tf.identity(a, name="c")
    assert c.op.node_def["input"] == ["a:0", "^b"]


def test_collections():
    w = tf.Variable(1.0, name="w")
    frozen = tf.Variable(2.0, name="frozen", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [w, frozen]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [w]
    assert tf.trainable_variables() == [w]
    tf.add_to_collection("mine", 3)
    tf.add_to_collections(["a", "b"], 4)
    assert tf.get_collection("mine") == [3]
    assert tf.get_collection("b") == [4]
    assert tf.get_collection("w", scope="fro") == []
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="fro") == [frozen]
    tf.get_collection_ref("mine").append(5)
    assert tf.get_collection("mine") == [3, 5]


def test_control_dependencies_nest_and_clear():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    with tf.control_dependencies([a]):
        with tf.control_dependencies([b.op]):
            c = tf.constant(3.0, name="c")
        with tf.control_dependencies(None):
            d = tf.constant(4.0, name="d")
    assert c.op.control_inputs == [a.op, b.op]
    assert d.op.control_inputs == []


def test_control_dependencies_skip_direct_inputs():
    a = tf.constant(1.0)
    with tf.control_dependencies([a]):
        b = tf.identity(a)
    assert b.op.control_inputs == []


def test_control_dependency_from_another_graph_is_refused():
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    with pytest.raises(ValueError, match="same graph"):
        with tf.control_dependencies([other]):
            pass


def test_finalize_refuses_new_ops():
    g = tf.Graph()
    with g.as_default():
        tf.constant(1.0)
    g.finalize()
    assert g.finalized
    with g.as_default():
        with pytest.raises(RuntimeError, match="Graph is finalized"):
            tf.constant(2.0)


def test_set_random_seed_stores_graph_seed():
    tf.set_random_seed(42)
    assert tf.get_default_graph().seed == 42


# ---------------------------------------------------------------- dtypes
def test_python_numbers_get_tf1_dtypes():
    assert tf.constant(1.0).dtype == tf.float32
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant([1.5, 2]).dtype == tf.float32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.float64(1.0)).dtype == tf.float64
    assert tf.constant(np.arange(3)).dtype == tf.int64
    assert tf.constant(2**40).dtype == tf.int64


def test_as_dtype_accepts_tf1_names():
    assert tf.as_dtype("float") is tf.float32
    assert tf.as_dtype("float32_ref") is tf.float32
    assert tf.as_dtype(np.float64) is tf.float64
    assert tf.as_dtype(float) is tf.float32
    assert tf.float32 == "float32"
    with pytest.raises(TypeError, match="Cannot convert"):
        tf.as_dtype("complex256")


def test_dtype_strings_work_everywhere():
    x = tf.placeholder("float", [None, 3])
    c = tf.constant([1, 2], dtype="float")
    z = tf.zeros([2], "float")
    o = tf.ones([2], dtype="int32")
    v = tf.Variable(0, dtype="float")
    r = tf.random_normal([2], dtype="float", seed=1)
    h = tf.one_hot([0, 1], 2, dtype="float64")
    g = tf.get_variable("g", [1], dtype="float")
    cast = tf.cast(tf.constant([True, False]), "float")
    assert [t.dtype for t in (x, c, z, o, v, r, h, g, cast)] == [
        tf.float32, tf.float32, tf.float32, tf.int32, tf.float32, tf.float32, tf.float64,
        tf.float32, tf.float32,
    ]
    assert repr(x) == 'Tensor("Placeholder:0", shape=(?, 3), dtype=float32)'
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(cast), [1.0, 0.0])


def test_bad_dtype_string():
    with pytest.raises(TypeError, match="flaot"):
        tf.zeros([2], "flaot")


def test_python_scalars_take_the_tensor_dtype():
    w = tf.Variable(0, dtype=tf.float32)
    assert (w**2).dtype == tf.float32
    assert (10 * w).dtype == tf.float32
    d = tf.constant(1.0, dtype=tf.float64)
    assert (d + 1).dtype == tf.float64
    i = tf.constant(3)
    assert (i * 2).dtype == tf.int32


def test_mixing_float32_and_float64_is_a_type_error_naming_both():
    a = tf.constant(1.0, dtype=tf.float32)
    b = tf.constant(1.0, dtype=tf.float64)
    with pytest.raises(TypeError) as info:
        a + b
    assert "float32" in str(info.value) and "float64" in str(info.value)
    with pytest.raises(TypeError, match="float64.*float32|float32.*float64"):
        tf.matmul(tf.ones_like(tf.zeros_like(a)), b)


def test_a_float_never_silently_becomes_an_int():
    i = tf.constant(3)
    with pytest.raises(TypeError, match="int32"):
        i * 2.5
    with pytest.raises(TypeError):
        tf.constant(1.5, dtype=tf.int32)
    assert tf.constant(2.0, dtype=tf.int32).dtype == tf.int32


def test_tensor_has_no_truth_value_and_is_not_iterable():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="bool"):
        bool(t)
    with pytest.raises(TypeError, match="not iterable"):
        iter(t)


def test_tensors_hash_by_identity():
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    assert a == a and a != b
    assert len({a: 1, b: 2}) == 2


def test_set_shape_narrows():
    x = tf.placeholder(tf.float32, [None, 3])
    x.set_shape([32, 3])
    assert x.shape.as_list() == [32, 3]
    with pytest.raises(ValueError):
        x.set_shape([32, 4])


def test_static_shapes_of_builders():
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.constant(np.ones((3, 5), np.float32))
    assert tf.matmul(x, w).shape.as_list() == [None, 5]
    assert tf.reduce_sum(x, axis=1).shape.as_list() == [None]
    assert tf.reduce_mean(x, axis=-1, keepdims=True).shape.as_list() == [None, 1]
    assert tf.reshape(x, [-1]).shape.as_list() == [None]
    assert tf.reshape(tf.constant(np.ones((2, 6))), [3, -1]).shape.as_list() == [3, 4]
    assert tf.transpose(x).shape.as_list() == [3, None]
    assert x[:, ::-1].shape.as_list() == [None, 3]
    assert x[..., None].shape.as_list() == [None, 3, 1]
    assert (x + tf.constant([1.0, 2.0, 3.0])).shape.as_list() == [None, 3]
    assert tf.shape(x).shape.as_list() == [2]


def test_tf_variable_from_a_list_has_shape_one():
    v = tf.Variable([0], dtype=tf.float32)
    assert v.shape.as_list() == [1]
    assert tf.Variable([[1, 2, 3]]).shape.as_list() == [1, 3]


def test_group_and_with_dependencies_build_in_their_inputs_graph():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0)
        v = tf.Variable(1.0)
    grouped = tf.group(a, name="grouped")  # the default graph is another one
    assert grouped.graph is g and grouped.control_inputs == [a.op]
    init = tf.variables_initializer([v])
    assert init.graph is g and init.control_inputs == [v.initializer]
    gated = tf.with_dependencies([init], a)
    assert gated.graph is g and gated.op.control_inputs == [init]
    with tf.Session(graph=g) as sess:
        sess.run(init)
        assert sess.run(gated) == 1.0


def test_non_tensor_inputs_join_the_graph_of_the_tensor_inputs():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0)
    total = tf.add_n([a, 2.0, np.float32(3.0)])
    assert total.graph is g
    with tf.Session(graph=g) as sess:
        assert sess.run(total) == 6.0


def test_name_scope_enters_the_graph_of_its_values():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3], name="x")
    default = tf.get_default_graph()
    with tf.name_scope(None, "block", [x]) as scope:
        assert tf.get_default_graph() is g  # so Python arguments become constants in g
        y = tf.reshape(x, [3, 2]) * 2.0
    assert tf.get_default_graph() is default and scope == "block/"
    assert y.graph is g and y.op.name == "block/mul"
    with tf.name_scope("plain", values=[1.0]):  # no graph among the values: the default one
        assert tf.get_default_graph() is default
    with pytest.raises(ValueError, match="At least one of name"):
        with tf.name_scope(None, None, [x]):
            pass
    assert default.get_operations() == []


def test_composites_on_another_graphs_tensors_leave_the_default_graph_empty():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4, 3], name="x")
        labels = tf.placeholder(tf.float32, [4, 3], name="labels")
        step = tf.Variable(0, name="step")
        w = tf.Variable(np.ones((3, 3), np.float32), name="w")
    with tf.Graph().as_default() as default:
        default.finalize()  # any op built here would raise
        y = tf.matmul(x, w)
        outputs = [
            tf.losses.mean_squared_error(labels, y),
            tf.losses.softmax_cross_entropy(labels, y, label_smoothing=0.1),
            tf.losses.sigmoid_cross_entropy(labels, y),
            tf.nn.moments(y, axes=[0])[1],
            tf.nn.batch_normalization(y, 0.0, 1.0, 0.5, 2.0, 1e-3),
            tf.nn.l2_loss(y),
            tf.layers.dropout(y, 0.5, training=True, seed=1),
            tf.reduce_logsumexp(y, axis=1),
            tf.clip_by_global_norm([y, x], 1.0)[0][0],
            tf.clip_by_value(y, -1.0, 1.0),
            tf.where([True, False, True, True], y, x),
            tf.stack([y[0], [1.0, 2.0, 3.0]]),
            tf.zeros(tf.shape(y)),
            tf.random_normal([2, 3], seed=1, mean=tf.reduce_mean(y)),
            tf.train.exponential_decay(0.1, step, 10, 0.5),
            tf.train.piecewise_constant(step, [5], [0.1, 0.01]),
            tf.assign(w, np.zeros((3, 3), np.float32)),
            1.0 - y,
        ]
        grads = tf.gradients(outputs[0], [w])
        train = tf.train.GradientDescentOptimizer(0.1).minimize(outputs[0])
    assert default.get_operations() == []
    assert all(t.graph is g for t in outputs + grads + [train])
    with tf.Session(graph=g) as sess:
        sess.run(tf.variables_initializer([step, w]))
        feed = {x: np.ones((4, 3), np.float32), labels: np.eye(4, 3, dtype=np.float32)}
        assert np.isfinite(sess.run(outputs[0], feed))
