"""Random search and coarse-to-fine: the lecture's tuning process, with the bookkeeping done.

`random_search` draws `n_trials` parameter dicts from a space and calls
`objective(params, seed)` for each; `coarse_to_fine` does that for several rounds, each round
sampling again inside a space shrunk around the best trials of all the rounds before (and, with
`compare_random=True`, also runs random search of the same budget, so `report()` can say from
the numbers whether zooming in paid off). `grid_search` exists for comparison. They share one
driver, `_search`, which:

1. **plans** every trial of a round before running any: trial `i` of round `r` gets its own
   `SeedSequence(seed, spawn_key=(r, i))`, split into a generator for its parameters and an
   integer seed for the objective. So a trial's parameters and seed depend only on
   (search seed, round, index), never on the executor, the number of workers, the order trials
   finish in, or `n_trials` (a 40-trial search begins with the 20 trials of the 20-trial one);
2. **skips** trials already in the store (same round, index, seed and parameters);
3. **runs** the rest through `parallel.execute` and turns each outcome into a `Trial`:
   a number is the value; a dict is a set of metrics and `metric=` names the value; an error,
   NaN or inf makes the trial "failed" (recorded with its error, and the search goes on);
4. **appends** each finished trial to the store at once, then updates the progress bar.

On Ctrl-C the search stops, cancels trials not started, still records those that finished, and
raises `SearchInterrupted` (a `KeyboardInterrupt`) whose `.result` holds the partial result.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
import sys
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np

from minigraph.tuning import parallel, spaces
from minigraph.tuning.store import TrialStore, as_store, trial_key

OK = "ok"
FAILED = "failed"


@dataclass
class Trial:
    """One evaluation of the objective.

    Attributes:
        round: the coarse-to-fine round (0 for `random_search`).
        index: position in its round; with `round` and `seed` it identifies the trial.
        params: the parameter dict passed to the objective.
        seed: the integer seed passed to the objective (use it for `tf.set_random_seed`).
        status: "ok" or "failed".
        value: the number being optimized (None for a failed trial).
        metrics: every metric the objective returned as a dict ({} if it returned a number).
        error: "ErrorType: message" for a failed trial, else None.
        duration: seconds spent in the objective.
        traceback: the end of the traceback of a failed trial, else None.
        resumed: True if this trial was read back from the store instead of run again.
    """

    round: int
    index: int
    params: dict
    seed: int
    status: str = OK
    value: Optional[float] = None
    metrics: dict = field(default_factory=dict)
    error: Optional[str] = None
    duration: float = 0.0
    traceback: Optional[str] = None
    resumed: bool = False

    @property
    def ok(self) -> bool:
        """True if the trial finished with a usable metric."""
        return self.status == OK

    @property
    def key(self) -> str:
        """The identity of the trial (round, index, params, seed), used to resume a search."""
        return trial_key(self.round, self.index, self.params, self.seed)

    def to_record(self) -> dict:
        """The JSON-lines record of this trial (what the store keeps)."""
        record = {"kind": "trial", "key": self.key}
        record.update(asdict(self))
        del record["resumed"]
        return record

    @classmethod
    def from_record(cls, record: Mapping) -> "Trial":
        """The trial stored as `record` (a dict from `to_record`), marked as resumed."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in record.items() if k in names and k != "resumed"},
                   resumed=True)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={_fmt(v)}" for k, v in self.params.items())
        outcome = f"value={_fmt(self.value)}" if self.ok else f"failed={self.error!r}"
        return f"Trial(round={self.round}, index={self.index}, {shown}, {outcome})"


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else repr(value)


class SearchResult:
    """The trials of a search, in (round, index) order, and the space of every round.

    Attributes:
        trials: every trial, finished now or read back from the store, ok or failed.
        spaces: `spaces[r]` is the search space round `r` sampled from.
        maximize: whether larger values are better.
        metric: the metric name being optimized (None when the objective returns a number).
        interrupted: True for the partial result carried by `SearchInterrupted`.
        random_baseline: for `coarse_to_fine(..., compare_random=True)`, the random search of
            the same budget; else None.
    """

    def __init__(self, trials: Sequence[Trial], spaces_: Sequence[Mapping], maximize: bool,
                 metric: Optional[str], interrupted: bool = False):
        self.trials = sorted(trials, key=_trial_order)
        self.spaces = [dict(s) for s in spaces_]
        self.maximize = maximize
        self.metric = metric
        self.interrupted = interrupted
        self.random_baseline: Optional["SearchResult"] = None

    @property
    def ok_trials(self) -> list:
        """The trials that succeeded, in order."""
        return [t for t in self.trials if t.ok]

    @property
    def failed_trials(self) -> list:
        """The trials that failed, in order."""
        return [t for t in self.trials if not t.ok]

    def top(self, k: int, round: Optional[int] = None) -> list:  # noqa: A002 -- the field name
        """The `k` best ok trials (of one round, if given), best first; ties by (round, index)."""
        pool = [t for t in self.ok_trials if round is None or t.round == round]
        sign = -1.0 if self.maximize else 1.0
        return sorted(pool, key=lambda t: (sign * t.value, t.round, t.index))[:k]

    @property
    def best(self) -> Trial:
        """The best trial that did not fail.

        Raises:
            ValueError: if no trial succeeded (the message shows the first error).
        """
        top = self.top(1)
        if not top:
            first = self.failed_trials[0].error if self.failed_trials else "no trials ran"
            raise ValueError(
                f"No successful trial among {len(self.trials)} (failed: "
                f"{len(self.failed_trials)}); first error: {first}"
            )
        return top[0]

    def report(self) -> str:
        """What the search found, round by round, with verdicts computed from its numbers.

        For coarse-to-fine: the best value of each round, whether the later rounds beat round 0,
        and, with a `random_baseline`, whether zooming in beat random search of the same budget.
        "Better" means strictly better in the direction of `maximize`; a tie is no.

        Example:
            >>> from minigraph import tuning
            >>> def objective(params, seed):
            ...     return (params["x"] - 0.3) ** 2
            >>> result = tuning.coarse_to_fine(objective, {"x": tuning.uniform(0, 1)}, rounds=2,
            ...                                trials_per_round=10, compare_random=True)
            >>> print(result.report().splitlines()[-1])
            coarse to fine found the better value: yes (0.001717 vs 0.01014)
        """
        name = self.metric or "value"
        lines = [f"{len(self.trials)} trials in {len(self.spaces)} round(s), "
                 f"{len(self.failed_trials)} failed; best {name} {_best_value_text(self)}"
                 + (f" (round {self.best.round})" if self.ok_trials else "")]
        if len(self.spaces) > 1:
            lines += self._round_lines()
        if self.random_baseline is not None:
            lines += self._baseline_lines(name)
        return "\n".join(lines)

    def _round_lines(self) -> list:
        """The best of each round, and whether the later rounds beat round 0."""
        lines, per_round = [], []
        for round_ in range(len(self.spaces)):
            top = self.top(1, round=round_)
            count = sum(1 for t in self.trials if t.round == round_)
            per_round.append(top[0].value if top else None)
            lines.append(f"  round {round_}: best {_fmt_value(per_round[-1])} of {count} trials")
        later = [v for v in per_round[1:] if v is not None]
        best_later = self._best_of(later) if later else None
        improved = (per_round[0] is not None and best_later is not None
                    and _better(best_later, per_round[0], self.maximize))
        lines.append(f"later rounds beat round 0: {'yes' if improved else 'no'} "
                     f"({_fmt_value(best_later)} vs {_fmt_value(per_round[0])})")
        return lines

    def _baseline_lines(self, name: str) -> list:
        """The random search of the same budget, and which search found the better value."""
        baseline = self.random_baseline
        ours, theirs = _best_or_none(self), _best_or_none(baseline)
        won = ours is not None and (theirs is None or _better(ours, theirs, self.maximize))
        return [f"random search, same {len(baseline.trials)} trials: best {name} "
                f"{_best_value_text(baseline)}",
                f"coarse to fine found the better value: {'yes' if won else 'no'} "
                f"({_fmt_value(ours)} vs {_fmt_value(theirs)})"]

    def _best_of(self, values: list) -> float:
        return max(values) if self.maximize else min(values)

    def __len__(self) -> int:
        return len(self.trials)

    def __repr__(self) -> str:
        best = repr(self.top(1)[0]) if self.ok_trials else "none"
        extra = ", interrupted" if self.interrupted else ""
        return (f"<SearchResult {len(self.trials)} trials in {len(self.spaces)} round(s), "
                f"{len(self.failed_trials)} failed{extra}; best: {best}>")


def _better(a: float, b: float, maximize: bool) -> bool:
    """Whether `a` is strictly better than `b`."""
    return a > b if maximize else a < b


def _best_or_none(result: SearchResult) -> Optional[float]:
    return result.best.value if result.ok_trials else None


def _fmt_value(value: Optional[float]) -> str:
    return "(none)" if value is None else f"{value:.4g}"


def _best_value_text(result: SearchResult) -> str:
    return _fmt_value(_best_or_none(result))


def _trial_order(trial: Trial) -> tuple:
    return (trial.round, trial.index)


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a search. `.result` is the partial `SearchResult` (`interrupted=True`).

    It is a `KeyboardInterrupt`, so an uncaught Ctrl-C still stops the program; catch it to keep
    working with what finished. Every finished trial is also already in the store.
    """

    def __init__(self, result: SearchResult):
        super().__init__(f"search interrupted after {len(result.trials)} finished trial(s)")
        self.result = result


# ---------------------------------------------------------------- seeds
def trial_seeds(seed: int, round_: int, index: int) -> tuple:
    """The parameter generator and the objective seed of trial `index` of round `round_`.

    Both come from `numpy.random.SeedSequence(seed, spawn_key=(round_, index))`, so they depend
    on nothing but these three numbers.

    Example:
        >>> from minigraph.tuning.search import trial_seeds
        >>> rng, s = trial_seeds(0, 0, 5)
        >>> s == trial_seeds(0, 0, 5)[1], 0 <= s < 2**31
        (True, True)
    """
    params_seq, objective_seq = np.random.SeedSequence(seed, spawn_key=(round_, index)).spawn(2)
    objective_seed = int(objective_seq.generate_state(1, dtype=np.uint32)[0]) >> 1
    return np.random.default_rng(params_seq), objective_seed


def _check_seed(seed) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__} "
                        f"{seed!r:.60}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


# ---------------------------------------------------------------- the public searches
def random_search(objective: Callable, space: Mapping, n_trials: int, seed: int = 0,
                  maximize: bool = False, executor: Optional[concurrent.futures.Executor] = None,
                  store: Union[str, TrialStore, None] = None, metric: Optional[str] = None,
                  progress: Optional[bool] = None, retry_failed: bool = False,
                  trial_timeout: Optional[float] = None) -> SearchResult:
    """Tries `n_trials` parameter dicts drawn at random from `space`; returns them all.

    Args:
        objective: `objective(params, seed)` returning a number, or a dict of metrics (then
            `metric` names the one to optimize). To run on a process pool it must be a
            module-level function. Each call runs inside a fresh default graph.
        space: `{name: distribution or constant}`, e.g. `{"lr": log_uniform(1e-4, 1)}`.
        n_trials: how many trials.
        seed: the search seed; trial parameters and trial seeds derive from it alone.
        maximize: True if larger values are better (accuracy), False for losses.
        executor: None (run here, one by one) or any `concurrent.futures.Executor`.
        store: a JSON-lines file (path) that receives each trial as it finishes; a search run
            again with the same file skips the trials already there.
        metric: with dict results, the name of the metric to optimize.
        progress: show a tqdm progress bar (None: only when stderr is a terminal).
        retry_failed: on resume, run failed trials again instead of keeping their failure.
        trial_timeout: seconds after which a trial still running is stopped and recorded as
            failed ("TrialTimeout: ..."); None waits for every trial.

    Returns:
        A `SearchResult`; `.best` is the best successful trial.

    Raises:
        SearchInterrupted: on Ctrl-C, after recording every trial that finished.
        TypeError: an argument of the wrong type (the message names it).

    Example:
        >>> from minigraph import tuning
        >>> def objective(params, seed):
        ...     return (params["x"] - 0.3) ** 2
        >>> result = tuning.random_search(objective, {"x": tuning.uniform(0, 1)}, 50, seed=1)
        >>> abs(result.best.params["x"] - 0.3) < 0.05
        True
    """
    space = _checked_space(space)
    n_trials = _check_int(n_trials, "n_trials")
    plan = _RandomPlan(space)
    return _search(objective, [n_trials], plan, seed, maximize, executor, store, metric,
                   progress, retry_failed, trial_timeout=trial_timeout)


def grid_search(objective: Callable, space: Mapping, points_per_axis, seed: int = 0,
                maximize: bool = False, executor: Optional[concurrent.futures.Executor] = None,
                store: Union[str, TrialStore, None] = None, metric: Optional[str] = None,
                progress: Optional[bool] = None, retry_failed: bool = False,
                trial_timeout: Optional[float] = None) -> SearchResult:
    """Tries every point of `grid(space, points_per_axis)`; arguments as in `random_search`.

    Kept for the lecture's comparison: with 25 trials a 5x5 grid tries only 5 values of each
    parameter, random search tries 25.

    Example:
        >>> from minigraph import tuning
        >>> result = tuning.grid_search(lambda p, s: p["x"], {"x": tuning.uniform(0, 1)}, 3)
        >>> [t.params["x"] for t in result.trials], result.best.value
        ([0.0, 0.5, 1.0], 0.0)
    """
    space = _checked_space(space)
    _check_points_per_axis(points_per_axis)
    points = spaces.grid(space, points_per_axis)
    return _search(objective, [len(points)], _GridPlan(space, points), seed, maximize, executor,
                   store, metric, progress, retry_failed, trial_timeout=trial_timeout)


def coarse_to_fine(objective: Callable, space: Mapping, rounds: int,
                   trials_per_round: Union[int, Sequence[int]], keep: Optional[int] = None,
                   seed: int = 0, maximize: bool = False,
                   executor: Optional[concurrent.futures.Executor] = None,
                   store: Union[str, TrialStore, None] = None, metric: Optional[str] = None,
                   margin: float = 0.1, progress: Optional[bool] = None,
                   retry_failed: bool = False, compare_random: bool = False,
                   trial_timeout: Optional[float] = None) -> SearchResult:
    """Random search in rounds, each round zooming in on the best region found so far.

    After each round, every parameter's range is shrunk to cover the `keep` best successful
    trials of all the rounds so far, on the parameter's own axis (log-uniform ranges in log10
    space, `one_minus_log_uniform` in log10(1 - x) space, integers stay integers), widened on
    each side by `margin` times the last round's range and clipped to the original range. A
    `choice` is never narrowed to fewer options: its options are re-weighted toward those the
    kept trials used, each keeping at least `1 / (keep + n_options)` of the draws, so a category
    is not dropped for good on a handful of trials. Then the next round samples there.

    Whether zooming in paid off is a question for the numbers: with `compare_random=True` the
    result also holds `.random_baseline`, a plain random search over the original space with the
    same total number of trials and the same seed. Its first trials *are* round 0 (same seeds,
    same parameters), so only the rest are run. `result.report()` says which search found the
    better value.

    Args:
        rounds: number of rounds (1 is plain random search).
        trials_per_round: trials in each round (one number, or one per round).
        keep: how many of the best trials so far define the next range (default: a quarter
            of the smallest round, at least 2).
        margin: extra width on each side, as a fraction of the current range's width.
        compare_random: also run the random search of the same budget (see above).
        Others: as in `random_search`.

    Returns:
        A `SearchResult` whose `.spaces[r]` is the space of round `r`, whose trials carry
        their `round`, and (with `compare_random`) whose `.random_baseline` is the random
        search of the same budget.

    Example:
        >>> from minigraph import tuning
        >>> def objective(params, seed):
        ...     return (params["lr"] - 0.01) ** 2
        >>> result = tuning.coarse_to_fine(objective, {"lr": tuning.log_uniform(1e-5, 1)},
        ...                                rounds=3, trials_per_round=20, keep=4)
        >>> round_2 = result.spaces[2]["lr"]
        >>> round_2.low < 0.01 < round_2.high and round_2.high / round_2.low < 1e4
        True
    """
    space = _checked_space(space)
    if _check_int(rounds, "rounds") < 1:
        raise ValueError(f"coarse_to_fine needs rounds >= 1, got {rounds}")
    counts = _round_counts(trials_per_round, rounds)
    if keep is None:
        keep = max(2, min(counts) // 4)
    if _check_int(keep, "keep") < 1:
        raise ValueError(f"keep must be >= 1, got {keep}")
    if _check_number(margin, "margin") < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    _check_bool(compare_random, "compare_random")
    plan = _RandomPlan(space, keep=keep, margin=margin)
    result = _search(objective, counts, plan, seed, maximize, executor, store, metric, progress,
                     retry_failed, trial_timeout=trial_timeout)
    if compare_random:
        # Round 0 of coarse-to-fine is the start of this random search: reuse its trials.
        known = {t.key: t for t in result.trials if t.round == 0}
        result.random_baseline = _search(objective, [sum(counts)], _RandomPlan(space), seed,
                                         maximize, executor, store, metric, progress,
                                         retry_failed, known=known, trial_timeout=trial_timeout)
    return result


# ---------------------------------------------------------------- argument checks
def _type_error(name: str, expected: str, value) -> TypeError:
    return TypeError(f"{name} must be {expected}, got {type(value).__name__} {value!r:.60}")


def _check_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise _type_error(name, "an integer", value)
    return int(value)


def _check_number(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise _type_error(name, "a number", value)
    return float(value)


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise _type_error(name, "True or False", value)
    return bool(value)


def _checked_space(space) -> dict:
    if not isinstance(space, Mapping):
        raise _type_error("space", "a dict {name: distribution or constant}", space)
    return spaces.check_space(space)


def _check_points_per_axis(points_per_axis) -> None:
    if isinstance(points_per_axis, Mapping):
        for name, n in points_per_axis.items():
            _check_int(n, f"points_per_axis[{name!r}]")
    else:
        _check_int(points_per_axis, "points_per_axis")


def _round_counts(trials_per_round, rounds: int) -> list:
    """One trial count per round, from one number or a sequence of them."""
    if isinstance(trials_per_round, (int, np.integer)) and not isinstance(trials_per_round,
                                                                          bool):
        return [int(trials_per_round)] * rounds
    if isinstance(trials_per_round, (str, bytes)) or not isinstance(trials_per_round, Sequence):
        raise _type_error("trials_per_round", "an integer or a list of integers",
                          trials_per_round)
    counts = [_check_int(n, "trials_per_round[...]") for n in trials_per_round]
    if len(counts) != rounds:
        raise ValueError(f"trials_per_round has {len(counts)} entries for {rounds} rounds")
    return counts


def _check_search_arguments(objective, maximize, executor, store, metric, progress,
                            retry_failed, trial_timeout) -> Optional[float]:
    """TypeError naming the argument of the wrong type; returns the trial timeout."""
    if not callable(objective):
        raise TypeError(f"objective must be callable as objective(params, seed), got {objective!r}")
    _check_bool(maximize, "maximize")
    _check_bool(retry_failed, "retry_failed")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise _type_error("executor", "None or a concurrent.futures.Executor", executor)
    if store is not None and not isinstance(store, (str, os.PathLike, TrialStore)):
        raise _type_error("store", "None, a file path or a TrialStore", store)
    if metric is not None and not isinstance(metric, str):
        raise _type_error("metric", "None or the name of a metric (str)", metric)
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise _type_error("progress", "None, True or False", progress)
    if trial_timeout is None:
        return None
    timeout = _check_number(trial_timeout, "trial_timeout")
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError(f"trial_timeout must be a positive number of seconds (or None), got "
                         f"{trial_timeout!r}")
    return timeout


# ---------------------------------------------------------------- plans: what each round tries
class _RandomPlan:
    """Round 0 samples `space`; round r samples it narrowed around the best trials so far."""

    def __init__(self, space: dict, keep: int = 1, margin: float = 0.0):
        self.space, self.keep, self.margin = space, keep, margin

    def round_space(self, round_: int, previous: Optional[SearchResult]) -> dict:
        """Round 0's space is `space`; later rounds narrow the last one around its best trials."""
        if round_ == 0:
            return self.space
        # The best trials of *every* round so far, not just the last one: a round that
        # happened to do badly cannot lead the search away from what earlier rounds found.
        best = previous.top(self.keep)
        last = previous.spaces[round_ - 1]
        if not best:
            warnings.warn(f"no successful trial in rounds 0..{round_ - 1}; round {round_} "
                          "samples the same space again", stacklevel=4)
            return last
        return spaces.narrow_space(last, [t.params for t in best], self.margin, self.space)

    def params(self, space: dict, round_: int, index: int, rng: np.random.Generator) -> dict:
        """One random point of `space`."""
        return spaces.sample_space(space, rng)


class _GridPlan:
    def __init__(self, space: dict, points: list):
        self.space, self.points = space, points

    def round_space(self, round_: int, previous) -> dict:
        """Every round of a grid search uses the whole space."""
        return self.space

    def params(self, space: dict, round_: int, index: int, rng) -> dict:
        """The `index`-th grid point."""
        return dict(self.points[index])


# ---------------------------------------------------------------- the driver
def _search(objective, counts, plan, seed, maximize, executor, store, metric, progress,
            retry_failed, known: Optional[Mapping] = None,
            trial_timeout: Optional[float] = None) -> SearchResult:
    timeout = _check_search_arguments(objective, maximize, executor, store, metric, progress,
                                      retry_failed, trial_timeout)
    for n in counts:
        if n < 0:
            raise ValueError(f"the number of trials must be >= 0, got {n}")
    seed = _check_seed(seed)
    store = as_store(store)
    finished = _load_finished(store, retry_failed)
    trials, round_spaces = [], []
    bar = _progress_bar(sum(counts), progress)

    def partial(interrupted: bool = False) -> SearchResult:
        """The result so far (marked `interrupted` if the search was stopped)."""
        return SearchResult(trials, round_spaces, maximize, metric, interrupted)

    def on_done(planned: Trial, outcome: dict) -> None:
        """Records a finished trial: store it, keep it, advance the progress bar."""
        trial = _finish(planned, outcome, metric)
        if store is not None:
            store.append(trial.to_record())
        trials.append(trial)
        _advance(bar, trials, maximize)

    try:
        for round_, count in enumerate(counts):
            space = plan.round_space(round_, partial() if round_ else None)
            round_spaces.append(space)
            to_run = []
            for index in range(count):
                rng, trial_seed = trial_seeds(seed, round_, index)
                params = plan.params(space, round_, index, rng)
                planned = Trial(round_, index, params, trial_seed)
                record = finished.get(planned.key)
                if known is not None and planned.key in known:
                    trials.append(known[planned.key])  # already run by the caller
                    _advance(bar, trials, maximize)
                elif record is None:
                    to_run.append(planned)
                else:
                    trials.append(_resume(record, metric))
                    _advance(bar, trials, maximize)
            parallel.execute(objective, to_run, on_done, executor, timeout)
    except KeyboardInterrupt as e:
        raise SearchInterrupted(partial(interrupted=True)) from e
    finally:
        if bar is not None:
            bar.close()
    return partial()


def _load_finished(store: Optional[TrialStore], retry_failed: bool) -> dict:
    """{key: record} of the trials in the store; lines that are not trial records are skipped
    with a warning naming the line (their trials, if this search has them, run again)."""
    if store is None:
        return {}
    finished = {}
    for number, record in store.load_numbered():
        problem = _record_problem(record)
        if problem == _OTHER_KIND:
            continue
        if problem is not None:
            warnings.warn(f"{store.path}, line {number}: {problem}; skipped (that trial, if "
                          "this search has it, runs again).", stacklevel=4)
            continue
        if retry_failed and record["status"] != OK:
            continue
        finished[record["key"]] = record  # a later line for the same key wins
    return finished


_OTHER_KIND = "another kind of record"
_REQUIRED = {"key": (str,), "round": (int,), "index": (int,), "params": (dict,),
             "seed": (int,), "status": (str,)}
_OPTIONAL = {"value": (int, float, type(None)), "metrics": (dict,), "error": (str, type(None)),
             "duration": (int, float), "traceback": (str, type(None))}


def _field_problem(record: dict) -> Optional[str]:
    """A missing required field, or a field of the wrong type, or None."""
    for fields, required in ((_REQUIRED, True), (_OPTIONAL, False)):
        for name, types in fields.items():
            if name not in record:
                if required:
                    return f"the trial record has no {name!r}"
                continue
            value = record[name]
            if isinstance(value, bool) or not isinstance(value, types):
                return f"the trial record's {name!r} is {value!r:.60}, not {types[0].__name__}"
    return None


def _record_problem(record) -> Optional[str]:
    """What makes a store line unusable as a trial record, or None if it is one."""
    if not isinstance(record, dict):
        return f"is {'a list' if isinstance(record, list) else repr(record)}, not a trial record"
    kind = record.get("kind")
    if isinstance(kind, str) and kind != "trial":
        return _OTHER_KIND  # records of other kinds are not this module's
    problem = _field_problem(record)
    if problem is not None:
        return problem
    if record["status"] not in (OK, FAILED):
        return f"the trial record's 'status' is {record['status']!r}, not 'ok' or 'failed'"
    if record["status"] == OK and record.get("value") is None and not record.get("metrics"):
        return "the trial record says 'ok' but holds no value or metrics"
    expected = trial_key(record["round"], record["index"], record["params"], record["seed"])
    if record["key"] != expected:
        return (f"the trial record's key {record['key']!r:.60} does not match its round, index, "
                "seed and params")
    return None


def _resume(record: Mapping, metric: Optional[str]) -> Trial:
    """A trial read back from the store; its value is re-selected with the current `metric`."""
    trial = Trial.from_record(record)
    if trial.ok and trial.metrics:
        value, error = _select_value(trial.metrics, metric)
        trial.value = value
        if error is not None:
            trial.status, trial.error = FAILED, error
    return trial


def _finish(planned: Trial, outcome: Mapping, metric: Optional[str]) -> Trial:
    """A finished trial from the planned one and `parallel.run_trial`'s outcome."""
    trial = Trial(planned.round, planned.index, planned.params, planned.seed,
                  duration=outcome["duration"])
    if outcome["status"] != OK:
        trial.status, trial.error = FAILED, outcome["error"]
        trial.traceback = outcome["traceback"]
        return trial
    result = outcome["result"]
    if isinstance(result, dict):
        trial.metrics = result
        value, error = _select_value(result, metric)
    else:
        if metric is not None:
            raise ValueError(
                f"metric={metric!r} was given but the objective returned a number ({result!r}), "
                "not a dict of metrics; drop metric= or return {"
                f"{metric!r}: ...}}"
            )
        value, error = result, _non_finite_error(result, "the objective")
    trial.value = value if error is None else None
    if error is not None:
        trial.status, trial.error = FAILED, error
    return trial


def _select_value(metrics: Mapping, metric: Optional[str]) -> tuple:
    """(value, error) for a dict result; a wrong `metric=` is the caller's bug and raises."""
    if metric is None:
        if len(metrics) != 1:
            raise ValueError(
                f"The objective returned several metrics {sorted(metrics)}; pass metric=<name> "
                "to say which one to optimize."
            )
        metric = next(iter(metrics))
    if metric not in metrics:
        raise ValueError(
            f"metric={metric!r} is not among the metrics the objective returned: "
            f"{sorted(metrics)}"
        )
    value = metrics[metric]
    if not isinstance(value, float):
        return None, f"metric {metric!r} is {value!r}, not a number"
    return value, _non_finite_error(value, f"metric {metric!r}")


def _non_finite_error(value: Any, what: str) -> Optional[str]:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{what} returned {value} (not a finite number)"
    return None


# ---------------------------------------------------------------- progress bar
def _progress_bar(total: int, progress: Optional[bool]):
    """A tqdm bar over trials, or None. tqdm is imported only when a bar is shown."""
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", None) and sys.stderr.isatty())
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as e:
        raise ImportError("progress=True needs tqdm: pip install tqdm "
                          "(or pip install minigraph[demos])") from e
    return tqdm(total=total, desc="trials", unit="trial")


def _advance(bar, trials: list, maximize: bool) -> None:
    if bar is None:
        return
    ok = [t.value for t in trials if t.ok]
    if ok:
        bar.set_postfix(best=f"{(max(ok) if maximize else min(ok)):.4g}", refresh=False)
    bar.update(1)
