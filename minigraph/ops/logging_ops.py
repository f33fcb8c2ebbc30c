"""Printing from inside a run: TF1's `tf.Print` (an identity that prints) and `tf.print`.

`tf.Print(x, data, message)` returns `x` unchanged and, each time it runs, writes `message`
followed by each data tensor as `[v1 v2 v3...]` to stderr: TF1's summary of a tensor, its first
`summarize` (3) entries in row-major order with nested brackets, "..." where entries were cut.

`tf.print(*inputs)` formats its inputs as Python's `print` would (tensors numpy-style, with the
first and last `summarize` entries of each dim around a "..."), through a `StringFormat` op, and
returns the `PrintV2` op that writes the text: in graph mode it prints only when that op runs
(fetch it, or make it a control dependency). Both write to Python's `sys.stderr` (or stdout) as
it is when the op runs, so notebooks and captured output see them; TF1 wrote to the process's
file descriptors from C++, which a notebook does not show.

Tensors are printed as TF1's C++ prints them: floats with 6 significant digits (9 when 6 would
not read back as the same float32; 15 and 17 for float64), booleans as 1 and 0, strings escaped.
"""

from __future__ import annotations

import logging
import pprint
import random
import sys
import weakref

import numpy as np

from minigraph import dtypes, shapes
from minigraph.graph import name_scope
from minigraph.platform import tf_logging
from minigraph.registry import NotDifferentiable, RegisterGradient, define_op
from minigraph.tensor import Tensor, apply_op, convert_to_tensor


# ---------------------------------------------------------------- TF1's text of a tensor
def _format_float(value, digits: tuple, kind) -> str:
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    short, full = digits
    text = f"{float(value):.{short}g}"
    if kind(float(text)) != value:
        text = f"{float(value):.{full}g}"
    return text


def _c_escape(data: bytes) -> str:
    """C-style escapes of control characters, quotes and backslashes; UTF-8 kept as it is."""
    out = bytearray()
    named = {10: b"\\n", 13: b"\\r", 9: b"\\t", 34: b'\\"', 39: b"\\'", 92: b"\\\\"}
    for byte in data:
        if byte in named:
            out += named[byte]
        elif byte < 32 or byte == 127:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    return out.decode("utf-8", errors="replace")


def format_element(value, dtype: np.dtype, quote: bool = False) -> str:
    """One entry of a tensor as TF1 prints it.

    Example:
        >>> format_element(np.float32(1 / 3), np.dtype(np.float32))
        '0.333333343'
        >>> format_element(True, np.dtype(bool)), format_element(b'a"b', np.dtype(object), True)
        ('1', '"a\\\\"b"')
    """
    if dtype.kind == "f":
        if dtype.itemsize <= 4:
            return _format_float(np.float32(value), (6, 9), np.float32)
        return _format_float(float(value), (15, 17), float)
    if dtype.kind == "b":
        return "1" if value else "0"
    if dtype.kind in "iu":
        return str(int(value))
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    text = _c_escape(data)
    return f'"{text}"' if quote else text


def summarize_v1(array: np.ndarray, summarize: int) -> str:
    """TF1's `Tensor::SummarizeValue`, as `tf.Print` and `tf.Assert` write it: the first
    `summarize` entries (all if negative) in nested brackets, without the outermost ones.

    Example:
        >>> summarize_v1(np.arange(1, 7).reshape(2, 3), 3)
        '[1 2 3]...'
        >>> summarize_v1(np.arange(7), 3)
        '0 1 2...'
    """
    array = np.asarray(array)
    n = array.size
    limit = n if summarize < 0 else min(summarize, n)
    dims = array.shape
    rank = len(dims)
    flat = array.reshape(-1)
    parts = []
    if rank == 0:
        parts = [format_element(flat[0], array.dtype)] if limit else []
    for k in range(limit if rank else 0):
        index = np.unravel_index(k, dims)
        for j in range(1, rank):  # a block of dims j.. starts here: open its bracket
            if all(i == 0 for i in index[j:]):
                parts.append("[")
        if index[-1] > 0:
            parts.append(" ")
        parts.append(format_element(flat[k], array.dtype))
        for j in range(rank - 1, 0, -1):  # a block of dims j.. ends here: close it
            if _block_ends(index, dims, j):
                parts.append("]")
    if 0 < limit < n and rank > 1:
        parts += _cut_blocks_closed(np.unravel_index(limit - 1, dims), dims)
    if n > limit:
        parts.append("...")
    return "".join(parts)


def _block_ends(index: tuple, dims: tuple, j: int) -> bool:
    """True if `index` is the last entry of its block of dims j.. (the block closes after)."""
    return all(i == d - 1 for i, d in zip(index[j:], dims[j:]))


def _cut_blocks_closed(last: tuple, dims: tuple) -> list:
    """What closes the blocks left open when the summary stops after entry `last`: "..." if
    the innermost row was cut, then one "]" per block that did not end."""
    parts = ["..."] if last[-1] < dims[-1] - 1 else []
    parts += ["]" for j in range(len(dims) - 1, 0, -1) if not _block_ends(last, dims, j)]
    return parts


def _dim_spacing(dim: int, rank: int) -> str:
    if dim == rank - 1:
        return " "
    return "\n" * (rank - dim - 1) + " " * (dim + 1)


def summarize_v2(array: np.ndarray, summarize: int) -> str:
    """TF's numpy-like text of a tensor (`tf.print`): each dim with more than 2 * `summarize`
    entries shows its first and last `summarize` around "...".

    Example:
        >>> summarize_v2(np.arange(7), 3)
        '[0 1 2 ... 4 5 6]'
        >>> print(summarize_v2(np.arange(4).reshape(2, 2), 3))
        [[0 1]
         [2 3]]
    """
    array = np.asarray(array)
    n = array.size
    limit = n if summarize < 0 else min(summarize, n)
    flat = array.reshape(-1)
    dims = array.shape
    rank = len(dims)
    if rank == 0:
        return (format_element(flat[0], array.dtype, quote=True) if limit else "") + (
            "..." if n > limit else "")
    strides = [int(np.prod(dims[d + 1:])) for d in range(rank)]
    out = []
    stack = [(0, 0)]  # items: (dim, offset) to expand, or a string to write
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        dim, offset = item
        if dim == rank:
            out.append(format_element(flat[offset], array.dtype, quote=True))
            continue
        count = dims[dim]
        spacing = _dim_spacing(dim, rank)
        children = []
        for i in range(min(limit, count)):
            if i > 0:
                children.append(spacing)
            children.append((dim + 1, offset + strides[dim] * i))
        if count > 2 * limit:
            children += [spacing, "..."]
        for i in range(max(limit, count - limit), count):
            children += [spacing, (dim + 1, offset + strides[dim] * i)]
        stack.append("]")
        stack.extend(reversed(children))
        stack.append("[")
    return "".join(out)


# ---------------------------------------------------------------- Print (tf.Print)
def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """`input_` unchanged; each time it runs, writes `message` and `[summary]` of each tensor in
    `data` to stderr (TF1's `tf.Print`, deprecated in TF 1.15 for `tf.print`).

    Args:
        input_: the tensor passed through.
        data: a list of tensors to print.
        message: text written first.
        first_n: print only the first `first_n` runs (of this session); all if None.
        summarize: how many entries of each tensor to print (3 if None).
        name: the op's name.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.constant([1.0, 2.0, 3.0, 4.0])
        ...     y = tf.Print(x, [x, tf.reduce_sum(x)], "x and its sum: ")
        ...     print(sess.run(y * 2))  # also writes "x and its sum: [1 2 3...][10]" to stderr
        [2. 4. 6. 8.]
    """
    input_ = convert_to_tensor(input_)
    data = [convert_to_tensor(t) for t in data]
    attrs = {
        "message": "" if message is None else str(message),
        "first_n": -1 if first_n is None else int(first_n),
        "summarize": 3 if summarize is None else int(summarize),
    }
    return apply_op("Print", [input_] + data, attrs=attrs, name=name)


_print_counts = weakref.WeakKeyDictionary()  # session state -> {Print op: runs so far}


def _print_kernel(state, op, x, *data):
    first_n = op.attrs["first_n"]
    if first_n >= 0:
        counts = _print_counts.setdefault(state, {})
        if counts.get(op, 0) >= first_n:
            return x
        counts[op] = counts.get(op, 0) + 1
    pieces = [f"[{summarize_v1(d, op.attrs['summarize'])}]" for d in data]
    sys.stderr.write(op.attrs["message"] + "".join(pieces) + "\n")
    sys.stderr.flush()
    return x


def _print_shape(op):
    return op.inputs[0].shape


define_op("Print", kernel=_print_kernel, shape=_print_shape, stateful=True)


@RegisterGradient("Print")
def _print_grad(op, grad):
    """d Print(x, data) = (grad, None for every data tensor): an identity for x."""
    return [grad] + [None] * (len(op.inputs) - 1)


# ---------------------------------------------------------------- StringFormat
class _TemplatePrinter(pprint.PrettyPrinter):
    """pprint that writes `placeholder` for each tensor it meets, collecting them in order."""

    def __init__(self, placeholder: str):
        super().__init__()
        self.placeholder = placeholder
        self.tensors = []

    def format(self, obj, context, maxlevels, level):  # noqa: A003 - pprint's hook
        if isinstance(obj, Tensor) or hasattr(obj, "_as_graph_element"):
            self.tensors.append(convert_to_tensor(obj))
            return self.placeholder, True, False
        return super().format(obj, context, maxlevels, level)


def _template_of(inputs, placeholder: str):
    """The text template of `inputs` (strings as they are, other objects pretty-printed) and
    the tensors that fill its placeholders, in order."""
    printer = _TemplatePrinter(placeholder)
    templates = [x if isinstance(x, str) else printer.pformat(x) for x in inputs]
    return templates, printer.tensors


def _placeholder_for(inputs, sep: str) -> str:
    """"{}", lengthened with random digits (TF's seeded choice) until no input text has it."""
    tensor_free, _ = _template_of(inputs, "")
    text = sep.join(tensor_free)
    placeholder = "{}"
    rng = random.Random(5)
    while placeholder in text:
        placeholder += str(rng.randint(0, 9))
    return placeholder


def string_format(template: str, inputs, placeholder: str = "{}", summarize: int = 3,
                  name=None) -> Tensor:
    """A scalar string: `template` with each `placeholder` replaced by the next tensor of
    `inputs`, formatted numpy-style (`tf.strings.format`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(string_format("x = {}", [tf.range(10)])))
        b'x = [0 1 2 ... 7 8 9]'
    """
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    inputs = [convert_to_tensor(t) for t in inputs]
    if template.count(placeholder) != len(inputs):
        raise ValueError(
            f"{template.count(placeholder)} placeholder(s) in template {template!r} do not "
            f"match the number of inputs ({len(inputs)})."
        )
    attrs = {"template": template, "placeholder": placeholder, "summarize": int(summarize)}
    return apply_op("StringFormat", inputs, attrs=attrs, name=name)


def _string_format_kernel(*values, template, placeholder, summarize):
    pieces = template.split(placeholder)
    text = [pieces[0]]
    for value, piece in zip(values, pieces[1:]):
        text += [summarize_v2(value, summarize), piece]
    return np.array("".join(text).encode("utf-8"), dtype=object)


define_op("StringFormat", kernel=_string_format_kernel, shape=shapes.scalar_output,
          dtype=lambda op: dtypes.string)
NotDifferentiable("StringFormat")


# ---------------------------------------------------------------- PrintV2 (tf.print)
def _stream_name(output_stream) -> str:
    if output_stream is None:
        return "stderr"
    if output_stream is sys.stdout or output_stream is sys.__stdout__:
        return "stdout"
    if output_stream is sys.stderr or output_stream is sys.__stderr__:
        return "stderr"
    levels = {tf_logging.info: "log(info)", tf_logging.warning: "log(warning)",
              tf_logging.error: "log(error)"}
    if output_stream in levels:
        return levels[output_stream]
    if isinstance(output_stream, str) and output_stream.startswith("file://"):
        return output_stream
    raise ValueError(
        f"Unsupported output stream, logging level, or file: {output_stream!r}. Supported: "
        "sys.stdout, sys.stderr, tf.logging.info / warning / error, or 'file://<path>'."
    )


def print_v2(*inputs, output_stream=None, summarize: int = 3, sep: str = " ", end: str = "\n",
             name=None):
    """Prints `inputs` like Python's `print`, when the returned op runs (`tf.print`).

    Tensors are printed numpy-style with the first and last `summarize` entries of each dim
    (-1: all); other objects as `pprint` writes them; a string is written as it is.
    `output_stream` is `sys.stderr` (the default, also when None), `sys.stdout`,
    `tf.logging.info` / `warning` / `error`, or "file://<path>" (appended to).

    Returns:
        The `PrintV2` operation: fetch it, or make it a control dependency, so that it runs.

    Example:
        >>> import sys
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.range(10)
        ...     sess.run(tf.print("x:", x, output_stream=sys.stdout))
        x: [0 1 2 ... 7 8 9]
    """
    stream = _stream_name(output_stream)
    with name_scope(name, "PrintV2"):
        if len(inputs) == 1 and isinstance(inputs[0], Tensor) and (
                inputs[0].dtype == dtypes.string and inputs[0].shape.ndims == 0):
            text = inputs[0]
        else:
            placeholder = _placeholder_for(inputs, sep)
            templates, tensors = _template_of(inputs, placeholder)
            text = string_format(sep.join(templates), tensors, placeholder=placeholder,
                                 summarize=summarize)
        return apply_op("PrintV2", [text], attrs={"output_stream": stream, "end": end},
                        name="PrintV2")


def _print_v2_kernel(state, op, text):
    ended = (text.item() if isinstance(text, np.ndarray) else text).decode("utf-8", "replace")
    ended += op.attrs["end"]
    stream = op.attrs["output_stream"]
    if stream in ("stdout", "stderr"):
        target = sys.stdout if stream == "stdout" else sys.stderr
        target.write(ended)
        target.flush()
    elif stream.startswith("log("):
        level = {"log(info)": logging.INFO, "log(warning)": logging.WARNING}.get(
            stream, logging.ERROR)
        tf_logging.log(level, ended[:-1] if ended.endswith("\n") else ended)
    else:
        with open(stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(ended)


define_op("PrintV2", kernel=_print_v2_kernel, shape=shapes.no_outputs, stateful=True)
NotDifferentiable("PrintV2")


