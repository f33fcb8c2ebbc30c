"""Op-table rows for the random ops: each row seeds its op, and the reference is TensorFlow's
own draw for those seeds, recorded in `tests/golden/random_goldens.npz` (case "op_table" of
`tests/golden/random_cases.py`; made by `tests/golden/make_random_goldens.py` with
tensorflow-cpu 2.21.0).

Read with `tests/op_table.py`. The seed rules and every dtype are tested in
`tests/test_random_streams.py`, the statistics in `tests/test_random.py`; these rows check
forward values, dtypes and static shapes.
"""

import pathlib

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow

SHAPE = (3, 4)
_TF = np.load(pathlib.Path(__file__).resolve().parent / "golden" / "random_goldens.npz")


def _tf_draw(i):
    """TensorFlow's first draw of expression `i` of the "op_table" case."""
    return _TF[f"op_table.{i}.run0"]


def _np_normal(mean):
    return mean + _tf_draw(0)


def _np_truncated(mean):
    return mean + _tf_draw(1)


def _np_uniform(low):
    return _tf_draw(2) * (np.float32(2.5) - low) + low


def _np_uniform_int():
    return _tf_draw(3)


def _np_shuffle(x):
    order = (_tf_draw(4)[:, 0] // 3).astype(int)  # TF shuffled the rows of arange(15)
    return x[order]


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
