"""gc_policy: full collections wait while a big graph is being built, and only then."""

import gc
import weakref

import pytest

import minigraph as tf
from minigraph import gc_policy


@pytest.fixture
def small_watch(monkeypatch):
    """Graphs are watched from 300 ops on (instead of 10,000); only the test's own
    `gc.collect(0)` calls collect (they run the hooks as automatic collections do); the
    collector's state is restored whatever a test does."""
    monkeypatch.setattr(gc_policy, "WATCH_FROM", 300)
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    gc.disable()
    yield
    gc_policy._restore()
    gc.set_threshold(*thresholds)
    if not enabled:
        gc.disable()


def _build(graph, links: int):
    with graph.as_default():
        y = x = tf.placeholder(tf.float32, [16])
        for _ in range(links):
            y = y * 1.0001 + 0.001
    return x, y


def test_small_graphs_leave_the_collector_alone(small_watch):
    before = gc.get_threshold()
    _build(tf.Graph(), 50)  # 201 ops: never watched
    gc.collect(0)
    assert gc.get_threshold() == before
    assert gc_policy._on_collection not in gc.callbacks


def test_full_collections_wait_while_building_and_come_back_after(small_watch):
    before = gc.get_threshold()
    graph = tf.Graph()
    _build(graph, 100)  # 401 ops: watched from op 300 on
    assert gc_policy._on_collection in gc.callbacks
    _build(graph, 100)
    gc.collect(0)  # a young collection sees 400 new ops: building
    assert gc_policy.is_postponing()
    assert gc.get_threshold() == (before[0], before[1], gc_policy.POSTPONED)
    gc.collect(0)  # the next sees none: the loop is over
    assert not gc_policy.is_postponing()
    assert gc.get_threshold() == before
    assert gc_policy._on_collection not in gc.callbacks


def test_thresholds_the_program_sets_meanwhile_are_kept(small_watch):
    graph = tf.Graph()
    _build(graph, 100)
    _build(graph, 100)
    gc.collect(0)
    assert gc_policy.is_postponing()
    gc.set_threshold(1234, 5, 6)
    gc.collect(0)
    assert gc.get_threshold() == (1234, 5, 6)
    assert gc_policy._on_collection not in gc.callbacks


def test_garbage_made_while_building_is_still_collected(small_watch):
    class Node:
        pass

    graph = tf.Graph()
    _build(graph, 100)
    cycle = Node()
    cycle.me = cycle
    alive = weakref.ref(cycle)
    del cycle
    _build(graph, 100)
    gc.collect(0)  # a young collection while building frees the young cycle as usual
    assert alive() is None


def test_a_dropped_graph_is_freed(small_watch):
    graph = tf.Graph()
    x, y = _build(graph, 100)
    alive = weakref.ref(graph)
    del graph, x, y
    gc.collect()
    assert alive() is None
    assert gc_policy._total_ops() == 0


def test_a_building_loop_with_the_collector_running(monkeypatch):
    """With automatic collections: postponed during the loop, restored soon after it."""
    monkeypatch.setattr(gc_policy, "WATCH_FROM", 2000)
    before, enabled = gc.get_threshold(), gc.isenabled()
    gc.enable()
    seen = []
    try:
        with tf.Graph().as_default():
            y = tf.placeholder(tf.float32, [16])
            for i in range(5000):
                y = y * 1.0001 + 0.001
                if i % 100 == 0:
                    seen.append(gc_policy.is_postponing())
        assert any(seen)
        junk = [[i] for i in range(20000)]  # young collections with no new op
        del junk
        assert gc.get_threshold() == before
        assert gc_policy._on_collection not in gc.callbacks
    finally:
        gc_policy._restore()
        gc.set_threshold(*before)
        if not enabled:
            gc.disable()
