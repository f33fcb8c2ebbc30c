"""`tf.train`: optimizers, learning-rate schedules, the global step and the Saver."""

from minigraph.train.gradient_descent import GradientDescentOptimizer as GradientDescentOptimizer
from minigraph.train.optimizer import Optimizer as Optimizer
