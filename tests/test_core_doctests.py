"""The docstring examples of the core modules run and print what they say."""

import doctest
import importlib

import pytest

MODULES = [
    "minigraph.dtypes",
    "minigraph.shapes",
    "minigraph.graph",
    "minigraph.tensor",
    "minigraph.registry",
    "minigraph.gradients",
    "minigraph.gradient_checker",
    "minigraph.variables",
    "minigraph.session",
    "minigraph.ops.array_ops",
    "minigraph.ops.math_ops",
    "minigraph.ops.state_ops",
    "minigraph.ops.control_flow_ops",
    "minigraph.train.optimizer",
    "minigraph.train.gradient_descent",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (see above)"
