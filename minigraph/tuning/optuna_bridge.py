"""A finished search as an Optuna study: the dashboard and "which hyperparameters matter most".

minigraph's own `SearchResult` (and its JSON-lines store) stays the source of truth; `to_optuna`
copies it into an Optuna study, one `optuna.trial.create_trial` per trial, so that the study
opens in `optuna-dashboard` and `optuna.importance.get_param_importances` ranks the
hyperparameters (the lecture's "which ones matter most"). Nothing flows back.

Every parameter keeps the scale it was searched on:

- `uniform(a, b)`: the same name, `FloatDistribution(a, b)`;
- `log_uniform(a, b)`: the same name, `FloatDistribution(a, b, log=True)`;
- `one_minus_log_uniform(a, b)`, say `beta`: the parameter `1-beta`, with the value `1 - beta`
  and `FloatDistribution(1 - b, 1 - a, log=True)`. That is its log-scaled `1 - β` axis, the one
  it was sampled uniformly on (0.1, 0.01, 0.001 evenly spaced for β = 0.9, 0.99, 0.999), so
  importances and the dashboard's plots see it on its own scale;
- `int_uniform(a, b)`: the same name, `IntDistribution(a, b)`;
- `choice([...])`: the same name, `CategoricalDistribution([...])` (options must be None, bool,
  int, float or str, as Optuna requires);
- a constant (`"steps": 100`): not a parameter; the study's user attribute `constants`.

The distributions are those of the first round's space, which contains every later
coarse-to-fine round (Optuna requires one distribution per parameter name in a study). A failed
trial becomes a `FAIL` trial with its error. Each trial's user attributes hold what Optuna has
no field for: the exact minigraph parameters (`params`, with `beta` itself), its `round`,
`index`, `seed`, `duration` and every metric the objective returned (`metrics`).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional

from minigraph._optional import require
from minigraph.tuning import spaces

_CATEGORICAL_TYPES = (type(None), bool, int, float, str)


def optuna_name(name: str, dist: spaces.Distribution) -> str:
    """The Optuna parameter name of a minigraph parameter: `1-beta` for a
    `one_minus_log_uniform` `beta` (its value there is 1 - beta), else the name itself.

    Example:
        >>> from minigraph import tuning
        >>> optuna_name("beta", tuning.one_minus_log_uniform(0.9, 0.999))
        '1-beta'
        >>> optuna_name("learning_rate", tuning.log_uniform(1e-4, 1))
        'learning_rate'
    """
    return f"1-{name}" if isinstance(dist, spaces.OneMinusLogUniform) else name


def optuna_distributions(space: Mapping) -> dict:
    """`{optuna parameter name: optuna distribution}` for the distributions of `space`.

    Raises:
        ValueError: a `choice` option Optuna cannot store (not None/bool/int/float/str), or a
            distribution type with no Optuna counterpart.
    """
    distributions = require("optuna.distributions", purpose="SearchResult.to_optuna")
    out = {}
    for name, value in spaces.check_space(space).items():
        dist = spaces.as_distribution(value)
        if dist is None:
            continue  # a constant: every trial got the same value
        out[optuna_name(name, dist)] = _distribution(distributions, name, dist)
    return out


def _distribution(distributions, name: str, dist: spaces.Distribution):
    if isinstance(dist, spaces.LogUniform):
        return distributions.FloatDistribution(dist.low, dist.high, log=True)
    if isinstance(dist, spaces.OneMinusLogUniform):
        return distributions.FloatDistribution(1.0 - dist.high, 1.0 - dist.low, log=True)
    if isinstance(dist, spaces.IntUniform):
        return distributions.IntDistribution(int(dist.low), int(dist.high))
    if isinstance(dist, spaces.Uniform):
        return distributions.FloatDistribution(dist.low, dist.high)
    if isinstance(dist, spaces.Choice):
        bad = [o for o in dist.options if not isinstance(o, _CATEGORICAL_TYPES)]
        if bad:
            raise ValueError(
                f"Parameter {name!r}: Optuna's CategoricalDistribution holds only None, bool, "
                f"int, float and str options, not {bad[0]!r} ({type(bad[0]).__name__}). Use "
                f"names (strings) as the choice's options and map them in the objective."
            )
        return distributions.CategoricalDistribution(list(dist.options))
    raise ValueError(f"Parameter {name!r}: no Optuna distribution for {dist!r}.")


def _optuna_params(params: Mapping, space: Mapping) -> dict:
    """A trial's parameters as Optuna stores them (1 - beta for one_minus_log_uniform)."""
    out = {}
    for name, value in space.items():
        dist = spaces.as_distribution(value)
        if dist is None or name not in params:
            continue
        flipped = isinstance(dist, spaces.OneMinusLogUniform)
        out[optuna_name(name, dist)] = 1.0 - params[name] if flipped else params[name]
    return out


def _constants(space: Mapping) -> dict:
    return {k: v for k, v in space.items() if spaces.as_distribution(v) is None}


def _user_attrs(trial) -> dict:
    attrs = {"params": dict(trial.params), "round": trial.round, "index": trial.index,
             "seed": trial.seed, "duration": trial.duration, "metrics": dict(trial.metrics)}
    if trial.error is not None:
        attrs["error"] = trial.error
    return attrs


def to_optuna(result, study_name: Optional[str] = None, storage: Any = None):
    """Copies a search into a new Optuna study; returns the `optuna.Study`.

    Args:
        result: a `SearchResult` (from `random_search`, `coarse_to_fine`, `grid_search`).
        study_name: the study's name (None: Optuna makes one up).
        storage: None for an in-memory study, or an Optuna storage URL such as
            "sqlite:///search.db", which `optuna-dashboard sqlite:///search.db` opens.

    Returns:
        The study, its direction from `result.maximize`, one trial per minigraph trial in
        (round, index) order: COMPLETE with its value, or FAIL.

    Raises:
        MissingDependencyError: optuna is not installed (`pip install "minigraph[optuna]"`).
        optuna.exceptions.DuplicatedStudyError: `storage` already holds a study of that name
            (the study is a copy: delete it with `optuna.delete_study`, or pick another name).

    Example:
        >>> from minigraph import tuning
        >>> from minigraph.tuning.examples import bowl
        >>> space = {"learning_rate": tuning.log_uniform(1e-4, 1),
        ...          "beta": tuning.one_minus_log_uniform(0.9, 0.999)}
        >>> result = tuning.random_search(bowl, space, n_trials=8, seed=0)
        >>> study = result.to_optuna()  # doctest: +SKIP
        >>> study.best_value == result.best.value  # doctest: +SKIP
        True
    """
    optuna = require("optuna", purpose="SearchResult.to_optuna")
    space = result.spaces[0] if result.spaces else {}
    distributions = optuna_distributions(space)
    study = optuna.create_study(
        study_name=study_name, storage=storage,
        direction="maximize" if result.maximize else "minimize",
    )
    study.set_user_attr("source", "minigraph.tuning")
    study.set_user_attr("metric", result.metric)
    study.set_user_attr("constants", _constants(space))
    study.set_user_attr("spaces", [{k: repr(v) for k, v in s.items()} for s in result.spaces])
    trials = []
    for trial in result.trials:
        params = _optuna_params(trial.params, space)
        ok = trial.ok and trial.value is not None and math.isfinite(trial.value)
        state = optuna.trial.TrialState.COMPLETE if ok else optuna.trial.TrialState.FAIL
        try:
            trials.append(optuna.trial.create_trial(
                state=state, value=trial.value if ok else None, params=params,
                distributions={k: distributions[k] for k in params},
                user_attrs=_user_attrs(trial),
            ))
        except ValueError as e:
            raise ValueError(f"Cannot copy trial (round {trial.round}, index {trial.index}) "
                             f"{trial.params} into Optuna: {e}") from None
    study.add_trials(trials)
    return study
