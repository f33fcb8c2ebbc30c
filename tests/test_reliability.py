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
