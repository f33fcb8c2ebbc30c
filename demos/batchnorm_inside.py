"""What batch normalization does inside a network, measured over seeds and drawn.

Four pictures for docs/batch_norm.md, each from a small experiment on scikit-learn's digits
(nothing downloaded) or on a stream of numbers, every number averaged over several seeds:

1. `bn_moving_averages.png`: the layer's moving mean and variance are week 2's exponentially
   weighted averages, started at 0 and 1 and never bias-corrected. On a stream of mini-batches
   of mean 10 and variance 25 they follow `(1 - β^t) * 10` and `β^t + (1 - β^t) * 25`, so with
   TF1's default β = `momentum` = 0.99 they need a few hundred steps to be usable.
2. `bn_covariate_shift.png`: a probe of covariate shift. Before every training step, the mean
   and standard deviation of each unit of layer 2 (what layer 3 learns from) on 256 fixed
   images, with and without batch norm: without, they drift by many times their spread; with,
   they stay near β and γ.
3. `bn_noise_vs_batch_size.png`: the regularizing noise. One image's normalized value depends
   on the rest of its mini-batch; its spread over random mini-batches falls like `1/sqrt(m)`.
4. `bn_update_ops.png`: TF1's `UPDATE_OPS` trap, met on purpose with `tf.layers.strict_tf1()`:
   the moving averages never move and the validation accuracy collapses, while minigraph's
   default and TF1's `tf.control_dependencies(UPDATE_OPS)` idiom both work.

Every verdict it prints is computed from the numbers it measured. Run
`python demos/batchnorm_inside.py` (3-5 seeds, about a minute), or `--quick` (2 seeds, fewer
steps), with `--outdir DIR` for the pictures.
"""

from __future__ import annotations

import os
import sys

import numpy as np

import minigraph as tf
from minigraph.tuning.examples import load_digits_split

STREAM_MEAN, STREAM_STD = 10.0, 5.0


# ---------------------------------------------------------------- 1. moving averages
def moving_averages(momenta, steps: int, seeds: int) -> dict:
    """Moving mean and variance after each of `steps` updates on a stream of mini-batches.

    Returns `{momentum: (means, variances)}`, arrays of shape [seeds, steps].
    """
    traces = {m: (np.zeros((seeds, steps)), np.zeros((seeds, steps))) for m in momenta}
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 1], name="x")
        for m in momenta:
            tf.layers.batch_normalization(x, training=True, momentum=m, name=f"bn_{m}")
        graph = tf.get_default_graph()
        watched = {m: [graph.get_tensor_by_name(f"bn_{m}/moving_{kind}:0")
                       for kind in ("mean", "variance")] for m in momenta}
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            sess.run(tf.global_variables_initializer())
            for t in range(steps):
                sess.run(update_ops, {x: rng.normal(STREAM_MEAN, STREAM_STD, (64, 1))})
                for m, (mean, variance) in sess.run(watched).items():
                    traces[m][0][seed, t], traces[m][1][seed, t] = mean[0], variance[0]
    return traces


def draw_moving_averages(traces: dict, path: str) -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for column, (name, truth, start) in enumerate([("moving_mean", STREAM_MEAN, 0.0),
                                                   ("moving_variance", STREAM_STD ** 2, 1.0)]):
        ax = axes[column]
        for i, (m, trace) in enumerate(traces.items()):
            values = trace[column]
            t = np.arange(1, values.shape[1] + 1)
            ax.plot(t, values.mean(axis=0), color=f"C{i}", label=f"measured, β = {m}")
            ax.fill_between(t, values.min(axis=0), values.max(axis=0), color=f"C{i}", alpha=0.2,
                            linewidth=0)
            expected = m ** t * start + (1 - m ** t) * truth
            ax.plot(t, expected, "--", color="black", linewidth=0.8)
        ax.axhline(truth, color="grey", linestyle=":", label=f"true value {truth:g}")
        ax.plot([], [], "--", color="black", linewidth=0.8, label="β^t·start + (1 - β^t)·true")
        ax.set_xlabel("training step t")
        ax.set_title(f"{name} (starts at {start:g}; band: min-max over seeds)")
        ax.legend(fontsize=8, loc="lower right")
    fig.suptitle("Batch norm's moving averages are week 2's uncorrected averages")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---------------------------------------------------------------- a digits network
def digits_net(batch_norm: bool, learning_rate: float = 0.01, idiom: bool = False) -> dict:
    """Two hidden ReLU layers of 32 units (dense, [BN], ReLU), softmax, Adam."""
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    y = tf.placeholder(tf.float32, [None, 10], name="y")
    training = tf.placeholder_with_default(False, [], name="training")
    a, seen = x, []
    for units in (32, 32):
        if batch_norm:
            z = tf.layers.batch_normalization(tf.layers.dense(a, units, use_bias=False),
                                              training=training, momentum=0.9)
        else:
            z = tf.layers.dense(a, units)
        seen.append(z)
        a = tf.nn.relu(z)
    logits = tf.layers.dense(a, 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    optimizer = tf.train.AdamOptimizer(learning_rate)
    if idiom:
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = optimizer.minimize(loss)
    else:
        train = optimizer.minimize(loss)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
    return dict(x=x, y=y, training=training, train=train, z=seen,
                accuracy=tf.reduce_mean(tf.cast(correct, tf.float32)))


def train_digits(data, seed: int, epochs: int, strict: bool = False, watch=None, **options):
    """Trains one network; returns (validation accuracy with the moving averages, the same
    with batch statistics, whether the averages are still 0 and 1, what `watch` saw)."""
    x_train, y_train, x_val, y_val = data
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.set_random_seed(seed)
        with tf.layers.strict_tf1(strict):
            net = digits_net(**options)
        sess.run(tf.global_variables_initializer())
        rng, seen = np.random.default_rng(seed), []
        for _ in range(epochs):
            order = rng.permutation(len(x_train))
            for start in range(0, len(order), 64):
                if watch is not None:
                    seen.append(watch(sess, net))
                batch = order[start:start + 64]
                sess.run(net["train"], {net["x"]: x_train[batch], net["y"]: y_train[batch],
                                        net["training"]: True})
        val = {net["x"]: x_val, net["y"]: y_val}
        moving = [v for v in tf.global_variables() if "moving_" in v.name]
        untouched = all(np.all(value == (0.0 if "mean" in v.name else 1.0))
                        for v, value in zip(moving, sess.run(moving)))
        accuracy = float(sess.run(net["accuracy"], val))
        batch_mode = float(sess.run(net["accuracy"], {**val, net["training"]: True}))
    return accuracy, batch_mode, untouched, seen


# ---------------------------------------------------------------- 2. covariate shift
def covariate_shift(data, seeds: int, epochs: int) -> dict:
    """Per step, per unit: mean and std of layer 2 on 256 fixed images; {bn: [seeds]}."""
    probe = data[0][:256]

    def layer_2(sess, net):
        values = sess.run(net["z"][1], {net["x"]: probe, net["training"]: True})
        return values.mean(axis=0), values.std(axis=0)

    runs = {}
    for batch_norm in (True, False):
        runs[batch_norm] = []
        for seed in range(seeds):
            seen = train_digits(data, seed, epochs, batch_norm=batch_norm, watch=layer_2)[3]
            runs[batch_norm].append((np.array([m for m, _ in seen]),
                                     np.array([s for _, s in seen])))
    return runs


def drift(means: np.ndarray, stds: np.ndarray) -> float:
    """Median over units of |mean at the end - mean at the start| / std at the start."""
    return float(np.median(np.abs(means[-1] - means[0]) / stds[0]))


def draw_covariate_shift(runs: dict, path: str, units: int = 6) -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 6.5), sharex=True)
    for column, batch_norm in enumerate((False, True)):
        means, stds = runs[batch_norm][0]
        for u in range(units):
            axes[0][column].plot(means[:, u], linewidth=1)
            axes[1][column].plot(stds[:, u], linewidth=1)
        drifts = [drift(m, s) for m, s in runs[batch_norm]]
        axes[0][column].set_title(f"{'with' if batch_norm else 'without'} batch norm: the mean "
                                  f"moved {np.mean(drifts):.2f} initial std (median unit, "
                                  f"{len(drifts)} seeds)", fontsize=9)
        axes[0][column].set_ylabel("mean of a unit of layer 2")
        axes[1][column].set_ylabel("its standard deviation")
        axes[1][column].set_xlabel("training step")
    for row in range(2):  # the same y range left and right, so the drifts compare by eye
        low = min(ax.get_ylim()[0] for ax in axes[row])
        high = max(ax.get_ylim()[1] for ax in axes[row])
        for ax in axes[row]:
            ax.set_ylim(low, high)
    fig.suptitle(f"What layer 3 sees: {units} units of layer 2 on 256 fixed images, seed 0")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---------------------------------------------------------------- 3. noise vs batch size
def bn_noise(images: np.ndarray, batch_size: int, seed: int, repeats: int) -> float:
    """Spread of one image's BN output (32 random units) over random mini-batches."""
    rng = np.random.default_rng(seed)
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, 64])
        out = tf.layers.batch_normalization(tf.layers.dense(x, 32, use_bias=False),
                                            training=True)
        sess.run(tf.global_variables_initializer())
        example = images[rng.integers(len(images))][None]
        outputs = []
        for _ in range(repeats):
            others = images[rng.choice(len(images), batch_size - 1, replace=False)]
            outputs.append(sess.run(out, {x: np.concatenate([example, others])})[0])
    return float(np.mean(np.std(outputs, axis=0)))


def draw_noise(sizes, noise: np.ndarray, slope: float, path: str) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    mean = noise.mean(axis=0)
    ax.errorbar(sizes, mean, yerr=noise.std(axis=0), fmt="o-", capsize=3,
                label=f"measured ({noise.shape[0]} seeds, ± std)")
    reference = mean[0] * np.sqrt(sizes[0] / np.asarray(sizes, dtype=float))
    ax.plot(sizes, reference, "--", color="grey", label="1 / sqrt(m)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("mini-batch size m")
    ax.set_ylabel("spread of one image's BN output")
    ax.set_title(f"BN's noise falls like m^{slope:.2f}: bigger batches regularize less",
                 fontsize=10)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---------------------------------------------------------------- 4. the UPDATE_OPS trap
def draw_trap(results: dict, path: str) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    labels = list(results)
    for i, label in enumerate(labels):
        accuracy = np.array([r[0] for r in results[label]])
        batch_mode = np.array([r[1] for r in results[label]])
        ax.bar(i - 0.2, accuracy.mean(), 0.4, yerr=accuracy.std(), capsize=3, color="C0",
               label="inference (moving averages)" if i == 0 else None)
        ax.bar(i + 0.2, batch_mode.mean(), 0.4, yerr=batch_mode.std(), capsize=3, color="C1",
               label="training mode (batch statistics)" if i == 0 else None)
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("validation accuracy (mean ± std over seeds)")
    ax.set_title("TF1's UPDATE_OPS trap, met on purpose with tf.layers.strict_tf1()", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(quick: bool = False, outdir: str = "."):
    """Measures and draws the four pictures; returns the measured numbers.

    Args:
        quick: 2 seeds and fewer steps (for the tests); the full setting uses 3-5 seeds.
        outdir: where the PNG files are written.
    """
    import matplotlib

    matplotlib.use("Agg")
    os.makedirs(outdir, exist_ok=True)
    seeds = 2 if quick else 5
    data = load_digits_split()
    summary = {}

    steps = 150 if quick else 400
    traces = moving_averages((0.9, 0.99), steps, seeds)
    print(f"1. moving averages on a stream of mean {STREAM_MEAN:g}, {seeds} seeds:")
    for m, (means, _) in traces.items():
        t = min(100, steps)
        measured = means[:, t - 1] / STREAM_MEAN
        print(f"   β = {m}: after {t} steps the moving mean is {measured.mean():.3f} ± "
              f"{measured.std():.3f} of the true mean; 1 - β^t = {1 - m ** t:.3f}; "
              f"agree within 0.03: {abs(measured.mean() - (1 - m ** t)) < 0.03}")
    draw_moving_averages(traces, os.path.join(outdir, "bn_moving_averages.png"))

    epochs = 2 if quick else 4
    runs = covariate_shift(data, min(seeds, 3), epochs)
    drifts = {bn: [drift(m, s) for m, s in runs[bn]] for bn in runs}
    print(f"2. covariate shift, layer 2 over {epochs} epochs: the mean of a unit moved "
          f"{np.mean(drifts[True]):.2f} ± {np.std(drifts[True]):.2f} initial std with BN, "
          f"{np.mean(drifts[False]):.2f} ± {np.std(drifts[False]):.2f} without; steadier with "
          f"BN: {np.mean(drifts[False]) > np.mean(drifts[True])}")
    draw_covariate_shift(runs, os.path.join(outdir, "bn_covariate_shift.png"))
    summary["drift"] = drifts

    sizes = [4, 16, 64, 256] if quick else [4, 8, 16, 32, 64, 128, 256]
    repeats = 30 if quick else 100
    noise = np.array([[bn_noise(data[0], m, seed, repeats) for m in sizes]
                      for seed in range(min(seeds, 3))])
    slope = float(np.polyfit(np.log(sizes), np.log(noise.mean(axis=0)), 1)[0])
    print(f"3. BN noise of one image: {noise.mean(axis=0)[0]:.3f} at m = {sizes[0]}, "
          f"{noise.mean(axis=0)[-1]:.3f} at m = {sizes[-1]}; it falls like m^{slope:.2f} "
          f"(1/sqrt(m) is m^-0.5; within 0.1: {abs(slope + 0.5) < 0.1})")
    draw_noise(sizes, noise, slope, os.path.join(outdir, "bn_noise_vs_batch_size.png"))
    summary["noise_slope"] = slope

    ways = {"minigraph default,\nplain minimize()": dict(strict=False, idiom=False),
            "strict TF1,\nplain minimize()": dict(strict=True, idiom=False),
            "strict TF1,\ncontrol_dependencies(UPDATE_OPS)": dict(strict=True, idiom=True)}
    trap = {label: [train_digits(data, seed, epochs, batch_norm=True, **how)[:3]
                    for seed in range(min(seeds, 3))] for label, how in ways.items()}
    print("4. the UPDATE_OPS trap (validation accuracy, moving averages / batch statistics):")
    for label, results in trap.items():
        accuracy = np.array([r[0] for r in results])
        batch_mode = np.array([r[1] for r in results])
        untouched = all(r[2] for r in results)
        print(f"   {label.replace(chr(10), ' '):45s} {accuracy.mean():.3f} ± {accuracy.std():.3f}"
              f" / {batch_mode.mean():.3f}; averages untouched: {untouched}; collapsed: "
              f"{accuracy.mean() < batch_mode.mean() - 0.1}")
    draw_trap(trap, os.path.join(outdir, "bn_update_ops.png"))
    summary["trap"] = trap
    print("pictures: bn_moving_averages.png, bn_covariate_shift.png, "
          "bn_noise_vs_batch_size.png, bn_update_ops.png in", outdir)
    return summary


if __name__ == "__main__":
    outdir = sys.argv[sys.argv.index("--outdir") + 1] if "--outdir" in sys.argv else "."
    main(quick="--quick" in sys.argv, outdir=outdir)
