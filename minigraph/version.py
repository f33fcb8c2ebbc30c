"""`tf.version`: the TensorFlow API version minigraph follows, and minigraph's own version.

`tf.__version__` (and `tf.VERSION`, `tf.version.VERSION`) is "1.15.0": TF1 programs compare it
(`LooseVersion(tf.__version__) >= LooseVersion("1.0")`, `tf.__version__.startswith("2")`) to
choose which API to call, and minigraph follows TF 1.15's API, so those checks must take the
TF 1.15 branch. minigraph's own release is `MINIGRAPH_VERSION` (the package's version on pip).

Example:
    >>> import minigraph as tf
    >>> tf.__version__, tf.version.VERSION
    ('1.15.0', '1.15.0')
"""

from minigraph.tf1_names import module_getattr as _module_getattr

VERSION = "1.15.0"
MINIGRAPH_VERSION = "0.1.0"

__getattr__ = _module_getattr(__name__)
