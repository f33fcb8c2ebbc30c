"""Random numbers with TF1's seeding rules.

TF1 derives every random op's seed from two numbers: the graph-level seed
(`tf.set_random_seed`) and the op's own `seed` argument. `get_seed` turns them into the pair
`(seed, seed2)` stored as the op's attrs, exactly as TF1's `random_seed.get_seed` does:

* graph seed and op seed set: both are used;
* only the graph seed set: the op seed is the number of ops in the graph so far, so every op
  gets its own stream and the same program gives the same numbers on every run;
* only the op seed set: a fixed default graph seed (87654321) stands in for the graph seed;
* neither: the op is nondeterministic (`(None, None)`).

Each random op is a stateful kernel holding one numpy `Generator` per session
(`state.rngs[op]`), created on first use from `(seed, seed2)`. So consecutive runs of one op give
new numbers, while two sessions on one graph (or two runs of one program) replay the same
sequence. The numbers are numpy's, not TensorFlow's Philox streams: seeded programs are
reproducible within minigraph, not bit-identical to TF1.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from minigraph import dtypes, shapes
from minigraph.graph import get_default_graph, name_scope
from minigraph.ops import array_ops, math_ops
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import Tensor, apply_op, constant_value, convert_to_tensor

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


# ---------------------------------------------------------------- seeds
def _truncate_seed(seed: int) -> int:
    """A seed folded into [0, 2**31 - 1), as TF1 does."""
    return int(seed) % _MAXINT32


def get_seed(op_seed: Optional[int]) -> Tuple[Optional[int], Optional[int]]:
    """The `(seed, seed2)` pair a random op uses, from the graph seed and `op_seed` (TF1 rules).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     tf.set_random_seed(1)
        ...     print(get_seed(7))
        (1, 7)
    """
    graph = get_default_graph()
    global_seed = graph.seed
    if global_seed is not None:
        if op_seed is None:
            # NOTE: TF1 uses the graph's last op id, i.e. the number of ops created so far: a
            # seeded program is reproducible, but inserting an op earlier shifts later streams.
            op_seed = len(graph.get_operations())
        seeds = (_truncate_seed(global_seed), _truncate_seed(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(op_seed))
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        # (0, 0) would read as "nondeterministic" in TF's kernels; TF1 avoids it the same way.
        return (0, _MAXINT32)
    return seeds


def _generator(state, op) -> np.random.Generator:
    """The op's generator in this session, created on first use from its seed attrs."""
    rng = state.rngs.get(op)
    if rng is None:
        seed, seed2 = op.attrs["seed"], op.attrs["seed2"]
        if seed is None and seed2 is None:
            rng = np.random.default_rng()
        else:
            rng = np.random.default_rng([int(seed or 0), int(seed2 or 0)])
        state.rngs[op] = rng
    return rng


def _shape_tensor(shape) -> Tensor:
    """A shape given as a list, tuple, TensorShape or int tensor, as a 1-D integer tensor."""
    return array_ops._shape_tensor(shape, name="shape")


def _float_dtype(dtype, fn_name: str) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(
            f"Invalid dtype {dtype.name} for {fn_name}: it makes floating-point numbers "
            "(float16, float32 or float64)."
        )
    return dtype


def _random_shape(op) -> shapes.TensorShape:
    """Shape function of ops whose input 0 is the output shape."""
    value = constant_value(op.inputs[0])
    if value is not None and np.any(np.asarray(value) < 0):
        raise ValueError(f"A random tensor's shape must be non-negative, got {value.tolist()}")
    return array_ops.shape_dims_of(op.inputs[0])


def _attr_dtype(op):
    """The output dtype of a random op: its `dtype` attr."""
    return op.attrs["dtype"]


def _seed_attrs(seed, dtype) -> dict:
    """The attrs of a random op: its `(seed, seed2)` pair and output dtype."""
    seed1, seed2 = get_seed(seed)
    return {"seed": seed1, "seed2": seed2, "dtype": dtype}


def _scaled_sample(op_type, fn_name, shape, mean, stddev, dtype, seed, name) -> Tensor:
    """`mean + stddev * sample`, the sample drawn by the random op `op_type`, under the scope
    `name or fn_name`: the composite behind random_normal and truncated_normal."""
    dtype = _float_dtype(dtype, fn_name)
    with name_scope(name, fn_name, [shape, mean, stddev]) as scope:
        shape_tensor = _shape_tensor(shape)
        mean_tensor = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_tensor = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = apply_op(op_type, [shape_tensor], attrs=_seed_attrs(seed, dtype), name=op_type)
        return math_ops.add(rnd * stddev_tensor, mean_tensor, name=scope)


# ---------------------------------------------------------------- RandomStandardNormal
def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution: `mean + stddev * N(0, 1)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     tf.set_random_seed(1)
        ...     z = tf.random_normal([2, 3], stddev=0.1)
        ...     print(z)
        Tensor("random_normal:0", shape=(2, 3), dtype=float32)
    """
    return _scaled_sample(
        "RandomStandardNormal", "random_normal", shape, mean, stddev, dtype, seed, name
    )


def _random_standard_normal_kernel(state, op, shape):
    return _generator(state, op).standard_normal(
        tuple(int(d) for d in shape), dtype=_sample_np_dtype(op)
    ).astype(op.attrs["dtype"].np, copy=False)


def _sample_np_dtype(op):
    """numpy's generators draw float32 or float64; float16 is drawn as float32, then cast."""
    return np.float64 if op.attrs["dtype"] == dtypes.float64 else np.float32


define_op(
    "RandomStandardNormal",
    kernel=_random_standard_normal_kernel,
    shape=_random_shape,
    dtype=_attr_dtype,
    stateful=True,
)
NotDifferentiable("RandomStandardNormal")


# ---------------------------------------------------------------- TruncatedNormal
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution cut at two standard deviations (values further out
    are redrawn), then scaled: `mean + stddev * T(0, 1)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.truncated_normal([784, 10], stddev=0.1, seed=1)
        ...     with tf.Session() as sess:
        ...         print(bool(abs(sess.run(w)).max() <= 0.2))
        True
    """
    return _scaled_sample(
        "TruncatedNormal", "truncated_normal", shape, mean, stddev, dtype, seed, name
    )


def _truncated_normal_kernel(state, op, shape):
    rng = _generator(state, op)
    np_dtype = _sample_np_dtype(op)
    values = rng.standard_normal(tuple(int(d) for d in shape), dtype=np_dtype)
    outside = np.abs(values) > 2.0
    # About 4.6% of draws fall outside [-2, 2]; redrawing only those converges in a few rounds.
    while np.any(outside):
        values[outside] = rng.standard_normal(int(outside.sum()), dtype=np_dtype)
        outside = np.abs(values) > 2.0
    return values.astype(op.attrs["dtype"].np, copy=False)


define_op(
    "TruncatedNormal",
    kernel=_truncated_normal_kernel,
    shape=_random_shape,
    dtype=_attr_dtype,
    stateful=True,
)
NotDifferentiable("TruncatedNormal")


# ---------------------------------------------------------------- RandomUniform / RandomUniformInt
def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Samples uniformly from `[minval, maxval)` (default `[0, 1)` for floats).

    For integer dtypes `maxval` is required and the numbers are integers in `[minval, maxval)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     u = tf.random_uniform([3], minval=-1.0, maxval=1.0, seed=2)
        ...     with tf.Session() as sess:
        ...         print(sess.run(u).shape)
        (3,)
    """
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype in (dtypes.int32, dtypes.int64)):
        raise ValueError(
            f"Invalid dtype {dtype.name} for random_uniform: use a float type, int32 or int64."
        )
    if dtype.is_integer and maxval is None:
        raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
    if maxval is None:
        maxval = 1
    with name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape_tensor = _shape_tensor(shape)
        min_tensor = convert_to_tensor(minval, dtype=dtype, name="min")
        max_tensor = convert_to_tensor(maxval, dtype=dtype, name="max")
        attrs = _seed_attrs(seed, dtype)
        if dtype.is_integer:
            return apply_op(
                "RandomUniformInt", [shape_tensor, min_tensor, max_tensor], attrs=attrs,
                name=scope,
            )
        rnd = apply_op("RandomUniform", [shape_tensor], attrs=attrs, name="RandomUniform")
        return math_ops.add(rnd * (max_tensor - min_tensor), min_tensor, name=scope)


def _random_uniform_kernel(state, op, shape):
    return _generator(state, op).random(
        tuple(int(d) for d in shape), dtype=_sample_np_dtype(op)
    ).astype(op.attrs["dtype"].np, copy=False)


def _random_uniform_int_kernel(state, op, shape, minval, maxval):
    if not minval < maxval:
        raise ValueError(f"Need minval < maxval, got {minval} >= {maxval}")
    return _generator(state, op).integers(
        minval, maxval, size=tuple(int(d) for d in shape), dtype=op.attrs["dtype"].np
    )


define_op(
    "RandomUniform",
    kernel=_random_uniform_kernel,
    shape=_random_shape,
    dtype=_attr_dtype,
    stateful=True,
)
NotDifferentiable("RandomUniform")
define_op(
    "RandomUniformInt",
    kernel=_random_uniform_int_kernel,
    shape=_random_shape,
    dtype=_attr_dtype,
    stateful=True,
)
NotDifferentiable("RandomUniformInt")


# ---------------------------------------------------------------- RandomShuffle
def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension shuffled (a new order on every run).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     s = tf.random_shuffle(tf.range(5), seed=3)
        ...     with tf.Session() as sess:
        ...         print(sorted(sess.run(s).tolist()))
        [0, 1, 2, 3, 4]
    """
    value = convert_to_tensor(value)
    seed1, seed2 = get_seed(seed)
    return apply_op("RandomShuffle", [value], attrs={"seed": seed1, "seed2": seed2}, name=name)


def _random_shuffle_kernel(state, op, value):
    if np.ndim(value) == 0:
        return value
    return _generator(state, op).permutation(value)


define_op(
    "RandomShuffle", kernel=_random_shuffle_kernel, shape=shapes.same_as_input, stateful=True
)
NotDifferentiable("RandomShuffle")
