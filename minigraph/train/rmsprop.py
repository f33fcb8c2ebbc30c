"""RMSProp: divide the step by a running root-mean-square of the gradients.

TF1's `tf.train.RMSPropOptimizer`, with its defaults (decay 0.9, momentum 0, epsilon 1e-10) and
its slots: `rms` (named `<var>/RMSProp`) starts at **ones**, not zeros, so the first steps are
not huge; `momentum` (`<var>/RMSProp_1`, or `_2` when centered) starts at zeros; `centered=True`
adds `mg` (`<var>/RMSProp_1`), a running mean of the gradients. Per step, as TF1's
`ApplyRMSProp` / `ApplyCenteredRMSProp` kernels, one op per variable
(`RMSProp/update_<var>/ApplyRMSProp`), rounding as TF's:

    ms  += (grad**2 - ms) * (1 - decay)
    mg  += (grad - mg) * (1 - decay)                            (centered only)
    mom  = mom * momentum + (grad * lr) / sqrt(ms + eps)        ((ms - mg**2) + eps if centered)
    var -= mom
"""

from __future__ import annotations

from minigraph.ops import array_ops, training_ops
from minigraph.train.optimizer import Optimizer


class RMSPropOptimizer(Optimizer):
    """TF1's `tf.train.RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0.0)
        ...     opt = tf.train.RMSPropOptimizer(0.1)
        ...     train = opt.minimize((w - 5.0) ** 2)
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         sess.run(train)
        ...         print(round(float(sess.run(opt.get_slot(w, "rms"))), 5))
        10.9
    """

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking: bool = False, centered: bool = False, name: str = "RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = bool(centered)

    def _create_slots(self, var_list) -> None:
        for v in var_list:
            # NOTE: TF1 starts the mean square at ones: with zeros, the first step would be
            # lr * grad / sqrt(0.1 * grad**2), about 3 * lr whatever the gradient's scale.
            self._get_or_make_slot(v, _ones_for(v), "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        """ms, (mg,) mom updated as in the module docstring; var -= mom."""
        lr = self._as_var_dtype(self._learning_rate, var)
        decay = self._as_var_dtype(self._decay, var)
        momentum = self._as_var_dtype(self._momentum, var)
        epsilon = self._as_var_dtype(self._epsilon, var)
        rms = self.get_slot(var, "rms")
        mom = self.get_slot(var, "momentum")
        # One fused op per variable, TF1's (see ops/training_ops.py for the measured reason).
        if self._centered:
            return training_ops.apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, lr, decay, momentum, epsilon, grad,
                use_locking=self._use_locking).op
        return training_ops.apply_rms_prop(var, rms, mom, lr, decay, momentum, epsilon, grad,
                                           use_locking=self._use_locking).op


def _ones_for(var):
    """A function making ones shaped like `var`: a Fill when its shape is known, so the slot's
    initializer does not read `var` (TF1 does the same); else ones_like(var)."""

    def make():
        """A ones tensor like `var`: a constant if its shape is known, else OnesLike."""
        if var.shape.is_fully_defined():
            return array_ops.ones(var.shape.as_list(), dtype=var.dtype)
        return array_ops.ones_like(var)

    return make
