"""Neural-network functions built from other ops: no kernels here, so no gradients to write.

Everything in this file is a composite of math, array and nn ops; autodiff differentiates it
through its parts. Each keeps TF1's formulation (so its numbers match TF1's), and each one says
why its formula is the stable one where that matters:

* `sigmoid_cross_entropy_with_logits`: `max(x, 0) - x * z + log(1 + exp(-|x|))`;
* `l2_loss`: `sum(t ** 2) / 2`;
* `l2_normalize`: `x * rsqrt(max(sum(x ** 2), epsilon))`;
* `moments`: mean and variance over `axes` (the variance around a stop-gradient mean);
* `batch_normalization`: `(x - mean) / sqrt(variance + eps) * scale + offset`;
* `dropout`: keep each value with probability `keep_prob`, scaled by `1 / keep_prob`.
"""

from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from minigraph import graph as graph_module
from minigraph.ops import array_ops, math_ops, nn_ops, random_ops
from minigraph.tensor import Tensor, constant_value, convert_to_tensor


# ---------------------------------------------------------------- sigmoid_cross_entropy_with_logits
def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Element-wise logistic loss of `logits` x against targets z in [0, 1].

    TF1's stable form `max(x, 0) - x * z + log1p(exp(-|x|))` of `-z log(sigmoid(x)) -
    (1 - z) log(1 - sigmoid(x))`: exp never sees a positive argument, so logits of ±1000 give
    finite losses and gradients, and `log1p` keeps the tiny losses of confident, correct
    predictions (4.2e-18 at |x| = 40 in float64, where log(1 + exp(-40)) rounds to 0).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     loss = tf.nn.sigmoid_cross_entropy_with_logits(
        ...         labels=[1.0, 0.0], logits=[1000.0, 1000.0])
        ...     print(sess.run(loss))
        [   0. 1000.]
    """
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError(
            "Only call `sigmoid_cross_entropy_with_logits` with named arguments "
            "(labels=..., logits=..., ...)"
        )
    with graph_module.name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = convert_to_tensor(logits)
        labels = nn_ops._labels_like(labels, logits)
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(
                f"logits and labels must have the same shape ({logits.shape} vs {labels.shape})"
            )
        # NOTE: TF1's `where` form rather than relu and abs: at x = 0 it gives the true
        # derivative sigmoid(0) - z, where relu'(0) = abs'(0) = 0 would give -z.
        zeros = array_ops.zeros_like(logits)
        positive = math_ops.greater_equal(logits, zeros)
        relu_logits = math_ops.where(positive, logits, zeros)
        neg_abs_logits = math_ops.where(positive, math_ops.negative(logits), logits)
        return math_ops.add(
            relu_logits - logits * labels,
            math_ops.log1p(math_ops.exp(neg_abs_logits)),
            name=scope,
        )


# ---------------------------------------------------------------- l2_loss
def l2_loss(t, name=None):
    """sum(t ** 2) / 2: half the squared L2 norm, the usual weight-decay penalty.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.nn.l2_loss([[1.0, 2.0], [3.0, 4.0]])))
        15.0
    """
    with graph_module.name_scope(name, "L2Loss", [t]) as scope:
        t = convert_to_tensor(t)
        return math_ops.multiply(math_ops.reduce_sum(math_ops.square(t)), 0.5, name=scope)


# ---------------------------------------------------------------- l2_normalize
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """`x / sqrt(max(sum(x ** 2, axis), epsilon))`: `x` scaled to unit L2 norm along `axis`.

    As TF1 builds it: `Square`, `Sum` (keepdims), `Maximum` with `epsilon`, `Rsqrt` and `Mul`
    under the name scope `l2_normalize`, so an all-zero slice gives zeros, not NaN.

    Args:
        x: a floating tensor.
        axis: the dimension (or list of dimensions) to normalize along; None: all of them.
        epsilon: the lower bound of the squared norm (guards the division).
        name: the name scope (default "l2_normalize").
        dim: TF1's deprecated name of `axis`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.nn.l2_normalize([[3.0, 4.0], [0.0, 0.0]], axis=1)))
        [[0.6 0.8]
         [0.  0. ]]
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    with graph_module.name_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        x_inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, x_inv_norm, name=scope)


# ---------------------------------------------------------------- moments
def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """The mean and variance of `x` over `axes` (e.g. `[0]` for per-feature batch statistics).

    Returns:
        `(mean, variance)`; with `keep_dims=True` the reduced axes are kept with size 1.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     mean, var = tf.nn.moments(tf.constant([[1.0, 2.0], [3.0, 6.0]]), axes=[0])
        ...     print(sess.run([mean, var]))
        [array([2., 4.], dtype=float32), array([1., 4.], dtype=float32)]
    """
    if keepdims is not None:
        keep_dims = keepdims
    keep_dims = bool(keep_dims)
    with graph_module.name_scope(name, "moments", [x]):
        x = convert_to_tensor(x)
        axes = list(axes) if isinstance(axes, (list, tuple)) else axes
        kept_mean = math_ops.reduce_mean(x, axes, keepdims=True, name="mean")
        # NOTE: the variance is taken around a stop-gradient copy of the mean, as TF1 does: the
        # value is the same, and d variance / d mean is 0 at the mean anyway.
        deviations = math_ops.square(x - array_ops.stop_gradient(kept_mean))
        if keep_dims:
            return kept_mean, math_ops.reduce_mean(deviations, axes, keepdims=True,
                                                   name="variance")
        if isinstance(axes, list) and all(isinstance(a, (int, np.integer)) for a in axes):
            # As TF1: the kept-dims statistics squeezed, so the mean is reduced once (a second
            # reduction and its gradient cost a pass over x each).
            variance = math_ops.reduce_mean(deviations, axes, keepdims=True, name="variance")
            return array_ops.squeeze(kept_mean, axes), array_ops.squeeze(variance, axes)
        variance = math_ops.reduce_mean(deviations, axes, name="variance")
        return math_ops.reduce_mean(x, axes, name="mean_1"), variance


# ---------------------------------------------------------------- batch_normalization
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon: float, name=None):
    """(x - mean) / sqrt(variance + eps) * scale + offset, with `offset`/`scale` optional.

    Computed as TF1 does: `inv = scale / sqrt(variance + eps)`, then `x * inv + (offset -
    mean * inv)`, so the per-feature factors are formed once and broadcast over the batch.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     y = tf.nn.batch_normalization(tf.constant([1.0, 3.0]), 2.0, 1.0, None, None, 0.0)
        ...     print(sess.run(y))
        [-1.  1.]
    """
    with graph_module.name_scope(name, "batchnorm", [x, mean, variance, scale, offset]) as scope:
        x = convert_to_tensor(x)
        mean = _like(mean, x)
        variance = _like(variance, x)
        inv = 1.0 / math_ops.sqrt(variance + _like(variance_epsilon, x))
        if scale is not None:
            inv = inv * _like(scale, x)
        shift = math_ops.negative(mean * inv) if offset is None else _like(offset, x) - mean * inv
        return math_ops.add(x * inv, shift, name=scope)


def _like(value, x: Tensor, name: Optional[str] = None) -> Tensor:
    """`value` as a tensor of x's dtype (Python numbers and arrays take it; tensors must match)."""
    if isinstance(value, Tensor):
        return value
    return convert_to_tensor(value, dtype=x.dtype, name=name)


def _constant_float(value) -> Optional[float]:
    """The build-time value of a scalar (a number or a Const tensor), else None."""
    if isinstance(value, Tensor):
        value = constant_value(value)
        if value is None or np.ndim(value) != 0:
            return None
    if isinstance(value, (numbers.Real, np.ndarray, np.generic)) and np.ndim(value) == 0:
        return float(value)
    return None


# ---------------------------------------------------------------- dropout
def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Keeps each element of `x` with probability `keep_prob` (or `1 - rate`), scaled by
    `1 / keep_prob` so the expected value is unchanged; the others become 0.

    Args:
        x: a floating-point tensor.
        keep_prob: probability of keeping each element (TF1's argument; a float in (0, 1] or a
            scalar tensor, e.g. a placeholder fed 1.0 at test time).
        noise_shape: the shape of the random keep/drop mask, broadcast against `x` (e.g.
            `[batch, 1]` drops whole rows); default: the shape of `x`.
        seed: op-level seed (see `tf.set_random_seed`).
        rate: probability of dropping each element, the alternative to `keep_prob`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     y = tf.nn.dropout(tf.ones([2, 3]), keep_prob=0.5, seed=1)
        ...     print(sorted(set(sess.run(y).ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0]))
        True
    """
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'keep_prob' and 'rate': pass one of them to "
                         "dropout, not both.")
    if keep_prob is None and rate is None:
        raise ValueError("You must provide a rate (or keep_prob) to dropout.")
    known_rate = _known_rate(keep_prob, rate)
    if keep_prob is not None:
        # NOTE: TF1 turns keep_prob into rate before anything else (a Python `1. - keep_prob`,
        # or a `sub` op outside the dropout scope); the mask then compares with that rate.
        rate = 1.0 - keep_prob
    with graph_module.name_scope(name, "dropout", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError(
                f"x has to be a floating point tensor since it's going to be scaled. Got a "
                f"{x.dtype.name} tensor instead: {x!r}"
            )
        if known_rate == 0.0:
            return x  # nothing to drop: TF1 returns x itself
        rate = _like(rate, x, name="rate")
        noise = random_ops.random_uniform(_noise_shape(x, noise_shape), seed=seed, dtype=x.dtype)
        # TF 1.15's arithmetic, op for op: keep where u >= rate (probability 1 - rate), scale
        # by 1 / (1 - rate) computed in x's dtype. The cast of a bool mask has no gradient,
        # so only x is differentiated.
        scale = 1.0 / (1.0 - rate)
        keep_mask = math_ops.greater_equal(noise, rate)
        return x * scale * math_ops.cast(keep_mask, x.dtype)


def _known_rate(keep_prob, rate) -> Optional[float]:
    """The drop rate when it is known while building (validated as TF1 does), else None."""
    if keep_prob is not None:
        value = _constant_float(keep_prob)
        if value is not None and not 0.0 < value <= 1.0:
            raise ValueError(f"keep_prob must be a scalar tensor or a float in the range (0, 1], "
                             f"got {value:g}")
        return None if value is None else 1.0 - value
    value = _constant_float(rate)
    if value is not None and not 0.0 <= value < 1.0:
        raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got "
                         f"{value:g}")
    return value


def _noise_shape(x: Tensor, noise_shape):
    """The mask's shape: x's shape by default; None entries of `noise_shape` take x's dims."""
    if noise_shape is None:
        return array_ops._shape_of(x)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(noise_shape)
    if any(d is None for d in dims):
        x_dims = x.shape.as_tuple()
        if x_dims is None or len(x_dims) != len(dims):
            raise ValueError(
                f"noise_shape {dims} has None entries, which need x's rank to be known and "
                f"equal to {len(dims)}: {x!r}"
            )
        dynamic = None
        for i, d in enumerate(dims):
            if d is None:
                if x_dims[i] is not None:
                    dims[i] = x_dims[i]
                else:
                    dynamic = array_ops.shape(x) if dynamic is None else dynamic
                    dims[i] = dynamic[i]
    return dims


# ---------------------------------------------------------------- embedding_lookup
def embedding_lookup(params, ids, partition_strategy: str = "mod", name=None,
                     validate_indices=True, max_norm=None):
    """The rows of the embedding matrix `params` at `ids`: `tf.gather(params, ids)`.

    `params` may be one tensor or a list holding one (TF1 also accepts several shards, which
    minigraph does not split; pass the whole matrix). With `max_norm`, each looked-up row whose
    L2 norm is larger is scaled down to it.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     table = tf.constant([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
        ...     print(sess.run(tf.nn.embedding_lookup(table, [[2], [1]])))
        [[[2. 2.]]
        <BLANKLINE>
         [[1. 1.]]]
    """
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError(
                f"embedding_lookup got {len(params)} sharded params; minigraph supports one "
                "embedding matrix: pass tf.concat(params, 0) (mod-partitioned shards need their "
                "rows interleaved first)."
            )
        params = params[0]
    params = convert_to_tensor(params)
    with graph_module.name_scope(name, "embedding_lookup", [params, ids]) as scope:
        if max_norm is None:
            return array_ops.gather(params, ids, name=scope)
        rows = array_ops.gather(params, ids)
        rank = rows.shape.ndims
        if rank is None:
            raise ValueError(f"embedding_lookup with max_norm needs a known rank: {rows!r}")
        return math_ops.clip_by_norm(rows, max_norm, axes=[rank - 1], name=scope)
