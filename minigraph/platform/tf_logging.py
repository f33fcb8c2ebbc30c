"""`tf.logging`: TF1's logging functions, on Python's `logging` module.

Messages go to the logger named "minigraph" (TF1's was "tensorflow"), formatted as TF1 formats
them, `INFO:minigraph:message`, on stderr. Nothing below `WARN` is shown until
`tf.logging.set_verbosity(tf.logging.INFO)`, as in TF1 (in an interactive shell, as in TF1,
INFO is shown from the start, on stdout). If the program has configured logging
itself (the root logger has a handler), minigraph adds no handler of its own, as TF1 did not.

Example:
    >>> import minigraph as tf
    >>> tf.logging.get_verbosity() == tf.logging.WARN
    True
    >>> tf.logging.set_verbosity(tf.logging.INFO)
    >>> tf.logging.get_verbosity()
    20
    >>> tf.logging.set_verbosity(tf.logging.WARN)
"""

from __future__ import annotations

import logging as _logging
import sys as _sys
import threading as _threading
from minigraph.tf1_names import module_getattr as _module_getattr

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = None
_logger_lock = _threading.Lock()


def _interactive() -> bool:
    return hasattr(_sys, "ps1") or bool(_sys.flags.interactive)


def get_logger() -> _logging.Logger:
    """The "minigraph" logger, given a stderr handler in TF1's format on first use.

    Example:
        >>> get_logger().name
        'minigraph'
    """
    global _logger
    with _logger_lock:
        if _logger is None:
            logger = _logging.getLogger("minigraph")
            if not _logging.getLogger().handlers and not logger.handlers:
                target = _sys.stderr
                if _interactive():  # TF1: an interactive shell shows INFO, on stdout
                    logger.setLevel(INFO)
                    target = _sys.stdout
                handler = _logging.StreamHandler(target)
                handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
                logger.addHandler(handler)
            _logger = logger
    return _logger


def log(level: int, msg, *args, **kwargs) -> None:
    """Logs `msg % args` at `level`."""
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at DEBUG level."""
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at INFO level (shown after `set_verbosity(INFO)`)."""
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at WARN level (shown by default)."""
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at ERROR level."""
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs) -> None:
    """Logs `msg % args` at FATAL level (Python's CRITICAL); like TF1, it does not exit."""
    get_logger().fatal(msg, *args, **kwargs)


def vlog(level: int, msg, *args, **kwargs) -> None:
    """Logs `msg % args` at `level` (TF1's verbose log is plain `log` in Python)."""
    get_logger().log(level, msg, *args, **kwargs)


def log_if(level: int, msg, condition, *args) -> None:
    """Logs `msg % args` at `level` only if `condition` is true."""
    if condition:
        log(level, msg, *args)


_log_counts: dict = {}


def _count(token) -> int:
    with _logger_lock:
        n = _log_counts.get(token, 0)
        _log_counts[token] = n + 1
    return n


def _caller_token():
    frame = _sys._getframe(2)
    return (frame.f_code.co_filename, frame.f_lineno)


def log_every_n(level: int, msg, n: int, *args) -> None:
    """Logs `msg % args` the 1st, (n+1)-th, (2n+1)-th... time this line runs."""
    log_if(level, msg, _count(_caller_token()) % n == 0, *args)


def log_first_n(level: int, msg, n: int, *args) -> None:
    """Logs `msg % args` only the first `n` times this line runs."""
    log_if(level, msg, _count(_caller_token()) < n, *args)


def flush() -> None:
    """Flushes the handlers of the minigraph logger."""
    for handler in get_logger().handlers:
        handler.flush()


def get_verbosity() -> int:
    """The effective level of the minigraph logger (WARN, 30, until `set_verbosity`)."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v: int) -> None:
    """Shows messages at level `v` and above (e.g. `tf.logging.INFO`)."""
    get_logger().setLevel(v)

__getattr__ = _module_getattr(__name__)
