"""Static shapes: what is known about a tensor's shape while the graph is built.

A `TensorShape` is a list of `Dimension`s, each a size or `None` (unknown, printed `?`), or has
unknown rank altogether. Shape functions of ops combine input shapes into output shapes here,
so a mismatch is caught when the op is created, naming the op and both shapes, long before any
data flows. The helpers at the bottom are the shape rules shared by many ops.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence


class Dimension:
    """One dimension of a `TensorShape`: an int, or `None` when unknown (printed `?`)."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value.value
        if value is not None:
            value = int(value)
            if value < 0:
                raise ValueError(f"Dimension {value} must be >= 0")
        self._value = value

    @property
    def value(self) -> Optional[int]:
        """The size as an int, or None if unknown."""
        return self._value

    def __repr__(self) -> str:
        return f"Dimension({self._value})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)

    def __int__(self) -> int:
        if self._value is None:
            raise TypeError("Cannot convert an unknown Dimension to an int")
        return self._value

    __index__ = __int__

    def __eq__(self, other) -> bool:
        other = other.value if isinstance(other, Dimension) else other
        if self._value is None or other is None:
            return None
        return self._value == other

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return None if result is None else not result

    def __hash__(self) -> int:
        return hash(self._value)

    def _arith(self, other, fn):
        other = other.value if isinstance(other, Dimension) else other
        if self._value is None or other is None:
            return Dimension(None)
        return Dimension(fn(self._value, int(other)))

    def __add__(self, other):
        return self._arith(other, int.__add__)

    __radd__ = __add__

    def __mul__(self, other):
        return self._arith(other, int.__mul__)

    __rmul__ = __mul__

    def __sub__(self, other):
        return self._arith(other, int.__sub__)

    def __floordiv__(self, other):
        return self._arith(other, int.__floordiv__)

    def is_compatible_with(self, other) -> bool:
        """True unless both sizes are known and differ."""
        other = other.value if isinstance(other, Dimension) else other
        return self._value is None or other is None or self._value == other

    def merge_with(self, other) -> "Dimension":
        """The known one of two compatible dimensions; ValueError if they differ."""
        other = Dimension(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")
        return self if self._value is not None else other


class TensorShape:
    """The static shape of a tensor: `TensorShape([None, 3])` prints `(?, 3)`.

    Example:
        >>> s = TensorShape([None, 3])
        >>> s.as_list(), s.is_fully_defined(), str(s)
        ([None, 3], False, '(?, 3)')
    """

    # NOTE: `_tuple` caches as_tuple(): shape rules, gradients and every assign call it.
    __slots__ = ("_dims", "_tuple")

    def __init__(self, dims):
        if dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif isinstance(dims, (int, Dimension)) and not isinstance(dims, bool):
            self._dims = (Dimension(dims),)
        else:
            self._dims = tuple(Dimension(d) for d in dims)
        self._tuple = None if self._dims is None else tuple(d.value for d in self._dims)

    @property
    def dims(self):
        """The list of `Dimension`s, or None for an unknown rank."""
        return None if self._dims is None else list(self._dims)

    @property
    def ndims(self) -> Optional[int]:
        """The rank, or None if unknown."""
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def as_list(self) -> list:
        """The sizes as a list (None for unknown ones); ValueError for an unknown rank."""
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return [d.value for d in self._dims]

    def as_tuple(self) -> Optional[tuple]:
        """The dims as a tuple of ints/None, or None for unknown rank (cheap, for shape rules)."""
        return self._tuple

    def is_fully_defined(self) -> bool:
        """True when the rank and every size are known."""
        return self._tuple is not None and None not in self._tuple

    def num_elements(self) -> Optional[int]:
        """The number of elements, or None unless fully defined."""
        dims = self._tuple
        if dims is None or None in dims:
            return None
        return math.prod(dims)

    def is_compatible_with(self, other) -> bool:
        """True when the shapes could describe the same tensor (unknowns match anything)."""
        if other is self:  # common: tensors share interned shapes
            return True
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a.is_compatible_with(b) for a, b in zip(self._dims, other._dims))

    def merge_with(self, other) -> "TensorShape":
        """The most specific shape compatible with both; ValueError if they conflict."""
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([a.merge_with(b) for a, b in zip(self._dims, other._dims)])

    def most_specific_compatible_shape(self, other) -> "TensorShape":
        """The most specific shape both shapes are instances of: the sizes they agree on, None
        elsewhere, an unknown rank if the ranks differ (what `tf.cond` gives its outputs).

        Example:
            >>> TensorShape([2, 3]).most_specific_compatible_shape(TensorShape([2, 4]))
            TensorShape([Dimension(2), Dimension(None)])
        """
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return TensorShape(None)
        return TensorShape([a if a == b else None for a, b in zip(self._tuple, other._tuple)])

    def is_subtype_of(self, other) -> bool:
        """Whether every tensor of this shape has shape `other` too: `other` has an unknown
        rank, or the same rank and, at each known size of `other`, the same size (what
        `tf.while_loop` asks of a loop variable's shape after an iteration).

        Example:
            >>> TensorShape([2, 3]).is_subtype_of([None, 3]), TensorShape([None]).is_subtype_of([2])
            (True, False)
        """
        other = as_shape(other)
        if other._dims is None:
            return True
        if self._dims is None or len(self._dims) != len(other._dims):
            return False
        return all(b is None or a == b for a, b in zip(self._tuple, other._tuple))

    def assert_is_compatible_with(self, other) -> None:
        """Raises ValueError naming both shapes unless they are compatible."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def with_rank(self, rank: int) -> "TensorShape":
        """This shape, with rank `rank` if unknown; ValueError if the rank differs."""
        if self._dims is None:
            return unknown_shape(rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of a Shape with unknown rank.")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            return Dimension(None) if not isinstance(key, slice) else TensorShape(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return self._dims[key]

    def __eq__(self, other) -> bool:
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self.as_tuple() == other.as_tuple()

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __add__(self, other) -> "TensorShape":
        return self.concatenate(other)

    def concatenate(self, other) -> "TensorShape":
        """The dims of this shape followed by those of `other`."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({[d for d in self._dims]!r})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return f"({self._dims[0]},)"
        return "(" + ", ".join(str(d) for d in self._dims) + ")"

    def bracket_str(self) -> str:
        """TF's error-message form: `[?,3]`, `[]`, or `<unknown>`."""
        if self._dims is None:
            return "<unknown>"
        return "[" + ",".join(str(d) for d in self._dims) + "]"


def as_shape(shape) -> TensorShape:
    """Converts a list, tuple, int, None or TensorShape into a TensorShape."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


# Shapes are immutable, so tensors of one static shape can share one TensorShape object: a
# 100k-op graph then holds a few hundred shapes instead of 100k (and their Dimensions), which
# is less to allocate and far less for Python's cyclic GC to walk while the graph is built.
_INTERNED: dict = {}
_INTERN_LIMIT = 100_000


def interned(shape) -> TensorShape:
    """`as_shape(shape)`, shared with every equal shape seen before (shapes are immutable).

    Example:
        >>> interned([None, 3]) is interned(TensorShape([None, 3]))
        True
    """
    if type(shape) is tuple:
        # Plain sizes (what shape rules compute): no TensorShape is made if one exists.
        found = _INTERNED.get(shape)
        if found is not None:
            return found
    if type(shape) is not TensorShape:
        shape = as_shape(shape)
    found = _INTERNED.get(shape._tuple)
    if found is not None:
        return found
    if len(_INTERNED) < _INTERN_LIMIT:
        _INTERNED[shape._tuple] = shape
    return shape


# The shape of every scalar (interned).
SCALAR = interned(())


def unknown_shape(rank: Optional[int] = None) -> TensorShape:
    """A shape of unknown rank, or of known rank with every dimension unknown."""
    return TensorShape(None if rank is None else [None] * rank)


def scalar() -> TensorShape:
    """The shape `()` of a scalar."""
    return TensorShape([])


# ---------------------------------------------------------------- shared shape rules
def broadcast(a: TensorShape, b: TensorShape) -> TensorShape:
    """numpy broadcasting on static shapes; incompatible sizes raise ValueError.

    `apply_op` adds the op's name, its type and both input shapes to the message.
    """
    ta, tb = a._tuple, b._tuple
    if ta is None or tb is None:
        return TensorShape(None)
    if ta == tb or not tb:  # the same shape, or a scalar b (x * 2.0)
        return a
    if not ta:
        return b
    n = max(len(ta), len(tb))
    ta = (1,) * (n - len(ta)) + ta
    tb = (1,) * (n - len(tb)) + tb
    out = []
    for x, y in zip(ta, tb):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None:
            out.append(y)
        elif y is None or x == y:
            out.append(x)
        else:
            raise ValueError(f"Dimensions must be equal, but are {x} and {y}")
    return interned(tuple(out))


def reduced(shape: TensorShape, axes: Optional[Sequence[int]], keepdims: bool) -> TensorShape:
    """The shape left by reducing `axes` (None: all of them) of `shape`."""
    dims = shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if axes is None:
        return TensorShape([1] * len(dims) if keepdims else [])
    rank = len(dims)
    norm = set()
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"Invalid reduction dimension {a} for input with {rank} dimensions.")
        norm.add(a % rank)
    if keepdims:
        return TensorShape([1 if i in norm else d for i, d in enumerate(dims)])
    return TensorShape([d for i, d in enumerate(dims) if i not in norm])


# ---------------------------------------------------------------- shape functions for define_op
def same_as_input(op) -> TensorShape:
    """Shape function of element-wise unary ops: the output has the input's shape."""
    return op.inputs[0].shape


def broadcast_inputs(op) -> TensorShape:
    """Shape function of element-wise binary ops: the two input shapes broadcast."""
    x, y = op.inputs
    return broadcast(x._shape, y._shape)


def scalar_output(op) -> TensorShape:
    """Shape function of ops whose single output is a scalar."""
    return TensorShape([])


def no_outputs(op) -> list:
    """Shape function of ops without outputs."""
    return []
