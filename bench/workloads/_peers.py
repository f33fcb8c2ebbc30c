"""The peers' side of the workloads: PyTorch and JAX, their thread settings and optimizers.

Nothing here is imported by minigraph or its tests' runtime paths: torch and jax are imported
inside the functions, and only when a workload runs with `--impl torch`, `torch_compile` or
`jax` (in an interpreter that has them; `bench/run.py --peer-python PATH`).

Threads: every framework gets the same number of compute threads, read from `OMP_NUM_THREADS`
(which `bench/run.py` sets, with `OPENBLAS_NUM_THREADS` and `MKL_NUM_THREADS`, for BLAS):
PyTorch `set_num_threads` and `set_num_interop_threads`; JAX/XLA `XLA_FLAGS`
(`--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1` for one thread), set
before jax is first imported. Unset means each library's own default. XLA's runtime still
computes on more than one thread with those flags, so `bench/run.py` also pins every measured
process to one CPU.

Optimizers compute what minigraph's (TF1's) compute:

* Adam, TF1's form: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), w -= lr_t m / (sqrt(v) + eps).
  `torch.optim.Adam` adds its eps to sqrt(v) / sqrt(1 - b2^t), so TF1's eps is in effect
  eps / sqrt(1 - b2^t), 32x larger at the first step, which moves elements with small
  gradients differently (with torch's eps the batch-norm MLP's loss after 3 steps differed by
  1.8e-4 relative). PyTorch runs `torch.optim.Adam(fused=True)` (its fastest CPU kernel: a
  W3 step at batch 256 took 14-19 ms of CPU with it, 18-21 with `foreach=True` and 18-22 with
  the default, six runs each) with eps set to eps / sqrt(1 - b2^t) before each step, which is
  TF1's formula exactly; in JAX the formula is written out.
* RMSProp, TF1's form: ms = decay ms + (1 - decay) g^2 with ms starting at ONES, w -= lr g /
  sqrt(ms + eps). PyTorch's `torch.optim.RMSprop(alpha=decay, eps=eps)` starts its mean square
  at zeros, so its state is filled with ones before the first step (the optimizer's own kernel
  still runs); its eps is outside the square root, which at eps = 1e-10 changes nothing.
"""

from __future__ import annotations

import math
import os

import numpy as np


def compute_threads():
    """The thread count every framework is given (OMP_NUM_THREADS), or None: library default."""
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.strip() else None


def xla_flags(threads: int) -> str:
    """The XLA_FLAGS that give XLA's CPU backend `threads` compute threads."""
    eigen = "false" if threads == 1 else "true"
    return f"--xla_cpu_multi_thread_eigen={eigen} intra_op_parallelism_threads={threads}"


def import_torch():
    """torch, with its intra- and inter-op pools sized by `compute_threads()`."""
    import torch  # optional peer, never a dependency

    threads = compute_threads()
    if threads:
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(threads)
        except RuntimeError:  # already set in this process (it can be set only once)
            pass
    return torch


def import_jax():
    """jax on the CPU, its XLA thread pool sized by `compute_threads()` (before first import)."""
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    threads = compute_threads()
    if threads and "XLA_FLAGS" not in os.environ:
        os.environ["XLA_FLAGS"] = xla_flags(threads)
    import jax  # optional peer, never a dependency

    return jax


# ---------------------------------------------------------------- PyTorch
def torch_adam_tf1(parameters, lr: float, beta1: float = 0.9, beta2: float = 0.999,
                   epsilon: float = 1e-8):
    """TF1's Adam on PyTorch's fastest CPU kernel, `torch.optim.Adam(fused=True)`.

    PyTorch's formula is w -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps'); with
    eps' = eps / sqrt(1 - b2^t), set before each step, it is TF1's exactly.
    """
    torch = import_torch()

    class AdamTF1(torch.optim.Adam):
        def __init__(self, params):
            super().__init__(params, lr=lr, betas=(beta1, beta2), eps=epsilon, fused=True)
            self.steps = 0

        def step(self, closure=None):
            self.steps += 1
            for group in self.param_groups:
                group["eps"] = epsilon / math.sqrt(1.0 - beta2**self.steps)
            return super().step(closure)

    return AdamTF1(list(parameters))


def torch_rmsprop_tf1(parameters, lr: float, decay: float = 0.9, epsilon: float = 1e-10):
    """`torch.optim.RMSprop` with TF1's decay, epsilon and mean square starting at ones."""
    torch = import_torch()
    parameters = list(parameters)
    opt = torch.optim.RMSprop(parameters, lr=lr, alpha=decay, eps=epsilon)
    for p in parameters:
        opt.state[p] = {"step": torch.zeros((), dtype=torch.float32),
                        "square_avg": torch.ones_like(p)}
    return opt


class TorchNet:
    """A PyTorch model trained the idiomatic way (`zero_grad`, `backward`, `opt.step()`).

    Subclasses make their parameters with `load` (numpy-layout arrays through a layout function
    each), set `self.parameters` (in the numpy version's order) and `self.grad_layouts` (a
    function per parameter mapping its gradient back to the numpy layout), call
    `self.setup(model, optimizer)`, and write `loss(x, y)` on numpy inputs using `self.model`.
    With `compile=True` the model goes through `torch.compile` (forward and backward compiled,
    the fused optimizer eager: the usual way to use it).
    """

    def __init__(self, compile: bool = False):
        self.torch = import_torch()
        self.compile = compile

    def setup(self, model, optimizer) -> None:
        self.model = self.torch.compile(model) if self.compile else model
        self.optimizer = optimizer

    def load(self, params: list, to_torch: list) -> list:
        """Leaf parameters made from numpy `params` through the layout functions `to_torch`."""
        torch = self.torch
        return [torch.nn.Parameter(torch.from_numpy(np.ascontiguousarray(f(p))))
                for p, f in zip(params, to_torch)]

    def loss(self, x, y):
        raise NotImplementedError

    def train_step(self, x, y):
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss(x, y)
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def loss_and_grads(self, x, y):
        """(loss, gradients in the numpy version's layouts), without an update."""
        for p in self.parameters:
            p.grad = None
        loss = self.loss(x, y)
        loss.backward()
        grads = [f(p.grad.numpy()) for p, f in zip(self.parameters, self.grad_layouts)]
        return float(loss.detach()), grads


# ---------------------------------------------------------------- JAX
def adam_tf1(lr: float, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
    """TF1's Adam as a pair of pure functions: init(params) -> state, and
    update(grads, state, params) -> (params, state)."""
    import jax.numpy as jnp

    def init(params):
        # separate buffers for m and v: the jitted step donates (reuses) each of them
        return ([jnp.zeros_like(p) for p in params], [jnp.zeros_like(p) for p in params],
                jnp.float32(beta1), jnp.float32(beta2))

    def update(grads, state, params):
        m, v, b1_power, b2_power = state
        lr_t = lr * jnp.sqrt(1.0 - b2_power) / (1.0 - b1_power)
        m = [beta1 * mi + (1.0 - beta1) * g for mi, g in zip(m, grads)]
        v = [beta2 * vi + (1.0 - beta2) * g * g for vi, g in zip(v, grads)]
        params = [p - lr_t * mi / (jnp.sqrt(vi) + epsilon) for p, mi, vi in zip(params, m, v)]
        return params, (m, v, b1_power * beta1, b2_power * beta2)

    return init, update


def rmsprop_tf1(lr: float, decay: float = 0.9, epsilon: float = 1e-10):
    """TF1's RMSProp (momentum 0, mean square starting at ones) as init / update functions."""
    import jax.numpy as jnp

    def init(params):
        return [jnp.ones_like(p) for p in params]

    def update(grads, state, params):
        ms = [decay * s + (1.0 - decay) * g * g for s, g in zip(state, grads)]
        params = [p - lr * g / jnp.sqrt(s + epsilon) for p, g, s in zip(params, grads, ms)]
        return params, ms

    return init, update


class JaxNet:
    """A JAX model: `loss_fn(params, state, x, y) -> (loss, new_state)` (state: batch norm's
    moving averages, or ()), and the whole training step — gradients and the optimizer update —
    in one `jax.jit` with the parameters and optimizer state donated. Inputs are the numpy
    batches, transferred by the jitted call as any JAX program receiving host data does;
    `train_step` waits for the result (`jax.block_until_ready`)."""

    def __init__(self, loss_fn, params: list, optimizer, state=()):
        self.jax = jax = import_jax()
        init, update = optimizer
        self.params = [jax.numpy.asarray(p) for p in params]
        self.opt_state = init(self.params)
        self.state = jax.tree_util.tree_map(jax.numpy.asarray, state)
        grad_fn = jax.value_and_grad(loss_fn, has_aux=True)

        def step(params, opt_state, state, x, y):
            (loss, state), grads = grad_fn(params, state, x, y)
            params, opt_state = update(grads, opt_state, params)
            return params, opt_state, state, loss

        self._grads = jax.jit(grad_fn)
        self._step = jax.jit(step, donate_argnums=(0, 1, 2))

    def train_step(self, x, y):
        self.params, self.opt_state, self.state, loss = self._step(
            self.params, self.opt_state, self.state, x, y)
        return self.jax.block_until_ready(loss)

    def loss_and_grads(self, x, y):
        (loss, _), grads = self._grads(self.params, self.state, x, y)
        return float(loss), [np.asarray(g) for g in grads]
