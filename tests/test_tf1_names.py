"""A TF1 name that minigraph lacks says so (`minigraph.tf1_names`), and a typo still gets
Python's "Did you mean" suggestion."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import minigraph as tf
from minigraph import tf1_names
from minigraph._tf1_api_names import NAMES

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("expr, full", [
    ("tf.nn.conv1d", "tf.nn.conv1d"),
    ("tf.train.AdagradOptimizer", "tf.train.AdagradOptimizer"),
    ("tf.image", "tf.image"),
    ("tf.contrib.slim", "tf.contrib.slim"),
    ("tf.contrib.layers.layer_norm", "tf.contrib.layers.layer_norm"),
    ("tf.compat.v1.keras", "tf.keras"),
    ("tf.math.xlogy", "tf.math.xlogy"),
    ("tf.metrics.mean_iou", "tf.metrics.mean_iou"),
    ("tf.losses.hinge_loss", "tf.losses.hinge_loss"),
    ("tf.logging.TaskLevelStatusMessage", "tf.logging.TaskLevelStatusMessage"),
    ("tf.errors.raise_exception_on_not_ok_status", "tf.errors.raise_exception_on_not_ok_status"),
])
def test_a_tf1_name_minigraph_lacks_says_so(expr, full):
    with pytest.raises(AttributeError) as info:
        eval(expr, {"tf": tf})
    message = str(info.value)
    assert message.startswith(f"minigraph does not implement {full} yet; see "
                              "docs/tf1_coverage.md")
    assert f"https://www.tensorflow.org/versions/r1.15/api_docs/python/{full.replace('.', '/')}" \
        in message
    assert (ROOT / tf1_names.COVERAGE_PAGE).is_file()


def test_a_spelling_that_differs_in_case_and_underscores_is_named():
    with pytest.raises(AttributeError, match=r"minigraph has tf\.layers\.dense$"):
        tf.layers.Dense  # noqa: B018


def test_hasattr_and_getattr_with_a_default_still_work():
    assert not hasattr(tf.nn, "conv1d")
    assert getattr(tf.train, "AdagradOptimizer", None) is None
    assert getattr(tf, "__wrapped__", "absent") == "absent"
    with pytest.raises(AttributeError, match="module 'minigraph' has no attribute '__nope__'"):
        tf.__nope__  # noqa: B018


@pytest.mark.skipif(sys.version_info < (3, 10), reason="Python suggests names from 3.10 on")
@pytest.mark.parametrize("expr, suggestion", [
    ("tf.placeholdr", "placeholder"),
    ("tf.nn.sofmax", "softmax"),
    ("tf.train.AdamOptimiser", "AdamOptimizer"),
    ("tf.compat.v1.placeholdr", "placeholder"),
    ("tf.contrib.layers.xavier_initialiser", "xavier_initializer"),
])
def test_a_typo_still_gets_pythons_suggestion(expr, suggestion):
    result = _python(f"import minigraph as tf\n{expr}\n")
    last = result.stderr.strip().splitlines()[-1]
    assert "has no attribute" in last and f"Did you mean: '{suggestion}'?" in last, last


@pytest.mark.skipif(sys.version_info < (3, 10), reason="Python suggests names from 3.10 on")
def test_a_missing_tf1_name_gets_no_misleading_suggestion():
    result = _python("import minigraph as tf\ntf.nn.conv1d\n")  # conv2d is not its equivalent
    last = result.stderr.strip().splitlines()[-1]
    assert "does not implement tf.nn.conv1d yet" in last and "Did you mean" not in last


@pytest.mark.parametrize("module_name, namespace", sorted(tf1_names.NAMESPACES.items()))
def test_every_namespace_module_binds_the_getattr(module_name, namespace):
    module = importlib.import_module(module_name)
    assert namespace in NAMES
    assert module.__getattr__.__qualname__ == "module_getattr.<locals>.__getattr__"
    missing = sorted(n for n in NAMES[namespace] if not hasattr(module, n))
    if missing:
        with pytest.raises(AttributeError, match=f"does not implement {namespace}.{missing[0]}"):
            getattr(module, missing[0])


def test_the_catalogue_holds_tf1_names_only():
    assert {"placeholder", "Session", "nn", "train", "contrib", "Print", "py_func"} <= NAMES["tf"]
    assert {"conv2d", "max_pool", "rnn_cell", "softmax"} <= NAMES["tf.nn"]
    assert {"xavier_initializer", "fully_connected", "flatten"} <= NAMES["tf.contrib.layers"]
    for minigraph_only in ("viz", "tuning", "MINIGRAPH_VERSION", "get_logger_of_minigraph"):
        assert minigraph_only not in NAMES["tf"]
    assert "generated" in (ROOT / "minigraph" / "_tf1_api_names.py").read_text()[:200]
