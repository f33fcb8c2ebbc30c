"""Operators on tensors: Python scalars and numpy arrays on either side, `[]` indexing, and the
gradients of all of them (checked against float64 central differences)."""

import operator

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker

X = np.array([[1.5, -2.0, 0.5, 3.0], [0.25, 1.0, -1.5, 2.5], [2.0, 0.75, -0.5, 1.25]])
POSITIVE = np.abs(X) + 0.5

BINARY = [
    ("+", operator.add, "add"),
    ("-", operator.sub, "sub"),
    ("*", operator.mul, "mul"),
    ("/", operator.truediv, "truediv"),
    ("**", operator.pow, "pow"),
]


def _run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


@pytest.mark.parametrize("symbol, fn, op_name", BINARY, ids=[b[0] for b in BINARY])
def test_binary_operators_with_scalars_and_arrays_on_both_sides(symbol, fn, op_name):
    x = tf.constant(POSITIVE)
    arr = np.array([0.5, 1.5, 2.0, 1.0])
    cases = [
        (fn(x, 2.0), fn(POSITIVE, 2.0)),
        (fn(2.0, x), fn(2.0, POSITIVE)),
        (fn(x, arr), fn(POSITIVE, arr)),
        (fn(arr, x), fn(arr, POSITIVE)),
        (fn(x, x), fn(POSITIVE, POSITIVE)),
    ]
    for result, expected in cases:
        assert isinstance(result, tf.Tensor), f"{symbol} gave {type(result)}"
        assert result.dtype == tf.float64
        assert result.op.name.split("_")[0] == op_name
        np.testing.assert_allclose(_run(result), expected)


def test_numpy_array_on_the_left_gives_a_tensor():
    x = tf.constant(np.ones(3, np.float32))
    y = np.array([1.0, 2.0, 3.0], dtype=np.float32) + x
    assert isinstance(y, tf.Tensor)
    np.testing.assert_allclose(_run(y), [2.0, 3.0, 4.0])
    z = np.float32(2.0) * x
    assert isinstance(z, tf.Tensor)


def test_scalars_keep_float32():
    w = tf.Variable(0, dtype=tf.float32)
    cost = w**2 - 10 * w + 25
    assert cost.dtype == tf.float32
    # A non-tensor operand (even a float64 numpy value) is converted to the tensor's dtype, as TF1.
    assert (np.float64(2.0) * w).dtype == tf.float32
    assert (w * np.array([1.0, 2.0])).dtype == tf.float32


def test_matmul_operator_and_reflected():
    a = tf.constant(X)
    b = np.ones((4, 2))
    np.testing.assert_allclose(_run(a @ b), X @ b)
    np.testing.assert_allclose(_run(b.T @ tf.transpose(a)), b.T @ X.T)
    assert (a @ b).op.type == "MatMul"


def test_unary_operators_and_comparisons():
    x = tf.constant(X)
    np.testing.assert_allclose(_run(-x), -X)
    np.testing.assert_allclose(_run(abs(x)), np.abs(X))
    for fn in (operator.lt, operator.le, operator.gt, operator.ge):
        result = fn(x, 1.0)
        assert result.dtype == tf.bool
        np.testing.assert_array_equal(_run(result), fn(X, 1.0))
        np.testing.assert_array_equal(_run(fn(1.0, x)), fn(1.0, X))


def test_integer_division_is_true_division():
    result = tf.constant(7) / tf.constant(2)
    assert result.dtype == tf.float64
    assert _run(result) == 3.5
    assert (tf.constant(7) / 2).dtype == tf.float64


INDEXES = [
    (0,),
    (-1,),
    (slice(1, 3),),
    (slice(None, None, -1),),
    (slice(None, None, 2), slice(-3, None)),
    (slice(-1, -4, -2), 1),
    (Ellipsis, None),
    (None, Ellipsis, -2),
    (0, 0),
    (slice(None), None, slice(3, 0, -1)),
]


@pytest.mark.parametrize("key", INDEXES, ids=[repr(k) for k in INDEXES])
@pytest.mark.parametrize("unknown", [False, True], ids=["known", "unknown"])
def test_getitem_matches_numpy_and_is_differentiable(key, unknown):
    x = tf.placeholder(tf.float64, [None, None] if unknown else X.shape, name="x")
    y = x[key if len(key) > 1 else key[0]]
    expected = X[key]
    value = _run(y, {x: X})
    np.testing.assert_allclose(value, expected)
    assert y.shape.is_compatible_with(np.shape(value))
    if not unknown:
        assert y.shape.as_list() == list(np.shape(expected))
    theory, numeric = gradient_checker.compute_gradient(
        x, X.shape, y, np.shape(expected), x_init_value=X, delta=1e-6
    )
    np.testing.assert_allclose(theory, numeric, atol=1e-8)


def test_chained_indexing_like_the_lecture():
    x = tf.placeholder(tf.float32, [3, 1])
    c = np.array([[1.0], [-10.0], [25.0]])
    assert x[0][0].shape.as_list() == []
    assert _run(x[1][0], {x: c}) == np.float32(-10.0)


def test_getitem_with_constant_tensor_index():
    x = tf.constant(X)
    np.testing.assert_allclose(_run(x[tf.constant(1)]), X[1])


def test_getitem_errors():
    x = tf.constant(X)
    with pytest.raises(ValueError, match="out of bounds"):
        x[3]
    with pytest.raises(ValueError, match="rank"):
        x[0, 0, 0]
    with pytest.raises(ValueError, match="strides\\[0\\] must be non-zero"):
        x[::0]
    with pytest.raises(TypeError, match="valid indices"):
        x[1.5]
    with pytest.raises(ValueError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(TypeError, match="computed tensor"):
        x[tf.placeholder(tf.int32, [])]


@pytest.mark.parametrize("symbol, fn, op_name", BINARY, ids=[b[0] for b in BINARY])
def test_operator_gradients_with_scalars_and_broadcasting(symbol, fn, op_name):
    x = tf.placeholder(tf.float64, [3, 4])
    row = tf.placeholder(tf.float64, [4])
    row_value = np.array([0.5, 1.5, 2.0, 1.25])
    ys = [fn(x, 2.0), fn(3.0, x), fn(x, row), fn(row, x)]
    for y in ys:
        errors = gradient_checker.compute_gradient_error(
            [x, row], [(3, 4), (4,)], y, (3, 4), x_init_value=[POSITIVE, row_value], delta=1e-6
        )
        assert errors < 1e-6, f"{y.name}: {errors}"
