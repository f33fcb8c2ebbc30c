"""Running trials: one after another, or many at once on any `concurrent.futures.Executor`.

This is the lecture's "caviar" strategy: train many models in parallel and keep the best. The
search code hands this module a list of planned trials (parameters and seed already fixed, so
nothing here can change *what* runs, only *where*), and gets each outcome back through a callback
as soon as it finishes, in completion order:

- `executor=None` runs them in this process, in index order;
- `concurrent.futures.ProcessPoolExecutor(2)` runs them on two worker processes;
- `dask.distributed.Client(...).get_executor()` runs them on a Dask cluster, one machine or many.

The function shipped to the workers is `run_trial`, a module-level function (process pools can
only send functions importable by name, so the objective must be one too; Dask pickles closures
as well). It gives each trial a fresh default graph, times it, and turns an exception into a
"failed" outcome so one bad trial never stops the search. `KeyboardInterrupt` is *not* caught:
it stops the search (see `search.py`).
"""

from __future__ import annotations

import concurrent.futures
import time
import traceback
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from minigraph.graph import Graph


def run_trial(objective: Callable, params: Mapping, seed: int) -> dict:
    """Calls `objective(params, seed)` inside a fresh default graph and reports how it went.

    Returns:
        A dict with `status` ("ok" or "failed"), `result` (a float or a dict of metrics, made of
        plain Python values so it pickles and serializes), `error` (text, or None), `traceback`
        (text, or None) and `duration` (seconds).

    Example:
        >>> from minigraph.tuning.parallel import run_trial
        >>> out = run_trial(lambda params, seed: params["x"] ** 2, {"x": 3.0}, seed=0)
        >>> out["status"], out["result"]
        ('ok', 9.0)
        >>> run_trial(lambda params, seed: 1 / 0, {}, seed=0)["error"]
        'ZeroDivisionError: division by zero'
    """
    start = time.perf_counter()
    outcome = {"status": "ok", "result": None, "error": None, "traceback": None}
    try:
        with Graph().as_default():
            outcome["result"] = plain_result(objective(dict(params), seed))
    except Exception as e:  # noqa: BLE001 -- any error of one trial is that trial's failure
        outcome.update(
            status="failed",
            error=f"{type(e).__name__}: {e}",
            traceback=traceback.format_exc(limit=-8),
        )
    outcome["duration"] = time.perf_counter() - start
    return outcome


def plain_result(result: Any):
    """An objective's return value as a float or a dict of plain values; TypeError otherwise."""
    if isinstance(result, Mapping):
        if not result:
            raise TypeError("the objective returned an empty dict; return a number or metrics")
        return {str(name): _plain_metric(value) for name, value in result.items()}
    if _is_number(result):
        return float(np.asarray(result).reshape(()))
    raise TypeError(
        f"the objective returned {type(result).__name__} {result!r:.80}; it must return a number "
        "(the score) or a dict of metrics, e.g. {'loss': 0.3, 'accuracy': 0.9} with metric='loss'"
    )


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, np.number)):
        return True
    return isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf"


def _plain_metric(value):
    if _is_number(value):
        return float(np.asarray(value).reshape(()))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (str, bool, type(None), list, tuple, dict)):
        return value
    return repr(value)


def execute(objective: Callable, planned: Sequence, on_done: Callable,
            executor: Optional[concurrent.futures.Executor] = None) -> None:
    """Runs every planned trial and calls `on_done(trial, outcome)` as each one finishes.

    `planned` holds objects with `.params` and `.seed`. With an executor, all of them are
    submitted at once and handled in completion order. If anything interrupts the loop
    (Ctrl-C, or an error raised by `on_done`), trials not started yet are cancelled, and the
    outcomes of trials that had already finished are still handed to `on_done` before the
    exception goes on, so nothing that finished is lost.

    Example:
        >>> from types import SimpleNamespace
        >>> from minigraph.tuning.parallel import execute
        >>> done = []
        >>> plan = [SimpleNamespace(params={"x": x}, seed=0) for x in (1.0, 2.0)]
        >>> execute(lambda p, s: p["x"] * 10, plan, lambda t, out: done.append(out["result"]))
        >>> done
        [10.0, 20.0]
    """
    if executor is None:
        for trial in planned:
            on_done(trial, run_trial(objective, trial.params, trial.seed))
        return
    futures = {executor.submit(run_trial, objective, t.params, t.seed): t for t in planned}
    handled = set()
    try:
        for future in concurrent.futures.as_completed(futures):
            outcome = future.result()  # KeyboardInterrupt raised in a worker comes back here
            handled.add(future)
            on_done(futures[future], outcome)
    except BaseException as exc:
        for future in futures:
            future.cancel()
        if isinstance(exc, KeyboardInterrupt):
            _hand_over_finished(futures, handled, on_done)
        raise


def _hand_over_finished(futures: dict, handled: set, on_done: Callable) -> None:
    """After an interrupt, records trials that finished but were not handled yet."""
    for future, trial in futures.items():
        if future in handled or not future.done() or future.cancelled():
            continue
        if future.exception() is None:
            on_done(trial, future.result())
