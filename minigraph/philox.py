"""TensorFlow's random numbers in numpy: the Philox-4x32-10 generator and TF's conversions.

A stateful random op of TensorFlow (`RandomUniform`, `RandomStandardNormal`, `TruncatedNormal`,
`RandomUniformInt`, `RandomShuffle`, `Multinomial`) owns one generator per session, made from
its two seed attrs, and every number it returns is a pure function of `(seed, seed2)` and a
128-bit counter. This module computes the same numbers with numpy, vectorized over counters.

**The generator** (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
Philox-4x32-10 maps a 128-bit counter (four 32-bit words) and a 64-bit key (two words) to four
32-bit words, by ten rounds of two 32x32->64-bit multiplications and xors, the key bumped by
two Weyl constants between rounds. TF keys it with `seed` and puts `seed2` in the counter's
upper 64 bits: counter `(0, 0, seed2_lo, seed2_hi)`, key `(seed_lo, seed_hi)`.

**The stream** (TF's `GuardedPhiloxRandom`). Each run of an op *reserves* counters and then
advances: the fixed-size samplers reserve `256 * n` counters for `n` outputs (whatever they
use), so the second run of a 7-element op starts at counter `7 * 256`. `seed == seed2 == 0`
means "nondeterministic": fresh random 64-bit seeds, as TF's kernel does.

**The conversions** (TF's `random_distributions.h`), each defined per counter, so the numbers
do not depend on how TF splits the work across threads:

* uniform float32: the 23 low bits of a word as the mantissa of a float in [1, 2), minus 1
  (float64: 52 bits from two words; float16: 10 bits);
* uniform int32 / int64 in `[lo, hi)`: `lo + word % (hi - lo)` (int64: two words);
* normal: Box-Muller on pairs of uniforms, `u1` clamped below at 1e-7:
  `sqrt(-2 log u1) * (sin, cos)(2 pi u2)`;
* truncated normal: Box-Muller values with `|x| < 2` kept in order until four (float64: two)
  are found; output group `g` draws from counters starting at `g * 256` (float64: `g * 128`);
* shuffle: Fisher-Yates, `swap(i, i + word_i % (n - i))`; multinomial: an inverse-CDF search
  with one uniform float64 per sample.

Uniform numbers are bit-identical to TF's. Normals go through log, sin and cos, which TF takes
from the C library (`logf`, `sincosf`); here they are correctly rounded (float64 numpy, then
rounded), so a value can differ from TF's by the C library's own error (a few ulp, rarely).

Example:
    >>> stream = PhiloxStream(87654321, 3)
    >>> print(uniform(stream.key, stream.reserve(3 * 256), 3, np.float32))
    [0.3869294  0.36002624 0.9768796 ]
"""

from __future__ import annotations

import os
from typing import Tuple

import numpy as np

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_MULTIPLIER_A = np.uint64(0xD2511F53)
_MULTIPLIER_B = np.uint64(0xCD9E8D57)
_WEYL_A = 0x9E3779B9
_WEYL_B = 0xBB67AE85
_SHIFT32 = np.uint64(32)
_LOW32 = np.uint64(_MASK32)
_MANTISSA32 = np.uint64(0x7FFFFF)
_EPSILON32 = float(np.float32(1.0e-7))  # TF's floor for u1: log(0) would be -inf

# Counters per output the fixed-size samplers reserve (TF's `ReserveRandomOutputs(n, 256)`);
# the truncated normal gives each group of outputs the same budget.
RESERVED_PER_OUTPUT = 256

# Chunks of this many counters keep the intermediate arrays in cache (measured fastest).
_CHUNK = 12288

Key = Tuple[int, int]



def random_bits(bits: int) -> int:
    """A random non-negative integer below 2**bits from the operating system's entropy, as
    `secrets.randbits` (which would import `hmac` and OpenSSL's 3.5 MB `_hashlib` with it).

    Example:
        >>> 0 <= random_bits(63) < 2**63
        True
    """
    size = (bits + 7) // 8
    return int.from_bytes(os.urandom(size), "big") >> (8 * size - bits)

class PhiloxStream:
    """One op's generator in one session: a key and a 128-bit counter that runs advance.

    Args:
        seed: the op's `seed` attr (the graph seed); the key.
        seed2: the op's `seed2` attr (the op seed); the counter's upper half.
            `seed == seed2 == 0` draws random seeds, as TF does for unseeded ops.

    Example:
        >>> stream = PhiloxStream(1, 2)
        >>> stream.reserve(10), stream.reserve(10)
        (36893488147419103232, 36893488147419103242)
    """

    def __init__(self, seed: int, seed2: int):
        if seed == 0 and seed2 == 0:
            seed, seed2 = random_bits(64), random_bits(64)
        seed &= _MASK64
        seed2 &= _MASK64
        self.key: Key = (seed & _MASK32, seed >> 32)
        self.counter = seed2 << 64

    def reserve(self, count: int) -> int:
        """The first of `count` counters for this run; later runs start after them."""
        start = self.counter
        self.counter = (start + int(count)) % (1 << 128)
        return start


def blocks(key: Key, counter: int, offsets: np.ndarray) -> np.ndarray:
    """Philox-4x32-10 of the counters `counter + offsets`, as an `(n, 4)` uint32 array.

    Example:
        Random123's known answer for counter 0 and key 0:

        >>> [hex(w) for w in blocks((0, 0), 0, np.arange(1))[0]]
        ['0x6627e8d5', '0xe169c58d', '0xbc57ac4c', '0x9b00dbd8']
    """
    offsets = np.asarray(offsets, dtype=np.uint64).ravel()
    out = np.empty((offsets.size, 4), np.uint32)
    for start, x in _chunks(key, counter, offsets):
        for j in range(4):
            out[start:start + x[j].size, j] = x[j]
    return out


def _chunks(key: Key, counter: int, offsets: np.ndarray):
    """Yields `(start, (x0, x1, x2, x3))`: the Philox words of `offsets[start:...]`, a chunk
    at a time, each word an array of 32-bit values held as uint64."""
    for start in range(0, offsets.size, _CHUNK):
        yield start, _rounds(key, _counter_words(counter, offsets[start:start + _CHUNK]))


def _counter_words(counter: int, offsets: np.ndarray) -> np.ndarray:
    """The four 32-bit words of the 128-bit counters `counter + offsets`, as a `(4, n)` uint64
    array (a carry out of the lower half reaches the upper one)."""
    low = offsets + np.uint64(counter & _MASK64)  # wraps modulo 2**64
    high = np.full(offsets.size, counter >> 64, dtype=np.uint64)
    if (counter & _MASK64) + int(offsets.max(initial=0)) > _MASK64:
        high += (low < offsets).astype(np.uint64)
    words = np.empty((4, offsets.size), np.uint64)
    np.bitwise_and(low, _LOW32, out=words[0])
    np.right_shift(low, _SHIFT32, out=words[1])
    np.bitwise_and(high, _LOW32, out=words[2])
    np.right_shift(high, _SHIFT32, out=words[3])
    return words


def _rounds(key: Key, words: np.ndarray) -> tuple:
    """The ten Philox rounds on a `(4, n)` array of words, in place; the four output words.

    A round multiplies words 0 and 2 by two constants (the 64-bit product of two 32-bit
    words), and makes `(hi(x2 * B) ^ x1 ^ key0, lo(x2 * B), hi(x0 * A) ^ x3 ^ key1,
    lo(x0 * A))`; the key then steps by two Weyl constants.
    """
    x0, x1, x2, x3 = words
    y0, y2 = np.empty_like(x0), np.empty_like(x0)
    key0, key1 = key
    for _ in range(10):
        np.multiply(x0, _MULTIPLIER_A, out=x0)
        np.multiply(x2, _MULTIPLIER_B, out=x2)
        np.right_shift(x2, _SHIFT32, out=y0)
        np.bitwise_xor(y0, x1, out=y0)
        np.bitwise_xor(y0, np.uint64(key0), out=y0)
        np.right_shift(x0, _SHIFT32, out=y2)
        np.bitwise_xor(y2, x3, out=y2)
        np.bitwise_xor(y2, np.uint64(key1), out=y2)
        np.bitwise_and(x2, _LOW32, out=x2)
        np.bitwise_and(x0, _LOW32, out=x0)
        # The old x1 and x3 are spent: they hold the next round's y0 and y2.
        x0, x1, x2, x3, y0, y2 = y0, x2, y2, x0, x1, x3
        key0 = (key0 + _WEYL_A) & _MASK32
        key1 = (key1 + _WEYL_B) & _MASK32
    return x0, x1, x2, x3


def words(key: Key, counter: int, count: int) -> np.ndarray:
    """The first `count` 32-bit words of the stream at `counter`, in TF's order (four per
    counter), as TF's `SingleSampleAdapter` hands them out one at a time."""
    n_blocks = -(-int(count) // 4)
    return blocks(key, counter, np.arange(n_blocks, dtype=np.uint64)).ravel()[:count]


# ---------------------------------------------------------------- conversions of words
# NOTE: TF builds a float in [1, 2) from random mantissa bits and subtracts 1; the result is
# exactly `mantissa * 2**-bits`, which is how these are computed.
def _unit_float64(w: np.ndarray) -> np.ndarray:
    """float32's [0, 1) from the low 23 bits of each word, held exactly in float64."""
    return np.multiply(w & _MANTISSA32, 2.0 ** -23, dtype=np.float64)


def _unit_float64_pair(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """float64's [0, 1) from 52 bits: the low 20 of `hi` above the 32 of `lo`."""
    mantissa = ((hi & np.uint64(0xFFFFF)) << _SHIFT32) | lo
    return np.multiply(mantissa, 2.0 ** -52, dtype=np.float64)


def _box_muller32(w0: np.ndarray, w1: np.ndarray) -> tuple:
    """TF's BoxMullerFloat: float32 normals `(r sin a, r cos a)` from two words, with log,
    sin and cos correctly rounded (computed in float64, rounded to float32 where TF rounds)."""
    u1 = _unit_float64(w0)
    np.maximum(u1, _EPSILON32, out=u1)
    np.log(u1, out=u1)
    radius = u1.astype(np.float32)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    # NOTE: TF writes `2.0f * M_PI * u`: M_PI is a double, so the angle is rounded once.
    angle = _unit_float64(w1)
    angle *= 2.0 * np.pi
    angle[...] = angle.astype(np.float32)
    f0 = np.sin(angle).astype(np.float32)
    f0 *= radius
    np.cos(angle, out=angle)
    f1 = angle.astype(np.float32)
    f1 *= radius
    return f0, f1


def _box_muller64(w0, w1, w2, w3) -> tuple:
    """TF's BoxMullerDouble: two float64 normals from four words."""
    u1 = np.maximum(_unit_float64_pair(w0, w1), 1.0e-7)
    angle = 2.0 * np.pi * _unit_float64_pair(w2, w3)
    radius = np.sqrt(-2.0 * np.log(u1))
    return np.sin(angle) * radius, np.cos(angle) * radius


def _outputs_per_block(dtype) -> int:
    """Outputs one counter gives: 4 for 32-bit and 16-bit types, 2 for 64-bit ones."""
    return 2 if np.dtype(dtype).itemsize == 8 else 4


def _rows(key: Key, counter: int, offsets: np.ndarray, width: int, dtype, convert):
    """An `(n, width)` array of `dtype`, row `i` made from the Philox words of counter
    `counter + offsets[i]`: `convert(x0, x1, x2, x3)` turns a chunk of words into columns."""
    offsets = np.asarray(offsets, dtype=np.uint64).ravel()
    out = np.empty((offsets.size, width), dtype)
    for start, x in _chunks(key, counter, offsets):
        rows = out[start:start + x[0].size]
        for j, column in enumerate(convert(*x)):
            rows[:, j] = column
    return out


def _fill(key: Key, counter: int, size: int, dtype, convert) -> np.ndarray:
    """`size` outputs of `dtype` from the consecutive counters from `counter` on."""
    per_block = _outputs_per_block(dtype)
    n_blocks = -(-int(size) // per_block)
    return _rows(key, counter, np.arange(n_blocks), per_block, dtype, convert).ravel()[:size]


# ---------------------------------------------------------------- samplers
def uniform(key: Key, counter: int, size: int, dtype) -> np.ndarray:
    """`size` uniform numbers in [0, 1) of float `dtype` (TF's `RandomUniform` kernel).

    Example:
        TF1's `tf.random_uniform([4], dtype=tf.float64, seed=3)`, i.e. seeds (87654321, 3):

        >>> uniform((87654321, 0), 3 << 64, 4, np.float64)
        array([0.0954352 , 0.81503702, 0.03041028, 0.67459111])
    """
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        return _fill(key, counter, size, dtype, _uniform64_columns)
    if dtype == np.float16:
        return _fill(key, counter, size, dtype, _uniform16_columns)
    return _fill(key, counter, size, dtype, _uniform32_columns)


def _uniform32_columns(*x) -> list:
    return [_unit_float64(w) for w in x]


def _uniform64_columns(x0, x1, x2, x3) -> list:
    return [_unit_float64_pair(x0, x1), _unit_float64_pair(x2, x3)]


def _uniform16_columns(*x) -> list:
    """float16's [0, 1) from the low 10 bits of each word."""
    return [np.multiply(w & np.uint64(0x3FF), 2.0 ** -10, dtype=np.float64) for w in x]


def uniform_int(key: Key, counter: int, size: int, lo: int, hi: int, dtype) -> np.ndarray:
    """`size` integers in `[lo, hi)`: `lo + bits % (hi - lo)` (TF's `RandomUniformInt`), 32
    bits per int32 and 64 (two words) per int64.

    Example:
        >>> uniform_int((87654321, 0), 3 << 64, 5, -5, 1000, np.int32)
        array([447, 923, 620, 585, 582], dtype=int32)
    """
    dtype = np.dtype(dtype)
    lo = int(lo)
    if dtype == np.int64:
        span = np.uint64((int(hi) - lo) & _MASK64)
        offset = np.uint64(lo & _MASK64)

        def columns(x0, x1, x2, x3):
            # NOTE: lo + bits % span is in [lo, hi), so the wrapping uint64 sum is exact.
            pairs = ((x0 | (x1 << _SHIFT32)), (x2 | (x3 << _SHIFT32)))
            return [(bits % span + offset).view(np.int64) for bits in pairs]

        return _fill(key, counter, size, dtype, columns)
    span = np.uint64((int(hi) - lo) & _MASK32)

    def columns32(*x):
        return [(w % span).astype(np.int64) + lo for w in x]

    return _fill(key, counter, size, dtype, columns32)


def normal(key: Key, counter: int, size: int, dtype) -> np.ndarray:
    """`size` standard normal numbers of float `dtype` (TF's `RandomStandardNormal` kernel).

    Example:
        >>> normal((87654321, 0), 3 << 64, 2, np.float32)
        array([ 1.0616621, -0.8785783], dtype=float32)
    """
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        return _fill(key, counter, size, dtype, _normal64_columns)
    return _fill(key, counter, size, dtype, _normal32_columns)


def _normal32_columns(x0, x1, x2, x3) -> list:
    """Four float32 normals per counter: Box-Muller on words (0, 1), then on (2, 3)."""
    return [*_box_muller32(x0, x1), *_box_muller32(x2, x3)]


def _normal64_columns(x0, x1, x2, x3) -> list:
    return list(_box_muller64(x0, x1, x2, x3))


def truncated_normal(key: Key, counter: int, size: int, dtype) -> np.ndarray:
    """`size` standard normals cut at +-2 by rejection (TF's `TruncatedNormal` kernel).

    Outputs come in groups (four, or two for float64); group `g` draws Box-Muller values from
    the counters `g * 256`, `g * 256 + 1`, ... (float64: `g * 128`), keeping those with
    `|x| < 2` in order, until the group is full. Each round is vectorized over the groups
    that still need values: about 17% need a second counter, 0.4% a third.

    Example:
        >>> print(np.abs(truncated_normal((87654321, 0), 5 << 64, 10000, np.float32)).max() < 2)
        True
    """
    dtype = np.dtype(dtype)
    group = 2 if dtype == np.float64 else 4
    skip = group * RESERVED_PER_OUTPUT // 4
    n_groups = -(-int(size) // group)
    # The first counter of every group at once; most groups (83% for float32) are full.
    out = _normal_candidates(key, counter, np.arange(n_groups) * skip, dtype)
    keep = np.abs(out) < 2.0
    active = np.flatnonzero(~_all_kept(keep))
    candidates, keep = out[active], keep[active]
    filled = np.zeros(n_groups, np.int64)
    draw = 0
    while active.size:
        slot = filled[active][:, None] + np.cumsum(keep, axis=1) - 1
        take = keep & (slot < group)
        rows = np.broadcast_to(active[:, None], take.shape)[take]
        out[rows, slot[take]] = candidates[take]
        filled[active] = np.minimum(filled[active] + keep.sum(axis=1), group)
        active = active[filled[active] < group]
        draw += 1
        candidates = _normal_candidates(key, counter, active * skip + draw, dtype)
        keep = np.abs(candidates) < 2.0
    return out.ravel()[:size].astype(dtype, copy=False)


def _normal_candidates(key: Key, counter: int, offsets: np.ndarray, dtype) -> np.ndarray:
    """The Box-Muller values of one counter per row, in TF's order: `(n, 4)` float32, or
    `(n, 2)` float64 (whose Box-Muller takes all four words)."""
    if dtype == np.float64:
        return _rows(key, counter, offsets, 2, np.float64, _normal64_columns)
    return _rows(key, counter, offsets, 4, np.float32, _normal32_columns)


def _all_kept(keep: np.ndarray) -> np.ndarray:
    """Rows of a C-ordered `(n, 2 or 4)` bool array that are all True: each row read as one
    16- or 32-bit integer (True is byte 1), compared with 0x0101 or 0x01010101."""
    width = keep.shape[1]
    word = np.uint16 if width == 2 else np.uint32
    return keep.view(word).ravel() == word(int("01" * width, 16))


def shuffle_permutation(key: Key, counter: int, n: int) -> np.ndarray:
    """The row order of TF's `RandomShuffle` of `n` rows: Fisher-Yates on `n - 1` words.

    The words are drawn vectorized; the swaps run in order, as each one moves the rows the
    next one picks from.

    Example:
        >>> shuffle_permutation((87654321, 0), 3 << 64, 10)
        array([7, 2, 6, 8, 9, 1, 5, 3, 4, 0])
    """
    draws = words(key, counter, max(n - 1, 0))
    targets = (np.arange(n - 1) + draws % np.arange(n, 1, -1, dtype=np.uint32)).tolist()
    order = list(range(n))
    for i, j in enumerate(targets):
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


def categorical(key: Key, counter: int, logits: np.ndarray, num_samples: int) -> np.ndarray:
    """Class indices, `(batch, num_samples)`, drawn from unnormalized log-probabilities as
    TF's CPU `Multinomial` kernel does: per row, the running sums of `exp(logit - max)` over
    the finite logits (in float64), and for each sample the first class whose sum exceeds
    `u * total`, `u` a uniform float64 made from the next two words of one stream.

    NOTE: TF's kernel splits a costly batch (`batch * (num_samples * log2(classes) +
    classes)` over a few thousand) across its thread pool, each block of rows restarting the
    stream at `row * (num_samples + 3) // 4`, so TF's numbers for large batches depend on its
    threads. This is the one-block layout, rows following each other: TF's numbers with a
    one-thread pool (checked up to 5000 rows x 50 samples; TF's default pool on 2 cores made
    8 blocks).

    Example:
        >>> categorical((87654321, 0), 3 << 64, np.log([[0.1, 0.2, 0.7]]), 6)
        array([[0, 2, 0, 2, 2, 2]])
    """
    logits = np.asarray(logits)
    batch, classes = logits.shape
    finite = np.isfinite(logits)
    row_max = np.where(finite, logits, -np.inf).max(axis=1, initial=-np.inf)
    row_max = np.where(np.isfinite(row_max), row_max, np.finfo(logits.dtype).min)
    terms = np.exp(logits.astype(np.float64) - row_max.astype(np.float64)[:, None])
    cdf = np.cumsum(np.where(finite, terms, 0.0), axis=1)
    w = words(key, counter, 2 * batch * num_samples).astype(np.uint64)
    draws = _unit_float64_pair(w[0::2], w[1::2]).reshape(batch, num_samples)
    targets = draws * cdf[:, -1:]
    out = np.empty((batch, num_samples), np.int64)
    for row in range(batch):
        out[row] = np.searchsorted(cdf[row], targets[row], side="right")
    return out
