"""The C allocator's policy for the large arrays a training step allocates and frees.

Every step allocates its activations, gradients and GEMM outputs afresh (megabytes each at a
batch of 2048) and frees them before the next step. With glibc's defaults such arrays are
mapped from the kernel and unmapped when freed, or the heap's top is given back once 2x the
last such size is free, so the next step touches new pages: one page fault per 4 KiB. A
784-512-512-10 batch-norm step at batch 2048 took about 5,500 page faults and 17 ms of system
time per step that way (docs/performance.md, "Large products: orientation, page faults,
batch statistics").
`keep_freed_memory()` raises glibc's two thresholds so those arrays come from the heap and stay
there for the next step: no page faults, the same peak resident size (the step's peak is held
anyway). A `Session` applies it once per process when it is created, unless
`MINIGRAPH_MALLOC=0` or the user set glibc's own `MALLOC_*_` variables; elsewhere than glibc it
does nothing.
"""

from __future__ import annotations

import ctypes
import os

# glibc's mallopt parameters and the values set: arrays below 32 MiB (glibc's largest allowed
# mmap threshold on 64-bit) come from the heap; up to 128 MiB free at its top is kept.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 128 << 20

# glibc's environment tunables: a user who set one chose a policy already.
MALLOC_ENVIRONMENT = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
                      "MALLOC_MMAP_MAX_")

_state = {"applied": None}  # None: not tried yet; then True or False


def wanted() -> bool:
    """Whether a session should apply `keep_freed_memory()`: yes, unless `MINIGRAPH_MALLOC=0`
    or one of glibc's `MALLOC_*_` variables (or a `glibc.malloc` entry of `GLIBC_TUNABLES`)
    is set.

    Example:
        >>> wanted() in (True, False)
        True
    """
    if os.environ.get("MINIGRAPH_MALLOC", "").strip() == "0":
        return False
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    return not any(os.environ.get(name, "").strip() for name in MALLOC_ENVIRONMENT)


def keep_freed_memory() -> bool:
    """Sets glibc's mmap and trim thresholds (once per process); False where there is no glibc
    `mallopt` or it refused a value.

    Example:
        >>> keep_freed_memory() in (True, False)
        True
    """
    if _state["applied"] is None:
        _state["applied"] = _mallopt()
    return _state["applied"]


def _mallopt() -> bool:
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl's mallopt does nothing
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # The mmap threshold first: setting either one stops glibc's own adjustment of both.
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def configure() -> None:
    """What `Session()` calls: `keep_freed_memory()` if `wanted()`.

    Example:
        >>> configure()
    """
    if _state["applied"] is None and wanted():
        keep_freed_memory()
