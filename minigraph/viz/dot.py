"""Step 3 of drawing: the chosen, classified ops as Graphviz's DOT text.

`to_dot` runs the three steps: choose the ops (`select.py`), classify them (`classify.py`), then
write the text here. Name scopes become nested `subgraph cluster_<n>` blocks, chosen scopes can
be collapsed into single boxes (edges between boxes deduplicated), the gradient ops can be
hidden, and every edge is labelled with the tensor's static shape and dtype, e.g.
`(?, 3) float32`. The branches of a cond and the condition and body of a loop are drawn as
dashed clusters next to their op (`functions.py`). Control dependencies are dashed. Nothing
here is recursive. `render` draws the text into a picture file through `rendering.py`.

The text is deterministic: nodes are numbered `n0, n1, ...` in creation order (`op._id`),
scopes are sorted, edges are sorted; no `id()` and no hash order reaches the output. So the same
program gives the same text, which can be diffed and golden-tested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from minigraph.viz import classify, functions, labels
from minigraph.viz.rendering import pipe, render_text, svg_or_none
from minigraph.viz.select import select_ops
from minigraph.viz.styles import (
    FORWARD,
    GRADIENT,
    KIND_STYLE,
    MAX_INDENT_LEVELS,
    PHASE_BORDER,
    PHASE_CLUSTER_FILL,
    PHASE_FILL,
    UPDATE,
)


class DotSource(str):
    """The DOT text of a graph: a `str` (print it, diff it, compare it) that also draws itself.

    In Jupyter it displays inline as SVG (`_repr_svg_`, when `dot` is installed); `save` writes
    the text, `render` writes a picture.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     c = tf.constant(1.0, name="c")
        >>> dot = to_dot(g)
        >>> dot.startswith("digraph minigraph {"), dot.source is dot
        (True, True)
    """

    @property
    def source(self) -> "DotSource":
        """The DOT text itself (the attribute the `graphviz` package's objects also have)."""
        return self

    def save(self, path) -> str:
        """Writes the DOT text to `path` (UTF-8) and returns the path."""
        Path(path).write_text(str(self), encoding="utf-8")
        return str(path)

    def render(self, path, format: Optional[str] = None) -> str:  # noqa: A002 - graphviz's name
        """Writes the picture to `path` through `dot` (see `minigraph.viz.render`)."""
        return render_text(str(self), path, format)

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002
        """The picture as bytes, made by `dot`; raises GraphvizNotFoundError without it."""
        return pipe(str(self), format)

    def _repr_svg_(self) -> Optional[str]:
        return svg_or_none(str(self))


def to_dot(
    graph_or_fetches=None,
    *,
    collapse=None,
    show_gradients: bool = True,
    show_shapes: bool = True,
    show_values: bool = True,
    rankdir: str = "TB",
) -> DotSource:
    """The DOT text of a graph, or of the part of it that some fetches need.

    Args:
        graph_or_fetches: a `Graph` (all its ops); None (the default graph); or fetches: a
            tensor, operation, Variable, name (`"w:0"`, `"train"`) or a nested list/tuple/dict
            of them, in which case only the ops they need are drawn.
        collapse: None draws every op; True collapses every top-level name scope into one box;
            a list of scope names (`["layer1", "net/bn"]`) collapses those. A box is labelled
            with its scope and op count; edges between boxes are merged into one per direction.
        show_gradients: False hides the gradient ops (those under `gradients/`); the edges they
            send into the drawn ops come from one dashed "gradient ops hidden" box.
        show_shapes: label edges with the tensor's static shape and dtype, e.g. `(?, 3) float32`.
        show_values: show the values of constants with at most 4 elements.
        rankdir: Graphviz's layout direction: "TB" (inputs on top), "LR", "BT", "RL".

    Returns:
        A `DotSource`: the DOT text as a `str`, which also displays itself in Jupyter.

    Raises:
        ValueError: a scope to collapse has no ops, or the fetches come from several graphs.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3], name="x")
        ...     y = tf.reduce_sum(x * 2.0, name="y")
        ...     dot = to_dot(y)
        >>> '"(?, 3) float32"' in dot
        True
    """
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"rankdir must be one of 'TB', 'LR', 'BT', 'RL', got {rankdir!r}.")
    graph, ops = select_ops(graph_or_fetches)
    all_ops = graph.get_operations()
    scopes = classify.scope_names(all_ops)
    phases = classify.phases(graph, all_ops)
    units = _assign_units(ops, phases, scopes, collapse, show_gradients)
    return DotSource(_write(ops, phases, units, scopes, show_shapes, show_values, rankdir,
                            collapse not in (None, False)))


def render(graph_or_fetches, path, format: Optional[str] = None, **options) -> str:  # noqa: A002
    """Draws a graph (see `to_dot` for what and `options`) into a picture file through `dot`.

    Args:
        graph_or_fetches: as for `to_dot`.
        path: the picture to write, e.g. "graph.svg".
        format: "svg", "png" or "pdf"; default: from the suffix of `path`, else "svg".
        **options: `to_dot`'s keyword options (`collapse`, `show_gradients`, ...).

    Returns:
        `path`, as a string.

    Raises:
        GraphvizNotFoundError: `dot` or the `graphviz` package is missing. The DOT text was
            written next to `path` (`graph.svg` -> `graph.dot`) and the message says how to
            install Graphviz.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     w = tf.Variable(0.0, name="w")
        ...     cost = (w - 5.0) ** 2
        >>> render(g, "quadratic.svg")  # doctest: +SKIP
        'quadratic.svg'
    """
    return render_text(to_dot(graph_or_fetches, **options), path, format)



# ---------------------------------------------------------------- ops -> drawn units
def _home_scope(name: str, scopes: set) -> str:
    """The cluster an op is drawn in: its own name if that is also a scope (the variable `w`
    sits with `w/Assign`), else its parent scope ("" for the top level)."""
    if name in scopes:
        return name
    home = name.rpartition("/")[0]
    while home and home not in scopes:  # an op's own input Const (`mul/y`) sits with the op
        home = home.rpartition("/")[0]
    return home


def _collapse_roots(collapse, scopes: set) -> set:
    """The scopes to draw as boxes: none, every top-level scope (True), or the named ones."""
    if collapse is None or collapse is False:
        return set()
    if collapse is True:
        return {s for s in scopes if "/" not in s}
    if isinstance(collapse, str):
        collapse = [collapse]
    roots = set()
    for scope in collapse:
        scope = scope[:-1] if scope.endswith("/") and len(scope) > 1 else scope
        if scope not in scopes:
            raise ValueError(
                f"Cannot collapse scope {scope!r}: no op is inside it. The top-level scopes "
                f"are: {_top_level_list(scopes)}."
            )
        roots.add(scope)
    return roots


def _top_level_list(scopes: set) -> str:
    """The first 20 top-level scopes, quoted, for an error message ("(none)" if none)."""
    top = sorted(s for s in scopes if "/" not in s)
    shown = ", ".join(repr(s) for s in top[:20]) + (", ..." if len(top) > 20 else "")
    return shown or "(none)"


def _assign_units(ops, phases, scopes, collapse, show_gradients) -> dict:
    """op name -> the unit drawn for it: ("op", name), ("box", scope) or ("hidden", "")."""
    roots = _collapse_roots(collapse, scopes)
    units = {}
    for op in ops:
        if not show_gradients and phases[op.name] == GRADIENT:
            units[op.name] = ("hidden", "")
            continue
        unit = ("op", op.name)
        home = _home_scope(op.name, scopes)
        if roots and home:
            # The outermost collapsed scope around the op wins.
            parts = home.split("/")
            for k in range(1, len(parts) + 1):
                prefix = "/".join(parts[:k])
                if prefix in roots:
                    unit = ("box", prefix)
                    break
        units[op.name] = unit
    return units


# ---------------------------------------------------------------- writing the text
_HEADER = [
    "digraph minigraph {",
    "  rankdir={rankdir};",
    '  graph [fontname="Helvetica,Arial,sans-serif", fontsize=11, newrank=true];',
    '  node [fontname="Helvetica,Arial,sans-serif", fontsize=10, margin="0.08,0.03", '
    "height=0.3];",
    '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=8, color="#606060", '
    'fontcolor="#505050", arrowsize=0.6];',
]


def _write(ops, phases, units, scopes, show_shapes, show_values, rankdir,
           collapsed: bool) -> str:
    """The DOT text: the header, the top-level nodes, the nested clusters, the function graphs
    of the drawn functional ops (`functions.py`), then the edges."""
    writer = _DotWriter(ops, phases, units, show_values)
    edges = _merged_edges(ops, units)
    placed = _place_units(writer.unit_ops, edges, scopes)
    lines = [line.replace("{rankdir}", rankdir) for line in _HEADER]
    lines += [writer.node_line(unit, "  ") for unit in placed.get("", [])]
    lines += writer.cluster_lines(placed)
    holders = [(op, writer.unit_ids[unit]) for unit, members in writer.unit_ops.items()
               if unit[0] != "hidden" for op in members if functions.function_graphs(op)]
    lines += functions.function_clusters(holders, phases, collapsed)
    for (src, dst, kind), info in sorted(edges.items(), key=writer.edge_order):
        lines.append(writer.edge_line(src, dst, kind, info, show_shapes))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _merged_edges(ops, units) -> dict:
    """(source unit, target unit, "data" or "control") -> {"tensors": {name: tensor}, "ref"}:
    the edges between drawn units, one per pair and kind ("ref": the target writes the source
    variable). Edges inside a box, or into the hidden gradients, are left out."""
    edges = {}
    for op in ops:
        dst = units[op.name]
        if dst[0] == "hidden":
            continue
        for index, t in enumerate(op.inputs):
            src = units[t.op.name]
            if src == dst and src[0] != "op":
                continue
            ref = index == 0 and classify.is_writer(op) and dst[0] == "op"
            edges.setdefault((src, dst, "data"), {"tensors": {}, "ref": ref})
            edges[(src, dst, "data")]["tensors"][t.name] = t
        for c in op.control_inputs:
            src = units[c.name]
            if src == dst and src[0] != "op":
                continue
            edges.setdefault((src, dst, "control"), {"tensors": {}, "ref": False})
    return edges


def _place_units(unit_ops: dict, edges: dict, scopes: set) -> dict:
    """scope -> the units drawn inside its cluster ("" for the top level): an op in its home
    scope, a box in its parent scope, the hidden gradients at the top if any edge uses them."""
    used_units = {u for (src, dst, _) in edges for u in (src, dst)}
    placed = {}
    for unit in unit_ops:
        if unit[0] == "hidden":
            if unit not in used_units:
                continue
            home = ""
        elif unit[0] == "box":
            home = unit[1].rpartition("/")[0]
        else:
            home = _home_scope(unit[1], scopes)
        placed.setdefault(home, []).append(unit)
    return placed


def _scope_and_ancestors(scope: str) -> list:
    """["a", "a/b", "a/b/c"] for "a/b/c"; [] for the top level ""."""
    parts = scope.split("/") if scope else []
    return ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]


class _DotWriter:
    """The lines of the drawn units: nodes numbered `n0, n1, ...` in creation order of their
    first op, clusters for the scopes, and the edges between them."""

    def __init__(self, ops, phases: dict, units: dict, show_values: bool):
        self.phases = phases
        self.show_values = show_values
        self.unit_ids = {}
        self.unit_ops = {}
        for op in ops:
            unit = units[op.name]
            if unit not in self.unit_ids:
                self.unit_ids[unit] = f"n{len(self.unit_ids)}"
                self.unit_ops[unit] = []
            self.unit_ops[unit].append(op)

    def node_line(self, unit, indent: str) -> str:
        """The DOT line of one drawn unit (an op, a collapsed group or the hidden gradients)."""
        members = self.unit_ops[unit]
        uid = self.unit_ids[unit]
        if unit[0] == "hidden":
            text = labels.label("gradient ops hidden", f"({len(members)} ops)")
            return (
                f'{indent}{uid} [label={text}, shape=box3d, style="filled,dashed", '
                f'fillcolor="{PHASE_FILL[GRADIENT]}", color="{PHASE_BORDER[GRADIENT]}"];'
            )
        if unit[0] == "box":
            phase = _uniform_phase([self.phases[m.name] for m in members])
            count = f"({len(members)} op{'s' if len(members) != 1 else ''})"
            return (
                f"{indent}{uid} [label={labels.label(unit[1], count)}, shape=box3d, "
                f'style="filled", fillcolor="{PHASE_FILL[phase]}", '
                f'color="{PHASE_BORDER[phase]}"];'
            )
        return self._op_line(members[0], uid, indent)

    def _op_line(self, op, uid: str, indent: str) -> str:
        """The node of one op: its leaf name and type (and a small constant's value)."""
        phase = self.phases[op.name]
        kind = classify.kind(op)
        label_lines = [op.name.rpartition("/")[2], op.type]
        if kind == "constant" and self.show_values and "value" in op.attrs:
            shown = labels.format_value(op.attrs["value"])
            if shown is not None:
                label_lines[1] = f"{op.type} = {shown}"
        fill = "" if kind != "op" else f', fillcolor="{PHASE_FILL[phase]}"'
        width = ", penwidth=1.6" if phase != FORWARD else ""
        return (
            f"{indent}{uid} [label={labels.label(*label_lines)}, {KIND_STYLE[kind]}{fill}, "
            f'color="{PHASE_BORDER[phase]}"{width}];'
        )

    def cluster_lines(self, placed: dict) -> list:
        """Every scope holding a unit, and its ancestors, as nested `subgraph cluster_<n>`
        blocks, sorted by their components; opened and closed with an explicit stack (scopes
        can nest deeply; no recursion)."""
        cluster_phase = {}
        for home, placed_units in placed.items():
            member_phases = [self.phases[m.name] for u in placed_units for m in self.unit_ops[u]]
            for scope in _scope_and_ancestors(home):
                cluster_phase.setdefault(scope, []).extend(member_phases)
        lines = []
        open_stack = []
        for number, scope in enumerate(sorted(cluster_phase, key=_scope_key)):
            parts = scope.split("/")
            while open_stack and not _is_prefix(open_stack[-1].split("/"), parts):
                open_stack.pop()
                lines.append(_indent(len(open_stack) + 1) + "}")
            indent = _indent(len(open_stack) + 1)
            phase = _uniform_phase(cluster_phase[scope])
            lines.append(f"{indent}subgraph cluster_{number} {{")
            open_stack.append(scope)
            lines.append(
                f'{_indent(len(open_stack) + 1)}label={labels.label(parts[-1])}; labeljust=l; '
                f'style="rounded,filled"; fillcolor="{PHASE_CLUSTER_FILL[phase]}"; '
                f'color="{PHASE_BORDER[phase]}";'
            )
            inner = _indent(len(open_stack) + 1)
            lines += [self.node_line(unit, inner) for unit in placed.get(scope, [])]
        while open_stack:
            open_stack.pop()
            lines.append(_indent(len(open_stack) + 1) + "}")
        return lines

    def edge_order(self, item) -> tuple:
        """Sort key of an edge: source id, target id, kind (deterministic DOT output)."""
        (src, dst, kind), _ = item
        return (int(self.unit_ids[src][1:]), int(self.unit_ids[dst][1:]), kind)

    def edge_line(self, src, dst, kind: str, info: dict, show_shapes: bool) -> str:
        """One edge: dashed for a control dependency, labelled with the tensor's shape and
        dtype (or the number of tensors merged into it), red into an op writing a variable."""
        attrs = []
        if kind == "control":
            attrs.append('style=dashed, color="#909090"')
        else:
            tensors = list(info["tensors"].values())
            if show_shapes:
                text = labels.tensor_text(tensors[0]) if len(tensors) == 1 else None
                attrs.append(f"label={labels.label(text or f'{len(tensors)} tensors')}")
            if info["ref"]:
                attrs.append(f'color="{PHASE_BORDER[UPDATE]}", penwidth=1.4')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        return f"  {self.unit_ids[src]} -> {self.unit_ids[dst]}{suffix};"


def _indent(level: int) -> str:
    """Two spaces a nesting level, at most `MAX_INDENT_LEVELS` levels (output linear in depth)."""
    return "  " * min(level, MAX_INDENT_LEVELS)


def _uniform_phase(phase_list) -> str:
    """The phase all of `phase_list` share, else FORWARD (a box or cluster of mixed phases)."""
    first = phase_list[0]
    return first if all(p == first for p in phase_list) else FORWARD


def _scope_key(scope: str) -> tuple:
    return tuple(scope.split("/"))


def _is_prefix(prefix: list, parts: list) -> bool:
    return len(prefix) < len(parts) and parts[: len(prefix)] == prefix
