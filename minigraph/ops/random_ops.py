"""Random numbers with TF1's seeds and TensorFlow's own streams.

TF1 derives every random op's seed from two numbers: the graph-level seed
(`tf.set_random_seed`) and the op's own `seed` argument. `get_seed` turns them into the pair
`(seed, seed2)` stored as the op's attrs, exactly as TF1's `random_seed.get_seed` does:

* graph seed and op seed set: both are used;
* only the graph seed set: the op seed is the number of ops in the graph so far (TF1's
  `graph._last_id`), so every op gets its own stream and a program repeats itself;
* only the op seed set: a fixed default graph seed (87654321) stands in for the graph seed;
* neither: the op is nondeterministic, attrs `(0, 0)` (and a real `(0, 0)` becomes
  `(0, 2**31 - 1)`, as in TF1, so that it stays deterministic).

Each random op is a stateful kernel holding one TensorFlow Philox stream per session
(`state.rngs[op]`, a `philox.PhiloxStream` keyed by the attrs), which every run advances as
TF's kernels do. So with explicit seeds the numbers are TF1's own: uniform ones bit for bit,
normal ones to the C library's rounding (see `minigraph/philox.py` and docs/random.md).
Consecutive runs of an op give new numbers; two sessions on one graph replay the same ones.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from minigraph import dtypes, philox, shapes
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
            # NOTE: TF1 uses the graph's op counter: a seeded program repeats itself, but an op
            # created earlier shifts every later stream, and TF1 and minigraph build different
            # numbers of ops for some things (a variable's `read` op), see docs/random.md.
            op_seed = graph._last_id
        seeds = (_truncate_seed(global_seed), _truncate_seed(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(op_seed))
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        # (0, 0) means "nondeterministic" to TF's kernels; TF1 avoids it the same way.
        return (0, _MAXINT32)
    return seeds


def _seed_attrs(seed) -> dict:
    """The `seed`/`seed2` attrs of a random op: `get_seed`'s pair, None as 0 (TF's default,
    which the kernel reads as "draw random seeds")."""
    seed1, seed2 = get_seed(seed)
    return {"seed": seed1 or 0, "seed2": seed2 or 0}


def _stream(state, op) -> philox.PhiloxStream:
    """The op's Philox stream in this session, created on first use from its seed attrs."""
    stream = state.rngs.get(op)
    if stream is None:
        stream = philox.PhiloxStream(op.attrs["seed"], op.attrs["seed2"])
        state.rngs[op] = stream
    return stream


def _output_dims(op, shape) -> tuple:
    """The output dims a shape input asks for, checked as TF's kernels check them."""
    dims = np.asarray(shape)
    if dims.ndim != 1 or dims.dtype.kind not in "iu":
        raise ValueError(
            f"shape must be a vector of {{int32,int64}}, got shape {list(dims.shape)} "
            f"(op '{op.name}')."
        )
    if np.any(dims < 0):
        raise ValueError(
            f"A random tensor's dimensions must be >= 0, got shape {dims.tolist()} "
            f"(op '{op.name}')."
        )
    return tuple(int(d) for d in dims)


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


def _scaled_sample(op_type, fn_name, shape, mean, stddev, dtype, seed, name) -> Tensor:
    """`mean + stddev * sample`, the sample drawn by the random op `op_type`, under the scope
    `name or fn_name`: the composite behind random_normal and truncated_normal (TF1's ops,
    in TF1's order: shape, mean, stddev, the sample, Mul, Add)."""
    dtype = _float_dtype(dtype, fn_name)
    with name_scope(name, fn_name, [shape, mean, stddev]) as scope:
        shape_tensor = _shape_tensor(shape)
        mean_tensor = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_tensor = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        attrs = {**_seed_attrs(seed), "dtype": dtype}
        rnd = apply_op(op_type, [shape_tensor], attrs=attrs, name=op_type)
        return math_ops.add(rnd * stddev_tensor, mean_tensor, name=scope)


def _fixed_size_draw(state, op, shape, sampler):
    """The kernel of the fixed-size samplers: reserve 256 counters per output, as TF's
    `ReserveRandomOutputs(n, 256)`, and fill the output from the reserved range."""
    dims = _output_dims(op, shape)
    size = int(np.prod(dims, dtype=np.int64))
    stream = _stream(state, op)
    start = stream.reserve(size * philox.RESERVED_PER_OUTPUT)
    return sampler(stream.key, start, size).reshape(dims)


# ---------------------------------------------------------------- RandomStandardNormal
def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution: `mean + stddev * N(0, 1)` (TF's Box-Muller stream).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.random_normal([3], seed=1)))
        [-0.8113182   1.4845988   0.06532937]
    """
    return _scaled_sample(
        "RandomStandardNormal", "random_normal", shape, mean, stddev, dtype, seed, name
    )


def _random_standard_normal_kernel(state, op, shape):
    np_dtype = op.attrs["dtype"].np

    def sampler(key, start, size):
        return philox.normal(key, start, size, np_dtype)

    return _fixed_size_draw(state, op, shape, sampler)


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
    np_dtype = op.attrs["dtype"].np

    def sampler(key, start, size):
        return philox.truncated_normal(key, start, size, np_dtype)

    return _fixed_size_draw(state, op, shape, sampler)


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

    For integer dtypes `maxval` is required and the numbers are integers in `[minval, maxval)`
    (TF's `lo + bits % (maxval - minval)`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     u = tf.random_uniform([3], minval=-1.0, maxval=1.0, seed=2)
        ...     i = tf.random_uniform([5], maxval=10, dtype=tf.int32, seed=2)
        ...     with tf.Session() as sess:
        ...         print(sess.run(u), sess.run(i))
        [ 0.35749316  0.4283018  -0.06036615] [1 6 6 7 9]
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
        attrs = _seed_attrs(seed)
        if dtype.is_integer:
            return apply_op(
                "RandomUniformInt", [shape_tensor, min_tensor, max_tensor],
                attrs={**attrs, "Tout": dtype}, name=scope,
            )
        rnd = apply_op("RandomUniform", [shape_tensor], attrs={**attrs, "dtype": dtype},
                       name="RandomUniform")
        return math_ops.add(rnd * (max_tensor - min_tensor), min_tensor, name=scope)


def _random_uniform_kernel(state, op, shape):
    np_dtype = op.attrs["dtype"].np

    def sampler(key, start, size):
        return philox.uniform(key, start, size, np_dtype)

    return _fixed_size_draw(state, op, shape, sampler)


def _random_uniform_int_kernel(state, op, shape, minval, maxval):
    for what, value in (("minval", minval), ("maxval", maxval)):
        if np.ndim(value) != 0:
            raise ValueError(f"{what} must be 0-D, got shape {list(np.shape(value))}")
    lo, hi = int(minval), int(maxval)
    if not lo < hi:
        raise ValueError(f"Need minval < maxval, got {lo} >= {hi}")
    np_dtype = op.attrs["Tout"].np

    def sampler(key, start, size):
        return philox.uniform_int(key, start, size, lo, hi, np_dtype)

    return _fixed_size_draw(state, op, shape, sampler)


def _int_dtype(op):
    """The output dtype of RandomUniformInt: its `Tout` attr."""
    return op.attrs["Tout"]


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
    dtype=_int_dtype,
    stateful=True,
)
NotDifferentiable("RandomUniformInt")


# ---------------------------------------------------------------- RandomShuffle
def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension shuffled (a new order on every run).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     s = tf.random_shuffle(tf.range(10), seed=3)
        ...     with tf.Session() as sess:
        ...         print(sess.run(s))
        [7 2 6 8 9 1 5 3 4 0]
    """
    value = convert_to_tensor(value)
    return apply_op("RandomShuffle", [value], attrs=_seed_attrs(seed), name=name)


def _random_shuffle_kernel(state, op, value):
    value = np.asarray(value)
    if value.size <= 1 or value.ndim == 0 or value.shape[0] <= 1:
        return value  # TF1 draws nothing then: the stream does not move
    n = value.shape[0]
    stream = _stream(state, op)
    start = stream.reserve(-(-(n - 1) // 4))  # TF's ReserveSamples32(n - 1)
    return value[philox.shuffle_permutation(stream.key, start, n)]


define_op(
    "RandomShuffle", kernel=_random_shuffle_kernel, shape=shapes.same_as_input, stateful=True
)
NotDifferentiable("RandomShuffle")


# ---------------------------------------------------------------- Multinomial
def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """Draws `num_samples` class indices per row of `logits` (unnormalized log-probabilities,
    shape `[batch, classes]`): an int64 tensor `[batch, num_samples]` (TF1's `tf.multinomial`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     logits = tf.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
        ...     print(sess.run(tf.multinomial(logits, 6, seed=3)))
        [[0 2 0 2 2 2]
         [0 2 0 0 0 1]]
    """
    with name_scope(name, "multinomial", [logits]):
        return _multinomial(logits, num_samples, output_dtype, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """`tf.random.categorical`: `tf.multinomial` under the scope "categorical", `dtype` for
    the indices (int64 by default, or int32).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.random.categorical([[0.0, 1.0]], 4, seed=1))
        Tensor("categorical/Multinomial:0", shape=(1, 4), dtype=int64)
    """
    with name_scope(name, "categorical", [logits]):
        return _multinomial(logits, num_samples, dtype, seed)


def _multinomial(logits, num_samples, output_dtype, seed) -> Tensor:
    logits = convert_to_tensor(logits, name="logits")
    if not logits.dtype.is_floating:
        raise TypeError(f"logits of multinomial must be a float tensor, got {logits!r}")
    if logits.shape.ndims is not None and logits.shape.ndims != 2:
        raise ValueError(f"logits should be a matrix [batch, classes], got shape {logits.shape}")
    output_dtype = dtypes.as_dtype(output_dtype or dtypes.int64)
    if output_dtype not in (dtypes.int32, dtypes.int64):
        raise ValueError(f"output_dtype of multinomial must be int32 or int64, got "
                         f"{output_dtype.name}")
    num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
    attrs = {**_seed_attrs(seed), "output_dtype": output_dtype}
    return apply_op("Multinomial", [logits, num_samples], attrs=attrs, name="Multinomial")


def _multinomial_kernel(state, op, logits, num_samples):
    if np.ndim(logits) != 2:
        raise ValueError(f"logits should be a matrix, got shape {list(np.shape(logits))}")
    if np.ndim(num_samples) != 0:
        raise ValueError(f"num_samples should be a scalar, got shape "
                         f"{list(np.shape(num_samples))}")
    batch, classes = np.shape(logits)
    num_samples = int(num_samples)
    if num_samples < 0:
        raise ValueError(f"num_samples should be non-negative, got {num_samples}")
    if classes == 0:
        raise ValueError(f"num_classes should be positive, got {classes}")
    out_dtype = op.attrs["output_dtype"].np
    if batch * num_samples == 0:
        return np.zeros((batch, num_samples), out_dtype)
    stream = _stream(state, op)
    # TF's CPU kernel: 2 words (one float64) per sample, per row rounded up to 4 samples.
    words = batch * (-(-num_samples // 4) * 4) * 2
    start = stream.reserve(words * philox.RESERVED_PER_OUTPUT)
    samples = philox.categorical(stream.key, start, np.asarray(logits), num_samples)
    return samples.astype(out_dtype)


def _multinomial_shape(op) -> shapes.TensorShape:
    logits, num_samples = op.inputs
    batch = logits.shape.as_tuple()[0] if logits.shape.ndims == 2 else None
    value = constant_value(num_samples)
    return shapes.TensorShape([batch, None if value is None else int(value)])


def _multinomial_dtype(op):
    """The output dtype of Multinomial: its `output_dtype` attr."""
    return op.attrs["output_dtype"]


define_op(
    "Multinomial",
    kernel=_multinomial_kernel,
    shape=_multinomial_shape,
    dtype=_multinomial_dtype,
    stateful=True,
)
NotDifferentiable("Multinomial")
