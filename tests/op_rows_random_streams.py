"""Op-table rows for the random ops added with TensorFlow's streams (`tf.multinomial`): the
reference is TensorFlow's own draw, recorded in `tests/golden/random_goldens.npz` (case
"op_table" of `tests/golden/random_cases.py`, made by `tests/golden/make_random_goldens.py`
with tensorflow-cpu 2.21.0).

Read with `tests/op_table.py`; the seed rules are tested in `tests/test_random_streams.py`.
"""

import pathlib

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow

_TF = np.load(pathlib.Path(__file__).resolve().parent / "golden" / "random_goldens.npz")

LOGITS = Arg((2, 3), dtype=np.float32,
             value=np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]], np.float32))


def _np_multinomial(logits):
    """TensorFlow's draw of `tf.multinomial(LOGITS, 5, seed=6)`."""
    return _TF["op_table.5.run0"]


ROWS = [
    OpRow("Multinomial", lambda logits: tf.multinomial(logits, 5, seed=6), [LOGITS],
          _np_multinomial, grad=False),
]
