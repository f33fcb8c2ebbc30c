"""Momentum: gradient descent with a velocity, TF1's `tf.train.MomentumOptimizer`.

Each variable gets one slot, `accumulation` (named `<var>/Momentum`), starting at zeros. Per step,
exactly as TF1's `ApplyMomentum` kernel, one op per variable
(`Momentum/update_<var>/ApplyMomentum`):

    accum = accum * momentum + grad
    var  -= accum * lr                               (plain)
    var  -= grad * lr + accum * momentum * lr        (use_nesterov=True)
"""

from __future__ import annotations

from minigraph.ops import training_ops
from minigraph.train.optimizer import Optimizer


class MomentumOptimizer(Optimizer):
    """TF1's `tf.train.MomentumOptimizer(learning_rate, momentum, use_nesterov=False)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0.0)
        ...     opt = tf.train.MomentumOptimizer(0.1, momentum=0.9)
        ...     train = opt.minimize((w - 5.0) ** 2)
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         for _ in range(2):
        ...             sess.run(train)
        ...         print(sess.run(w), sess.run(opt.get_slot(w, "momentum")))
        2.7 -17.0
    """

    def __init__(self, learning_rate, momentum, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = bool(use_nesterov)

    def _create_slots(self, var_list) -> None:
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        """accum = accum * momentum + grad; var -= lr * accum (Nesterov: see the module)."""
        lr = self._as_var_dtype(self._learning_rate, var)
        momentum = self._as_var_dtype(self._momentum, var)
        # One fused op per variable, TF1's (see ops/training_ops.py for the measured reason).
        return training_ops.apply_momentum(
            var, self.get_slot(var, "momentum"), lr, grad, momentum,
            use_locking=self._use_locking, use_nesterov=self._use_nesterov).op
