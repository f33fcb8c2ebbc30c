"""`tf.test`: TF1's gradient checks, `tf.test.compute_gradient(_error)` (see gradient_checker).

Only these two are provided; TF1's unittest layer (`tf.test.TestCase`) is left to pytest.
"""

from minigraph.gradient_checker import compute_gradient as compute_gradient
from minigraph.gradient_checker import compute_gradient_error as compute_gradient_error
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
