"""Op-table rows for the random ops: each row seeds its op, so the reference can replay the
stream with numpy (`default_rng([seed, seed2])`, TF1's seed rule with no graph seed).

Read with `tests/op_table.py`. The statistics and seeding rules are tested in
`tests/test_random.py`; these rows check forward values, dtypes and static shapes.
"""

import numpy as np

import minigraph as tf
from minigraph.ops.random_ops import DEFAULT_GRAPH_SEED
from op_table import Arg, OpRow

SHAPE = (3, 4)


def _rng(op_seed):
    return np.random.default_rng([DEFAULT_GRAPH_SEED, op_seed])


def _np_normal(mean):
    return mean + _rng(1).standard_normal(SHAPE, dtype=np.float32)


def _np_truncated(mean):
    rng = _rng(2)
    values = rng.standard_normal(SHAPE, dtype=np.float32)
    while np.any(np.abs(values) > 2.0):
        bad = np.abs(values) > 2.0
        values[bad] = rng.standard_normal(int(bad.sum()), dtype=np.float32)
    return mean + values


def _np_uniform(low):
    draws = _rng(3).random(SHAPE, dtype=np.float32)
    return draws * (np.float32(2.5) - low) + low


def _np_uniform_int():
    return _rng(4).integers(-3, 5, size=SHAPE, dtype=np.int32)


def _np_shuffle(x):
    return _rng(5).permutation(x)


FLOAT32_SCALAR = Arg((), dtype=np.float32)

ROWS = [
    OpRow("RandomStandardNormal", lambda m: tf.random_normal(SHAPE, mean=m, seed=1),
          [FLOAT32_SCALAR], _np_normal, grad=False),
    OpRow("TruncatedNormal", lambda m: tf.truncated_normal(SHAPE, mean=m, seed=2),
          [FLOAT32_SCALAR], _np_truncated, grad=False),
    OpRow("RandomUniform", lambda low: tf.random_uniform(SHAPE, low, 2.5, seed=3),
          [FLOAT32_SCALAR], _np_uniform, grad=False),
    OpRow("RandomUniformInt",
          lambda: tf.random_uniform(SHAPE, -3, 5, dtype=tf.int32, seed=4), [],
          _np_uniform_int, grad=False, unknown_shapes=False),
    OpRow("RandomShuffle", lambda x: tf.random_shuffle(x, seed=5), [(5, 3)], _np_shuffle,
          grad=False),
]
