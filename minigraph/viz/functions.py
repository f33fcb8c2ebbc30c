"""The function graphs of `If`, `Case` and `While` ops, drawn as clusters next to their op.

A `tf.cond` is one `If` op in the graph; its two branches are graphs of their own
(`minigraph.function_graph`). Each drawn functional op gets one dashed cluster per function
graph it holds, labelled with the op and the function ("cond: true_fn", "while: body"), holding
that graph's ops and edges, and joined to the op by a dotted edge. With `collapse`, each
function graph is one box instead ("while: body (7 ops)"), so a collapsed picture stays small.
In the full view a functional op inside a function graph (a cond in a loop's body) gets its
clusters the same way, found with a work list, not by recursion.
"""

from __future__ import annotations

from minigraph.viz import classify, labels
from minigraph.viz.styles import KIND_STYLE, PHASE_BORDER, PHASE_CLUSTER_FILL, PHASE_FILL


def function_graphs(op) -> list:
    """(role, graph) for each function graph op `op` holds ([] for any other op)."""
    if op.type in ("If", "Case"):
        return [(graph.name, graph) for graph in op.attrs["branches"]]
    if op.type == "While":
        return [("cond", op.attrs["cond"]), ("body", op.attrs["body"])]
    return []


def function_clusters(holders: list, phases: dict, collapsed: bool) -> list:
    """The DOT lines of the function graphs of `holders`, (op, node id) pairs of drawn ops.

    Node ids are `f<k>` for the clusters' nodes and boxes, numbered in the order drawn.
    """
    lines = []
    counter = [0]
    work = [(op, uid, phases.get(op.name, "forward")) for op, uid in holders]
    cluster = 0
    while work:
        op, uid, phase = work.pop(0)
        for role, graph in function_graphs(op):
            title = f"{op.name}: {role}"
            if collapsed:
                box = _next_id(counter)
                count = len(graph.get_operations())
                lines.append(
                    f"  {box} [label={labels.label(title, f'({count} ops)')}, shape=box3d, "
                    f'style="filled,dashed", fillcolor="{PHASE_FILL[phase]}", '
                    f'color="{PHASE_BORDER[phase]}"];'
                )
                lines.append(f"  {uid} -> {box} [style=dotted, arrowhead=none];")
                continue
            body, inner, first = _cluster_body(graph, counter, phase)
            lines.append(f"  subgraph cluster_f{cluster} {{")
            lines.append(
                f'    label={labels.label(title)}; labeljust=l; style="rounded,dashed,filled"; '
                f'fillcolor="{PHASE_CLUSTER_FILL[phase]}"; color="{PHASE_BORDER[phase]}";'
            )
            lines += body
            lines.append("  }")
            cluster += 1
            if first is not None:
                lines.append(f"  {uid} -> {first} [style=dotted, arrowhead=none];")
            work.extend((held, held_id, phase) for held, held_id in inner)
    return lines


def _next_id(counter: list) -> str:
    uid = f"f{counter[0]}"
    counter[0] += 1
    return uid


def _cluster_body(graph, counter: list, phase: str) -> tuple:
    """(lines of the nodes and edges of `graph`, its functional ops with their node ids, the
    id of its first node or None)."""
    ids = {}
    lines = []
    inner = []
    for op in graph.get_operations():
        uid = _next_id(counter)
        ids[op.name] = uid
        kind = classify.kind(op)
        fill = f', fillcolor="{PHASE_FILL[phase]}"' if kind == "op" else ""
        kind_text = op.type
        if kind == "constant" and "value" in op.attrs:
            shown = labels.format_value(op.attrs["value"])
            kind_text = op.type if shown is None else f"{op.type} = {shown}"
        text = labels.label(op.name.rpartition("/")[2], kind_text)
        lines.append(f'    {uid} [label={text}, {KIND_STYLE[kind]}{fill}, '
                     f'color="{PHASE_BORDER[phase]}"];')
        if function_graphs(op):
            inner.append((op, uid))
    for op in graph.get_operations():
        for t in op.inputs:
            if t.op.name in ids and t.graph is graph:
                lines.append(f"    {ids[t.op.name]} -> {ids[op.name]};")
        for c in op.control_inputs:
            if c.name in ids and c.graph is graph:
                lines.append(f'    {ids[c.name]} -> {ids[op.name]} [style=dashed, '
                             'color="#909090"];')
    first = next(iter(ids.values()), None)
    return lines, inner, first
