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

Every optimizer starts at (3, 0.001): on the plateau, a hair away from the ridge y = 0 that
leads into the saddle. Plain gradient descent crawls over the plateau (about 250 steps), then
sits at the saddle, where the loss is flat again, until the tiny y offset has grown by 1% per
step into a real slope (about 400 more steps). Momentum builds up speed on the plateau and
overshoots across the saddle. RMSProp and Adam divide each step by a running average of the
gradient's size, so the small slopes of the plateau and of the ridge still give full-size
steps: they leave the ridge long before reaching the saddle. Typical output (full setting):

    gradient descent (lr 0.1)    ... reached f < -0.02 at step 705
    momentum (lr 0.1, beta 0.9)  ... reached f < -0.02 at step 113
    RMSProp (lr 0.02)            ... reached f < -0.02 at step 185
    Adam (lr 0.05)               ... reached f < -0.02 at step 48

The trajectories are drawn together on the contour plot (`saddle_trajectories.png`) with the
loss against the step number (`saddle_losses.png`). Run `python demos/optimizers_on_a_saddle.py`
(or `--quick` for fewer steps; `--outdir DIR` for where the pictures go).

Run time on 2 cores: about 3 s; `--quick` about 2 s.
"""

from __future__ import annotations

import os

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


def trajectory(make_optimizer, steps: int) -> np.ndarray:
    """The points (x, y, f) visited by one optimizer in `steps` steps from START."""
    with tf.Graph().as_default():
        x = tf.Variable(START[0], dtype=tf.float64, name="x")
        y = tf.Variable(START[1], dtype=tf.float64, name="y")
        loss = surface(x, y)
        train = make_optimizer().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            points = [sess.run([x, y, loss])]
            for _ in range(steps):
                sess.run(train)
                points.append(sess.run([x, y, loss]))
    return np.array(points, dtype=np.float64)


def steps_to_escape(path: np.ndarray, level: float = -0.02) -> int:
    """The first step at which f is below `level` (near a minimum), or -1 if never."""
    below = np.nonzero(path[:, 2] < level)[0]
    return int(below[0]) if below.size else -1


def main(quick: bool = False, outdir: str = "."):
    """Runs the four optimizers, prints when each reached a minimum, and draws the pictures.

    Args:
        quick: 150 steps instead of 1000.
        outdir: where `saddle_trajectories.png` and `saddle_losses.png` are written.

    Returns:
        A dict: optimizer name -> array of (x, y, f) per step.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = 150 if quick else 1000
    paths = {name: trajectory(make, steps) for name, make in OPTIMIZERS.items()}
    for name, path in paths.items():
        escape = steps_to_escape(path)
        when = f"reached f < -0.02 at step {escape}" if escape >= 0 else "still on the way"
        print(f"{name:28s} final (x, y) = ({path[-1, 0]:+.3f}, {path[-1, 1]:+.3f}), "
              f"f = {path[-1, 2]:+.4f}; {when}")

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
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
