"""Example objectives, importable by name so process pools and Dask workers can run them.

A process pool sends the objective to its workers *by name* (module + function), so it must be
a module-level function of an importable module, not a lambda or a function defined in a
notebook. These two live here so the docs, the demo and the tests can all hand them to any
executor:

- `bowl`: a cheap function with a known optimum (learning_rate = 1e-2, beta = 0.99) and a
  little seed-dependent noise, for checking the search machinery;
- `digits_network`: trains a small fully connected network on scikit-learn's bundled digits
  (8x8 images, nothing downloaded), optionally with batch normalization, with
  `tf.train.MomentumOptimizer` on full batches or mini-batches, optionally with learning-rate
  decay, each call in its own graph and session, and returns its validation metrics.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

BOWL_OPTIMUM = {"learning_rate": 1e-2, "beta": 0.99}


def bowl(params: Mapping, seed: int) -> float:
    """A bowl in the parameters' own scales, lowest at learning_rate=1e-2 and beta=0.99.

    `(log10 lr + 2)^2 + (log10(1 - beta) + 2)^2` plus noise of size 1e-3 drawn from `seed`
    (so the seed demonstrably matters). Missing parameters contribute nothing; a `units`
    parameter adds `((units - 64) / 64)^2`.

    Example:
        >>> from minigraph.tuning.examples import bowl
        >>> bowl({"learning_rate": 0.01, "beta": 0.99}, seed=0) < 0.01
        True
    """
    value = 0.0
    if "learning_rate" in params:
        value += (math.log10(params["learning_rate"]) + 2.0) ** 2
    if "beta" in params:
        value += (math.log10(1.0 - params["beta"]) + 2.0) ** 2
    if "units" in params:
        value += ((params["units"] - 64) / 64) ** 2
    noise = np.random.default_rng(seed).normal(scale=1e-3)
    return value + float(noise)


_DIGITS = {}


def load_digits_split(validation: int = 397):
    """scikit-learn's digits, scaled to [0, 1], one-hot labels, a fixed train/validation split.

    Returns:
        (x_train, y_train, x_val, y_val) as float32 arrays; the split is the same every call
        (a fixed permutation), so every trial sees the same data.
    """
    if "split" not in _DIGITS:
        from sklearn.datasets import load_digits  # bundled with scikit-learn; no download

        data = load_digits()
        x = (data.data / 16.0).astype(np.float32)
        y = np.eye(10, dtype=np.float32)[data.target]
        order = np.random.default_rng(0).permutation(len(x))
        x, y = x[order], y[order]
        _DIGITS["split"] = (x[validation:], y[validation:], x[:validation], y[:validation])
    return _DIGITS["split"]


def digits_network(params: Mapping, seed: int) -> dict:
    """Trains a ReLU network on the digits with momentum; returns validation metrics.

    Params (all optional but the first two):

    - `learning_rate` α and `beta` (momentum's β);
    - `hidden_units` (default 32) and `layers` (hidden layers, default 1);
    - `batch_size`: the mini-batch size (default None: the whole training set each step),
      drawn without replacement from a fresh shuffle each epoch;
    - `steps` (default 100) optimizer steps, or `epochs` passes over the training set
      (`epochs` wins when both are given, so mini-batch sizes compare at equal data seen);
    - `decay`: learning-rate decay rate, `α / (1 + decay * epoch)` (the lecture's formula,
      `tf.train.inverse_time_decay` with one decay step per epoch; default 0: no decay);
    - `batch_norm` (default False): each hidden layer is then matmul without bias,
      `tf.layers.batch_normalization` and ReLU; validation uses the moving averages, with
      momentum 0.9 since a trial takes only a few hundred steps.

    Returns:
        `{"val_loss", "val_error", "train_loss"}`; a diverged run returns a NaN or inf loss,
        which the search records as a failed trial.

    Example:
        >>> from minigraph.tuning.examples import digits_network
        >>> metrics = digits_network({"learning_rate": 0.3, "beta": 0.9, "steps": 30}, seed=0)
        >>> metrics["val_error"] < 0.5
        True
        >>> metrics = digits_network({"learning_rate": 0.1, "beta": 0.9, "batch_size": 64,
        ...                           "epochs": 2, "decay": 0.5}, seed=0)
        >>> metrics["val_error"] < 0.5
        True
    """
    import minigraph as tf

    x_train, y_train, x_val, y_val = load_digits_split()
    units = int(params.get("hidden_units", 32))
    batch_size = params.get("batch_size")
    batch_size = len(x_train) if not batch_size else min(int(batch_size), len(x_train))
    steps_per_epoch = -(-len(x_train) // batch_size)
    steps = int(params.get("steps", 100))
    if params.get("epochs") is not None:
        steps = int(params["epochs"]) * steps_per_epoch
    decay = float(params.get("decay", 0.0))

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, 64], name="x")
        y = tf.placeholder(tf.float32, [None, 10], name="y")
        training = tf.placeholder_with_default(False, [], name="training")
        logits = _digits_logits(x, training, units, int(params.get("layers", 1)),
                                bool(params.get("batch_norm", False)))
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        wrong = tf.not_equal(tf.argmax(logits, 1), tf.argmax(y, 1))
        error = tf.reduce_mean(tf.cast(wrong, tf.float32))
        learning_rate = params["learning_rate"]
        global_step = tf.train.get_or_create_global_step()
        if decay:
            learning_rate = tf.train.inverse_time_decay(learning_rate, global_step,
                                                        steps_per_epoch, decay, staircase=True)
        optimizer = tf.train.MomentumOptimizer(learning_rate, params["beta"])
        train = optimizer.minimize(loss, global_step=global_step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            train_loss = math.nan
            for batch in _minibatches(len(x_train), batch_size, steps, seed):
                _, train_loss = sess.run([train, loss], {x: x_train[batch], y: y_train[batch],
                                                         training: True})
                if not np.isfinite(train_loss):
                    break  # diverged: no point going on
            val_loss, val_error = sess.run([loss, error], {x: x_val, y: y_val})
    return {"val_loss": float(val_loss), "val_error": float(val_error),
            "train_loss": float(train_loss)}


def _digits_logits(x, training, units: int, layers: int, batch_norm: bool):
    """The logits of `layers` hidden ReLU layers of `units` units (He-initialized)."""
    import minigraph as tf

    h, fan_in = x, 64
    for i in range(layers):
        w = tf.Variable(tf.random_normal([fan_in, units], stddev=math.sqrt(2.0 / fan_in)),
                        name=f"W{i + 1}")
        if batch_norm:  # no bias: batch norm's beta replaces it
            z = tf.layers.batch_normalization(tf.matmul(h, w), momentum=0.9, training=training)
        else:
            z = tf.matmul(h, w) + tf.Variable(tf.zeros([units]), name=f"b{i + 1}")
        h, fan_in = tf.nn.relu(z), units
    w_out = tf.Variable(tf.random_normal([fan_in, 10], stddev=math.sqrt(1.0 / fan_in)),
                        name="W_out")
    return tf.matmul(h, w_out) + tf.Variable(tf.zeros([10]), name="b_out")


def _minibatches(n: int, batch_size: int, steps: int, seed: int):
    """`steps` index arrays: the whole range each step (full batch), or mini-batches of a fresh
    shuffle (from `seed`) each epoch; a last, smaller batch ends each epoch."""
    if batch_size >= n:
        everything = slice(None)
        for _ in range(steps):
            yield everything
        return
    rng = np.random.default_rng(seed)
    taken = 0
    while taken < steps:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            if taken == steps:
                return
            yield order[start:start + batch_size]
            taken += 1
