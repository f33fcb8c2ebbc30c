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
    graph = tf.Graph()
    _build(graph, 100)
    alive = _young_cycle()
    _build(graph, 100)
    gc.collect(0)  # building: promoted, not walked
    assert gc_policy.is_postponing()
    assert alive() is not None
    gc.collect()  # a full collection frees it
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


class _Node:
    pass


def _young_cycle():
    """A cycle of two objects, dropped at once; a weak reference to one of them."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_promote_moves_young_objects_to_the_oldest_generation_still_collected(small_watch):
    kept = [[i] for i in range(1000)]
    alive = _young_cycle()
    assert gc.get_count()[0] >= 1000
    gc_policy.promote()
    assert gc.get_count()[0] < 10 and gc.get_freeze_count() == 0
    assert all(gc.is_tracked(item) for item in kept)
    gc.collect(0)
    gc.collect(1)
    assert alive() is not None  # in the oldest generation now: young collections skip it
    gc.collect()
    assert alive() is None  # the next full collection frees it
    assert len(kept) == 1000


def test_promote_leaves_objects_the_program_froze_alone(small_watch):
    gc.collect()
    frozen = [[i] for i in range(10)]
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        assert count >= 10
        gc_policy.promote()
        assert gc.get_freeze_count() == count
    finally:
        gc.unfreeze()
    assert frozen


def test_paused_work_that_made_many_objects_leaves_them_promoted(monkeypatch):
    monkeypatch.setattr(gc_policy, "PROMOTE_FROM", 5000)
    enabled = gc.isenabled()
    gc.enable()
    try:
        @gc_policy.paused
        def make(n):
            return [[i] for i in range(n)]

        gc.collect()
        small = make(100)
        assert gc.get_count()[0] >= 100  # few objects: left to the young collections
        big = make(20000)
        assert gc.get_count()[0] < 5000  # many: promoted, no young collection walks them
        assert len(small) == 100 and len(big) == 20000
    finally:
        if not enabled:
            gc.disable()


def test_collections_while_building_walk_nothing(small_watch):
    graph = tf.Graph()
    _build(graph, 100)
    gc.collect(0)
    for generation in (0, 1):
        _build(graph, 100)
        kept = [[i] for i in range(1000)]
        assert gc.get_count()[0] >= 1000
        gc.collect(generation)
        assert gc_policy.is_postponing()
        assert gc.get_count()[0] < 10 and gc.get_freeze_count() == 0
        assert all(gc.is_tracked(item) for item in kept)
    _build(graph, 0)
    gc.collect(0)  # no new op: building is over, young collections walk again
    assert not gc_policy.is_postponing()
    alive = _young_cycle()
    gc.collect(0)
    assert alive() is None
