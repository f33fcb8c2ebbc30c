"""DOT text -> SVG, PNG or PDF through Graphviz: the only module that touches `graphviz`.

Rendering uses the `graphviz` Python package (the `viz` extra) and the `dot` program (Debian
package `graphviz`); building the DOT text needs neither, and `import minigraph` never imports
`graphviz` (it is imported inside `pipe`). When `dot` is missing, `render_text` writes the `.dot`
file next to the requested picture and raises `GraphvizNotFoundError`, which says which of the
two is missing and the command that installs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from minigraph._optional import MissingDependencyError, graphviz_missing, require

FORMATS = ("svg", "png", "pdf")


class GraphvizNotFoundError(RuntimeError):
    """`dot` (or the `graphviz` Python package) is missing; the `.dot` file was written instead.

    Attributes:
        dot_path: where the DOT text was written, to render later or elsewhere.
    """

    def __init__(self, message: str, dot_path: str):
        super().__init__(message)
        self.dot_path = dot_path


def pipe(text: str, format: str) -> bytes:  # noqa: A002
    """Runs `dot -T<format>` on `text`; GraphvizNotFoundError (dot_path "") if it is missing.

    The message names the missing half (the `graphviz` package, the `dot` program, or both)
    and the command that installs it (`minigraph._optional.graphviz_missing`).
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}.")
    try:
        graphviz = require("graphviz", extra="viz")  # never imported by `import minigraph`
    except MissingDependencyError:
        raise GraphvizNotFoundError(graphviz_missing() or "", "") from None
    try:
        return graphviz.Source(text).pipe(format=format)
    except graphviz.ExecutableNotFound:
        message = graphviz_missing() or "The Graphviz program `dot` was not found on PATH."
        raise GraphvizNotFoundError(message, "") from None
    except graphviz.CalledProcessError as e:
        stderr = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else e.stderr
        raise RuntimeError(f"`dot -T{format}` failed: {stderr}") from None


def render_text(text: str, path, format: Optional[str]) -> str:  # noqa: A002
    """Writes the picture of DOT `text` to `path` (format from the suffix by default); without
    `dot`, writes the text next to it and raises GraphvizNotFoundError saying where."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if format is None:
        format = suffix if suffix in FORMATS else "svg"
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}.")
    if suffix in FORMATS and suffix != format:
        raise ValueError(
            f"Cannot write {format.upper()} into {str(path)!r}: the suffix says {suffix}. "
            f"Use a .{format} path or format={suffix!r}."
        )
    try:
        data = pipe(text, format)
    except GraphvizNotFoundError as e:
        dot_path = path.with_suffix(".dot") if path.suffix != ".dot" else Path(str(path) + ".gv")
        dot_path.write_text(text, encoding="utf-8")
        raise GraphvizNotFoundError(
            f"Cannot render {str(path)!r}: {e} The DOT text was written to "
            f"{str(dot_path)!r}; render it later with "
            f"`dot -T{format} {dot_path} -o {path}`.",
            str(dot_path),
        ) from None
    path.write_bytes(data)
    return str(path)


def svg_or_none(text: str) -> Optional[str]:
    """The SVG picture of DOT `text`, or None when Graphviz is missing (for Jupyter)."""
    try:
        return pipe(text, "svg").decode("utf-8")
    except GraphvizNotFoundError:
        return None
