"""`from tensorflow.python.framework import random_seed` becomes `from
minigraph.python.framework import random_seed` (`get_seed`, `set_random_seed`).

Example:
    >>> from minigraph.python.framework import random_seed
    >>> random_seed.DEFAULT_GRAPH_SEED
    87654321
"""

from minigraph.graph import set_random_seed as set_random_seed
from minigraph.ops.random_ops import DEFAULT_GRAPH_SEED as DEFAULT_GRAPH_SEED
from minigraph.ops.random_ops import get_seed as get_seed
