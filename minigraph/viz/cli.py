"""`python -m minigraph.viz SCRIPT.py -o graph.svg`: run a script and draw the graph it builds.

Options: `[--collapse [SCOPE ...]] [--no-gradients] [--format svg|png|pdf]`. The default graph
is drawn if the script built on it, else a graph (or the graph of a tensor) among its globals.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path
from typing import Optional

from minigraph.graph import Graph, get_default_graph
from minigraph.tensor import Operation, Tensor
from minigraph.viz.dot import render
from minigraph.viz.rendering import FORMATS, GraphvizNotFoundError


def _graph_built_by(namespace: dict) -> Optional[Graph]:
    """The default graph if the script built on it, else a graph found in its globals."""
    graph = get_default_graph()
    if graph.get_operations():
        return graph
    for name in sorted(namespace):
        value = namespace[name]
        if isinstance(value, Graph) and value.get_operations():
            return value
    for name in sorted(namespace):
        value = namespace[name]
        if isinstance(value, (Tensor, Operation)):
            return value.graph
    return None


def main(argv=None) -> int:
    """`python -m minigraph.viz SCRIPT.py -o graph.svg`: runs a script and draws its graph.

    Example:
        $ python -m minigraph.viz demos/quadratic.py -o quadratic.svg --no-gradients
    """
    parser = argparse.ArgumentParser(
        prog="python -m minigraph.viz",
        description="Run a Python script that builds a minigraph graph, and draw its default "
        "graph with Graphviz.",
    )
    parser.add_argument("script", help="the Python script to run (it builds the graph)")
    parser.add_argument("-o", "--output", help="picture to write (default: SCRIPT.<format>)")
    parser.add_argument("--format", choices=FORMATS, help="default: from -o's suffix, else svg")
    parser.add_argument(
        "--collapse", nargs="*", metavar="SCOPE",
        help="collapse these name scopes into boxes; with no SCOPE, every top-level scope",
    )
    parser.add_argument(
        "--no-gradients", action="store_true", help="hide the gradient ops (gradients/...)"
    )
    args = parser.parse_args(argv)

    script = Path(args.script)
    if not script.is_file():
        parser.error(f"no such script: {args.script}")
    fmt = args.format
    output = args.output
    if output is None:
        output = str(script.with_suffix("." + (fmt or "svg")).name)
    collapse = None
    if args.collapse is not None:
        collapse = args.collapse or True

    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [str(script)]
    sys.path.insert(0, str(script.resolve().parent))
    try:
        namespace = runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv, sys.path[:] = old_argv, old_path
    graph = _graph_built_by(namespace)
    if graph is None:
        print(f"{script} built no graph: its default graph is empty.", file=sys.stderr)
        return 1
    try:
        render(graph, output, format=fmt, collapse=collapse, show_gradients=not args.no_gradients)
    except GraphvizNotFoundError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(f"wrote {output} ({len(graph.get_operations())} ops)")
    return 0
