"""Progress bars for long runs, in a terminal and in Jupyter, through tqdm (the `tuning` extra).

A bar is shown by default where someone watches: when stderr is a terminal, or inside a Jupyter
kernel (where stderr is not a terminal, but the notebook shows it). In Jupyter the bar is
`tqdm.auto`'s widget when `ipywidgets` is installed, else tqdm's text bar, which the notebook
shows in the cell's output (instead of tqdm.auto's warning about the missing widget library).
Redirected output, pytest and batch jobs get no bar, and then tqdm is not even imported.
"""

from __future__ import annotations

import sys
from typing import Optional

from minigraph._optional import is_installed, require


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython's ZMQ shell), False in a terminal or a script.

    Example:
        >>> in_notebook()
        False
    """
    ipython = sys.modules.get("IPython")  # imported by the kernel; never imported here
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    if shell is None:
        return False
    return type(shell).__name__ == "ZMQInteractiveShell" or "IPKernelApp" in shell.config


def show_progress(progress: Optional[bool] = None) -> bool:
    """Whether to show a bar: `progress` if given, else stderr is a terminal or Jupyter runs us.

    Example:
        >>> show_progress(True), show_progress(False)
        (True, False)
    """
    if progress is not None:
        return bool(progress)
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty()) or in_notebook()


def progress_bar(total: int, desc: str, unit: str = "it", progress: Optional[bool] = None):
    """A tqdm progress bar of `total` steps, or None when no bar should be shown.

    Args:
        total: the number of steps (call `bar.update(1)` after each).
        desc: the text before the bar, e.g. "trials".
        unit: what one step is, e.g. "trial" or "epoch".
        progress: True or False to decide; None shows the bar in a terminal or in Jupyter
            (see `show_progress`).

    Returns:
        A `tqdm` bar (use it as a context manager, or `close()` it), or None.

    Raises:
        MissingDependencyError: a bar is to be shown and tqdm is not installed
            (`pip install "minigraph[tuning]"`).

    Example:
        >>> progress_bar(10, "trials", progress=False) is None
        True
    """
    if not show_progress(progress):
        return None
    if in_notebook() and not is_installed("ipywidgets"):
        tqdm = require("tqdm.std", purpose="a progress bar").tqdm
    else:
        tqdm = require("tqdm.auto", purpose="a progress bar").tqdm
    return tqdm(total=total, desc=desc, unit=unit)
