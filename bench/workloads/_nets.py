"""The numpy side of W2 and W3: Adam, softmax cross-entropy, and data, written by hand.

Everything is float32 and follows the graph's formulas step by step (TF1's Adam with its
bias-corrected learning rate, the log-sum-exp cross-entropy), so that the losses and gradients of
the two implementations agree to float32 rounding and `check()` can compare them.
"""

from __future__ import annotations

import numpy as np

F32 = np.float32


class Adam:
    """TF1's Adam: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); w -= lr_t m / (sqrt(v) + eps)."""

    def __init__(self, params: list, lr: float, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.lr, self.beta1, self.beta2 = F32(lr), F32(beta1), F32(beta2)
        self.epsilon = F32(epsilon)
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.beta1_power = F32(beta1)
        self.beta2_power = F32(beta2)

    def step(self, params: list, grads: list) -> None:
        """Updates `params` in place."""
        b1, b2 = self.beta1, self.beta2
        lr_t = self.lr * np.sqrt(F32(1) - self.beta2_power) / (F32(1) - self.beta1_power)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= b1
            m += (F32(1) - b1) * g
            v *= b2
            v += (F32(1) - b2) * np.square(g)
            p -= lr_t * m / (np.sqrt(v) + self.epsilon)
        self.beta1_power = self.beta1_power * b1
        self.beta2_power = self.beta2_power * b2


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray):
    """(mean loss over rows, d mean loss / d logits), with the log-sum-exp trick."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    losses = np.log(total)[:, 0] - (labels * shifted).sum(axis=1)
    n = logits.shape[0]
    dlogits = (exp / total - labels) / F32(n)
    return losses.mean(), dlogits


def glorot(rng: np.random.Generator, fan_in: int, fan_out: int, shape) -> np.ndarray:
    """Glorot-uniform weights of `shape` (what tf.layers and the course's xavier use)."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def one_hot(rng: np.random.Generator, n: int, classes: int) -> np.ndarray:
    labels = np.zeros((n, classes), np.float32)
    labels[np.arange(n), rng.integers(0, classes, size=n)] = 1.0
    return labels
