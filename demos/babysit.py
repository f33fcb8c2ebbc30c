"""Babysitting one model ("panda"): nudge the learning rate while it trains, undo bad nudges.

The lecture's alternative to training many models in parallel ("caviar") is to watch a single
one and adjust it by hand, day after day. Here the digits network trains with momentum on
mini-batches, its learning rate held in a non-trainable variable (`tuning.hyperparameter`) that
the optimizer reads every step. Every few steps the babysitter tries a nudge with
`try_nudge(..., baseline=True)`: checkpoint (weights, momentum velocities, learning rate), train
a few steps *without* the nudge, go back, change the learning rate with `Variable.load` (no new
ops), train the same steps with it, and keep the nudge only if its validation loss beats the
un-nudged branch's. A far too large learning rate blows the loss up and is rolled back exactly.

Why the baseline: while the network is still learning, the loss falls whether or not you nudge,
so "the loss went down" keeps harmful nudges. Early on, while the loss falls fast, the demo
tries one, a learning rate 100 times too small, and judges it both ways from the same
checkpoint; it prints both verdicts as they come out.

Writes `babysit.png`: the training loss per step (the losing branches' steps in red) and the
learning rate. Run `python demos/babysit.py` (`--quick` for fewer steps, `--outdir DIR`).
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np

import minigraph as tf
from minigraph import tuning
from minigraph.tuning.examples import load_digits_split
from minigraph.tuning.plots import plot_babysitting


def build(hidden_units: int = 64, seed: int = 0):
    """The digits network with its learning rate in a variable; returns the pieces."""
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    y = tf.placeholder(tf.float32, [None, 10], name="y")
    w1 = tf.Variable(tf.random_normal([64, hidden_units], stddev=math.sqrt(2 / 64)), name="W1")
    b1 = tf.Variable(tf.zeros([hidden_units]), name="b1")
    w2 = tf.Variable(tf.random_normal([hidden_units, 10], stddev=math.sqrt(1 / hidden_units)),
                     name="W2")
    b2 = tf.Variable(tf.zeros([10]), name="b2")
    logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    learning_rate = tuning.hyperparameter(0.01, "learning_rate")
    train = tf.train.MomentumOptimizer(learning_rate, momentum=0.9).minimize(loss)
    return x, y, loss, learning_rate, train


def main(quick: bool = False, outdir: str = ".") -> dict:
    os.makedirs(outdir, exist_ok=True)
    x_train, y_train, x_val, y_val = load_digits_split()
    every = 10 if quick else 30
    rng = np.random.default_rng(0)
    order = [rng.permutation(len(x_train)) for _ in range(50)]

    def minibatch(step: int) -> dict:
        """Mini-batch number `step` of 64 (a fresh shuffle every epoch of 22 steps)."""
        epoch, index = divmod(step, 22)
        batch = order[epoch % len(order)][index * 64:(index + 1) * 64]
        return {x: x_train[batch], y: y_train[batch]}

    x, y, loss, learning_rate, train = build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        panda = tuning.Babysitter(sess, train, loss, {"learning_rate": learning_rate},
                                  feed_dict=minibatch, eval_feed_dict={x: x_val, y: y_val})
        panda.step(every)
        print(f"after {panda.step_count} steps at lr 0.01: validation loss "
              f"{panda.evaluate():.3f}")
        # A harmful nudge while the loss is still falling fast, judged both ways from the
        # same checkpoint: the weak test ("the loss went down") and the fair one.
        small = panda.values["learning_rate"] / 100
        panda.checkpoint("contrast")
        weak = panda.try_nudge(every, learning_rate=small)
        panda.rollback("contrast")
        fair = panda.try_nudge(every, baseline=True, learning_rate=small)
        event = panda.events[-1]
        print(f"lr -> {small:.3g} (100 times smaller): the loss went from "
              f"{event['loss_before']:.4f} to {event['loss_after']:.4f}, but without the nudge "
              f"to {event['loss_without_nudge']:.4f}; kept by 'the loss went down': {weak}, "
              f"by 'beats not nudging': {fair}")

        # The babysitter's plan: try bigger steps while they help; try a reckless one;
        # then anneal.
        plan = [0.03, 0.1, 3.0, 0.3] if quick else [0.03, 0.1, 3.0, 0.3, 0.1, 0.03, 0.01]
        for lr in plan:
            if lr == panda.values["learning_rate"]:
                print(f"step {panda.step_count:4d}: lr is already {lr:g}: nothing to try")
                continue
            before = panda.evaluate()
            kept = panda.try_nudge(every, baseline=True, learning_rate=lr)
            event = panda.events[-1]
            verdict = "kept" if kept else "rejected"
            print(f"step {panda.step_count:4d}: lr -> {lr:<5g} validation loss {before:.3f} -> "
                  f"{event['loss_after']:.3g} (without the nudge {event['loss_without_nudge']:.3g})"
                  f": {verdict}")
        rejected = [e for e in panda.events if e["event"] == "rejected"]
        assert any(e["changes"]["learning_rate"] == 3.0 for e in rejected)
        print(f"final: {panda}, validation loss {panda.evaluate():.3f}")
    plot_babysitting(panda, path=os.path.join(outdir, "babysit.png"))
    print("picture: babysit.png in", outdir)
    return {"weak": weak, "fair": fair, "events": panda.events}


if __name__ == "__main__":
    outdir = sys.argv[sys.argv.index("--outdir") + 1] if "--outdir" in sys.argv else "."
    main(quick="--quick" in sys.argv, outdir=outdir)
