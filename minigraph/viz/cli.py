"""`python -m minigraph.viz SCRIPT.py`: run a script and draw every graph it builds.

    python -m minigraph.viz SCRIPT.py [-o OUT.svg] [--graph N] [--no-run]
                                      [--collapse [SCOPE ...] | --expand] [--no-gradients]
                                      [--format svg|png|pdf] [SCRIPT ARGS ...] [-- SCRIPT ARGS]

1. **run**: the script runs as `python SCRIPT.py SCRIPT ARGS` would run it (as `__main__`, with
   those arguments in `sys.argv` and its own folder on `sys.path`). The script's arguments are
   the ones after it that are not this command's own, e.g. `--quick` in
   `python -m minigraph.viz demos/babysit.py --quick -o g.svg`, then everything after `--`
   (for arguments that look like this command's, e.g. a script's own `-o`). While it runs,
   every `tf.Graph` it creates is recorded, so graphs built inside functions, in
   `with tf.Graph().as_default():` blocks or after `tf.reset_default_graph()` are all found,
   as is the default graph it started on. Graphs left empty are skipped.
2. **draw**: one graph is written to `OUT` itself; several go to `OUT_0.svg`, `OUT_1.svg`, ...
   in the order they were created, or `--graph N` picks the N-th into `OUT` (its folder is
   created if missing). Without `-o` the pictures go to `<temp dir>/minigraph-viz/`, never into
   the working directory, and the command prints where they went. A graph of more than
   `NOTEBOOK_COLLAPSE_THRESHOLD` (300) ops is drawn with its top-level scopes collapsed, as in a
   notebook (`dot` takes minutes on a few hundred nodes with clusters); `--expand` draws every
   op anyway.

`--no-run` stops after building, for scripts that follow the **`build_graph()` convention**: a
module-level function `build_graph()`, callable with no arguments, that builds the script's
graph(s) (into the default graph or into `tf.Graph()` objects it makes) and trains nothing. The
script is then loaded under a name other than `__main__` (so its `if __name__ == "__main__":`
block does not run) and `build_graph()` is called. The demos that build a model define it.

Exit status: 0 when every picture was written; 1 when the script built no graph, `dot` or the
`graphviz` package is missing (the `.dot` files are written instead, and the message says which
is missing and how to install it), or `--graph N` is out of range; the script's own status if it
exits with an error (including its argparse's 2 for arguments it does not know); 2 for bad
arguments (argparse), such as an unknown option before the script.

`python -m minigraph.viz` runs `minigraph/viz/__main__.py`, which calls `main` here (a module
of its own, so that `-m` does not run a second copy of a module `import minigraph` has loaded).
"""

from __future__ import annotations

import argparse
import contextlib
import runpy
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Optional

from minigraph.graph import Graph, get_default_graph
from minigraph.viz.dot import render
from minigraph.viz.notebook import NOTEBOOK_COLLAPSE_THRESHOLD
from minigraph.viz.rendering import FORMATS, GraphvizNotFoundError

BUILD_GRAPH = "build_graph"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m minigraph.viz",
        description="Run a Python script that builds minigraph graphs and draw every graph it "
        "builds with Graphviz. Arguments after the script that are not this command's, and all "
        "arguments after `--`, are passed to the script.",
        epilog="example: python -m minigraph.viz demos/softmax_regression.py --quick -o "
        "graph.svg",
        allow_abbrev=False,  # `--out` or `--no` must not be taken for this command's options
    )
    parser.add_argument("script", help="the Python script to run (it builds the graphs)")
    parser.add_argument(
        "-o", "--output",
        help="picture to write; several graphs go to OUTPUT_0, OUTPUT_1, ... "
        "(default: <temp dir>/minigraph-viz/SCRIPT.<format>)",
    )
    parser.add_argument("--graph", type=int, metavar="N",
                        help="draw only the N-th non-empty graph (0 is the first created)")
    parser.add_argument("--no-run", action="store_true",
                        help=f"do not run the script: load it and call its {BUILD_GRAPH}()")
    parser.add_argument("--format", choices=FORMATS, help="default: from -o's suffix, else svg")
    parser.add_argument(
        "--collapse", nargs="*", metavar="SCOPE",
        help="collapse these name scopes into boxes; with no SCOPE, every top-level scope",
    )
    parser.add_argument(
        "--expand", action="store_true",
        help=f"draw every op even of a graph above {NOTEBOOK_COLLAPSE_THRESHOLD} ops (slow)",
    )
    parser.add_argument(
        "--no-gradients", action="store_true", help="hide the gradient ops (gradients/...)"
    )
    return parser


def _split_script_args(argv: list) -> tuple:
    """(the command's own arguments, the script's arguments after the first `--`)."""
    if "--" in argv:
        cut = argv.index("--")
        return argv[:cut], argv[cut + 1:]
    return argv, []


@contextlib.contextmanager
def _recording_graphs() -> Iterator[list]:
    """Records every `Graph` created inside the block (the list is filled as they are made)."""
    created = []
    original_init = Graph.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        created.append(self)

    Graph.__init__ = recording_init
    try:
        yield created
    finally:
        Graph.__init__ = original_init


@contextlib.contextmanager
def _as_script(script: Path, script_args: list) -> Iterator[None]:
    """sys.argv and sys.path as `python SCRIPT ARGS` would set them, restored afterwards."""
    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [str(script), *script_args]
    sys.path.insert(0, str(script.resolve().parent))
    try:
        yield
    finally:
        sys.argv, sys.path[:] = old_argv, old_path


def _build(script: Path, script_args: list, no_run: bool) -> list:
    """Runs (or, with no_run, loads and builds) the script; returns its non-empty graphs.

    Raises:
        SystemExit: the script exited with a non-zero status, or has no build_graph().
    """
    start_graph = get_default_graph()
    run_name = "__minigraph_viz__" if no_run else "__main__"  # no_run: skip the main block
    with _recording_graphs() as created, _as_script(script, script_args):
        namespace = {}
        try:
            namespace = runpy.run_path(str(script), run_name=run_name)
        except SystemExit as e:
            if e.code not in (None, 0):
                print(f"{script} exited with status {e.code}; no pictures drawn.",
                      file=sys.stderr)
                raise
        if no_run:
            _call_build_graph(script, namespace)
    graphs = []
    for graph in [start_graph, *created]:
        if graph.get_operations() and all(graph is not g for g in graphs):
            graphs.append(graph)
    return graphs


def _call_build_graph(script: Path, namespace: dict) -> None:
    build_graph = namespace.get(BUILD_GRAPH)
    if callable(build_graph):
        with Graph().as_default():
            build_graph()
        return
    if not get_default_graph().get_operations():
        print(f"{script} defines no {BUILD_GRAPH}(), so --no-run cannot build its graph "
              f"without running it. Run without --no-run, or add a module-level "
              f"`def {BUILD_GRAPH}():` that builds the graph(s) and trains nothing.",
              file=sys.stderr)
        raise SystemExit(1)


def _default_output(script: Path, fmt: Optional[str]) -> Path:
    folder = Path(tempfile.gettempdir()) / "minigraph-viz"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{script.stem}.{fmt or 'svg'}"


def _targets(graphs: list, output: Path, chosen: Optional[int]) -> list:
    """[(index, graph, path)]: one graph to `output`, several to output_0, output_1, ..."""
    if chosen is not None:
        return [(chosen, graphs[chosen], output)]
    if len(graphs) == 1:
        return [(0, graphs[0], output)]
    return [(i, g, output.with_name(f"{output.stem}_{i}{output.suffix}"))
            for i, g in enumerate(graphs)]


def _collapse(args, n_ops: int):
    """`to_dot`'s collapse option: as asked, else top-level scopes for a big graph."""
    if args.collapse is not None:
        return args.collapse or True
    if n_ops > NOTEBOOK_COLLAPSE_THRESHOLD and not args.expand:
        return True
    return None


def _draw(targets: list, args) -> int:
    missing = None
    for index, graph, path in targets:
        n_ops = len(graph.get_operations())
        collapse = _collapse(args, n_ops)
        if collapse is True and args.collapse is None:
            print(f"graph {index} has {n_ops} ops: its top-level scopes are collapsed into "
                  f"boxes (--expand draws every op, slowly; --collapse SCOPE ... chooses)")
        try:
            render(graph, path, format=args.format, collapse=collapse,
                   show_gradients=not args.no_gradients)
        except GraphvizNotFoundError as e:
            missing = missing or str(e)
            print(f"graph {index} ({n_ops} ops): DOT text written to {e.dot_path}")
            continue
        print(f"graph {index} ({n_ops} ops): wrote {path}")
    if missing:
        print(missing, file=sys.stderr)
        return 1
    return 0


def _parse(argv: list) -> tuple:
    """(the command's options, the script's path, the script's arguments); bad ones exit 2."""
    parser = _parser()
    own, after_dashes = _split_script_args(argv)
    args, unknown = parser.parse_known_args(own)
    before = own[:own.index(args.script)] if args.script in own else own
    stray = [arg for arg in unknown if arg in before]
    if stray:
        parser.error(f"unrecognized arguments: {' '.join(stray)}. Arguments for the script go "
                     f"after it: python -m minigraph.viz {args.script} {' '.join(stray)} ...")
    script_args = unknown + after_dashes
    script = Path(args.script)
    if not script.is_file():
        parser.error(f"no such script: {args.script}")
    if args.expand and args.collapse is not None:
        parser.error("--expand and --collapse contradict each other; choose one")
    if args.graph is not None and args.graph < 0:
        parser.error(f"--graph must be 0 or more, got {args.graph}")
    return args, script, script_args


def _problem_with(graphs: list, script: Path, chosen: Optional[int]) -> Optional[str]:
    """Why nothing can be drawn (no graph, --graph out of range), or None."""
    if not graphs:
        return f"{script} built no graph: every graph it made (and its default graph) is empty."
    if chosen is not None and chosen >= len(graphs):
        sizes = ", ".join(f"{i}: {len(g.get_operations())} ops" for i, g in enumerate(graphs))
        return f"--graph {chosen}: {script} built {len(graphs)} graph(s) ({sizes})."
    return None


def main(argv: Optional[list] = None) -> int:
    """Runs a script and draws the graphs it builds; returns the exit status.

    Args:
        argv: the command's arguments (default: `sys.argv[1:]`), e.g.
            `["demos/babysit.py", "--quick", "-o", "g.svg"]` (`--quick` is the script's).

    Example:
        $ python -m minigraph.viz demos/quadratic.py -o quadratic.svg --no-gradients
    """
    args, script, script_args = _parse(list(sys.argv[1:] if argv is None else argv))
    try:
        graphs = _build(script, script_args, args.no_run)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 1
    problem = _problem_with(graphs, script, args.graph)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    output = Path(args.output) if args.output else _default_output(script, args.format)
    output.parent.mkdir(parents=True, exist_ok=True)  # `-o new/folder/g.svg` creates it
    if len(graphs) > 1 and args.graph is None:
        print(f"{script} built {len(graphs)} graphs; drawing all (--graph N picks one)")
    return _draw(_targets(graphs, output, args.graph), args)
