"""random_search / grid_search / coarse_to_fine: seeds, metrics, failures, store, resume, Ctrl-C."""

import json
import math

import numpy as np
import pytest

from minigraph import tuning
from minigraph.tuning.examples import BOWL_OPTIMUM, bowl

SPACE = {"learning_rate": tuning.log_uniform(1e-5, 1),
         "beta": tuning.one_minus_log_uniform(0.9, 0.9999)}


class Counting:
    """An objective wrapper that counts calls and can misbehave on chosen trials."""

    def __init__(self, fn=bowl, raise_on=(), nan_on=(), interrupt_on=None):
        self.fn, self.raise_on, self.nan_on, self.interrupt_on = fn, raise_on, nan_on, interrupt_on
        self.calls = []

    def __call__(self, params, seed):
        call = len(self.calls)
        self.calls.append((dict(params), seed))
        if call == self.interrupt_on:
            raise KeyboardInterrupt
        if call in self.raise_on:
            raise RuntimeError(f"boom on call {call}")
        if call in self.nan_on:
            return float("nan")
        return self.fn(params, seed)


def _summary(result):
    return [(t.round, t.index, t.params, t.seed, t.status, t.value) for t in result.trials]


def test_random_search_is_reproducible_from_its_seed():
    a = tuning.random_search(bowl, SPACE, 12, seed=3)
    b = tuning.random_search(bowl, SPACE, 12, seed=3)
    c = tuning.random_search(bowl, SPACE, 12, seed=4)
    assert _summary(a) == _summary(b)
    assert [t.params for t in a.trials] != [t.params for t in c.trials]
    # Trial i does not depend on n_trials: a longer search starts with the shorter one.
    longer = tuning.random_search(bowl, SPACE, 20, seed=3)
    assert _summary(longer)[:12] == _summary(a)
    # Every trial gets its own seed, and the objective really receives it.
    seeds = [t.seed for t in longer.trials]
    assert len(set(seeds)) == 20 and all(0 <= s < 2**31 for s in seeds)
    counting = Counting()
    tuning.random_search(counting, SPACE, 5, seed=3)
    assert [s for _, s in counting.calls] == seeds[:5]


def test_best_and_maximize():
    result = tuning.random_search(bowl, SPACE, 30, seed=0)
    values = [t.value for t in result.trials]
    assert result.best.value == min(values)
    assert result.top(3)[0] is result.best and len(result.top(3)) == 3
    flipped = tuning.random_search(bowl, SPACE, 30, seed=0, maximize=True)
    assert flipped.best.value == max(values)
    assert "30 trials" in repr(result) and "best" in repr(result)


def test_dict_results_need_a_metric_name():
    def metrics(params, seed):
        return {"loss": bowl(params, seed), "accuracy": 1.0 - bowl(params, seed)}

    result = tuning.random_search(metrics, SPACE, 8, seed=1, metric="accuracy", maximize=True)
    assert result.best.value == max(t.metrics["accuracy"] for t in result.trials)
    assert set(result.best.metrics) == {"loss", "accuracy"}
    with pytest.raises(ValueError, match=r"several metrics \['accuracy', 'loss'\].*metric="):
        tuning.random_search(metrics, SPACE, 2)
    with pytest.raises(ValueError, match="'acc' is not among .*'accuracy', 'loss'"):
        tuning.random_search(metrics, SPACE, 2, metric="acc")
    with pytest.raises(ValueError, match="returned a number"):
        tuning.random_search(bowl, SPACE, 2, metric="loss")
    single = tuning.random_search(lambda p, s: {"loss": np.float32(2.5)}, SPACE, 1)
    assert single.best.value == 2.5 and type(single.best.value) is float


def test_failed_trials_are_recorded_and_the_search_goes_on():
    objective = Counting(raise_on={1}, nan_on={3})
    result = tuning.random_search(objective, SPACE, 6, seed=2)
    assert len(objective.calls) == 6
    statuses = [t.status for t in result.trials]
    assert statuses == ["ok", "failed", "ok", "failed", "ok", "ok"]
    assert result.trials[1].error == "RuntimeError: boom on call 1"
    assert "boom on call 1" in result.trials[1].traceback
    assert "nan" in result.trials[3].error and result.trials[3].value is None
    assert result.best.ok and result.best.index in (0, 2, 4, 5)
    assert len(result.failed_trials) == 2 and len(result.ok_trials) == 4
    bad_type = tuning.random_search(lambda p, s: "good", SPACE, 1)
    assert bad_type.trials[0].status == "failed" and "must return a number" in \
        bad_type.trials[0].error
    with pytest.raises(ValueError, match="No successful trial among 1 .*must return a number"):
        _ = bad_type.best


def test_inf_is_a_failure_too():
    result = tuning.random_search(lambda p, s: -math.inf, SPACE, 2)
    assert [t.status for t in result.trials] == ["failed", "failed"]


def test_each_trial_is_in_the_store_as_soon_as_it_finishes(tmp_path):
    path = tmp_path / "search.jsonl"
    seen = []

    def objective(params, seed):
        lines = path.read_text().splitlines() if path.exists() else []
        seen.append(len(lines))
        return bowl(params, seed)

    tuning.random_search(objective, SPACE, 4, store=str(path))
    assert seen == [0, 1, 2, 3]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["index"] for r in records] == [0, 1, 2, 3]
    assert {"params", "value", "metrics", "status", "error", "seed", "duration", "round"} <= \
        set(records[0])


def test_resume_skips_finished_trials(tmp_path):
    path = tmp_path / "search.jsonl"
    first = Counting()
    a = tuning.random_search(first, SPACE, 10, seed=5, store=path)
    assert len(first.calls) == 10
    again = Counting()
    b = tuning.random_search(again, SPACE, 10, seed=5, store=path)
    assert again.calls == []
    assert _summary(a) == _summary(b) and all(t.resumed for t in b.trials)
    more = Counting()
    c = tuning.random_search(more, SPACE, 15, seed=5, store=path)
    assert len(more.calls) == 5 and _summary(c)[:10] == _summary(a)
    # Another seed does not match the stored trials: all of them run.
    other = Counting()
    tuning.random_search(other, SPACE, 3, seed=6, store=path)
    assert len(other.calls) == 3


def test_resume_tolerates_a_truncated_last_line(tmp_path):
    path = tmp_path / "search.jsonl"
    tuning.random_search(bowl, SPACE, 4, seed=1, store=path)
    text = path.read_text()
    path.write_text(text[: len(text) - 25])  # the 4th record cut mid-write by a crash
    objective = Counting()
    with pytest.warns(UserWarning, match="truncated last line"):
        result = tuning.random_search(objective, SPACE, 4, seed=1, store=path)
    assert len(objective.calls) == 1 and objective.calls[0][0] == result.trials[3].params
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and all(json.loads(line) for line in lines)


def test_a_corrupt_line_in_the_middle_is_an_error(tmp_path):
    path = tmp_path / "search.jsonl"
    path.write_text('{"kind": "trial"}\nnot json\n{"kind": "trial"}\n')
    with pytest.raises(ValueError, match="line 2: not a JSON trial record"):
        tuning.random_search(bowl, SPACE, 1, store=path)


def test_failed_trials_are_kept_on_resume_unless_retried(tmp_path):
    path = tmp_path / "search.jsonl"
    tuning.random_search(Counting(raise_on={2}), SPACE, 4, store=path)
    again = Counting()
    result = tuning.random_search(again, SPACE, 4, store=path)
    assert again.calls == [] and result.trials[2].status == "failed"
    retry = Counting()
    result = tuning.random_search(retry, SPACE, 4, store=path, retry_failed=True)
    assert len(retry.calls) == 1 and result.trials[2].status == "ok"


def test_ctrl_c_keeps_what_finished_and_resume_completes(tmp_path):
    path = tmp_path / "search.jsonl"
    objective = Counting(interrupt_on=3)
    with pytest.raises(tuning.SearchInterrupted) as info:
        tuning.random_search(objective, SPACE, 8, seed=9, store=path)
    assert isinstance(info.value, KeyboardInterrupt)
    partial = info.value.result
    assert partial.interrupted and [t.index for t in partial.trials] == [0, 1, 2]
    assert len(path.read_text().splitlines()) == 3
    rest = Counting()
    result = tuning.random_search(rest, SPACE, 8, seed=9, store=path)
    assert len(rest.calls) == 5 and not result.interrupted
    assert _summary(result) == _summary(tuning.random_search(bowl, SPACE, 8, seed=9))


def test_grid_search_tries_few_distinct_values():
    space = {"learning_rate": tuning.log_uniform(1e-4, 1), "beta": tuning.uniform(0.9, 0.999)}
    on_grid = tuning.grid_search(bowl, space, 5)
    at_random = tuning.random_search(bowl, space, 25)
    assert len(on_grid) == len(at_random) == 25
    assert len({t.params["learning_rate"] for t in on_grid.trials}) == 5
    assert len({t.params["learning_rate"] for t in at_random.trials}) == 25


def test_coarse_to_fine_narrows_around_the_optimum():
    space = dict(SPACE, units=tuning.int_uniform(8, 256), act=tuning.choice(["a", "b", "c"]))

    def objective(params, seed):
        return bowl(params, seed) + (0.0 if params["act"] == "b" else 1.0)

    result = tuning.coarse_to_fine(objective, space, rounds=3, trials_per_round=24, keep=4,
                                   seed=0)
    assert len(result.spaces) == 3 and len(result.trials) == 72
    assert [t.round for t in result.trials] == [0] * 24 + [1] * 24 + [2] * 24
    first, last = result.spaces[0], result.spaces[-1]
    for name in ("learning_rate", "beta"):
        optimum_axis = first[name].to_axis(BOWL_OPTIMUM[name])
        lo, hi = sorted([last[name].to_axis(last[name].low), last[name].to_axis(last[name].high)])
        width0 = abs(first[name].to_axis(first[name].high) - first[name].to_axis(first[name].low))
        assert lo < optimum_axis < hi, (name, last[name])
        assert hi - lo < width0 / 2, (name, last[name])
    assert isinstance(last["units"], tuning.IntUniform)
    assert last["units"].high - last["units"].low < 248 and 64 in range(last["units"].low, 257)
    # The categorical choice keeps every option, re-weighted toward "b" (all 4 kept trials).
    assert last["act"].options == ["a", "b", "c"]
    np.testing.assert_allclose(last["act"].weights, [1 / 7, 5 / 7, 1 / 7])
    last_round = [t.params["act"] for t in result.trials if t.round == 2]
    assert last_round.count("b") > 12 and set(last_round) == {"a", "b", "c"}
    # Every round's trials lie inside that round's space, and later rounds do better.
    for t in result.trials:
        s = result.spaces[t.round]
        assert s["learning_rate"].low <= t.params["learning_rate"] <= s["learning_rate"].high
        assert s["units"].low <= t.params["units"] <= s["units"].high
    medians = [np.median([t.value for t in result.trials if t.round == r]) for r in range(3)]
    assert medians[2] < medians[1] < medians[0]
    again = tuning.coarse_to_fine(objective, space, rounds=3, trials_per_round=24, keep=4, seed=0)
    assert _summary(again) == _summary(result)


def test_coarse_to_fine_narrows_around_the_best_trials_of_all_rounds():
    """A round that does badly (here: every trial after the first 10 is awful) cannot pull the
    next range away from the good trials an earlier round found."""
    calls = []

    def objective(params, seed):
        calls.append(params)
        good = (params["x"] - 0.2) ** 2
        return good if len(calls) <= 10 else 10.0 + good

    space = {"x": tuning.uniform(0.0, 1.0)}
    result = tuning.coarse_to_fine(objective, space, rounds=3, trials_per_round=10, keep=3,
                                   margin=0.0)
    top_x = sorted(t.params["x"] for t in result.top(3, round=0))
    assert result.spaces[2]["x"] == tuning.uniform(top_x[0], top_x[-1])
    assert result.best.round == 0
    assert "later rounds beat round 0: no" in result.report()


@pytest.mark.parametrize("maximize", [False, True])
def test_coarse_to_fine_against_random_search_of_the_same_budget(maximize):
    counted = Counting()
    sign = -1.0 if maximize else 1.0

    def objective(params, seed):
        return sign * counted(params, seed)

    result = tuning.coarse_to_fine(objective, SPACE, rounds=3, trials_per_round=[8, 6, 6],
                                   keep=3, seed=4, maximize=maximize, compare_random=True)
    baseline = result.random_baseline
    assert len(baseline.trials) == 20
    assert len(counted.calls) == 20 + 12  # round 0's 8 trials are the baseline's first 8
    assert baseline.trials[:8] == [t for t in result.trials if t.round == 0]
    plain = tuning.random_search(bowl, SPACE, 20, seed=4)
    assert [t.params for t in baseline.trials] == [t.params for t in plain.trials]
    assert [sign * t.value for t in baseline.trials] == [t.value for t in plain.trials]
    won = result.best.value < baseline.best.value if not maximize else \
        result.best.value > baseline.best.value
    verdict = result.report().splitlines()[-1]
    assert verdict.startswith(f"coarse to fine found the better value: {'yes' if won else 'no'}")
    assert f"{result.best.value:.4g} vs {baseline.best.value:.4g}" in verdict
    assert tuning.coarse_to_fine(bowl, SPACE, 2, 5).random_baseline is None


def test_coarse_to_fine_resumes_round_by_round(tmp_path):
    path = tmp_path / "c2f.jsonl"
    objective = Counting(interrupt_on=14)
    with pytest.raises(tuning.SearchInterrupted):
        tuning.coarse_to_fine(objective, SPACE, rounds=3, trials_per_round=[8, 8, 6], store=path)
    rest = Counting()
    result = tuning.coarse_to_fine(rest, SPACE, rounds=3, trials_per_round=[8, 8, 6], store=path)
    assert len(rest.calls) == 22 - 14
    fresh = tuning.coarse_to_fine(bowl, SPACE, rounds=3, trials_per_round=[8, 8, 6])
    assert _summary(result) == _summary(fresh)
    assert [repr(s) for s in result.spaces] == [repr(s) for s in fresh.spaces]


def test_progress_bar_on_request(capsys):
    tuning.random_search(bowl, SPACE, 3, progress=True)
    assert "3/3" in capsys.readouterr().err
    tuning.random_search(bowl, SPACE, 3, progress=False)
    assert capsys.readouterr().err == ""


def test_argument_errors():
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        tuning.random_search(bowl, SPACE, 1, seed=-1)
    with pytest.raises(TypeError, match="objective must be callable"):
        tuning.random_search("bowl", SPACE, 1)
    with pytest.raises(ValueError, match="2 entries for 3 rounds"):
        tuning.coarse_to_fine(bowl, SPACE, rounds=3, trials_per_round=[4, 4])


def test_plots_use_each_parameters_scale(tmp_path):
    pytest.importorskip("matplotlib")
    from minigraph.tuning.plots import plot_grid_vs_random, plot_trials

    space = dict(SPACE, layers=tuning.choice([1, 2]))
    result = tuning.coarse_to_fine(Counting(raise_on={0}), space, rounds=2, trials_per_round=8)
    fig = plot_trials(result, "learning_rate", "beta", path=tmp_path / "c2f.png")
    ax = fig.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "function")
    low, high = ax.get_ylim()
    assert 0.85 < low < 0.9 and 0.9999 < high < 1.0  # padded on the 1 - beta axis, never past 1
    best = f"best: {result.best.value:.4g}"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["round 0", "round 1", "failed",
                                                                   best]
    star = [c for c in ax.collections if c.get_label() == best][0]
    np.testing.assert_allclose(star.get_offsets()[0], [result.best.params["learning_rate"],
                                                       result.best.params["beta"]])
    assert len(ax.patches) == 2  # one dashed box per round
    assert (tmp_path / "c2f.png").stat().st_size > 1000
    assert plot_trials(result, "layers").axes[0].get_ylabel() == "value"
    with pytest.raises(ValueError, match="'units' is not a searched parameter"):
        plot_trials(result, "units")
    fig = plot_grid_vs_random(SPACE, "learning_rate", "beta", n_per_axis=4)
    assert [a.get_title() for a in fig.axes] == ["4 x 4 grid: 4 distinct learning_rate",
                                                 "16 random: 16 distinct learning_rate"]


def test_one_outlier_cannot_swamp_the_colour_scale():
    """Losses 0.10..0.30 and one diverged trial at 50: on a linear scale the good trials all get
    (nearly) the same colour; by rank or log they spread over the colour map."""
    pytest.importorskip("matplotlib")
    from minigraph.tuning.plots import colour_positions, plot_trials

    values = [0.10, 0.15, 0.20, 0.25, 0.30, 50.0]
    spread = {scale: np.ptp(colour_positions(values, scale)[0][:5])
              for scale in ("linear", "log", "rank")}
    assert spread["linear"] < 0.01 and spread["log"] > 0.15 and spread["rank"] == 0.8
    positions, ticks, labels = colour_positions(values)
    assert labels[0] == "0.1" and labels[-1] == "50" and ticks[-1] == 1.0
    assert colour_positions([1.0, 1.0, 2.0])[0].tolist() == [0.0, 0.0, 1.0]  # ties share
    with pytest.raises(ValueError, match="needs scores > 0"):
        colour_positions([0.0, 1.0], "log")

    def objective(params, seed):
        return values[int(params["i"])]

    result = tuning.grid_search(objective, {"i": tuning.int_uniform(0, 5)}, 6)
    fig = plot_trials(result, "i")
    colours = fig.axes[0].collections[0].get_array()
    assert np.ptp(np.asarray(colours)[:5]) == pytest.approx(0.8)  # what is drawn, by rank


def test_plot_search_comparison_puts_the_objective_under_each_search(tmp_path):
    pytest.importorskip("matplotlib")
    from minigraph.tuning.plots import plot_search_comparison

    searches = {"grid": tuning.grid_search(bowl, SPACE, 3),
                "random": tuning.random_search(bowl, SPACE, 9)}
    xs = np.logspace(-5, 0, 30)
    curve = (xs, (np.log10(xs) + 2) ** 2, (np.log10(xs) + 2) ** 2 - 0.1,
             (np.log10(xs) + 2) ** 2 + 0.1)
    fig = plot_search_comparison(searches, "learning_rate", "beta", curve=curve,
                                 path=tmp_path / "compare.png")
    top_grid, top_random, bottom_grid, bottom_random = fig.axes[:4]
    assert top_grid.get_title() == "grid: 3 distinct learning_rate"
    assert bottom_grid.get_xscale() == "log" and len(bottom_random.collections) == 1  # band
    best_x = searches["random"].best.params["learning_rate"]
    assert bottom_random.get_legend().get_texts()[-1].get_text() == \
        f"best learning_rate: {best_x:.3g}"
    assert (tmp_path / "compare.png").stat().st_size > 1000


@pytest.mark.parametrize("module", ["spaces", "search", "store", "parallel", "babysit",
                                    "examples", "plots"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    if module in ("plots",):
        pytest.importorskip("matplotlib")
    if module == "examples":
        pytest.importorskip("sklearn")
    mod = importlib.import_module(f"minigraph.tuning.{module}")
    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
