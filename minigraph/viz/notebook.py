"""Jupyter display: a `Graph` shows itself as an SVG picture (`Graph._repr_svg_`).

`graph.py` sits below every op and cannot import this package, so this module installs the
drawing function into it when `minigraph.viz` is imported (as `import minigraph` does).
"""

from __future__ import annotations

from typing import Optional

from minigraph.graph import Graph, register_extension
from minigraph.viz.dot import to_dot
from minigraph.viz.rendering import svg_or_none

# Above this many ops, a notebook shows the graph with its top-level scopes collapsed: `dot`
# takes minutes on thousands of nodes, and the picture would be unreadable anyway.
NOTEBOOK_COLLAPSE_THRESHOLD = 300


def svg_for_notebook(graph: Graph) -> Optional[str]:
    """SVG text of `graph` for Jupyter (`Graph._repr_svg_`), or None when `dot` is missing.

    Graphs of more than NOTEBOOK_COLLAPSE_THRESHOLD ops are drawn with their top-level scopes
    collapsed, so displaying a big model stays quick and readable.
    """
    collapse = True if len(graph.get_operations()) > NOTEBOOK_COLLAPSE_THRESHOLD else None
    return svg_or_none(to_dot(graph, collapse=collapse))


register_extension("svg", svg_for_notebook)
