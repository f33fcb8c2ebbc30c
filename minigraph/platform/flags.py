"""`tf.flags` (also `tf.app.flags`): TF1's command-line flags, in the few forms tutorials use.

TF1 wrapped absl's flags; this is a small stand-alone subset: `DEFINE_string`, `DEFINE_integer`,
`DEFINE_float`, `DEFINE_boolean` (and `DEFINE_bool`), and `FLAGS`, which parses `sys.argv` the
first time a flag is read (or when `tf.app.run` starts). Accepted forms: `--name=value`,
`--name value`, `--flag` / `--noflag` for booleans, and `--` to end the flags. Flags that were
never defined are left in the remaining arguments instead of raising, so a notebook kernel's
own arguments (`-f kernel.json`) do not stop the program (TF1 raised UnrecognizedFlagError there).

Example:
    >>> from minigraph.platform import flags
    >>> fv = flags.FlagValues()
    >>> _ = flags.DEFINE_integer("batch_size", 32, "Minibatch size.", flag_values=fv)
    >>> _ = flags.DEFINE_boolean("fake_data", False, "Use fake data.", flag_values=fv)
    >>> fv(["prog", "--batch_size=64", "--fake_data", "rest"])
    ['prog', 'rest']
    >>> fv.batch_size, fv.fake_data
    (64, True)
"""

from __future__ import annotations

import sys as _sys
from typing import Callable, Optional


class Error(Exception):
    """The base class of flag errors."""


class DuplicateFlagError(Error):
    """A flag was defined twice."""


class IllegalFlagValueError(Error):
    """A flag's value on the command line cannot be parsed as its type."""


class UnparsedFlagAccessError(Error, AttributeError):
    """Kept for TF1's import paths; minigraph parses flags on first access instead."""


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "t", "1", "yes", "y"):
        return True
    if lowered in ("false", "f", "0", "no", "n"):
        return False
    raise ValueError(f"Non-boolean argument to boolean flag: {text!r}")


class _Flag:
    def __init__(self, name: str, default, help_text: str, parse: Callable, kind: str):
        self.name = name
        self.default = default
        self.help = help_text
        self.parse = parse
        self.kind = kind
        self.value = default

    def set_from_text(self, text: str) -> None:
        try:
            self.value = self.parse(text)
        except ValueError as e:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {e}") from None


class FlagValues:
    """The registry of defined flags; attribute access reads a flag's value.

    Example:
        >>> fv = FlagValues()
        >>> _ = DEFINE_float("learning_rate", 0.01, "Initial learning rate.", flag_values=fv)
        >>> fv(["prog", "--learning_rate", "0.5"]) and fv.learning_rate
        0.5
    """

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    def _define(self, flag: _Flag) -> None:
        if flag.name in self._flags:
            first = self._flags[flag.name]
            raise DuplicateFlagError(
                f"The flag '{flag.name}' is defined twice. Description from first occurrence: "
                f"{first.help}"
            )
        self._flags[flag.name] = flag

    def __call__(self, argv, known_only: bool = True) -> list:
        """Parses `argv` (program name first); returns the program name and the arguments
        that are not defined flags."""
        argv = list(argv)
        remaining = argv[:1]
        args = argv[1:]
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                remaining.extend(args[i:])
                break
            consumed = self._parse_one(arg, args[i] if i < len(args) else None)
            if consumed is None:
                remaining.append(arg)
            else:
                i += consumed
        object.__setattr__(self, "_parsed", True)
        return remaining

    def _parse_one(self, arg: str, following: Optional[str]) -> Optional[int]:
        """Sets the flag `arg` names; returns how many following arguments it used (None if
        `arg` is not a defined flag)."""
        if not arg.startswith("-") or arg == "-":
            return None
        name, has_value, text = arg.lstrip("-").partition("=")
        flag = self._flags.get(name)
        if flag is None and name.startswith("no") and not has_value:
            negated = self._flags.get(name[2:])
            if negated is not None and negated.kind == "bool":
                negated.value = False
                return 0
        if flag is None:
            return None
        if has_value:
            flag.set_from_text(text)
            return 0
        if flag.kind == "bool":
            flag.value = True
            return 0
        if following is None:
            raise IllegalFlagValueError(f"flag --{name}: needs a value (--{name}=VALUE)")
        flag.set_from_text(following)
        return 1

    def is_parsed(self) -> bool:
        """Whether the command line has been parsed."""
        return self._parsed

    def mark_as_parsed(self) -> None:
        """Takes the defaults (and values set so far) as final; `sys.argv` is not read."""
        object.__setattr__(self, "_parsed", True)

    def flag_values_dict(self) -> dict:
        """`{name: value}` for every defined flag."""
        self._ensure_parsed()
        return {name: flag.value for name, flag in self._flags.items()}

    def _ensure_parsed(self) -> None:
        if not self._parsed:
            self(_sys.argv)

    def __getattr__(self, name: str):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(name)
        self._ensure_parsed()
        return flags[name].value

    def __setattr__(self, name: str, value) -> None:
        if name not in self._flags:
            raise AttributeError(f"Unknown flag {name!r}: define it first (tf.flags.DEFINE_...).")
        self._flags[name].value = value

    def __contains__(self, name: str) -> bool:
        return name in self._flags

    def __dir__(self) -> list:
        return sorted(set(super().__dir__()) | set(self._flags))


FLAGS = FlagValues()


def _define(name, default, help_text, parse, kind, flag_values):
    flag_values = FLAGS if flag_values is None else flag_values
    flag = _Flag(name, default, help_text, parse, kind)
    if isinstance(default, str) and kind != "string":  # absl parses "0.5" as a float default
        flag.set_from_text(default)
        flag.default = flag.value
    flag_values._define(flag)
    return flag


def DEFINE_string(name: str, default: Optional[str], help: str,  # noqa: N802, A002
                  flag_values: Optional[FlagValues] = None, **kwargs):
    """Defines a string flag `--name` (TF1's `tf.flags.DEFINE_string`)."""
    return _define(name, default, help, str, "string", flag_values)


def DEFINE_integer(name: str, default: Optional[int], help: str,  # noqa: N802, A002
                   flag_values: Optional[FlagValues] = None, **kwargs):
    """Defines an integer flag `--name`."""
    return _define(name, default, help, int, "int", flag_values)


def DEFINE_float(name: str, default: Optional[float], help: str,  # noqa: N802, A002
                 flag_values: Optional[FlagValues] = None, **kwargs):
    """Defines a float flag `--name`."""
    return _define(name, default, help, float, "float", flag_values)


def DEFINE_boolean(name: str, default: Optional[bool], help: str,  # noqa: N802, A002
                   flag_values: Optional[FlagValues] = None, **kwargs):
    """Defines a boolean flag: `--name`, `--noname` or `--name=false`."""
    return _define(name, default, help, _parse_bool, "bool", flag_values)


DEFINE_bool = DEFINE_boolean
