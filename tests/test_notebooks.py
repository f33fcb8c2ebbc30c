"""Notebooks are tests: every `notebooks/*.ipynb` runs headless, as Jupyter would run it.

Each notebook is executed by nbclient in a fresh `python3` kernel (ipykernel), from an empty
temporary working directory that must stay empty, without `MPLBACKEND` in the environment (so
matplotlib uses Jupyter's own inline backend: plots must appear with no `%matplotlib` magic).
Notebooks are committed without outputs; the run checks that the plots came out as PNG
pictures, that the search's progress bar shows in the notebook by default, and that graphs
display as SVG (or as text without Graphviz). Skipped, with the reason, when nbclient or
ipykernel is missing (`pip install "minigraph[notebooks]"`).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import minigraph
from minigraph._optional import graphviz_missing

nbclient = pytest.importorskip(
    "nbclient", reason='running notebooks needs nbclient: pip install "minigraph[notebooks]"')
pytest.importorskip(
    "ipykernel", reason='running notebooks needs ipykernel: pip install "minigraph[notebooks]"')
nbformat = pytest.importorskip("nbformat")
pytestmark = pytest.mark.slow  # a kernel per notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOPICS = ["batch_norm", "getting_started", "graph", "softmax", "tuning"]
CELL_TIMEOUT_SECONDS = 120


def _kernel_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    # The kernel imports the same minigraph as these tests (the source tree or the install).
    here = str(Path(minigraph.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
    return env


def _execute(path: Path, cwd: Path):
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, kernel_name="python3", timeout=CELL_TIMEOUT_SECONDS,
                                     resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute(env=_kernel_env())
    return book, time.perf_counter() - start


def _outputs(book) -> list:
    return [out for cell in book.cells if cell.cell_type == "code" for out in cell.outputs]


def _mime_types(book) -> set:
    return {mime for out in _outputs(book) for mime in out.get("data", {})}


def _stderr(book, skip: str = "\0") -> str:
    """The notebook's stderr text, leaving out cells whose source contains `skip`."""
    return "".join(out.get("text", "") for cell in book.cells if cell.cell_type == "code"
                   and skip not in cell.source for out in cell.outputs
                   if out.output_type == "stream" and out.name == "stderr")


class _Runs(dict):
    """{stem: (executed notebook, seconds, files left in its cwd)}, each run on first use (so
    `-k graph` runs only the graph notebook)."""

    def __init__(self, tmp_path_factory):
        super().__init__()
        self._tmp = tmp_path_factory

    def __missing__(self, stem: str):
        cwd = self._tmp.mktemp(stem)
        book, seconds = _execute(ROOT / "notebooks" / f"{stem}.ipynb", cwd)
        print(f"notebooks/{stem}.ipynb: {seconds:.1f} s")
        self[stem] = (book, seconds, sorted(p.name for p in cwd.iterdir()))
        return self[stem]


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> _Runs:
    return _Runs(tmp_path_factory)


def test_there_is_a_notebook_per_topic():
    assert [p.stem for p in NOTEBOOKS] == TOPICS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_without_outputs(path: Path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    code = [cell for cell in raw["cells"] if cell["cell_type"] == "code"]
    assert code, f"{path.name} has no code"
    dirty = [i for i, cell in enumerate(code) if cell["outputs"] or cell["execution_count"]]
    assert not dirty, f"{path.name}: code cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("stem", TOPICS)
def test_notebook_runs_headless_and_writes_nothing(executed, stem: str):
    book, seconds, left = executed[stem]
    assert not left, f"notebooks/{stem}.ipynb wrote {left} into its working directory"
    assert seconds < 5 * CELL_TIMEOUT_SECONDS
    # minigraph's bars avoid tqdm.auto's warning when ipywidgets is missing; `import optuna`
    # imports tqdm.auto itself, so its cell may show the warning (ipywidgets, in the notebooks
    # extra, silences it and turns the bars into widgets).
    assert "IProgress not found" not in _stderr(book, skip="optuna")


@pytest.mark.parametrize("stem", ["batch_norm", "getting_started", "softmax", "tuning"])
def test_plots_display_inline_without_magic(executed, stem: str):
    book = executed[stem][0]
    sources = "".join(cell.source for cell in book.cells if cell.cell_type == "code")
    assert "%matplotlib" not in sources
    assert "image/png" in _mime_types(book), f"notebooks/{stem}.ipynb showed no plot"


def test_tuning_notebook_shows_the_search_progress_bar_by_default(executed):
    book = executed["tuning"][0]
    source = "".join(cell.source for cell in book.cells if cell.cell_type == "code")
    assert "progress=True" not in source  # shown by default in Jupyter
    widgets = "application/vnd.jupyter.widget-view+json" in _mime_types(book)
    bar = "trials: 100%" in _stderr(book) and "40/40" in _stderr(book)
    assert widgets or bar, _stderr(book)[-2000:]


def test_tuning_notebook_ranks_importances_with_optuna(executed):
    book = executed["tuning"][0]
    last = [out for out in book.cells[-1].outputs if out.output_type == "execute_result"][0]
    text = last["data"]["text/plain"]
    assert "'learning_rate'" in text and "'1-beta'" in text, text
    printed = "".join(out.get("text", "") for out in book.cells[-1].outputs)
    assert "best value is the same: True" in printed


def test_graph_notebook_shows_pictures_or_text_without_graphviz(executed):
    book = executed["graph"][0]
    pictures = sum("image/svg+xml" in out.get("data", {}) for out in _outputs(book))
    if graphviz_missing() is None:
        assert pictures >= 4, f"expected the graphs as SVG pictures, got {pictures}"
    else:
        assert pictures == 0
        texts = [out["data"]["text/plain"] for out in _outputs(book) if "data" in out]
        assert any("digraph minigraph" in t for t in texts), texts
