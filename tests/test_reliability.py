"""Inputs that used to give a silently wrong result or leak a raw Python error: each gets TF1's
value or TF1's named error, with a message naming the op or tensor and what to do.

The TF1 behaviours here were checked with TensorFlow (tf.compat.v1, graph mode); where the
error class or message is TF1's own, the test says so."""

import numpy as np
import pytest

import minigraph as tf


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


# ---------------------------------------------------------------- op names
def test_a_name_ending_in_slash_is_used_as_is_once():
    a = tf.constant(1.0, name="x/")
    assert a.name == "x:0"
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'x'"):
        tf.constant(2.0, name="x/")
    assert tf.get_default_graph().get_tensor_by_name("x:0") is a
    assert [op.name for op in tf.get_default_graph().get_operations()] == ["x"]


def test_a_scope_name_never_duplicates_an_existing_op():
    tf.constant(1.0, name="y")
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'y'"):
        tf.add(1.0, 2.0, name="y/")
    tf.placeholder(tf.float32, name="p/")
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'p'"):
        tf.placeholder(tf.float32, name="p")  # as TF1: a "p/" name does not reserve "p"
    tf.Variable(1.0, name="v/")
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'v'"):
        tf.Variable(1.0, name="v/")


def test_a_slash_alone_is_rejected_and_an_empty_name_means_the_default():
    with pytest.raises(ValueError, match="'' is not a valid node name"):
        tf.constant(1.0, name="/")
    # TF1's op registry treats name="" as no name: the op is named after its type.
    assert tf.constant(1.0, name="").name == "Const:0"
    assert tf.add(1.0, 2.0, name="").name == "Add:0"


@pytest.mark.parametrize("name", ["a b", "/a", "-a", "_a", "é", "a:0", "a\nb"])
def test_names_tf1_rejects_are_rejected(name):
    with pytest.raises(ValueError, match="is not a valid node name"):
        tf.constant(1.0, name=name)
    assert tf.get_default_graph().get_operations() == []


@pytest.mark.parametrize("name", [".a", "a//b", "a-b.c_d", "0", "A/b/c"])
def test_names_tf1_accepts_are_kept(name):
    assert tf.constant(1.0, name=name).name == name + ":0"


def test_a_name_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="name"):
        tf.constant(1.0, name=5)


@pytest.mark.parametrize("name", ["a b", "-a", "_a"])
def test_scope_names_tf1_rejects_are_rejected(name):
    with pytest.raises(ValueError, match="is not a valid scope name"):
        with tf.name_scope(name):
            pass


def test_nested_scope_names_may_start_with_underscore_as_in_tf1():
    with tf.name_scope("outer"):
        with tf.name_scope("_inner"):
            assert tf.constant(1.0).name == "outer/_inner/Const:0"


def test_a_failed_op_leaves_no_half_built_node():
    x = tf.constant(1.0, name="x")
    with pytest.raises(ValueError):
        tf.add(x, 1.0, name="x/")
    assert x.consumers() == []


# ---------------------------------------------------------------- casts and conversions
@pytest.mark.parametrize("value, dtype, source", [
    (1, tf.string, "int32"), (1.5, tf.string, "float"), (True, tf.string, "bool"),
    ("1", tf.int32, "string"), (b"1.5", tf.float32, "string"),
])
def test_cast_between_strings_and_numbers_is_tf1s_unimplemented_error(value, dtype, source):
    cast = tf.cast(tf.constant(value), dtype)  # TF1 builds it ...
    assert cast.dtype == dtype
    with pytest.raises(tf.errors.UnimplementedError,
                       match=f"Cast {source} to {dtype._proto_name} is not supported"):
        _run(cast)  # ... and has no kernel for it


def test_cast_string_to_string_is_the_identity():
    assert _run(tf.cast(tf.constant("a"), tf.string)) == b"a"


@pytest.mark.parametrize("value, dtype", [
    (2**40, tf.int32), ([2**31], tf.int32), (-1, tf.uint8), (300, tf.uint8),
    (np.array([2**40]), tf.int32), (-(2**31) - 1, tf.int32),
])
def test_an_integer_that_does_not_fit_the_dtype_is_a_type_error_not_wrapped(value, dtype):
    # numpy (and TF1 through it) would silently wrap 2**40 to 0 as int32.
    with pytest.raises(TypeError, match=f"outside the {dtype.name} range"):
        tf.constant(value, dtype)


def test_python_ints_mixed_with_an_int32_tensor_must_fit():
    with pytest.raises(TypeError, match="outside the int32 range"):
        tf.constant(1) + 2**40


def test_shapes_past_int32_become_int64_and_are_not_wrapped():
    big = tf.zeros([2**40])  # used to be shape (0,): 2**40 wrapped to 0 as int32
    assert big.shape.as_list() == [2**40]
    assert big.op.inputs[0].dtype == tf.int64
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 2 elements to shape "
                                         r"\[1099511627776\]"):
        tf.reshape(tf.ones([2]), [2**40])
    assert tf.reshape(tf.ones([2]), tf.constant([2], tf.int64)).shape.as_list() == [2]
    assert tf.fill(tf.constant([2], tf.int64), 1.0).shape.as_list() == [2]


# ---------------------------------------------------------------- one_hot, dropout, slicing
def test_one_hot_depth_must_be_non_negative_when_built_and_when_fed():
    with pytest.raises(ValueError, match="depth must be non-negative, got -1"):
        tf.one_hot([0, 1], -1)
    depth = tf.placeholder(tf.int32, name="depth")
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth must be non-negative, got: -1"):
        _run(tf.one_hot([0, 1], depth), {depth: -1})
    assert _run(tf.one_hot([0, 1], depth), {depth: 0}).shape == (2, 0)  # TF1: empty, no error


@pytest.mark.parametrize("keep_prob", [0, 0.0, -0.1, 1.5, tf.constant(0.0)])
def test_dropout_keep_prob_outside_0_1_is_a_build_time_value_error(keep_prob):
    with pytest.raises(ValueError, match=r"keep_prob must be a scalar tensor or a float in the "
                                         r"range \(0, 1\]"):
        tf.nn.dropout(tf.ones([3]), keep_prob=keep_prob)


def test_slice_step_zero_is_tf1s_value_error():
    t = tf.constant(np.arange(6))
    with pytest.raises(ValueError, match="strides\\[0\\] must be non-zero"):
        t[::0]
    with pytest.raises(ValueError, match="strides\\[1\\] must be non-zero"):
        tf.ones([2, 2])[:, ::0]


@pytest.mark.parametrize("key", [slice(1.5, None), slice(None, "a"), slice(None, None, 0.5)])
def test_slice_bounds_must_be_integers(key):
    # int(1.5) would silently slice from 1.
    with pytest.raises(TypeError, match="valid indices"):
        tf.constant(np.arange(6))[key]


# ---------------------------------------------------------------- transpose
@pytest.mark.parametrize("perm, message", [
    ([0, 0], r"1 is missing from \{0,0\}\."),
    ([0, 1, 2], "transpose expects a vector of size 2. But input\\(1\\) is a vector of size 3"),
    ([0, 2], r"2 is out of range \[0 \.\. 2\)"),
])
def test_a_perm_computed_at_run_time_is_checked_with_tf1s_errors(perm, message):
    x = tf.placeholder(tf.float32, [None, None], name="x")
    p = tf.placeholder(tf.int32, name="perm")
    y = tf.transpose(x, p)
    assert _run(y, {x: np.ones((2, 3)), p: [1, 0]}).shape == (3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(y, {x: np.ones((2, 3)), p: perm})


def test_a_fixed_perm_on_an_input_of_unknown_rank_is_checked_when_run():
    x = tf.placeholder(tf.float32, name="x")
    y = tf.transpose(x, [1, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="vector of size 3"):
        _run(y, {x: np.ones((2, 3, 4))})
    with pytest.raises(ValueError, match="not a permutation"):
        tf.transpose(x, [0, 0])  # a repeated axis is wrong whatever the rank


def test_run_time_perm_transposes_and_differentiates():
    x = tf.constant(np.arange(24.0).reshape(2, 3, 4))
    p = tf.placeholder(tf.int32, [3], name="perm")
    y = tf.transpose(x, p)
    (dx,) = tf.gradients(tf.reduce_sum(y * np.arange(24.0).reshape(4, 2, 3)), [x])
    value, grad = _run([y, dx], {p: [2, 0, 1]})
    assert value.shape == (4, 2, 3)
    np.testing.assert_array_equal(grad, np.transpose(np.arange(24.0).reshape(4, 2, 3), [1, 2, 0]))


# ---------------------------------------------------------------- reductions of nothing
@pytest.mark.parametrize("dtype, low, high", [
    (tf.float32, -np.inf, np.inf), (tf.float16, -np.inf, np.inf),
    (tf.int32, -(2**31), 2**31 - 1), (tf.uint8, 0, 255), (tf.int64, -(2**63), 2**63 - 1),
])
def test_max_and_min_of_an_empty_tensor_are_tf1s_identities(dtype, low, high):
    x = tf.placeholder(dtype, [None], name="x")
    biggest, smallest = _run([tf.reduce_max(x), tf.reduce_min(x)], {x: np.zeros(0)})
    assert biggest == low and smallest == high
    assert biggest.dtype == dtype.np and smallest.dtype == dtype.np


def test_other_reductions_of_nothing_match_tf1():
    x = tf.placeholder(tf.float32, [None, None], name="x")
    empty = {x: np.zeros((2, 0))}
    np.testing.assert_array_equal(_run(tf.reduce_max(x, axis=1), empty), [-np.inf, -np.inf])
    assert _run(tf.reduce_max(x, axis=0), empty).shape == (0,)
    assert _run(tf.reduce_logsumexp(x), empty) == -np.inf
    assert _run(tf.nn.softmax(x), empty).shape == (2, 0)
    assert _run(tf.nn.log_softmax(x), empty).shape == (2, 0)
    assert _run(tf.reduce_prod(x), empty) == 1.0
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Reduction axis 1 is empty in "
                                                             r"shape \[2, 0\]"):
        _run(tf.argmax(x, axis=1), empty)


def test_a_negative_dimension_fed_to_fill_is_tf1s_error():
    dims = tf.placeholder(tf.int32, [1], name="dims")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -1 must be >= 0"):
        _run(tf.zeros(dims), {dims: [-1]})


# ---------------------------------------------------------------- feeds
def _feed(dtype, value, shape=None):
    x = tf.placeholder(dtype, shape, name="x")
    return _run(tf.identity(x), {x: value})


@pytest.mark.parametrize("value", [1, [1, 2], ["a", 1], np.array([1.5]), [b"a", None]])
def test_numbers_fed_to_a_string_placeholder_are_a_type_error_naming_it(value):
    # TF1: TypeError for a scalar, InternalError "Unsupported object type int" for a list.
    with pytest.raises(TypeError, match=r"Cannot feed value .* for Tensor x:0 of dtype string: "
                                        r"Expected string, got"):
        _feed(tf.string, value)


def test_strings_fed_to_a_string_placeholder_are_bytes():
    np.testing.assert_array_equal(_feed(tf.string, ["a", b"b"]), np.array([b"a", b"b"], object))
    assert _feed(tf.string, np.array(["\u00e9"])).tolist() == ["\u00e9".encode()]


@pytest.mark.parametrize("value, dtype, bad", [
    (2**40, tf.int32, 2**40), ([1, 2**40], tf.int32, 2**40), (2**31, tf.int32, 2**31),
    (-1, tf.uint8, -1), ([[0, 256]], tf.uint8, 256), (np.array([2**40]), tf.int32, 2**40),
    (np.array([-1, 300]), tf.uint8, 300), (np.array([2**31], np.uint64), tf.int32, 2**31),
    (2**70, tf.int64, 2**70), ([1, 2**64], tf.int64, 2**64), (2**63, tf.int64, 2**63),
])
def test_an_integer_feed_outside_the_dtype_range_is_a_type_error_not_wrapped(value, dtype, bad):
    # TF1 raises this TypeError for a Python int and wraps numpy arrays around silently.
    with pytest.raises(TypeError, match=rf"Cannot feed value .* for Tensor x:0 of dtype "
                                        rf"{dtype.name}: {bad} is outside the {dtype.name} "
                                        rf"range \[-?\d+, \d+\]\. (Try|int64 is)"):
        _feed(dtype, value)


@pytest.mark.parametrize("value", [np.nan, [1.0, np.inf], np.array([-np.inf]), 3e9, [-2.2e9]])
def test_a_float_feed_an_integer_cannot_hold_is_a_type_error(value):
    # numpy (and TF1 through it) turns these into -2147483648 with a RuntimeWarning.
    with pytest.raises(TypeError, match=r"Cannot feed value .* for Tensor x:0 of dtype int32: "
                                        r".* cannot be held in int32"):
        _feed(tf.int32, value)


def test_float_feeds_to_integers_truncate_toward_zero_as_in_tf1():
    np.testing.assert_array_equal(_feed(tf.int32, [1.7, -1.7, -2.5, 2147483647.0]),
                                  [1, -1, -2, 2147483647])
    assert _feed(tf.uint8, np.array([255.9], np.float32)).tolist() == [255]
    assert _feed(tf.int64, np.float32(3.9)) == 3


def test_feeds_tf1_converts_silently_are_converted_as_in_tf1():
    assert _feed(tf.float16, 1e6) == np.inf  # overflows to inf, as TF1
    assert _feed(tf.float32, "1.5") == 1.5  # strings of numbers are parsed, as TF1
    np.testing.assert_array_equal(_feed(tf.bool, [0, 2, 0.5]), [False, True, True])
    assert _feed(tf.int32, True) == 1
    np.testing.assert_array_equal(_feed(tf.int32, np.array([2**31 - 1, -(2**31)])),
                                  [2**31 - 1, -(2**31)])
    assert _feed(tf.float32, []).shape == (0,)


@pytest.mark.parametrize("value", [None, [1.0, None], 1 + 2j, np.array([1 + 0j])])
def test_none_and_complex_feeds_are_type_errors(value):
    # TF1 feeds None as NaN and drops an imaginary part with a ComplexWarning.
    with pytest.raises(TypeError, match=r"Cannot feed value .* for Tensor x:0 of dtype float32"):
        _feed(tf.float32, value)


def test_a_ragged_feed_is_tf1s_value_error_naming_the_tensor():
    with pytest.raises(ValueError, match=r"Cannot feed value \[\[1\], \[1, 2\]\] for Tensor x:0 "
                                         r"of dtype float32: setting an array element"):
        _feed(tf.float32, [[1], [1, 2]])


@pytest.mark.parametrize("value", [object(), {}, {1.0}, "abc", [1, "x"]])
def test_feeds_that_are_not_numbers_are_type_errors_naming_the_tensor(value):
    with pytest.raises((TypeError, ValueError), match=r"Cannot feed value .* for Tensor x:0"):
        _feed(tf.float32, value)


def test_an_int_too_big_for_an_int32_feed_gets_tf1s_hint():
    with pytest.raises(TypeError) as info:
        _feed(tf.int32, 2**40)
    assert str(info.value) == (
        "Cannot feed value 1099511627776 for Tensor x:0 of dtype int32: 1099511627776 is outside "
        "the int32 range [-2147483648, 2147483647]. Try explicitly setting the type of the feed "
        "tensor to a larger type (e.g. int64).")


# ---------------------------------------------------------------- allocations that cannot fit
@pytest.mark.parametrize("build, node, shape", [
    (lambda: tf.zeros([2**40]), "zeros", "[1099511627776]"),
    (lambda: tf.matmul(tf.ones([2**21, 1]), tf.ones([1, 2**21])), "MatMul", "[2097152,2097152]"),
    (lambda: tf.random_normal([2**20, 2**20]), "random_normal/RandomStandardNormal",
     "[1048576,1048576]"),
])
def test_an_allocation_that_cannot_fit_is_tf1s_resource_exhausted_error(build, node, shape):
    with pytest.raises(tf.errors.ResourceExhaustedError) as info:
        _run(tf.reduce_sum(build()))
    assert info.value.op.name == node
    message = str(info.value)
    assert f"OOM when allocating tensor with shape{shape} and type float" in message
    assert f"[[node {node} (op: {info.value.op.type})" in message


def test_an_allocation_fed_too_big_names_the_shape_it_was_fed():
    dims = tf.placeholder(tf.int64, [2], name="dims")
    with pytest.raises(tf.errors.ResourceExhaustedError, match=r"shape\[1048576,1048576\] and "
                                                               r"type double"):
        _run(tf.reduce_sum(tf.fill(dims, np.float64(1.0))), {dims: [2**20, 2**20]})


def test_an_allocation_that_cannot_fit_is_the_same_error_from_generated_code():
    dims = tf.placeholder(tf.int64, [1], name="dims")
    total = tf.reduce_sum(tf.fill(dims, 1.0))
    with tf.Session() as sess:
        for _ in range(4):  # the first runs use the plain loop, later ones the generated code
            assert sess.run(total, {dims: [3]}) == 3.0
            with pytest.raises(tf.errors.ResourceExhaustedError, match=r"shape\[2199023255552\]"):
                sess.run(total, {dims: [2**41]})


# ---------------------------------------------------------------- errors name the variable
def _initialized(shape=(2, 3), name="weights"):
    v = tf.Variable(tf.zeros(shape), name=name)
    sess = tf.Session()
    sess.run(v.initializer)
    return v, sess


@pytest.mark.parametrize("value", [np.ones([3, 2]), 1.0, [[1.0, 2.0, 3.0]]])
def test_load_of_the_wrong_shape_names_the_variable_not_its_initial_value(value):
    v, sess = _initialized()
    with pytest.raises(ValueError) as info:
        v.load(value, sess)
    message = str(info.value)
    assert "variable 'weights' of shape (2, 3)" in message and "zeros" not in message
    assert f"Cannot load a value of shape {np.shape(value)}" in message


@pytest.mark.parametrize("value, kind", [(np.full([2, 3], "a"), ValueError),
                                         ([[None] * 3] * 2, TypeError),
                                         (np.full([2, 3], 2**40), TypeError)])
def test_load_of_a_value_the_dtype_cannot_hold_names_the_variable(value, kind):
    v = tf.Variable(tf.zeros([2, 3], tf.int32), name="counts")
    sess = tf.Session()
    sess.run(v.initializer)
    with pytest.raises(kind) as info:
        v.load(value, sess)
    message = str(info.value)
    assert "Cannot load" in message and "variable 'counts' of dtype int32" in message
    assert "zeros" not in message


def test_load_converts_as_a_feed_does():
    v, sess = _initialized()
    v.load(np.arange(6).reshape(2, 3), sess)
    np.testing.assert_array_equal(sess.run(v), np.arange(6).reshape(2, 3))
    assert sess.run(v).dtype == np.float32


@pytest.mark.parametrize("method", ["assign_add", "assign_sub"])
@pytest.mark.parametrize("delta", [np.ones([3]), np.ones([4]), np.float32(1.0), np.ones([1, 3])])
def test_assign_add_and_sub_of_another_shape_is_tf1s_error_not_broadcast(method, delta):
    v, sess = _initialized()
    update = tf.placeholder(tf.float32, name="update")
    op = getattr(v, method)(update)
    for _ in range(3):  # the plain kernel, then the in-place one
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Parameters and update must be "
                                                                 r"the same size.*'weights'"):
            sess.run(op, {update: delta})
    np.testing.assert_array_equal(sess.run(v), np.zeros([2, 3]))
    sess.run(op, {update: np.ones([2, 3])})
    assert sess.run(v)[0, 0] == (1.0 if method == "assign_add" else -1.0)


# ---------------------------------------------------------------- run-time checks of common ops
def test_matmul_of_a_fed_vector_is_tf1s_error_not_a_vector_product():
    a, b = tf.placeholder(tf.float32, name="a"), tf.placeholder(tf.float32, name="b")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"In\[0\] ndims must be >= 2: 1"):
        _run(tf.matmul(a, b), {a: np.ones([3]), b: np.ones([3, 2])})
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"In\[1\] ndims must be >= 2: 0"):
        _run(tf.matmul(a, b), {a: np.ones([3, 3]), b: 2.0})
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Matrix size-incompatible: In\[0\]: "
                                                             r"\[2, 3\], In\[1\]: \[2, 3\]"):
        _run(tf.matmul(a, b), {a: np.ones([2, 3]), b: np.ones([2, 3])})
    assert _run(tf.matmul(a, b), {a: np.ones([2, 3]), b: np.ones([3, 1])}).shape == (2, 1)


@pytest.mark.parametrize("start, limit, delta, message", [
    (0, 5, 0, "Requires delta != 0: 0"), (5, 0, 1, "Requires start <= limit when delta > 0: 5/0"),
    (0, 5, -1, "Requires start >= limit when delta < 0: 0/5"),
])
def test_a_range_that_cannot_reach_its_limit_is_tf1s_error(start, limit, delta, message):
    with pytest.raises(ValueError, match=message):
        tf.range(start, limit, delta)
    step = tf.placeholder(tf.int32, name="step")
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(tf.range(start, limit, step), {step: delta})
    np.testing.assert_array_equal(_run(tf.range(3, 3, step), {step: 1}), [])
    np.testing.assert_array_equal(_run(tf.range(3, 0, step), {step: -2}), [3, 1])


@pytest.mark.parametrize("reduce", [tf.reduce_sum, tf.reduce_max, tf.reduce_mean, tf.reduce_prod,
                                    tf.reduce_min])
@pytest.mark.parametrize("shape, axis", [((), 0), ((2, 3), 5), ((2, 3), -3)])
def test_a_fed_reduction_axis_out_of_range_is_tf1s_error(reduce, shape, axis):
    axis_fed = tf.placeholder(tf.int32, name="axis")
    with pytest.raises(tf.errors.InvalidArgumentError, match=rf"Invalid reduction dimension "
                                                             rf"\({axis} for input with "
                                                             rf"{len(shape)} dimension\(s\)"):
        _run(reduce(tf.ones(shape), axis_fed), {axis_fed: axis})


@pytest.mark.parametrize("arg", [tf.argmax, tf.argmin])
def test_a_fed_arg_max_axis_out_of_range_is_tf1s_error(arg):
    axis_fed = tf.placeholder(tf.int32, name="axis")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected dimension in the range "
                                                             r"\[0, 0\), but got 0"):
        _run(arg(tf.constant(1.0), axis_fed), {axis_fed: 0})
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[-2, 2\), but got 2"):
        _run(arg(tf.ones([2, 3]), axis_fed), {axis_fed: 2})
    assert _run(arg(tf.constant([[1.0, 0.0]]), axis_fed), {axis_fed: -1}).tolist() == [
        0 if arg is tf.argmax else 1]


def test_an_index_out_of_bounds_of_a_fed_shape_is_tf1s_error():
    x = tf.placeholder(tf.float32, [None], name="x")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"slice index 5 of dimension 0 out "
                                                             r"of bounds \(size 3\)"):
        _run(x[5], {x: np.ones(3)})
    y = tf.placeholder(tf.float32, [2, None], name="y")
    with pytest.raises(tf.errors.InvalidArgumentError, match="slice index -4 of dimension 1"):
        _run(y[:, -4], {y: np.ones([2, 3])})
    assert _run(x[-1], {x: np.arange(3.0)}) == 2.0


def test_a_fed_concat_axis_out_of_range_is_tf1s_error():
    axis = tf.placeholder(tf.int32, name="axis")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"ConcatOp : Expected concatenating "
                                                             r"dimensions in the range \[-1, 1\), "
                                                             r"but got 5"):
        _run(tf.concat([tf.ones([2]), tf.ones([2])], axis), {axis: 5})
    assert _run(tf.concat([tf.ones([2]), tf.ones([2])], axis), {axis: -1}).shape == (4,)


def test_stacking_fed_values_of_different_shapes_is_tf1s_error():
    a, b = tf.placeholder(tf.float32, name="a"), tf.placeholder(tf.float32, name="b")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Shapes of all inputs must match: "
                                                             r"values\[0\].shape = \[2\] != "
                                                             r"values\[1\].shape = \[3\]"):
        _run(tf.stack([a, b]), {a: np.ones(2), b: np.ones(3)})


def test_tile_with_negative_multiples_is_tf1s_error_naming_the_multiple():
    with pytest.raises(ValueError, match=r"Expected multiples\[1\] >= 0, but got -1"):
        tf.tile(tf.ones([2, 2]), [1, -1])
    multiples = tf.placeholder(tf.int32, [1], name="multiples")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"multiples\[0\] >= 0, but got -3"):
        _run(tf.tile(tf.ones([2]), multiples), {multiples: [-3]})
    assert tf.tile(tf.ones([1]), [2**40]).shape.as_list() == [2**40]  # int64 multiples, as TF1


def test_len_of_a_tensor_is_tf1s_type_error_saying_what_to_use():
    with pytest.raises(TypeError, match=r"len is not well defined for symbolic Tensors. \(ones:0\) "
                                        r"Please call `x.shape`"):
        len(tf.ones([2]))


@pytest.mark.parametrize("value, shape, want", [
    ([1, 2], [4], [1, 2, 2, 2]), (7, [2, 2], [[7, 7], [7, 7]]),
    ([[1, 2]], [2, 2], [[1, 2], [2, 2]]),
    ([1, 2], [1, 2], [[1, 2]]), ([], [2], [0.0, 0.0]), ([1, 2, 3, 4], [2, 2], [[1, 2], [3, 4]]),
])
def test_constant_with_a_shape_fills_with_the_last_value_as_tf1(value, shape, want):
    got = _run(tf.constant(value, shape=shape))
    np.testing.assert_array_equal(got, want)  # golden: TF 2.21 tf.compat.v1.constant


def test_constant_with_too_many_values_or_none_is_tf1s_value_error():
    with pytest.raises(ValueError, match="Too many elements provided. Takes at most 2, but got 3"):
        tf.constant([1, 2, 3], shape=[2])
    with pytest.raises(ValueError, match="None values not supported"):
        tf.constant(None)
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(4,\), got \(2,\)"):
        tf.constant([1, 2], shape=[4], verify_shape=True)
