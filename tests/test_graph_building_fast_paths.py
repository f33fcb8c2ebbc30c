"""The written-out op creation paths (`x * 2.0`, `x * y` of one float dtype) and the plan
compiler's walk by creation index behave as the general `apply_op` and `_prune` do."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import executor


def _chain(x, links):
    y = x
    for _ in range(links):
        y = y * 1.0001 + 0.001
    return y


def test_operator_names_count_on_as_tf1_and_skip_a_name_taken_by_hand():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        tf.constant(1.0, name="mul_1")  # taken: the second `*` must skip it
        a = x * 2.0
        b = x * 3.0
        c = a * b
        with tf.name_scope("s"):
            d = 2.0 * c
    assert [t.op.name for t in (a, b, c, d)] == ["mul", "mul_2", "mul_3", "s/mul"]
    assert [t.op.name for t in a.op.inputs] == ["x", "mul/y"]  # TF1's names (tensorflow 2.21)
    assert d.op.inputs[0].op.name == "s/mul/x"
    assert g.unique_name("mul", mark_as_used=False) == "mul_4"
    with g.as_default():
        tf.constant(1.0, name="mul_4/y")  # taken: the Const of the next `*` must skip it
        e = x * 2.0
    assert [t.op.name for t in e.op.inputs] == ["x", "mul_4/y_1"]


def test_lowercase_and_mixed_case_names_count_on_as_unique_name_does():
    """Op names made on the fast path (a lowercase name becomes its own suffixed key) are the
    names `Graph.unique_name` gives, case-insensitive as in TF1 (the same names as
    tensorflow 2.21 `compat.v1` gives for this code)."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        tf.constant(1.0, name="Mul_2")  # taken, in another case: `mul_2` must skip it
        names = [tf.multiply(x, 2.0, name=n).op.name for n in ("mul", "Mul", "mul", "MUL")]
        with tf.name_scope("Scope"):
            scoped = [tf.multiply(x, x, name=n).op.name for n in ("mul", "Mul")]
    assert names == ["mul", "Mul_1", "mul_3", "MUL_4"]
    assert scoped == ["Scope/mul", "Scope/Mul_1"]
    assert g.unique_name("Mul", mark_as_used=False) == "Mul_5"
    assert g.unique_name("scope/MUL", mark_as_used=False) == "scope/MUL_2"


def test_an_invalid_name_fails_every_time_on_the_fast_path():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        for _ in range(2):
            with pytest.raises(ValueError, match="is not a valid node name"):
                tf.multiply(x, 2.0, name="bad name")
            with pytest.raises(ValueError, match="is not a valid node name"):
                tf.multiply(x, x, name="bad name")


def test_an_op_name_failing_leaves_no_const():
    """`x * 2.0` picks the op's name before it makes its Const (`mul/y`, TF1's name scope
    first): when the name fails, nothing is added to the graph, as in TF1."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        version = g._version
        with pytest.raises(ValueError, match="is not a valid node name"):
            tf.multiply(x, 2.0, name="bad name")
        assert [op.name for op in g.get_operations()] == ["x"] and g._version == version
        y = x * 2.0
        assert [op.name for op in g.get_operations()] == ["x", "mul/y", "mul"]
        assert x.consumers() == [y.op] and g._version == version + 2
        with tf.Session() as sess:
            assert sess.run(y.op.inputs[1]) == 2.0


def test_a_name_ending_in_a_slash_is_used_as_it_is_and_must_be_free():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        assert tf.multiply(x, x, name="square/").op.name == "square"
        with pytest.raises(ValueError, match="Duplicate node name in graph: 'square'"):
            tf.multiply(x, 2.0, name="square/")


def test_control_dependencies_reach_ops_made_by_operators():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        first = tf.no_op(name="first")
        with tf.control_dependencies([first]):
            a = x * 2.0
            b = x * x
    assert a.op.control_inputs == [first]
    assert b.op.control_inputs == [first]
    assert a.op.inputs[1].op.control_inputs == [first]  # the Const too, as apply_op does


def test_a_finalized_graph_refuses_operators():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        g.finalize()
        with pytest.raises(RuntimeError, match="finalized"):
            x * 2.0
        with pytest.raises(RuntimeError, match="finalized"):
            x * x


def test_dtype_errors_and_broadcast_errors_name_the_op():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        y = tf.placeholder(tf.float64, [3], name="y")
        z = tf.placeholder(tf.float32, [4], name="z")
        with pytest.raises(TypeError, match="float64 that does not match type float32"):
            x * y
        with pytest.raises(ValueError, match=r"for 'mul' \(op: 'Mul'\) with input shapes: "
                                             r"\[3\], \[4\]"):
            x * z
        i = tf.placeholder(tf.int32, [3], name="i")
        assert (i * i).dtype == tf.int32  # not a float: the general path, same result


def test_consumers_version_and_op_counter_match_the_general_path():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        before = (g.version, g._last_id)
        square = x * x
        scaled = x * 2.0
    assert x.consumers() == [square.op, square.op, scaled.op]
    assert (g.version, g._last_id) == (before[0] + 3, before[1] + 3)
    assert [op._id for op in g.get_operations()] == list(range(4))
    assert square.shape.as_list() == [3] and scaled.op.inputs[1].shape.as_list() == []


def test_the_chain_and_its_gradient_names_and_values():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [16], name="x")
        y = _chain(x, 50)
        (dy,) = tf.gradients(y, [x])
    names = {op.name for op in g.get_operations()}
    assert {"gradients/mul_grad/mul", "gradients/mul_49_grad/mul"} <= names
    want_y, want_dy = np.float32(1.0), np.float32(1.0)
    for _ in range(50):
        want_y = want_y * np.float32(1.0001) + np.float32(0.001)
        want_dy = want_dy * np.float32(1.0001)
    with tf.Session(graph=g) as sess:
        got_y, got_dy = sess.run([y, dy], {x: np.ones(16, np.float32)})
    assert got_y[0] == want_y and got_dy[0] == want_dy


def test_needed_ops_in_creation_order_are_those_of_the_general_walk():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        v = tf.Variable(np.ones(3, np.float32), name="v")
        y = _chain(x * v, 5)
        with tf.control_dependencies([y]):
            z = tf.identity(x * 2.0)
        unused = x * 5.0  # noqa: F841 - an op nobody needs
        (dy,) = tf.gradients(z + y, [x])
    for fetches, fed in (([z, dy], {x}), ([y], set()), ([dy], {y})):
        fast = executor._needed(fetches, [], fed)[0]
        general = sorted(executor._prune(fetches, [], fed), key=lambda op: op._id)
        assert fast == general


def _layout(plan):
    return ([(step.op.name, step.inputs, step.outputs) for step in plan.steps],
            plan.fetch_slots, sorted(plan.constants), plan.n_slots)


def test_slots_by_creation_index_are_those_of_the_dict_by_tensor():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        v = tf.Variable(np.ones(3, np.float32), name="v")
        y = _chain(x * v, 5)
        values, indices = tf.nn.top_k(y, k=2)  # (an op of two outputs)
        with tf.control_dependencies([values]):
            z = tf.identity(x * 2.0 + tf.cast(indices[0], tf.float32))
        (dy,) = tf.gradients(z + y, [x])
    cases = (([z, dy, v], [x]), ([y], [x]), ([dy, values], [x, y]), ([z], [x, values]))
    for fetches, feeds in cases:
        fed = set(feeds)
        ordered, all_ops = executor._needed(fetches, [], fed)
        op_defs = executor._check_feeds(ordered)
        assert all_ops is g._ops
        state = executor.SessionState()
        by_index = executor._bind(ordered, fetches, feeds, fed, state, (), all_ops)
        by_tensor = executor._bind(ordered, fetches, feeds, fed, state, ())
        assert _layout(by_index) == _layout(by_tensor)
        assert {step.op.type for step in by_index.steps} <= set(op_defs)
