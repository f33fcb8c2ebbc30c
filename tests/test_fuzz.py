"""Fuzz tests (hypothesis): random Python objects, arrays, shapes and dtypes fed to placeholders,
random names given to ops and scopes, random shapes and axes handed to common ops. Each case
must give the right value or one of TF1's named errors (a `tf.errors.OpError`, `TypeError` or
`ValueError`); any other exception (a KeyError, IndexError, numpy's AxisError, OverflowError,
AttributeError ...) fails, and so does a value that was wrapped around or silently changed.

The examples are bounded (`max_examples`) so the file runs in a few seconds.
"""

import functools
import math
import re
import warnings

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigraph as tf

# Derandomized: every run tries the same examples, so the suite cannot fail by chance on a
# machine where it passed. MINIGRAPH_FUZZ_EXPLORE=1 tries new random examples, five times as many.
_EXPLORE = os.environ.get("MINIGRAPH_FUZZ_EXPLORE") == "1"
SETTINGS = settings(
    max_examples=400 if _EXPLORE else 80, deadline=None, derandomize=not _EXPLORE,
    suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NAMED_ERRORS = (tf.errors.OpError, TypeError, ValueError)
DTYPES = [tf.float16, tf.float32, tf.float64, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8,
          tf.bool, tf.string]
TF1_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/\-]*$")


def _outcome(function):
    """`(value, None)` or `(None, error)` for a named error; any other exception propagates."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's overflow warnings (float16 inf, as TF1)
        try:
            return function(), None
        except NAMED_ERRORS as e:
            assert str(e), f"{type(e).__name__} without a message"
            return None, e


def _run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


# ---------------------------------------------------------------- feeds
_scalars = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(-300, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e3, 1e3),
    st.booleans(),
    st.none(),
    st.complex_numbers(max_magnitude=10),
    st.text(max_size=3),
    st.binary(max_size=3),
    st.sampled_from(["1", "-2.5", "nan", "inf"]),
)
_nested = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=8)
_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int32, np.int64,
                           np.uint8, np.uint64, np.bool_, np.complex64, "U2", "S2"]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)
_feed_values = st.one_of(_nested, _arrays, st.builds(object), st.dictionaries(st.text(max_size=2),
                                                                               st.integers()))
_static_shapes = st.one_of(
    st.none(),
    st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=3),
)


def _expected(value, dtype):
    """What a successful feed of `value` must hold: numpy's conversion, as TF1's."""
    if dtype == tf.string:
        return np.array(value, dtype=object)
    return np.asarray(value, dtype=dtype.as_numpy_dtype)


def _check_not_wrapped(value, got: np.ndarray, dtype) -> None:
    """A fed number lands in `dtype` as itself (integers) or truncated toward zero (floats)."""
    source = np.asarray(value)
    if not dtype.is_integer or source.dtype.kind not in "iufb":
        return
    if source.dtype.kind == "f":
        assert np.all(np.isfinite(source)), f"{value!r} fed to {dtype.name} as {got!r}"
        np.testing.assert_array_equal(np.trunc(source), got.astype(np.float64))
    else:
        assert np.array_equal(source.astype(object), got.astype(object)), (value, got)


@SETTINGS
@given(st.sampled_from(DTYPES), _static_shapes, _feed_values)
def test_any_fed_value_is_converted_as_tf1_does_or_is_a_named_error(dtype, shape, value):
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, shape, name="x")
        got, error = _outcome(lambda: _run(tf.identity(x), {x: value}))
    if error is not None:
        assert "x:0" in str(error), f"the error does not name the placeholder: {error}"
        return
    if dtype == tf.string:  # bytes, or an object array of them (TF1's fetch of strings)
        items = [got] if isinstance(got, bytes) else list(got.reshape(-1))
        assert isinstance(got, bytes) or got.dtype == object, repr(got)
        assert all(isinstance(item, bytes) for item in items), repr(got)
        assert tf.TensorShape(shape).is_compatible_with(np.shape(got))
        return
    got = np.asarray(got)
    assert got.dtype == dtype.as_numpy_dtype
    assert tf.TensorShape(shape).is_compatible_with(got.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(got, _expected(value, dtype))
    _check_not_wrapped(value, got, dtype)


# ---------------------------------------------------------------- names
_names = st.one_of(
    st.text(alphabet="ab_./-:0 \\\u00e9>[", max_size=6),
    st.text(max_size=4),
    st.sampled_from(["", "/", "x/", "x//y", "_x", ".", "..", "a:0", "a:b"]),
    st.integers(-2, 2),
    st.none(),
    st.binary(max_size=2),
)


def _build_named(kind: str, name):
    if kind == "constant":
        return tf.constant(1.0, name=name).op
    if kind == "identity":
        return tf.identity(tf.constant(2.0), name=name).op
    if kind == "placeholder":
        return tf.placeholder(tf.float32, [2], name=name).op
    if kind == "variable":
        return tf.Variable(3.0, name=name).op
    with tf.name_scope(name):
        return tf.constant(4.0, name="c").op


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["constant", "identity", "placeholder", "variable",
                                           "scope"]), _names), min_size=1, max_size=4))
def test_random_op_names_give_unique_findable_tf1_names_or_a_named_error(specs):
    graph = tf.Graph()
    with graph.as_default():
        for kind, name in specs:
            op, error = _outcome(functools.partial(_build_named, kind, name))
            if error is not None:
                continue
            assert TF1_NAME.match(op.name), f"{name!r} gave the name {op.name!r}"
            assert graph.get_operation_by_name(op.name) is op
            if op.outputs:
                assert graph.as_graph_element(op.name + ":0") is op.outputs[0]
        names = [op.name for op in graph.get_operations()]
        assert len(names) == len(set(names)), names


# ---------------------------------------------------------------- shapes and axes
_dims = st.lists(st.one_of(st.integers(-3, 4), st.sampled_from([2**40, 2**50])), max_size=3)


@SETTINGS
@given(_dims, st.booleans())
def test_zeros_of_any_shape_is_numpys_or_a_named_error(dims, fed):
    def build():
        if not fed:
            return _run(tf.zeros(dims))
        shape = tf.placeholder(tf.int64, [len(dims)], name="shape")
        return _run(tf.zeros(shape), {shape: np.array(dims, np.int64)})

    with tf.Graph().as_default():
        got, error = _outcome(build)
    if any(d < 0 for d in dims):
        assert error is not None, f"zeros({dims}) gave {got!r}"
    elif error is None:
        np.testing.assert_array_equal(got, np.zeros(dims, np.float32))
    else:  # too big to allocate (numpy refuses even an empty array with such dimensions)
        assert math.prod(d for d in dims if d) >= 2**40, f"zeros({dims}) failed: {error}"


@SETTINGS
@given(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3), st.integers(-4, 4),
       st.sampled_from(["reduce_sum", "reduce_max", "reduce_mean", "argmax", "cumsum",
                        "expand_dims", "concat", "squeeze"]), st.booleans())
def test_an_axis_in_or_out_of_range_is_numpys_result_or_a_named_error(shape, axis, op, fed):
    x = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    numpy_op = {
        "reduce_sum": lambda: np.sum(x, axis),
        "reduce_max": lambda: np.max(x, axis, initial=-np.inf),  # TF1: -inf for nothing
        "reduce_mean": lambda: np.mean(x, axis), "argmax": lambda: np.argmax(x, axis),
        "cumsum": lambda: np.cumsum(x, axis), "expand_dims": lambda: np.expand_dims(x, axis),
        "concat": lambda: np.concatenate([x, x], axis), "squeeze": lambda: np.squeeze(x, axis),
    }[op]
    rank = len(shape) + (op == "expand_dims")
    valid = -rank <= axis < rank and not (op == "squeeze" and shape[axis] != 1)
    valid = valid and not (op == "argmax" and shape[axis] == 0)  # TF1: an error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = numpy_op() if valid else None

    def build():
        a = tf.constant(x)
        if op == "concat":
            return _run(tf.concat([a, a], axis))
        if op == "squeeze":
            return _run(tf.squeeze(a, [axis]))
        axis_tensor = tf.placeholder(tf.int32, [], name="axis") if fed else axis
        result = getattr(tf, op)(a, axis_tensor)
        return _run(result, {axis_tensor: axis} if fed else None)

    with tf.Graph().as_default():
        got, error = _outcome(build)
    if want is None:
        assert error is not None, f"{op}(shape {shape}, axis {axis}) gave {got!r}"
        return
    assert error is None, f"{op}(shape {shape}, axis {axis}) failed: {error}"
    np.testing.assert_allclose(got, want, rtol=1e-6)


@SETTINGS
@given(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=4),
       st.lists(st.one_of(st.integers(-6, 6), st.builds(slice, st.integers(-6, 6) | st.none(),
                                                        st.integers(-6, 6) | st.none(),
                                                        st.integers(-2, 2) | st.none())),
                min_size=1, max_size=2))
def test_indexing_is_numpys_or_a_named_error(shape, key):
    x = np.arange(math.prod(shape)).reshape(shape)
    try:
        want = x[tuple(key)]
    except (IndexError, ValueError):
        want = None
    with tf.Graph().as_default():
        got, error = _outcome(lambda: _run(tf.constant(x)[tuple(key)]))
    if want is None:
        assert error is not None, f"x[{key}] of shape {shape} gave {got!r}"
    else:
        assert error is None, f"x[{key}] of shape {shape} failed: {error}"
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("value", [[1, 2], ["a", 1], np.array([1.5]), {"a": 1}, object()])
def test_a_string_placeholder_fed_anything_else_is_a_type_error(value):
    x = tf.placeholder(tf.string, name="x")
    with pytest.raises(TypeError, match="x:0"):
        _run(x, {x: value})
