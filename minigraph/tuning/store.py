"""The results store: one JSON line per finished trial, written the moment it finishes.

A search that runs for hours must not lose its trials to a crash, a Ctrl-C or a full disk at
the end. So every finished trial is appended to the file as one line of JSON, then flushed and
`fsync`ed before the next trial's result is looked at. Nothing is ever rewritten, except one
thing: a last line cut short by a crash in the middle of a write (no trailing newline, not valid
JSON) is dropped with a warning, and the file is truncated to its last complete line before the
next append, so the new line is not glued onto the broken one.

A search started again with the same file reads it first and skips every trial whose *key*
(round, index, parameters, seed) is already there; see `trial_key`. Lines of other searches
(another seed, another space) simply do not match and are left alone.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Mapping, Optional, Union

PathLike = Union[str, "os.PathLike[str]"]


def trial_key(round_: int, index: int, params: Mapping, seed: int) -> str:
    """The identity of a trial for resuming: the same key means the same trial.

    The parameters are part of the key (as canonical JSON), so a store written for another space
    or seed never passes its trials off as this search's.

    Example:
        >>> from minigraph.tuning.store import trial_key
        >>> trial_key(0, 3, {"lr": 0.01, "b": 1}, 7)
        '0/3/7/{"b": 1, "lr": 0.01}'
    """
    return f"{int(round_)}/{int(index)}/{int(seed)}/{json.dumps(dict(params), sort_keys=True)}"


class TrialStore:
    """An append-only JSON-lines file of finished trials.

    Example:
        >>> import os, tempfile
        >>> from minigraph.tuning.store import TrialStore
        >>> path = os.path.join(tempfile.mkdtemp(), "search.jsonl")
        >>> store = TrialStore(path)
        >>> store.append({"round": 0, "index": 0, "value": 1.5})
        >>> TrialStore(path).load()
        [{'round': 0, 'index': 0, 'value': 1.5}]
    """

    def __init__(self, path: PathLike):
        self.path = os.fspath(path)
        self._checked_tail = False

    def __repr__(self) -> str:
        return f"TrialStore({self.path!r})"

    def load(self) -> list:
        """Every complete record in the file (an empty list if the file does not exist yet)."""
        return [record for _, record in self.load_numbered()]

    def load_numbered(self) -> list:
        """`(line number, record)` for every complete record in the file, so that a caller
        checking what each record holds can name the line of a bad one."""
        if not os.path.exists(self.path):
            return []
        with open(self.path, "rb") as f:
            data = f.read()
        records = []
        lines = data.split(b"\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line.decode("utf-8"))))
            except (ValueError, UnicodeDecodeError) as e:
                if number == len(lines):
                    warnings.warn(
                        f"{self.path}: ignoring a truncated last line ({len(line)} bytes; "
                        "the process writing it probably died). That trial will run again.",
                        stacklevel=2,
                    )
                else:
                    raise ValueError(
                        f"{self.path}, line {number}: not a JSON trial record ({e}). The store "
                        "is append-only JSON lines; remove or fix that line to resume."
                    ) from e
        return records

    def append(self, record: Mapping) -> None:
        """Appends one record as a JSON line, then flushes and fsyncs it to disk."""
        line = json.dumps(dict(record), sort_keys=False) + "\n"
        if not self._checked_tail:
            self._drop_partial_last_line()
            self._checked_tail = True
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def _drop_partial_last_line(self) -> None:
        """Truncates the file after its last newline if it ends in the middle of a line."""
        if not os.path.exists(self.path):
            return
        with open(self.path, "rb+") as f:
            data = f.read()
            if not data or data.endswith(b"\n"):
                return
            start = data.rfind(b"\n") + 1
            try:
                json.loads(data[start:].decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                f.truncate(start)  # a record cut short: drop it, its trial runs again
            else:
                f.write(b"\n")  # a complete record someone wrote without the newline


def as_store(store: Optional[Union[PathLike, TrialStore]]) -> Optional[TrialStore]:
    """`store=` accepts a path, a TrialStore or None."""
    if store is None or isinstance(store, TrialStore):
        return store
    return TrialStore(store)
