"""W7 course notebook: the week-3 "TensorFlow Tutorial" model exactly as the notebook writes it.

12288 -> 25 -> 12 -> 6 relu, `tf.nn.softmax_cross_entropy_with_logits` on the transposed
logits, Adam 1e-4, mini-batches of 32 of 1,080 examples; ms per `sess.run` step. What differs
from W2 (the same network with tidy float32 inputs) is what the notebook does around it:

* the data is float64, made the notebook's way: uint8 images flattened and transposed
  (`X_train_orig.reshape(m, -1).T / 255.`) and `np.eye(6)[Y.reshape(-1)].T` labels;
* `random_mini_batches` (the course's `tf_utils`, as written) cuts each epoch into column
  slices of a shuffled copy: every fed mini-batch is a non-contiguous float64 view, fed into
  a `[n_x, None]` float32 placeholder, so each step converts it;
* the variables come from `tf.get_variable` with `xavier_initializer(seed=1)` and
  `zeros_initializer` (TensorFlow 2 has no `tf.contrib`: there the same Glorot-uniform
  initializer, `tf.glorot_uniform_initializer(seed=1)`);
* each step is `_, minibatch_cost = sess.run([optimizer, cost], feed_dict=...)` and
  `epoch_cost += minibatch_cost / num_minibatches`.

The epochs' mini-batches are cut before timing (shuffling 106 MB per epoch is the notebook's
cost, not the engine's). numpy: the feed's float32 conversion, then W2's hand-written step;
PyTorch and JAX: W2's models, given the same float64 views (`torch.as_tensor(x, float32)`; the
jitted step converts its float64 arguments to float32 itself).
"""

from __future__ import annotations

import math

import numpy as np

from bench.workloads import _common, w2_course_mlp

NAME = "W7 course notebook"
CASES = [{}]
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "jax")
LAYERS = w2_course_mlp.SIZES
LEARNING_RATE = 1e-4
MINIBATCH = 32
EXAMPLES = 1080


# ---------------------------------------------------------------- the notebook's data helpers
def convert_to_one_hot(Y, C):
    Y = np.eye(C)[Y.reshape(-1)].T
    return Y


def load_dataset(seed: int = 0, examples: int = EXAMPLES):
    """Random SIGNS-shaped data (64x64x3 uint8 images, labels 0..5) flattened and normalized
    as the notebook does: float64, examples as columns."""
    rng = np.random.default_rng(seed)
    X_train_orig = rng.integers(0, 256, size=(examples, 64, 64, 3), dtype=np.uint8)
    Y_train_orig = rng.integers(0, LAYERS[-1], size=(1, examples))
    X_train_flatten = X_train_orig.reshape(X_train_orig.shape[0], -1).T
    X_train = X_train_flatten / 255.
    Y_train = convert_to_one_hot(Y_train_orig, LAYERS[-1])
    return X_train, Y_train


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """The course's `tf_utils.random_mini_batches` (its `np.random.seed(seed)` permutation,
    drawn here from a `RandomState(seed)`, the same numbers, leaving numpy's global state
    alone)."""
    m = X.shape[1]
    mini_batches = []
    permutation = list(np.random.RandomState(seed).permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((Y.shape[0], m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size: k * mini_batch_size + mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size: k * mini_batch_size + mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size: m]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size: m]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


# ---------------------------------------------------------------- the notebook's TF1 model
def create_placeholders(tf, n_x, n_y):
    X = tf.placeholder(tf.float32, [n_x, None], name="X")
    Y = tf.placeholder(tf.float32, [n_y, None], name="Y")
    return X, Y


def _xavier(tf, seed):
    if hasattr(tf, "contrib"):
        return tf.contrib.layers.xavier_initializer(seed=seed)
    return tf.glorot_uniform_initializer(seed=seed)  # TensorFlow 2's compat.v1: no contrib


def initialize_parameters(tf):
    tf.set_random_seed(1)
    W1 = tf.get_variable("W1", [25, 12288], initializer=_xavier(tf, 1))
    b1 = tf.get_variable("b1", [25, 1], initializer=tf.zeros_initializer())
    W2 = tf.get_variable("W2", [12, 25], initializer=_xavier(tf, 1))
    b2 = tf.get_variable("b2", [12, 1], initializer=tf.zeros_initializer())
    W3 = tf.get_variable("W3", [6, 12], initializer=_xavier(tf, 1))
    b3 = tf.get_variable("b3", [6, 1], initializer=tf.zeros_initializer())
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


def forward_propagation(tf, X, parameters):
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = tf.add(tf.matmul(W1, X), b1)
    A1 = tf.nn.relu(Z1)
    Z2 = tf.add(tf.matmul(W2, A1), b2)
    A2 = tf.nn.relu(Z2)
    Z3 = tf.add(tf.matmul(W3, A2), b3)
    return Z3


def compute_cost(tf, Z3, Y):
    logits = tf.transpose(Z3)
    labels = tf.transpose(Y)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=labels))
    return cost


def build_graph(tf, params=None) -> dict:
    """The notebook's `model()` up to the session: placeholders, parameters, cost, optimizer.
    (`params` is unused: the variables get the notebook's initializers.)"""
    X, Y = create_placeholders(tf, LAYERS[0], LAYERS[-1])
    parameters = initialize_parameters(tf)
    Z3 = forward_propagation(tf, X, parameters)
    cost = compute_cost(tf, Z3, Y)
    optimizer = tf.train.AdamOptimizer(learning_rate=LEARNING_RATE).minimize(cost)
    variables = [parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
    return {"x": X, "y": Y, "loss": cost, "train": optimizer, "variables": variables,
            "grads": tf.gradients(cost, variables)}


# ---------------------------------------------------------------- numpy and the peers
class NumpyNet(w2_course_mlp.NumpyNet):
    """W2's hand-written network, converting each float64 mini-batch to float32 first (what
    feeding it into a float32 placeholder does)."""

    def loss_and_grads(self, x, y):
        return super().loss_and_grads(np.asarray(x, np.float32), np.asarray(y, np.float32))


NETS = {"numpy": NumpyNet, "torch": w2_course_mlp.TorchNet, "jax": w2_course_mlp.jax_net}


def epochs_of_minibatches(n_epochs: int, examples: int = EXAMPLES, data_seed: int = 0) -> list:
    """The notebook's mini-batches for `n_epochs` epochs (seed 3, plus one per epoch)."""
    X_train, Y_train = load_dataset(data_seed, examples)
    seed = 3
    batches = []
    for _ in range(n_epochs):
        seed = seed + 1
        batches += random_mini_batches(X_train, Y_train, MINIBATCH, seed)
    return batches


def run(impl: str, quick: bool = False) -> dict:
    """ms per mini-batch step over 2 epochs (68 steps; 5 when quick), after 3 warm-up steps."""
    batches = epochs_of_minibatches(1 if quick else 2)
    n_steps = 5 if quick else len(batches) - 3
    num_minibatches = int(EXAMPLES / MINIBATCH)
    state = {"k": 0, "epoch_cost": 0.0}
    if impl in _common.GRAPH_IMPLS:
        tf = _common.tf_module(impl)
        g = build_graph(tf)
        X, Y, optimizer, cost = g["x"], g["y"], g["train"], g["loss"]
        sess = tf.Session(config=_common.session_config(tf))
        sess.run(tf.global_variables_initializer())

        def train(minibatch_X, minibatch_Y):
            _, minibatch_cost = sess.run([optimizer, cost],
                                         feed_dict={X: minibatch_X, Y: minibatch_Y})
            return minibatch_cost
    else:
        train = _common.make_net(NETS, impl, w2_course_mlp.init_params()).train_step

    def step():
        (minibatch_X, minibatch_Y) = batches[state["k"] % len(batches)]
        state["k"] += 1
        minibatch_cost = train(minibatch_X, minibatch_Y)
        state["epoch_cost"] += minibatch_cost / num_minibatches
        return minibatch_cost

    timing = _common.timed_steps(step, n_steps, warmup=3)
    return _common.training_result(timing, step())


def check(impl: str = "minigraph", steps: int = 3, examples: int = 96) -> dict:
    """Loss and gradients against numpy on the notebook's float64 mini-batches, at the start
    and after `steps` steps. A graph starts from its own initializers' values (read from the
    session), numpy from the same values; PyTorch and JAX from W2's parameters."""
    batches = epochs_of_minibatches(1, examples, data_seed=5)
    if impl not in _common.GRAPH_IMPLS:
        params = w2_course_mlp.init_params(seed=6)
        return _common.check_net(_common.make_net(NETS, impl, params), NumpyNet(params),
                                 batches, steps)
    tf = _common.tf_module(impl)
    with tf.Graph().as_default():
        g = build_graph(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            params = sess.run(g["variables"])
            return _common.check_net(_common.GraphNet(sess, g), NumpyNet(params), batches, steps)


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
