"""Demos are tests: every `demos/*.py` runs as a learner would run it, and must succeed.

Each demo is started as a subprocess, `python demos/<name>.py --quick --outdir <tmp>`, with
matplotlib's Agg backend (files, never windows) and a 180 s limit, from an empty working
directory so that a demo writing outside `--outdir` is caught. A demo whose source mentions
`savefig` or `.png` promises pictures, and must leave at least one PNG file in the outdir.

The two lecture programs are also checked digit for digit: TensorFlow 1 prints 0.0, 0.099999994
and 4.9999886 for them (float32), and so must minigraph.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMOS = sorted((ROOT / "demos").glob("*.py"))
TIMEOUT_SECONDS = 180

# What TF1 prints for the lecture's programs: float32 values, shortest round-trip repr.
LECTURE_OUTPUT = ["0.0", "0.099999994", "4.9999886"]
LECTURE_DEMOS = ["quadratic.py", "quadratic_placeholder.py"]


def _promises_pictures(demo: Path) -> bool:
    source = demo.read_text()
    return "savefig" in source or ".png" in source.lower()


def _run_demo(demo: Path, tmp_path: Path) -> tuple:
    """Runs one demo the way the convention says; returns (completed process, outdir, cwd)."""
    outdir = tmp_path / "out"
    cwd = tmp_path / "cwd"
    outdir.mkdir()
    cwd.mkdir()
    env = dict(os.environ, MPLBACKEND="Agg")
    try:
        result = subprocess.run(
            [sys.executable, str(demo), "--quick", "--outdir", str(outdir)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"demos/{demo.name} --quick did not finish within {TIMEOUT_SECONDS} s:\n"
                    f"{_tail(e.stdout)}\n{_tail(e.stderr)}")
    return result, outdir, cwd


def _tail(text, lines: int = 40) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").splitlines()[-lines:])


def test_there_are_demos():
    names = {demo.name for demo in DEMOS}
    assert set(LECTURE_DEMOS) <= names, names


@pytest.mark.parametrize("demo", DEMOS, ids=[demo.name for demo in DEMOS])
def test_demo_follows_the_convention(demo: Path):
    """`def main(quick=False, outdir=".")`, a module docstring, and a `__main__` guard."""
    tree = ast.parse(demo.read_text(), filename=str(demo))
    assert ast.get_docstring(tree), f"demos/{demo.name} needs a module docstring telling its story"
    mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    assert mains, f"demos/{demo.name} must define main(quick: bool = False, outdir: str = '.')"
    args = mains[0].args
    names = [a.arg for a in args.args]
    assert names[:2] == ["quick", "outdir"], f"demos/{demo.name}: main{tuple(names)}"
    defaults = [ast.literal_eval(d) for d in args.defaults[:2]]
    assert defaults == [False, "."], f"demos/{demo.name}: main's defaults are {defaults}"
    guards = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
    assert guards, f'demos/{demo.name} needs `if __name__ == "__main__": main(...)`'


@pytest.mark.slow
@pytest.mark.parametrize("demo", DEMOS, ids=[demo.name for demo in DEMOS])
def test_demo_runs_quick(demo: Path, tmp_path: Path):
    result, outdir, cwd = _run_demo(demo, tmp_path)
    assert result.returncode == 0, (
        f"demos/{demo.name} --quick exited with code {result.returncode}\n"
        f"--- stdout (tail) ---\n{_tail(result.stdout)}\n"
        f"--- stderr (tail) ---\n{_tail(result.stderr)}"
    )
    stray = sorted(p.name for p in cwd.iterdir())
    assert not stray, (
        f"demos/{demo.name} wrote {stray} into the working directory; write into --outdir."
    )
    if demo.name in LECTURE_DEMOS:
        assert result.stdout.split() == LECTURE_OUTPUT, (
            f"demos/{demo.name} must print what TF1 prints, {LECTURE_OUTPUT}:\n{result.stdout}"
        )
    if _promises_pictures(demo):
        pngs = sorted(outdir.rglob("*.png"))
        assert pngs, f"demos/{demo.name} saves pictures, but wrote no PNG into --outdir"
        for png in pngs:
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png.name} is not a PNG"


@pytest.mark.parametrize("name", LECTURE_DEMOS)
def test_lecture_programs_main_returns_the_trained_w(name: str, capsys):
    """`main()` is importable and callable in-process too (the tests' autouse fixture gives it
    a fresh default graph), and returns the trained float32 w."""
    import importlib.util

    import numpy as np

    spec = importlib.util.spec_from_file_location(f"demo_{name[:-3]}", ROOT / "demos" / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    w = module.main(quick=True, outdir=".")
    assert capsys.readouterr().out.split() == LECTURE_OUTPUT
    assert isinstance(w, np.float32)
    assert abs(float(w) - 5.0) < 1e-4
