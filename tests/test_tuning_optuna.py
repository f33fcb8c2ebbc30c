"""SearchResult.to_optuna(): a minigraph search copied into an Optuna study, scales kept."""

from __future__ import annotations

import math

import pytest

from minigraph import tuning
from minigraph._optional import MissingDependencyError
from minigraph.tuning.examples import bowl

optuna = pytest.importorskip("optuna", reason='needs optuna: pip install "minigraph[optuna]"')
optuna.logging.set_verbosity(optuna.logging.WARNING)

SPACE = {
    "learning_rate": tuning.log_uniform(1e-4, 1.0),
    "beta": tuning.one_minus_log_uniform(0.9, 0.999),
    "units": tuning.int_uniform(16, 96),
    "activation": tuning.choice(["relu", "tanh"]),
    "dropout": tuning.uniform(0.0, 0.5),
    "steps": 10,
}


def _flaky(params, seed):
    """bowl, except that large learning rates "diverge" (the trial fails)."""
    if params["learning_rate"] > 0.3:
        raise FloatingPointError("loss became NaN")
    return bowl(params, seed)


@pytest.fixture(scope="module")
def search():
    return tuning.random_search(_flaky, SPACE, n_trials=24, seed=3)


def test_round_trip_best_trial_matches(search):
    study = search.to_optuna()
    best = search.best
    assert study.direction == optuna.study.StudyDirection.MINIMIZE
    assert study.best_value == best.value
    assert study.best_trial.number == search.trials.index(best)
    assert study.best_trial.user_attrs["params"] == best.params
    got = study.best_params
    assert got["learning_rate"] == best.params["learning_rate"]
    assert got["1-beta"] == 1.0 - best.params["beta"]
    assert got["units"] == best.params["units"] and got["activation"] == best.params["activation"]
    assert "steps" not in got and study.user_attrs["constants"] == {"steps": 10}


def test_every_trial_is_copied_in_order_with_failures_as_fail(search):
    study = search.to_optuna()
    frozen = study.get_trials(deepcopy=False)
    assert len(frozen) == len(search.trials)
    assert search.failed_trials, "the fixture must contain failed trials"
    for ours, theirs in zip(search.trials, frozen):
        assert theirs.user_attrs["index"] == ours.index and theirs.user_attrs["seed"] == ours.seed
        if ours.ok:
            assert theirs.state == optuna.trial.TrialState.COMPLETE
            assert theirs.value == ours.value
        else:
            assert theirs.state == optuna.trial.TrialState.FAIL and theirs.value is None
            assert "FloatingPointError" in theirs.user_attrs["error"]


def test_distributions_keep_each_parameters_scale(search):
    dists = search.to_optuna().best_trial.distributions
    assert dists["learning_rate"] == optuna.distributions.FloatDistribution(1e-4, 1.0, log=True)
    one_minus = dists["1-beta"]
    assert one_minus.log and math.isclose(one_minus.low, 1e-3) and math.isclose(one_minus.high,
                                                                               0.1)
    assert dists["units"] == optuna.distributions.IntDistribution(16, 96)
    assert dists["activation"] == optuna.distributions.CategoricalDistribution(["relu", "tanh"])
    assert dists["dropout"] == optuna.distributions.FloatDistribution(0.0, 0.5)


@pytest.mark.slow
def test_importance_ranks_the_parameters_that_matter():
    """bowl depends on learning_rate, beta and units only; activation and dropout are noise."""
    space = {k: v for k, v in SPACE.items()}
    result = tuning.random_search(bowl, space, n_trials=60, seed=0)
    study = result.to_optuna()
    importances = optuna.importance.get_param_importances(
        study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0))
    ranked = list(importances)
    assert set(ranked[:2]) == {"learning_rate", "1-beta"}, importances
    assert importances["activation"] < 0.05 and importances["dropout"] < 0.05, importances


def test_coarse_to_fine_uses_the_first_rounds_space_for_every_trial():
    """Later rounds shrink the space (a choice may lose options); Optuna wants one distribution
    per name, and the first round's contains them all."""
    space = {"learning_rate": tuning.log_uniform(1e-4, 1.0), "layers": tuning.choice([1, 2, 3])}
    fine = tuning.coarse_to_fine(bowl, space, rounds=3, trials_per_round=6, keep=2, seed=0)
    assert fine.spaces[-1] != fine.spaces[0]
    study = fine.to_optuna()
    assert len(study.trials) == 18
    assert {str(t.distributions["layers"]) for t in study.trials} == {
        str(optuna.distributions.CategoricalDistribution([1, 2, 3]))}
    assert study.best_value == fine.best.value


def test_maximize_and_a_sqlite_storage_with_a_name(tmp_path):
    result = tuning.random_search(lambda p, s: -bowl(p, s), {"learning_rate": SPACE[
        "learning_rate"]}, n_trials=5, seed=0, maximize=True)
    url = f"sqlite:///{tmp_path / 'search.db'}"
    study = result.to_optuna(study_name="digits", storage=url)
    assert study.direction == optuna.study.StudyDirection.MAXIMIZE
    reloaded = optuna.load_study(study_name="digits", storage=url)
    assert reloaded.best_value == result.best.value == study.best_value
    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        result.to_optuna(study_name="digits", storage=url)


def test_a_choice_optuna_cannot_store_is_a_clear_error():
    result = tuning.random_search(lambda p, s: 0.0, {"shape": tuning.choice([(1, 2), (3, 4)])},
                                  n_trials=2, seed=0)
    with pytest.raises(ValueError, match="Parameter 'shape'.*not \\(1, 2\\) \\(tuple\\)"):
        result.to_optuna()


def test_without_optuna_the_error_names_the_extra(search, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "minigraph\[optuna\]"'):
        search.to_optuna()
