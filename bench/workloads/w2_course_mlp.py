"""W2 course MLP: the course's TF1 network, 12288 -> 25 -> 12 -> 6 with relu, softmax
cross-entropy, Adam 1e-4, mini-batches of 32 from 1,080 float32 examples; ms per step.

In the course's layout examples are columns: X is [12288, m], W1 is [25, 12288], Z1 = W1 X + b1,
and the cost is `reduce_mean(softmax_cross_entropy_with_logits_v2(logits=transpose(Z3),
labels=transpose(Y)))`. The numpy version does the same math with a hand-written backward pass
and the same Adam. One epoch of shuffled mini-batches (33 of 32 and one of 24) is cut before
timing and fed in turn. PyTorch: `nn.Linear` layers (their weight is the course's [n_out, n_in]
W) on the examples-as-rows view `X.T`, `F.cross_entropy` with the one-hot labels as
probabilities, TF1's Adam on torch's fused kernel; JAX: the course's formulas in
`jax.numpy`, the whole step jitted.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common, _nets, _peers
from bench.workloads._nets import F32

NAME = "W2 course MLP"
CASES = [{}]
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "torch_compile", "jax")
SIZES = (12288, 25, 12, 6)
LEARNING_RATE = 1e-4
EXAMPLES = 1080
MINIBATCH = 32


def make_minibatches(seed: int = 0, examples: int = EXAMPLES) -> list:
    rng = np.random.default_rng(seed)
    x = rng.random((SIZES[0], examples), dtype=np.float32)  # pixels / 255
    y = _nets.one_hot(rng, examples, SIZES[-1]).T.copy()
    order = rng.permutation(examples)
    x, y = x[:, order], y[:, order]
    return [(np.ascontiguousarray(x[:, k:k + MINIBATCH]),
             np.ascontiguousarray(y[:, k:k + MINIBATCH]))
            for k in range(0, examples, MINIBATCH)]


def init_params(seed: int = 1) -> list:
    """[W1, b1, W2, b2, W3, b3]: xavier weights [n_out, n_in], zero biases [n_out, 1]."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params += [_nets.glorot(rng, fan_in, fan_out, (fan_out, fan_in)),
                   np.zeros((fan_out, 1), np.float32)]
    return params


class NumpyNet:
    """The course network in numpy: forward, backward by hand, Adam."""

    def __init__(self, params: list):
        self.params = [p.copy() for p in params]
        self.adam = _nets.Adam(self.params, LEARNING_RATE)

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray):
        w1, b1, w2, b2, w3, b3 = self.params
        z1 = w1 @ x + b1
        a1 = np.maximum(z1, F32(0))
        z2 = w2 @ a1 + b2
        a2 = np.maximum(z2, F32(0))
        z3 = w3 @ a2 + b3
        loss, dlogits = _nets.softmax_cross_entropy(z3.T, y.T)
        dz3 = dlogits.T
        dz2 = np.where(z2 > 0, w3.T @ dz3, F32(0))
        dz1 = np.where(z1 > 0, w2.T @ dz2, F32(0))
        grads = [dz1 @ x.T, dz1.sum(axis=1, keepdims=True),
                 dz2 @ a1.T, dz2.sum(axis=1, keepdims=True),
                 dz3 @ a2.T, dz3.sum(axis=1, keepdims=True)]
        return loss, grads

    def train_step(self, x, y) -> float:
        loss, grads = self.loss_and_grads(x, y)
        self.adam.step(self.params, grads)
        return loss


class TorchNet(_peers.TorchNet):
    """The course network in PyTorch, examples as rows inside (`model(X.T)`)."""

    def __init__(self, params: list, compile: bool = False):
        super().__init__(compile)
        torch = self.torch
        self.parameters = self.load(params, [lambda p: p, np.ravel] * 3)
        self.grad_layouts = [lambda g: g, lambda g: g[:, None]] * 3
        model = torch.nn.Sequential(
            torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(),
            torch.nn.Linear(SIZES[1], SIZES[2]), torch.nn.ReLU(),
            torch.nn.Linear(SIZES[2], SIZES[3]))
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        for k, linear in enumerate(linears):
            linear.weight, linear.bias = self.parameters[2 * k], self.parameters[2 * k + 1]
        self.setup(model, _peers.torch_adam_tf1(model.parameters(), LEARNING_RATE))

    def loss(self, x, y):
        torch = self.torch
        logits = self.model(torch.as_tensor(x, dtype=torch.float32).T)
        return torch.nn.functional.cross_entropy(logits, torch.as_tensor(y, dtype=torch.float32).T)


def jax_loss(params, state, x, y):
    """The course's forward pass and mean softmax cross-entropy in jax.numpy."""
    import jax

    w1, b1, w2, b2, w3, b3 = params
    a1 = jax.nn.relu(w1 @ x + b1)
    a2 = jax.nn.relu(w2 @ a1 + b2)
    z3 = w3 @ a2 + b3
    return -(y * jax.nn.log_softmax(z3, axis=0)).sum(axis=0).mean(), state


def jax_net(params: list):
    return _peers.JaxNet(jax_loss, params, _peers.adam_tf1(LEARNING_RATE))


NETS = {"numpy": NumpyNet, "torch": TorchNet, "jax": jax_net,
        "torch_compile": lambda params: TorchNet(params, compile=True)}


def build_graph(tf, params: list) -> dict:
    """The course's TF1 program; returns its placeholders, cost, gradients and train op."""
    x = tf.placeholder(tf.float32, [SIZES[0], None], name="X")
    y = tf.placeholder(tf.float32, [SIZES[-1], None], name="Y")
    names = ["W1", "b1", "W2", "b2", "W3", "b3"]
    variables = [tf.Variable(p, name=n) for p, n in zip(params, names)]
    w1, b1, w2, b2, w3, b3 = variables
    z1 = tf.add(tf.matmul(w1, x), b1)
    a1 = tf.nn.relu(z1)
    z2 = tf.add(tf.matmul(w2, a1), b2)
    a2 = tf.nn.relu(z2)
    z3 = tf.add(tf.matmul(w3, a2), b3)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
        logits=tf.transpose(z3), labels=tf.transpose(y)))
    train = tf.train.AdamOptimizer(learning_rate=LEARNING_RATE).minimize(cost)
    return {"x": x, "y": y, "loss": cost, "train": train, "grads": tf.gradients(cost, variables)}


def run(impl: str, quick: bool = False) -> dict:
    """ms per training step over 4 epochs of mini-batches (20 steps when quick), after 3
    warm-up steps (minigraph generates its plan function on the third run)."""
    batches = make_minibatches()
    n_steps = 20 if quick else 4 * len(batches)
    return _common.time_training(impl, batches, init_params(), NETS, build_graph, "y", n_steps)


def check(steps: int = 3, impl: str = "minigraph", examples: int = 96) -> dict:
    """Loss and gradients of the graph against numpy, at the start and after `steps` steps."""
    batches = make_minibatches(seed=5, examples=examples)
    return _common.check_training(impl, batches, init_params(seed=6), NETS, build_graph, "y",
                                  steps)


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
