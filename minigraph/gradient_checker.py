"""Checking symbolic gradients against finite differences (TF1's `tf.test.compute_gradient`).

`tf.gradients` builds the derivative as graph ops; this module checks that graph numerically.
For `y = f(x)` it computes two Jacobians of shape `[x_size, y_size]` (TF1's layout: row i is how
every element of y moves when element i of x moves):

* the *theoretical* one, from the gradient graph: for each element j of y, feed a one-hot
  `grad_ys` and run `tf.gradients(y, x, grad_ys)`; that gives column j;
* the *numerical* one, from central differences: for each element i of x, run y with x[i]
  nudged by `+delta` and by `-delta`; `(y+ - y-) / (2 delta)` gives row i.

x can be any tensor (a placeholder, a variable, an intermediate): it is fed, as TF1 allows.
The arithmetic of the differences is done in float64; build the graph in float64 too for a
tight check (a float32 graph rounds every y to about 7 digits, which `delta` then amplifies).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from minigraph.gradients import gradients
from minigraph.ops import array_ops
from minigraph.session import Session
from minigraph.tensor import Tensor, get_default_session


def _session_for(graph):
    """The default session if it runs `graph`; else a new one (the caller closes it)."""
    session = get_default_session()
    if session is not None and session.graph is graph:
        return session, False
    return Session(graph=graph), True


def _check_x(x: Tensor, x_shape) -> tuple:
    x_shape = tuple(int(d) for d in x_shape)
    if not x.dtype.is_floating:
        raise TypeError(
            f"compute_gradient needs a floating-point x, but {x.name} has dtype {x.dtype.name}."
        )
    if not x.shape.is_compatible_with(x_shape):
        raise ValueError(f"x_shape {x_shape} is not compatible with the shape of {x!r}.")
    return x_shape


def _theoretical(session, xs, x_shapes, y, y_shape, feed) -> list:
    """Column j of each Jacobian is d(y[j])/dx: run the gradient graph with one-hot grad_ys."""
    y_size = int(np.prod(y_shape))
    with y.graph.as_default():
        grad_y = array_ops.placeholder(y.dtype, y.shape, name="compute_gradient_grad_ys")
        dxs = gradients(y, xs, grad_ys=grad_y)
    jacobians = [np.zeros((int(np.prod(s)), y_size)) for s in x_shapes]
    connected = [(i, dx) for i, dx in enumerate(dxs) if dx is not None]
    if not connected:
        return jacobians
    one_hot = np.zeros(y_size, dtype=y.dtype.np)
    for j in range(y_size):
        one_hot[:] = 0
        one_hot[j] = 1
        feed[grad_y] = one_hot.reshape(y_shape)
        values = session.run([dx for _, dx in connected], feed_dict=feed)
        for (i, _), value in zip(connected, values):
            jacobians[i][:, j] = np.asarray(value, dtype=np.float64).reshape(-1)
    feed.pop(grad_y, None)
    return jacobians


def _numerical(session, xs, x_values, y, y_shape, feed, delta) -> list:
    """Row i of each Jacobian is (y(x + delta e_i) - y(x - delta e_i)) / (2 delta)."""
    y_size = int(np.prod(y_shape))
    jacobians = []
    for x, value in zip(xs, x_values):
        flat = np.array(value, dtype=np.float64).reshape(-1)
        jacobian = np.zeros((flat.size, y_size))
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + delta
            feed[x] = flat.reshape(value.shape).astype(x.dtype.np)
            y_plus = np.asarray(session.run(y, feed_dict=feed), dtype=np.float64)
            flat[i] = original - delta
            feed[x] = flat.reshape(value.shape).astype(x.dtype.np)
            y_minus = np.asarray(session.run(y, feed_dict=feed), dtype=np.float64)
            flat[i] = original
            jacobian[i, :] = ((y_plus - y_minus) / (2.0 * delta)).reshape(-1)
        feed[x] = value
        jacobians.append(jacobian)
    return jacobians


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta: float = 1e-3,
                     init_targets=None, extra_feed_dict: Optional[dict] = None):
    """The theoretical and numerical Jacobians of `y` with respect to `x`.

    Args:
        x: a tensor, or a list of tensors, to differentiate with respect to (they are fed).
        x_shape: the shape of x, or a list of shapes (one per x).
        y: the output tensor.
        y_shape: the shape of y when run.
        x_init_value: the point at which to differentiate: an array (or a list of arrays)
            of x_shape; default: uniform random numbers in [0, 1), as TF1.
        delta: the step of the central differences.
        init_targets: ops to run first (e.g. `tf.global_variables_initializer()`).
        extra_feed_dict: more feeds (other placeholders y needs).

    Returns:
        `(theoretical, numerical)`, each an array of shape `[x_size, y_size]`; for a list of
        xs, a list of such pairs. Uses the default session if it runs y's graph, else a
        temporary one.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import gradient_checker
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float64, [2])
        ...     y = x * x
        ...     theory, numeric = gradient_checker.compute_gradient(
        ...         x, [2], y, [2], x_init_value=np.array([1.0, 3.0]))
        >>> theory
        array([[2., 0.],
               [0., 6.]])
        >>> bool(np.allclose(theory, numeric))
        True
    """
    is_list = isinstance(x, (list, tuple))
    xs = list(x) if is_list else [x]
    x_shapes = list(x_shape) if is_list else [x_shape]
    if x_init_value is None:
        x_values = [None] * len(xs)
    else:
        x_values = list(x_init_value) if is_list else [x_init_value]
    if not len(xs) == len(x_shapes) == len(x_values):
        raise ValueError(
            f"Got {len(xs)} xs, {len(x_shapes)} x_shapes and {len(x_values)} x_init_values."
        )
    x_shapes = [_check_x(t, s) for t, s in zip(xs, x_shapes)]
    y_shape = tuple(int(d) for d in y_shape)
    rng = np.random.RandomState(0)
    x_values = [
        rng.random_sample(s).astype(t.dtype.np)
        if v is None
        else np.asarray(v, dtype=t.dtype.np).reshape(s)
        for t, s, v in zip(xs, x_shapes, x_values)
    ]

    session, owned = _session_for(y.graph)
    try:
        if init_targets:
            session.run(init_targets)
        feed = dict(extra_feed_dict or {})
        feed.update(zip(xs, x_values))
        actual = np.shape(session.run(y, feed_dict=feed))
        if actual != y_shape:
            raise ValueError(f"y_shape {y_shape} does not match the shape {actual} y has when run.")
        theoretical = _theoretical(session, xs, x_shapes, y, y_shape, feed)
        numerical = _numerical(session, xs, x_values, y, y_shape, feed, delta)
    finally:
        if owned:
            session.close()
    pairs = list(zip(theoretical, numerical))
    return pairs if is_list else pairs[0]


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta: float = 1e-3,
                           init_targets=None, extra_feed_dict: Optional[dict] = None) -> float:
    """The largest absolute difference between the theoretical and numerical Jacobians.

    Takes the arguments of `compute_gradient`; for a list of xs, the maximum over all of them.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import gradient_checker
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float64, [3])
        ...     y = tf.reduce_sum(tf.exp(x))
        ...     error = gradient_checker.compute_gradient_error(x, [3], y, [])
        >>> error < 1e-6
        True
    """
    result = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                              extra_feed_dict)
    pairs = result if isinstance(result, list) else [result]
    error = 0.0
    for theoretical, numerical in pairs:
        if theoretical.size:
            error = max(error, float(np.max(np.abs(theoretical - numerical))))
    return error


__all__ = ["compute_gradient", "compute_gradient_error"]
