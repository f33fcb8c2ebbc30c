"""Label text for DOT: user text made safe, small constant values, tensor shapes.

User text (op names, scope names, constant values) only ever appears inside quoted labels,
shortened in the middle when a line is longer than `MAX_LABEL_CHARS` (`elide`),
escaped for DOT (`\\` and `"`), with `&` written as `&amp;` so Graphviz cannot read an entity
out of a name, and with control characters shown as visible escapes (`\\n`, `\\x01`). Node and
cluster IDs are generated, never taken from names. So no name can break the DOT file or inject
markup into the SVG.
"""

from __future__ import annotations

import unicodedata
from typing import Optional

import numpy as np

from minigraph.tensor import Tensor
from minigraph.viz.styles import MAX_LABEL_CHARS, MAX_SHOWN_CONST_ELEMENTS

ELLIPSIS = "\u2026"


def elide(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """`text`, or when longer than `limit` characters, its start and end around an ellipsis.

    Example:
        >>> elide("layer_" * 20, 20)
        'layer_laye…er_layer_'
    """
    if len(text) <= limit:
        return text
    head = limit // 2
    tail = limit - 1 - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def visible(text: str) -> str:
    """`text` with characters that cannot be shown (controls, lone surrogates) as escapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif unicodedata.category(ch) in ("Cc", "Cs") or code in (0xFFFE, 0xFFFF):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def escape_line(text: str) -> str:
    """One label line for a DOT quoted string: elided (see `elide`), visible, `\\` and `"`
    escaped, `&` as `&amp;`."""
    # NOTE: Graphviz decodes entities (`&lt;`, `&#1;`) in labels; writing `&` as `&amp;`
    # makes a name like "&#1;" show literally instead of becoming a control character.
    text = visible(elide(text)).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("&", "&amp;")


def label(*lines: str) -> str:
    """A quoted DOT label of several lines, each escaped."""
    return '"' + "\\n".join(escape_line(line) for line in lines) + '"'


def format_value(value) -> Optional[str]:
    """Short text for a small constant's value, or None if it is too big to show."""
    array = np.asarray(value)
    if array.size > MAX_SHOWN_CONST_ELEMENTS:
        return None
    if array.ndim == 0:
        item = array[()]
        if isinstance(item, bytes):  # a string constant holds bytes, as in TF1: show the text
            return item.decode("utf-8", "backslashreplace")
        return str(item)
    return np.array2string(array, separator=", ")


def tensor_text(t: Tensor) -> str:
    """An edge's label: the static shape and dtype, e.g. `(?, 3) float32` (`:1 ...` for an
    op's second output)."""
    text = f"{t.shape} {t.dtype.name}" if t.dtype is not None else str(t.shape)
    if len(t.op.outputs) > 1:
        text = f":{t.value_index} {text}"
    return text
