"""`tf.nest`: flattening and rebuilding structures, checked against TF's rules."""

import collections

import pytest

import minigraph as tf
from minigraph import nest

Point = collections.namedtuple("Point", "x y")


def test_flatten_orders_dicts_by_key_and_keeps_none_and_strings_as_leaves():
    structure = {"b": [1, (2, "s")], "a": Point(None, {"z": 3, "y": 4})}
    assert nest.flatten(structure) == [None, 4, 3, 1, 2, "s"]
    assert nest.flatten("leaf") == ["leaf"]
    assert nest.flatten([]) == []


def test_pack_sequence_as_rebuilds_types_and_keys():
    structure = {"b": [1, (2, 3)], "a": Point(0, {"z": 0, "y": 0})}
    packed = nest.pack_sequence_as(structure, list("pqrstu"))
    assert packed == {"b": ["s", ("t", "u")], "a": Point("p", {"z": "r", "y": "q"})}
    assert type(packed["a"]) is Point and list(packed) == ["b", "a"]
    assert nest.pack_sequence_as(5, ["only"]) == "only"
    with pytest.raises(ValueError, match="Structure had 2 elements, but flat_sequence had 3"):
        nest.pack_sequence_as([0, 0], [1, 2, 3])


def test_deep_structures_need_no_recursion():
    deep = 0
    for _ in range(5000):
        deep = [deep]
    assert nest.flatten(deep) == [0]
    assert nest.flatten(nest.pack_sequence_as(deep, [7])) == [7]
    nest.assert_same_structure(deep, nest.pack_sequence_as(deep, [1]))


def test_assert_same_structure_says_what_differs():
    nest.assert_same_structure([1, (2, 3)], ["a", ("b", "c")])
    nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    with pytest.raises(ValueError, match="don't have the same number of elements"):
        nest.assert_same_structure([1, 2], [1])
    with pytest.raises(ValueError, match="is a sequence, while substructure"):
        nest.assert_same_structure([1, (2, 3)], [1, 2])
    with pytest.raises(TypeError, match="don't have the same sequence type"):
        nest.assert_same_structure([1, 2], (1, 2))
    with pytest.raises(TypeError, match="same sequence type"):
        nest.assert_same_structure(Point(1, 2), (1, 2))
    with pytest.raises(ValueError, match="same set of keys"):
        nest.assert_same_structure({"a": 1}, {"b": 1})


def test_map_structure_applies_to_matching_leaves():
    assert nest.map_structure(lambda a, b: a * b, {"x": (1, 2)}, {"x": (3, 4)}) == {"x": (3, 8)}
    with pytest.raises(ValueError):
        nest.map_structure(lambda a, b: a, [1], [1, 2])
    assert tf.nest.is_nested([]) and not tf.nest.is_nested("ab")
