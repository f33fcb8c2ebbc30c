"""The docstring examples of minigraph's modules run and print what they say."""

import doctest
import importlib

import pytest

# Every module with examples that run quickly on numpy alone. Left out: tuning.examples
# (scikit-learn) and tuning.plots (matplotlib), optional packages.
MODULES = [
    "minigraph.compat.v1",
    "minigraph.contrib",
    "minigraph.contrib.layers",
    "minigraph.contrib.seq2seq",
    "minigraph.initializers",
    "minigraph.python.framework.ops",
    "minigraph.python.framework.dtypes",
    "minigraph.python.framework.random_seed",
    "minigraph.python.framework.tensor_shape",
    "minigraph.platform.app",
    "minigraph.platform.flags",
    "minigraph.platform.tf_logging",
    "minigraph.version",
    "minigraph.tf1_names",
    "minigraph.math",
    "minigraph.linalg",
    "minigraph.debugging",
    "minigraph.random",
    "minigraph.dtypes",
    "minigraph.shapes",
    "minigraph.graph",
    "minigraph.tensor",
    "minigraph.registry",
    "minigraph.gradients",
    "minigraph.graph_walk",
    "minigraph.gradient_checker",
    "minigraph.init_ops",
    "minigraph.philox",
    "minigraph.layers",
    "minigraph.losses",
    "minigraph.metrics",
    "minigraph.variables",
    "minigraph.variable_scope",
    "minigraph.session",
    "minigraph.executor",
    "minigraph.plan_folding",
    "minigraph.plan_inplace",
    "minigraph.plan_codegen",
    "minigraph.profiler",
    "minigraph.viz.dot",
    "minigraph.ops.array_ops",
    "minigraph.ops.math_ops",
    "minigraph.ops.nn_impl",
    "minigraph.ops.nn_ops",
    "minigraph.ops.random_ops",
    "minigraph.ops.state_ops",
    "minigraph.ops.control_flow_ops",
    "minigraph.ops.training_ops",
    "minigraph.ops.check_ops",
    "minigraph.ops.linalg_ops",
    "minigraph.ops.logging_ops",
    "minigraph.ops.script_ops",
    "minigraph.train.adam",
    "minigraph.train.checkpoint_management",
    "minigraph.train.gradient_descent",
    "minigraph.train.learning_rate_decay",
    "minigraph.train.momentum",
    "minigraph.train.moving_averages",
    "minigraph.train.optimizer",
    "minigraph.train.rmsprop",
    "minigraph.train.saver",
    "minigraph.train.training_util",
    "minigraph.tuning.babysit",
    "minigraph.tuning.parallel",
    "minigraph.tuning.search",
    "minigraph.tuning.spaces",
    "minigraph.tuning.store",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (see above)"
