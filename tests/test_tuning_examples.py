"""The example objectives of minigraph.tuning, incl. the batch-norm digits network."""

import math

import pytest

pytest.importorskip("sklearn")

from minigraph.tuning.examples import digits_network  # noqa: E402


@pytest.mark.parametrize("batch_norm", [False, True])
def test_digits_network_learns_with_and_without_batch_norm(batch_norm):
    params = {"learning_rate": 0.3, "beta": 0.9, "hidden_units": 32, "layers": 2, "steps": 40,
              "batch_norm": batch_norm}
    metrics = digits_network(params, seed=0)
    assert math.isfinite(metrics["val_loss"]) and metrics["val_error"] < 0.3
    assert digits_network(params, seed=0) == metrics  # one seed, one result

