"""to_dot on extreme graphs: deep name scopes give text linear in the depth, and very long
names are shortened in the middle so that `dot` still draws the picture."""

import shutil
import subprocess

import pytest

import minigraph as tf
from minigraph import viz
from minigraph.viz import labels, styles


def _deep_graph(depth: int) -> tf.Graph:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        scopes = []
        for level in range(depth):
            scope = tf.name_scope(f"s{level}")
            scope.__enter__()
            scopes.append(scope)
        y = tf.identity(x * 2.0, name="y")
        for scope in reversed(scopes):
            scope.__exit__(None, None, None)
        tf.identity(y, name="out")
    return graph


def _draws(dot_text: str) -> bool:
    result = subprocess.run(["dot", "-Tsvg"], input=dot_text.encode("utf-8"),
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[:500]
    return result.stdout.startswith(b"<?xml") or b"<svg" in result.stdout[:2000]


def test_dot_text_grows_linearly_with_scope_depth():
    sizes = {depth: len(viz.to_dot(_deep_graph(depth))) for depth in (100, 200, 400)}
    # Each level adds one cluster (an opening line, a label line, a closing line): about
    # 200 characters, whatever the depth.
    assert sizes[400] - sizes[200] <= 1.05 * (sizes[200] - sizes[100]) * 2
    assert sizes[200] < 200 * 250, sizes
    lines = viz.to_dot(_deep_graph(200)).splitlines()
    assert max(len(line) - len(line.lstrip(" ")) for line in lines) == \
        2 * styles.MAX_INDENT_LEVELS
    assert sum(line.strip().startswith("subgraph cluster_") for line in lines) == 200


def test_long_names_are_elided_in_the_middle():
    graph = tf.Graph()
    long_name = "a" + "b" * 9998 + "z"
    with graph.as_default():
        with tf.name_scope("scope_" + "q" * 10000):
            x = tf.constant(1.0, name=long_name)
        tf.identity(x, name="i" * 10000)
        tf.constant("&" * 5000 + "s" * 10000, name="text")
    text = viz.to_dot(graph)
    assert len(text) < 3000, len(text)
    assert long_name not in text
    assert labels.elide(long_name) in text
    shown = labels.elide(long_name)
    assert len(shown) == styles.MAX_LABEL_CHARS and shown.startswith("ab") \
        and shown.endswith("bz") and labels.ELLIPSIS in shown
    assert max(map(len, text.splitlines())) < 1000


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_draws_a_200_deep_scope_and_a_10000_character_name():
    graph = _deep_graph(200)
    with graph.as_default():
        with tf.name_scope("n" * 10000):
            tf.constant(1.0, name="x" * 10000)
        tf.identity(tf.constant("&" * 10000), name="i" * 10000)
    assert _draws(viz.to_dot(graph))
    assert _draws(viz.to_dot(graph, collapse=True))
