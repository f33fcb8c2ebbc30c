"""Gradient descent, Momentum, RMSProp and Adam on a surface with a plateau and a saddle point.

The course's point: in high dimensions, gradient descent is rarely trapped by bad local optima;
what slows it down are *plateaus*, where the gradient is close to zero for a long way, and
*saddle points*, where the gradient vanishes but the surface still goes down in some direction.
This demo builds such a surface in two dimensions:

    f(x, y) = tanh(x)² + (y⁴ - 2 y²) / 40

* along x, `tanh(x)²` is a bowl near 0 but almost flat for |x| > 2: a **plateau** (at x = 3 the
  slope is 0.02);
* along y, `(y⁴ - 2 y²) / 40` has a gentle maximum at y = 0 and minima at y = ±1, so (0, 0) is
  a **saddle point** (f curves up along x, slightly down along y) and the minima are (0, ±1),
  where f = -1/40.

Every optimizer starts on the plateau, a hair away from the ridge y = 0 that leads into the
saddle: at (3, 0.001), and (for the spread) at more starting points near it, x in [2.5, 3.5] and
|y| in [0.0005, 0.0015]. Plain gradient descent crawls over the plateau (about 250 steps), then
sits at the saddle, where the loss is flat again, until the tiny y offset has grown by 1% per
step into a real slope (about 400 more steps). Momentum builds up speed on the plateau and
overshoots across the saddle. RMSProp and Adam divide each step by a running average of the
gradient's size, so the small slopes of the plateau and of the ridge still give full-size
steps: they leave the ridge long before reaching the saddle.

All starting points train at once: x and y are vectors, the loss is the sum of f over them,
and since these optimizers work element by element, each (x_k, y_k) moves exactly as it would
alone. The demo prints, per optimizer, the steps it took to reach f < -0.02 (near a minimum),
mean ± std over the starting points, and which was fastest and slowest, computed from those
numbers. The trajectories from (3, 0.001) are drawn on the contour plot
(`saddle_trajectories.png`), the losses against the step number below (`saddle_losses.png`).
Run `python demos/optimizers_on_a_saddle.py` (or `--quick` for fewer steps and starting
points; `--outdir DIR` for where the pictures go). See docs/optimization_landscape.md.
"""

from __future__ import annotations

import os
import sys

import numpy as np

import minigraph as tf

START = (3.0, 0.001)
OPTIMIZERS = {
    "gradient descent (lr 0.1)": lambda: tf.train.GradientDescentOptimizer(0.1),
    "momentum (lr 0.1, beta 0.9)": lambda: tf.train.MomentumOptimizer(0.1, momentum=0.9),
    "RMSProp (lr 0.02)": lambda: tf.train.RMSPropOptimizer(0.02),
    "Adam (lr 0.05)": lambda: tf.train.AdamOptimizer(0.05),
}


def surface(x, y):
    """f(x, y) = tanh(x)² + (y⁴ - 2 y²) / 40, for tensors or numpy arrays alike."""
    if isinstance(x, tf.Tensor):
        return tf.square(tf.tanh(x)) + (y ** 4 - 2.0 * y ** 2) / 40.0
    return np.tanh(x) ** 2 + (y ** 4 - 2.0 * y ** 2) / 40.0


def starting_points(count: int, seed: int = 0) -> np.ndarray:
    """START, then `count - 1` points near it: x in [2.5, 3.5], |y| in [0.0005, 0.0015]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(2.5, 3.5, count - 1)
    y = rng.choice([-1.0, 1.0], count - 1) * rng.uniform(0.0005, 0.0015, count - 1)
    return np.concatenate([[START], np.column_stack([x, y])])


def trajectory(make_optimizer, steps: int, starts=None) -> np.ndarray:
    """The points (x, y, f) visited by one optimizer in `steps` steps from each start.

    Returns an array of shape [steps + 1, starts, 3] (starts defaults to START alone). The
    starting points train together: the loss is the sum of f over them, and each optimizer
    updates every element on its own, so each point moves as if it were alone.
    """
    starts = np.array([START] if starts is None else starts, dtype=np.float64)
    with tf.Graph().as_default():
        x = tf.Variable(starts[:, 0], dtype=tf.float64, name="x")
        y = tf.Variable(starts[:, 1], dtype=tf.float64, name="y")
        f = surface(x, y)
        train = make_optimizer().minimize(tf.reduce_sum(f))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            points = [np.stack(sess.run([x, y, f]), axis=-1)]
            for _ in range(steps):
                sess.run(train)
                points.append(np.stack(sess.run([x, y, f]), axis=-1))
    return np.array(points, dtype=np.float64)


def steps_to_escape(path: np.ndarray, level: float = -0.02):
    """The first step at which f is below `level` (near a minimum), or -1 if never; one number
    per starting point for a path of shape [steps + 1, starts, 3]."""
    below = path[..., 2] < level
    first = np.where(below.any(axis=0), below.argmax(axis=0), -1)
    return int(first) if first.ndim == 0 else first


def main(quick: bool = False, outdir: str = "."):
    """Runs the four optimizers, prints when each reached a minimum, and draws the pictures.

    Args:
        quick: 150 steps from 3 starting points instead of 1000 from 10.
        outdir: where `saddle_trajectories.png` and `saddle_losses.png` are written.

    Returns:
        A dict: optimizer name -> array of (x, y, f) per step, from (3, 0.001).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = 150 if quick else 1000
    starts = starting_points(3 if quick else 10)
    paths = {name: trajectory(make, steps, starts) for name, make in OPTIMIZERS.items()}
    escapes = {}
    for name, path in paths.items():
        escape = steps_to_escape(path)
        escapes[name] = np.where(escape >= 0, escape, steps + 1)  # never: more than `steps`
        reached = int(np.sum(escape >= 0))
        print(f"{name:28s} reached f < -0.02 from {reached} of {len(starts)} starts, after "
              f"{escapes[name].mean():.0f} ± {escapes[name].std():.0f} steps (from (3, 0.001): "
              f"{escape[0] if escape[0] >= 0 else 'not yet'})")
    mean_steps = {name: e.mean() for name, e in escapes.items()}
    print(f"fastest: {min(mean_steps, key=mean_steps.get)}; slowest: "
          f"{max(mean_steps, key=mean_steps.get)} (mean steps over {len(starts)} starts)")
    paths = {name: path[:, 0, :] for name, path in paths.items()}  # draw the one from START

    os.makedirs(outdir, exist_ok=True)
    xs, ys = np.meshgrid(np.linspace(-1.5, 3.5, 300), np.linspace(-1.6, 1.6, 300))
    fig, ax = plt.subplots(figsize=(9, 6))
    # Dense levels near the minima and the saddle (f in [-0.025, 0.05]), sparse on the plateau.
    levels = np.concatenate([np.linspace(-0.025, 0.05, 7), np.linspace(0.1, 1.0, 10)])
    contours = ax.contour(xs, ys, surface(xs, ys), levels=levels, cmap="viridis",
                          linewidths=0.8)
    fig.colorbar(contours, ax=ax, label="f(x, y)")
    for name, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1.2, label=name)
    ax.plot(*START, "k*", markersize=12, label="start (3, 0.001)")
    ax.plot(0, 0, "rx", markersize=10, label="saddle point (0, 0)")
    ax.plot([0, 0], [-1, 1], "k+", markersize=12, label="minima (0, ±1)")
    ax.axvspan(2.0, 3.5, color="grey", alpha=0.12)
    ax.text(2.1, -1.45, "plateau: tanh(x)² is flat", fontsize=9)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"f(x, y) = tanh(x)² + (y⁴ - 2y²)/40: {steps} steps of each optimizer")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "saddle_trajectories.png"), dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, path in paths.items():
        ax.plot(path[:, 2], label=name)
    ax.axhline(0.0, color="grey", linewidth=0.6, linestyle=":")
    ax.text(1, 0.03, "f at the saddle point", fontsize=8, color="grey")
    ax.set_xlabel("step")
    ax.set_ylabel("f(x, y)")
    ax.set_title("Loss per step: flat stretches are the plateau and the saddle")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "saddle_losses.png"), dpi=100)
    plt.close(fig)
    return paths


if __name__ == "__main__":
    outdir = sys.argv[sys.argv.index("--outdir") + 1] if "--outdir" in sys.argv else "."
    main(quick="--quick" in sys.argv, outdir=outdir)
