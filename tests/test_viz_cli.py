"""Tests of `python -m minigraph.viz SCRIPT.py`: which graphs it finds, where it writes, `--`.

Most tests call the command's `main(argv)` in-process on small scripts written to a temporary
folder; tests that need the `dot` program skip without it (the no-Graphviz run of
tests/test_fresh_machine.py runs the others). The demos are drawn by tests/test_demos.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest

import minigraph as tf
from minigraph._optional import is_installed
from minigraph.viz.cli import main

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None or not is_installed("graphviz"),
    reason="needs Graphviz's `dot` (apt-get install graphviz) and the graphviz package "
    '(pip install "minigraph[viz]")',
)

_SCRIPT = """
import minigraph as tf
w = tf.Variable(0, dtype=tf.float32, name="w")
cost = tf.add(tf.add(w**2, tf.multiply(-10., w)), 25, name="cost")
train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
"""

# Two graphs built inside a function, as demos do; the script's arguments decide their sizes.
_TWO_GRAPHS = """
import sys
import minigraph as tf

def build(n, name):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None], name=name)
        for _ in range(n):
            x = tf.negative(x)
    return g

def main():
    tf.Graph()  # an empty graph: skipped
    build(1, "first")
    build(int(sys.argv[1]) if len(sys.argv) > 1 else 2, "second")
    print("script args:", sys.argv[1:])

if __name__ == "__main__":
    main()
"""


def _svg_texts(path) -> list:
    root = ET.fromstring(path.read_bytes())
    return [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]


def _script(tmp_path, text: str, name: str = "prog.py"):
    path = tmp_path / name
    path.write_text(text)
    return path


@needs_dot
def test_draws_the_scripts_default_graph(tmp_path, capsys):
    script = _script(tmp_path, _SCRIPT)
    out = tmp_path / "prog.svg"
    assert main([str(script), "-o", str(out), "--no-gradients"]) == 0
    texts = _svg_texts(out)
    assert "cost" in texts and "ApplyGradientDescent" in texts and "AddN" not in texts
    assert "gradient ops hidden" in texts
    assert f"wrote {out}" in capsys.readouterr().out

    tf.reset_default_graph()
    collapsed = tmp_path / "collapsed.png"
    assert main([str(script), "-o", str(collapsed), "--collapse"]) == 0
    assert collapsed.read_bytes().startswith(b"\x89PNG")


@needs_dot
def test_collapse_named_scopes_and_a_graph_in_a_with_block(tmp_path):
    script = _script(
        tmp_path,
        "import minigraph as tf\ng = tf.Graph()\nwith g.as_default():\n"
        + "\n".join("    " + line for line in _SCRIPT.strip().splitlines()[1:]),
    )
    out = tmp_path / "own.svg"
    assert main([str(script), "-o", str(out), "--format", "svg", "--collapse", "gradients"]) == 0
    texts = _svg_texts(out)
    assert "gradients" in texts and "(8 ops)" in texts and "pow_grad" not in texts


@needs_dot
def test_every_graph_the_script_builds_is_drawn_in_creation_order(tmp_path, capsys):
    script = _script(tmp_path, _TWO_GRAPHS)
    assert main([str(script), "-o", str(tmp_path / "g.svg")]) == 0
    assert sorted(p.name for p in tmp_path.glob("g*.svg")) == ["g_0.svg", "g_1.svg"]
    assert "first" in _svg_texts(tmp_path / "g_0.svg")
    assert "second" in _svg_texts(tmp_path / "g_1.svg")
    out = capsys.readouterr().out
    assert "built 2 graphs" in out and "graph 1 (3 ops): wrote" in out


@needs_dot
def test_graph_n_draws_only_that_graph_into_the_output(tmp_path):
    script = _script(tmp_path, _TWO_GRAPHS)
    assert main([str(script), "-o", str(tmp_path / "g.svg"), "--graph", "1"]) == 0
    assert [p.name for p in tmp_path.glob("g*.svg")] == ["g.svg"]
    assert "second" in _svg_texts(tmp_path / "g.svg")


def test_graph_n_out_of_range_lists_the_graphs(tmp_path, capsys):
    script = _script(tmp_path, _TWO_GRAPHS)
    assert main([str(script), "-o", str(tmp_path / "g.svg"), "--graph", "2"]) == 1
    err = capsys.readouterr().err
    assert "--graph 2" in err and "built 2 graph(s) (0: 2 ops, 1: 3 ops)" in err
    assert not list(tmp_path.glob("g*"))


def test_arguments_after_double_dash_go_to_the_script(tmp_path, capsys):
    script = _script(tmp_path, _TWO_GRAPHS)
    argv_before = list(sys.argv)
    code = main([str(script), "-o", str(tmp_path / "g.svg"), "--graph", "1", "--", "5"])
    out = capsys.readouterr().out
    assert "script args: ['5']" in out
    assert "graph 1 (6 ops)" in out  # the script built its second graph with 5 negations
    assert code in (0, 1)  # 1 only when Graphviz is missing (the .dot file is written)
    assert sys.argv == argv_before


def test_unknown_options_after_the_script_go_to_the_script_before_the_double_dash_ones(
        tmp_path, capsys):
    script = _script(tmp_path, ("import sys\nimport minigraph as tf\ntf.constant(1.0)\n"
                                "print('script args:', sys.argv[1:])\n"))
    code = main([str(script), "--quick", "-o", str(tmp_path / "g.svg"), "--outdir", "d",
                 "--no-gradients", "--", "5", "-o"])
    out = capsys.readouterr().out
    assert "script args: ['--quick', '--outdir', 'd', '5', '-o']" in out
    assert "graph 0 (1 ops)" in out and code in (0, 1)


def test_the_output_folder_is_created(tmp_path, capsys):
    script = _script(tmp_path, _SCRIPT)
    output = tmp_path / "new" / "nested" / "g.svg"
    code = main([str(script), "-o", str(output)])
    assert code in (0, 1)  # 1 only when Graphviz is missing (the .dot file is written)
    written = output if code == 0 else output.with_suffix(".dot")
    assert written.is_file(), capsys.readouterr()


def test_an_unknown_option_before_the_script_is_an_error_that_shows_where_it_goes(tmp_path,
                                                                                   capsys):
    script = _script(tmp_path, _SCRIPT)
    with pytest.raises(SystemExit) as info:
        main(["--quick", str(script), "-o", "g.svg"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --quick" in err
    assert f"python -m minigraph.viz {script} --quick" in err
    with pytest.raises(SystemExit):  # no abbreviations: `--out` is not taken for --output
        main(["--out", "g.svg", str(script)])


def test_no_run_calls_build_graph_and_skips_the_main_block(tmp_path, capsys):
    script = _script(tmp_path, (
        "import minigraph as tf\n"
        "def build_graph():\n"
        "    x = tf.placeholder(tf.float32, [2], name='built_only')\n"
        "    return tf.square(x)\n"
        "if __name__ == '__main__':\n"
        "    raise RuntimeError('the main block must not run with --no-run')\n"
    ))
    code = main([str(script), "--no-run", "-o", str(tmp_path / "b.svg")])
    out = capsys.readouterr().out
    assert "graph 0 (2 ops)" in out
    assert code in (0, 1)
    if code == 0:
        assert "built_only" in _svg_texts(tmp_path / "b.svg")
    else:
        assert "built_only" in (tmp_path / "b.dot").read_text()


def test_no_run_without_build_graph_says_what_the_convention_is(tmp_path, capsys):
    script = _script(tmp_path, "import minigraph as tf\nif __name__ == '__main__':\n"
                               "    tf.constant(1.0)\n")
    assert main([str(script), "--no-run", "-o", str(tmp_path / "b.svg")]) == 1
    err = capsys.readouterr().err
    assert "defines no build_graph()" in err and "def build_graph():" in err
    assert not list(tmp_path.glob("b.*"))


def test_without_output_it_writes_into_the_temp_dir_not_the_working_dir(tmp_path, monkeypatch,
                                                                         capsys):
    script = _script(tmp_path, _SCRIPT)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code = main([str(script)])
    assert list(cwd.iterdir()) == []
    written = sorted(p.name for p in (tmp_path / "tmp" / "minigraph-viz").iterdir())
    if code == 0:
        assert written == ["prog.svg"]
        assert str(tmp_path / "tmp" / "minigraph-viz" / "prog.svg") in capsys.readouterr().out
    else:
        assert written == ["prog.dot"]


def test_without_dot_exits_1_writes_every_dot_file_and_says_how_to_install(tmp_path,
                                                                           monkeypatch, capsys):
    pytest.importorskip("graphviz")
    script = _script(tmp_path, _TWO_GRAPHS)
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main([str(script), "-o", str(tmp_path / "g.svg")]) == 1
    captured = capsys.readouterr()
    assert "The Graphviz program `dot` was not found on PATH" in captured.err
    assert "apt-get install graphviz" in captured.err
    assert captured.err.count("apt-get install graphviz") == 1  # said once, not per graph
    assert (tmp_path / "g_0.dot").exists() and (tmp_path / "g_1.dot").exists()
    assert "DOT text written to" in captured.out


def test_a_big_graph_is_drawn_collapsed_unless_expand_is_given(tmp_path, monkeypatch, capsys):
    script = _script(tmp_path, (
        "import minigraph as tf\n"
        "x = tf.placeholder(tf.float32, [2], name='x')\n"
        "with tf.name_scope('chain'):\n"
        "    for _ in range(400):\n"
        "        x = tf.negative(x)\n"
    ))
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot`: only the DOT text is written
    assert main([str(script), "-o", str(tmp_path / "big.svg")]) == 1
    assert "has 401 ops: its top-level scopes are collapsed" in capsys.readouterr().out
    collapsed = (tmp_path / "big.dot").read_text()
    assert "chain" in collapsed and "Neg_399" not in collapsed
    assert main([str(script), "-o", str(tmp_path / "big.svg"), "--expand"]) == 1
    assert "collapsed" not in capsys.readouterr().out
    assert "Neg_399" in (tmp_path / "big.dot").read_text()
    with pytest.raises(SystemExit):
        main([str(script), "--expand", "--collapse"])


def test_a_script_that_builds_nothing_is_reported(tmp_path, capsys):
    script = _script(tmp_path, "x = 1\n", name="empty.py")
    assert main([str(script), "-o", str(tmp_path / "e.svg")]) == 1
    assert "built no graph" in capsys.readouterr().err


def test_a_failing_script_status_is_passed_on(tmp_path, capsys):
    script = _script(tmp_path, "import sys\nimport minigraph as tf\ntf.constant(1.0)\n"
                               "sys.exit(3)\n")
    assert main([str(script), "-o", str(tmp_path / "f.svg")]) == 3
    assert "exited with status 3" in capsys.readouterr().err
    assert not list(tmp_path.glob("f.*"))


def test_no_such_script_is_an_argument_error(tmp_path):
    with pytest.raises(SystemExit) as info:
        main([str(tmp_path / "missing.py")])
    assert info.value.code == 2


def test_importing_the_command_line_does_not_run_it():
    import importlib

    from minigraph import viz

    module = importlib.import_module("minigraph.viz.__main__")
    assert module.main is main is viz.main


def test_command_line_runs_without_a_double_import_warning(tmp_path):
    script = _script(tmp_path, "import minigraph as tf\nw = tf.Variable(1.0, name='w')\n"
                               "y = w * 2.0\n", name="program.py")
    result = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", "minigraph.viz", str(script),
         "-o", str(tmp_path / "graph.svg")],
        capture_output=True, text=True, timeout=120,
    )
    assert "found in sys.modules" not in result.stderr, result.stderr
    assert "graph 0 (" in result.stdout, result.stdout + result.stderr
