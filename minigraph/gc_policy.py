"""Python's cyclic garbage collector while a big graph is being built.

Every op is a handful of container objects (the `Operation`, its `Tensor`s, their input tuple
and lists), and none of them is garbage while the graph is alive. CPython's collector does not
know that: each time the objects promoted to its oldest generation since the last full
collection reach a quarter of those already there, it walks *every* live container again. A
graph that grows to millions of objects is walked about five times over while it is built (on
the 100,000-link chain of `bench/workloads/w4_graph_scale.py`, 2.4 s of 7.3 s of CPU).

So while ops are being created quickly, full collections wait:

* once a graph reaches `WATCH_FROM` ops, this module watches it: a `gc.callbacks` hook runs at
  the start of every collection (a young one comes every 700 or so new containers) and counts
  the ops the watched graphs gained since the previous one;
* while that count is at least `BUILDING_OPS` (the program is mostly building graphs), the
  third threshold of `gc.set_threshold` is raised, so no full collection starts, and what the
  collection would walk is promoted first (below);
* at the first collection that finds fewer new ops (the building loop ended), the thresholds
  are put back as they were, the hook removes itself, and the next full collection comes when
  the collector's own rule says (objects promoted by this module do not count toward it: it
  counts survivors of middle-generation collections), walking the finished graph once.

The collections that do start while building walk nothing either: the hook first moves
every object the collector tracks to the oldest generation (`promote`: `gc.freeze()` then
`gc.unfreeze()`, two list splices), so a young collection finds its generation empty instead
of walking the 700 newest objects, nearly all of them the graph's (on the W4 chain, a quarter
of the building time). The price: cyclic garbage the program makes while it builds is freed
by the next full collection rather than the next young one. It waits only as long as the
building goes on and then until the collector's own rule starts a full collection (or the
program calls `gc.collect()`); nothing stays
frozen, and thresholds the program sets itself meanwhile are left as it set them.
`tf.gradients` and plan compilation pause the collector altogether while they run
(`paused` below): they end by themselves, unlike a user's building loop. What they made (all
of it alive: gradient ops, plan steps) is promoted the same way when there is a lot of it,
so that the first young collection after them does not walk it all (on the W4 chain, 1.7 s
of the first run's 4.3 s of CPU).
"""

from __future__ import annotations

import functools
import gc
import threading
import weakref

# A graph is watched from this many ops on: small programs never touch the collector.
WATCH_FROM = 10_000
# Ops created between two collections that mean "building": one op is about five new
# containers, so a loop that does nothing but build makes about 140 between two young
# collections, and a training loop that builds nothing makes none.
BUILDING_OPS = 50
# The third threshold while building: no full collection starts.
POSTPONED = 1 << 30

# Reentrant: a collection (and so the hook) can start inside `watch`, on its own allocations.
_lock = threading.RLock()
_watched: "weakref.WeakSet" = weakref.WeakSet()
_state = {"last_total": 0, "saved": None}


def watch(graph) -> None:
    """Starts watching `graph` (`Graph._add_op` calls this when it reaches `WATCH_FROM` ops)."""
    with _lock:
        _watched.add(graph)
        if _on_collection not in gc.callbacks:
            _state["last_total"] = _total_ops()
            gc.callbacks.append(_on_collection)


def is_postponing() -> bool:
    """True while full collections are postponed because graphs are being built."""
    return _state["saved"] is not None


def _total_ops() -> int:
    return sum(g._version for g in list(_watched))


def _on_collection(phase: str, info: dict) -> None:
    """The `gc.callbacks` hook: postpones or restores full collections (see the module)."""
    if phase != "start":
        return
    with _lock:
        total = _total_ops()
        created = total - _state["last_total"]
        _state["last_total"] = total
        if created >= BUILDING_OPS:
            if _state["saved"] is None:
                _state["saved"] = gc.get_threshold()
                first, second, _ = _state["saved"]
                gc.set_threshold(first, second, POSTPONED)
            promote()  # the collection would walk the graph's newest objects: none to walk
            return
        _restore()


def _restore() -> None:
    """Puts the thresholds back (unless the program changed them meanwhile) and unhooks."""
    saved = _state["saved"]
    if saved is not None:
        if gc.get_threshold() == (saved[0], saved[1], POSTPONED):
            gc.set_threshold(*saved)
        _state["saved"] = None
    if _on_collection in gc.callbacks:
        gc.callbacks.remove(_on_collection)


# Objects made since the last collection above which `paused` and `promote_if_many` move them
# to the oldest generation rather than leave them for the next young collection to walk.
PROMOTE_FROM = 100_000


def promote() -> None:
    """Moves every object the collector tracks into its oldest generation, walking none.

    `gc.freeze()` then `gc.unfreeze()`: both splice the generations' lists (constant time),
    the first into the permanent generation, the second from there into the oldest one. The
    objects stay tracked: cyclic garbage among them is freed by the next full collection. When
    the program has frozen objects itself, nothing is done (unfreezing would undo that).

    Example:
        >>> promote()
        >>> gc.get_count()[0] < 100
        True
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def promote_if_many() -> None:
    """`promote()` when at least `PROMOTE_FROM` tracked objects were made since the last
    collection (a big graph differentiated or compiled with the collector paused), so that
    the first young collection afterwards does not walk them all."""
    if gc.get_count()[0] >= PROMOTE_FROM:
        promote()


def paused(fn):
    """Decorator: runs `fn` with the cyclic garbage collector off, restored afterwards.

    NOTE: differentiating or compiling a 100k-op graph creates millions of small objects, none
    of them garbage, while the collector would walk the whole graph again and again (measured:
    5.7 s of CPU with it, 3.0 s without, for `tf.gradients` on the W4 benchmark's chain).
    Collection resumes when `fn` returns.

    Example:
        >>> @paused
        ... def build():
        ...     return gc.isenabled()
        >>> build(), gc.isenabled()
        (False, True)
    """

    @functools.wraps(fn)
    def without_collector(*args, **kwargs):
        """`fn(*args, **kwargs)` with the garbage collector off, restored afterwards."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            promote_if_many()
            if was_enabled:
                gc.enable()

    return without_collector
