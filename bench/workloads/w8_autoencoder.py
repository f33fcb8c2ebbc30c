"""W8 autoencoder: 784 -> 256 -> 64 -> 256 -> 784, a sigmoid after every layer, mean squared
reconstruction error, RMSProp 1e-3 (TF1's decay 0.9, epsilon 1e-10, momentum 0), batches of
128; ms per step.

The classic TF1 autoencoder example (MNIST-sized inputs, sigmoid layers, `tf.reduce_mean(
tf.pow(x - x_hat, 2))`, `tf.train.RMSPropOptimizer`), with a 64-unit code, Glorot-uniform
weights [n_in, n_out] and zero biases; examples are rows. The inputs are random pixels in
[0, 1) (eight batches, fed in turn). numpy: the forward pass, the backward pass by hand
(sigmoid' = a (1 - a)) and TF1's RMSProp (mean square starting at ones). PyTorch: `nn.Linear`
+ `nn.Sigmoid`, `F.mse_loss`, `torch.optim.RMSprop` set to TF1's formula (see `_peers`); JAX:
the formulas in `jax.numpy`, the whole step jitted.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common, _nets, _peers
from bench.workloads._nets import F32

NAME = "W8 sigmoid autoencoder"
CASES = [{}]
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "torch_compile", "jax")
SIZES = (784, 256, 64, 256, 784)
LEARNING_RATE = 1e-3
DECAY = 0.9
EPSILON = 1e-10
BATCH = 128


def make_data(batch: int = BATCH, n_batches: int = 8, seed: int = 0) -> list:
    """(x, x) pairs: the input is its own target."""
    rng = np.random.default_rng(seed)
    batches = [rng.random((batch, SIZES[0]), dtype=np.float32) for _ in range(n_batches)]
    return [(x, x) for x in batches]


def init_params(seed: int = 1) -> list:
    """[W1, b1, ..., W4, b4]: Glorot-uniform [n_in, n_out] weights, zero biases."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params += [_nets.glorot(rng, fan_in, fan_out, (fan_in, fan_out)),
                   np.zeros(fan_out, np.float32)]
    return params


class RMSProp:
    """TF1's RMSProp, momentum 0: ms = decay ms + (1 - decay) g^2 (ms starts at ones),
    w -= lr g / sqrt(ms + eps)."""

    def __init__(self, params: list, lr: float = LEARNING_RATE, decay: float = DECAY,
                 epsilon: float = EPSILON):
        self.lr, self.decay, self.epsilon = F32(lr), F32(decay), F32(epsilon)
        self.ms = [np.ones_like(p) for p in params]

    def step(self, params: list, grads: list) -> None:
        """Updates `params` in place."""
        for p, g, ms in zip(params, grads, self.ms):
            ms *= self.decay
            ms += (F32(1) - self.decay) * np.square(g)
            p -= self.lr * g / np.sqrt(ms + self.epsilon)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return F32(1) / (F32(1) + np.exp(-z))


class NumpyNet:
    """The autoencoder in numpy: forward, backward by hand, RMSProp."""

    def __init__(self, params: list):
        self.params = [p.copy() for p in params]
        self.optimizer = RMSProp(self.params)

    def loss_and_grads(self, x: np.ndarray, target: np.ndarray):
        activations = [x]
        for k in range(len(SIZES) - 1):
            w, b = self.params[2 * k: 2 * k + 2]
            activations.append(sigmoid(activations[-1] @ w + b))
        error = activations[-1] - target
        loss = np.square(error).mean()
        grads = [None] * len(self.params)
        da = error * (F32(2) / F32(error.size))
        for k in reversed(range(len(SIZES) - 1)):
            a = activations[k + 1]
            dz = da * a * (F32(1) - a)
            grads[2 * k] = activations[k].T @ dz
            grads[2 * k + 1] = dz.sum(axis=0)
            if k > 0:
                da = dz @ self.params[2 * k].T
        return loss, grads

    def train_step(self, x, target) -> float:
        loss, grads = self.loss_and_grads(x, target)
        self.optimizer.step(self.params, grads)
        return loss


class TorchNet(_peers.TorchNet):
    """The autoencoder in PyTorch: Linear (weight = W.T) + Sigmoid layers, MSE, RMSprop."""

    def __init__(self, params: list, compile: bool = False):
        super().__init__(compile)
        nn = self.torch.nn
        self.parameters = self.load(params, [np.transpose, lambda p: p] * 4)
        self.grad_layouts = [np.transpose, lambda g: g] * 4
        layers = []
        for k, (fan_in, fan_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
            linear = nn.Linear(fan_in, fan_out)
            linear.weight, linear.bias = self.parameters[2 * k: 2 * k + 2]
            layers += [linear, nn.Sigmoid()]
        model = nn.Sequential(*layers)
        self.setup(model, _peers.torch_rmsprop_tf1(model.parameters(), LEARNING_RATE, DECAY,
                                                   EPSILON))

    def loss(self, x, target):
        torch = self.torch
        return torch.nn.functional.mse_loss(self.model(torch.from_numpy(x)),
                                            torch.from_numpy(target))


def jax_loss(params, state, x, target):
    """The forward pass and the mean squared error in jax.numpy."""
    import jax
    import jax.numpy as jnp

    h = x
    for k in range(len(SIZES) - 1):
        h = jax.nn.sigmoid(h @ params[2 * k] + params[2 * k + 1])
    return jnp.mean(jnp.square(h - target)), state


NETS = {"numpy": NumpyNet, "torch": TorchNet,
        "torch_compile": lambda params: TorchNet(params, compile=True),
        "jax": lambda params: _peers.JaxNet(jax_loss, params, _peers.rmsprop_tf1(
            LEARNING_RATE, DECAY, EPSILON))}


def build_graph(tf, params: list) -> dict:
    """The TF1 program; returns its placeholder, loss, gradients and train op."""
    x = tf.placeholder(tf.float32, [None, SIZES[0]], name="x")
    variables = []
    h = x
    for k in range(len(SIZES) - 1):
        w = tf.Variable(params[2 * k], name=f"W{k + 1}")
        b = tf.Variable(params[2 * k + 1], name=f"b{k + 1}")
        variables += [w, b]
        h = tf.nn.sigmoid(tf.matmul(h, w) + b)
    loss = tf.reduce_mean(tf.pow(x - h, 2))
    train = tf.train.RMSPropOptimizer(LEARNING_RATE, decay=DECAY, epsilon=EPSILON).minimize(loss)
    return {"x": x, "loss": loss, "train": train, "grads": tf.gradients(loss, variables)}


def run(impl: str, quick: bool = False) -> dict:
    """ms per training step over 40 steps (3 when quick), after 3 warm-up steps."""
    return _common.time_training(impl, make_data(), init_params(), NETS, build_graph, "x",
                                 3 if quick else 40)


def check(impl: str = "minigraph", batch: int = 32, steps: int = 3) -> dict:
    """Loss and gradients against numpy, at the start and after `steps` steps."""
    data = make_data(batch, n_batches=2, seed=5)
    return _common.check_training(impl, data, init_params(seed=6), NETS, build_graph, "x",
                                  steps)


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
