"""Saying so when TF1 code asks for a name minigraph does not have yet.

`tf.nn.conv1d` on minigraph is not a typo but a TF1 function minigraph lacks, and a bare
"module has no attribute" would leave a learner guessing. Each public namespace module binds
`__getattr__ = module_getattr(__name__)`; Python calls it only for names the module does not
have. If TF1 has the name (it is in the catalogue `_tf1_api_names.NAMES`, generated from
TensorFlow's API by `tests/golden/tf1_api_names.py`), the AttributeError says that minigraph
does not implement it yet, points to the coverage page and to TF 1.15's documentation of it,
and names the minigraph spelling if one differs only in case and underscores
(`tf.layers.Dense` -> `tf.layers.dense`). Any other name gets Python's own message, so a typo
still gets Python's "Did you mean" suggestion, computed from the module's names.

Example:
    >>> import minigraph as tf
    >>> try:
    ...     tf.nn.conv1d
    ... except AttributeError as e:
    ...     print(str(e).split(";")[0])
    minigraph does not implement tf.nn.conv1d yet
"""

from __future__ import annotations

import sys

from minigraph._tf1_api_names import NAMES

COVERAGE_PAGE = "docs/tf1_coverage.md"
TF1_DOCS = "https://www.tensorflow.org/versions/r1.15/api_docs/python/"

# minigraph module -> the TF1 namespace it stands for.
NAMESPACES = {
    "minigraph": "tf",
    "minigraph.contrib": "tf.contrib",
    "minigraph.contrib.layers": "tf.contrib.layers",
    "minigraph.contrib.rnn": "tf.contrib.rnn",
    "minigraph.data": "tf.data",
    "minigraph.debugging": "tf.debugging",
    "minigraph.errors": "tf.errors",
    "minigraph.initializers": "tf.initializers",
    "minigraph.layers": "tf.layers",
    "minigraph.linalg": "tf.linalg",
    "minigraph.losses": "tf.losses",
    "minigraph.math": "tf.math",
    "minigraph.metrics": "tf.metrics",
    "minigraph.nn": "tf.nn",
    "minigraph.ops.rnn_cell": "tf.nn.rnn_cell",
    "minigraph.platform.app": "tf.app",
    "minigraph.platform.tf_logging": "tf.logging",
    "minigraph.random": "tf.random",
    "minigraph.summary": "tf.summary",
    "minigraph.test": "tf.test",
    "minigraph.train": "tf.train",
    "minigraph.version": "tf.version",
}


def _squashed(name: str) -> str:
    return name.replace("_", "").lower()


def missing_message(namespace: str, name: str, module=None) -> str:
    """What `namespace.name` says when TF1 has it and minigraph does not.

    Example:
        >>> print(missing_message("tf.train", "AdagradOptimizer"))  # doctest: +ELLIPSIS
        minigraph does not implement tf.train.AdagradOptimizer yet; see docs/tf1_coverage.md ...
    """
    full = f"{namespace}.{name}"
    message = (
        f"minigraph does not implement {full} yet; see {COVERAGE_PAGE} in the minigraph "
        f"repository for what it covers and how it differs (TF 1.15's documentation of "
        f"{full}: {TF1_DOCS}{full.replace('.', '/')})"
    )
    if module is not None:
        twins = [n for n in dir(module) if not n.startswith("_")
                 and _squashed(n) == _squashed(name)]
        if twins:
            message += f". minigraph has {namespace}.{twins[0]}"
    return message


def module_getattr(module_name: str):
    """The `__getattr__` for the namespace module `module_name` (see the module docstring)."""
    namespace = NAMESPACES[module_name]
    known = NAMES.get(namespace, frozenset())

    def __getattr__(name: str):
        if name in known:
            error = AttributeError(missing_message(namespace, name, sys.modules.get(module_name)))
            # NOTE: a `name` already set keeps Python from offering a "Did you mean" next to
            # this message: an existing name a few letters away (conv2d for conv1d) would
            # read as an equivalent, which it is not.
            error.name = name
            raise error
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    return __getattr__
