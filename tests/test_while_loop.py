"""`tf.while_loop`: the functional `While` op, its structures, shapes, captures and errors.

Gradients through loops are in `test_while_loop_gradients.py`.
"""

import collections
import tracemalloc

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors

Pair = collections.namedtuple("Pair", "count value")


# ---------------------------------------------------------------- the loop itself
def test_a_counting_loop_and_its_op():
    i, total = tf.while_loop(lambda i, total: i < 5, lambda i, total: (i + 1, total + i),
                             [0, 0])
    assert (i.name, total.name, i.op.type) == ("while:0", "while:1", "While")
    assert i.op in tf.get_default_graph().get_operations()
    with tf.Session() as sess:
        assert sess.run([i, total]) == [5, 10]


def test_a_loop_whose_condition_is_false_at_once_returns_its_inputs():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.while_loop(lambda v: tf.reduce_sum(v) < 10.0, lambda v: v * 2.0, [x])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [10.0, 2.0]}), [10.0, 2.0])
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [4.0, 8.0])


def test_one_loop_variable_is_returned_alone_unless_return_same_structure():
    alone = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
    kept = tf.while_loop(lambda i: i < 3, lambda i: [i + 1], [0], return_same_structure=True)
    as_tuple = tf.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1, j), [0, 1])
    as_list = tf.while_loop(lambda i, j: i < 3, lambda i, j: [i + 1, j], (0, 1))
    assert isinstance(alone, tf.Tensor)
    assert isinstance(kept, list) and len(kept) == 1
    # as in TF1, the results come in the structure the body returned
    assert isinstance(as_tuple, tuple) and isinstance(as_list, list)
    with tf.Session() as sess:
        assert sess.run([alone, kept[0]]) == [3, 3]


def test_nested_structures_of_loop_variables():
    start = (Pair(tf.constant(0), tf.constant(1.0)), {"k": tf.zeros([2])})

    def body(pair, d):
        return Pair(pair.count + 1, pair.value * 2.0), {"k": d["k"] + [1.0, 2.0]}

    pair, d = tf.while_loop(lambda pair, d: pair.count < 3, body, start)
    assert isinstance(pair, Pair) and set(d) == {"k"}
    with tf.Session() as sess:
        pair_value, d_value = sess.run((pair, d))
    assert pair_value == Pair(3, 8.0)
    np.testing.assert_array_equal(d_value["k"], [3.0, 6.0])


def test_maximum_iterations_stops_a_loop_whose_condition_stays_true():
    limit = tf.placeholder(tf.int32, [], name="limit")
    i = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [0], maximum_iterations=limit)
    fixed = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [0], maximum_iterations=7)
    with tf.Session() as sess:
        assert [sess.run(i, {limit: n}) for n in (0, 3, 1000)] == [0, 3, 100]
        assert sess.run(fixed) == 7
    with pytest.raises(ValueError, match="maximum_iterations' must be a scalar"):
        tf.while_loop(lambda i: i < 100, lambda i: i + 1, [0], maximum_iterations=[1, 2])


@pytest.mark.slow
def test_a_long_loop_runs_in_constant_memory_without_keeping_its_iterations():
    x = tf.placeholder(tf.float32, [4], name="x")
    i, v = tf.while_loop(lambda i, v: i < 10000, lambda i, v: (i + 1, v * 0.5 + 1.0), [0, x])
    with tf.Session() as sess:
        sess.run(v, {x: np.zeros(4)})  # compiles the plans
        tracemalloc.start()
        try:
            count, value = sess.run([i, v], {x: np.zeros(4)})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert count == 10000
    np.testing.assert_allclose(value, 2.0)
    assert peak < 200_000, f"peak {peak} bytes: iterations are being kept"


# ---------------------------------------------------------------- captures
def test_the_body_captures_tensors_and_reads_variables_when_it_runs():
    scale = tf.placeholder(tf.float32, [], name="scale")
    v = tf.Variable(1.0, name="v")
    counter = tf.Variable(0, name="counter")

    def body(i, a):
        with tf.control_dependencies([tf.assign_add(counter, i)]):
            return i + 1, a * scale * v

    i, a = tf.while_loop(lambda i, a: i < 4, body, [0, 1.0])
    assert scale in list(i.op.inputs) and counter in list(i.op.inputs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(a, {scale: 2.0}) == 16.0
        sess.run(tf.assign(v, 0.5))
        assert sess.run(a, {scale: 2.0}) == 1.0
        assert sess.run(counter) == 12


def test_a_variable_assigned_in_the_body_is_read_in_the_same_iteration():
    v = tf.Variable(0.0, name="v")

    def body(i, seen):
        with tf.control_dependencies([tf.assign_add(v, 1.0)]):
            return i + 1, seen + tf.identity(v)

    _, seen = tf.while_loop(lambda i, seen: i < 3, body, [0, 0.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(seen) == 1.0 + 2.0 + 3.0


def test_print_in_the_body_prints_every_iteration(capsys):
    def body(i, a):
        return i + 1, tf.Print(a * 2.0, [i, a], message="step ")

    _, a = tf.while_loop(lambda i, a: i < 3, body, [0, 1.0])
    with tf.Session() as sess:
        assert sess.run(a) == 8.0
    assert capsys.readouterr().err.splitlines() == ["step [0][1]", "step [1][2]",
                                                    "step [2][4]"]


def test_nested_loops():
    def outer_body(i, total):
        inner = tf.while_loop(lambda j, s: j < i, lambda j, s: (j + 1, s + j), [0, 0])[1]
        return i + 1, total + inner

    _, total = tf.while_loop(lambda i, t: i < 5, outer_body, [0, 0])
    with tf.Session() as sess:
        assert sess.run(total) == sum(sum(range(i)) for i in range(5))


def test_a_cond_inside_the_body():
    def body(i, x):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: x * 2.0, lambda: x + 1.0)

    _, x = tf.while_loop(lambda i, x: i < 4, body, [0, 1.0])
    with tf.Session() as sess:
        assert sess.run(x) == ((1.0 * 2 + 1) * 2) + 1


# ---------------------------------------------------------------- shapes
def test_shape_invariants_let_a_variable_change_shape():
    x = tf.constant([1.0], name="x")
    i, v = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.concat([v, v], 0)),
                         [0, x], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    assert v.shape.as_list() == [None] and i.shape.as_list() == []
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(v), np.ones(8))


def test_a_shape_change_without_an_invariant_is_tf1s_error():
    x = tf.constant([1.0], name="x")
    with pytest.raises(ValueError, match=r"Input tensor 'x:0' enters the loop with shape \(1,\), "
                                         r"but has shape \(2,\) after one iteration. To allow "
                                         r"the shape to vary .*shape_invariants"):
        tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.concat([v, v], 0)), [0, x])


def test_an_invariant_must_fit_the_initial_shape_and_the_structure():
    x = tf.zeros([2, 3], name="x")
    with pytest.raises(ValueError, match="shape invariant specified for x:0 is not compatible "
                                         r"with the initial shape.*\(2, 3\).*\(\?, 4\)"):
        tf.while_loop(lambda v: True, lambda v: v, [x],
                      shape_invariants=[tf.TensorShape([None, 4])])
    with pytest.raises(ValueError, match="shape_invariants must have the structure of loop_vars"):
        tf.while_loop(lambda v: True, lambda v: v, [x], shape_invariants=[])


def test_the_body_keeps_dtypes():
    with pytest.raises(TypeError, match="Loop var .* enters the loop with type tf.int32, but "
                                        "has type tf.float32 after 1 iteration"):
        tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32), [0])


# ---------------------------------------------------------------- errors
def test_arguments_are_checked():
    with pytest.raises(TypeError, match="'cond' must be callable"):
        tf.while_loop(1, lambda i: i, [0])
    with pytest.raises(TypeError, match="'body' must be callable"):
        tf.while_loop(lambda i: True, 1, [0])
    with pytest.raises(TypeError, match="'loop_vars' must be a list or tuple"):
        tf.while_loop(lambda i: i < 1, lambda i: i, tf.constant(0))
    with pytest.raises(ValueError, match="'loop_vars' must be provided"):
        tf.while_loop(lambda: True, lambda: [], [])
    with pytest.raises(TypeError, match="'parallel_iterations' must be a positive integer"):
        tf.while_loop(lambda i: i < 1, lambda i: i, [0], parallel_iterations=0)


def test_cond_must_return_a_boolean_scalar():
    with pytest.raises(TypeError, match="cond must return a boolean scalar"):
        tf.while_loop(lambda i: i, lambda i: i + 1, [0])
    with pytest.raises(ValueError, match="cond must return a scalar"):
        tf.while_loop(lambda v: v > 0.0, lambda v: v, [tf.zeros([2])])


def test_the_body_must_return_the_structure_of_loop_vars():
    with pytest.raises(ValueError, match="body must return the structure of loop_vars"):
        tf.while_loop(lambda i, j: i < 3, lambda i, j: i + 1, [0, 1])


def test_a_kernel_failing_in_the_body_names_the_op_inside():
    x = tf.placeholder(tf.float32, [None], name="x")
    r = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, tf.reshape(v, [2, 2])[0]),
                      [0, x], shape_invariants=[tf.TensorShape([]), tf.TensorShape(None)],
                      name="loop")
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match=r"loop/Reshape"):
            sess.run(r, {x: [1.0, 2.0, 3.0]})
