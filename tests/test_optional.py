"""Optional packages: one helper imports them and names the extra to install; progress bars.

`minigraph._optional.require` is the only way minigraph imports an optional package (checked
here by reading every module's imports), so a missing one always says
`pip install "minigraph[<extra>]"`. `minigraph.tuning.progress` shows bars in a terminal and in
Jupyter, with tqdm's text bar when a notebook lacks ipywidgets.
"""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import pytest

from minigraph import _optional
from minigraph._optional import EXTRAS, MissingDependencyError, require
from minigraph.tuning import progress

ROOT = Path(__file__).resolve().parent.parent


def test_require_returns_the_module():
    assert require("json").dumps([1]) == "[1]"


def test_missing_package_names_the_extra_and_the_pip_name(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # `import sklearn...` now fails
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(MissingDependencyError) as info:
        require("sklearn.datasets", purpose="load_digits_split")
    message = str(info.value)
    assert message.startswith("load_digits_split needs the optional package `sklearn`")
    assert 'pip install "minigraph[examples]"' in message
    assert "(or: pip install scikit-learn)" in message
    assert isinstance(info.value, ModuleNotFoundError) and info.value.name == "sklearn"


def test_a_package_whose_own_import_breaks_is_not_called_missing(tmp_path, monkeypatch):
    package = tmp_path / "brokenpkg"
    package.mkdir()
    (package / "__init__.py").write_text("import no_such_dependency_inside\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as info:
        require("brokenpkg", extra="tuning")
    assert not isinstance(info.value, MissingDependencyError)
    assert info.value.name == "no_such_dependency_inside"


def test_is_installed_does_not_import():
    assert _optional.is_installed("json") and not _optional.is_installed("no_such_module_xyz")
    assert not _optional.is_installed("no_such_parent.child")


def _optional_imports(path: Path) -> list:
    """`import x` / `from x import` statements of optional packages in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names
                  if name.split(".")[0] in EXTRAS]
    return found


def test_minigraph_imports_optional_packages_only_through_require():
    direct = [hit for path in sorted((ROOT / "minigraph").rglob("*.py"))
              for hit in _optional_imports(path)]
    assert not direct, (
        f"import these through minigraph._optional.require (so a missing package names its "
        f"extra): {direct}"
    )


# ---------------------------------------------------------------- progress bars
class _FakeShell:
    config = {"IPKernelApp": {}}


def _pretend_jupyter(monkeypatch):
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = _FakeShell
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)


def test_no_bar_outside_a_terminal_or_notebook(capsys):
    assert not progress.in_notebook()
    assert progress.progress_bar(3, "steps") is None  # pytest's stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_a_bar_shows_by_default_in_jupyter(monkeypatch, capsys):
    pytest.importorskip("tqdm")
    _pretend_jupyter(monkeypatch)
    assert progress.in_notebook() and progress.show_progress()
    assert progress.progress_bar(3, "steps", progress=False) is None
    monkeypatch.setattr(progress, "is_installed", lambda name: name != "ipywidgets")
    bar = progress.progress_bar(3, "steps", unit="step")
    import tqdm.std

    assert type(bar) is tqdm.std.tqdm  # text bar: no widget library, no tqdm.auto warning
    bar.update(3)
    bar.close()
    assert "steps: 100%" in capsys.readouterr().err


def test_without_tqdm_a_bar_asks_for_the_tuning_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "minigraph\[tuning\]"'):
        progress.progress_bar(3, "steps", progress=True)
