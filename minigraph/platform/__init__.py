"""TF1's `tensorflow.python.platform` helpers: `tf.logging`, `tf.flags` and `tf.app`."""
