"""Function graphs: tracing a Python function, what it captures, and running it as a plan."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import executor, function_graph, plan_inplace, plan_passes
from minigraph.function_graph import FuncGraph, FunctionPlan, TensorSpec, trace


def test_trace_makes_one_placeholder_per_argument_and_records_the_outputs():
    with tf.Graph().as_default() as g:
        f = trace(lambda a, pair: (a + pair[0], {"p": pair[1] * 2.0}),
                  [TensorSpec([2], name="a"), (TensorSpec([2]), TensorSpec([], tf.int32))],
                  name="f", scope="f")
    assert g.get_operations() == []  # nothing was built outside
    assert [t.name for t in f.inputs] == ["f/a:0", "f/input:0", "f/input_1:0"]
    assert [t.dtype for t in f.inputs] == [tf.float32, tf.float32, tf.int32]
    assert f.outputs[0].op.type == "AddV2" or f.outputs[0].op.type == "Add"
    assert isinstance(f.structured_outputs, tuple) and set(f.structured_outputs[1]) == {"p"}
    assert f.captures == [] and f.variable_captures == []


def test_outer_tensors_are_captured_once_through_a_placeholder():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        f = trace(lambda: x * x + x, scope="f")
    assert [(outer.name, inner.name) for outer, inner in f.captures] == [("x:0", "f/x:0")]
    assert f.external_inputs() == [x]
    assert f.outer_tensor_of(f.captures[0][1]) is x
    assert all(op.graph is f for op in f.get_operations())


def test_nested_function_graphs_capture_through_each_level():
    with tf.Graph().as_default():
        x = tf.constant(2.0, name="x")
        inner = {}

        def outer_fn():
            inner["graph"] = trace(lambda: x * 3.0, scope="inner")
            return inner["graph"].outputs[0]

        with pytest.raises(ValueError, match="not around it"):
            trace(outer_fn, scope="outer")  # the inner graph's output is not the outer's
        outer = trace(lambda: trace(lambda: x * 3.0, scope="inner").captures[0][0] + 1.0,
                      scope="outer")
    # the inner graph captured the outer graph's placeholder, which captured x
    assert [o.name for o, _ in outer.captures] == ["x:0"]


def test_variables_are_used_directly_and_listed_as_external_inputs():
    with tf.Graph().as_default():
        w = tf.Variable(1.0, name="w")
        f = trace(lambda: tf.assign_add(w, 1.0) * 2.0, scope="f")
        plan_state = executor.SessionState()
        with tf.Session() as sess:
            sess.run(w.initializer)
            plan = FunctionPlan(f, sess._state)
            assert [float(v) for v in plan([])] == [4.0]
            assert [float(v) for v in plan([])] == [6.0]
            assert sess.run(w) == 3.0
    assert f.captures == [] and f.variable_captures == [w]
    assert f.external_inputs() == [w]
    assert plan_state.variables == {}


def test_control_dependencies_on_outer_ops_become_control_captures():
    with tf.Graph().as_default():
        v = tf.Variable(0.0, name="v")
        bump = tf.assign_add(v, 1.0)

        def fn():
            with tf.control_dependencies([bump]):
                return tf.constant(1.0) + 1.0

        f = trace(fn, scope="f")
    assert f.control_captures == [bump.op]
    assert all(not op.control_inputs for op in f.get_operations())


def test_variables_made_inside_go_to_the_outermost_graph():
    with tf.Graph().as_default() as g:
        def fn():
            with tf.variable_scope("cell"):
                kernel = tf.get_variable("kernel", [2, 2], initializer=tf.ones_initializer())
            return tf.reduce_sum(kernel) + tf.Variable(3.0, name="bias")

        f = trace(fn, scope="rnn/while")
        variables = tf.global_variables()
    names = [v.name for v in variables]
    assert names == ["cell/kernel:0", "rnn/while/bias:0"]
    assert all(v.graph is g for v in variables)
    assert g.get_operation_by_name("cell/kernel/Assign")
    assert [v.name for v in f.variable_captures] == names
    with pytest.raises(ValueError, match="inside a control-flow construct"):
        with g.as_default():
            trace(lambda: tf.Variable(tf.zeros([2]) + 1.0), scope="g")


def test_a_function_plan_runs_with_the_sessions_passes_but_the_in_place_one():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        f = trace(lambda a: a * 2.0 + x, [TensorSpec([2])], scope="f")
        state = executor.SessionState(plan_passes.ALL)
        plan = FunctionPlan(f, state)
    assert plan_passes.for_function_graphs(plan_passes.ALL) == tuple(
        p for p in plan_passes.ALL if p is not plan_inplace.update_variables_in_place)
    assert len(plan_passes.for_function_graphs(plan_passes.ALL)) == len(plan_passes.ALL) - 1
    for _ in range(4):  # the generated code takes over from the third run
        values = plan([np.array([1.0, 2.0], np.float32), np.array([10.0, 20.0], np.float32)])
    np.testing.assert_array_equal(values[0], [12.0, 24.0])
    assert plan.plan.source is not None


def test_the_function_graph_shares_seed_variable_store_and_variable_collections():
    with tf.Graph().as_default() as g:
        tf.set_random_seed(7)
        tf.add_to_collection("notes", "outer")
        seen = {}

        def fn():
            seen["seed"] = tf.get_default_graph().seed
            seen["notes"] = tf.get_collection("notes")
            tf.add_to_collection("notes", "inner")
            tf.get_variable("v", [1])
            seen["vars"] = [v.name for v in tf.global_variables()]
            return tf.constant(0.0)

        trace(fn, scope="f")
    assert seen == {"seed": 7, "notes": ["outer"], "vars": ["v:0"]}
    assert g.get_collection("notes") == ["outer"]  # the inner addition stays inside


def test_returning_an_op_or_none_says_what_to_return():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="returned the Operation 'f/noop'"):
            trace(lambda: tf.no_op(name="noop"), name="f", scope="f")
        with pytest.raises(ValueError, match="returned None"):
            trace(lambda: (tf.constant(1.0), None), name="f", scope="f")
        with pytest.raises(TypeError, match="must be a tf.TensorSpec"):
            trace(lambda a: a, [3])


def test_a_tensor_of_an_unrelated_graph_is_refused_naming_it():
    other = tf.Graph()
    with other.as_default():
        y = tf.constant(1.0, name="y")
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"Tensor\(\"y:0\".*not around it"):
            trace(lambda: y + 1.0, name="f")


def test_tensor_spec_repr_and_compatibility():
    spec = TensorSpec([None, 3], tf.float32, name="x")
    assert repr(spec) == "TensorSpec(shape=(?, 3), dtype=tf.float32, name='x')"
    with tf.Graph().as_default():
        t = tf.zeros([5, 3])
    assert spec.is_compatible_with(t)
    assert not spec.is_compatible_with(TensorSpec([5, 4]))
    assert TensorSpec.from_tensor(t) == TensorSpec([5, 3])
    assert tf.TensorSpec is TensorSpec


def test_funcgraph_repr_names_it():
    with tf.Graph().as_default():
        f = trace(lambda: tf.constant(1.0), name="body", scope="while")
    assert repr(f) == "<minigraph.FuncGraph 'body' (while) with 1 ops>"
    assert isinstance(f, FuncGraph) and f.building_function
    assert function_graph.input_in_graph(f, tf.constant(2.0)) is None
