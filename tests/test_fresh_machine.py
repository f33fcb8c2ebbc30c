"""A fresh machine without Graphviz: the tests that draw pictures run again with `dot` hidden.

The README's quick start must pass on a machine with no Graphviz as well as on one with it, and
CI machines usually have it. So this test builds a PATH on which every program of the current
PATH is still found, in the same order, except Graphviz's (`dot` and the other layout
programs), and runs the parts of the suite that touch Graphviz in a subprocess with it: the viz
tests, the command line, the docs pages that draw, the graph_pictures demo and the graph
notebook. They must pass (tests that need `dot` skip, with their reason; the others check the
`.dot` files and the install hints written instead), within a time limit.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GRAPHVIZ_PROGRAMS = {"dot", "neato", "twopi", "circo", "fdp", "sfdp", "patchwork", "osage"}
# The parts of the suite that touch Graphviz, one pytest run each (`-k` selects in one run).
SUBSETS = [
    ["tests/test_viz.py", "tests/test_viz_cli.py"],
    ["tests/test_docs.py", "-k", "visualization or README or getting_started or index"],
    ["tests/test_demos.py", "-k", "graph_pictures or no_run"],
    ["tests/test_notebooks.py", "-k", "graph or committed"],
]
TIMEOUT_SECONDS = 900


def path_without_graphviz(folder: Path) -> str:
    """A PATH like the current one minus Graphviz's programs: one folder of symlinks per entry."""
    entries = []
    for i, directory in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        if not directory or not os.path.isdir(directory):
            continue
        mirror = folder / f"path{i}"
        mirror.mkdir()
        for entry in os.scandir(directory):
            if entry.name not in GRAPHVIZ_PROGRAMS:
                (mirror / entry.name).symlink_to(entry.path)
        entries.append(str(mirror))
    return os.pathsep.join(entries)


def test_the_mirrored_path_hides_only_graphviz(tmp_path):
    env = dict(os.environ, PATH=path_without_graphviz(tmp_path))
    probe = "import shutil; print(shutil.which('dot'), shutil.which('sh') is not None)"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["None", "True"], out


@pytest.mark.slow
def test_picture_tests_pass_without_graphviz(tmp_path):
    env = dict(os.environ, PATH=path_without_graphviz(tmp_path))
    env.pop("PYTEST_ADDOPTS", None)
    summaries = []
    for subset in SUBSETS:
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *subset]
        with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              start_new_session=True) as process:
            try:
                stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # with every process it started
                process.communicate()
                raise AssertionError(f"{' '.join(subset)} without Graphviz took over "
                                     f"{TIMEOUT_SECONDS} s") from None
        result = subprocess.CompletedProcess(cmd, process.returncode, stdout, stderr)
        tail = "\n".join(result.stdout.splitlines()[-30:])
        assert result.returncode == 0, (
            f"without Graphviz on PATH, `pytest {' '.join(subset)}` failed:\n{tail}\n"
            f"{result.stderr[-2000:]}"
        )
        summaries.append(result.stdout.strip().splitlines()[-1])
    # The run really lacked `dot`: the tests that need it were skipped, not run.
    assert any(re.search(r"\d+ skipped", s) for s in summaries), summaries
