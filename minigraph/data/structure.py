"""The structure of a dataset's elements: one `ElementSpec` (dtype, static shape) per component,
nested as the elements are (a tuple, a dict, ...), with `tf.nest`.

Example:
    >>> import minigraph as tf
    >>> structure = {"x": ElementSpec(tf.float32, [None, 3]), "y": ElementSpec(tf.int32, [])}
    >>> element_attrs(structure)["output_types"]
    (tf.float32, tf.int32)
"""

from __future__ import annotations

from minigraph import dtypes, nest, shapes
from minigraph.tensor import Tensor


class ElementSpec:
    """The dtype and static shape of one component of a dataset's elements (a leaf for
    `tf.nest`, unlike a tuple)."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype, shape):
        self.dtype = dtypes.as_dtype(dtype)
        self.shape = shapes.as_shape(shape)

    def __eq__(self, other) -> bool:
        return (isinstance(other, ElementSpec) and self.dtype == other.dtype
                and self.shape.as_tuple() == other.shape.as_tuple())

    def __hash__(self) -> int:
        return hash((self.dtype, self.shape.as_tuple()))

    def __repr__(self) -> str:
        return f"ElementSpec(shape={self.shape}, dtype={self.dtype!r})"


def element_attrs(structure) -> dict:
    """The `output_types` and `output_shapes` attrs of an op making such elements (flat)."""
    specs = nest.flatten(structure)
    return {"output_types": tuple(s.dtype for s in specs),
            "output_shapes": tuple(s.shape for s in specs)}


def structure_of(output_types, output_shapes=None):
    """Element specs from TF1's nested `output_types` and `output_shapes` (default: unknown)."""
    types = nest.map_structure(dtypes.as_dtype, output_types)
    if output_shapes is None:
        flat_shapes = [shapes.unknown_shape() for _ in nest.flatten(types)]
    else:
        flat_shapes = nest.flatten_up_to(types, output_shapes)
    flat_specs = [ElementSpec(t, s) for t, s in zip(nest.flatten(types), flat_shapes)]
    return nest.pack_sequence_as(types, flat_specs)


class ElementStructure:
    """The TF1 properties of a dataset or an iterator that describe its elements, read from
    `self._structure` (nested like an element, an `ElementSpec` per component)."""

    @property
    def output_types(self):
        """The dtype of each component, nested like the elements."""
        return nest.map_structure(lambda spec: spec.dtype, self._structure)

    @property
    def output_shapes(self):
        """The static shape (a `TensorShape`) of each component, nested like the elements."""
        return nest.map_structure(lambda spec: spec.shape, self._structure)

    @property
    def output_classes(self):
        """The class of each component (`tf.Tensor`), nested like the elements."""
        return nest.map_structure(lambda spec: Tensor, self._structure)

