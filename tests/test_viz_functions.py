"""Drawing `tf.cond`, `tf.case` and `tf.while_loop`: their function graphs as clusters."""

import re

import minigraph as tf
from minigraph import viz


def _loop_with_a_cond():
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.cond(x > 0.0, lambda: tf.sqrt(x), lambda: -x)

    def body(i, v):
        return i + 1, tf.cond(v > 1.0, lambda: v * 0.5, lambda: v + x)

    return tf.while_loop(lambda i, v: i < 5, body, [0, y])[1]


def _cluster_labels(dot: str) -> list:
    return re.findall(r'subgraph cluster_f\d+ \{\n\s+label="([^"]*)"', dot)


def test_a_cond_shows_its_branches_and_a_loop_its_condition_and_body():
    dot = viz.to_dot(_loop_with_a_cond())
    assert _cluster_labels(dot) == ["cond: true_fn", "cond: false_fn", "while: cond",
                                    "while: body", "while/cond: true_fn", "while/cond: false_fn"]
    true_fn = dot.split('label="cond: true_fn"')[1].split("}")[0]
    assert '"Sqrt\\nSqrt"' in true_fn and "Neg" not in true_fn
    body = dot.split('label="while: body"')[1].split("}")[0]
    assert '"cond\\nIf"' in body and '"add\\nAdd"' in body and "->" in body
    assert dot.count("style=dotted, arrowhead=none") == 6  # each cluster joined to its op
    with tf.Graph().as_default():
        assert viz.to_dot(_loop_with_a_cond()) == dot  # the text is deterministic


def test_the_collapsed_view_draws_one_box_per_function_graph():
    dot = viz.to_dot(_loop_with_a_cond(), collapse=True)
    assert "subgraph cluster_f" not in dot
    for title in ("cond: true_fn", "cond: false_fn", "while: cond", "while: body"):
        assert re.search(rf'label="{re.escape(title)}\\n\(\d+ ops\)"', dot), title
    assert "while/cond: true_fn" not in dot  # a box does not open: what is inside stays inside
    assert len(dot.splitlines()) < 40


def test_a_case_shows_every_branch_and_hidden_gradients_hide_theirs():
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.case([(x < 0.0, lambda: -x), (x > 5.0, lambda: x * 0.0)], default=lambda: x * x)
    dx, = tf.gradients(y, x)
    labels = _cluster_labels(viz.to_dot(y))
    assert labels == ["case: branch0", "case: branch1", "case: default"]
    shown = _cluster_labels(viz.to_dot(dx))
    assert len(shown) == 6 and any(label.startswith("gradients/") for label in shown)
    hidden = _cluster_labels(viz.to_dot(dx, show_gradients=False))
    assert hidden == labels
