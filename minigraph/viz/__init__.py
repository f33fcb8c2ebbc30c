"""Pictures of graphs: a graph (or what some fetches need) as DOT text, then SVG/PNG/PDF.

Learners understand autodiff by *seeing* the gradient graph next to the forward graph, and
engineers need to see what a model built. This module turns a graph into Graphviz's DOT language
in three steps, none of them recursive (a 100,000-op graph is fine):

1. **choose the ops**: the whole graph, or, given fetches, only the ops they need (a walk back
   through inputs and control inputs with an explicit stack, like `Session.run`'s pruning);
2. **classify every op**: its *kind* (variable, placeholder, constant, other op) picks the node's
   shape, its *phase* (forward, gradient, update) picks the colours:
   - *gradient*: every op under a `tf.gradients` scope: a scope component named `gradients` or
     `gradients_<n>`, or any scope `S` holding a `S/<op name>_grad/...` scope for an existing
     op (so `tf.gradients(..., name="grads")` is found too);
   - *update*: every op that writes a variable and is not that variable's initializer
     (`Assign*`, `Apply*`), everything under an optimizer's scope (the scope above an
     `update_<var>` scope, or named by an op in the `train_op` collection, e.g.
     `GradientDescent/...`, `Adam/...`), and the optimizer's own state: non-trainable variables
     (slots such as `w/Adam`, `beta1_power`) written only from an optimizer's scope, with
     their initializers, and any op that only feeds update ops;
   - *forward*: everything else.
3. **write the text**: name scopes become nested `subgraph cluster_<n>` blocks, chosen scopes can
   be collapsed into single boxes (edges between boxes deduplicated), the gradient ops can be
   hidden, and every edge is labelled with the tensor's static shape and dtype, e.g.
   `(?, 3) float32`. Control dependencies are dashed.

The text is deterministic: nodes are numbered `n0, n1, ...` in creation order (`op._id`), scopes
are sorted, edges are sorted; no `id()` and no hash order reaches the output. So the same program
gives the same text, which can be diffed and golden-tested.

Safety: user text (op names, scope names, constant values) only ever appears inside quoted
labels, escaped for DOT (`\\` and `"`), with `&` written as `&amp;` so Graphviz cannot read an
entity out of a name, and with control characters shown as visible escapes (`\\n`, `\\x01`).
Node and cluster IDs are generated, never taken from names. So no name can break the DOT file or
inject markup into the SVG.

Rendering uses the `graphviz` Python package (the `viz` extra) and the `dot` program (Debian
package `graphviz`); building the DOT text needs neither, and `import minigraph` never imports
`graphviz`. When `dot` is missing, `render` writes the `.dot` file next to the requested picture
and raises `GraphvizNotFoundError`, which says how to install Graphviz.

Command line: `python -m minigraph.viz SCRIPT.py -o graph.svg [--graph N] [--no-run] [-- ARGS]`
runs a script and draws every graph it builds (see `minigraph/viz/__main__.py`).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Optional

import numpy as np

from minigraph._optional import MissingDependencyError, graphviz_missing, require
from minigraph.graph import Graph, GraphKeys, get_default_graph
from minigraph.tensor import Operation, Tensor

FORMATS = ("svg", "png", "pdf")

# Above this many ops, a notebook shows the graph with its top-level scopes collapsed: `dot`
# takes minutes on thousands of nodes, and the picture would be unreadable anyway.
NOTEBOOK_COLLAPSE_THRESHOLD = 300

# Constants with at most this many elements show their value in the node (e.g. "= 25.0").
MAX_SHOWN_CONST_ELEMENTS = 4

_VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
_PLACEHOLDER_TYPES = frozenset({"Placeholder", "PlaceholderWithDefault"})
_CONST_TYPES = frozenset({"Const"})
_GRADIENT_SCOPE = re.compile(r"gradients(_\d+)?")

FORWARD, GRADIENT, UPDATE = "forward", "gradient", "update"

# Colours: border and fill per phase; fill per kind for the sources of data.
_PHASE_BORDER = {FORWARD: "#404040", GRADIENT: "#d9822b", UPDATE: "#c0392b"}
_PHASE_FILL = {FORWARD: "#ffffff", GRADIENT: "#fde9d2", UPDATE: "#f9d6d2"}
_PHASE_CLUSTER_FILL = {FORWARD: "#ffffff", GRADIENT: "#fff7ee", UPDATE: "#fff3f2"}
_KIND_STYLE = {
    "variable": 'shape=cylinder, style="filled", fillcolor="#cfe2f3"',
    "placeholder": 'shape=invhouse, style="filled", fillcolor="#d9ead3"',
    "constant": 'shape=ellipse, style="filled", fillcolor="#eeeeee", fontsize=9',
    "op": 'shape=box, style="rounded,filled"',
}


class GraphvizNotFoundError(RuntimeError):
    """`dot` (or the `graphviz` Python package) is missing; the `.dot` file was written instead.

    Attributes:
        dot_path: where the DOT text was written, to render later or elsewhere.
    """

    def __init__(self, message: str, dot_path: str):
        super().__init__(message)
        self.dot_path = dot_path


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
        return _render_text(str(self), path, format)

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002
        """The picture as bytes, made by `dot`; raises GraphvizNotFoundError without it."""
        return _pipe(str(self), format)

    def _repr_svg_(self) -> Optional[str]:
        return _svg_or_none(str(self))


# ---------------------------------------------------------------- public API
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
    graph, ops = _select_ops(graph_or_fetches)
    all_ops = graph.get_operations()
    scopes = _scope_names(all_ops)
    phases = _phases(graph, all_ops, scopes)
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
    return _render_text(to_dot(graph_or_fetches, **options), path, format)


# ---------------------------------------------------------------- step 1: choose the ops
def _select_ops(graph_or_fetches) -> tuple:
    """(graph, ops to draw in creation order) for a graph, None, or fetches."""
    if graph_or_fetches is None:
        graph_or_fetches = get_default_graph()
    if isinstance(graph_or_fetches, Graph):
        return graph_or_fetches, graph_or_fetches.get_operations()
    targets = [_as_op(item) for item in _flatten(graph_or_fetches)]
    if not targets:
        raise ValueError("Nothing to draw: the fetches are empty.")
    graph = targets[0].graph
    for op in targets:
        if op.graph is not graph:
            raise ValueError(
                f"Cannot draw ops of two graphs in one picture: {targets[0]!r} and {op!r}."
            )
    needed = {}
    stack = list(targets)
    while stack:
        op = stack.pop()
        if op.name in needed:
            continue
        needed[op.name] = op
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return graph, sorted(needed.values(), key=_creation_index)


def _flatten(fetches) -> list:
    stack, result = [fetches], []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(reversed(list(item)))
        elif item is not None:
            result.append(item)
    return result


def _as_op(item) -> Operation:
    if isinstance(item, str):
        item = get_default_graph().as_graph_element(item)
    if hasattr(item, "_as_graph_element") and not isinstance(item, Tensor):
        item = item._as_graph_element()
    if isinstance(item, Tensor):
        return item.op
    if isinstance(item, Operation):
        return item
    raise TypeError(
        f"Cannot draw {item!r} (type {type(item).__name__}): pass a Graph, or fetches made of "
        "tensors, operations, Variables or their names."
    )


def _creation_index(op) -> int:
    return op._id


# ---------------------------------------------------------------- step 2: classify
def _kind(op) -> str:
    if op.type in _VARIABLE_TYPES:
        return "variable"
    if op.type in _PLACEHOLDER_TYPES:
        return "placeholder"
    if op.type in _CONST_TYPES:
        return "constant"
    return "op"


def _scope_names(ops) -> set:
    """Every name scope that holds an op: all proper prefixes `a`, `a/b` of `a/b/c`."""
    scopes = set()
    for op in ops:
        name = op.name
        end = name.find("/")
        while end != -1:
            scopes.add(name[:end])
            end = name.find("/", end + 1)
    return scopes


def _under(name: str, roots: set) -> bool:
    """True if `name` is one of `roots` or inside one of them."""
    if name in roots:
        return True
    end = name.find("/")
    while end != -1:
        if name[:end] in roots:
            return True
        end = name.find("/", end + 1)
    return False


def _gradient_roots(ops, names: set) -> set:
    """The scopes that tf.gradients built its ops in (`gradients`, `train/gradients_1`, ...)."""
    roots = set()
    for op in ops:
        parts = op.name.split("/")
        for k in range(len(parts) - 1):
            if _GRADIENT_SCOPE.fullmatch(parts[k]):
                roots.add("/".join(parts[: k + 1]))
            elif parts[k].endswith("_grad") and k >= 1:
                # S/<forward op name>_grad/...: S is a gradient scope if that op exists.
                for j in range(1, k + 1):
                    forward = "/".join(parts[j:k] + [parts[k][: -len("_grad")]])
                    if forward in names:
                        roots.add("/".join(parts[:j]))
                        break
    return roots


def _is_writer(op) -> bool:
    """Ops that write the variable in input 0 (`Assign`, `AssignSub`, `ApplyAdam`, ...)."""
    ref_input = getattr(op.op_def, "ref_input", False)
    return bool(op.inputs) and (ref_input or op.type.startswith(("Assign", "Apply")))


def _phases(graph, ops, scopes: set) -> dict:
    """op name -> FORWARD, GRADIENT or UPDATE (see the module docstring for the rules)."""
    names = {op.name for op in ops}
    gradient_roots = _gradient_roots(ops, names)
    initializers = set()
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for var in graph.get_collection(key):
            init = getattr(var, "initializer", None)
            if init is not None:
                initializers.add(init.name)
    trainable_vars = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
    trainable = {getattr(v, "name", "") for v in trainable_vars}

    writers = []
    for op in ops:
        if not _is_writer(op):
            continue
        target = op.inputs[0].op
        if op.name in initializers or op.name == target.name + "/Assign":
            continue
        writers.append((op, target))
        # A fused update (ApplyAdam) also writes the slots among its data inputs.
        for i in getattr(op.op_def, "inplace_inputs", (0,))[1:]:
            writers.append((op, op.inputs[i].op))

    optimizer_roots = set()
    for op in graph.get_collection(GraphKeys.TRAIN_OP):
        name = getattr(op, "name", "")
        if name in scopes:
            optimizer_roots.add(name)
    for op, _ in writers:
        parts = op.name.split("/")
        for k in range(1, len(parts) - 1):
            if parts[k].startswith("update_"):
                optimizer_roots.add("/".join(parts[:k]))
                break

    # Optimizer state: non-trainable variables written only from an optimizer's scope.
    written_by = {}
    for op, target in writers:
        written_by.setdefault(target.name, []).append(op)
    state_roots = set()
    for var_name, var_writers in written_by.items():
        if var_name + ":0" in trainable:
            continue
        if all(_under(w.name, optimizer_roots) for w in var_writers):
            state_roots.add(var_name)
    writer_names = {op.name for op, _ in writers}

    phases = {}
    for op in ops:
        if gradient_roots and _under(op.name, gradient_roots):
            phases[op.name] = GRADIENT
        elif (
            op.name in writer_names
            or _under(op.name, optimizer_roots)
            or _under(op.name, state_roots)
        ):
            phases[op.name] = UPDATE
        else:
            phases[op.name] = FORWARD

    # Ops that only feed update ops belong to the update (e.g. a slot's zeros initializer);
    # reverse creation order visits every consumer before the ops it consumes.
    consumers = {}
    for op in ops:
        for t in op.inputs:
            consumers.setdefault(t.op.name, []).append(op.name)
        for c in op.control_inputs:
            consumers.setdefault(c.name, []).append(op.name)
    for op in reversed(ops):
        used_by = consumers.get(op.name)
        if (
            used_by
            and phases[op.name] == FORWARD
            and _kind(op) not in ("variable", "placeholder")
            and all(phases[c] == UPDATE for c in used_by)
        ):
            phases[op.name] = UPDATE
    return phases


# ---------------------------------------------------------------- step 3a: ops -> drawn units
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


# ---------------------------------------------------------------- step 3b: write the text
def _visible(text: str) -> str:
    """`text` with characters that cannot be shown (controls, lone surrogates) as escapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif unicodedata.category(ch) in ("Cc", "Cs") or code in (0xFFFE, 0xFFFF):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _escape_line(text: str) -> str:
    """One label line for a DOT quoted string: visible, `\\` and `"` escaped, `&` as `&amp;`."""
    # NOTE: Graphviz decodes entities (`&lt;`, `&#1;`) in labels; writing `&` as `&amp;`
    # makes a name like "&#1;" show literally instead of becoming a control character.
    text = _visible(text).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("&", "&amp;")


def _label(*lines: str) -> str:
    """A quoted DOT label of several lines, each escaped."""
    return '"' + "\\n".join(_escape_line(line) for line in lines) + '"'


def _format_value(value) -> Optional[str]:
    """Short text for a small constant's value, or None if it is too big to show."""
    array = np.asarray(value)
    if array.size > MAX_SHOWN_CONST_ELEMENTS:
        return None
    if array.ndim == 0:
        return str(array[()])
    return np.array2string(array, separator=", ")


def _tensor_text(t: Tensor) -> str:
    text = f"{t.shape} {t.dtype.name}" if t.dtype is not None else str(t.shape)
    if len(t.op.outputs) > 1:
        text = f":{t.value_index} {text}"
    return text


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
            ref = index == 0 and _is_writer(op) and dst[0] == "op"
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
            return (
                f'{indent}{uid} [label={_label("gradient ops hidden", f"({len(members)} ops)")}'
                f', shape=box3d, style="filled,dashed", fillcolor="{_PHASE_FILL[GRADIENT]}", '
                f'color="{_PHASE_BORDER[GRADIENT]}"];'
            )
        if unit[0] == "box":
            phase = _uniform_phase([phases[m.name] for m in members])
            count = f"({len(members)} op{'s' if len(members) != 1 else ''})"
            return (
                f"{indent}{uid} [label={_label(unit[1], count)}, shape=box3d, "
                f'style="filled", fillcolor="{_PHASE_FILL[phase]}", '
                f'color="{_PHASE_BORDER[phase]}"];'
            )
        op = members[0]
        phase = phases[op.name]
        kind = _kind(op)
        leaf = op.name.rpartition("/")[2]
        label_lines = [leaf, op.type]
        if kind == "constant" and show_values and "value" in op.attrs:
            shown = _format_value(op.attrs["value"])
            if shown is not None:
                label_lines[1] = f"{op.type} = {shown}"
        style = _KIND_STYLE[kind]
        fill = "" if kind != "op" else f', fillcolor="{_PHASE_FILL[phase]}"'
        width = ", penwidth=1.6" if phase != FORWARD else ""
        return (
            f"{indent}{uid} [label={_label(*label_lines)}, {style}{fill}, "
            f'color="{_PHASE_BORDER[phase]}"{width}];'
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
            f"{indent}  label={_label(parts[-1])}; labeljust=l; style=\"rounded,filled\"; "
            f'fillcolor="{_PHASE_CLUSTER_FILL[phase]}"; color="{_PHASE_BORDER[phase]}";'
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
                    attrs.append(f"label={_label(_tensor_text(next(iter(tensors.values()))))}")
                else:
                    attrs.append(f"label={_label(f'{len(tensors)} tensors')}")
            if info["ref"]:
                attrs.append(f'color="{_PHASE_BORDER[UPDATE]}", penwidth=1.4')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {unit_ids[src]} -> {unit_ids[dst]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _scope_key(scope: str) -> tuple:
    return tuple(scope.split("/"))


def _is_prefix(prefix: list, parts: list) -> bool:
    return len(prefix) < len(parts) and parts[: len(prefix)] == prefix


# ---------------------------------------------------------------- rendering
def _pipe(text: str, format: str) -> bytes:  # noqa: A002
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


def _render_text(text: str, path, format: Optional[str]) -> str:  # noqa: A002
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
        data = _pipe(text, format)
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


def _svg_or_none(text: str) -> Optional[str]:
    try:
        return _pipe(text, "svg").decode("utf-8")
    except GraphvizNotFoundError:
        return None


def _svg_for_notebook(graph: Graph) -> Optional[str]:
    """SVG text of `graph` for Jupyter (`Graph._repr_svg_`), or None when `dot` is missing.

    Graphs of more than NOTEBOOK_COLLAPSE_THRESHOLD ops are drawn with their top-level scopes
    collapsed, so displaying a big model stays quick and readable.
    """
    collapse = True if len(graph.get_operations()) > NOTEBOOK_COLLAPSE_THRESHOLD else None
    return _svg_or_none(to_dot(graph, collapse=collapse))
