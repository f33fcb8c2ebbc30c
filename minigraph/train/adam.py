"""Adam: momentum and RMSProp together, with bias correction (Kingma & Ba), TF1's way.

Slots per variable: `m` (named `<var>/Adam`) and `v` (`<var>/Adam_1`), both starting at zeros.
Two non-slot variables shared by all updates, `beta1_power` and `beta2_power`, start at beta1
and beta2 and are multiplied by them in `_finish`, after every variable's update (so step t
uses beta^t). Per step, one fused `ApplyAdam` op per variable (TF1's op type, in
`ops/training_ops.py`) computes:

    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    m    = beta1 * m + (1 - beta1) * grad
    v    = beta2 * v + (1 - beta2) * grad**2
    var -= lr_t * m / (sqrt(v) + epsilon)

NOTE: `epsilon` is added after the bias correction of `v` is folded into `lr_t` ("epsilon hat"
in the paper), which is what TF1 does; it differs slightly from Algorithm 1 of the paper.
"""

from __future__ import annotations

from minigraph.ops import control_flow_ops, math_ops, state_ops, training_ops
from minigraph.train.optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """TF1's `tf.train.AdamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999,
    epsilon=1e-08)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0.0, name="w")
        ...     opt = tf.train.AdamOptimizer(0.1)
        ...     train = opt.minimize((w - 5.0) ** 2)
        ...     print(opt.get_slot(w, "m"), opt.get_slot_names())
        ...     with tf.Session() as sess:
        ...         sess.run(tf.global_variables_initializer())
        ...         sess.run(train)
        ...         print(round(float(sess.run(w)), 6))
        <tf.Variable 'w/Adam:0' shape=() dtype=float32_ref> ['m', 'v']
        0.1
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking: bool = False, name: str = "Adam"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _create_slots(self, var_list) -> None:
        # TF1 places the shared powers next to the variable first by name.
        first_var = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _get_beta_accumulators(self, graph):
        return (
            self._get_non_slot_variable("beta1_power", graph),
            self._get_non_slot_variable("beta2_power", graph),
        )

    def _apply_dense(self, grad, var):
        """m, v updated; var -= lr_t * m / (sqrt(v) + epsilon), lr_t bias-corrected."""
        beta1_power, beta2_power = self._get_beta_accumulators(var.graph)
        beta1_power = math_ops.cast(beta1_power, var.dtype)
        beta2_power = math_ops.cast(beta2_power, var.dtype)
        lr = self._as_var_dtype(self._learning_rate, var)
        beta1 = self._as_var_dtype(self._beta1, var)
        beta2 = self._as_var_dtype(self._beta2, var)
        epsilon = self._as_var_dtype(self._epsilon, var)
        m = self.get_slot(var, "m")
        v = self.get_slot(var, "v")
        # One fused `ApplyAdam` op per variable, as TF1 builds it (see ops/training_ops.py for
        # the measured reason; its results are bit-identical to the composite formulas).
        return training_ops.apply_adam(
            var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad
        ).op

    def _finish(self, update_ops, name):
        """After every update: beta1_power *= beta1, beta2_power *= beta2."""
        graph = update_ops[0].graph
        beta1_power, beta2_power = self._get_beta_accumulators(graph)
        with graph.control_dependencies(update_ops):
            update_beta1 = state_ops.assign(
                beta1_power, beta1_power * self._as_var_dtype(self._beta1, beta1_power)
            )
            update_beta2 = state_ops.assign(
                beta2_power, beta2_power * self._as_var_dtype(self._beta2, beta2_power)
            )
        return control_flow_ops.group(*update_ops, update_beta1, update_beta2, name=name)
