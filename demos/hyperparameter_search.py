"""Tuning a digits network the way the lecture says: right scales, random search, coarse to fine.

The network is `minigraph.tuning.examples.digits_network`: scikit-learn's bundled 8x8 digits
(nothing downloaded), hidden layers of matmul + `tf.layers.batch_normalization` + ReLU (the
batch-norm network of `demos/batchnorm_digits.py`, validated with the moving averages), softmax
cross-entropy, `tf.train.MomentumOptimizer`, each trial in its own graph and session. Four
hyperparameters are searched, each on its own scale:

* learning rate alpha: `log_uniform(1e-3, 3)`, i.e. `10**r` with r uniform in [-3, 0.5];
* momentum beta: `one_minus_log_uniform(0.8, 0.995)`, i.e. `1 - 10**r`;
* hidden units: `int_uniform(16, 96)`;
* number of hidden layers: `choice([1, 2])`.

The demo

1. shows why random beats grid: 25 random trials try 25 distinct learning rates, a 5 x 5 grid
   tries 5 (picture `grid_vs_random.png`);
2. runs a random search on a process pool of 2 workers ("caviar"), storing every trial in
   `search.jsonl` as it finishes, and checks that the first trials, rerun serially, give
   exactly the same results; running the search again with the same store runs nothing;
3. runs coarse-to-fine: each round samples again around the best trials of the round before
   (`random_search.png`, `coarse_to_fine.png`: trials on their own scales, colour = validation
   loss, one marker and one dashed box per round).

Run `python demos/hyperparameter_search.py`, or `--quick` (fewer, shorter trials), with
`--outdir DIR` for the pictures and the stores.

Run time on 2 cores: about 70 s (25 random trials, then 3 rounds of 8, each trial 100 steps; the
searches show a progress bar in a terminal or Jupyter); `--quick` about 5 s.
"""

from __future__ import annotations

import concurrent.futures
import os
import time

import numpy as np

from minigraph import tuning
from minigraph.tuning.examples import digits_network, load_digits_split
from minigraph.tuning.plots import plot_grid_vs_random, plot_trials


def make_space(steps: int) -> dict:
    """The search space; `steps` and `batch_norm` are constants every trial receives."""
    return {
        "learning_rate": tuning.log_uniform(1e-3, 3.0),
        "beta": tuning.one_minus_log_uniform(0.8, 0.995),
        "hidden_units": tuning.int_uniform(16, 96),
        "layers": tuning.choice([1, 2]),
        "steps": steps,
        "batch_norm": True,
    }


def show_scales() -> None:
    """The decade shares of the learning rate and the beta shares above 0.99, as the lecture."""
    rng = np.random.default_rng(0)
    lr = np.array(tuning.log_uniform(1e-4, 1).sample(rng, 4000))
    shares = np.histogram(lr, bins=[1e-4, 1e-3, 1e-2, 1e-1, 1.0 + 1e-12])[0] / len(lr)
    print("log_uniform(1e-4, 1), share per decade:", np.round(shares, 3))
    beta = np.array(tuning.one_minus_log_uniform(0.9, 0.999).sample(rng, 4000))
    print(f"one_minus_log_uniform(0.9, 0.999): P(beta > 0.99) = {np.mean(beta > 0.99):.3f}")


def grid_versus_random(space: dict, outdir: str) -> None:
    two = {"learning_rate": space["learning_rate"], "beta": space["beta"]}
    grid_points = tuning.grid(two, 5)
    random_points = tuning.random_search(_params_only, two, 25, seed=0).trials
    grid_lrs = {p["learning_rate"] for p in grid_points}
    random_lrs = {t.params["learning_rate"] for t in random_points}
    print(f"5 x 5 grid: {len(grid_points)} trials, {len(grid_lrs)} distinct learning rates")
    print(f"random:     {len(random_points)} trials, {len(random_lrs)} distinct learning rates")
    assert len(grid_lrs) == 5 and len(random_lrs) == 25
    plot_grid_vs_random(space, "learning_rate", "beta",
                        path=os.path.join(outdir, "grid_vs_random.png"))


def _params_only(params, seed) -> float:
    """A free objective: only the parameters are looked at (for counting distinct values)."""
    return 0.0


def _same(a, b) -> bool:
    keys = [(t.params, t.seed, t.status, t.value) for t in a]
    return keys == [(t.params, t.seed, t.status, t.value) for t in b]


def main(quick: bool = False, outdir: str = ".") -> None:
    os.makedirs(outdir, exist_ok=True)
    steps = 10 if quick else 100
    n_random = 4 if quick else 25
    rounds, per_round = (2, 3) if quick else (3, 8)
    space = make_space(steps)

    show_scales()
    grid_versus_random(space, outdir)

    store = os.path.join(outdir, "search.jsonl")
    if os.path.exists(store):
        os.remove(store)  # a fresh demo every time (keep the file to resume a real search)
    load_digits_split()  # before the pool: forked workers inherit the data (and sklearn)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        start = time.perf_counter()
        result = tuning.random_search(digits_network, space, n_random, seed=0,
                                      metric="val_loss", executor=pool, store=store)
        print(f"\nrandom search, {n_random} trials on 2 processes: "
              f"{time.perf_counter() - start:.1f} s")
        print(result)
        for trial in result.top(3):
            print(f"  val_loss {trial.value:.3f}  val_error {trial.metrics['val_error']:.3f}  "
                  f"{trial.params}")

        n_check = 1 if quick else 3
        serial = tuning.random_search(digits_network, space, n_check, seed=0, metric="val_loss")
        print(f"first {n_check} trial(s) rerun serially give identical results:",
              _same(serial.trials, result.trials[:n_check]))
        assert _same(serial.trials, result.trials[:n_check])

        start = time.perf_counter()
        resumed = tuning.random_search(digits_network, space, n_random, seed=0,
                                       metric="val_loss", executor=pool, store=store)
        print(f"same search again with the same store: {time.perf_counter() - start:.2f} s, "
              f"{sum(not t.resumed for t in resumed.trials)} trials run")
        assert all(t.resumed for t in resumed.trials)

        start = time.perf_counter()
        fine = tuning.coarse_to_fine(digits_network, space, rounds=rounds,
                                     trials_per_round=per_round, keep=3, seed=1,
                                     metric="val_loss", executor=pool,
                                     store=os.path.join(outdir, "coarse_to_fine.jsonl"))
    print(f"\ncoarse to fine, {rounds} rounds x {per_round}: {time.perf_counter() - start:.1f} s")
    for round_, round_space in enumerate(fine.spaces):
        shown = {k: v for k, v in round_space.items() if k not in ("steps", "batch_norm")}
        print(f"  round {round_}: {shown}")
    print("  best:", fine.best)

    plot_trials(result, "learning_rate", "beta", path=os.path.join(outdir, "random_search.png"),
                title=f"random search: {n_random} trials, colour = validation loss")
    plot_trials(fine, "learning_rate", "beta", path=os.path.join(outdir, "coarse_to_fine.png"),
                title=f"coarse to fine: {rounds} rounds of {per_round}")
    print("\npictures: grid_vs_random.png, random_search.png, coarse_to_fine.png in", outdir)


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
