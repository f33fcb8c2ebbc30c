"""Tests of minigraph.viz: DOT text (pure), classification, escaping, and real pictures.

Tests that need the `dot` program are skipped with a reason when it is missing (CI installs
Graphviz); everything about the DOT text itself runs everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minigraph as tf
from minigraph import viz
from minigraph.gradients import GRADIENT_SCOPES
from minigraph.train.optimizer import OPTIMIZER_SCOPES
from minigraph.viz import classify, labels

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` is not installed (apt-get install graphviz / brew install graphviz)",
)

_NODE = re.compile(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$')
_EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)(?: \[(.*)\])?;$")


# ---------------------------------------------------------------- helpers
def _nodes(dot: str) -> dict:
    """node id -> (label lines, attribute text) parsed from DOT text written by to_dot."""
    nodes = {}
    for line in dot.splitlines():
        match = _NODE.match(line)
        if match:
            nodes[match.group(1)] = (_unquote(match.group(2)).split("\n"), match.group(3))
    return nodes


def _unquote(label: str) -> str:
    """A DOT quoted string's text: `\\n` is a line break, `\\x` is x."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), label)


def _edges(dot: str) -> list:
    return [m.groups() for m in map(_EDGE.match, dot.splitlines()) if m]


def _node_by_label(dot: str, first_line: str, second_prefix: str = "") -> tuple:
    found = [
        (nid, attrs) for nid, (lines, attrs) in _nodes(dot).items()
        if lines[0] == first_line and lines[-1].startswith(second_prefix)
    ]
    assert len(found) == 1, f"expected one node {first_line!r}, found {found}"
    return found[0]


def _svg_texts(svg_bytes: bytes) -> list:
    """All text lines of an SVG file, after XML parsing (so the file must be well-formed)."""
    root = ET.fromstring(svg_bytes)
    return [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]


def _seed_program():
    """The course's first program: J(w) = w**2 - 10w + 25, one GradientDescent train op."""
    w = tf.Variable(0, dtype=tf.float32)
    cost = tf.add(tf.add(w**2, tf.multiply(-10., w)), 25)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    init = tf.global_variables_initializer()
    return w, cost, train, init


def _scoped_network():
    """A two-layer network with name scopes, a loss, gradients and a GradientDescent step."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.name_scope("layer1"):
        w1 = tf.Variable(np.ones((3, 4), np.float32), name="W")
        b1 = tf.Variable(np.zeros(4, np.float32), name="b")
        h = tf.maximum(tf.matmul(x, w1) + b1, 0.0, name="relu")
    with tf.name_scope("layer2"):
        w2 = tf.Variable(np.ones((4, 1), np.float32), name="W")
        out = tf.matmul(h, w2, name="out")
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.square(out - y), name="mse")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, y, loss, train


# ---------------------------------------------------------------- DOT text (no dot needed)
GOLDEN = r"""digraph minigraph {
  rankdir=TB;
  graph [fontname="Helvetica,Arial,sans-serif", fontsize=11, newrank=true];
  node [fontname="Helvetica,Arial,sans-serif", fontsize=10, margin="0.08,0.03", height=0.3];
  edge [fontname="Helvetica,Arial,sans-serif", fontsize=8, color="#606060", fontcolor="#505050", arrowsize=0.6];
  n0 [label="x\nPlaceholder", shape=invhouse, style="filled", fillcolor="#d9ead3", color="#404040"];
  subgraph cluster_0 {
    label="layer"; labeljust=l; style="rounded,filled"; fillcolor="#ffffff"; color="#404040";
    n4 [label="y\nMatMul", shape=box, style="rounded,filled", fillcolor="#ffffff", color="#404040"];
    n5 [label="out\nIdentity", shape=box, style="rounded,filled", fillcolor="#ffffff", color="#404040"];
    subgraph cluster_1 {
      label="w"; labeljust=l; style="rounded,filled"; fillcolor="#ffffff"; color="#404040";
      n1 [label="initial_value\nConst", shape=ellipse, style="filled", fillcolor="#eeeeee", fontsize=9, color="#404040"];
      n2 [label="w\nVariableV2", shape=cylinder, style="filled", fillcolor="#cfe2f3", color="#404040"];
      n3 [label="Assign\nAssign", shape=box, style="rounded,filled", fillcolor="#ffffff", color="#404040"];
    }
  }
  n0 -> n4 [label="(?, 3) float32"];
  n1 -> n3 [label="(3, 2) float32"];
  n2 -> n3 [label="(3, 2) float32", color="#c0392b", penwidth=1.4];
  n2 -> n4 [label="(3, 2) float32"];
  n3 -> n5 [style=dashed, color="#909090"];
  n4 -> n5 [label="(?, 2) float32"];
}
"""  # noqa: E501 - DOT lines are long; the golden text is kept verbatim


def _tiny_graph(graph):
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("layer"):
            w = tf.Variable(np.zeros((3, 2), np.float32), name="w")
            y = tf.matmul(x, w, name="y")
            with tf.control_dependencies([w.initializer]):
                tf.identity(y, name="out")
    return graph


def test_golden_dot_text_of_a_tiny_graph():
    dot = viz.to_dot(_tiny_graph(tf.Graph()))
    assert dot == GOLDEN


def test_same_program_gives_identical_text():
    texts = []
    for _ in range(2):
        with tf.Graph().as_default() as g:
            _scoped_network()
            _seed_program()
        texts.append(viz.to_dot(g))
        texts.append(viz.to_dot(g, collapse=True, show_gradients=False))
    assert texts[0] == texts[2]
    assert texts[1] == texts[3]
    assert texts[0] != texts[1]


def test_to_dot_returns_a_str_with_source_and_save(tmp_path):
    dot = viz.to_dot(_tiny_graph(tf.Graph()))
    assert isinstance(dot, str) and dot.source == dot
    path = dot.save(tmp_path / "tiny.dot")
    assert (tmp_path / "tiny.dot").read_text(encoding="utf-8") == GOLDEN
    assert path == str(tmp_path / "tiny.dot")


def test_nodes_show_name_and_type_edges_show_shape_and_dtype():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    tf.negative(tf.reduce_sum(x * 2.0, axis=1, name="total"), name="neg")
    dot = viz.to_dot()
    x_id, x_attrs = _node_by_label(dot, "x", "Placeholder")
    total_id, _ = _node_by_label(dot, "total", "Sum")
    mul_id, _ = _node_by_label(dot, "mul", "Mul")
    assert "invhouse" in x_attrs
    labels = {(src, dst): attrs for src, dst, attrs in _edges(dot)}
    assert labels[(x_id, mul_id)] == 'label="(?, 3) float32"'
    assert labels[(mul_id, total_id)] == 'label="(?, 3) float32"'
    neg_id, _ = _node_by_label(dot, "neg", "Neg")
    assert labels[(total_id, neg_id)] == 'label="(?,) float32"'
    consts = [lines for lines, _ in _nodes(dot).values() if lines[1].startswith("Const")]
    assert ["y", "Const = 2.0"] in consts  # `mul/y`, drawn by its leaf name next to `mul`
    assert not viz.to_dot(show_shapes=False).count("float32")


def test_variables_placeholders_constants_have_their_own_styles():
    w, *_ = _seed_program()
    dot = viz.to_dot()
    _, var_attrs = _node_by_label(dot, "Variable", "VariableV2")
    _, const_attrs = _node_by_label(dot, "y", "Const = 25.0")
    _, op_attrs = _node_by_label(dot, "Add_1", "Add")
    assert "cylinder" in var_attrs and "ellipse" in const_attrs and "shape=box" in op_attrs
    assert len({var_attrs, const_attrs, op_attrs}) == 3


def test_fetches_draw_only_what_they_need():
    w, cost, train, init = _seed_program()
    forward = [lines[0] for lines, _ in _nodes(viz.to_dot(cost)).values()]
    assert sorted(forward) == sorted(
        ["Variable", "y", "pow", "x", "Mul", "Add", "y", "Add_1"]
    )
    # The train op reaches the update through a control input, and the gradients through it.
    training = [lines[0] for lines, _ in _nodes(viz.to_dot([train])).values()]
    assert "ApplyGradientDescent" in training and "AddN" in training and "grad_ys_0" in training
    assert "init" not in training and "initial_value" not in training
    assert viz.to_dot({"a": cost, "b": [w]}) == viz.to_dot(cost)
    assert viz.to_dot("Add_1:0") == viz.to_dot(cost)


def test_fetch_walk_is_iterative_on_a_deep_chain():
    h = tf.placeholder(tf.float32, [2], name="x")
    for _ in range(5000):
        h = tf.negative(h)
    dot = viz.to_dot(h)
    assert len(_nodes(dot)) == 5001
    assert len(_edges(dot)) == 5000


def test_phases_of_the_seed_program():
    _seed_program()
    g = tf.get_default_graph()
    ops = g.get_operations()
    phases = classify.phases(g, ops)
    assert phases["Add_1"] == phases["Variable"] == phases["Variable/Assign"] == "forward"
    assert phases["init"] == "forward"
    assert phases["gradients/pow_grad/mul"] == phases["gradients/AddN"] == "gradient"
    assert phases["GradientDescent/update_Variable/ApplyGradientDescent"] == "update"
    assert phases["GradientDescent/update_Variable/Const"] == "update"  # (the learning rate)
    assert phases["GradientDescent"] == "update"


def test_phases_find_renamed_gradient_scopes_state_and_counters():
    x = tf.Variable(2.0, name="x")
    with tf.name_scope("outer"):
        (g1,) = tf.gradients(x * x, [x])
    (g2,) = tf.gradients(x * x * x, [x], name="grads")
    counter = tf.Variable(0, name="counter", trainable=False)
    bump = tf.assign_add(counter, 1, name="bump")
    # An optimizer-like update of a non-trainable slot variable and the trainable variable, in
    # a scope recorded as an optimizer's (as Optimizer.apply_gradients records its own).
    slot = tf.Variable(0.0, name="x/Opt", trainable=False)
    with tf.name_scope("Opt") as opt_scope, tf.name_scope("update_x"):
        tf.add_to_collection(OPTIMIZER_SCOPES, opt_scope.rstrip("/"))
        tf.assign(slot, g2)
        tf.assign_sub(x, slot)
    g = tf.get_default_graph()
    ops = g.get_operations()
    phases = classify.phases(g, ops)
    assert g1.op.name.startswith("outer/gradients/") and phases[g1.op.name] == "gradient"
    assert g2.op.name.startswith("grads/") and phases[g2.op.name] == "gradient"
    assert all(phases[op.name] == "gradient" for op in ops if op.name.startswith("grads/"))
    assert phases[bump.op.name] == "update"
    assert phases["counter"] == "forward"  # written by a user's op, not by an optimizer
    assert phases["x/Opt"] == phases["x/Opt/Assign"] == "update"  # optimizer state
    assert phases["Opt/update_x/Assign"] == "update"
    assert phases["x"] == phases["x/Assign"] == "forward"


def test_phases_come_from_the_recorded_scopes_not_from_names():
    x = tf.Variable(1.0, name="x")
    with tf.name_scope("gradients"):
        lookalike = tf.multiply(x, 2.0, name="pow_grad")  # a user's op named like a gradient
    with tf.name_scope("train"):
        (dx,) = tf.gradients(x * x, [x])
    tf.train.AdamOptimizer(0.1).minimize(x * x, name="fit")
    g = tf.get_default_graph()
    assert g.get_collection(GRADIENT_SCOPES) == ["train/gradients", "gradients_1"]
    assert g.get_collection(OPTIMIZER_SCOPES) == ["fit"]
    phases = classify.phases(g, g.get_operations())
    assert phases[lookalike.op.name] == "forward"
    assert phases[dx.op.name] == "gradient" and phases["gradients_1/AddN"] == "gradient"
    assert phases["fit"] == phases["fit/update_x/ApplyAdam"] == phases["beta1_power"] == "update"
    assert phases["x/Adam"] == phases["x/Adam/Assign"] == "update"


def test_gradient_and_update_ops_are_styled_apart():
    _seed_program()
    dot = viz.to_dot()
    _, forward = _node_by_label(dot, "Add_1", "Add")
    _, gradient = _node_by_label(dot, "AddN", "AddN")
    _, update = _node_by_label(dot, "ApplyGradientDescent", "ApplyGradientDescent")
    assert len({forward, gradient, update}) == 3
    assert 'color="#d9822b"' in gradient and 'color="#c0392b"' in update


def test_control_dependencies_are_dashed():
    _, _, train, _ = _seed_program()
    dot = viz.to_dot()
    assign_sub, _ = _node_by_label(dot, "ApplyGradientDescent", "ApplyGradientDescent")
    train_id, _ = _node_by_label(dot, "GradientDescent", "NoOp")
    attrs = {(s, d): a for s, d, a in _edges(dot)}
    assert attrs[(assign_sub, train_id)].startswith("style=dashed")
    assert sum(1 for _, _, a in _edges(dot) if a and "dashed" in a) == 2  # + init's


def test_scopes_become_nested_clusters():
    _scoped_network()
    dot = viz.to_dot()
    for scope in ("layer1", "layer2", "loss", "gradients", "GradientDescent", "update_layer1"):
        assert f'label="{scope}"' in dot or f'label="{scope.split("/")[-1]}"' in dot
    assert dot.count("subgraph cluster_") == len(set(re.findall(r"subgraph (cluster_\d+)", dot)))
    assert dot.count("{") == dot.count("}")


def test_hiding_gradients_keeps_one_stub_box():
    _seed_program()
    dot = viz.to_dot(show_gradients=False)
    labels = [lines for lines, _ in _nodes(dot).values()]
    assert not any(lines[0] in ("AddN", "grad_ys_0", "pow_grad") for lines in labels)
    stub = [lines for lines in labels if lines[0] == "gradient ops hidden"]
    assert stub == [["gradient ops hidden", "(8 ops)"]]
    assert "ApplyGradientDescent" in [lines[0] for lines in labels]


def test_collapse_all_top_level_scopes_into_counted_boxes():
    _scoped_network()
    g = tf.get_default_graph()
    dot = viz.to_dot(collapse=True)
    labels = {lines[0]: lines for lines, _ in _nodes(dot).values()}
    for scope in ("layer1", "layer2", "loss", "gradients", "GradientDescent"):
        count = sum(1 for op in g.get_operations() if op.name.startswith(scope + "/"))
        count += scope in {op.name for op in g.get_operations()}
        assert labels[scope] == [scope, f"({count} ops)"]
    assert "subgraph" not in dot
    edges = [(s, d, a and "dashed" in a) for s, d, a in _edges(dot)]
    assert len(edges) == len(set(edges))  # merged: one edge per pair and kind
    assert all(s != d for s, d, _ in edges)


def test_collapse_chosen_scopes_and_unknown_scope_error():
    _scoped_network()
    dot = viz.to_dot(collapse=["layer1", "GradientDescent/update_layer2/W"])
    labels = [lines[0] for lines, _ in _nodes(dot).values()]
    assert "layer1" in labels and "GradientDescent/update_layer2/W" in labels
    assert "relu" not in labels and "out" in labels
    with pytest.raises(ValueError, match="Cannot collapse scope 'layr1'.*'layer1'"):
        viz.to_dot(collapse=["layr1"])


def test_collapse_many_edges_gets_a_count_label():
    a = tf.placeholder(tf.float32, [2], name="a")
    with tf.name_scope("left"):
        p, q = tf.identity(a), tf.negative(a)
    with tf.name_scope("right"):
        tf.add(p, q)
    dot = viz.to_dot(collapse=True)
    left, _ = _node_by_label(dot, "left")
    right, _ = _node_by_label(dot, "right")
    assert (left, right, 'label="2 tensors"') in _edges(dot)


# ---------------------------------------------------------------- escaping
_NASTY = 'a"b\\c<d>&e{f}|g\nh\\"; x -> y [label="pwn"]'


def test_escaped_label_cannot_leave_its_quotes():
    tf.constant(_NASTY, name="nasty")
    dot = viz.to_dot()
    ((lines, attrs),) = _nodes(dot).values()  # one node, its label one quoted string
    assert "pwn" not in attrs and "->" not in attrs
    assert lines[0] == "nasty"
    assert lines[1].replace("&amp;", "&") == "Const = " + labels.visible(_NASTY)
    assert not _edges(dot)


@pytest.mark.slow
@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_escape_line_property(text):
    escaped = labels.escape_line(text)
    assert "\n" not in escaped and "\r" not in escaped
    # Every quote and backslash is escaped: removing escape pairs leaves neither.
    rest = re.sub(r"\\.", "", escaped, flags=re.DOTALL)
    assert '"' not in rest and "\\" not in rest
    # Every & starts &amp;, so Graphviz can read no entity from user text.
    assert all(escaped.startswith("&amp;", i) for i, ch in enumerate(escaped) if ch == "&")


# Op names as TF1 allows them: a letter, digit or ".", then also "_" and "-" ("/" opens scopes).
_NAMES = st.from_regex(r"\A[A-Za-z0-9.][A-Za-z0-9_.\-]{0,18}\Z")
_VALUE_CHARS = st.characters(blacklist_categories=("Cs",))


@needs_dot
@given(_NAMES, st.text(_VALUE_CHARS, min_size=1, max_size=20))
@settings(
    max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_names_and_values_render_to_well_formed_svg(name, value):
    with tf.Graph().as_default() as g:
        op = tf.constant(value, name=name).op
        tf.identity(op.outputs[0], name=name + "_id")
    svg = viz.to_dot(g).pipe("svg")
    texts = [(t or "").strip() for t in _svg_texts(svg)]  # raises if the file is broken
    assert op.name in texts
    shown = labels.visible(value).strip()
    assert any(shown in t for t in texts)


@needs_dot
def test_nasty_string_values_render_to_well_formed_svg():
    with tf.name_scope("sc.ope-1"):
        tf.constant(np.array("\x00v<&>\""), name="a")
        tf.constant(_NASTY, name="b")
    texts = _svg_texts(viz.to_dot().pipe("svg"))
    assert "sc.ope-1" in texts
    assert 'Const = \\x00v<&>"' in texts
    assert "Const = " + labels.visible(_NASTY) in texts


def test_names_tf1_rejects_never_reach_the_picture():
    with pytest.raises(ValueError, match="is not a valid node name"):
        tf.constant(1.0, name=_NASTY)
    with pytest.raises(ValueError, match="is not a valid scope name"):
        with tf.name_scope('sc"ope<&amp;>'):
            pass
    assert tf.get_default_graph().get_operations() == []


# ---------------------------------------------------------------- real pictures
@needs_dot
def test_render_seed_program_svg(tmp_path):
    _seed_program()
    path = viz.render(tf.get_default_graph(), tmp_path / "seed.svg")
    texts = _svg_texts((tmp_path / "seed.svg").read_bytes())
    assert path == str(tmp_path / "seed.svg")
    for expected in ("Variable", "VariableV2", "pow", "Add_1", "Const = 25.0",  # forward
                     "gradients", "pow_grad", "AddN",  # gradient
                     "GradientDescent", "update_Variable", "ApplyGradientDescent", "() float32"):
        assert expected in texts, expected


@needs_dot
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_render_png_and_pdf(tmp_path, fmt):
    _seed_program()
    viz.render(None, tmp_path / f"seed.{fmt}", show_gradients=False)
    data = (tmp_path / f"seed.{fmt}").read_bytes()
    assert data.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")


@needs_dot
def test_render_scoped_network_with_gradients(tmp_path):
    x, y, loss, train = _scoped_network()
    viz.render(train, tmp_path / "net.svg")
    texts = _svg_texts((tmp_path / "net.svg").read_bytes())
    for expected in ("layer1", "layer2", "loss", "mse", "relu", "W", "MatMul", "gradients",
                     "relu_grad", "update_layer1",
                     "(?, 3) float32", "(?, 4) float32", "(3, 4) float32"):
        assert expected in texts, expected


@needs_dot
def test_render_ten_thousand_ops_collapsed(tmp_path):
    h = tf.placeholder(tf.float32, [None, 4], name="x")
    for block in range(100):
        with tf.name_scope(f"block_{block}"):
            for i in range(100):
                h = tf.negative(h) if i % 2 else tf.abs(h)
    assert len(tf.get_default_graph().get_operations()) == 10001
    viz.render(h, tmp_path / "big.svg", collapse=True)
    texts = _svg_texts((tmp_path / "big.svg").read_bytes())
    assert texts.count("(100 ops)") == 100
    assert "block_0" in texts and "block_99" in texts and "x" in texts
    assert texts.count("(?, 4) float32") == 100  # x -> block_0, then block to block


@needs_dot
def test_notebook_display(tmp_path):
    _seed_program()
    graph_svg = tf.get_default_graph()._repr_svg_()
    dot_svg = viz.to_dot()._repr_svg_()
    assert graph_svg == dot_svg
    assert "ApplyGradientDescent" in _svg_texts(graph_svg.encode())


def test_notebook_collapses_big_graphs(monkeypatch):
    seen = {}

    def fake_svg(text):
        seen["text"] = text
        return "<svg/>"

    monkeypatch.setattr(viz.notebook, "svg_or_none", fake_svg)
    h = tf.placeholder(tf.float32, [1])
    with tf.name_scope("big"):
        for _ in range(viz.NOTEBOOK_COLLAPSE_THRESHOLD):
            h = tf.negative(h)
    assert tf.get_default_graph()._repr_svg_() == "<svg/>"
    assert seen["text"] == viz.to_dot(collapse=True)


# ---------------------------------------------------------------- missing dot
def test_missing_dot_writes_dot_file_and_says_how_to_install(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    _seed_program()
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(None, tmp_path / "seed.svg")
    message = str(info.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert "conda install graphviz" in message
    assert str(tmp_path / "seed.dot") in message
    assert info.value.dot_path == str(tmp_path / "seed.dot")
    assert (tmp_path / "seed.dot").read_text(encoding="utf-8") == viz.to_dot()
    assert not (tmp_path / "seed.svg").exists()
    assert isinstance(info.value, RuntimeError)
    # Notebook display falls back to the text repr instead of failing.
    assert tf.get_default_graph()._repr_svg_() is None
    assert viz.to_dot()._repr_svg_() is None


def _fake_dot_on_path(tmp_path, monkeypatch) -> None:
    """PATH holds only an executable named `dot` (which `shutil.which` finds)."""
    fake_bin = tmp_path / "fake_bin"
    fake_bin.mkdir()
    (fake_bin / "dot").write_text("#!/bin/sh\nexit 1\n")
    (fake_bin / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake_bin))


def test_missing_graphviz_package_is_named_with_its_install_command(tmp_path, monkeypatch):
    """`dot` is there, the Python package is not: the message says exactly that."""
    _seed_program()
    _fake_dot_on_path(tmp_path, monkeypatch)
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(None, tmp_path / "seed.png")
    message = str(info.value)
    assert "The `graphviz` Python package is not installed" in message
    assert 'pip install "minigraph[viz]"' in message
    assert str(tmp_path / "fake_bin" / "dot") in message  # where the `dot` it found is
    assert "apt-get" not in message and "not found on PATH" not in message
    assert (tmp_path / "seed.dot").exists()


def test_missing_dot_program_is_named_with_its_install_command(tmp_path, monkeypatch):
    """The Python package is there, `dot` is not: the message names only `dot`."""
    pytest.importorskip("graphviz")
    _seed_program()
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` in it
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(None, tmp_path / "seed.svg")
    message = str(info.value)
    assert "The Graphviz program `dot` was not found on PATH" in message
    assert "the `graphviz` Python package is installed" in message
    assert "apt-get install graphviz" in message and "pip install" not in message


def test_missing_both_halves_names_both(tmp_path, monkeypatch):
    _seed_program()
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(None, tmp_path / "seed.svg")
    message = str(info.value)
    assert "Neither the `graphviz` Python package nor the Graphviz program `dot`" in message
    assert 'pip install "minigraph[viz]"' in message and "apt-get install graphviz" in message


def test_render_rejects_a_format_that_contradicts_the_suffix(tmp_path):
    _seed_program()
    with pytest.raises(ValueError, match="suffix says svg"):
        viz.render(None, tmp_path / "seed.svg", format="png")
    with pytest.raises(ValueError, match="format must be one of"):
        viz.render(None, tmp_path / "seed.gif", format="gif")


def test_import_minigraph_does_not_import_graphviz():
    code = (
        "import sys, minigraph\nfrom minigraph import viz\nviz.to_dot()\n"
        "print('graphviz' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_phases_of_adam_state_slots_and_their_initializers():
    w = tf.Variable(np.ones(3, np.float32), name="w")
    loss = tf.reduce_sum(tf.square(w))
    tf.train.AdamOptimizer(0.1).minimize(loss)
    g = tf.get_default_graph()
    ops = g.get_operations()
    phases = classify.phases(g, ops)
    slots = [op for op in ops if op.type == "VariableV2" and op.name != "w"]
    assert slots and all(phases[op.name] == "update" for op in slots)  # w/Adam, beta1_power..
    assert phases["w"] == phases["w/Assign"] == "forward"
    # Everything feeding only the slots' initializers (e.g. ZerosLike) is optimizer state too.
    for op in ops:
        consumers = [o for o in ops if any(t.op is op for t in o.inputs)]
        if consumers and all(c.name.startswith("w/Adam") for c in consumers):
            assert phases[op.name] == "update", op.name
    assert all(phases[op.name] == "update" for op in ops if op.name.startswith("Adam"))
    assert phases[loss.op.name] == "forward"
