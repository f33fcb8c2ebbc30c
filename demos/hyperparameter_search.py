"""Tuning a digits network the way the lecture says, with every verdict computed from the numbers.

The network is `minigraph.tuning.examples.digits_network`: scikit-learn's bundled 8x8 digits
(nothing downloaded), hidden ReLU layers (optionally matmul + `tf.layers.batch_normalization` +
ReLU, validated with the moving averages), softmax cross-entropy, `tf.train.MomentumOptimizer`
on mini-batches, learning-rate decay `α / (1 + decay · epoch)`, each trial in its own graph and
session. Each hyperparameter is searched on its own scale:

* learning rate α: `log_uniform(1e-3, 3)`, i.e. `10**r` with r uniform in [-3, 0.5];
* momentum β: `one_minus_log_uniform(0.8, 0.995)`, i.e. `1 - 10**r`;
* hidden units: `int_uniform(16, 96)`; hidden layers: `choice([1, 2, 3])`;
* mini-batch size: `choice([32, 64, 128, 256])`; decay: `uniform(0, 0.5)`.

The demo

1. compares a grid and random search **at the same budget** on (α, β), with the objective
   measured along α drawn under each (`grid_vs_random.png`); in the full setting over several
   search seeds, so "random finds the better α" is a frequency, not an anecdote;
2. trains the **same random draws** with and without batch norm and counts, draw by draw, which
   is better (`search_with_and_without_bn.png`);
3. runs a random search on a process pool of 2 workers ("caviar"), storing every trial in
   `search.jsonl` as it finishes, checks that the first trials rerun serially give exactly the
   same results, and that running the search again with the store runs nothing;
4. runs coarse-to-fine **against random search of the same budget** (`compare_random=True`) and
   prints its `report()` (`random_search.png`, `coarse_to_fine.png`: trials on their own
   scales, coloured by rank so a diverged trial cannot swamp the colours, the best starred).

It ends with a summary whose every verdict is computed from the numbers above it, whichever way
they come out. Run `python demos/hyperparameter_search.py` (a few minutes), or `--quick`
(fewer, shorter trials), with `--outdir DIR` for the pictures and the stores.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import time

import numpy as np

from minigraph import tuning
from minigraph.tuning.examples import digits_network, load_digits_split
from minigraph.tuning.plots import plot_search_comparison, plot_trials

CONSTANTS = ("epochs", "batch_norm")


def make_space(epochs: int, batch_norm: bool = True) -> dict:
    """The full search space; `epochs` and `batch_norm` are constants every trial receives."""
    return {
        "learning_rate": tuning.log_uniform(1e-3, 3.0),
        "beta": tuning.one_minus_log_uniform(0.8, 0.995),
        "hidden_units": tuning.int_uniform(16, 96),
        "layers": tuning.choice([1, 2, 3]),
        "batch_size": tuning.choice([32, 64, 128, 256]),
        "decay": tuning.uniform(0.0, 0.5),
        "epochs": epochs,
        "batch_norm": batch_norm,
    }


def show_scales() -> None:
    """The decade shares of the learning rate and the beta shares above 0.99, as the lecture."""
    rng = np.random.default_rng(0)
    lr = np.array(tuning.log_uniform(1e-4, 1).sample(rng, 4000))
    shares = np.histogram(lr, bins=[1e-4, 1e-3, 1e-2, 1e-1, 1.0 + 1e-12])[0] / len(lr)
    print("log_uniform(1e-4, 1), share per decade:", np.round(shares, 3))
    beta = np.array(tuning.one_minus_log_uniform(0.9, 0.999).sample(rng, 4000))
    print(f"one_minus_log_uniform(0.9, 0.999): P(beta > 0.99) = {np.mean(beta > 0.99):.3f}")


def yes(flag) -> str:
    return "yes" if flag else "no"


# ---------------------------------------------------------------- 1. grid versus random
def grid_versus_random(epochs: int, per_axis: int, search_seeds: int, curve_points: int,
                       outdir: str) -> dict:
    """A per_axis x per_axis grid and as many random trials on (α, β); returns the numbers."""
    space = {"learning_rate": tuning.log_uniform(1e-3, 3.0),
             "beta": tuning.one_minus_log_uniform(0.8, 0.995),
             "hidden_units": 32, "layers": 1, "batch_size": 64, "epochs": epochs}
    budget = per_axis * per_axis
    grid = tuning.grid_search(digits_network, space, per_axis, metric="val_loss")
    randoms = [tuning.random_search(digits_network, space, budget, seed=s, metric="val_loss")
               for s in range(search_seeds)]
    wins = [r.best.value < grid.best.value for r in randoms]
    print(f"{per_axis} x {per_axis} grid: {len(grid)} trials, "
          f"{len({t.params['learning_rate'] for t in grid.trials})} distinct learning rates, "
          f"best validation loss {grid.best.value:.3f}")
    best = np.array([r.best.value for r in randoms])
    print(f"random, {budget} trials, {search_seeds} search seed(s): "
          f"{len({t.params['learning_rate'] for t in randoms[0].trials})} distinct learning "
          f"rates, best validation loss {best.mean():.3f} ± {best.std():.3f}; better than the "
          f"grid in {sum(wins)} of {search_seeds}")

    # The objective along α (β = 0.9), measured over 2 seeds: what the searches sample.
    alphas = np.logspace(-3, np.log10(3.0), curve_points)
    losses = np.array([[digits_network(dict(space, learning_rate=float(a), beta=0.9), seed)
                        ["val_loss"] for seed in (0, 1)] for a in alphas])
    losses = np.where(np.isfinite(losses), losses, np.nan)
    curve = (alphas, np.nanmean(losses, axis=1), np.nanmin(losses, axis=1),
             np.nanmax(losses, axis=1))
    plot_search_comparison({f"{per_axis} x {per_axis} grid": grid,
                            f"{budget} random": randoms[0]}, "learning_rate", "beta",
                           curve=curve, curve_label="validation loss at β = 0.9 (2 seeds)",
                           path=os.path.join(outdir, "grid_vs_random.png"))
    return {"grid": grid.best.value, "random": best.tolist(), "wins": sum(wins),
            "seeds": search_seeds}


# ---------------------------------------------------------------- 2. with and without BN
def with_and_without_batch_norm(epochs: int, draws: int, outdir: str) -> dict:
    """The same `draws` random draws, trained with and without batch norm."""
    errors = {}
    for batch_norm in (True, False):
        result = tuning.random_search(digits_network, make_space(epochs, batch_norm), draws,
                                      seed=2, metric="val_error")
        errors[batch_norm] = np.array([t.value if t.ok else 1.0 for t in result.trials])
    better = int(np.sum(errors[True] < errors[False]))
    good = {bn: int(np.sum(e < 0.1)) for bn, e in errors.items()}
    print(f"same {draws} draws: median validation error {np.median(errors[True]):.3f} with BN, "
          f"{np.median(errors[False]):.3f} without; below 0.1 in {good[True]} with BN, "
          f"{good[False]} without; BN lower in {better} of {draws} draws")
    _draw_paired(errors, os.path.join(outdir, "search_with_and_without_bn.png"))
    return {"better": better, "draws": draws, "good": good,
            "median": {bn: float(np.median(e)) for bn, e in errors.items()}}


def _draw_paired(errors: dict, path: str) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.2, 5.0), layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(errors[False], errors[True], edgecolors="black", linewidths=0.4, zorder=3)
    ax.plot([0, 1], [0, 1], "--", color="grey", label="same error")
    ax.set_xlabel("validation error without batch norm")
    ax.set_ylabel("validation error with batch norm")
    below = int(np.sum(errors[True] < errors[False]))
    ax.set_title(f"The same {len(errors[True])} random draws: BN lower in {below}", fontsize=10)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", fontsize=8)
    fig.savefig(path, dpi=100)


def _same(a, b) -> bool:
    keys = [(t.params, t.seed, t.status, t.value) for t in a]
    return keys == [(t.params, t.seed, t.status, t.value) for t in b]


# ---------------------------------------------------------------- 3 and 4, on a process pool
def caviar(space: dict, n_random: int, n_check: int, rounds: int, per_round: int,
           outdir: str):
    """Random search on a pool with a store, the serial check, resume, and coarse to fine."""
    store = os.path.join(outdir, "search.jsonl")
    if os.path.exists(store):
        os.remove(store)  # a fresh demo every time (keep the file to resume a real search)
    c2f_store = os.path.join(outdir, "coarse_to_fine.jsonl")
    if os.path.exists(c2f_store):
        os.remove(c2f_store)
    load_digits_split()  # before the pool: forked workers inherit the data (and sklearn)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        start = time.perf_counter()
        result = tuning.random_search(digits_network, space, n_random, seed=0,
                                      metric="val_loss", executor=pool, store=store)
        print(f"\nrandom search, {n_random} trials on 2 processes: "
              f"{time.perf_counter() - start:.1f} s")
        print(result)
        for trial in result.top(3):
            shown = {k: v for k, v in trial.params.items() if k not in CONSTANTS}
            print(f"  val_loss {trial.value:.3f}  val_error {trial.metrics['val_error']:.3f}  "
                  f"{shown}")

        serial = tuning.random_search(digits_network, space, n_check, seed=0, metric="val_loss")
        same = _same(serial.trials, result.trials[:n_check])
        print(f"first {n_check} trial(s) rerun serially give identical results: {same}")
        assert same

        start = time.perf_counter()
        resumed = tuning.random_search(digits_network, space, n_random, seed=0,
                                       metric="val_loss", executor=pool, store=store)
        ran = sum(not t.resumed for t in resumed.trials)
        print(f"same search again with the same store: {time.perf_counter() - start:.2f} s, "
              f"{ran} trials run")
        assert ran == 0

        start = time.perf_counter()
        fine = tuning.coarse_to_fine(digits_network, space, rounds=rounds,
                                     trials_per_round=per_round, keep=3, seed=1,
                                     metric="val_loss", executor=pool, store=c2f_store,
                                     compare_random=True)
    print(f"\ncoarse to fine, {rounds} rounds x {per_round}, and random search of the same "
          f"budget: {time.perf_counter() - start:.1f} s")
    for round_, round_space in enumerate(fine.spaces):
        shown = {k: v for k, v in round_space.items() if k not in CONSTANTS}
        print(f"  round {round_}: {shown}")
    print(fine.report())
    plot_trials(result, "learning_rate", "beta", path=os.path.join(outdir, "random_search.png"),
                title=f"random search: {n_random} trials, colour = rank of validation loss")
    plot_trials(fine, "learning_rate", "beta", path=os.path.join(outdir, "coarse_to_fine.png"),
                title=f"coarse to fine: {rounds} rounds of {per_round}")
    return fine


def summary(grid: dict, bn: dict, fine) -> list:
    """The closing verdicts, each computed from the numbers (never a fixed claim).

    `grid` and `bn` are what `grid_versus_random` and `with_and_without_batch_norm` return;
    `fine` is a coarse-to-fine result with its `random_baseline`.
    """
    usually = grid["wins"] * 2 > grid["seeds"]
    baseline = fine.random_baseline.best.value
    won = fine.best.value < baseline
    return [
        f"- random search beat the grid at the same budget in {grid['wins']} of "
        f"{grid['seeds']} search seed(s): random won in {'most' if usually else 'not most'} "
        "of them",
        f"- batch norm gave the lower validation error in {bn['better']} of {bn['draws']} "
        f"identical draws ({'most' if bn['better'] * 2 > bn['draws'] else 'not most'} of them)",
        f"- coarse to fine's best validation loss {fine.best.value:.3f} (round "
        f"{fine.best.round}) vs random search of the same {len(fine.random_baseline)} trials "
        f"{baseline:.3f}: coarse to fine {'won' if won else 'did not win'}",
    ]


def main(quick: bool = False, outdir: str = ".") -> dict:
    """Runs the four parts and prints a summary computed from their numbers; returns them."""
    os.makedirs(outdir, exist_ok=True)
    epochs = 1 if quick else 3
    show_scales()

    print("\n1. grid versus random search at the same budget, on (α, β)")
    grid = grid_versus_random(epochs, per_axis=3 if quick else 5,
                              search_seeds=1 if quick else 5,
                              curve_points=5 if quick else 13, outdir=outdir)

    print("\n2. batch norm: the same random draws with and without it")
    bn = with_and_without_batch_norm(epochs, draws=4 if quick else 20, outdir=outdir)

    print("\n3. random search on a process pool, with a store; 4. coarse to fine")
    fine = caviar(make_space(epochs), n_random=4 if quick else 24, n_check=1 if quick else 3,
                  rounds=2 if quick else 3, per_round=3 if quick else 8, outdir=outdir)

    print("\nsummary (computed from the numbers above):")
    for line in summary(grid, bn, fine):
        print(line)
    print("\npictures: grid_vs_random.png, search_with_and_without_bn.png, random_search.png, "
          "coarse_to_fine.png in", outdir)
    return {"grid": grid, "bn": bn, "coarse_to_fine": fine.best.value,
            "random": fine.random_baseline.best.value}


if __name__ == "__main__":
    outdir = sys.argv[sys.argv.index("--outdir") + 1] if "--outdir" in sys.argv else "."
    main(quick="--quick" in sys.argv, outdir=outdir)
