"""Demos are tests: every `demos/*.py` runs as a learner would run it, and must succeed.

The convention (demos/_cli.py): `main(quick=False, outdir=".")`, a docstring that tells the story
and states the run time, and `run_demo(main, __doc__)` under `if __name__ == "__main__":`, which
parses `--help`, `--quick` and `--outdir DIR` with argparse (other flags are errors) and writes
into `<temp dir>/minigraph-demos/<name>/` when no `--outdir` is given.

Each demo is started as a subprocess, `python demos/<name>.py --quick`, with matplotlib's Agg
backend, a 180 s limit, `TMPDIR` pointing into the test's folder, and an empty working directory
that must stay empty. A demo whose source mentions `savefig` or `.png` promises pictures, and
must leave PNG files in its output folder (graph_pictures.py: `.dot` files and the install hint
when Graphviz is missing). Then `python -m minigraph.viz` must draw every demo's graphs: with
`--no-run` for the demos that define `build_graph()`, by running `demos/<name>.py --quick
--outdir DIR -o g.svg` for the others.

The two lecture programs are also checked digit for digit: TensorFlow 1 prints 0.0, 0.099999994
and 4.9999886 for them (float32), and so must minigraph.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from minigraph._optional import EXTRAS, graphviz_missing

ROOT = Path(__file__).resolve().parent.parent
DEMOS = sorted(p for p in (ROOT / "demos").glob("*.py") if not p.name.startswith("_"))
TIMEOUT_SECONDS = 180

# What TF1 prints for the lecture's programs: float32 values, shortest round-trip repr.
LECTURE_OUTPUT = ["0.0", "0.099999994", "4.9999886"]
LECTURE_DEMOS = ["quadratic.py", "quadratic_placeholder.py"]


def _promises_pictures(demo: Path) -> bool:
    source = demo.read_text()
    return "savefig" in source or ".png" in source.lower()


def _defines_build_graph(demo: Path) -> bool:
    tree = ast.parse(demo.read_text())
    return any(isinstance(n, ast.FunctionDef) and n.name == "build_graph" for n in tree.body)


def _folders(tmp_path: Path) -> tuple:
    """(empty working directory, TMPDIR for the subprocess)."""
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    return cwd, tmp


def _run(args: list, cwd: Path, tmp: Path) -> subprocess.CompletedProcess:
    """Runs `python ARGS` in its own process group, all of which is killed on a timeout (so no
    `dot` or pool worker it started outlives the test)."""
    env = dict(os.environ, MPLBACKEND="Agg", TMPDIR=str(tmp))
    cmd = [sys.executable, *map(str, args)]
    with subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"{' '.join(map(str, args))} did not finish within {TIMEOUT_SECONDS} s:"
                        f"\n{_tail(stdout)}\n{_tail(stderr)}")
    return subprocess.CompletedProcess(cmd, process.returncode, stdout, stderr)


def _tail(text, lines: int = 40) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").splitlines()[-lines:])


def _report(what: str, result: subprocess.CompletedProcess) -> str:
    return (f"{what} exited with code {result.returncode}\n"
            f"--- stdout (tail) ---\n{_tail(result.stdout)}\n"
            f"--- stderr (tail) ---\n{_tail(result.stderr)}")


def _check_pictures(demo: Path, outdir: Path, stdout: str) -> None:
    if not _promises_pictures(demo):
        return
    if demo.name == "graph_pictures.py" and graphviz_missing():
        assert sorted(outdir.rglob("*.dot")), f"demos/{demo.name} wrote no .dot file"
        assert graphviz_missing() in stdout, "the demo must say what is missing and how to fix it"
        return
    pngs = sorted(outdir.rglob("*.png"))
    assert pngs, f"demos/{demo.name} saves pictures, but wrote no PNG into {outdir}"
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png.name} is not a PNG"


def test_there_are_demos():
    names = {demo.name for demo in DEMOS}
    assert set(LECTURE_DEMOS) <= names, names


@pytest.mark.parametrize("demo", DEMOS, ids=[demo.name for demo in DEMOS])
def test_demo_follows_the_convention(demo: Path):
    source = demo.read_text()
    tree = ast.parse(source, filename=str(demo))
    doc = ast.get_docstring(tree)
    assert doc, f"demos/{demo.name} needs a module docstring telling its story"
    assert "Run time" in doc, f"demos/{demo.name}: the docstring must state its run time"
    mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    assert mains, f"demos/{demo.name} must define main(quick: bool = False, outdir: str = '.')"
    args = mains[0].args
    names = [a.arg for a in args.args]
    assert names[:2] == ["quick", "outdir"], f"demos/{demo.name}: main{tuple(names)}"
    defaults = [ast.literal_eval(d) for d in args.defaults[:2]]
    assert defaults == [False, "."], f"demos/{demo.name}: main's defaults are {defaults}"
    guards = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
    assert guards, f'demos/{demo.name} needs `if __name__ == "__main__": run_demo(...)`'
    assert "run_demo(main, __doc__)" in ast.unparse(guards[-1]), (
        f"demos/{demo.name} must parse its arguments with demos/_cli.py's run_demo(main, __doc__)"
    )
    assert "sys.argv" not in source, f"demos/{demo.name} reads sys.argv itself; use run_demo"


def test_demos_import_optional_packages_inside_functions():
    """A module-level `import sklearn` (or matplotlib, scipy, tqdm...) would fail before
    run_demo could say which extra installs it, and would slow `--help` down."""
    top_level = []
    for demo in DEMOS:
        for node in ast.parse(demo.read_text()).body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            top_level += [f"demos/{demo.name}:{node.lineno}: {name}" for name in names
                          if name.split(".")[0] in EXTRAS]
    assert not top_level, f"import these inside the functions that use them: {top_level}"


@pytest.mark.slow
@pytest.mark.parametrize("demo", DEMOS, ids=[demo.name for demo in DEMOS])
def test_demo_help_and_unknown_flags(demo: Path, tmp_path: Path):
    cwd, tmp = _folders(tmp_path)
    result = _run([demo, "--help"], cwd, tmp)
    assert result.returncode == 0, _report(f"demos/{demo.name} --help", result)
    first_line = ast.get_docstring(ast.parse(demo.read_text())).splitlines()[0]
    assert f"usage: python demos/{demo.name}" in result.stdout
    assert "--quick" in result.stdout and "--outdir DIR" in result.stdout
    assert first_line in result.stdout
    result = _run([demo, "--quick", "--no-such-flag"], cwd, tmp)
    assert result.returncode == 2 and "unrecognized arguments: --no-such-flag" in result.stderr
    assert not list(cwd.iterdir()) and not list(tmp.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("demo", DEMOS, ids=[demo.name for demo in DEMOS])
def test_demo_runs_quick(demo: Path, tmp_path: Path):
    """Without --outdir: nothing in the working directory, files in the default folder."""
    cwd, tmp = _folders(tmp_path)
    result = _run([demo, "--quick"], cwd, tmp)
    assert result.returncode == 0, _report(f"demos/{demo.name} --quick", result)
    stray = sorted(p.name for p in cwd.iterdir())
    assert not stray, f"demos/{demo.name} wrote {stray} into the working directory"
    outdir = tmp / "minigraph-demos" / demo.stem
    if demo.name in LECTURE_DEMOS:
        assert result.stdout.split() == LECTURE_OUTPUT, (
            f"demos/{demo.name} must print what TF1 prints, {LECTURE_OUTPUT}:\n{result.stdout}"
        )
        assert not outdir.exists(), "a demo that writes nothing leaves no folder behind"
        return
    assert outdir.is_dir(), f"demos/{demo.name} wrote nothing into {outdir}"
    assert f"written to {outdir}: " in result.stdout, "the demo must say where its files went"
    _check_pictures(demo, outdir, result.stdout)


BUILDERS = [demo for demo in DEMOS if _defines_build_graph(demo)]
RUNNERS = [demo for demo in DEMOS if demo not in BUILDERS]


@pytest.mark.slow
@pytest.mark.parametrize("demo", RUNNERS, ids=[demo.name for demo in RUNNERS])
def test_viz_draws_the_demos_it_must_run(demo: Path, tmp_path: Path):
    """`python -m minigraph.viz demos/X.py --quick --outdir DIR -o g.svg` draws its graphs;
    the script's arguments reach it (its files land in DIR). The demos that define
    build_graph() are drawn by the --no-run test below, without training a second time what
    test_demo_runs_quick trained (running them under the command works the same way)."""
    cwd, tmp = _folders(tmp_path)
    outdir = tmp_path / "out" / "nested"
    result = _run(["-m", "minigraph.viz", demo, "--quick", "--outdir", outdir, "-o", "g.svg"],
                  cwd, tmp)
    drawn = sorted(p.name for p in cwd.iterdir())
    missing = graphviz_missing()
    if missing is None:
        assert result.returncode == 0, _report(f"minigraph.viz on demos/{demo.name}", result)
        assert drawn and all(n.startswith("g") and n.endswith(".svg") for n in drawn), drawn
        for name in drawn:
            assert b"<svg" in (cwd / name).read_bytes()[:400], name
    else:
        assert result.returncode == 1, _report(f"minigraph.viz on demos/{demo.name}", result)
        assert missing in result.stderr
        assert drawn and all(n.startswith("g") and n.endswith(".dot") for n in drawn), drawn
    if demo.name not in LECTURE_DEMOS:
        _check_pictures(demo, outdir, result.stdout)



@pytest.mark.slow
@pytest.mark.parametrize("demo", BUILDERS, ids=[demo.name for demo in BUILDERS])
def test_viz_no_run_draws_build_graph_without_running_the_demo(demo: Path, tmp_path: Path):
    cwd, tmp = _folders(tmp_path)
    result = _run(["-m", "minigraph.viz", demo, "--no-run", "-o", "g.svg"], cwd, tmp)
    assert result.returncode == (0 if graphviz_missing() is None else 1), _report(
        f"minigraph.viz --no-run on demos/{demo.name}", result)
    assert "file(s) written to" not in result.stdout and "accuracy" not in result.stdout.lower()
    assert not (tmp / "minigraph-demos").exists(), "--no-run must not run the demo's main()"
    assert list(cwd.iterdir()), "nothing was drawn"


def test_the_demos_that_build_a_model_define_build_graph():
    names = sorted(demo.name for demo in BUILDERS)
    assert names == ["babysit.py", "batchnorm_digits.py", "batchnorm_inside.py",
                     "convolutional_digits.py", "course_tf_network.py", "graph_pictures.py",
                     "hyperparameter_search.py"], names


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


# ---------------------------------------------------------------- demos/_cli.py itself
@pytest.fixture
def cli(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "demos"))
    import _cli

    return _cli


def test_run_demo_creates_nested_outdir_and_lists_what_was_written(cli, tmp_path, capsys):
    def main(quick=False, outdir="."):
        Path(outdir, "a.png").write_bytes(b"x")
        Path(outdir, "sub").mkdir()
        Path(outdir, "sub", "b.txt").write_text("y")
        return quick

    outdir = tmp_path / "x" / "y"
    assert cli.run_demo(main, "doc", ["--quick", "--outdir", str(outdir)]) is True
    assert f"2 file(s) written to {outdir}: a.png, sub/b.txt" in capsys.readouterr().out
    # A file left from an earlier run and not rewritten is not listed again.
    assert cli.run_demo(lambda quick, outdir: None, "doc", ["--outdir", str(outdir)]) is None
    assert "written" not in capsys.readouterr().out


def test_run_demo_default_folder_is_in_the_temp_dir(cli, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = {}

    def main(quick=False, outdir="."):
        seen["outdir"] = outdir

    cli.run_demo(main, "doc", [])
    assert seen["outdir"] == str(tmp_path / "minigraph-demos" / "test_demos")
    assert not (tmp_path / "minigraph-demos" / "test_demos").exists()  # nothing was written


def test_run_demo_names_the_extra_for_a_missing_package(cli, tmp_path):
    def main(quick=False, outdir="."):
        raise ModuleNotFoundError("No module named 'sklearn'", name="sklearn")

    with pytest.raises(SystemExit) as info:
        cli.run_demo(main, "doc", ["--outdir", str(tmp_path)])
    message = str(info.value.code)
    assert "needs the optional package `sklearn`" in message
    assert 'pip install "minigraph[examples]"' in message

    def broken(quick=False, outdir="."):
        raise ModuleNotFoundError("No module named 'my_helpers'", name="my_helpers")

    with pytest.raises(ModuleNotFoundError):  # not an optional package: the error as it is
        cli.run_demo(broken, "doc", ["--outdir", str(tmp_path)])


def test_a_real_demo_without_scikit_learn_names_the_examples_extra(cli, tmp_path, monkeypatch,
                                                                     capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "demo_course_tf_network", ROOT / "demos" / "course_tf_network.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # imports only numpy and minigraph
    monkeypatch.setitem(sys.modules, "sklearn", None)  # `import sklearn...` now fails
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(SystemExit) as info:
        cli.run_demo(module.main, module.__doc__, ["--quick", "--outdir", str(tmp_path)])
    assert str(info.value.code) == (
        "demos/course_tf_network.py needs the optional package `sklearn`, which is not "
        'installed. Install the demos\' packages with: pip install "minigraph[examples]"')
