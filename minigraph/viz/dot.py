"""Step 3 of drawing: the chosen, classified ops as Graphviz's DOT text.

`to_dot` runs the three steps: choose the ops (`select.py`), classify them (`classify.py`), then
write the text here. Name scopes become nested `subgraph cluster_<n>` blocks, chosen scopes can
be collapsed into single boxes (edges between boxes deduplicated), the gradient ops can be
hidden, and every edge is labelled with the tensor's static shape and dtype, e.g.
`(?, 3) float32`. Control dependencies are dashed. Nothing here is recursive. `render` draws
the text into a picture file through `rendering.py`.

The text is deterministic: nodes are numbered `n0, n1, ...` in creation order (`op._id`),
scopes are sorted, edges are sorted; no `id()` and no hash order reaches the output. So the same
program gives the same text, which can be diffed and golden-tested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from minigraph.viz import classify, labels
from minigraph.viz.rendering import pipe, render_text, svg_or_none
from minigraph.viz.select import select_ops
from minigraph.viz.styles import (
    FORWARD,
    GRADIENT,
    KIND_STYLE,
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
    return DotSource(_write(ops, phases, units, scopes, show_shapes, show_values, rankdir))


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
    return name.rpartition("/")[0]


def _collapse_roots(collapse, scopes: set) -> set:
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
            top = sorted(s for s in scopes if "/" not in s)
            shown = ", ".join(repr(s) for s in top[:20]) + (", ..." if len(top) > 20 else "")
            raise ValueError(
                f"Cannot collapse scope {scope!r}: no op is inside it. The top-level scopes "
                f"are: {shown or '(none)'}."
            )
        roots.add(scope)
    return roots


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
def _uniform_phase(phase_list) -> str:
    first = phase_list[0]
    return first if all(p == first for p in phase_list) else FORWARD


def _write(ops, phases, units, scopes, show_shapes, show_values, rankdir) -> str:
    # Unit ids in creation order of their first op: n0, n1, ...
    unit_ids = {}
    unit_ops = {}
    for op in ops:
        unit = units[op.name]
        if unit not in unit_ids:
            unit_ids[unit] = f"n{len(unit_ids)}"
            unit_ops[unit] = []
        unit_ops[unit].append(op)

    # Edges, merged per (source unit, target unit, data/control).
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
    used_units = {u for (src, dst, _) in edges for u in (src, dst)}

    # Place each unit in a cluster: ops in their home scope, boxes in their parent scope.
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

    lines = [
        "digraph minigraph {",
        f"  rankdir={rankdir};",
        '  graph [fontname="Helvetica,Arial,sans-serif", fontsize=11, newrank=true];',
        '  node [fontname="Helvetica,Arial,sans-serif", fontsize=10, margin="0.08,0.03", '
        "height=0.3];",
        '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=8, color="#606060", '
        'fontcolor="#505050", arrowsize=0.6];',
    ]

    def node_line(unit, indent):
        """The DOT line of one drawn unit (an op, a collapsed group or the hidden gradients)."""
        members = unit_ops[unit]
        uid = unit_ids[unit]
        if unit[0] == "hidden":
            text = labels.label("gradient ops hidden", f"({len(members)} ops)")
            return (
                f'{indent}{uid} [label={text}'
                f', shape=box3d, style="filled,dashed", fillcolor="{PHASE_FILL[GRADIENT]}", '
                f'color="{PHASE_BORDER[GRADIENT]}"];'
            )
        if unit[0] == "box":
            phase = _uniform_phase([phases[m.name] for m in members])
            count = f"({len(members)} op{'s' if len(members) != 1 else ''})"
            return (
                f"{indent}{uid} [label={labels.label(unit[1], count)}, shape=box3d, "
                f'style="filled", fillcolor="{PHASE_FILL[phase]}", '
                f'color="{PHASE_BORDER[phase]}"];'
            )
        op = members[0]
        phase = phases[op.name]
        kind = classify.kind(op)
        leaf = op.name.rpartition("/")[2]
        label_lines = [leaf, op.type]
        if kind == "constant" and show_values and "value" in op.attrs:
            shown = labels.format_value(op.attrs["value"])
            if shown is not None:
                label_lines[1] = f"{op.type} = {shown}"
        style = KIND_STYLE[kind]
        fill = "" if kind != "op" else f', fillcolor="{PHASE_FILL[phase]}"'
        width = ", penwidth=1.6" if phase != FORWARD else ""
        return (
            f"{indent}{uid} [label={labels.label(*label_lines)}, {style}{fill}, "
            f'color="{PHASE_BORDER[phase]}"{width}];'
        )

    # Clusters: every scope holding a unit, and its ancestors, sorted by their components;
    # opened and closed with an explicit stack (scopes can nest deeply; no recursion).
    cluster_scopes = set()
    for home in placed:
        parts = home.split("/") if home else []
        for k in range(1, len(parts) + 1):
            cluster_scopes.add("/".join(parts[:k]))
    cluster_phase = {}
    for home, placed_units in placed.items():
        member_phases = [phases[m.name] for u in placed_units for m in unit_ops[u]]
        parts = home.split("/") if home else []
        for k in range(1, len(parts) + 1):
            cluster_phase.setdefault("/".join(parts[:k]), []).extend(member_phases)

    for unit in placed.get("", []):
        lines.append(node_line(unit, "  "))
    open_stack = []
    for number, scope in enumerate(sorted(cluster_scopes, key=_scope_key)):
        parts = scope.split("/")
        while open_stack and not _is_prefix(open_stack[-1].split("/"), parts):
            open_stack.pop()
            lines.append("  " * (len(open_stack) + 1) + "}")
        indent = "  " * (len(open_stack) + 1)
        phase = _uniform_phase(cluster_phase[scope])
        lines.append(f"{indent}subgraph cluster_{number} {{")
        lines.append(
            f"{indent}  label={labels.label(parts[-1])}; labeljust=l; style=\"rounded,filled\"; "
            f'fillcolor="{PHASE_CLUSTER_FILL[phase]}"; color="{PHASE_BORDER[phase]}";'
        )
        open_stack.append(scope)
        for unit in placed.get(scope, []):
            lines.append(node_line(unit, indent + "  "))
    while open_stack:
        open_stack.pop()
        lines.append("  " * (len(open_stack) + 1) + "}")

    def edge_order(item):
        """Sort key of an edge: source id, target id, kind (deterministic DOT output)."""
        (src, dst, kind), _ = item
        return (int(unit_ids[src][1:]), int(unit_ids[dst][1:]), kind)

    for (src, dst, kind), info in sorted(edges.items(), key=edge_order):
        attrs = []
        if kind == "control":
            attrs.append('style=dashed, color="#909090"')
        else:
            tensors = info["tensors"]
            if show_shapes:
                if len(tensors) == 1:
                    attrs.append(f"label={labels.label(labels.tensor_text(next(iter(tensors.values()))))}")
                else:
                    attrs.append(f"label={labels.label(f'{len(tensors)} tensors')}")
            if info["ref"]:
                attrs.append(f'color="{PHASE_BORDER[UPDATE]}", penwidth=1.4')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {unit_ids[src]} -> {unit_ids[dst]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _scope_key(scope: str) -> tuple:
    return tuple(scope.split("/"))


def _is_prefix(prefix: list, parts: list) -> bool:
    return len(prefix) < len(parts) and parts[: len(prefix)] == prefix
