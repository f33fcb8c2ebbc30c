"""Data types, the TF1 way.

A `DType` wraps a numpy dtype and adds the names TensorFlow 1 prints: `tf.float32` in reprs,
`float` in error messages (the protobuf name), `float32_ref` for a Variable. The conversion rules
are TF1's: a Python float becomes float32 (not numpy's float64), a Python int becomes int32, and
two tensors of different dtypes are never mixed silently.
"""

from __future__ import annotations

import numpy as np

_pybool = type(True)  # this module defines `bool` as TF1's tf.bool


class DType:
    """A tensor element type, e.g. `tf.float32`.

    Example:
        >>> import minigraph as tf
        >>> tf.float32.as_numpy_dtype
        <class 'numpy.float32'>
    """

    __slots__ = ("name", "as_numpy_dtype", "_proto_name", "np")

    def __init__(self, name: str, numpy_type, proto_name: str):
        self.name = name
        self.as_numpy_dtype = numpy_type
        self.np = np.dtype(numpy_type)
        self._proto_name = proto_name

    @property
    def base_dtype(self) -> "DType":
        """The dtype itself (minigraph has no `_ref` dtypes to strip)."""
        return self

    @property
    def is_floating(self) -> bool:
        """True for float16/32/64."""
        return self.np.kind == "f"

    @property
    def is_integer(self) -> bool:
        """True for the signed and unsigned integer dtypes."""
        return self.np.kind in "iu"

    @property
    def is_bool(self) -> bool:
        """True for bool."""
        return self.np.kind == "b"

    @property
    def is_numeric(self) -> bool:
        """True for integer and floating dtypes."""
        return self.np.kind in "iuf"

    @property
    def min(self):
        """The smallest finite value of this (numeric) dtype."""
        return np.finfo(self.np).min if self.is_floating else np.iinfo(self.np).min

    @property
    def max(self):
        """The largest finite value of this (numeric) dtype."""
        return np.finfo(self.np).max if self.is_floating else np.iinfo(self.np).max

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __eq__(self, other) -> bool:
        if isinstance(other, DType):
            return self.name == other.name
        try:
            return self.name == as_dtype(other).name
        except TypeError:
            return False

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, "half")
float32 = DType("float32", np.float32, "float")
float64 = DType("float64", np.float64, "double")
int8 = DType("int8", np.int8, "int8")
int16 = DType("int16", np.int16, "int16")
int32 = DType("int32", np.int32, "int32")
int64 = DType("int64", np.int64, "int64")
uint8 = DType("uint8", np.uint8, "uint8")
bool = DType("bool", np.bool_, "bool")  # noqa: A001 - TF1 spells it tf.bool
string = DType("string", np.object_, "string")
# The handle of a stateful object (a TensorArray's store); never converted from a value.
resource = DType("resource", np.object_, "resource")
half = float16
double = float64
# Handles and opaque values, held as Python objects: an iterator (`resource`), a dataset
# (`variant`). No numpy dtype maps to them (numpy's object dtype is tf.string).
resource = DType("resource", np.object_, "resource")
variant = DType("variant", np.object_, "variant")

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool, string)
_BY_NAME = {d.name: d for d in _ALL + (resource, variant)}
_BY_NAME.update({d._proto_name: d for d in _ALL})
_BY_NAME["resource"] = resource
_BY_NAME.update({"float": float32, "double": float64, "half": float16, "int": int32})
_BY_NUMPY = {d.np: d for d in _ALL}


def as_dtype(type_value) -> DType:
    """Converts a DType, numpy dtype, Python type or TF1 name ("float", "int32") to a DType.

    Example:
        >>> as_dtype("float") is float32
        True
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        name = type_value[:-4] if type_value.endswith("_ref") else type_value
        if name in _BY_NAME:
            return _BY_NAME[name]
        raise TypeError(f"Cannot convert value {type_value!r} to a minigraph DType.")
    if type_value is float:
        return float32
    if type_value is int:
        return int32
    if type_value is _pybool:
        return bool
    try:
        key = np.dtype(type_value)
    except TypeError:
        raise TypeError(f"Cannot convert value {type_value!r} to a minigraph DType.") from None
    if key.kind in "US":
        return string
    if key in _BY_NUMPY:
        return _BY_NUMPY[key]
    raise TypeError(f"Cannot convert value {type_value!r} to a minigraph DType.")


def dtype_of_value(value) -> DType:
    """The dtype TF1 gives a Python or numpy value: floats float32, ints int32, arrays their own.

    Example:
        >>> dtype_of_value(0.5), dtype_of_value([1, 2])
        (tf.float32, tf.int32)
    """
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        if value.dtype.kind in "US":
            return string
        return as_dtype(value.dtype)
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind == "f":
        return float32
    if kind in "iu":
        return int32 if array.size == 0 or _fits_int32(array) else int64
    if kind == "b":
        return bool
    if kind in "US":
        return string
    raise TypeError(f"Cannot convert {value!r} of type {type(value).__name__} to a Tensor.")


def _fits_int32(array: np.ndarray) -> _pybool:
    return _pybool(array.min() >= -(2**31) and array.max() < 2**31)


def as_bytes_array(value) -> np.ndarray:
    """`value` (str, bytes, or nested lists / arrays of them) as TF1 holds a string tensor: an
    object array of `bytes`, with `str` encoded as UTF-8.

    Example:
        >>> as_bytes_array(["Hello", b"TF"])
        array([b'Hello', b'TF'], dtype=object)
    """
    array = np.array(value, dtype=object)
    flat = array.reshape(-1)
    for i, item in enumerate(flat):
        if isinstance(item, str):
            flat[i] = item.encode("utf-8")
        elif isinstance(item, np.bytes_):
            flat[i] = bytes(item)
        elif not isinstance(item, bytes):
            raise TypeError(
                f"Expected string, got {item!r} of type '{type(item).__name__}' instead."
            )
    return array

