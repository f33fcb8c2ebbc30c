"""`tf.compat`: the import path `tensorflow.compat.v1`, under which TF1 code also runs.

Code written for TensorFlow 2's compatibility layer (`import tensorflow.compat.v1 as tf`, then
`tf.disable_v2_behavior()`) runs on minigraph as `import minigraph.compat.v1 as tf`, and
`tf.compat.v1.X` is `tf.X`.

Example:
    >>> import minigraph as tf
    >>> tf.compat.v1.placeholder is tf.placeholder
    True
"""

from minigraph.compat import v1 as v1
