"""TensorFlow's own random streams: minigraph's random ops give the numbers real TensorFlow
gives, checked against values recorded with it.

The golden values are `tests/golden/random_goldens.npz`, made by
`tests/golden/make_random_goldens.py` (run `/work/peers/bin/python
tests/golden/make_random_goldens.py`) with tensorflow-cpu 2.21.0 through `tf.compat.v1` and
`disable_v2_behavior()`. TF1's stateful random kernels are unchanged since TF 1.x; the script
puts back TF 1.15's op-seed rule (the graph's op counter) and restates TF 1.15's contrib
initializers. The cases themselves (TF1 expressions, the same text for both) are in
`tests/golden/random_cases.py`.

What must match: uniform numbers (floats of every width, int32/int64, shuffles, multinomial
draws, every uniform initializer, dropout masks) bit for bit; normal and truncated-normal
numbers to within 3 ulp, almost all of them exactly. TF takes log, sin and cos from the C
library, minigraph rounds them correctly; the C library's own rounding error is the difference
(see docs/random.md).
"""

import pathlib
import sys

import numpy as np
import pytest

import minigraph as tf
from minigraph import philox

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))

from random_cases import CASES, run_case  # noqa: E402

REFERENCE = np.load(GOLDEN / "random_goldens.npz")
NORMAL_TYPES = {"RandomStandardNormal", "TruncatedNormal"}
# TF1 gives every Variable a `<name>/read` Identity op that minigraph does not build, so an op
# seed taken from the op counter after one variable is one less in minigraph (docs/random.md).
OP_COUNT_DIFFERS = {"graph_seed_after_variable"}


def _seed_attrs(op):
    return (op.attrs["seed"], op.attrs["seed2"])


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place between two float arrays of one dtype."""
    ints = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]
    return np.abs(a.view(ints).astype(np.int64) - b.view(ints).astype(np.int64))


def _expressions(name):
    return range(len(CASES[name][2]))


@pytest.fixture(scope="module")
def results():
    """Every case run once under minigraph (the runs are shared by the tests below)."""
    out = {}
    for name in CASES:
        out.update(run_case(tf, name, _seed_attrs))
    return out


def test_the_goldens_were_made_with_tensorflow():
    assert str(REFERENCE["tf_version"]).startswith("2.21")


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_random_ops_and_seed_attrs_as_tensorflow(results, name):
    for i in _expressions(name):
        key = f"{name}.{i}"
        assert results[key + ".types"].tolist() == REFERENCE[key + ".types"].tolist(), key
        mine, theirs = results[key + ".seeds"], REFERENCE[key + ".seeds"]
        if name in OP_COUNT_DIFFERS:
            np.testing.assert_array_equal(mine, theirs - [0, 1], err_msg=key)
        else:
            np.testing.assert_array_equal(mine, theirs, err_msg=key)


@pytest.mark.parametrize("name", sorted(set(CASES) - OP_COUNT_DIFFERS - {"dropout"}))
def test_values_are_tensorflows(results, name):
    """Each run of each op, the second run included (TF's second draw)."""
    for i in _expressions(name):
        normal = bool(NORMAL_TYPES & set(REFERENCE[f"{name}.{i}.types"].tolist()))
        for r in range(CASES[name][3]):
            key = f"{name}.{i}.run{r}"
            mine, theirs = results[key], REFERENCE[key]
            assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, key
            if normal:
                assert _ulps(mine, theirs).max() <= 3, key
            else:
                np.testing.assert_array_equal(mine, theirs, err_msg=key)
                if mine.dtype.kind == "f":
                    np.testing.assert_array_equal(np.signbit(mine), np.signbit(theirs))


def test_normals_are_mostly_bit_identical(results):
    """On the 3000-value samples: at least 97% identical, 99% within 1 ulp (TF's C library
    rounds log/sin/cos within 1 ulp, so a few values are off by 2, rarely 3)."""
    for key in ("normal_f32.2.run0", "normal_f32.2.run1", "truncated_f32.2.run0",
                "truncated_f32.2.run1", "normal_f64.1.run0", "truncated_f64.1.run0"):
        ulps = _ulps(results[key], REFERENCE[key])
        assert (ulps == 0).mean() >= 0.97, key
        assert (ulps <= 1).mean() >= 0.99, key


def test_dropout_masks_are_tensorflows_and_values_within_one_ulp(results):
    """The same elements dropped; kept values `x * (1 / (1 - rate))` as TF 1.15 computes them
    in float32 (TF 2, which made the goldens, rounds the scale in float64: one ulp at most)."""
    x = np.linspace(-2.0, 3.0, 42).astype(np.float32).reshape(6, 7)
    for i in _expressions("dropout"):
        for r in range(2):
            key = f"dropout.{i}.run{r}"
            mine, theirs = results[key], REFERENCE[key]
            np.testing.assert_array_equal(mine == 0, theirs == 0, err_msg=key)
            assert (_ulps(np.abs(mine), np.abs(theirs)) <= 1).all(), key
    rate = np.float32(1.0 - 0.8)
    scale = np.float32(1.0) / (np.float32(1.0) - rate)
    kept = results["dropout.0.run0"] != 0
    np.testing.assert_array_equal(results["dropout.0.run0"][kept], (x * scale)[kept])


def test_ops_with_a_graph_seed_number_ops_as_tf1():
    """Graph seed only: the op seed is the number of ops already built (TF1's `_last_id`)."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(42)
        tf.placeholder(tf.float32, [None, 3])
        z = tf.random_normal([3])
        n_before = graph.get_operation_by_name("random_normal/RandomStandardNormal")
        assert (n_before.attrs["seed"], n_before.attrs["seed2"]) == (42, 4)
        assert z.op.type == "Add"


def test_philox_known_answers():
    """Random123's known-answer vectors for Philox-4x32-10 (kat_vectors)."""
    cases = [
        ((0, 0), 0, [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
        ((0xFFFFFFFF, 0xFFFFFFFF), (1 << 128) - 1,
         [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
        ((0xA4093822, 0x299F31D0),
         0x243F6A88 | 0x85A308D3 << 32 | 0x13198A2E << 64 | 0x03707344 << 96,
         [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
    ]
    for key, counter, expected in cases:
        assert philox.blocks(key, counter, np.arange(1))[0].tolist() == expected


def test_counters_carry_across_64_bits():
    """A counter's lower half wraps into its upper half, as TF's 128-bit Skip does."""
    key = (7, 0)
    start = (5 << 64) + (1 << 64) - 2
    together = philox.blocks(key, start, np.arange(4))
    one_by_one = np.concatenate([philox.blocks(key, start + k, np.arange(1)) for k in range(4)])
    np.testing.assert_array_equal(together, one_by_one)
    np.testing.assert_array_equal(together[2], philox.blocks(key, 6 << 64, np.arange(1))[0])


def test_each_run_reserves_256_counters_per_output():
    """TF's `ReserveRandomOutputs(n, 256)`: run k of an op starts where the runs before it
    ended, whatever their sizes (here fed through a placeholder shape)."""
    n = tf.placeholder(tf.int32, [])
    u = tf.random_uniform(tf.stack([n]), seed=9)
    with tf.Session() as sess:
        first, second = sess.run(u, {n: 3}), sess.run(u, {n: 5})
    key, counter = (87654321, 0), 9 << 64
    np.testing.assert_array_equal(first, philox.uniform(key, counter, 3, np.float32))
    np.testing.assert_array_equal(second, philox.uniform(key, counter + 3 * 256, 5, np.float32))


def test_each_session_starts_the_streams_over():
    """Random kernels live in the session (TF: one kernel per session), so a new session on
    the same graph replays the first draw."""
    z = tf.random_normal([4], seed=1)
    with tf.Session() as sess:
        a1, a2 = sess.run(z), sess.run(z)
    with tf.Session() as sess:
        b1 = sess.run(z)
    np.testing.assert_array_equal(a1, b1)
    assert not np.array_equal(a1, a2)


def test_unseeded_ops_get_zero_attrs_and_random_streams():
    """No graph seed and no op seed: attrs (0, 0), which TF's kernels (and minigraph's) read
    as "draw fresh random seeds"."""
    z = tf.random_uniform([6])
    op = z.op.inputs[0].op.inputs[0].op
    assert op.type == "RandomUniform" and (op.attrs["seed"], op.attrs["seed2"]) == (0, 0)
    with tf.Session() as sess:
        a = sess.run(z)
    with tf.Session() as sess:
        b = sess.run(z)
    assert not np.array_equal(a, b)


def test_shuffle_of_one_row_draws_nothing():
    """TF's RandomShuffle leaves the stream alone for inputs of at most one row."""
    one = tf.random_shuffle([[1.0, 2.0]], seed=3)
    many = tf.random_shuffle(tf.range(10), seed=3)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(one), [[1.0, 2.0]])
        np.testing.assert_array_equal(sess.run(many), REFERENCE["shuffle.0.run0"])


def test_multinomial_checks_its_inputs():
    with pytest.raises(ValueError, match="matrix"):
        tf.multinomial([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="int32 or int64"):
        tf.multinomial([[1.0, 2.0]], 3, output_dtype=tf.float32)
    n = tf.placeholder(tf.int32, [])
    draws = tf.multinomial([[0.0, 0.0]], n, seed=1)
    assert draws.shape.as_list() == [1, None] and draws.dtype == tf.int64
    with tf.Session() as sess:
        assert sess.run(draws, {n: 0}).shape == (1, 0)
        with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
            sess.run(draws, {n: -1})


def test_random_uniform_int_checks_its_range():
    lo = tf.placeholder(tf.int32, [])
    u = tf.random_uniform([3], lo, 5, dtype=tf.int32, seed=1)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
            sess.run(u, {lo: 5})


def test_large_multinomial_is_tensorflows_with_one_thread():
    """5000 rows x 50 samples of 100 classes: TF's draw in one block of rows (a one-thread
    pool), compared by SHA-256. TF's default pool splits this batch into blocks that restart
    the stream, which gives other numbers (docs/random.md)."""
    from random_cases import big_multinomial_digest

    digest = big_multinomial_digest(tf)
    assert digest == str(REFERENCE["big_multinomial_sha256"])
    assert digest != str(REFERENCE["big_multinomial_default_pool_sha256"])
