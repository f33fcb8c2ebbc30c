"""Option messages that check their fields as TF1's protocol buffers do, without protobuf.

`tf.ConfigProto`, `tf.GraphOptions`, `tf.OptimizerOptions` and `tf.GPUOptions` are protocol
buffer messages in TF1. minigraph reads a few of their fields and must stay numpy-only, so they
are plain classes built on `ProtoMessage`: each lists its fields in `FIELDS` (name -> kind), and
construction and assignment check names and values the way the generated protobuf classes do:

- an unknown field name is a `ValueError` (`AttributeError` on assignment) naming the message,
  the field and the closest known names: 'Protocol message ConfigProto has no "foo" field.';
- a value of the wrong type is a `TypeError` naming the field, the kind it takes and the value;
  an integer outside its field's range is a `ValueError` ('Value out of range: ...');
- a message field takes an instance of its class or a dict of its fields, and reads as an empty
  message when never set, so `config.gpu_options.allow_growth = True` works as in TF1;
- an enum field takes a number or the name of a value ("L0").

Kinds: "int32", "int64", "bool", "double", "string", "repeated" (a list), "map" (a dict),
`Enum(...)`, a `ProtoMessage` subclass, or `OPAQUE` for a message minigraph never reads (any
dict or object is accepted, and reading it gives an object that accepts any attribute).

Example:
    >>> class Point(ProtoMessage):
    ...     FIELDS = {"x": "int32", "label": "string"}
    >>> Point(x=3).x, Point().label
    (3, '')
    >>> Point(y=1)
    Traceback (most recent call last):
    ...
    ValueError: Protocol message Point has no "y" field. Its fields are: label, x.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Mapping

INT_RANGES = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}
SCALAR_DEFAULTS = {"int32": 0, "int64": 0, "bool": False, "double": 0.0, "string": ""}
OPAQUE = "opaque message"


class Enum:
    """An enum field's kind: its value names and numbers, e.g. `Enum(L1=0, L0=-1)`."""

    def __init__(self, **values: int):
        self.values = values

    def default(self) -> int:
        return next(iter(self.values.values()))


class OpaqueMessage:
    """A sub-message minigraph does not read: any attribute can be set and is ignored."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __eq__(self, other) -> bool:
        return isinstance(other, OpaqueMessage) and vars(other) == vars(self)

    __hash__ = None

    def __repr__(self) -> str:
        return "OpaqueMessage(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"


class ProtoMessage:
    """The base of minigraph's option messages: checked fields, message defaults (see module)."""

    FIELDS: dict = {}
    DEFAULTS: dict = {}  # field -> its value when never set, where not its kind's default

    def __init__(self, **fields):
        name = type(self).__name__
        for field in fields:
            if field not in self.FIELDS:
                raise ValueError(unknown_field_message(name, field, self.FIELDS))
        for field, kind in self.FIELDS.items():
            value = fields.get(field)
            if value is None:
                value = self._default(field)
            object.__setattr__(self, field, checked_value(name, field, kind, value))

    def _default(self, field: str):
        if field in self.DEFAULTS:
            return self.DEFAULTS[field]
        return default_value(self.FIELDS[field])

    def __setattr__(self, field: str, value) -> None:
        name = type(self).__name__
        if field not in self.FIELDS:
            raise AttributeError(unknown_field_message(name, field, self.FIELDS))
        object.__setattr__(self, field, checked_value(name, field, self.FIELDS[field], value))

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.FIELDS)

    __hash__ = None  # mutable, as protobuf messages

    def __repr__(self) -> str:
        # (Messages nest at most three deep, ConfigProto > GraphOptions > OptimizerOptions.)
        changed = [f"{f}={getattr(self, f)!r}" for f in self.FIELDS
                   if getattr(self, f) != self._default(f)]
        return f"{type(self).__name__}({', '.join(changed)})"


def unknown_field_message(message: str, field: str, fields: Mapping) -> str:
    """'Protocol message M has no "f" field.', with the closest names or the list of fields."""
    text = f'Protocol message {message} has no "{field}" field.'
    close = difflib.get_close_matches(field, list(fields), n=3, cutoff=0.5)
    if close:
        return text + " Did you mean " + " or ".join(f'"{c}"' for c in close) + "?"
    return text + " Its fields are: " + ", ".join(sorted(fields)) + "."


def default_value(kind):
    """The value a field of `kind` reads as when it was never set."""
    if kind in SCALAR_DEFAULTS:
        return SCALAR_DEFAULTS[kind]
    if kind == "repeated":
        return []
    if kind == "map":
        return {}
    if kind == OPAQUE:
        return OpaqueMessage()
    if isinstance(kind, Enum):
        return kind.default()
    return kind()


def checked_value(message: str, field: str, kind, value):
    """`value` as field `field` of `message` stores it; TypeError/ValueError if it cannot be."""
    if isinstance(kind, Enum):
        return _enum_value(field, kind, value)
    if isinstance(kind, type):
        return _message_value(message, field, kind, value)
    if kind == OPAQUE:
        return OpaqueMessage(**value) if isinstance(value, Mapping) else value
    if kind in INT_RANGES:
        return _int_value(message, field, kind, value)
    expected = {"bool": "bool", "double": "float", "string": "str",
                "repeated": "list", "map": "dict"}[kind]
    converted = _convert(kind, value)
    if converted is None:
        raise TypeError(
            f"{message}.{field} takes a {expected}, but got {value!r} of type "
            f"{type(value).__name__}."
        )
    return converted


def _convert(kind: str, value):
    """`value` converted for a field of `kind`, or None when protobuf would refuse it."""
    if kind == "bool":
        if isinstance(value, numbers.Integral):
            return bool(value)
    elif kind == "double":
        if isinstance(value, numbers.Real):
            return float(value)
    elif kind == "string":
        if isinstance(value, bytes):
            return value.decode("utf-8")
        if isinstance(value, str):
            return value
    elif kind == "repeated":
        if isinstance(value, (list, tuple)):
            return list(value)
    elif kind == "map":
        if isinstance(value, Mapping):
            return dict(value)
    return None


def _int_value(message: str, field: str, kind: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{message}.{field} takes an integer ({kind}), but got {value!r} of type "
            f"{type(value).__name__}: {type(value).__name__!r} object cannot be interpreted as "
            "an integer."
        )
    low, high = INT_RANGES[kind]
    if not low <= int(value) <= high:
        raise ValueError(f"Value out of range: {int(value)} ({message}.{field} is an {kind}).")
    return int(value)


def _enum_value(field: str, kind: Enum, value) -> int:
    names = ", ".join(sorted(kind.values))
    if isinstance(value, str):
        if value not in kind.values:
            raise ValueError(f'unknown enum label "{value}" for {field}: use one of {names}.')
        return kind.values[value]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{field} takes an enum value ({names} or its number), but got "
                        f"{value!r} of type {type(value).__name__}.")
    return int(value)


def _message_value(message: str, field: str, kind: type, value):
    if isinstance(value, kind):
        return value
    if isinstance(value, Mapping):
        return kind(**value)
    raise TypeError(
        f"Parameter to initialize message field {message}.{field} must be dict or instance of "
        f"same class: expected {kind.__name__} got {type(value).__name__}."
    )
