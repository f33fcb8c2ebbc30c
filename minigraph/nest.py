"""Nested structures of tensors: TF's `tf.nest` (`flatten`, `pack_sequence_as`, `map_structure`,
`assert_same_structure`, `is_nested`).

RNN states (`LSTMStateTuple(c, h)`, a tuple of them for `MultiRNNCell`) and dataset elements
(`(image, label)`, `{"x": ..., "y": ...}`) are nested structures: lists, tuples, namedtuples
and dicts of tensors (or arrays, or anything else: every other value is a leaf). Code that
handles one tensor handles a structure by flattening it, working on the list, and packing the
results back. As in TF, a dict's values are flattened in the order of its sorted keys, and
`None` is a leaf.

Every walk here is a loop over an explicit stack, so a deep structure needs no recursion.

Example:
    >>> import collections
    >>> Pair = collections.namedtuple("Pair", "c h")
    >>> flatten([Pair(1, 2), {"b": 4, "a": 3}])
    [1, 2, 3, 4]
    >>> pack_sequence_as([Pair(0, 0), {"b": 0, "a": 0}], [5, 6, 7, 8])
    [Pair(c=5, h=6), {'b': 8, 'a': 7}]
"""

from __future__ import annotations

from typing import Callable


def is_nested(structure) -> bool:
    """True for a list, tuple (namedtuples too) or dict: a structure with parts.

    Example:
        >>> is_nested((1, 2)), is_nested(1)
        (True, False)
    """
    return isinstance(structure, (list, tuple, dict))


def _children(structure):
    """The parts of `structure` in flattening order (a dict's by sorted key); None for a leaf."""
    if isinstance(structure, dict):
        return [structure[key] for key in sorted(structure)]
    if isinstance(structure, (list, tuple)):
        return list(structure)
    return None


def _rebuild(structure, values: list):
    """A container like `structure` holding `values` (in `_children`'s order)."""
    if isinstance(structure, dict):
        by_key = dict(zip(sorted(structure), values))
        return type(structure)((key, by_key[key]) for key in structure)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*values)
    return type(structure)(values)


def _fold(structure, leaf_fn: Callable):
    """`structure` with each leaf replaced by `leaf_fn(leaf)`, leaves visited depth first."""
    children = _children(structure)
    if children is None:
        return leaf_fn(structure)
    stack = [(structure, children, [])]
    while True:
        node, parts, built = stack[-1]
        if len(built) == len(parts):
            stack.pop()
            value = _rebuild(node, built)
            if not stack:
                return value
            stack[-1][2].append(value)
            continue
        child = parts[len(built)]
        grandchildren = _children(child)
        if grandchildren is None:
            built.append(leaf_fn(child))
        else:
            stack.append((child, grandchildren, []))


def flatten(structure) -> list:
    """The leaves of `structure`, depth first; a leaf alone gives `[leaf]`.

    Example:
        >>> flatten(((1, 2), [3, {"z": 5, "y": 4}]))
        [1, 2, 3, 4, 5]
    """
    leaves = []
    _fold(structure, leaves.append)
    return leaves


def pack_sequence_as(structure, flat_sequence):
    """`flat_sequence` packed into the shape of `structure` (the inverse of `flatten`).

    Example:
        >>> pack_sequence_as((0, [0, 0]), ["a", "b", "c"])
        ('a', ['b', 'c'])
    """
    flat_sequence = list(flat_sequence)
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {count} elements, but flat_sequence had "
            f"{len(flat_sequence)} elements. Structure: {structure!r}, flat_sequence: "
            f"{flat_sequence!r}."
        )
    values = iter(flat_sequence)
    return _fold(structure, lambda leaf: next(values))


def _signature(structure) -> list:
    """The shape of `structure` as a list of tokens: per container its kind and size (a dict
    also its keys), per leaf "leaf", depth first."""
    tokens = []
    stack = [structure]
    while stack:
        item = stack.pop()
        parts = _children(item)
        if parts is None:
            tokens.append("leaf")
            continue
        if isinstance(item, dict):
            tokens.append(("dict", tuple(sorted(item))))
        else:
            tokens.append((type(item).__name__, len(parts)))
        stack.extend(reversed(parts))
    return tokens


def assert_same_structure(nest1, nest2, check_types: bool = True) -> None:
    """Raises ValueError (naming both) unless `nest1` and `nest2` nest the same way.

    With `check_types`, each sequence must meet one of the same type (a tuple is not a list, nor
    an `LSTMStateTuple`); without it, only sizes, nesting and dict keys count.

    Example:
        >>> assert_same_structure((1, [2]), ("a", ["b"]))
        >>> try:
        ...     assert_same_structure((1, 2), (1, (2, 3)))
        ... except ValueError as e:
        ...     print(str(e).splitlines()[0])
        The two structures don't have the same nested structure.
    """
    first, second = _signature(nest1), _signature(nest2)
    if not check_types:
        first = [_untyped(token) for token in first]
        second = [_untyped(token) for token in second]
    if first != second:
        raise ValueError(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {nest1!r}\n\nSecond structure: {nest2!r}"
        )


def _untyped(token):
    if isinstance(token, tuple) and token[0] != "dict":
        return ("sequence", token[1])
    return token


def map_structure(func: Callable, *structures, check_types: bool = True):
    """`func` applied leaf by leaf to structures of one shape, packed like the first.

    Example:
        >>> map_structure(lambda a, b: a + b, (1, [2]), (10, [20]))
        (11, [22])
    """
    if not structures:
        raise ValueError("map_structure needs at least one structure.")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, check_types=check_types)
    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*leaves) for leaves in zip(*flat)])


def flatten_up_to(shallow_tree, input_tree) -> list:
    """The parts of `input_tree` at the leaves of `shallow_tree` (a prefix of its structure).

    Example:
        >>> flatten_up_to((0, 0), ((1, 2), [3, 4]))
        [(1, 2), [3, 4]]
    """
    parts = []
    stack = [(shallow_tree, input_tree)]
    while stack:
        shallow, value = stack.pop()
        shallow_parts = _children(shallow)
        if shallow_parts is None:
            parts.append(value)
            continue
        value_parts = _children(value)
        if value_parts is None or len(value_parts) != len(shallow_parts):
            raise ValueError(
                f"The input structure {value!r} does not match the shallow structure "
                f"{shallow!r}: it must be a sequence of the same length."
            )
        stack.extend(reversed(list(zip(shallow_parts, value_parts))))
    return parts


def _traversal(traverse_fn: Callable, node):
    """One step of `get_traverse_shallow_structure`: `(flag, None)` for a leaf of the result,
    or `(None, [(branch, descend), ...])` for a node whose branches are walked."""
    decision = traverse_fn(node)
    if not is_nested(node):
        if not isinstance(decision, bool):
            raise TypeError(
                f"traverse_fn returned structure: {decision!r} for non-structure: {node!r}"
            )
        return decision, None
    branches = _children(node)
    if isinstance(decision, bool):
        if not decision:
            return False, None
        return None, [(branch, True) for branch in branches]
    flags = _children(decision)
    if flags is None or len(flags) != len(branches):
        raise TypeError(
            f"traverse_fn returned {decision!r} for {node!r}: a bool or one bool per part."
        )
    if not all(isinstance(flag, bool) for flag in flags):
        raise TypeError(f"traverse_fn returned {decision!r}: its parts must all be bools.")
    return None, list(zip(branches, flags))


def get_traverse_shallow_structure(traverse_fn: Callable, structure):
    """The structure of bools `traverse_fn` picks out of `structure` (TF's function).

    `traverse_fn(substructure)` returns a bool (True: walk into it, or keep the leaf; False:
    stop here) or, for a structure, one bool per part.

    Example:
        >>> get_traverse_shallow_structure(lambda s: not isinstance(s, list), (1, [2, 3], (4,)))
        (True, False, (True,))
    """
    flag, branches = _traversal(traverse_fn, structure)
    if branches is None:
        return flag
    stack = [(structure, branches, [])]
    while True:
        node, parts, built = stack[-1]
        if len(built) == len(parts):
            stack.pop()
            value = _rebuild(node, built)
            if not stack:
                return value
            stack[-1][2].append(value)
            continue
        branch, descend = parts[len(built)]
        if not descend:
            built.append(False)
            continue
        flag, sub_branches = _traversal(traverse_fn, branch)
        if sub_branches is None:
            built.append(flag)
        else:
            stack.append((branch, sub_branches, []))
