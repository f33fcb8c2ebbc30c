"""Prints the `checkpoint` index TensorFlow writes for paths with non-ASCII letters and quotes,
and its timestamp fields: the text of `TF_INDEX` in tests/test_saver.py.

Run with a Python that has TensorFlow (any 2.x; `compat.v1` has TF1's function):

    /work/peers/bin/python tests/golden/make_checkpoint_index_golden.py
"""

import os
import tempfile

import tensorflow.compat.v1 as tf

directory = tempfile.mkdtemp()
tf.train.update_checkpoint_state(
    directory,
    'q"uote.ckpt-3',
    all_model_checkpoint_paths=["ünï/model.ckpt-7", 'q"uote.ckpt-3'],
    all_model_checkpoint_timestamps=[1700000000.0, 1700000100.5],
    last_preserved_timestamp=1699999000.0,
)
with open(os.path.join(directory, "checkpoint"), encoding="utf-8") as file:
    print(tf.__version__)
    print(repr(file.read()))
