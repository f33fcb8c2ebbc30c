"""W6 conv2d: a small CNN's training step (conv2d forward and backward, ReLU, max-pool, a
dense softmax layer, Adam 1e-3), float32, batch 64; ms per step.

Two networks, both stride-1 "SAME" convolutions without biases, each followed by ReLU and a
max-pool whose windows tile the image (stride = window), then flatten, dense, softmax
cross-entropy:

* `course`: the convolutional course's assignment, 64x64x3 -> conv 4x4x8 -> pool 8 -> conv
  2x2x16 -> pool 4 -> dense 64 -> 6 (the first convolution has 3 input channels: a thin GEMM,
  and no input gradient is needed);
* `lenet`: the classic MNIST tutorial's convolutions, 28x28x1 -> conv 5x5x32 -> pool 2 -> conv
  5x5x64 -> pool 2 -> dense 3136 -> 10 (the second convolution's input gradient is 25 taps of
  32 channels).

The graph version is plain TF1 code (`tf.nn.conv2d`, `tf.nn.max_pool`, `tf.reshape`, Adam's
`minimize`). The numpy version is the convolution written by hand the textbook way: im2col with
`as_strided` and one GEMM forward, `cols.T @ dz` for the filter gradient, `dz @ W.T` then a
col2im loop over the kernel taps for the input gradient; max-pool by reshaping into windows,
its gradient to the first maximum of each window (TF's rule); the same Adam. `check()` compares
loss and gradients. PyTorch: `nn.Conv2d(padding="same", bias=False)` on the NHWC batches viewed
as NCHW (`permute`, i.e. channels-last memory, which its oneDNN convolutions take as is),
`F.max_pool2d`, flattened in TF's NHWC order, `nn.Linear`, TF1's Adam; JAX:
`lax.conv_general_dilated` in NHWC/HWIO, `lax.reduce_window` max, the whole step jitted.
"""

from __future__ import annotations

import functools

import numpy as np

from bench.workloads import _common, _nets, _peers

NAME = "W6 conv2d CNN"
CASES = [{"net": "course"}, {"net": "lenet"}]
CHECKS = CASES
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "jax")
BATCH = 64
LEARNING_RATE = 1e-3
# (image shape, [(filter height, filter width, out channels, pool window)], classes)
NETS = {
    "course": ((64, 64, 3), [(4, 4, 8, 8), (2, 2, 16, 4)], 6),
    "lenet": ((28, 28, 1), [(5, 5, 32, 2), (5, 5, 64, 2)], 10),
}


def make_data(net: str, n_batches: int = 4, batch: int = BATCH, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    image, _, classes = NETS[net]
    return [(rng.random((batch,) + image, dtype=np.float32), _nets.one_hot(rng, batch, classes))
            for _ in range(n_batches)]


def init_params(net: str, seed: int = 1) -> list:
    """[W1, W2, W3, b3]: Glorot-uniform conv filters (fans include the window) and dense
    weights, a zero bias."""
    rng = np.random.default_rng(seed)
    (h, w, c), convs, classes = NETS[net]
    params = []
    for kh, kw, out, pool in convs:
        params.append(_nets.glorot(rng, kh * kw * c, kh * kw * out, (kh, kw, c, out)))
        h, w, c = h // pool, w // pool, out
    params += [_nets.glorot(rng, h * w * c, classes, (h * w * c, classes)),
               np.zeros(classes, np.float32)]
    return params


# ---------------------------------------------------------------- numpy, by hand
def _patches(x: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """The stride-1 SAME windows of NHWC `x` as a view [n, h, w, kh, kw, c] of the padded x."""
    top, left = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, ((0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)))
    n, h, w, c = x.shape
    s = xp.strides
    return np.lib.stride_tricks.as_strided(xp, (n, h, w, kh, kw, c),
                                           (s[0], s[1], s[2], s[1], s[2], s[3]), writeable=False)


def conv_forward(x: np.ndarray, w: np.ndarray):
    kh, kw, c, out = w.shape
    cols = _patches(x, kh, kw).reshape(-1, kh * kw * c)
    return (cols @ w.reshape(-1, out)).reshape(x.shape[:3] + (out,)), cols


def conv_backward(dz: np.ndarray, cols: np.ndarray, w: np.ndarray, x_shape, need_dx: bool):
    kh, kw, c, out = w.shape
    dz2 = dz.reshape(-1, out)
    dw = (cols.T @ dz2).reshape(w.shape)
    if not need_dx:
        return None, dw
    n, h, width, _ = x_shape
    dcols = (dz2 @ w.reshape(-1, out).T).reshape(n, h, width, kh, kw, c)
    top, left = (kh - 1) // 2, (kw - 1) // 2
    dxp = np.zeros((n, h + kh - 1, width + kw - 1, c), np.float32)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i:i + h, j:j + width, :] += dcols[:, :, :, i, j, :]
    return dxp[:, top:top + h, left:left + width, :], dw


def pool_forward(a: np.ndarray, k: int):
    """Max over k x k windows tiling `a`, and each window's first argmax (row-major)."""
    n, h, w, c = a.shape
    windows = a.reshape(n, h // k, k, w // k, k, c).transpose(0, 1, 3, 5, 2, 4)
    windows = windows.reshape(n, h // k, w // k, c, k * k)
    first = windows.argmax(axis=-1)
    return np.take_along_axis(windows, first[..., None], axis=-1)[..., 0], first


def pool_backward(dp: np.ndarray, first: np.ndarray, k: int) -> np.ndarray:
    n, oh, ow, c = dp.shape
    dwindows = np.zeros((n, oh, ow, c, k * k), np.float32)
    np.put_along_axis(dwindows, first[..., None], dp[..., None], axis=-1)
    dwindows = dwindows.reshape(n, oh, ow, c, k, k).transpose(0, 1, 4, 2, 5, 3)
    return dwindows.reshape(n, oh * k, ow * k, c)


class NumpyNet:
    """The CNN in numpy: forward, backward by hand, Adam."""

    def __init__(self, params: list, net: str = "course"):
        self.params = [p.copy() for p in params]
        self.pools = [conv[3] for conv in NETS[net][1]]
        self.adam = _nets.Adam(self.params, LEARNING_RATE)

    def loss_and_grads(self, x: np.ndarray, labels: np.ndarray):
        h = x
        caches = []
        for w, k in zip(self.params[:-2], self.pools):
            z, cols = conv_forward(h, w)
            a = np.maximum(z, np.float32(0))
            p, first = pool_forward(a, k)
            caches.append((h.shape, cols, z, first))
            h = p
        flat = h.reshape(h.shape[0], -1)
        w3, b3 = self.params[-2:]
        loss, dlogits = _nets.softmax_cross_entropy(flat @ w3 + b3, labels)
        grads = [None] * len(self.params)
        grads[-2], grads[-1] = flat.T @ dlogits, dlogits.sum(axis=0)
        dh = (dlogits @ w3.T).reshape(h.shape)
        for layer in reversed(range(len(self.pools))):
            x_shape, cols, z, first = caches[layer]
            da = pool_backward(dh, first, self.pools[layer])
            dz = np.where(z > 0, da, np.float32(0))
            dh, grads[layer] = conv_backward(dz, cols, self.params[layer], x_shape, layer > 0)
        return loss, grads

    def train_step(self, x, labels) -> float:
        loss, grads = self.loss_and_grads(x, labels)
        self.adam.step(self.params, grads)
        return loss


# ---------------------------------------------------------------- PyTorch, JAX
def _hwio_to_oihw(w: np.ndarray) -> np.ndarray:
    return w.transpose(3, 2, 0, 1)


def _oihw_to_hwio(w: np.ndarray) -> np.ndarray:
    return w.transpose(2, 3, 1, 0)


class TorchNet(_peers.TorchNet):
    """The CNN in PyTorch, channels-last: Conv2d, ReLU, max_pool2d, Linear; TF1's Adam."""

    def __init__(self, params: list, net: str = "course"):
        super().__init__()
        nn = self.torch.nn
        n_convs = len(NETS[net][1])
        self.parameters = self.load(params, [_hwio_to_oihw] * n_convs
                                    + [np.transpose, lambda p: p])
        self.grad_layouts = [_oihw_to_hwio] * n_convs + [np.transpose, lambda g: g]
        layers = []
        for w in self.parameters[:n_convs]:
            out, c, kh, kw = w.shape
            conv = nn.Conv2d(c, out, (kh, kw), padding="same", bias=False)
            conv.weight = w
            layers.append(conv)
        dense = nn.Linear(*params[-2].shape)
        dense.weight, dense.bias = self.parameters[-2:]
        self.pools = [conv[3] for conv in NETS[net][1]]
        model = nn.Sequential(*layers, dense).to(memory_format=self.torch.channels_last)
        self.setup(model, _peers.torch_adam_tf1(model.parameters(), LEARNING_RATE))

    def loss(self, x, labels):
        torch = self.torch
        functional = torch.nn.functional
        h = torch.from_numpy(x).permute(0, 3, 1, 2)  # NCHW view of NHWC memory: channels-last
        for conv, k in zip(self.model[:-1], self.pools):
            h = functional.max_pool2d(functional.relu(conv(h)), k)
        flat = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # TF's NHWC flattening order
        return functional.cross_entropy(self.model[-1](flat), torch.from_numpy(labels))


def jax_loss(params, state, x, labels, pools=()):
    """The CNN's forward pass and loss in JAX (NHWC, HWIO filters, TF's SAME padding)."""
    import jax
    import jax.numpy as jnp

    h = x
    for w, k in zip(params[:-2], pools):
        z = jax.lax.conv_general_dilated(h, w, (1, 1), "SAME",
                                         dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jax.lax.reduce_window(jax.nn.relu(z), -jnp.inf, jax.lax.max, (1, k, k, 1),
                                  (1, k, k, 1), "VALID")
    logits = h.reshape(h.shape[0], -1) @ params[-2] + params[-1]
    return -(labels * jax.nn.log_softmax(logits, axis=1)).sum(axis=1).mean(), state


def nets(net: str) -> dict:
    """The implementations of network `net` that take only the parameters."""
    pools = tuple(conv[3] for conv in NETS[net][1])
    return {"numpy": lambda params: NumpyNet(params, net),
            "torch": lambda params: TorchNet(params, net),
            "jax": lambda params: _peers.JaxNet(functools.partial(jax_loss, pools=pools), params,
                                                _peers.adam_tf1(LEARNING_RATE))}


# ---------------------------------------------------------------- graph (minigraph or TF1)
def build_graph(tf, params: list, net: str = "course") -> dict:
    """The TF1 program; returns its placeholders, loss, gradients and train op."""
    image, convs, classes = NETS[net]
    x = tf.placeholder(tf.float32, (None,) + image, name="x")
    labels = tf.placeholder(tf.float32, [None, classes], name="labels")
    variables = [tf.Variable(p, name=f"W{i + 1}") for i, p in enumerate(params[:-2])]
    h = x
    for w, (_, _, _, k) in zip(variables, convs):
        a = tf.nn.relu(tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding="SAME"))
        h = tf.nn.max_pool(a, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding="SAME")
    w3 = tf.Variable(params[-2], name="W3")
    b3 = tf.Variable(params[-1], name="b3")
    variables += [w3, b3]
    logits = tf.matmul(tf.reshape(h, [-1, params[-2].shape[0]]), w3) + b3
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
    train = tf.train.AdamOptimizer(LEARNING_RATE).minimize(loss)
    return {"x": x, "labels": labels, "loss": loss, "train": train,
            "grads": tf.gradients(loss, variables)}


def run(impl: str, quick: bool = False, net: str = "course") -> dict:
    """ms per training step (after 3 warm-up steps), final loss, peak RSS."""
    n_steps = 3 if quick else 20

    def graph(tf, params):
        return build_graph(tf, params, net)

    return _common.time_training(impl, make_data(net), init_params(net), nets(net), graph,
                                 "labels", n_steps)


def check(net: str = "course", batch: int = 16, steps: int = 3, impl: str = "minigraph") -> dict:
    """Loss and gradients of the graph against numpy, at the start and after `steps` steps."""

    def graph(tf, params):
        return build_graph(tf, params, net)

    data = make_data(net, n_batches=2, batch=batch, seed=5)
    return _common.check_training(impl, data, init_params(net, seed=6), nets(net), graph,
                                  "labels", steps)


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
