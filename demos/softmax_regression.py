"""Softmax regression on 2-D points: linear decision regions, then a hidden layer bends them.

Softmax regression is one linear layer z = W x + b with C outputs followed by softmax,
ŷ_c = e^{z_c} / Σ_j e^{z_j}, trained on the loss L = -Σ_c y_c log ŷ_c. The predicted class is
argmax_c z_c, and the boundary between classes i and j is where z_i = z_j, a straight line: so
the plane is cut into C convex regions (the lecture's picture). One hidden layer of ReLU units
in front of it makes the boundaries piecewise linear and lets them curve around the data.

Two data sets of C classes:

* 4 Gaussian blobs: a single softmax layer separates them almost perfectly;
* 3 interleaved spiral arms: a single softmax layer can only cut the plane into three wedges
  (about 50% accuracy); with one hidden layer of 64 ReLU units it follows the arms (> 90%).

Writes `softmax_regression_linear.png` (the softmax layer alone on both data sets) and
`softmax_regression_hidden.png` (the spirals: softmax layer alone vs one hidden layer). Run
`python demos/softmax_regression.py` (`--quick` for fewer training steps, `--outdir DIR`).

Run time on 2 cores: about 3 s; `--quick` about 2.5 s.
"""

from __future__ import annotations

import os

import numpy as np

import minigraph as tf

# One color per class, for both the points and (lighter) their predicted regions.
PALETTE = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3"]


def blobs(n_per_class: int = 80, seed: int = 0):
    """4 Gaussian blobs in the plane: points (n, 2) and labels (n,) in 0..3."""
    rng = np.random.default_rng(seed)
    centers = np.array([[-2.0, -2.0], [2.0, -2.0], [-2.0, 2.0], [2.0, 2.0]])
    points = np.concatenate([c + rng.standard_normal((n_per_class, 2)) * 0.8 for c in centers])
    labels = np.repeat(np.arange(4), n_per_class)
    return points.astype(np.float32), labels


def spirals(n_per_class: int = 100, classes: int = 3, seed: int = 0):
    """`classes` interleaved spiral arms: points (n, 2) and labels (n,)."""
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for c in range(classes):
        radius = np.linspace(0.05, 1.0, n_per_class)
        angle = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.standard_normal(
            n_per_class) * 0.2
        points.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
        labels.append(np.full(n_per_class, c))
    return np.concatenate(points).astype(np.float32), np.concatenate(labels)


def train_classifier(points, labels, classes: int, hidden_units: int, steps: int,
                     learning_rate: float, seed: int = 0):
    """Trains softmax regression (hidden_units=0) or one hidden ReLU layer + softmax.

    Full-batch Adam on the mean cross-entropy. Returns (training accuracy, predict), where
    predict maps points (m, 2) to predicted classes (m,).
    """
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        y = tf.placeholder(tf.int32, [None], name="y")
        features = x
        if hidden_units:
            features = tf.layers.dense(x, hidden_units, activation=tf.nn.relu, name="hidden")
        logits = tf.layers.dense(features, classes, name="softmax_layer")
        y_hat = tf.nn.softmax(logits)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
            labels=tf.one_hot(y, classes), logits=logits))
        train = tf.train.AdamOptimizer(learning_rate).minimize(loss)
        prediction = tf.argmax(y_hat, axis=1)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train, {x: points, y: labels})
        accuracy = float(np.mean(sess.run(prediction, {x: points}) == labels))

    def predict(grid_points):
        return sess.run(prediction, {x: grid_points})

    return accuracy, predict


def _draw(ax, points, labels, predict, title):
    lo, hi = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5
    xs, ys = np.meshgrid(np.linspace(lo[0], hi[0], 250), np.linspace(lo[1], hi[1], 250))
    grid = np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)
    regions = predict(grid).reshape(xs.shape)
    from matplotlib.colors import ListedColormap

    classes = int(labels.max()) + 1
    colors = PALETTE[:classes]
    ax.contourf(xs, ys, regions, levels=np.arange(classes + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    ax.contour(xs, ys, regions, levels=np.arange(classes) + 0.5, colors="k", linewidths=0.6)
    ax.scatter(points[:, 0], points[:, 1], c=[colors[c] for c in labels], s=10, edgecolors="k",
               linewidths=0.3)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])



def _save_pair(path, title, panels):
    """Two decision-region panels side by side, saved as one PNG at `path`."""
    import matplotlib.pyplot as plt  # after main() selected the Agg backend

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8))
    for ax, (points, labels, predict, panel_title) in zip(axes, panels):
        _draw(ax, points, labels, predict, panel_title)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(quick: bool = False, outdir: str = "."):
    """Trains the three classifiers, prints their accuracies and draws the decision regions.

    Args:
        quick: 300 training steps instead of 2000.
        outdir: where the two PNG files are written.

    Returns:
        A dict of training accuracies: "blobs/softmax", "spirals/softmax", "spirals/hidden".
    """
    import matplotlib

    matplotlib.use("Agg")

    steps = 300 if quick else 2000
    blob_points, blob_labels = blobs()
    spiral_points, spiral_labels = spirals()
    runs = {
        "blobs/softmax": (blob_points, blob_labels, 4, 0),
        "spirals/softmax": (spiral_points, spiral_labels, 3, 0),
        "spirals/hidden": (spiral_points, spiral_labels, 3, 64),
    }
    accuracies, predictors = {}, {}
    for name, (points, labels, classes, hidden) in runs.items():
        accuracy, predict = train_classifier(points, labels, classes, hidden, steps,
                                             learning_rate=0.05 if hidden else 0.1)
        accuracies[name], predictors[name] = accuracy, predict
        model = f"one hidden layer ({hidden} ReLU) + softmax" if hidden else "softmax layer"
        print(f"{name.split('/')[0]:8s} {model:36s} training accuracy {accuracy:.3f}")

    os.makedirs(outdir, exist_ok=True)
    _save_pair(
        os.path.join(outdir, "softmax_regression_linear.png"),
        "A single softmax layer: the boundaries z_i = z_j are straight lines",
        [(blob_points, blob_labels, predictors["blobs/softmax"],
          f"4 blobs, softmax regression: accuracy {accuracies['blobs/softmax']:.2f}"),
         (spiral_points, spiral_labels, predictors["spirals/softmax"],
          f"3 spirals, softmax regression: accuracy {accuracies['spirals/softmax']:.2f}")],
    )
    _save_pair(
        os.path.join(outdir, "softmax_regression_hidden.png"),
        "A hidden layer makes the decision boundaries non-linear",
        [(spiral_points, spiral_labels, predictors["spirals/softmax"],
          f"softmax layer only: accuracy {accuracies['spirals/softmax']:.2f}"),
         (spiral_points, spiral_labels, predictors["spirals/hidden"],
          f"one hidden layer + softmax: accuracy {accuracies['spirals/hidden']:.2f}")],
    )
    return accuracies


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
