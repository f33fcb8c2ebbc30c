"""`tf.nn`: activations, softmax, the losses, dropout, normalization, convolution and pooling
(re-exports only).

Fused ops with their own kernels live in `ops/nn_ops.py`; composites in `ops/nn_impl.py`.
"""

from minigraph.ops import rnn_cell as rnn_cell
from minigraph.ops.math_ops import sigmoid as sigmoid
from minigraph.ops.math_ops import tanh as tanh
from minigraph.ops.nn_impl import batch_normalization as batch_normalization
from minigraph.ops.nn_impl import dropout as dropout
from minigraph.ops.nn_impl import embedding_lookup as embedding_lookup
from minigraph.ops.nn_impl import l2_loss as l2_loss
from minigraph.ops.nn_impl import l2_normalize as l2_normalize
from minigraph.ops.nn_impl import moments as moments
from minigraph.ops.nn_impl import (
    sigmoid_cross_entropy_with_logits as sigmoid_cross_entropy_with_logits,
)
from minigraph.ops.nn_ops import avg_pool as avg_pool
from minigraph.ops.nn_ops import bias_add as bias_add
from minigraph.ops.nn_ops import conv2d as conv2d
from minigraph.ops.nn_ops import conv2d_backprop_filter as conv2d_backprop_filter
from minigraph.ops.nn_ops import conv2d_backprop_input as conv2d_backprop_input
from minigraph.ops.nn_ops import conv2d_transpose as conv2d_transpose
from minigraph.ops.nn_ops import elu as elu
from minigraph.ops.nn_ops import in_top_k as in_top_k
from minigraph.ops.nn_ops import leaky_relu as leaky_relu
from minigraph.ops.nn_ops import log_softmax as log_softmax
from minigraph.ops.nn_ops import max_pool as max_pool
from minigraph.ops.nn_ops import relu as relu
from minigraph.ops.nn_ops import relu6 as relu6
from minigraph.ops.nn_ops import softmax as softmax
from minigraph.ops.nn_ops import (
    softmax_cross_entropy_with_logits as softmax_cross_entropy_with_logits,
)
from minigraph.ops.nn_ops import (
    softmax_cross_entropy_with_logits_v2 as softmax_cross_entropy_with_logits_v2,
)
from minigraph.ops.nn_ops import (
    sparse_softmax_cross_entropy_with_logits as sparse_softmax_cross_entropy_with_logits,
)
from minigraph.ops.nn_ops import top_k as top_k
from minigraph.ops.rnn import bidirectional_dynamic_rnn as bidirectional_dynamic_rnn
from minigraph.ops.rnn import dynamic_rnn as dynamic_rnn
from minigraph.ops.rnn import static_bidirectional_rnn as static_bidirectional_rnn
from minigraph.ops.rnn import static_rnn as static_rnn
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
