"""Where compiled loop kernels are cached on disk (numba's and the C loops' alike).

Example:
    >>> cache_dir().endswith("minigraph") or "MINIGRAPH_CACHE_DIR" in os.environ
    True
"""

from __future__ import annotations

import os


def cache_dir() -> str:
    """The directory of the kernels' caches: `MINIGRAPH_CACHE_DIR`, else
    `$XDG_CACHE_HOME/minigraph`, else `~/.cache/minigraph`.

    Example:
        >>> cache_dir().endswith("minigraph") or "MINIGRAPH_CACHE_DIR" in os.environ
        True
    """
    configured = os.environ.get("MINIGRAPH_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "minigraph")
