"""`tf.nest`: nested structures of lists, tuples, namedtuples and dicts, flattened and rebuilt.

Control flow and input pipelines take and return *structures* of tensors: `tf.while_loop`'s
loop variables, `tf.cond`'s branch results, a dataset's elements. Internally each is a flat list
of tensors plus the structure to rebuild it. The rules are TF's:

* lists, tuples, namedtuples and dicts (any `Mapping`) are sequences; everything else, strings
  and None included, is a leaf;
* a dict is flattened in sorted key order (so `{"b": 1, "a": 2}` flattens to `[2, 1]`) and
  rebuilt with its own keys and type;
* `assert_same_structure` raises ValueError when the nesting or the number of elements differs
  and TypeError when `check_types` and the sequence types differ (a list against a tuple).

Every function walks with an explicit stack, so a structure may nest deeply.

Example:
    >>> flatten({"b": 1, "a": (2, [3, None])})
    [2, 3, None, 1]
    >>> pack_sequence_as({"b": 0, "a": (0, [0, 0])}, [10, 20, 30, 40])
    {'b': 40, 'a': (10, [20, 30])}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable


def is_nested(value) -> bool:
    """Whether `value` is a sequence nest flattens into (list, tuple, namedtuple or dict).

    Example:
        >>> is_nested([1]), is_nested("ab"), is_nested(None)
        (True, False, False)
    """
    return isinstance(value, (list, tuple, Mapping))


is_sequence = is_nested


def _children(value) -> list:
    """The items of a sequence, in flattening order (a dict's values by sorted key)."""
    if isinstance(value, Mapping):
        return [value[key] for key in _sorted_keys(value)]
    return list(value)


def _sorted_keys(mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError:
        raise TypeError(
            f"nest only supports dicts with sortable keys, got keys {list(mapping)!r}."
        ) from None


def _rebuilt(value, items: list):
    """A sequence like `value` (same type, same keys) holding `items`."""
    if isinstance(value, Mapping):
        pairs = dict(zip(_sorted_keys(value), items))
        return type(value)((key, pairs[key]) for key in value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*items)
    return type(value)(items)


def flatten(structure) -> list:
    """The leaves of `structure`, in order; a leaf alone is `[leaf]`.

    Example:
        >>> flatten([1, (2, 3), {"x": 4}])
        [1, 2, 3, 4]
        >>> flatten(5)
        [5]
    """
    if not is_nested(structure):
        return [structure]
    leaves = []
    stack = [structure]
    while stack:
        value = stack.pop()
        if is_nested(value):
            stack.extend(reversed(_children(value)))
        else:
            leaves.append(value)
    return leaves


def pack_sequence_as(structure, flat_sequence):
    """`flat_sequence` rebuilt in the shape of `structure` (the inverse of `flatten`).

    Raises:
        ValueError: if `flat_sequence` has more or fewer items than `structure` has leaves.

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
    if not is_nested(structure):
        return flat_sequence[0]
    leaves = iter(flat_sequence)
    # Each frame: (the sequence being rebuilt, its children, the items rebuilt so far).
    root = [structure, _children(structure), []]
    stack = [root]
    result = None
    while stack:
        frame = stack[-1]
        value, children, items = frame
        if len(items) == len(children):
            stack.pop()
            result = _rebuilt(value, items)
            if stack:
                stack[-1][2].append(result)
            continue
        child = children[len(items)]
        if is_nested(child):
            stack.append([child, _children(child), []])
        else:
            items.append(next(leaves))
    return result


def assert_same_structure(nest1, nest2, check_types: bool = True) -> None:
    """Raises if `nest1` and `nest2` differ in nesting, in length or (with `check_types`) in
    the types of their sequences.

    Raises:
        ValueError: the nesting or the number of elements differs.
        TypeError: `check_types` and two matching sequences have different types.

    Example:
        >>> assert_same_structure([1, (2, 3)], ["a", ("b", "c")])
        >>> try:
        ...     assert_same_structure([1, 2], (1, 2))
        ... except TypeError as e:
        ...     print(str(e).splitlines()[0])
        The two structures don't have the same sequence type.
    """
    stack = [(nest1, nest2)]
    while stack:
        a, b = stack.pop()
        if is_nested(a) != is_nested(b):
            which = a if is_nested(a) else b
            other = b if is_nested(a) else a
            raise ValueError(_mismatch(
                nest1, nest2, f"Substructure {which!r} is a sequence, while substructure "
                f"{other!r} is not."))
        if not is_nested(a):
            continue
        if check_types and not _same_sequence_type(a, b):
            raise TypeError(
                "The two structures don't have the same sequence type.\n\nFirst structure: "
                f"{nest1!r}\n\nSecond structure: {nest2!r}\n\nMore specifically: {a!r} has "
                f"type {type(a).__name__}, while {b!r} has type {type(b).__name__}."
            )
        if isinstance(a, Mapping) and isinstance(b, Mapping) and set(a) != set(b):
            raise ValueError(_mismatch(
                nest1, nest2, f"The two dictionaries don't have the same set of keys: "
                f"{sorted(map(str, a))} and {sorted(map(str, b))}."))
        children_a, children_b = _children(a), _children(b)
        if len(children_a) != len(children_b):
            raise ValueError(_mismatch(
                nest1, nest2, f"The two structures don't have the same number of elements: "
                f"{len(children_a)} and {len(children_b)}."))
        stack.extend(zip(children_a, children_b))


def _same_sequence_type(a, b) -> bool:
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return isinstance(a, Mapping) and isinstance(b, Mapping)
    if hasattr(a, "_fields") or hasattr(b, "_fields"):
        return type(a) is type(b)
    return type(a) is type(b) or (isinstance(a, list) and isinstance(b, list))


def _mismatch(nest1, nest2, detail: str) -> str:
    return (
        "The two structures don't have the same nested structure.\n\n"
        f"First structure: {nest1!r}\n\nSecond structure: {nest2!r}\n\n"
        f"More specifically: {detail}"
    )


def map_structure(func: Callable, *structures, check_types: bool = True) -> Any:
    """`func` applied to each group of corresponding leaves; the result has their structure.

    Example:
        >>> map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)])
        [11, (22, 33)]
    """
    if not structures:
        raise ValueError("map_structure needs at least one structure to map over.")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, check_types=check_types)
    flat = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*leaves) for leaves in zip(*flat)])


def flatten_up_to(shallow_tree, input_tree) -> list:
    """The parts of `input_tree` at the leaves of `shallow_tree`, a prefix of its structure.

    Raises:
        ValueError: `input_tree` does not have the structure of `shallow_tree` where it nests.

    Example:
        >>> flatten_up_to((0, 0), ((1, 2), [3, 4]))
        [(1, 2), [3, 4]]
    """
    parts = []
    stack = [(shallow_tree, input_tree)]
    while stack:
        shallow, value = stack.pop()
        if not is_nested(shallow):
            parts.append(value)
            continue
        if not is_nested(value) or len(_children(value)) != len(_children(shallow)):
            raise ValueError(
                f"The input structure {value!r} does not match the shallow structure "
                f"{shallow!r}: it must be a sequence of the same length."
            )
        stack.extend(reversed(list(zip(_children(shallow), _children(value)))))
    return parts


def _traversal(traverse_fn: Callable, node) -> tuple:
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
        return (False, None) if not decision else (None, [(b, True) for b in branches])
    if not is_nested(decision) or len(_children(decision)) != len(branches):
        raise TypeError(
            f"traverse_fn returned {decision!r} for {node!r}: a bool or one bool per part."
        )
    flags = _children(decision)
    if not all(isinstance(flag, bool) for flag in flags):
        raise TypeError(f"traverse_fn returned {decision!r}: its parts must all be bools.")
    return None, list(zip(branches, flags))


def get_traverse_shallow_structure(traverse_fn: Callable, structure):
    """The structure of bools that `traverse_fn` picks out of `structure` (TF's function).

    `traverse_fn(substructure)` returns a bool (True: walk into it, or keep the leaf; False:
    stop here) or, for a sequence, one bool per part.

    Example:
        >>> get_traverse_shallow_structure(lambda s: not isinstance(s, list), (1, [2, 3], (4,)))
        (True, False, (True,))
    """
    flag, branches = _traversal(traverse_fn, structure)
    if branches is None:
        return flag
    # Each frame: (the sequence being rebuilt, its (branch, descend) pairs, the items so far).
    stack = [(structure, branches, [])]
    while True:
        node, parts, built = stack[-1]
        if len(built) == len(parts):
            stack.pop()
            value = _rebuilt(node, built)
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
