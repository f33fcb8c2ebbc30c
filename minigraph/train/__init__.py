"""`tf.train`: optimizers, learning-rate schedules, the global step and the Saver."""

from minigraph.graph_def import write_graph as write_graph
from minigraph.meta_graph import export_meta_graph as export_meta_graph
from minigraph.meta_graph import import_meta_graph as import_meta_graph
from minigraph.protos import SaverDef as SaverDef
from minigraph.summary.summary_iterator import summary_iterator as summary_iterator
from minigraph.tf1_names import module_getattr as _module_getattr
from minigraph.train.adam import AdamOptimizer as AdamOptimizer
from minigraph.train.checkpoint_management import CheckpointState as CheckpointState
from minigraph.train.checkpoint_management import checkpoint_exists as checkpoint_exists
from minigraph.train.checkpoint_management import get_checkpoint_mtimes as get_checkpoint_mtimes
from minigraph.train.checkpoint_management import get_checkpoint_state as get_checkpoint_state
from minigraph.train.checkpoint_management import latest_checkpoint as latest_checkpoint
from minigraph.train.checkpoint_management import remove_checkpoint as remove_checkpoint
from minigraph.train.checkpoint_management import (
    update_checkpoint_state as update_checkpoint_state,
)
from minigraph.train.gradient_descent import GradientDescentOptimizer as GradientDescentOptimizer
from minigraph.train.learning_rate_decay import exponential_decay as exponential_decay
from minigraph.train.learning_rate_decay import inverse_time_decay as inverse_time_decay
from minigraph.train.learning_rate_decay import piecewise_constant as piecewise_constant
from minigraph.train.momentum import MomentumOptimizer as MomentumOptimizer
from minigraph.train.moving_averages import ExponentialMovingAverage as ExponentialMovingAverage
from minigraph.train.optimizer import Optimizer as Optimizer
from minigraph.train.rmsprop import RMSPropOptimizer as RMSPropOptimizer
from minigraph.train.saver import Saver as Saver
from minigraph.train.training_util import create_global_step as create_global_step
from minigraph.train.training_util import get_global_step as get_global_step
from minigraph.train.training_util import get_or_create_global_step as get_or_create_global_step
from minigraph.train.training_util import global_step as global_step

__getattr__ = _module_getattr(__name__)
