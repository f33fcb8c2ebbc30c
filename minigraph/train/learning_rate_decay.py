"""Learning-rate schedules: tensors computed from the global step, TF1's formulas.

Each schedule returns a scalar tensor; pass it as an optimizer's `learning_rate`, and pass the
same global step to `minimize(..., global_step=step)` so it advances once per training step:

* `exponential_decay`: `lr * decay_rate ** (step / decay_steps)`;
* `inverse_time_decay`: `lr / (1 + decay_rate * step / decay_steps)`;
* `piecewise_constant`: `values[i]` on the i-th interval of `boundaries`.

With `staircase=True` the exponent (or the ratio) is floored, so the rate drops in steps every
`decay_steps` steps instead of continuously.
"""

from __future__ import annotations

from minigraph import dtypes
from minigraph import graph as graph_module
from minigraph.ops import math_ops
from minigraph.tensor import Tensor, convert_to_tensor


def _decay_terms(learning_rate, global_step, decay_steps, decay_rate, staircase: bool,
                 fn_name: str):
    """`(learning_rate, decay_rate, p)` as tensors of the learning rate's (floating) dtype, with
    `p = global_step / decay_steps`, floored if `staircase`: what every decay formula needs."""
    if global_step is None:
        raise ValueError(f"global_step is required for {fn_name}.")
    learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
    if not learning_rate.dtype.is_floating:
        learning_rate = math_ops.cast(learning_rate, dtypes.float32)
    dtype = learning_rate.dtype
    step = _as_float(global_step, dtype)
    steps = _as_float(decay_steps, dtype)
    rate = _as_float(decay_rate, dtype)
    p = step / steps
    if staircase:
        p = _floor_of_nonnegative(p)
    return learning_rate, rate, p


def _as_float(value, dtype) -> Tensor:
    """A number or tensor as a tensor of the floating `dtype`."""
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        return math_ops.cast(convert_to_tensor(value), dtype)
    return convert_to_tensor(float(value), dtype=dtype)


def _floor_of_nonnegative(p: Tensor) -> Tensor:
    """floor(p) for p >= 0, as an integer cast (which truncates toward zero).

    NOTE: equal to floor because the global step and decay_steps are never negative; it avoids
    a Floor op, which minigraph does not need anywhere else.
    """
    return math_ops.cast(math_ops.cast(p, dtypes.int64), p.dtype)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
                      staircase: bool = False, name=None) -> Tensor:
    """`learning_rate * decay_rate ** (global_step / decay_steps)` (exponent floored if
    `staircase`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     step = tf.train.get_or_create_global_step()
        ...     lr = tf.train.exponential_decay(0.1, step, 100, 0.5, staircase=True)
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         _ = sess.run(tf.assign(step, 250))
        ...         print(round(float(sess.run(lr)), 6))
        0.025
    """
    with graph_module.name_scope(name, "ExponentialDecay", [learning_rate, global_step]) as scope:
        lr, rate, p = _decay_terms(
            learning_rate, global_step, decay_steps, decay_rate, staircase, "exponential_decay"
        )
        return math_ops.multiply(lr, math_ops.pow(rate, p), name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate,
                       staircase: bool = False, name=None) -> Tensor:
    """`learning_rate / (1 + decay_rate * global_step / decay_steps)` (the ratio floored if
    `staircase`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     step = tf.train.get_or_create_global_step()
        ...     lr = tf.train.inverse_time_decay(0.1, step, 1, 0.5)
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         _ = sess.run(tf.assign(step, 2))
        ...         print(round(float(sess.run(lr)), 6))
        0.05
    """
    with graph_module.name_scope(name, "InverseTimeDecay", [learning_rate, global_step]) as scope:
        lr, rate, p = _decay_terms(
            learning_rate, global_step, decay_steps, decay_rate, staircase, "inverse_time_decay"
        )
        return math_ops.truediv(lr, 1.0 + rate * p, name=scope)


def piecewise_constant(x, boundaries, values, name=None) -> Tensor:
    """`values[0]` while `x <= boundaries[0]`, `values[1]` while `x <= boundaries[1]`, ...,
    `values[-1]` once `x > boundaries[-1]`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     step = tf.train.get_or_create_global_step()
        ...     lr = tf.train.piecewise_constant(step, [100, 200], [1.0, 0.5, 0.1])
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         print([round(float(sess.run(lr, {step: s})), 6) for s in (100, 101, 201)])
        [1.0, 0.5, 0.1]
    """
    if len(boundaries) != len(values) - 1:
        raise ValueError(
            f"The length of boundaries should be 1 less than the length of values: got "
            f"{len(boundaries)} boundaries and {len(values)} values."
        )
    with graph_module.name_scope(name, "PiecewiseConstant", [x]) as scope:
        x = convert_to_tensor(x)
        bounds = [_boundary(b, x) for b in boundaries]
        values = [convert_to_tensor(v) for v in values]
        for v in values[1:]:
            if v.dtype != values[0].dtype:
                raise ValueError(
                    f"Values must have elements all with the same dtype ({values[0].dtype.name}"
                    f" != {v.dtype.name})."
                )
        # Built from the last interval inwards, so the first boundary x is below decides.
        result = values[-1]
        for i in reversed(range(len(bounds))):
            last = i == 0
            result = math_ops.where(
                math_ops.less_equal(x, bounds[i]), values[i], result,
                name=scope if last else None,
            )
        if not bounds:
            result = math_ops.add(result, 0, name=scope)
        return result


def _boundary(b, x: Tensor) -> Tensor:
    """A boundary in x's dtype; an integer x with fractional boundaries is an error, as TF1."""
    if isinstance(b, Tensor):
        if b.dtype != x.dtype:
            raise ValueError(
                f"Boundaries ({b.dtype.name}) must have the same dtype as x ({x.dtype.name})."
            )
        return b
    try:
        return convert_to_tensor(b, dtype=x.dtype)
    except TypeError:
        raise ValueError(
            f"Boundaries ({b!r}) must have the same dtype as x ({x.dtype.name})."
        ) from None
