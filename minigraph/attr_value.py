"""minigraph values as TensorFlow protos, and back: dtypes, shapes, tensors and op attributes.

A `GraphDef` stores each op attribute as an `AttrValue`, a protobuf union of a bool (`b`), an
int64 (`i`), a float32 (`f`), bytes (`s`), a dtype (`type`), a shape, a tensor, a list of one of
those, or a named map of attributes (`func`). minigraph keeps attributes as plain Python values,
so this module maps one to the other, losslessly for every value minigraph's ops hold:

| Python value | AttrValue | read back as |
|---|---|---|
| `True` | `b: true` | `True` |
| `3` | `i: 3` | `3` |
| `0.5` (exact in float32) | `f: 0.5` | `0.5` |
| `0.2` (not exact in float32) | `func {name: "float64" attr {repr: "0.2"}}` | `0.2` |
| `"SAME"`, `b"x"` | `s: "SAME"` | `"SAME"` (bytes that are not UTF-8 stay bytes) |
| `tf.float32` | `type: DT_FLOAT` | `tf.float32` |
| `TensorShape([None, 3])` | `shape {dim {size: -1} dim {size: 3}}` | `TensorShape([None, 3])` |
| numpy array | `tensor {...}` (a `TensorProto`) | numpy array (strings: `str` if UTF-8) |
| `(1, 0)`, `[1, 0]` (one kind of item) | `list {i: 1 i: 0}` | `(1, 0)` (always a tuple) |
| `None` | an empty `AttrValue` | `None` |
| `slice(1, None, 2)`, `...` | `func {name: "slice" ...}`, `func {name: "Ellipsis"}` | the same |
| a tuple mixing kinds (an index spec) | `func {name: "tuple" attr {"0": ... "1": ...}}` | a tuple |

The `func` encodings are minigraph's own (TensorFlow has no attribute holding a Python slice);
TensorBoard shows them as nested attributes. A value of any other Python type is written as
`func {name: "repr"}` holding its `repr`, so exporting a graph never fails, and importing it
raises a `ValueError` naming the attribute.

Example:
    >>> import minigraph as tf
    >>> from minigraph import attr_value
    >>> proto = attr_value.to_attr((slice(None, None, -1), 0))
    >>> attr_value.from_attr(proto)
    (slice(None, None, -1), 0)
    >>> attr_value.from_attr(attr_value.to_attr(tf.TensorShape([None, 3])))
    TensorShape([Dimension(None), Dimension(3)])
"""

from __future__ import annotations

import math

import numpy as np

from minigraph import dtypes, protos, shapes

_FEATURE = "Writing or reading TensorFlow protos (GraphDef, Summary, event files)"

# DataType enum values of tensorflow/core/framework/types.proto; `_ref` types add 100.
_ENUM_OF = {
    "float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7,
    "int64": 9, "bool": 10, "float16": 19, "resource": 20, "variant": 21,
}
_DTYPE_OF = {enum: dtypes.as_dtype(name) for name, enum in _ENUM_OF.items()}
_REF_OFFSET = 100

# The TensorProto field holding values of each dtype when `tensor_content` is not used.
_VALUE_FIELD = {
    "float32": "float_val", "float64": "double_val", "int32": "int_val", "uint8": "int_val",
    "int16": "int_val", "int8": "int_val", "int64": "int64_val", "bool": "bool_val",
    "float16": "half_val", "string": "string_val",
}

_LIST_FIELDS = ("s", "i", "f", "b", "type", "shape", "tensor", "func")


def _pb(module: str):
    return protos.load(module, _FEATURE)


# ---------------------------------------------------------------- dtypes
def dtype_to_enum(dtype) -> int:
    """The `DataType` enum value of `dtype` (`tf.float32` -> 1, i.e. `DT_FLOAT`).

    Example:
        >>> import minigraph as tf
        >>> dtype_to_enum(tf.int32)
        3
    """
    dtype = dtypes.as_dtype(dtype)
    try:
        return _ENUM_OF[dtype.name]
    except KeyError:
        raise TypeError(f"minigraph has no DataType enum for dtype {dtype.name}.") from None


def dtype_from_enum(enum: int) -> dtypes.DType:
    """The minigraph dtype of `DataType` enum value `enum` (`_ref` types as their base type).

    Example:
        >>> dtype_from_enum(101)
        tf.float32
    """
    base = enum - _REF_OFFSET if enum > _REF_OFFSET else enum
    if base not in _DTYPE_OF:
        name = _pb("types_pb2").DataType.Name(enum) if enum >= 0 else str(enum)
        raise TypeError(
            f"TensorFlow dtype {name} has no minigraph equivalent (minigraph has "
            f"{sorted(_ENUM_OF)})."
        )
    return _DTYPE_OF[base]


# ---------------------------------------------------------------- shapes
def shape_to_proto(shape):
    """A `TensorShapeProto`: unknown dims are -1, an unknown rank sets `unknown_rank`.

    Example:
        >>> import minigraph as tf
        >>> [d.size for d in shape_to_proto(tf.TensorShape([None, 3])).dim]
        [-1, 3]
    """
    shape = shapes.as_shape(shape)
    proto = _pb("tensor_shape_pb2").TensorShapeProto()
    dims = shape.as_tuple()
    if dims is None:
        proto.unknown_rank = True
        return proto
    for size in dims:
        proto.dim.add(size=-1 if size is None else int(size))
    return proto


def shape_from_proto(proto) -> shapes.TensorShape:
    """The `TensorShape` of a `TensorShapeProto`.

    Example:
        >>> shape_from_proto(shape_to_proto([2, None]))
        TensorShape([Dimension(2), Dimension(None)])
    """
    if proto.unknown_rank:
        return shapes.unknown_shape()
    return shapes.TensorShape([None if d.size < 0 else int(d.size) for d in proto.dim])


# ---------------------------------------------------------------- tensors
def tensor_to_proto(value):
    """A `TensorProto` of a numpy array, as TF writes it: raw little-endian bytes in
    `tensor_content` for numeric arrays of more than one element, else (and for bools and
    strings) the typed value list.

    Example:
        >>> import numpy as np
        >>> tensor_to_proto(np.float32(2.5)).float_val
        [2.5]
    """
    array = np.asarray(value)
    if array.dtype.kind in "US":
        array = array.astype(object)
    dtype = dtypes.as_dtype(array.dtype)
    proto = _pb("tensor_pb2").TensorProto(dtype=dtype_to_enum(dtype))
    proto.tensor_shape.CopyFrom(shape_to_proto(array.shape))
    if dtype == dtypes.string:
        proto.string_val.extend(
            item if isinstance(item, bytes) else str(item).encode("utf-8")
            for item in array.reshape(-1)
        )
    elif array.size > 1 and dtype != dtypes.bool:
        proto.tensor_content = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    elif dtype == dtypes.float16:
        proto.half_val.extend(int(bits) for bits in array.reshape(-1).view(np.uint16))
    else:
        getattr(proto, _VALUE_FIELD[dtype.name]).extend(array.reshape(-1).tolist())
    return proto


def tensor_from_proto(proto) -> np.ndarray:
    """The numpy array of a `TensorProto`; a short value list is padded with its last value,
    as TensorFlow does (`float_val: 0` with shape [3, 2] is six zeros). Strings that are UTF-8
    come back as `str`, as minigraph's string constants hold them.

    Example:
        >>> import numpy as np
        >>> tensor_from_proto(tensor_to_proto(np.arange(6).reshape(2, 3))).tolist()
        [[0, 1, 2], [3, 4, 5]]
    """
    dtype = dtype_from_enum(proto.dtype)
    shape = shape_from_proto(proto.tensor_shape)
    if not shape.is_fully_defined():
        raise ValueError(f"A TensorProto must have a fully defined shape, got {shape}.")
    dims = shape.as_tuple()
    count = math.prod(dims)
    if proto.tensor_content and dtype != dtypes.string:
        flat = np.frombuffer(proto.tensor_content, dtype=dtype.np.newbyteorder("<"))
        if flat.size != count:
            raise ValueError(
                f"A TensorProto of shape {list(dims)} holds {flat.size} values in tensor_content."
            )
        return flat.astype(dtype.np).reshape(dims)
    if dtype == dtypes.string:
        values = [_text_or_bytes(item) for item in proto.string_val]
        flat = np.empty(len(values), dtype=object)
        flat[:] = values
    elif dtype == dtypes.float16:
        flat = np.array(list(proto.half_val), dtype=np.uint16).view(np.float16)
    else:
        flat = np.array(list(getattr(proto, _VALUE_FIELD[dtype.name])), dtype=dtype.np)
    if flat.size == count:
        return flat.reshape(dims)
    if flat.size > count:
        raise ValueError(f"A TensorProto of shape {list(dims)} holds {flat.size} values.")
    if dtype == dtypes.string:
        filled = np.full(count, "", dtype=object)
    else:
        filled = np.zeros(count, dtype=dtype.np)
    if flat.size:
        filled[: flat.size] = flat
        filled[flat.size:] = flat[-1]
    return filled.reshape(dims)


def _text_or_bytes(data: bytes):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


# ---------------------------------------------------------------- attributes
def _kind(value) -> str:
    """The AttrValue field a scalar `value` goes in, or "" if it has none."""
    if value is None or value is Ellipsis or isinstance(value, slice):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "b"
    if isinstance(value, (int, np.integer)):
        return "i" if -(1 << 63) <= int(value) < (1 << 63) else ""
    if isinstance(value, (float, np.floating)):
        return "f" if _exact_in_float32(float(value)) else ""
    if isinstance(value, (str, bytes)):
        return "s"
    if isinstance(value, dtypes.DType):
        return "type"
    if isinstance(value, shapes.TensorShape):
        return "shape"
    if isinstance(value, np.ndarray):
        return "tensor"
    return ""


def _exact_in_float32(value: float) -> bool:
    if not np.isfinite(value):
        return True
    with np.errstate(over="ignore"):
        return float(np.float32(value)) == value


def _native(kind: str, value):
    """`value` in the form AttrValue's field `kind` takes."""
    if kind == "b":
        return bool(value)
    if kind == "i":
        return int(value)
    if kind == "f":
        return float(value)
    if kind == "s":
        return value if isinstance(value, bytes) else value.encode("utf-8")
    if kind == "type":
        return dtype_to_enum(value)
    if kind == "shape":
        return shape_to_proto(value)
    return tensor_to_proto(value)


def to_attr(value):
    """The `AttrValue` proto of an attribute value (see the module docstring for the mapping).

    Example:
        >>> to_attr(True).b, list(to_attr((1, 0)).list.i)
        (True, [1, 0])
    """
    attr_value_pb2 = _pb("attr_value_pb2")
    proto = attr_value_pb2.AttrValue()
    if value is None:
        return proto
    kind = _kind(value)
    if kind in ("shape", "tensor"):
        getattr(proto, kind).CopyFrom(_native(kind, value))
        return proto
    if kind:
        setattr(proto, kind, _native(kind, value))
        return proto
    if isinstance(value, (list, tuple)):
        kinds = {_kind(item) for item in value}
        if len(kinds) == 1 and "" not in kinds:
            kind = kinds.pop()
            getattr(proto.list, kind).extend(_native(kind, item) for item in value)
            return proto
        if not value:
            proto.list.SetInParent()
            return proto
    proto.func.CopyFrom(_boxed(value))
    return proto


def _boxed(value):
    """A `NameAttrList` standing for a value AttrValue has no field for."""
    box = _pb("attr_value_pb2").NameAttrList()
    if value is Ellipsis:
        box.name = "Ellipsis"
    elif isinstance(value, slice):
        box.name = "slice"
        for key in ("start", "stop", "step"):
            box.attr[key].CopyFrom(to_attr(getattr(value, key)))
    elif isinstance(value, (float, np.floating)):
        box.name = "float64"
        box.attr["repr"].s = repr(float(value)).encode("ascii")
    elif isinstance(value, (list, tuple)):
        box.name = "tuple" if isinstance(value, tuple) else "list"
        for index, item in enumerate(value):
            box.attr[str(index)].CopyFrom(to_attr(item))
    else:
        box.name = "repr"
        box.attr["type"].s = type(value).__name__.encode("utf-8")
        box.attr["repr"].s = repr(value).encode("utf-8")
    return box


def from_attr(proto, where: str = "an attribute"):
    """The Python value of an `AttrValue` (the inverse of `to_attr`; lists come back as tuples).

    Args:
        proto: the AttrValue.
        where: how to name the attribute in errors, e.g. "attr 'spec' of node 'a' (StridedSlice)".

    Example:
        >>> from_attr(to_attr([2, 3]))
        (2, 3)
    """
    field = proto.WhichOneof("value")
    if field is None:
        return None
    if field in ("b", "i", "f"):
        return getattr(proto, field)
    if field == "s":
        return _text_or_bytes(proto.s)
    if field == "type":
        return dtype_from_enum(proto.type)
    if field == "shape":
        return shape_from_proto(proto.shape)
    if field == "tensor":
        return tensor_from_proto(proto.tensor)
    if field == "list":
        return _from_list(proto.list, where)
    if field == "func":
        return _unboxed(proto.func, where)
    raise ValueError(f"{where} is an AttrValue '{field}', which minigraph cannot read.")


def _from_list(values, where: str) -> tuple:
    for field in _LIST_FIELDS:
        items = getattr(values, field)
        if not items:
            continue
        if field == "s":
            return tuple(_text_or_bytes(item) for item in items)
        if field == "type":
            return tuple(dtype_from_enum(item) for item in items)
        if field == "shape":
            return tuple(shape_from_proto(item) for item in items)
        if field == "tensor":
            return tuple(tensor_from_proto(item) for item in items)
        if field == "func":
            return tuple(_unboxed(item, where) for item in items)
        return tuple(items)
    return ()


def _unboxed(box, where: str):
    if box.name == "Ellipsis":
        return Ellipsis
    if box.name == "slice":
        return slice(*(from_attr(box.attr[key], where) for key in ("start", "stop", "step")))
    if box.name == "float64":
        return float(box.attr["repr"].s.decode("ascii"))
    if box.name in ("tuple", "list"):
        items = [from_attr(box.attr[str(i)], where) for i in range(len(box.attr))]
        return tuple(items) if box.name == "tuple" else items
    if box.name == "repr":
        raise ValueError(
            f"{where} holds a Python {box.attr['type'].s.decode()} object "
            f"({box.attr['repr'].s.decode()}) that a GraphDef cannot carry, so the op cannot be "
            "rebuilt from the file."
        )
    raise ValueError(
        f"{where} is a function reference ({box.name!r}); minigraph graphs have no functions."
    )
