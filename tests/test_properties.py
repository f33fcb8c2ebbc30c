"""Property tests (hypothesis): slicing and broadcasting on random shapes agree with numpy, in
value, static shape and gradient, with known and with unknown dimensions."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigraph as tf

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _slice_item(size: int):
    bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
    step = st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0))
    as_slice = st.builds(slice, bound, bound, step)
    if size == 0:
        return as_slice
    return st.one_of(as_slice, st.integers(-size, size - 1))


@st.composite
def shape_and_key(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5))
    n_front = draw(st.integers(0, len(shape)))
    items = [draw(_slice_item(d)) for d in shape[:n_front]]
    if draw(st.booleans()):  # `...`, then items for the trailing dimensions
        n_back = draw(st.integers(0, len(shape) - n_front))
        back = shape[len(shape) - n_back:]
        items += [Ellipsis] + [draw(_slice_item(d)) for d in back]
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    return shape, tuple(items)


@SETTINGS
@given(shape_and_key(), st.booleans())
def test_getitem_agrees_with_numpy(case, unknown):
    shape, key = case
    x_value = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None] * len(shape) if unknown else shape)
        y = x[key]
        expected = x_value[key]
        assert y.shape.is_compatible_with(expected.shape)
        if not unknown:
            assert y.shape.as_list() == list(expected.shape)
        weights = np.random.default_rng(0).normal(size=expected.shape)
        (dx,) = tf.gradients(y, x, grad_ys=weights)
        with tf.Session() as sess:
            value, grad = sess.run([y, dx], {x: x_value})
    np.testing.assert_array_equal(value, expected)
    reference = np.zeros(shape)
    reference[key] += weights  # basic indexing never repeats an element
    np.testing.assert_array_equal(grad, reference)


@SETTINGS
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4),
       st.sampled_from(["add", "multiply", "subtract", "maximum"]), st.booleans())
def test_binary_broadcast_gradients_agree_with_numpy(shapes, op_name, unknown):
    (a_shape, b_shape), out_shape = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(1)
    a_value, b_value = rng.normal(size=a_shape), rng.normal(size=b_shape)
    weights = rng.normal(size=out_shape)
    op = getattr(tf, op_name)
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float64, [None] * len(a_shape) if unknown else a_shape)
        b = tf.placeholder(tf.float64, [None] * len(b_shape) if unknown else b_shape)
        y = op(a, b)
        assert y.shape.is_compatible_with(out_shape)
        da, db = tf.gradients(y, [a, b], grad_ys=weights)
        with tf.Session() as sess:
            da_value, db_value = sess.run([da, db], {a: a_value, b: b_value})
    a_full = np.broadcast_to(a_value, out_shape)
    b_full = np.broadcast_to(b_value, out_shape)
    local_a, local_b = {
        "add": (1.0, 1.0),
        "subtract": (1.0, -1.0),
        "multiply": (b_full, a_full),
        "maximum": (a_full >= b_full, a_full < b_full),
    }[op_name]
    np.testing.assert_allclose(da_value, _sum_to(weights * local_a, a_shape))
    np.testing.assert_allclose(db_value, _sum_to(weights * local_b, b_shape))


def _sum_to(grad, shape):
    """Sums a broadcast gradient back to `shape` (the reference for unbroadcast)."""
    grad = np.asarray(grad, dtype=np.float64)
    lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead))) if lead else grad
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad.reshape(shape)


@SETTINGS
@given(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), st.data(), st.booleans(),
       st.booleans())
def test_reductions_agree_with_numpy(shape, data, keepdims, unknown):
    rank = len(shape)
    axes = data.draw(st.lists(st.integers(-rank, rank - 1), max_size=rank,
                              unique_by=lambda a: a % rank))
    value = np.random.default_rng(2).normal(size=shape)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None] * rank if unknown else shape)
        total = tf.reduce_sum(x, axis=axes, keepdims=keepdims)
        mean = tf.reduce_mean(x, axis=axes, keepdims=keepdims)
        expected_total = np.sum(value, axis=tuple(axes), keepdims=keepdims)
        assert total.shape.is_compatible_with(expected_total.shape)
        assert mean.shape.is_compatible_with(expected_total.shape)
        (d_total,) = tf.gradients(total, x)
        (d_mean,) = tf.gradients(mean, x)
        with tf.Session() as sess:
            results = sess.run([total, mean, d_total, d_mean], {x: value})
    count = int(np.prod([shape[a] for a in axes])) if axes else 1
    np.testing.assert_allclose(results[0], expected_total)
    np.testing.assert_allclose(results[1], np.mean(value, axis=tuple(axes), keepdims=keepdims))
    np.testing.assert_allclose(results[2], np.ones(shape))
    np.testing.assert_allclose(results[3], np.ones(shape) / count)
