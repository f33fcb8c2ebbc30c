"""docs/tf1_coverage.md cannot rot: every name it lists as covered exists in minigraph, every
public name of minigraph's namespaces is listed there as covered, and every name it lists as
"not yet" is a TF1 name (in the catalogue) that minigraph does not have.

A public name of a namespace module is one that does not start with "_" and is not a helper the
module merely imports: in a module of re-exports (`minigraph/__init__.py`, `nn.py`) every such
name counts; in a module with code of its own (`layers.py`, `metrics.py`) the functions and
classes it defines and the TF1 names it has count. A module counts when it is a namespace and
the module re-exports it (or TF1 has it there): `tf.nn` does, `layers.py`'s helper `dtypes` not.
"""

import importlib
import inspect
import re
import types
from pathlib import Path

import pytest

import minigraph as tf
from minigraph import tf1_names
from minigraph._tf1_api_names import NAMES

PAGE = Path(__file__).resolve().parent.parent / "docs" / "tf1_coverage.md"

# (module, namespace) pairs checked: the namespaces with a catalogue, and tf.flags.
CHECKED = sorted(set(tf1_names.NAMESPACES.items()) | {("minigraph.platform.flags", "tf.flags")})
NAMESPACE_MODULES = set(tf1_names.NAMESPACES) | {
    "minigraph.compat", "minigraph.compat.v1", "minigraph.platform.flags", "minigraph.dtypes",
    "minigraph.viz", "minigraph.tuning", "minigraph.graph_util",
}
_NAME = re.compile(r"`(tf(?:\.\w+)+)`")


def _listed(marker: str) -> list:
    """The `tf.x.y` names in the paragraphs of the page that start with `marker`."""
    names = []
    for paragraph in PAGE.read_text(encoding="utf-8").split("\n\n"):
        if paragraph.startswith(marker):
            names += _NAME.findall(paragraph)
    return names


def _resolve(full: str):
    obj = tf
    for part in full.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def public_names(module_name: str, namespace: str) -> list:
    """The public names of namespace module `module_name` (see the module docstring)."""
    module = importlib.import_module(module_name)
    catalogue = NAMES.get(namespace, frozenset())
    items = {n: v for n, v in vars(module).items() if not n.startswith("_")}
    has_code = any(getattr(v, "__module__", None) == module_name for v in items.values()
                   if inspect.isfunction(v) or inspect.isclass(v))
    names = []
    for name, value in items.items():
        if isinstance(value, types.ModuleType):
            if value.__name__ in NAMESPACE_MODULES and (not has_code or name in catalogue):
                names.append(name)
        elif not has_code or name in catalogue or getattr(value, "__module__", None) == \
                module_name:
            names.append(name)
    return sorted(names)


def test_the_page_lists_names():
    assert len(_listed("**Covered:**")) > 400 and len(_listed("**Not yet:**")) > 100


@pytest.mark.parametrize("full", _listed("**Covered:**"))
def test_every_name_listed_as_covered_exists(full):
    _resolve(full)


@pytest.mark.parametrize("module_name, namespace", CHECKED)
def test_every_public_name_is_listed_as_covered(module_name, namespace):
    covered = set(_listed("**Covered:**"))
    missing = [f"{namespace}.{n}" for n in public_names(module_name, namespace)
               if f"{namespace}.{n}" not in covered]
    assert not missing, (
        f"public names of {module_name} missing from the **Covered:** list of {namespace} in "
        f"docs/tf1_coverage.md: {missing}"
    )


@pytest.mark.parametrize("full", _listed("**Not yet:**"))
def test_every_name_listed_as_not_yet_is_a_missing_tf1_name(full):
    namespace, _, name = full.rpartition(".")
    assert name in NAMES[namespace], f"{full} is not in TF1's catalogue"
    with pytest.raises(AttributeError, match=f"does not implement {re.escape(full)} yet"):
        _resolve(full)


def test_each_checked_namespace_has_a_section():
    text = PAGE.read_text(encoding="utf-8")
    for _, namespace in CHECKED:
        assert f"### `{namespace}`" in text
