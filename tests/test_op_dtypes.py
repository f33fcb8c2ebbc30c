"""Every op accepts exactly the dtypes TF1's op registry allows (its `T: {...}` lists), raises
TF1's TypeError at build time for the others, and computes values of the dtype its tensor says.

The allowed lists are golden data from TensorFlow's op registry (`tests/golden/op_dtypes_tf.py`
writes `op_dtypes_tf.json`); each op declares its own list on `define_op(input_dtypes=...)`.
"""

from __future__ import annotations

import json
import pathlib
import sys
import warnings
import zlib

import numpy as np
import pytest

import minigraph as tf
from minigraph import registry

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from test_op_table import ROWS  # noqa: E402 - also registers every op type

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "op_dtypes_tf.json").read_text())
TF_OPS = GOLDEN["ops"]
ALL_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool",
              "string"]

# TF arguments with a dtype list that minigraph's op does not take as an input, and why.
NOT_AN_INPUT = {
    ("Transpose", "perm"): "minigraph keeps a constant perm as an attribute",
    ("StridedSlice", "begin"): "begin, end and strides are an index spec attribute",
    ("StridedSlice", "end"): "begin, end and strides are an index spec attribute",
    ("StridedSlice", "strides"): "begin, end and strides are an index spec attribute",
    ("StridedSliceGrad", "begin"): "begin, end and strides are an index spec attribute",
    ("StridedSliceGrad", "end"): "begin, end and strides are an index spec attribute",
    ("StridedSliceGrad", "strides"): "begin, end and strides are an index spec attribute",
    ("ConcatV2", "axis"): "the axis follows a variable number of values",
}


def _declared(op_type: str) -> dict:
    return {c.name: c for c in registry.get_op_def(op_type).input_dtypes}


@pytest.mark.parametrize("op_type", sorted(TF_OPS))
def test_declared_dtypes_are_tf1s(op_type):
    tf_args = dict((name, allowed) for name, allowed in TF_OPS[op_type])
    tf_positions = [name for name, _ in TF_OPS[op_type]]
    for name, constraint in _declared(op_type).items():
        assert name in tf_args, f"{op_type}: TF has no input {name!r} (it has {tf_positions})"
        assert tf_args[name] is not None, f"{op_type}: TF allows any dtype for {name!r}"
        assert sorted(constraint.names) == sorted(tf_args[name]), f"{op_type}.{name}"
    for name, allowed in tf_args.items():
        if allowed is None or sorted(allowed) == sorted(ALL_DTYPES):
            continue
        if allowed == []:
            continue  # a variant or resource handle: a minigraph object, not a dtype'd tensor
        if (op_type, name) in NOT_AN_INPUT:
            continue
        assert name in _declared(op_type), f"{op_type}: TF allows only {allowed} for {name!r}"


def test_declared_positions_match_the_inputs():
    """A declared name sits at TF's position of that argument (minigraph keeps TF's order)."""
    for op_type in sorted(TF_OPS):
        tf_positions = [name for name, _ in TF_OPS[op_type]]
        for constraint in registry.get_op_def(op_type).input_dtypes:
            if (op_type, constraint.name) in NOT_AN_INPUT:
                continue
            if op_type == "StridedSliceGrad":
                continue  # minigraph: (shape, dy), both in TF's order with the spec left out
            assert tf_positions.index(constraint.name) == constraint.index, op_type


# ---------------------------------------------------------------- TF1's errors
def test_log_of_int32_is_tf1s_type_error_naming_the_op_and_dtype():
    x = tf.placeholder(tf.int32, name="counts")
    with pytest.raises(TypeError) as info:
        tf.log(x, name="logcounts")
    message = str(info.value)
    assert message.startswith(
        "Value passed to parameter 'x' has DataType int32 not in list of allowed values: "
        "float16, float32, float64"
    )
    assert "'counts:0'" in message and "'logcounts', op: Log" in message
    assert "tf.cast(x, tf.float32)" in message
    assert tf.get_default_graph().get_operations() == [x.op]  # nothing half-built


@pytest.mark.parametrize("build", [
    tf.sqrt, tf.exp, tf.sigmoid, tf.tanh, tf.nn.softmax, tf.abs, tf.negative, tf.square,
    tf.round, tf.reduce_sum, tf.reduce_mean, tf.reduce_max, tf.nn.relu, tf.cumsum,
    lambda x: tf.add(x, x), lambda x: tf.add_n([x, x]), lambda x: tf.maximum(x, x),
    lambda x: tf.greater(x, x), lambda x: tf.floordiv(x, x), lambda x: tf.pow(x, x),
    lambda x: -x, lambda x: x * x, lambda x: x - x,
], ids=lambda f: getattr(f, "__name__", "lambda"))
def test_math_on_bool_is_a_type_error(build):
    # TF1: "Value passed to parameter 'x' has DataType bool not in list of allowed values"
    with pytest.raises(TypeError, match="has DataType bool not in list of allowed values"):
        build(tf.constant([True, False]))


def test_fixed_dtype_inputs_use_tf1s_wording():
    with pytest.raises(TypeError, match="Input 'x' of 'LogicalAnd' Op has type int32 that does "
                                        "not match expected type of bool"):
        tf.logical_and(tf.constant(1), tf.constant(0))
    with pytest.raises(TypeError, match="parameter 'x' has DataType string"):
        tf.subtract(tf.constant("a"), tf.constant("b"))


def test_what_tf1_allows_still_builds():
    assert tf.add(tf.constant("a"), tf.constant("b")).dtype == tf.string
    assert tf.argmax(tf.constant([True, False])).dtype == tf.int64
    assert tf.equal(tf.constant("a"), tf.constant("a")).dtype == tf.bool
    assert tf.square(tf.constant([1], tf.uint8)).dtype == tf.uint8
    assert tf.reduce_prod(tf.constant([1], tf.int8)).dtype == tf.int8
    assert tf.truediv(tf.constant(1), tf.constant(2)).dtype == tf.float64


# ---------------------------------------------------------------- values have the static dtype
@pytest.mark.parametrize("row", [pytest.param(row, id=row.id) for row in ROWS])
def test_every_dtype_is_refused_at_build_time_or_computed_in_that_dtype(row):
    """The row's floating inputs are given each dtype in turn: the op must either refuse it when
    built (TypeError, or ValueError for a dtype a builder's attribute fixes) or compute values
    of exactly the dtype its output tensors have (no silent float64, int64 or float16)."""
    from op_table import make_values

    values = make_values(row.input_specs(None), seed=zlib.crc32(row.id.encode()))
    floating = [i for i, v in enumerate(values) if v.dtype.kind == "f"]
    if not floating:
        pytest.skip("no floating input to vary")
    for dtype in ALL_DTYPES[:-1]:
        typed = [v.astype(dtype) if i in floating else v for i, v in enumerate(values)]
        graph = tf.Graph()
        try:
            with graph.as_default():
                inputs = [tf.placeholder(v.dtype, v.shape) for v in typed]
                outputs = row.build(*inputs)
        except (TypeError, ValueError):
            continue
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        outputs = [out for out in outputs if out is not None]  # no gradient for integers
        if not outputs:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            with tf.Session(graph=graph) as sess:
                try:
                    results = sess.run(outputs, dict(zip(inputs, typed)))
                except tf.errors.OpError:
                    continue  # a named run-time error (e.g. a non-invertible integer matrix)
        for out, got in zip(outputs, results):
            if out.dtype != tf.string:
                assert np.asarray(got).dtype == out.dtype.np, f"{dtype}: {out.name} {got!r}"


def test_integer_activations_and_pooling_run_as_in_tf1():
    x = np.arange(-9, 9, dtype=np.int32).reshape(1, 3, 6, 1)
    with tf.Session() as sess:
        relu, pooled = sess.run([
            tf.nn.relu(tf.constant(x)),
            tf.nn.max_pool(tf.constant(x), [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
        ])
    assert relu.dtype == np.int32 and relu.min() == 0
    assert pooled.dtype == np.int32  # SAME padding never wins a window maximum
    np.testing.assert_array_equal(pooled[0, :, :, 0], [[-2, 0, 2], [4, 6, 8]])
