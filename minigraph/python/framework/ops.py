"""The graph-level API under the path TF1 notebooks import it from
(`from tensorflow.python.framework import ops`; `ops.reset_default_graph()`).

Example:
    >>> from minigraph.python.framework import ops
    >>> ops.reset_default_graph()
    >>> g = ops.get_default_graph()
    >>> with ops.name_scope("layer1"):
    ...     print(ops.convert_to_tensor(1.0, name="c").name)
    layer1/c:0
"""

from minigraph.graph import Graph as Graph
from minigraph.graph import GraphKeys as GraphKeys
from minigraph.graph import add_to_collection as add_to_collection
from minigraph.graph import add_to_collections as add_to_collections
from minigraph.graph import control_dependencies as control_dependencies
from minigraph.graph import device as device
from minigraph.graph import get_collection as get_collection
from minigraph.graph import get_collection_ref as get_collection_ref
from minigraph.graph import get_default_graph as get_default_graph
from minigraph.graph import name_scope as name_scope
from minigraph.graph import reset_default_graph as reset_default_graph
from minigraph.tensor import Operation as Operation
from minigraph.tensor import Tensor as Tensor
from minigraph.tensor import convert_to_tensor as convert_to_tensor
from minigraph.tensor import get_default_session as get_default_session
