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

Faults, each one trial's failure rather than the end of the search:

- **a trial that hangs** (`timeout=`): inside the trial, an alarm (`SIGALRM`, in a process's
  main thread) or an exception raised into its thread raises `TrialTimeout` after `timeout`
  seconds. A trial that neither can stop (stuck inside C code) is given up by the search after
  `2 * timeout + grace`: on a process pool its worker is killed and the pool rebuilt; on threads
  it is left running in the background (a thread cannot be killed), with a warning.
- **a worker process killed by the OS** (the OOM killer, a segfault): a process pool breaks and
  fails every pending trial with `BrokenProcessPool`. Each trial running on a worker leaves a
  marker file naming the worker's pid, and the pool's workers' exit codes say which one died
  on its own (the pool terminates the others with SIGTERM): that trial is recorded as failed,
  the others run again on a new pool of the same size (which the search shuts down at the end;
  the pool passed in stays broken).
- **Ctrl-C**: trials not started are cancelled and a process pool's workers are killed, so
  nothing waits for a hung trial (the pool cannot be used again).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time
import traceback
import warnings
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from minigraph.graph import Graph


class TrialTimeout(Exception):
    """Raised inside a trial that ran longer than the search's `trial_timeout`."""


def run_trial(objective: Callable, params: Mapping, seed: int,
              timeout: Optional[float] = None) -> dict:
    """Calls `objective(params, seed)` inside a fresh default graph and reports how it went.

    With `timeout` (seconds), a trial still running then is stopped with `TrialTimeout` (see
    the module docstring) and reported as failed.

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
        with _deadline(timeout), Graph().as_default():
            outcome["result"] = plain_result(objective(dict(params), seed))
    except TrialTimeout:
        outcome.update(status="failed", error=_timeout_error(timeout),
                       traceback=traceback.format_exc(limit=-8))
    except Exception as e:  # noqa: BLE001 -- any error of one trial is that trial's failure
        outcome.update(
            status="failed",
            error=f"{type(e).__name__}: {e}",
            traceback=traceback.format_exc(limit=-8),
        )
    outcome["duration"] = time.perf_counter() - start
    return outcome


def _timeout_error(timeout: float, how: str = "") -> str:
    return f"TrialTimeout: the trial ran longer than trial_timeout={timeout:g} s{how}"


def _run_marked_trial(objective: Callable, params: Mapping, seed: int,
                      timeout: Optional[float], marker: str) -> dict:
    """`run_trial` on a pool worker, with a marker file naming this process while it runs."""
    with open(marker, "w") as file:
        file.write(str(os.getpid()))
    try:
        return run_trial(objective, params, seed, timeout)
    finally:
        with contextlib.suppress(OSError):
            os.remove(marker)


# ---------------------------------------------------------------- stopping a trial in time
@contextlib.contextmanager
def _deadline(timeout: Optional[float]):
    """Raises TrialTimeout in the running code after `timeout` seconds."""
    if timeout is None:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(timeout):
            yield
    else:
        with _thread_timer(timeout):
            yield


@contextlib.contextmanager
def _alarm(timeout: float):
    """SIGALRM after `timeout` s, whose handler raises TrialTimeout (main thread only)."""

    def raise_timeout(signum, frame):
        raise TrialTimeout()

    previous = signal.signal(signal.SIGALRM, raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _thread_timer(timeout: float):
    """A timer that raises TrialTimeout into this thread (CPython's PyThreadState_SetAsyncExc).

    NOTE: the exception arrives at the thread's next Python instruction, so Python loops stop,
    a long C call (one sleep, one big matmul) only when it returns. A lock makes sure that it
    is never raised after the block ended: the exit clears one that is still pending."""
    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is None:
        yield  # not CPython: only the search's give-up time applies
        return
    thread_id, lock, state = ctypes.c_ulong(threading.get_ident()), threading.Lock(), {}

    def fire():
        with lock:
            if not state.get("done"):
                state["fired"] = True
                set_async_exc(thread_id, ctypes.py_object(TrialTimeout))

    timer = threading.Timer(timeout, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state.get("fired"):
                set_async_exc(thread_id, None)


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
            executor: Optional[concurrent.futures.Executor] = None,
            timeout: Optional[float] = None) -> None:
    """Runs every planned trial and calls `on_done(trial, outcome)` as each one finishes.

    `planned` holds objects with `.params` and `.seed`. With an executor, all of them are
    submitted at once and handled in completion order. A trial longer than `timeout` seconds, a
    worker process that dies, or an executor that cannot run a trial, fail that trial only (see
    the module docstring). If anything interrupts the loop (Ctrl-C, or an error raised by
    `on_done`), trials not started yet are cancelled, a process pool's workers are killed, and
    the outcomes of trials that had already finished are still handed to `on_done` before the
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
            on_done(trial, run_trial(objective, trial.params, trial.seed, timeout))
        return
    _ExecutorRun(objective, on_done, executor, timeout).run(list(planned))


def _failed(error: str, duration: float = 0.0) -> dict:
    return {"status": "failed", "result": None, "error": error, "traceback": None,
            "duration": duration}


def _is_pickling_error(error: BaseException) -> bool:
    if isinstance(error, pickle.PicklingError):
        return True
    return isinstance(error, (AttributeError, TypeError)) and "pickle" in str(error).lower()


def _exit_cause(exitcode: int) -> str:
    if exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class _ExecutorRun:
    """The trials of one `execute` call on an executor, in generations: a generation submits
    trials to one executor and handles them as they finish; if the process pool breaks (a
    worker died, or a hung one was killed), the trials that must run again form the next
    generation, on a new pool of the same size."""

    def __init__(self, objective: Callable, on_done: Callable,
                 executor: concurrent.futures.Executor, timeout: Optional[float]):
        self.objective, self.on_done, self.timeout = objective, on_done, timeout
        self.executor = executor
        self.is_pool = isinstance(executor, concurrent.futures.ProcessPoolExecutor)
        self.marker_dir = tempfile.mkdtemp(prefix="minigraph-trials-") if self.is_pool else None
        self.owned = []  # pools made here, shut down at the end
        self.processes = {}  # pid -> multiprocessing.Process of every pool worker seen
        self.futures = {}  # future -> (trial, marker path or None)
        self.handled = set()
        self.generations = 0
        self.warned_thread = False

    # ------------------------------------------------------------ the loop
    def run(self, trials: list) -> None:
        limit = len(trials) + 5  # a pool that keeps breaking with no culprit found
        try:
            while trials:
                self.generations += 1
                if self.generations > 1:
                    if self.generations > limit or not self.is_pool:
                        for trial in trials:
                            self.on_done(trial, _failed("BrokenProcessPool: the process pool "
                                                        f"broke {self.generations - 1} times"))
                        return
                    self._replace_pool()
                trials = self._generation(trials)
        except BaseException as exc:
            self._stop(record_finished=isinstance(exc, KeyboardInterrupt))
            raise
        finally:
            self._clean_up()

    def _generation(self, trials: list) -> list:
        """Runs `trials` on the current executor; returns those to run again on a new pool."""
        self.futures, self.handled, broken = {}, set(), []
        self.killed_on_purpose, self.given_up = False, set()
        unsent = self._submit_all(trials)
        self._remember_workers()
        waiting, started = set(self.futures), {}
        while waiting:
            done, _ = concurrent.futures.wait(waiting, timeout=self._poll_seconds(),
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            self._remember_workers()
            for future in done:
                waiting.discard(future)
                self._finished(future, broken)
            for future in self._overdue(waiting, started):
                waiting.discard(future)
                self._give_up(future, time.monotonic() - started[future])
        return unsent + self._to_run_again(broken)

    def _submit_all(self, trials: list) -> list:
        """Submits each trial; returns those an already broken pool refused."""
        from concurrent.futures.process import BrokenProcessPool  # (multiprocessing: lazy)

        for position, trial in enumerate(trials):
            marker = None
            try:
                if self.is_pool:
                    marker = os.path.join(self.marker_dir, f"{self.generations}-{position}")
                    future = self.executor.submit(_run_marked_trial, self.objective,
                                                  trial.params, trial.seed, self.timeout, marker)
                else:
                    future = self.executor.submit(run_trial, self.objective, trial.params,
                                                  trial.seed, self.timeout)
            except BrokenProcessPool:
                return trials[position:]
            self.futures[future] = (trial, marker)
        return []

    def _finished(self, future, broken: list) -> None:
        """Hands a finished future's outcome to `on_done`, or notes that the pool broke."""
        from concurrent.futures.process import BrokenProcessPool

        trial, marker = self.futures[future]
        if future in self.given_up or future.cancelled():
            return
        error = future.exception()
        if error is None:
            self.handled.add(future)
            self.on_done(trial, future.result())
        elif isinstance(error, KeyboardInterrupt):
            raise error  # Ctrl-C raised by the objective in a worker stops the search
        elif isinstance(error, BrokenProcessPool):
            broken.append((trial, marker))
        elif _is_pickling_error(error):
            raise TypeError(
                f"The objective {self.objective!r} cannot be sent to the executor's workers "
                f"({type(error).__name__}: {error}). A process pool needs a module-level "
                "function of an importable module: not a lambda, a nested function, or one "
                "defined in __main__ under the spawn start method."
            ) from error
        else:  # the executor could not run it: pickling, a Dask worker lost, cancelled...
            self.handled.add(future)
            self.on_done(trial, _failed(f"{type(error).__name__}: {error} (the executor could "
                                        "not run this trial)"))

    # ------------------------------------------------------------ hung trials
    def _poll_seconds(self) -> float:
        return 0.5 if self.timeout is None else min(0.5, max(0.05, self.timeout / 4))

    def _overdue(self, waiting: set, started: dict) -> list:
        """Futures running for longer than the trial itself should have allowed."""
        if self.timeout is None:
            return []
        now, give_up_after = time.monotonic(), 2 * self.timeout + max(1.0, self.timeout / 2)
        overdue = []
        for future in waiting:
            if future.running():
                started.setdefault(future, now)
            if future in started and now - started[future] > give_up_after:
                overdue.append(future)
        return overdue

    def _give_up(self, future, duration: float) -> None:
        """Records a hung trial as failed; kills the pool's workers, or leaves the thread."""
        trial, _ = self.futures[future]
        self.given_up.add(future)
        if self.is_pool:
            how = " and did not stop; its worker process was killed"
            self.killed_on_purpose = True
            self._kill_workers()
        else:
            how = " and did not stop; it may go on running in the background"
            future.cancel()
            if not self.warned_thread:
                self.warned_thread = True
                warnings.warn(f"A trial ran past trial_timeout={self.timeout:g} s and could not "
                              "be stopped; its thread keeps running (threads cannot be killed). "
                              "Use a process pool to have hung trials killed.", stacklevel=5)
        self.on_done(trial, _failed(_timeout_error(self.timeout, how), duration))

    # ------------------------------------------------------------ dead workers
    def _remember_workers(self) -> None:
        processes = getattr(self.executor, "_processes", None)
        if processes:
            self.processes.update(processes)

    def _to_run_again(self, broken: list) -> list:
        """After the pool broke: fails the trials whose worker died on its own; returns the
        rest (not started, or on a worker the pool terminated) to run again."""
        again = []
        for trial, marker in broken:
            cause = None if self.killed_on_purpose else self._death_of(marker)
            if cause is None:
                again.append(trial)
            else:
                self.on_done(trial, _failed(
                    f"WorkerDied: the worker process running this trial died ({cause}), e.g. "
                    "killed by the OS for using too much memory"))
        return again

    def _death_of(self, marker: Optional[str]) -> Optional[str]:
        """How the worker running this trial died, or None if it was not running or its worker
        was only terminated by the pool after another one died."""
        try:
            with open(marker) as file:
                pid = int(file.read() or -1)
        except (OSError, TypeError, ValueError):
            return None  # not started (or finished) when the pool broke
        process = self.processes.get(pid)
        if process is None:
            return "a worker process of the pool, pid unknown"
        process.join(timeout=5.0)
        if process.exitcode is None or process.exitcode == -signal.SIGTERM:
            return None
        return _exit_cause(process.exitcode)

    def _replace_pool(self) -> None:
        """A new process pool configured like the current one."""
        old = self.executor
        options = {"max_workers": getattr(old, "_max_workers", None),
                   "mp_context": getattr(old, "_mp_context", None),
                   "initializer": getattr(old, "_initializer", None),
                   "initargs": getattr(old, "_initargs", ())}
        if getattr(old, "_max_tasks_per_child", None) is not None:
            options["max_tasks_per_child"] = old._max_tasks_per_child
        self.executor = concurrent.futures.ProcessPoolExecutor(**options)
        self.owned.append(self.executor)

    def _kill_workers(self) -> None:
        self._remember_workers()
        for process in self.processes.values():
            with contextlib.suppress(Exception):
                if process.is_alive():
                    process.kill()

    # ------------------------------------------------------------ ending
    def _stop(self, record_finished: bool) -> None:
        """On Ctrl-C or an error: cancel what has not started, kill a pool's workers (nothing
        waits for a hung trial), and (on Ctrl-C) record what finished."""
        for future in self.futures:
            future.cancel()
        if self.is_pool:
            self._kill_workers()
            for pool in [self.executor] + self.owned:
                pool.shutdown(wait=False, cancel_futures=True)
        if not record_finished:
            return
        for future, (trial, _) in self.futures.items():
            if future in self.handled or future in self.given_up or not future.done():
                continue
            if not future.cancelled() and future.exception() is None:
                self.on_done(trial, future.result())

    def _clean_up(self) -> None:
        for pool in self.owned:
            pool.shutdown(wait=True)
        if self.marker_dir is not None:
            shutil.rmtree(self.marker_dir, ignore_errors=True)
