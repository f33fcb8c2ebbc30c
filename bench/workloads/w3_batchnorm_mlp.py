"""W3 batch-norm MLP: 784 -> 512 -> 512 -> 10, each hidden layer matmul (no bias) + batch norm
(training mode, moving averages updated) + relu; softmax cross-entropy; Adam 1e-3.

The graph version is plain TF1 code (`tf.layers.batch_normalization(training=True)`, its
`UPDATE_OPS` under a control dependency, `AdamOptimizer.minimize`; on a TensorFlow without
`tf.layers`, the ops that layer builds). The numpy version writes the
same forward pass, the batch-norm backward in its closed form, and the same Adam, in float32.
Batches of 256 and 2048 random examples; ms per step. `check()` compares loss and gradients.
PyTorch: `nn.Linear(bias=False)`, `nn.BatchNorm1d(eps=1e-3, momentum=0.01)` (its momentum is
TF's 1 - momentum), `nn.ReLU`, `F.cross_entropy`, TF1's Adam on torch's fused kernel; JAX: the
same formulas in `jax.numpy` with the moving averages as state of the jitted step.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common, _nets, _peers
from bench.workloads._nets import F32

NAME = "W3 batch-norm MLP"
CASES = [{"batch": 256}, {"batch": 2048}]
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "torch_compile", "jax")
SIZES = (784, 512, 512, 10)
MOMENTUM = 0.99
EPSILON = 1e-3
LEARNING_RATE = 1e-3


def make_data(batch: int, n_batches: int = 4, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((batch, SIZES[0]), dtype=np.float32),
             _nets.one_hot(rng, batch, SIZES[-1])) for _ in range(n_batches)]


def init_params(seed: int = 1) -> list:
    """[W1, gamma1, beta1, W2, gamma2, beta2, W3, b3], the order of `trainable_variables()`."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-2], SIZES[1:-1]):
        params += [_nets.glorot(rng, fan_in, fan_out, (fan_in, fan_out)),
                   np.ones(fan_out, np.float32), np.zeros(fan_out, np.float32)]
    params += [_nets.glorot(rng, SIZES[-2], SIZES[-1], SIZES[-2:]),
               np.zeros(SIZES[-1], np.float32)]
    return params


# ---------------------------------------------------------------- numpy
class NumpyNet:
    """The network in numpy: forward, backward by hand, Adam; moving averages kept."""

    def __init__(self, params: list):
        self.params = [p.copy() for p in params]
        self.moving = [(np.zeros(n, np.float32), np.ones(n, np.float32)) for n in SIZES[1:-1]]
        self.adam = _nets.Adam(self.params, LEARNING_RATE)

    def loss_and_grads(self, x: np.ndarray, labels: np.ndarray):
        n = F32(x.shape[0])
        h = x
        caches = []
        for layer in range(len(SIZES) - 2):
            w, gamma, beta = self.params[3 * layer: 3 * layer + 3]
            z = h @ w
            mean = z.mean(axis=0)
            centered = z - mean
            variance = np.square(centered).mean(axis=0)
            inv = F32(1) / np.sqrt(variance + F32(EPSILON))
            scaled = inv * gamma
            y = z * scaled + (beta - mean * scaled)
            a = np.maximum(y, F32(0))
            caches.append((h, centered, inv, scaled, y))
            moving_mean, moving_variance = self.moving[layer]
            moving_mean -= (moving_mean - mean) * F32(1.0 - MOMENTUM)
            moving_variance -= (moving_variance - variance) * F32(1.0 - MOMENTUM)
            h = a
        w3, b3 = self.params[-2:]
        logits = h @ w3 + b3
        loss, dlogits = _nets.softmax_cross_entropy(logits, labels)
        grads = [None] * len(self.params)
        grads[-2] = h.T @ dlogits
        grads[-1] = dlogits.sum(axis=0)
        da = dlogits @ w3.T
        for layer in reversed(range(len(SIZES) - 2)):
            h, centered, inv, scaled, y = caches[layer]
            dy = np.where(y > 0, da, F32(0))
            dbeta = dy.sum(axis=0)
            xhat = centered * inv
            dgamma = (dy * xhat).sum(axis=0)
            dz = (scaled / n) * (n * dy - dbeta - xhat * dgamma)
            w = self.params[3 * layer]
            grads[3 * layer: 3 * layer + 3] = [h.T @ dz, dgamma, dbeta]
            if layer > 0:
                da = dz @ w.T
        return loss, grads

    def train_step(self, x, labels) -> float:
        loss, grads = self.loss_and_grads(x, labels)
        self.adam.step(self.params, grads)
        return loss


# ---------------------------------------------------------------- PyTorch, JAX
class TorchNet(_peers.TorchNet):
    """The network in PyTorch: Linear (weight = W.T), BatchNorm1d, ReLU; Adam."""

    def __init__(self, params: list, compile: bool = False):
        super().__init__(compile)
        nn = self.torch.nn
        same = [lambda p: p] * 2
        self.parameters = self.load(params, [np.transpose] + same + [np.transpose] + same
                                    + [np.transpose, lambda p: p])
        self.grad_layouts = [np.transpose] + same + [np.transpose] + same + [np.transpose,
                                                                             lambda g: g]
        layers = []
        for layer in range(len(SIZES) - 2):
            linear = nn.Linear(SIZES[layer], SIZES[layer + 1], bias=False)
            norm = nn.BatchNorm1d(SIZES[layer + 1], eps=EPSILON, momentum=1.0 - MOMENTUM)
            linear.weight = self.parameters[3 * layer]
            norm.weight, norm.bias = self.parameters[3 * layer + 1: 3 * layer + 3]
            layers += [linear, norm, nn.ReLU()]
        head = nn.Linear(SIZES[-2], SIZES[-1])
        head.weight, head.bias = self.parameters[-2:]
        model = nn.Sequential(*layers, head).train()
        self.setup(model, _peers.torch_adam_tf1(model.parameters(), LEARNING_RATE))

    def loss(self, x, labels):
        torch = self.torch
        return torch.nn.functional.cross_entropy(self.model(torch.from_numpy(x)),
                                                 torch.from_numpy(labels))


def jax_loss(params, moving, x, labels):
    """Forward pass and loss in jax.numpy; returns the updated moving averages as state."""
    import jax
    import jax.numpy as jnp

    h = x
    updated = []
    for layer in range(len(SIZES) - 2):
        w, gamma, beta = params[3 * layer: 3 * layer + 3]
        z = h @ w
        mean = z.mean(axis=0)
        variance = jnp.square(z - mean).mean(axis=0)
        y = (z - mean) * jax.lax.rsqrt(variance + EPSILON) * gamma + beta
        h = jax.nn.relu(y)
        moving_mean, moving_variance = moving[layer]
        stats = jax.lax.stop_gradient((mean, variance))
        updated.append((moving_mean - (moving_mean - stats[0]) * (1.0 - MOMENTUM),
                        moving_variance - (moving_variance - stats[1]) * (1.0 - MOMENTUM)))
    logits = h @ params[-2] + params[-1]
    loss = -(labels * jax.nn.log_softmax(logits, axis=1)).sum(axis=1).mean()
    return loss, updated


def jax_net(params: list):
    moving = [(np.zeros(n, np.float32), np.ones(n, np.float32)) for n in SIZES[1:-1]]
    return _peers.JaxNet(jax_loss, params, _peers.adam_tf1(LEARNING_RATE), moving)


NETS = {"numpy": NumpyNet, "torch": TorchNet, "jax": jax_net,
        "torch_compile": lambda params: TorchNet(params, compile=True)}


# ---------------------------------------------------------------- graph (minigraph or TF1)
def batch_normalization(tf, z):
    """`tf.layers.batch_normalization(z, training=True)`; where a TensorFlow has no
    `tf.layers` (TF 2.16+ with Keras 3), the ops its non-fused path builds: gamma, beta and the
    moving averages, `tf.nn.moments`, `tf.nn.batch_normalization`, the two moving-average
    updates in `UPDATE_OPS`."""
    try:
        return tf.layers.batch_normalization(z, momentum=MOMENTUM, epsilon=EPSILON,
                                             training=True)
    except AttributeError:  # "`batch_normalization` is not available with Keras 3"
        pass
    n = z.shape[-1]
    with tf.variable_scope(None, default_name="batch_normalization"):
        gamma = tf.get_variable("gamma", [n], initializer=tf.ones_initializer())
        beta = tf.get_variable("beta", [n], initializer=tf.zeros_initializer())
        moving_mean = tf.get_variable("moving_mean", [n], initializer=tf.zeros_initializer(),
                                      trainable=False)
        moving_variance = tf.get_variable("moving_variance", [n], trainable=False,
                                          initializer=tf.ones_initializer())
        mean, variance = tf.nn.moments(z, [0])
        for moving, value in ((moving_mean, mean), (moving_variance, variance)):
            tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_sub(
                moving, (moving - value) * (1.0 - MOMENTUM)))
        return tf.nn.batch_normalization(z, mean, variance, beta, gamma, EPSILON)


def build_graph(tf, params: list) -> dict:
    """The TF1 program; returns its placeholders, loss, gradients and train op."""
    x = tf.placeholder(tf.float32, [None, SIZES[0]], name="x")
    labels = tf.placeholder(tf.float32, [None, SIZES[-1]], name="labels")
    h = x
    variables = []
    for layer in range(len(SIZES) - 2):
        w = tf.Variable(params[3 * layer], name=f"W{layer + 1}")
        z = tf.matmul(h, w)
        z = batch_normalization(tf, z)
        h = tf.nn.relu(z)
        variables.append(w)
    w3 = tf.Variable(params[-2], name="W3")
    b3 = tf.Variable(params[-1], name="b3")
    logits = tf.matmul(h, w3) + b3
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(LEARNING_RATE).minimize(loss)
    trainable = tf.trainable_variables()
    return {"x": x, "labels": labels, "loss": loss, "train": train, "variables": trainable,
            "grads": tf.gradients(loss, trainable)}


def run(impl: str, quick: bool = False, batch: int = 256) -> dict:
    """ms per training step (after 3 warm-up steps), final loss, peak RSS."""
    n_steps = 5 if quick else (30 if batch <= 256 else 8)
    return _common.time_training(impl, make_data(batch), init_params(), NETS, build_graph,
                                 "labels", n_steps)


def check(batch: int = 64, steps: int = 3, impl: str = "minigraph") -> dict:
    """Loss and gradients of the graph against numpy, at the start and after `steps` steps.

    Returns the largest relative errors: {"loss", "grads", "trained_loss", "loss_change"}.
    """
    data = make_data(batch, n_batches=2, seed=5)
    return _common.check_training(impl, data, init_params(seed=6), NETS, build_graph, "labels",
                                  steps)


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
