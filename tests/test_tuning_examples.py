"""The example objectives of minigraph.tuning, incl. the batch-norm digits network."""

import math

import numpy as np

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



def test_minibatches_cover_each_epoch_once_and_stop_after_the_steps():
    from minigraph.tuning.examples import _minibatches

    batches = list(_minibatches(10, 4, 7, seed=0))  # 3 batches per epoch: 4, 4, 2
    assert [len(b) for b in batches] == [4, 4, 2, 4, 4, 2, 4]
    for epoch in (batches[0:3], batches[3:6]):
        assert sorted(np.concatenate(epoch)) == list(range(10))
    assert not np.array_equal(np.concatenate(batches[0:3]), np.concatenate(batches[3:6]))
    assert list(_minibatches(10, 10, 3, seed=0)) == [slice(None)] * 3


def test_batch_size_epochs_and_decay_are_tunable():
    base = {"learning_rate": 0.1, "beta": 0.9, "hidden_units": 16}
    full = digits_network(dict(base, steps=5), seed=1)
    assert digits_network(dict(base, steps=5, batch_size=10 ** 6), seed=1) == full
    small = digits_network(dict(base, batch_size=50, epochs=2), seed=1)
    assert small != full and small["val_error"] < 0.3  # 2 epochs of 28 steps learn a lot
    # decay: lr / (1 + decay * epoch). With an enormous decay only epoch 0 trains, so a third
    # epoch changes nothing; without decay it does.
    frozen = dict(base, batch_size=100, decay=1e9)
    one, three = (digits_network(dict(frozen, epochs=n), seed=1) for n in (1, 3))
    assert three["val_loss"] == pytest.approx(one["val_loss"], rel=1e-5)
    moving = dict(base, batch_size=100)
    one, three = (digits_network(dict(moving, epochs=n), seed=1) for n in (1, 3))
    assert three["val_loss"] < one["val_loss"] - 0.05
