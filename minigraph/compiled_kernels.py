"""Compiled loop kernels: element-wise loops described once, run by C, numba or numpy blocks.

numpy runs a chain such as `m = b1 * m + (1 - b1) * g` as one pass over memory per operation,
each into a new array; a compiled loop reads every input once and writes every output once.
The element-wise fusion pass (`minigraph.plan_fusion`) and the fused optimizer updates
(`minigraph.ops.training_ops`) describe their loops as a `Loop` (the operands and how each is
indexed, the scalar statements of the body, the stores) and get a compiled function from
`compile_loop`.

Three backends run a `Loop` (`backend()`), chosen by measurement (docs/performance.md, "Loops
in C"):

- `c` (the default when a C compiler is found: `CC`, else `cc` on `PATH`):
  `minigraph.c_kernels` writes the loop in C, compiles it with the system's compiler and loads
  it with ctypes. As fast as numba's loops or faster (a call costs about 1 us, numba's 1.3),
  with no LLVM in the process: the batch-2048 training step peaks at 116 MB, numba's at 234.
- `numba` (without a compiler, when numba is installed: the `fast` extra,
  `pip install minigraph[fast]`): the loop's Python source compiled by numba, imported on first
  use only (about a second, and 125 MB of resident memory for LLVM).
- `numpy`: `minigraph.chunked_kernels`, the same statements as numpy ufunc calls over
  cache-sized blocks (no compiler, no JIT; 1.4-3.6x slower per call than a compiled loop).

`MINIGRAPH_JIT=c|numba|numpy` chooses one for the process (falling back in that order when one
cannot run), `MINIGRAPH_JIT=0` turns loops off. `available()` says whether loops can be used,
and every caller keeps a plain numpy path for when they cannot, or for small arrays until a
backend has been loaded (`loaded()`): a program touching only small arrays never imports numba
or runs the compiler.

Compiled code is cached on disk under the kernel cache directory (`MINIGRAPH_CACHE_DIR`, else
`$XDG_CACHE_HOME/minigraph`, else `~/.cache/minigraph`): C libraries in `c/`, numba's sources in
`loops/` and its cache in their `__pycache__`; nothing is written next to minigraph's sources or
into the working directory. When the directory cannot be written, kernels are compiled without
a cache. Building a loop takes 0.1-0.5 s (C or numba); loading a cached one about a millisecond.

Loops round exactly as numpy does: the statements are IEEE float operations in the order
written, compiled without fast-math (so no reassociation or fused multiply-add), with numpy's
error model (a division by zero gives inf or NaN, as numpy's does). Where two NaN operands meet,
which one's sign and payload the result keeps may differ (IEEE 754 leaves it open).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
import threading
from typing import Callable, Optional

import numpy as np

from minigraph.kernel_cache import cache_dir as cache_dir

# How each operand of a loop is indexed: a full array, a row (one value per column, 2-d loops),
# a column (one value per row), or a scalar.
FULL, ROW, COLUMN, SCALAR = "F", "R", "C", "S"

# Below this many elements numpy's kernels are about as fast as a compiled loop's call, and a
# program touching only such arrays never pays for importing numba or running the C compiler.
MIN_ELEMENTS = 1 << 14
# What runs the loops unless `MINIGRAPH_JIT` says (see `backend()`).
DEFAULT_BACKEND = "c"

_LOOP_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_lock = threading.Lock()
_compiled = {}  # source -> compiled function (one per process)
_state = {"numba": None, "c": False}  # the numba module once imported (False: not
# available); whether a C loop has been loaded
_backends = {}  # (MINIGRAPH_JIT, DEFAULT_BACKEND, numba unavailable) -> backend()


class Loop:
    """An element-wise loop of rank 1 or 2 over the shape of its outputs.

    Args:
        operands: `(name, layout)` for each input argument, layout one of FULL, ROW, COLUMN,
            SCALAR (ROW and COLUMN only in 2-d loops).
        body: statements computing local scalars from the loaded operands, e.g.
            `["t0 = (x0 * x1)", "t1 = (t0 + x2)"]`; each operand's element is the local of
            its name.
        stores: `(output name, local name)` for each output array argument. An output named
            as a FULL operand is that operand's array, written in place (not a separate
            argument): see the note in `source`.
        rank: 1 or 2.

    Example:
        >>> loop = Loop([("a", FULL), ("b", SCALAR)], ["t = (a * b)"], [("out", "t")], 1)
        >>> print(loop.source().split("\\n    ", 1)[1])
        n0 = out.shape[0]
            for i in range(n0):
                a_ = a[i]
                t = (a_ * b)
                out[i] = t
        <BLANKLINE>
    """

    def __init__(self, operands: list, body: list, stores: list, rank: int):
        self.operands = list(operands)
        self.body = list(body)
        self.stores = list(stores)
        self.rank = rank
        self.function = None  # numba's, set by compile_loop
        self.c_function = None  # the C loop's, set by c_kernels.compile_loop

    def source(self) -> str:
        """The Python source of the loop's function, `kernel(*operands, *outputs)`, the outputs
        that are operands written in place not repeated.

        NOTE: an output array that is an input's memory must be written through that input's
        argument. LLVM vectorizes the loop behind a run-time check that no output overlaps an
        input and runs a scalar loop when one does, about 4x slower (Adam on 25x12288 float32:
        1.0 ms against 0.27 ms), so passing the same array as an input and as an output costs
        the vector loop.
        """
        operand_names = {name for name, _ in self.operands}
        outputs = [name for name, _ in self.stores if name not in operand_names]
        names = [name for name, _ in self.operands] + outputs
        lines = ["def kernel(" + ", ".join(names) + "):"]
        first_out = (outputs or [name for name, _ in self.stores])[0]
        if self.rank == 1:
            lines += [f"    n0 = {first_out}.shape[0]", "    for i in range(n0):"]
            indent, index = " " * 8, {FULL: "[i]"}
        else:
            lines += [f"    n0, n1 = {first_out}.shape", "    for i in range(n0):",
                      "        for j in range(n1):"]
            indent, index = " " * 12, {FULL: "[i, j]", ROW: "[j]", COLUMN: "[i]"}
        body, local = body_lines(self, indent, index)
        lines += body
        full = index[FULL]
        for out, value in self.stores:
            lines.append(f"{indent}{out}{full} = {local.get(value, value)}")
        return "\n".join(lines) + "\n"


def body_lines(loop: Loop, indent: str, index: dict) -> tuple:
    """(the lines of `loop`'s body before its stores, operand name -> its local): each array
    operand's element loaded into the local `<name>_` (indexed as `index[layout]` says), then
    the statements on those locals."""
    lines, local = [], {}
    for name, layout in loop.operands:
        if layout == SCALAR:
            local[name] = name
        else:
            local[name] = name + "_"
            lines.append(f"{indent}{name}_ = {name}{index[layout]}")
    return lines + [indent + _renamed(statement, local) for statement in loop.body], local


def _renamed(statement: str, local: dict) -> str:
    """`statement` with each operand name replaced by the local holding its element."""
    return re.sub(r"\b[A-Za-z_]\w*\b", lambda m: local.get(m.group(0), m.group(0)), statement)


# ---------------------------------------------------------------- availability
def available() -> bool:
    """Whether loops can be used: `backend()` is not "" (`MINIGRAPH_JIT` is not 0).

    With the numba backend, the first call that answers True imports numba (about a second).

    Example:
        >>> available() in (True, False)
        True
    """
    kind = backend()
    if kind != "numba":
        return kind in ("numpy", "c")
    numba = _state["numba"]
    if numba is None:
        numba = _import_numba()
    return numba is not False


def backend() -> str:
    """What runs the loops: "c" (`minigraph.c_kernels`: C compiled by the system's compiler),
    "numba", "numpy" (`minigraph.chunked_kernels`: numpy's ufuncs over cache-sized blocks, no
    JIT) or "" (none: the plain kernels). `MINIGRAPH_JIT` chooses: `c`, `numba` (or `1`),
    `numpy`, `0`; unset, `DEFAULT_BACKEND`. C falls back to numba when no compiler is found
    (`CC`, else `cc` on `PATH`), numba to numpy when it is not installed.

    Example:
        >>> backend() in ("c", "numba", "numpy", "")
        True
    """
    raw = os.environ.get("MINIGRAPH_JIT", "")
    key = (raw, DEFAULT_BACKEND, _state["numba"] is False, os.environ.get("CC"),
           os.environ.get("PATH"))
    known = _backends.get(key)  # (a kernel asks several times a step: no string work then)
    if known is not None:
        return known
    setting = raw.strip().lower()
    if setting in ("0", "false", "no", "off"):
        kind = ""
    else:
        kind = {"1": "numba", "true": "numba", "yes": "numba", "on": "numba", "numba": "numba",
                "numpy": "numpy", "chunked": "numpy", "c": "c"}.get(setting, DEFAULT_BACKEND)
        if kind == "c":
            from minigraph import c_kernels

            kind = "c" if c_kernels.usable() else "numba"
        kind = ("numba" if kind == "numba" and _state["numba"] is not False and installed()
                else kind if kind == "c" else "numpy")
    if len(_backends) < 64:
        _backends[key] = kind
    return kind


def loaded() -> bool:
    """Whether loops are ready at no further fixed cost: numba has been imported (by an earlier
    `available()`), or a C loop has been built or loaded in this process. (Until then, only
    arrays of `MIN_ELEMENTS` or more run loops: a program of small arrays never pays for
    numba's import or the C compiler.)

    Example:
        >>> loaded() in (True, False)
        True
    """
    if _state["c"] or _c_loaded():
        return True
    numba = _state["numba"]
    return numba is not None and numba is not False


def _c_loaded() -> bool:
    """Whether `minigraph.c_kernels` has loaded a loop (it is not imported for the answer)."""
    c_kernels = sys.modules.get("minigraph.c_kernels")
    _state["c"] = c_kernels is not None and c_kernels.loaded()
    return _state["c"]


def installed() -> bool:
    """Whether numba can be imported (without importing it).

    Example:
        >>> installed() in (True, False)
        True
    """
    if _state["numba"] is not None:
        return _state["numba"] is not False
    return importlib.util.find_spec("numba") is not None


def worth_compiling(*arrays) -> bool:
    """Whether a compiled loop should update `arrays` (in place, flattened): they are
    C-contiguous, non-empty float32 or float64 arrays (numba has no float16) of one shape and
    dtype, and compiled kernels are `available()`; until a backend is `loaded()`, only arrays of
    `MIN_ELEMENTS` or more, which load it (numba's import, or the C compiler's first loop).

    Once loaded, a loop beats numpy's passes at any size (measured on the optimizer updates,
    CPU time: RMSProp on 64 float32 elements 4.4 us against 16.5 us for numpy's ten passes,
    Adam 2.9 against 24.4, gradient descent 2.3 against 4.4, with numba; the C loops' call
    costs about 1 us, numba's 1.3: `python bench/c_loops.py`).

    Example:
        >>> import numpy as np
        >>> worth_compiling(np.zeros(10, np.int32), np.zeros(10, np.int32))
        False
    """
    first = arrays[0]
    size = first.size
    if size < (1 if _state["numba"] or _state["c"] or _c_loaded() else MIN_ELEMENTS):
        return False
    for array in arrays:
        if (array.__class__ is not np.ndarray or array.shape != first.shape
                or array.dtype != first.dtype or not array.flags.c_contiguous):
            return False
    return first.dtype in _LOOP_DTYPES and available()


def _import_numba():
    with _lock:
        if _state["numba"] is None:
            try:
                import numba
            except ImportError:
                numba = False
            _state["numba"] = numba
    return _state["numba"]


# ---------------------------------------------------------------- compiling
def compile_loop(loop: Loop) -> Callable:
    """The compiled function of `loop`, `kernel(*operand values, *output arrays)`: compiled
    once per process, and cached on disk across processes. Needs `available()`.

    Example:
        >>> import numpy as np
        >>> if available():
        ...     kernel = compile_loop(Loop([("a", FULL)], ["t = (a + a)"], [("out", "t")], 1))
        ...     out = np.empty(3, np.float32)
        ...     kernel(np.arange(3, dtype=np.float32), out)
        ...     print(out)
        ... else:
        ...     print([0., 2., 4.])
        [0. 2. 4.]
    """
    kind = backend()
    if kind == "c":
        function = loop.c_function  # (first: a small update's call is a few microseconds)
        if function is None:
            from minigraph import c_kernels

            function = c_kernels.compile_loop(loop)
        return function
    if kind == "numpy":
        from minigraph import chunked_kernels

        return chunked_kernels.compile_loop(loop)
    function = loop.function
    if function is not None:
        return function
    source = loop.source()
    function = _compiled.get(source)
    if function is None:
        with _lock:
            function = _compiled.get(source)
            if function is None:
                function = _compiled[source] = _compile(source)
    loop.function = function
    return function


_HEADER = '''"""A minigraph loop kernel (generated; see minigraph/compiled_kernels.py)."""
import numpy as np
from numba import njit


@njit(cache={cache}, error_model="numpy", nogil=True)
'''


def _compile(source: str) -> Callable:
    import hashlib  # (not at import: it loads OpenSSL, 3.5 MB)

    digest = hashlib.sha1(source.encode()).hexdigest()[:20]
    name = f"minigraph_loop_{digest}"
    path = _source_file(name, _HEADER.format(cache=True) + source)
    if path is None:  # nowhere to cache: compile in memory
        namespace = {}
        exec(compile(_HEADER.format(cache=False) + source, f"<{name}>", "exec"), namespace)
        return namespace["kernel"]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (numba's cache finds the module by name when it loads)
    spec.loader.exec_module(module)
    return module.kernel


def _source_file(name: str, text: str) -> Optional[str]:
    """The path of a file holding `text` (written once, atomically), or None if impossible."""
    directory = os.path.join(cache_dir(), "loops")
    path = os.path.join(directory, name + ".py")
    try:
        if os.path.exists(path):
            return path
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "w") as f:
            f.write(text)
        os.replace(temporary, path)  # (another process writing the same file wrote the same)
        return path
    except OSError:
        return None
