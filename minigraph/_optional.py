"""Optional dependencies: import them when needed, or say which extra installs them.

numpy is minigraph's only hard dependency. Everything else (tqdm, matplotlib, scikit-learn,
graphviz, dask, optuna, ...) is imported only by the function that needs it, through `require`,
so that a missing package raises one kind of error with one kind of message: what needs it, and
the `pip install "minigraph[<extra>]"` command that installs it. The extras are declared in
`setup.cfg`; `EXTRAS` below names the extra of each optional package.

The `dot` program (Graphviz) is not a Python package: `graphviz_missing` says which of the two
halves of a picture-making installation is missing, and how to install it.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
from typing import Optional

# Which `setup.cfg` extra installs each optional package (by import name).
EXTRAS = {
    "dask": "dask",
    "distributed": "dask",
    "graphviz": "viz",
    "ipykernel": "notebooks",
    "matplotlib": "tuning",
    "nbclient": "notebooks",
    "optuna": "optuna",
    "scipy": "examples",
    "sklearn": "examples",
    "tensorboard": "tensorboard",
    "threadpoolctl": "test",
    "tqdm": "tuning",
}

# The name pip knows a package by, where it differs from the import name.
_PIP_NAMES = {"sklearn": "scikit-learn", "distributed": "dask[distributed]"}


class MissingDependencyError(ModuleNotFoundError):
    """An optional package is not installed; the message names the extra that installs it."""


def install_command(extra: str) -> str:
    """The pip command that installs one of minigraph's extras.

    Example:
        >>> install_command("viz")
        'pip install "minigraph[viz]"'
    """
    return f'pip install "minigraph[{extra}]"'


def is_installed(module: str) -> bool:
    """True if `module` can be imported (found on sys.path), without importing it.

    Example:
        >>> is_installed("numpy"), is_installed("no_such_module_here")
        (True, False)
    """
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a broken __spec__
        return False


def require(module: str, extra: Optional[str] = None, purpose: Optional[str] = None):
    """Imports and returns `module`, or raises MissingDependencyError naming the extra.

    Args:
        module: the module to import, e.g. "tqdm.auto" or "matplotlib.figure".
        extra: the `setup.cfg` extra that installs it (default: from `EXTRAS`, by the
            top-level package name).
        purpose: what needs it, for the message (e.g. "plot_trials").

    Raises:
        MissingDependencyError: (a ModuleNotFoundError) if the package is not installed; the
            message says `pip install "minigraph[<extra>]"`.

    Example:
        >>> require("numpy").__name__
        'numpy'
        >>> require("no_such_package", extra="tuning", purpose="this example")
        Traceback (most recent call last):
        ...
        minigraph._optional.MissingDependencyError: this example needs ... "minigraph[tuning]" ...
    """
    top = module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name is not None and e.name.split(".")[0] != top:
            raise  # the package is there, but something it imports is broken: show that
        extra = extra or EXTRAS.get(top)
        needs = f"{purpose} needs" if purpose else "minigraph needs"
        how = f"Install it with: {install_command(extra)} " if extra else "Install it with: "
        pip_name = _PIP_NAMES.get(top, top)
        alone = f"(or: pip install {pip_name})" if extra else f"pip install {pip_name}"
        raise MissingDependencyError(
            f"{needs} the optional package `{top}`, which is not installed. {how}{alone}",
            name=top,
        ) from None


# ---------------------------------------------------------------- Graphviz: two halves
_DOT_INSTALL = (
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or "
    "`conda install graphviz`"
)


def graphviz_missing() -> Optional[str]:
    """What is missing to render pictures, with the commands that install it; None if nothing.

    Rendering needs both the `graphviz` Python package (the `viz` extra) and Graphviz's `dot`
    program (a system package). The message names exactly the missing half (or both).

    Example:
        >>> message = graphviz_missing()
        >>> message is None or "install" in message
        True
    """
    package = is_installed("graphviz")
    program = shutil.which("dot")
    if package and program:
        return None
    if program:
        return (f"The `graphviz` Python package is not installed (the `dot` program is, at "
                f"{program}). Install the package with: {install_command('viz')}.")
    if package:
        return ("The Graphviz program `dot` was not found on PATH (the `graphviz` Python "
                f"package is installed). Install Graphviz, which provides `dot`: {_DOT_INSTALL}.")
    return ("Neither the `graphviz` Python package nor the Graphviz program `dot` is installed. "
            f"Install the package with {install_command('viz')}, and Graphviz, which provides "
            f"`dot`, with {_DOT_INSTALL}.")
