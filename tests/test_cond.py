"""`tf.cond` and `tf.case`: only the taken branch runs, captures, structures, errors, gradients.

Every test here is also a probe of `test_plan_passes.py`: it runs with all plan passes on and
with all off, and the two must give the same values and errors.
"""

import collections

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors

Pair = collections.namedtuple("Pair", "first second")


def _scalar(dtype=tf.float32, name="x"):
    return tf.placeholder(dtype, [], name=name)


# ---------------------------------------------------------------- only the taken branch runs
def test_the_untaken_branch_does_not_run_even_if_it_would_fail():
    def fail(x):
        raise RuntimeError("the untaken branch ran")

    x = _scalar()
    y = tf.cond(x > 0.0, lambda: tf.sqrt(x),
                lambda: tf.py_func(fail, [x], tf.float32) / tf.constant(0.0))
    with tf.Session() as sess:
        assert sess.run(y, {x: 4.0}) == 2.0
        with pytest.raises(errors.OpError, match="the untaken branch ran"):
            sess.run(y, {x: -1.0})


def test_assignments_in_the_untaken_branch_do_not_run():
    x = _scalar()
    taken = tf.Variable(0.0, name="taken")
    untaken = tf.Variable(0.0, name="untaken")
    y = tf.cond(x > 0.0, lambda: tf.assign_add(taken, x), lambda: tf.assign_add(untaken, x))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(y, {x: v}) for v in (1.0, 2.0, -4.0, 3.0)] == [1.0, 3.0, -4.0, 6.0]
        assert sess.run([taken, untaken]) == [6.0, -4.0]


def test_random_numbers_in_the_untaken_branch_are_not_drawn():
    def build():
        p = tf.placeholder(tf.bool, [], name="p")
        r = tf.cond(p, lambda: tf.random_uniform([3], seed=5), lambda: tf.zeros([3]))
        return p, r

    with tf.Graph().as_default():
        tf.set_random_seed(1)
        p, r = build()
        with tf.Session() as sess:
            skipped = [sess.run(r, {p: False}) for _ in range(3)]
            first = sess.run(r, {p: True})
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        p, r = build()
        with tf.Session() as sess:
            fresh = sess.run(r, {p: True})
    assert all(not s.any() for s in skipped)
    np.testing.assert_array_equal(first, fresh)
    assert first.any()


def test_a_kernel_failing_inside_a_branch_names_the_op_inside():
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.cond(tf.size(x) > 0, lambda: tf.reshape(x, [2, 2]), lambda: tf.zeros([2, 2]),
                name="shape_it")
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match=r"shape_it/Reshape"):
            sess.run(y, {x: [1.0, 2.0, 3.0]})
        assert sess.run(y, {x: []}).shape == (2, 2)


# ---------------------------------------------------------------- captures and structures
def test_branches_capture_outer_tensors_and_return_nested_structures():
    x = _scalar()
    a = tf.constant([1.0, 2.0], name="a")
    out = tf.cond(x > 0.0,
                  lambda: {"s": x * a, "p": Pair(x, (a, tf.constant(1)))},
                  lambda: {"s": a - x, "p": Pair(-x, (a * 2.0, tf.constant(2)))})
    assert set(out) == {"s", "p"} and isinstance(out["p"], Pair)
    with tf.Session() as sess:
        pos, neg = sess.run(out, {x: 3.0}), sess.run(out, {x: -1.0})
    np.testing.assert_array_equal(pos["s"], [3.0, 6.0])
    assert pos["p"].first == 3.0 and pos["p"].second[1] == 1
    np.testing.assert_array_equal(neg["s"], [2.0, 3.0])
    np.testing.assert_array_equal(neg["p"].second[0], [2.0, 4.0])
    assert neg["p"].second[1] == 2


def test_a_single_element_list_is_unpacked_unless_strict():
    p = tf.placeholder(tf.bool, [], name="p")
    x = tf.constant(1.0)
    assert isinstance(tf.cond(p, lambda: [x], lambda: [x * 2.0]), tf.Tensor)
    strict = tf.cond(p, lambda: [x], lambda: [x * 2.0], strict=True)
    assert isinstance(strict, list) and len(strict) == 1
    with tf.Session() as sess:
        assert sess.run(strict, {p: False}) == [2.0]


def test_python_values_ops_and_variables_can_be_returned():
    p = tf.placeholder(tf.bool, [], name="p")
    v = tf.Variable(5.0, name="v")
    number = tf.cond(p, lambda: 1.0, lambda: 2.0)
    read = tf.cond(p, lambda: v, lambda: v * 2.0)
    done = tf.cond(p, lambda: tf.assign(v, 7.0).op, lambda: tf.no_op())
    assert number.dtype == tf.float32 and done.dtype == tf.bool
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert [sess.run(number, {p: b}) for b in (True, False)] == [1.0, 2.0]
        assert [sess.run(read, {p: b}) for b in (True, False)] == [5.0, 10.0]
        assert sess.run(done, {p: False}) == np.False_ and sess.run(v) == 5.0
        assert sess.run(done, {p: True}) == np.True_ and sess.run(v) == 7.0


def test_a_branch_reads_a_variable_after_assigning_it_as_tf1s_ref_variables_do():
    p = tf.placeholder(tf.bool, [], name="p")
    v = tf.Variable(1.0, name="v")

    def bump_then_read():
        with tf.control_dependencies([tf.assign_add(v, 10.0)]):
            return tf.identity(v) * 1.0

    y = tf.cond(p, bump_then_read, lambda: tf.identity(v))
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(y, {p: True}) == 11.0
        assert sess.run(y, {p: False}) == 11.0


def test_outer_control_dependencies_guard_the_whole_cond():
    p = tf.placeholder(tf.bool, [], name="p")
    counter = tf.Variable(0.0, name="counter")
    bump = tf.assign_add(counter, 1.0)

    def read():
        with tf.control_dependencies([bump]):
            return tf.identity(counter)

    y = tf.cond(p, read, lambda: counter * 0.0)
    assert bump.op in y.op.control_inputs
    with tf.control_dependencies([bump]):
        z = tf.cond(p, lambda: tf.identity(counter), lambda: counter * 0.0)
    assert bump.op in z.op.control_inputs
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(y, {p: True}) == 1.0
        assert sess.run(y, {p: False}) == 0.0  # the bump ran before the cond anyway
        assert sess.run(counter) == 2.0


def test_nested_conds():
    x = _scalar()
    y = tf.cond(x > 0.0,
                lambda: tf.cond(x > 10.0, lambda: x * 100.0, lambda: x * 10.0),
                lambda: -x)
    with tf.Session() as sess:
        assert [sess.run(y, {x: v}) for v in (20.0, 2.0, -3.0)] == [2000.0, 20.0, 3.0]


# ---------------------------------------------------------------- static shapes and names
def test_static_shapes_are_the_most_specific_both_branches_fit():
    p = tf.placeholder(tf.bool, [], name="p")
    a = tf.placeholder(tf.float32, [2, 3])
    b = tf.placeholder(tf.float32, [2, None])
    assert tf.cond(p, lambda: a, lambda: b).shape.as_list() == [2, None]
    assert tf.cond(p, lambda: tf.zeros([2]), lambda: tf.zeros([3])).shape.as_list() == [None]
    assert tf.cond(p, lambda: tf.zeros([2]), lambda: tf.zeros([3, 3])).shape.ndims is None
    assert tf.cond(p, lambda: a, lambda: a + 1.0).shape.as_list() == [2, 3]


def test_the_op_is_named_after_its_scope_and_is_a_real_graph_op():
    p = tf.placeholder(tf.bool, [], name="p")
    y = tf.cond(p, lambda: tf.constant(1.0) * 2.0, lambda: tf.constant(3.0))
    z = tf.cond(p, lambda: y, lambda: y, name="mine")
    assert (y.name, z.name, y.op.type) == ("cond:0", "mine:0", "If")
    branches = y.op.get_attr("branches")
    # names are unique across both branches (as when TF1 builds them into one graph)
    assert [op.name for op in branches[0].get_operations()] == ["cond/Const", "cond/mul/y",
                                                                "cond/mul"]
    assert [op.name for op in branches[1].get_operations()] == ["cond/Const_1"]
    assert y.op in tf.get_default_graph().get_operations()


# ---------------------------------------------------------------- errors
def test_pred_must_be_a_boolean_scalar_tensor():
    x = tf.constant([1.0])
    with pytest.raises(TypeError, match="'pred' must not be a Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="Input 'pred' of 'If' Op .* has type float32 that does "
                                        "not match expected type of bool"):
        tf.cond(tf.constant(1.0), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.cond(tf.constant([True, False]), lambda: x, lambda: x)


def test_branch_functions_are_checked():
    p = tf.placeholder(tf.bool, [], name="p")
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="'true_fn' must be callable"):
        tf.cond(p, x, lambda: x)
    with pytest.raises(TypeError, match="'false_fn' argument required"):
        tf.cond(p, lambda: x)
    with pytest.raises(ValueError, match="'true_fn' must have a return value"):
        tf.cond(p, lambda: None, lambda: x)
    assert tf.cond(p, fn1=lambda: x, fn2=lambda: x).dtype == tf.float32


def test_branches_must_agree_in_structure_and_dtype():
    p = tf.placeholder(tf.bool, [], name="p")
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match="true_fn and false_fn arguments to tf.cond must have "
                                         "the same number, type, and overall structure"):
        tf.cond(p, lambda: (x, x), lambda: x)
    with pytest.raises(TypeError, match="same number, type, and overall structure"):
        tf.cond(p, lambda: [x, x], lambda: (x, x))
    with pytest.raises(ValueError, match="Outputs of 'true_fn' and 'false_fn' must have the same "
                                         "type.*Received int32 from 'true_fn' and float32"):
        tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(1.0))


# ---------------------------------------------------------------- gradients
def test_gradients_flow_through_the_taken_branch_to_captured_tensors_and_variables():
    x = _scalar()
    w = tf.Variable(2.0, name="w")
    only_false = tf.constant(3.0, name="only_false")
    y = tf.cond(x > 0.0, lambda: tf.tanh(x) * w, lambda: x * x * only_false)
    dx, dw, dc = tf.gradients(y, [x, w, only_false])
    with tf.Session() as sess:
        sess.run(w.initializer)
        for v in (0.5, -1.5):
            got = sess.run([y, dx, dw, dc], {x: v})
            if v > 0:
                want = [np.tanh(v) * 2, 2 * (1 - np.tanh(v) ** 2), np.tanh(v), 0.0]
            else:
                want = [3 * v * v, 6 * v, 0.0, v * v]
            np.testing.assert_allclose(got, want, rtol=1e-6)


def test_second_derivatives_through_a_cond():
    x = _scalar()
    y = tf.cond(x > 0.0, lambda: tf.tanh(x) * x, lambda: x ** 3)
    dx, = tf.gradients(y, [x])
    d2x, = tf.gradients(dx, [x])
    with tf.Session() as sess:
        for v in (0.7, -2.0):
            got_dx, got_d2x = sess.run([dx, d2x], {x: v})
            t = np.tanh(v)
            if v > 0:
                want = (t + v * (1 - t * t), 2 * (1 - t * t) - 2 * v * t * (1 - t * t))
            else:
                want = (3 * v * v, 6 * v)
            np.testing.assert_allclose([got_dx, got_d2x], want, rtol=1e-5)


def test_gradients_of_nested_conds_and_of_a_minimized_loss():
    x = tf.placeholder(tf.float32, [3], name="x")
    w = tf.Variable([1.0, -2.0, 0.5], name="w")
    loss = tf.cond(tf.reduce_sum(x) > 0.0,
                   lambda: tf.cond(x[0] > 1.0, lambda: tf.reduce_sum(w * w * x),
                                   lambda: tf.reduce_sum(w * x)),
                   lambda: tf.reduce_sum(tf.abs(w)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(train, {x: [2.0, 1.0, 1.0]})  # d/dw sum(w^2 x) = 2 w x
        np.testing.assert_allclose(sess.run(w), [1.0 - 0.4, -2.0 + 0.4, 0.5 - 0.1], rtol=1e-6)
        sess.run(train, {x: [0.5, 1.0, 1.0]})  # d/dw sum(w x) = x
        np.testing.assert_allclose(sess.run(w), [0.55, -1.7, 0.3], rtol=1e-6)
        sess.run(train, {x: [-5.0, 1.0, 1.0]})  # d/dw sum|w| = sign(w)
        np.testing.assert_allclose(sess.run(w), [0.45, -1.6, 0.2], rtol=1e-6)


def test_the_gradient_reads_the_forward_values_of_the_branch_taken():
    x = _scalar()
    y = tf.cond(x > 0.0, lambda: tf.exp(x), lambda: tf.log(-x))
    dx, = tf.gradients(y, [x])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run([dx, y], {x: 1.0}), [np.e, np.e], rtol=1e-6)
        assert sess.run(dx, {x: -2.0}) == np.float32(-0.5)


# ---------------------------------------------------------------- tf.case
def _case_inputs():
    a = tf.placeholder(tf.bool, [], name="a")
    b = tf.placeholder(tf.bool, [], name="b")
    return a, b


def test_case_takes_the_first_true_predicate_or_the_default():
    a, b = _case_inputs()
    y = tf.case([(a, lambda: tf.constant(1)), (b, lambda: tf.constant(2))],
                default=lambda: tf.constant(3))
    assert y.op.type == "Case" and y.name == "case:0"
    with tf.Session() as sess:
        got = [sess.run(y, {a: va, b: vb}) for va in (False, True) for vb in (False, True)]
    assert got == [3, 2, 1, 1]


def test_case_without_a_default_and_exclusive_case_check_at_run_time():
    a, b = _case_inputs()
    no_default = tf.case([(a, lambda: tf.constant(1)), (b, lambda: tf.constant(2))])
    exclusive = tf.case({a: lambda: tf.constant(1), b: lambda: tf.constant(2)},
                        default=lambda: tf.constant(3), exclusive=True)
    with tf.Session() as sess:
        assert sess.run(no_default, {a: False, b: True}) == 2
        assert sess.run(no_default, {a: True, b: True}) == 1
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"None of conditions evaluated as True:\] \[0 0\]"):
            sess.run(no_default, {a: False, b: False})
        assert sess.run(exclusive, {a: False, b: False}) == 3
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"exclusive=True: more than 1 conditions \(a:0, b:0\)"):
            sess.run(exclusive, {a: True, b: True})


def test_case_runs_only_the_chosen_branch_and_differentiates():
    a, b = _case_inputs()
    x = _scalar()
    hits = tf.Variable(0.0, name="hits")
    y = tf.case([(a, lambda: x * x), (b, lambda: tf.assign_add(hits, 1.0) * x)],
                default=lambda: tf.tanh(x))
    dx, = tf.gradients(y, [x])
    with tf.Session() as sess:
        sess.run(hits.initializer)
        assert sess.run([y, dx], {a: True, b: True, x: 3.0}) == [9.0, 6.0]
        assert sess.run(hits) == 0.0
        assert sess.run([y, dx], {a: False, b: True, x: 3.0}) == [3.0, 1.0]
        got = sess.run([y, dx], {a: False, b: False, x: 0.5})
        np.testing.assert_allclose(got, [np.tanh(0.5), 1 - np.tanh(0.5) ** 2], rtol=1e-6)


def test_case_arguments_are_checked_as_tf1_checks_them():
    a, _ = _case_inputs()
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="'pred_fn_pairs' must be a list, tuple, or dict"):
        tf.case(a, default=lambda: x)
    with pytest.raises(TypeError, match="pred must be a Tensor, got: 1"):
        tf.case([(1, lambda: x)], default=lambda: x)
    with pytest.raises(TypeError, match="pred must be Tensor of type bool"):
        tf.case([(tf.constant(1.0), lambda: x)], default=lambda: x)
    with pytest.raises(TypeError, match="fn for pred a:0 must be callable"):
        tf.case([(a, x)], default=lambda: x)
    with pytest.raises(ValueError, match="tf.case must have the same number, type"):
        tf.case([(a, lambda: x)], default=lambda: (x, x))
    assert tf.case([], default=lambda: x) is x


def test_second_derivatives_match_central_differences_in_float64():
    from minigraph import gradient_checker

    x = tf.placeholder(tf.float64, [3], name="x")
    w = tf.constant([0.5, -1.0, 2.0], tf.float64)
    y = tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.reduce_sum(tf.tanh(x * w) * x),
                lambda: tf.reduce_sum(x ** 3))
    dx, = tf.gradients(y, [x])
    with tf.Session():
        for start in ([0.3, 0.8, 0.1], [-0.3, -0.8, 0.1]):
            value = np.array(start)
            theoretical, numerical = gradient_checker.compute_gradient(
                x, [3], dx, [3], x_init_value=value, delta=1e-6)
            np.testing.assert_allclose(theoretical, numerical, rtol=1e-6, atol=1e-6)
