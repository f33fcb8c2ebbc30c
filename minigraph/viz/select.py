"""Step 1 of drawing: choose the ops, the whole graph or only what some fetches need.

Given fetches (tensors, operations, Variables, names, or nested lists/tuples/dicts of them),
only the ops they need are drawn: a walk back through inputs and control inputs
(`graph_walk.ops_needed`, as `Session.run`'s pruning), so a 100,000-op chain is fine.
"""

from __future__ import annotations

from minigraph import graph_walk
from minigraph.graph import Graph, get_default_graph
from minigraph.tensor import Operation, Tensor


def select_ops(graph_or_fetches) -> tuple:
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
    return graph, graph_walk.in_creation_order(graph_walk.ops_needed(targets).values())


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
