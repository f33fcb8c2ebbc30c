"""The demos' closing verdicts are computed from their numbers, whichever way they come out.

A demo that printed "coarse to fine won" or "batch norm helps" as fixed text would pass every
run of its own; these tests feed each summary both outcomes and check the words follow.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from minigraph import tuning

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def _demo(name: str):
    spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fine(value: float, baseline: float):
    """A coarse-to-fine result whose best is `value`, against a random search best `baseline`."""
    def trial(round_, index, v):
        return tuning.Trial(round_, index, {"x": 0.5}, 0, value=v)

    space = {"x": tuning.uniform(0, 1)}
    fine = tuning.SearchResult([trial(0, 0, 1.0), trial(1, 0, value)], [space, space], False,
                               "val_loss")
    fine.random_baseline = tuning.SearchResult([trial(0, 0, 1.0), trial(0, 1, baseline)],
                                               [space], False, "val_loss")
    return fine


@pytest.mark.parametrize("c2f_wins", [True, False])
@pytest.mark.parametrize("random_wins", [True, False])
def test_search_demo_summary_follows_its_numbers(c2f_wins, random_wins):
    pytest.importorskip("sklearn")
    demo = _demo("hyperparameter_search")
    grid = {"wins": 4 if random_wins else 1, "seeds": 5}
    bn = {"better": 18 if random_wins else 3, "draws": 20}
    fine = _fine(0.10, 0.20) if c2f_wins else _fine(0.30, 0.20)
    lines = demo.summary(grid, bn, fine)
    most = "most" if random_wins else "not most"
    assert lines[0].endswith(f"random won in {most} of them")
    assert f"in {grid['wins']} of 5" in lines[0]
    assert f"in {bn['better']} of 20 identical draws ({most} of them)" in lines[1]
    assert lines[2].endswith("coarse to fine won" if c2f_wins else "coarse to fine did not win")
    assert f"{fine.best.value:.3f} (round 1)" in lines[2]
