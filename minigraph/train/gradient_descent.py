"""Plain gradient descent: `var -= grad * learning_rate`, TF1's `ApplyGradientDescent` op per
variable (`GradientDescent/update_<var>/ApplyGradientDescent`)."""

from __future__ import annotations

from minigraph.ops import training_ops
from minigraph.train.optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """TF1's `tf.train.GradientDescentOptimizer(learning_rate)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0, dtype=tf.float32)
        ...     cost = tf.add(tf.add(w**2, tf.multiply(-10., w)), 25)
        ...     train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
        ...     with tf.Session() as session:
        ...         session.run(tf.global_variables_initializer())
        ...         session.run(train)
        ...         print(session.run(w))
        0.099999994

    (The course's slides show "0.1": 2017-era numpy printed float32 with 6 digits.)
    """

    def __init__(self, learning_rate, use_locking: bool = False, name: str = "GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad, var):
        """var <- var - grad * lr."""
        lr = self._as_var_dtype(self._learning_rate, var)
        return training_ops.apply_gradient_descent(var, lr, grad,
                                                   use_locking=self._use_locking).op
