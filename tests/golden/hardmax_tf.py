"""Prints what TensorFlow's hardmax gives for the tie cases in tests/test_softmax.py.

TF 1.15's `tf.contrib.seq2seq.hardmax(logits)` is `tf.one_hot(tf.argmax(logits, -1), depth,
dtype=logits.dtype)` under the name scope "Hardmax" (contrib is gone from TF 2, so this runs the
same two ops). Run with a Python that has TensorFlow (checked with 2.21.0):

    /work/peers/bin/python tests/golden/hardmax_tf.py

and compare with `test_hardmax_ties_go_to_the_first_largest_logit_as_tf1`.
"""

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

TIES = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, -5.0, -1.0]]

if __name__ == "__main__":
    logits = tf.constant(TIES)
    with tf.name_scope(None, "Hardmax", [logits]):
        hardmax = tf.one_hot(tf.argmax(logits, -1), 3, dtype=logits.dtype)
    with tf.Session() as sess:
        print(tf.__version__, sess.run(hardmax).astype(int).tolist())
