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



def as_numeric_array(value, dtype: DType) -> np.ndarray:
    """`value` (a number, nested lists of them, an array) as an array of the numeric `dtype`,
    converted as TF1 converts a fed value, by numpy's cast: floats truncated toward zero,
    strings of numbers parsed, numbers as bools by `!= 0`, floats too big for a float16 become
    inf. The casts numpy does silently wrong raise TypeError instead: an integer outside
    `dtype`'s range (numpy wraps 2**40 around to 0 as int32), a NaN, inf or out-of-range float
    as an integer (numpy gives -2**31), `None` (numpy gives NaN) and a complex number (numpy
    drops its imaginary part).

    Example:
        >>> as_numeric_array([1.7, -1.7], int32)
        array([ 1, -1], dtype=int32)
        >>> as_numeric_array(2**40, int32)
        Traceback (most recent call last):
        ...
        TypeError: 1099511627776 is outside the int32 range [-2147483648, 2147483647]. Try ...
    """
    source = value if isinstance(value, np.ndarray) else np.asarray(value)
    kind = source.dtype.kind
    if kind == "O":
        _check_objects(source, dtype)
    elif kind == "c":
        raise TypeError(f"a complex number cannot be held in {dtype.name}; feed np.real(value) "
                        f"or np.abs(value) to say which part is meant.")
    elif source.size and dtype.is_integer and kind in "iuf" and _narrows(source.dtype, dtype):
        _check_range(source.min(), source.max(), dtype)
    try:
        return np.asarray(source, dtype=dtype.np)
    except OverflowError as e:  # a Python int beyond every C integer, as a float
        raise TypeError(f"{e}: it cannot be held in {dtype.name}.") from None


def _narrows(source: np.dtype, dtype: DType) -> _pybool:
    """Whether some values of numpy dtype `source` cannot be held in `dtype`."""
    return not np.can_cast(source, dtype.np)


def _check_objects(source: np.ndarray, dtype: DType) -> None:
    """The checks of `as_numeric_array` for an object array (Nones, Python ints too big for
    int64, anything numpy could not type), one element at a time."""
    for item in source.reshape(-1):
        if item is None:
            raise TypeError(f"None is not a number: a {dtype.name} tensor cannot hold it "
                            f"(TF1 would feed it as NaN).")
        if isinstance(item, complex):
            raise TypeError(f"a complex number cannot be held in {dtype.name}.")
        if isinstance(item, int) and not isinstance(item, _pybool) and dtype.is_integer:
            _check_range(item, item, dtype)


def _check_range(low, high, dtype: DType) -> None:
    """TypeError unless every value in [low, high] (integers, or floats truncated toward zero)
    fits integer `dtype`."""
    if isinstance(low, (float, np.floating)) and not (np.isfinite(low) and np.isfinite(high)):
        bad = low if not np.isfinite(low) else high
        raise TypeError(f"{bad} cannot be held in {dtype.name} (numpy would give "
                        f"{dtype.min}); feed a float placeholder or finite values.")
    if low <= dtype.min - 1 or high >= dtype.max + 1:
        bad = high if high >= dtype.max + 1 else low
        if isinstance(bad, (float, np.floating)):
            raise TypeError(f"{bad} cannot be held in {dtype.name} (integers in "
                            f"[{dtype.min}, {dtype.max}]): numpy would wrap it around.")
        hint = ("Try explicitly setting the type of the feed tensor to a larger type (e.g. "
                "int64)." if dtype != int64 else "int64 is the widest integer type.")
        raise TypeError(f"{int(bad)} is outside the {dtype.name} range "
                        f"[{dtype.min}, {dtype.max}]. {hint}")
