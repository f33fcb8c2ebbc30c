"""minigraph: a TensorFlow-1-style computation-graph engine on numpy.

`import minigraph as tf` and write TF1 code: build a graph of ops, differentiate it with
`tf.gradients` or an optimizer, and run it in a `tf.Session`. This module only re-exports the
public names; each lives in the module that owns it.
"""

from minigraph import errors as errors
from minigraph import nn as nn
from minigraph import test as test
from minigraph import train as train
from minigraph import viz as viz
from minigraph.dtypes import DType as DType
from minigraph.dtypes import as_dtype as as_dtype
from minigraph.dtypes import bool as bool  # noqa: A001
from minigraph.dtypes import double as double
from minigraph.dtypes import float16 as float16
from minigraph.dtypes import float32 as float32
from minigraph.dtypes import float64 as float64
from minigraph.dtypes import half as half
from minigraph.dtypes import int8 as int8
from minigraph.dtypes import int16 as int16
from minigraph.dtypes import int32 as int32
from minigraph.dtypes import int64 as int64
from minigraph.dtypes import string as string
from minigraph.dtypes import uint8 as uint8
from minigraph.gradients import gradients as gradients
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
from minigraph.graph import set_random_seed as set_random_seed
from minigraph.ops.array_ops import broadcast_to as broadcast_to
from minigraph.ops.array_ops import constant as constant
from minigraph.ops.array_ops import fill as fill
from minigraph.ops.array_ops import identity as identity
from minigraph.ops.array_ops import ones_like as ones_like
from minigraph.ops.array_ops import placeholder as placeholder
from minigraph.ops.array_ops import placeholder_with_default as placeholder_with_default
from minigraph.ops.array_ops import rank as rank
from minigraph.ops.array_ops import reshape as reshape
from minigraph.ops.array_ops import shape as shape
from minigraph.ops.array_ops import size as size
from minigraph.ops.array_ops import stack as stack
from minigraph.ops.array_ops import stop_gradient as stop_gradient
from minigraph.ops.array_ops import transpose as transpose
from minigraph.ops.array_ops import unstack as unstack
from minigraph.ops.array_ops import zeros_like as zeros_like
from minigraph.ops.array_ops import concat as concat
from minigraph.ops.array_ops import expand_dims as expand_dims
from minigraph.ops.array_ops import one_hot as one_hot
from minigraph.ops.array_ops import ones as ones
from minigraph.ops.array_ops import split as split
from minigraph.ops.array_ops import squeeze as squeeze
from minigraph.ops.array_ops import tile as tile
from minigraph.ops.array_ops import zeros as zeros
from minigraph.ops.control_flow_ops import group as group
from minigraph.ops.control_flow_ops import no_op as no_op
from minigraph.ops.control_flow_ops import tuple as tuple  # noqa: A001
from minigraph.ops.control_flow_ops import with_dependencies as with_dependencies
from minigraph.ops.math_ops import abs as abs  # noqa: A001
from minigraph.ops.math_ops import add as add
from minigraph.ops.math_ops import add_n as add_n
from minigraph.ops.math_ops import cast as cast
from minigraph.ops.math_ops import divide as divide
from minigraph.ops.math_ops import equal as equal
from minigraph.ops.math_ops import exp as exp
from minigraph.ops.math_ops import greater as greater
from minigraph.ops.math_ops import greater_equal as greater_equal
from minigraph.ops.math_ops import less as less
from minigraph.ops.math_ops import less_equal as less_equal
from minigraph.ops.math_ops import log as log
from minigraph.ops.math_ops import matmul as matmul
from minigraph.ops.math_ops import maximum as maximum
from minigraph.ops.math_ops import minimum as minimum
from minigraph.ops.math_ops import multiply as multiply
from minigraph.ops.math_ops import negative as negative
from minigraph.ops.math_ops import not_equal as not_equal
from minigraph.ops.math_ops import pow as pow  # noqa: A001
from minigraph.ops.math_ops import range as range  # noqa: A001
from minigraph.ops.math_ops import reduce_mean as reduce_mean
from minigraph.ops.math_ops import reduce_sum as reduce_sum
from minigraph.ops.math_ops import sign as sign
from minigraph.ops.math_ops import sqrt as sqrt
from minigraph.ops.math_ops import square as square
from minigraph.ops.math_ops import subtract as subtract
from minigraph.ops.math_ops import truediv as truediv
from minigraph.ops.math_ops import where as where
from minigraph.ops.math_ops import argmax as argmax
from minigraph.ops.math_ops import argmin as argmin
from minigraph.ops.math_ops import clip_by_value as clip_by_value
from minigraph.ops.math_ops import cumprod as cumprod
from minigraph.ops.math_ops import cumsum as cumsum
from minigraph.ops.math_ops import is_finite as is_finite
from minigraph.ops.math_ops import is_inf as is_inf
from minigraph.ops.math_ops import is_nan as is_nan
from minigraph.ops.math_ops import logical_and as logical_and
from minigraph.ops.math_ops import logical_not as logical_not
from minigraph.ops.math_ops import logical_or as logical_or
from minigraph.ops.math_ops import logical_xor as logical_xor
from minigraph.ops.math_ops import reduce_logsumexp as reduce_logsumexp
from minigraph.ops.math_ops import reduce_max as reduce_max
from minigraph.ops.math_ops import reduce_min as reduce_min
from minigraph.ops.math_ops import reduce_prod as reduce_prod
from minigraph.ops.math_ops import sigmoid as sigmoid
from minigraph.ops.math_ops import tanh as tanh
from minigraph.ops.random_ops import get_seed as get_seed
from minigraph.ops.random_ops import random_normal as random_normal
from minigraph.ops.random_ops import random_shuffle as random_shuffle
from minigraph.ops.random_ops import random_uniform as random_uniform
from minigraph.ops.random_ops import truncated_normal as truncated_normal
from minigraph.ops.state_ops import assign as assign
from minigraph.ops.state_ops import assign_add as assign_add
from minigraph.ops.state_ops import assign_sub as assign_sub
from minigraph.session import InteractiveSession as InteractiveSession
from minigraph.session import Session as Session
from minigraph.shapes import Dimension as Dimension
from minigraph.shapes import TensorShape as TensorShape
from minigraph.tensor import Operation as Operation
from minigraph.tensor import Tensor as Tensor
from minigraph.tensor import convert_to_tensor as convert_to_tensor
from minigraph.tensor import get_default_session as get_default_session
from minigraph.variables import Variable as Variable
from minigraph.variables import all_variables as all_variables
from minigraph.variables import global_variables as global_variables
from minigraph.variables import global_variables_initializer as global_variables_initializer
from minigraph.variables import initialize_all_variables as initialize_all_variables
from minigraph.variables import local_variables as local_variables
from minigraph.variables import local_variables_initializer as local_variables_initializer
from minigraph.variables import trainable_variables as trainable_variables
from minigraph.variables import variables_initializer as variables_initializer

newaxis = None
__version__ = "0.1.0"
