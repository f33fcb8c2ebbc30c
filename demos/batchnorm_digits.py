"""A deep network with and without batch normalization on scikit-learn's digits (8x8 images).

Three hidden ReLU layers and a softmax output, trained with mini-batch Adam on the 1,797
handwritten digits bundled with scikit-learn (nothing is downloaded; 75% train, 25% test). The
batch-normalized network follows the course's recipe for each hidden layer:

    z = W x                      (no bias: BN's β takes its place)
    z̃ = γ (z - μ) / sqrt(σ² + ε) + β   (tf.layers.batch_normalization)
    a = relu(z̃)

In training, μ and σ² are the mini-batch's statistics; the layer also keeps exponentially
weighted averages of them, which inference uses. So after training, **one test image classified
alone** gets the same answer as inside a batch: the demo shows one. `training` is a
`tf.placeholder_with_default(False, [])`, so one graph serves both: feed True while training.

The update ops of the moving averages are wired with TF1's idiom
`with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`, so this file runs
unchanged on TensorFlow 1; in minigraph a plain `minimize()` would run them too.

Quick setting (`--quick`, used by the tests): one learning rate, a few epochs, BN vs no BN;
prints the test accuracies (BN reaches at least 0.95) and writes `digits_training.png` and
`digits_single_image.png`. Full setting: also sweeps the learning rate over a log range
(1e-4 .. 1) for both networks, 3 seeds each, and plots the mean test accuracy with its
min-max range against it (`digits_lr_sweep.png`): the claim that batch norm makes a wider
range of learning rates work, measured, with the verdict computed from the numbers.
"""

from __future__ import annotations

import os
import sys

import numpy as np

import minigraph as tf

HIDDEN = (64, 64, 64)
CLASSES = 10
GOOD = 0.9  # the sweep counts the learning rates whose mean test accuracy reaches this


def load_data(seed: int = 0):
    """The digits as float32 pixels in [0, 1]: (x_train, y_train, x_test, y_test)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int32)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=y)
    return x_train, y_train, x_test, y_test


def build_model(batch_norm: bool, learning_rate: float, momentum: float = 0.9):
    """The graph of one network in the default graph; returns a dict of its handles."""
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    training = tf.placeholder_with_default(False, [], name="training")
    a = x
    for units in HIDDEN:
        if batch_norm:
            z = tf.layers.dense(a, units, use_bias=False)
            # NOTE: momentum 0.9 rather than TF1's 0.99: a few hundred steps only, so the
            # averages must forget the first (untrained) batches quickly.
            z = tf.layers.batch_normalization(z, training=training, momentum=momentum)
        else:
            z = tf.layers.dense(a, units)
        a = tf.nn.relu(z)
    logits = tf.layers.dense(a, CLASSES)
    probabilities = tf.nn.softmax(logits)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=tf.one_hot(y, CLASSES), logits=logits))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(learning_rate).minimize(loss)
    prediction = tf.argmax(probabilities, axis=1, output_type=tf.int32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, y), tf.float32))
    return dict(x=x, y=y, training=training, train=train, loss=loss,
                probabilities=probabilities, prediction=prediction, accuracy=accuracy)


def train_network(data, batch_norm: bool, learning_rate: float, epochs: int,
                  batch_size: int = 64, seed: int = 0, progress=None):
    """Trains one network; returns (test accuracy per epoch, session, model handles)."""
    x_train, y_train, x_test, y_test = data
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        model = build_model(batch_norm, learning_rate)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    rng = np.random.default_rng(seed)
    test_feed = {model["x"]: x_test, model["y"]: y_test}  # training defaults to False
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            sess.run(model["train"], {model["x"]: x_train[batch], model["y"]: y_train[batch],
                                      model["training"]: True})
        accuracy = float(sess.run(model["accuracy"], test_feed))
        history.append(0.0 if np.isnan(accuracy) else accuracy)
        if progress is not None:
            progress.update(1)
    return history, sess, model


def _progress_bar(total: int, description: str, quick: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="epoch",
                disable=quick or not sys.stdout.isatty())


def main(quick: bool = False, outdir: str = "."):
    """Trains BN and plain networks, shows one image classified alone, and (full) sweeps the
    learning rate.

    Args:
        quick: 12 epochs at one learning rate; the full setting trains 30 epochs and adds the
            learning-rate sweep (2 x 9 networks x 3 seeds, 10 epochs each).
        outdir: where the PNG files are written.

    Returns:
        A dict with the final test accuracies "bn" and "plain" (and "sweep" in full).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(outdir, exist_ok=True)
    data = load_data()
    x_train, y_train, x_test, y_test = data
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of 8x8 pixels")
    epochs = 12 if quick else 30
    learning_rate = 0.01
    results, sessions = {}, {}
    for name, batch_norm in [("bn", True), ("plain", False)]:
        with _progress_bar(epochs, f"{name} network", quick) as bar:
            history, sess, model = train_network(data, batch_norm, learning_rate, epochs,
                                                 progress=bar)
        results[name] = history
        sessions[name] = (sess, model)
        label = "with batch norm   " if batch_norm else "without batch norm"
        print(f"{label}: test accuracy {history[-1]:.4f} after {epochs} epochs "
              f"(Adam, learning rate {learning_rate})")

    # One test image, alone: a batch of one, normalized with the moving averages.
    sess, model = sessions["bn"]
    image, label = x_test[:1], int(y_test[0])
    alone = sess.run(model["probabilities"], {model["x"]: image})[0]
    in_batch = sess.run(model["probabilities"], {model["x"]: x_test})[0]
    print(f"one test image classified alone: predicted {int(alone.argmax())} "
          f"(probability {alone.max():.3f}), true label {label}; same output as inside the "
          f"test batch: {bool(np.allclose(alone, in_batch, rtol=1e-5, atol=1e-6))}")

    fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), gridspec_kw={"width_ratios": [1, 1.6]})
    axes[0].imshow(image.reshape(8, 8), cmap="gray_r")
    axes[0].set_title(f"true {label}, predicted {int(alone.argmax())}")
    axes[0].axis("off")
    axes[1].bar(np.arange(CLASSES), alone, color="tab:blue")
    axes[1].set_xticks(np.arange(CLASSES))
    axes[1].set_xlabel("class")
    axes[1].set_ylabel("softmax probability")
    axes[1].set_title("classified alone (BN uses its moving averages)")
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "digits_single_image.png"), dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, label_text in [("bn", "with batch norm"), ("plain", "without batch norm")]:
        ax.plot(np.arange(1, epochs + 1), results[name], "o-", markersize=3, label=label_text)
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"Digits, 3 hidden layers, Adam (learning rate {learning_rate})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "digits_training.png"), dpi=100)
    plt.close(fig)

    summary = {"bn": results["bn"][-1], "plain": results["plain"][-1]}
    if quick:
        return summary

    rates = np.logspace(-4, 0, 9)
    seeds, sweep_epochs = 3, 10
    sweep = {"bn": np.zeros((len(rates), seeds)), "plain": np.zeros((len(rates), seeds))}
    with _progress_bar(2 * len(rates) * seeds * sweep_epochs, "learning-rate sweep",
                       quick) as bar:
        for i, rate in enumerate(rates):
            for seed in range(seeds):
                for name, batch_norm in [("bn", True), ("plain", False)]:
                    history, sess, _ = train_network(data, batch_norm, float(rate),
                                                     sweep_epochs, seed=seed, progress=bar)
                    sess.close()
                    sweep[name][i, seed] = history[-1]
    print(f"test accuracy after {sweep_epochs} epochs, mean ± std over {seeds} seeds")
    print("learning rate   with BN           without BN")
    for rate, bn, plain in zip(rates, sweep["bn"], sweep["plain"]):
        print(f"{rate:13.4g}   {bn.mean():.3f} ± {bn.std():.3f}    "
              f"{plain.mean():.3f} ± {plain.std():.3f}")
    good = {name: rates[acc.mean(axis=1) >= GOOD] for name, acc in sweep.items()}
    largest = {name: (f"{r.max():.3g}" if r.size else "none") for name, r in good.items()}
    print(f"learning rates with a mean accuracy of at least {GOOD}: {good['bn'].size} of "
          f"{len(rates)} with BN (largest {largest['bn']}), {good['plain'].size} without "
          f"(largest {largest['plain']}); wider with BN: {good['bn'].size > good['plain'].size}")

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, label_text, marker in [("bn", "with batch norm", "o-"),
                                     ("plain", "without batch norm", "s-")]:
        acc = sweep[name]
        mean = acc.mean(axis=1)
        ax.errorbar(rates, mean, yerr=[mean - acc.min(axis=1), acc.max(axis=1) - mean],
                    fmt=marker, capsize=3, label=f"{label_text} (mean, min-max of {seeds})")
    ax.set_xscale("log")
    ax.axhline(GOOD, color="grey", linewidth=0.7, linestyle=":")
    ax.set_xlabel("Adam learning rate (log scale)")
    ax.set_ylabel(f"test accuracy after {sweep_epochs} epochs")
    ax.set_ylim(0.0, 1.02)
    ax.set_title(f"Learning rates reaching {GOOD}: {good['bn'].size} of {len(rates)} with batch "
                 f"norm, {good['plain'].size} without", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "digits_lr_sweep.png"), dpi=100)
    plt.close(fig)
    summary["sweep"] = {"rates": rates.tolist(),
                        **{name: acc.tolist() for name, acc in sweep.items()}}
    return summary


if __name__ == "__main__":
    outdir = sys.argv[sys.argv.index("--outdir") + 1] if "--outdir" in sys.argv else "."
    main(quick="--quick" in sys.argv, outdir=outdir)
