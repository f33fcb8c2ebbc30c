"""`tf.app`: `tf.app.run()`, which parses the flags and calls the program's `main(argv)`.

Example:
    >>> import minigraph as tf
    >>> def main(argv):
    ...     print("main got", argv)
    ...     return 0
    >>> try:
    ...     tf.app.run(main=main, argv=["prog", "extra"])
    ... except SystemExit as e:
    ...     print("exit code", e.code)
    main got ['prog', 'extra']
    exit code 0
"""

from __future__ import annotations

import sys as _sys
from typing import Callable, Optional

from minigraph.platform import flags as flags
from minigraph.tf1_names import module_getattr as _module_getattr


def run(main: Optional[Callable] = None, argv: Optional[list] = None):
    """Parses the command line into `tf.flags.FLAGS`, then exits with `main(remaining_argv)`.

    As in TF1: `main` defaults to the `main` function of the `__main__` module, `argv` to
    `sys.argv`; flags that were never defined stay in the list `main` receives; the program
    ends with `sys.exit(main(argv))`, so this function does not return.
    """
    if main is None:
        main = getattr(_sys.modules["__main__"], "main", None)
        if main is None:
            raise ValueError("tf.app.run() found no function `main` in the __main__ module; "
                             "pass one: tf.app.run(main=my_main).")
    remaining = flags.FLAGS(_sys.argv if argv is None else argv)
    _sys.exit(main(remaining))

__getattr__ = _module_getattr(__name__)
