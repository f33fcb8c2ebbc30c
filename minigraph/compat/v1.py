"""`tf.compat.v1`: the whole of minigraph's TF1 API, as TensorFlow 2 spells its TF1 namespace.

Every attribute is looked up in `minigraph` itself (`tf.compat.v1.Session is tf.Session`), so
this module holds no second list of names. minigraph is always in graph mode with TF1
behaviour, so `disable_v2_behavior()` and `disable_eager_execution()` change nothing; they exist
so that programs written for `tensorflow.compat.v1` run unchanged.

Example:
    >>> import minigraph.compat.v1 as tf
    >>> tf.disable_v2_behavior()
    >>> with tf.Graph().as_default():
    ...     print(tf.constant(1.0) + 2.0)
    Tensor("add:0", shape=(), dtype=float32)
"""

from __future__ import annotations

import importlib


def disable_v2_behavior() -> None:
    """Does nothing: minigraph always has TF1 behaviour (graphs, sessions, ref variables)."""


def disable_eager_execution() -> None:
    """Does nothing: minigraph always builds graphs; there is no eager mode to turn off."""


def executing_eagerly() -> bool:
    """False: minigraph runs ops only inside `Session.run`, as TF1's graph mode."""
    return False


def __getattr__(name: str):
    # NOTE: looked up lazily, because `import minigraph` imports this module before it has
    # finished defining its own names.
    return getattr(importlib.import_module("minigraph"), name)


def __dir__() -> list:
    own = ["disable_eager_execution", "disable_v2_behavior", "executing_eagerly"]
    return sorted(set(dir(importlib.import_module("minigraph"))) | set(own))
