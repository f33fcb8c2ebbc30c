"""Loop kernels in C: a `compiled_kernels.Loop` compiled by the system's C compiler, loaded with
ctypes.

The loop's scalar statements become C statements on `float` (float32) or `double` (float64)
locals, one per value, in the order written: `t0 = (x0 * x1)` is `const float v0 = l_x0 *
l_x1;`, `np.sqrt` is `sqrtf` / `sqrt`, `a if c else b` is `(c ? a : b)`. numba types the same
statements alike (every operand and local of the loop's dtype: nothing promotes), and the
compiler keeps IEEE semantics (`-ffp-contract=off -fno-fast-math`: no fused multiply-add, no
reassociation), so the results are the bits of numba's loop, of `minigraph.chunked_kernels` and
of the ops' numpy kernels. What the translation does not know (literal numbers, calls other than
`np.sqrt`, a boolean where a number is expected) is refused, and that loop runs as numpy blocks.

Each loop is one shared library per dtype, whose entry `int kernel(args)` takes the tuple of the
call's arguments as one Python object (ctypes' cheapest call: about 1 us, numba's dispatch 1.3)
and reads the arrays' data pointers, shapes and flags and the scalars' values from numpy's
structs, whose layout this module checks once per process. It returns 1 when its arguments are
not what it loops over (an array of another shape, dtype or layout, not contiguous, read-only
where written, a scalar of another type), and the caller then runs the same loop as numpy
blocks. Arrays that overlap in memory run a loop whose pointers are not `restrict` (sequential
semantics, as numba's); others the `restrict` loop, which vectorizes without run-time alias
checks.

Libraries are cached under `kernel_cache.cache_dir()` (`c/<hash>.so`, written atomically),
keyed by the source, the compiler (path, size, modification time) and the flags; with the
directory unwritable they are built in a private temporary directory, used and deleted. No
compiler (`CC` names the compiler, else `cc` on `PATH`), or a numpy struct not as expected: the
backend is not `usable()`. A compiler error: that loop runs as numpy blocks, remembered for the
process (`failures()`), and nothing is raised.

Example:
    >>> import numpy as np
    >>> from minigraph.compiled_kernels import FULL, SCALAR, Loop
    >>> loop = Loop([("a", FULL), ("b", SCALAR)], ["t = np.sqrt((a * b))"], [("out", "t")], 1)
    >>> print(c_source(loop, "float").split("void loop_r", 1)[1].split("}", 1)[0])
    (const float *restrict p_a, float l_b, float *restrict p_out, long n0)
    {
        for (long i = 0; i < n0; i++) {
            const long k = i;
            const float l_a = p_a[k];
            const float v0 = l_a * l_b;
            const float v1 = sqrtf(v0);
            float l_t = v1;
            p_out[k] = l_t;
    <BLANKLINE>
"""

from __future__ import annotations

import ast
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from typing import Callable, Optional

import numpy as np

from minigraph import kernel_cache

# compiled_kernels' operand layouts (that module runs this one, so it is not imported here)
FULL, ROW, COLUMN, SCALAR = "F", "R", "C", "S"

# IEEE semantics (no contraction into fused multiply-adds, no fast-math); without errno a
# square root is one instruction and vectorizes.
FLAGS = ("-O3", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno",
         "-w")
# NOTE: measured: Adam on 25x12288 float32 in place took 242-250 us a call with -march=native
# (AVX2 here) against 258-269 without, numba's loop 248-252. Used where the CPU's flags can be
# read (Linux), and they are part of the cache key.
NATIVE = ("-march=native",)
# Loops with more array and scalar arguments than this run as numpy blocks (ctypes' limit on
# a call's arguments is 1024).
MAX_ARGUMENTS = 256

_TYPES = {"float": np.dtype(np.float32), "double": np.dtype(np.float64)}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "==",
            ast.NotEq: "!="}
_BOOL = {ast.And: "&&", ast.Or: "||"}
_SQRT = {"float": "sqrtf", "double": "sqrt"}
# The objects the entry reads (checked against real ones by `_layout_ok`): numpy's array struct
# (PyArrayObject_fields) after the object header: data, nd, dimensions, strides, base, descr,
# flags; the tuple of the call's arguments; a float32 scalar, and a float64 scalar or float.
_STRUCTS = """typedef struct {
    long refcount;
    void *type;
    char *data;
    int nd;
    long *dims;
    long *strides;
    void *base;
    void *descr;
    int flags;
} mg_array;
typedef struct {
    long refcount;
    void *type;
    long size;
    void *items[];
} mg_tuple;
typedef struct {
    long refcount;
    void *type;
    float value;
} mg_float;
typedef struct {
    long refcount;
    void *type;
    double value;
} mg_double;
"""
_C_CONTIGUOUS, _WRITEABLE = 0x0001, 0x0400

_lock = threading.Lock()
# layout: None unchecked, else whether numpy's structs are as expected; loaded: whether a loop
# has been loaded in this process
_state = {"layout": None, "loaded": False}
_failures = {}  # (source digest) -> why that loop runs as numpy blocks
_libraries = {}  # source -> loaded entry function (one per process)
_wrappers = {}  # loop source -> kernel


# ---------------------------------------------------------------- availability
def compiler() -> Optional[list]:
    """The compiler command (`CC`, else `cc` on `PATH`) as a list, or None if there is none.

    Example:
        >>> compiler() is None or os.path.isabs(compiler()[0])
        True
    """
    words = shlex.split(os.environ.get("CC", "") or "cc")
    if not words:
        return None
    path = shutil.which(words[0])
    return [os.path.abspath(path)] + words[1:] if path else None


def usable() -> bool:
    """Whether C loops can run: a compiler is found and numpy's array struct is the one the
    kernels read (checked once per process).

    Example:
        >>> usable() in (True, False)
        True
    """
    if _state["layout"] is None:
        _state["layout"] = _layout_ok()
    return _state["layout"] and compiler() is not None


def loaded() -> bool:
    """Whether a C loop has been built or loaded in this process.

    Example:
        >>> loaded() in (True, False)
        True
    """
    return _state["loaded"]


def failures() -> dict:
    """Why loops of this process run as numpy blocks instead: {loop source hash: reason}.

    Example:
        >>> isinstance(failures(), dict)
        True
    """
    return dict(_failures)


def _layout_ok() -> bool:
    """Whether arrays, tuples and float scalars have their fields where `_STRUCTS` says
    (pointers of 8 bytes, the standard object header)."""
    import ctypes
    import struct

    if [struct.calcsize("P"), object.__basicsize__, ctypes.sizeof(ctypes.c_long)] != [8, 16, 8]:
        return False
    probe = np.empty((3, 5), np.float32)
    items = (probe, np.float32(1.5), np.float64(-2.5), 0.25)

    def at(thing, offset, kind=ctypes.c_void_p):
        return kind.from_address(id(thing) + offset).value

    dims = ctypes.cast(at(probe, 32), ctypes.POINTER(ctypes.c_long))
    checks = [
        at(probe, 8) == id(np.ndarray), at(probe, 16) == probe.ctypes.data,
        at(probe, 24, ctypes.c_int) == 2, dims[0] == 3, dims[1] == 5,
        at(probe, 56) == id(probe.dtype), at(probe, 64, ctypes.c_int) == probe.flags.num,
        at(items, 16, ctypes.c_long) == 4,
        [at(items, 24 + 8 * k) for k in range(4)] == [id(x) for x in items],
        at(items[1], 8) == id(np.float32), at(items[1], 16, ctypes.c_float) == 1.5,
        at(items[2], 16, ctypes.c_double) == -2.5,
        at(items[3], 8) == id(float), at(items[3], 16, ctypes.c_double) == 0.25,
    ]
    return all(checks)


# ---------------------------------------------------------------- the kernel
def compile_loop(loop) -> Callable:
    """The function running `loop` in C, `kernel(*operand values, *output arrays)`, the
    signature of `compiled_kernels.compile_loop`'s. Each dtype's library is built (or loaded
    from the cache) on its first call; arguments the C entry does not take, and loops it cannot
    build, run as `chunked_kernels`' blocks.

    Example:
        >>> import numpy as np
        >>> from minigraph.compiled_kernels import FULL, Loop
        >>> kernel = compile_loop(Loop([("a", FULL)], ["t = (a + a)"], [("out", "t")], 1))
        >>> out = np.empty(3, np.float32)
        >>> kernel(np.arange(3, dtype=np.float32), out)
        >>> print(out)
        [0. 2. 4.]
    """
    function = loop.c_function
    if function is not None:
        return function
    key = loop.source()
    function = _wrappers.get(key)
    if function is None:
        with _lock:
            function = _wrappers.get(key)
            if function is None:
                function = _wrappers[key] = _wrapper(loop)
    loop.c_function = function
    return function


def _wrapper(loop) -> Callable:
    """`kernel(*args)`: the dtype's C entry on the arguments, numpy blocks where it says no."""
    from minigraph import chunked_kernels

    first = next((k for k, (_, layout) in enumerate(loop.operands) if layout != SCALAR),
                 len(loop.operands))
    namespace = {"F4": _TYPES["float"], "F8": _TYPES["double"]}

    def slow(*values):
        chunked_kernels.compile_loop(loop)(*values)

    def entry(ctype):
        def build(values):  # (first call of a dtype: build, then the entry itself runs)
            function = _entry(loop, ctype) or (lambda _: 1)
            namespace["f4" if ctype == "float" else "f8"] = function
            return function(values)
        return build

    namespace.update(slow=slow, f4=entry("float"), f8=entry("double"))
    # (the C entry takes the tuple of arguments as it is: ctypes' cheapest call)
    source = (f"def kernel(*args):\n"
              f"    d = args[{first}].dtype\n"
              f"    if d is F4:\n        if f4(args):\n            slow(*args)\n"
              f"    elif d is F8:\n        if f8(args):\n            slow(*args)\n"
              f"    else:\n        slow(*args)\n")
    exec(compile(source, "<minigraph C loop>", "exec"), namespace)
    return namespace["kernel"]


def _entry(loop, ctype: str):
    """The loaded C entry of `loop` for `ctype`, or None (remembered) if it cannot be built."""
    try:
        source = c_source(loop, ctype)
    except ValueError as e:
        _failures[_digest(loop.source())] = str(e)
        return None
    function = _libraries.get(source)
    if function is None:
        with _lock:
            function = _libraries.get(source)
            if function is None:
                function = _load(source, loop, ctype)
                if function is None:
                    return None
                _libraries[source] = function
    return function


def _load(source: str, loop, ctype: str):
    """The `kernel` entry of the library built from `source`, with its argument types."""
    import ctypes

    command = compiler()
    if command is None or not usable():
        _failures[_digest(source)] = "no C compiler"
        return None
    path, private = _library(source, command)
    if path is None:
        return None
    try:
        library = ctypes.CDLL(path)
    except OSError as e:
        _failures[_digest(source)] = f"cannot load {path}: {e}"
        return None
    finally:
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)  # (the loaded library stays mapped)
    scalars = (np.float32, None) if ctype == "float" else (np.float64, float)
    library.mg_init(*[ctypes.c_void_p(None if x is None else id(x))
                      for x in (np.ndarray, _TYPES[ctype], *scalars)])
    function = library.kernel
    function.argtypes = [ctypes.py_object]
    function.restype = ctypes.c_int
    function.library = library  # (kept loaded while the function lives)
    _state["loaded"] = True
    return function


def _library(source: str, command: list) -> tuple:
    """(path of the library built from `source`, a directory to remove once it is loaded or
    None): the cached one, else built into the cache (atomically), else built in a temporary
    directory; (None, None), remembered, on a compiler error."""
    digest = _digest("\n".join([source, *command, *_compiler_identity(command[0]), *_flags(),
                                 _cpu_flags()]))
    directory = os.path.join(kernel_cache.cache_dir(), "c")
    path = os.path.join(directory, f"minigraph_loop_{digest}.so")
    if os.path.exists(path):
        return path, None
    try:
        os.makedirs(directory, exist_ok=True)
        work = tempfile.mkdtemp(dir=directory, prefix=".build-")
    except OSError:  # (nowhere to cache: a private directory, removed once loaded)
        try:
            work = tempfile.mkdtemp(prefix="minigraph-loop-")
        except OSError as e:
            _failures[digest] = f"no directory to build in: {e}"
            return None, None
        built = _build(source, command, work, digest)
        if built is None:
            shutil.rmtree(work, ignore_errors=True)
            return None, None
        return built, work
    try:
        built = _build(source, command, work, digest)
        if built is None:
            return None, None
        os.replace(built, path)  # (another process building the same library built the same)
        return path, None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build(source: str, command: list, work: str, digest: str) -> Optional[str]:
    """The path of the library compiled from `source` in directory `work`, or None. A compiler
    that refuses `NATIVE` is asked again without it (and not asked for it again)."""
    c_file = os.path.join(work, "loop.c")
    so_file = os.path.join(work, "loop.so")
    try:
        with open(c_file, "w") as f:
            f.write(source)
        done = _compile(command, _flags(), so_file, c_file)
        if done.returncode != 0 and _flags() != FLAGS:
            done = _compile(command, FLAGS, so_file, c_file)
            _state["native"] = done.returncode != 0  # (if that failed too, not the flag)
    except (OSError, subprocess.SubprocessError) as e:
        _failures[digest] = f"the compiler did not run: {e}"
        return None
    if done.returncode != 0 or not os.path.exists(so_file):
        _failures[digest] = f"the compiler failed: {done.stderr.strip()[-2000:]}"
        return None
    return so_file


def _compile(command: list, flags: tuple, so_file: str, c_file: str):
    return subprocess.run([*command, *flags, "-o", so_file, c_file], capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)


def _flags() -> tuple:
    return FLAGS + (NATIVE if _state.get("native", True) and _cpu_flags() else ())


def _cpu_flags() -> str:
    """The CPU's feature flags (Linux's /proc/cpuinfo), or "" where they cannot be read."""
    flags = _state.get("cpu")
    if flags is None:
        flags = ""
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith(("flags", "Features")):
                        flags = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        _state["cpu"] = flags
    return flags


def _compiler_identity(path: str) -> list:
    try:
        info = os.stat(os.path.realpath(path))
    except OSError:
        return [path]
    return [os.path.realpath(path), str(info.st_size), str(info.st_mtime_ns)]


def _digest(text: str) -> str:
    import hashlib  # (not at import: it loads OpenSSL, 3.5 MB)

    return hashlib.sha1(text.encode()).hexdigest()[:24]


def _separate_outputs(loop) -> list:
    operands = {name for name, _ in loop.operands}
    return [name for name, _ in loop.stores if name not in operands]


# ---------------------------------------------------------------- C source
def c_source(loop, ctype: str) -> str:
    """The C source of `loop`'s library for `ctype` ("float" or "double"); ValueError if a
    statement is not understood.

    Example:
        >>> from minigraph.compiled_kernels import FULL, Loop
        >>> source = c_source(Loop([("a", FULL)], ["t = (-a)"], [("a", "t")], 1), "double")
        >>> "const double v0 = -l_a;" in source
        True
    """
    if ctype not in _TYPES or loop.rank not in (1, 2):
        raise ValueError(f"a C loop is of float or double and of rank 1 or 2, not {ctype} "
                         f"of rank {loop.rank}")
    layouts = dict(loop.operands)
    outputs = _separate_outputs(loop)
    if len(layouts) != len(loop.operands) or len(loop.operands) + len(outputs) > MAX_ARGUMENTS:
        raise ValueError("a C loop takes at most %d distinct arguments" % MAX_ARGUMENTS)
    for name in list(layouts) + outputs:
        if not name.isidentifier():
            raise ValueError(f"a C loop argument must be a name: {name!r}")
    if loop.rank == 1 and any(layout in (ROW, COLUMN) for layout in layouts.values()):
        raise ValueError("rows and columns are operands of 2-d loops only")
    body = _Body(ctype, layouts)
    for statement in loop.body:
        body.statement(statement)
    for out, local in loop.stores:
        if out in layouts and layouts[out] != FULL:
            raise ValueError(f"a C loop writes its outputs whole, not {out!r}")
        body.store(out, local)
    return _Library(loop, ctype, outputs).source(body)


class _Body:
    """A loop body's C statements, one `const` local per value computed."""

    def __init__(self, ctype: str, layouts: dict):
        self.ctype = ctype
        self.layouts = layouts
        self.kinds = {name: "f" for name in layouts}  # local -> "f" (number) or "b" (bool)
        self.lines = []
        self.stores = []
        self.count = 0

    def statement(self, text: str) -> None:
        try:
            node = ast.parse(text.strip()).body
        except SyntaxError as e:
            raise ValueError(f"a C loop cannot parse {text!r}: {e}") from e
        if not (len(node) == 1 and isinstance(node[0], ast.Assign)
                and len(node[0].targets) == 1 and isinstance(node[0].targets[0], ast.Name)):
            raise ValueError(f"a loop statement must assign one local: {text!r}")
        name = node[0].targets[0].id
        value, kind = self.lower(node[0].value)
        if name in self.layouts:
            raise ValueError(f"a loop statement assigns its operand {name!r}")
        if self.kinds.get(name, kind) != kind:
            raise ValueError(f"a loop statement changes the type of {name!r}")
        declared = name in self.kinds
        self.kinds[name] = kind
        c_type = self.ctype if kind == "f" else "int"
        self.lines.append(f"l_{name} = {value};" if declared else f"{c_type} l_{name} = {value};")

    def store(self, out: str, local: str) -> None:
        if self.kinds.get(local) != "f":
            raise ValueError(f"a loop stores {local!r}, which is not a number it computes")
        self.stores.append(f"p_{out}[k] = l_{local};")

    def temporary(self, text: str, kind: str) -> tuple:
        name = f"v{self.count}"
        self.count += 1
        c_type = self.ctype if kind == "f" else "int"
        self.lines.append(f"const {c_type} {name} = {text};")
        return name, kind

    def lower(self, root) -> tuple:
        """(C name, kind) of the value of expression `root`, lowered without recursion: each
        node's operands first (a stack of nodes), then the node into a temporary."""
        done = {}
        stack = [root]
        while stack:
            node = stack[-1]
            children = _children(node)
            pending = [child for child in children if id(child) not in done]
            if pending:
                stack.extend(reversed(pending))
                continue
            stack.pop()
            if id(node) not in done:
                done[id(node)] = self.node(node, [done[id(child)] for child in children])
        return done[id(root)]

    def node(self, node, values: list) -> tuple:
        """(C name, kind) of `node`, its operands' values known."""
        if isinstance(node, ast.Name):
            if node.id not in self.kinds:
                raise ValueError(f"a loop statement reads {node.id!r}, neither an operand nor "
                                 "a local")
            return f"l_{node.id}", self.kinds[node.id]
        form = _FORMS.get(type(node))
        kinds = tuple(kind for _, kind in values)
        found = form(node, kinds, [name for name, _ in values], self.ctype) if form else None
        if found is None:
            raise ValueError(f"a C loop cannot evaluate {ast.unparse(node)!r} (literal numbers, "
                             "calls other than np.sqrt and booleans as numbers are not "
                             "supported)")
        return self.temporary(*found)


# Each form: (node, its operands' kinds, their C names, the C type) -> (C text, kind), or None
# when the operands' kinds do not fit.
def _binary(node, kinds, names, ctype):
    if type(node.op) in _BINARY and kinds == ("f", "f"):
        return f"{names[0]} {_BINARY[type(node.op)]} {names[1]}", "f"
    return None


_UNARY = {(ast.USub, ("f",)): ("-", "f"), (ast.UAdd, ("f",)): ("", "f"),
          (ast.Not, ("b",)): ("!", "b")}


def _unary(node, kinds, names, ctype):
    form = _UNARY.get((type(node.op), kinds))
    return None if form is None else (form[0] + names[0], form[1])


def _compare(node, kinds, names, ctype):
    if len(node.ops) == 1 and type(node.ops[0]) in _COMPARE and kinds == ("f", "f"):
        return f"{names[0]} {_COMPARE[type(node.ops[0])]} {names[1]}", "b"
    return None


def _boolean(node, kinds, names, ctype):
    return (f" {_BOOL[type(node.op)]} ".join(names), "b") if set(kinds) == {"b"} else None


def _select(node, kinds, names, ctype):
    return (f"{names[0]} ? {names[1]} : {names[2]}", "f") if kinds == ("b", "f", "f") else None


def _call(node, kinds, names, ctype):
    return (f"{_SQRT[ctype]}({names[0]})", "f") if _is_sqrt(node) and kinds == ("f",) else None


_FORMS = {ast.BinOp: _binary, ast.UnaryOp: _unary, ast.Compare: _compare, ast.BoolOp: _boolean,
          ast.IfExp: _select, ast.Call: _call}


def _children(node) -> list:
    """The operand expressions of `node` that `_Body.node` takes, in order."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Compare):
        return [node.left, *node.comparators]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.test, node.body, node.orelse]
    if _is_sqrt(node):
        return list(node.args)
    return []


def _is_sqrt(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "np"
            and node.func.attr == "sqrt" and len(node.args) == 1 and not node.keywords)


class _Library:
    """The C text of a loop's library: numpy's struct, the loops with and without `restrict`,
    and the entry checking its arguments."""

    def __init__(self, loop, ctype: str, outputs: list):
        self.loop = loop
        self.ctype = ctype
        self.outputs = outputs
        self.arrays = [(name, layout) for name, layout in loop.operands if layout != SCALAR]
        self.arrays += [(name, FULL) for name in outputs]
        self.written = {out for out, _ in loop.stores}

    def source(self, body: _Body) -> str:
        lines = ["/* A minigraph loop kernel (generated by minigraph/c_kernels.py). */",
                 "#include <math.h>", "", _STRUCTS,
                 "static void *mg_ndarray, *mg_descr, *mg_scalar, *mg_pyfloat;",
                 "void mg_init(void *ndarray, void *descr, void *scalar, void *pyfloat)",
                 "{", "    mg_ndarray = ndarray;", "    mg_descr = descr;",
                 "    mg_scalar = scalar;", "    mg_pyfloat = pyfloat;", "}", ""]
        for variant, qualifier in (("r", "restrict "), ("a", "")):
            lines += self.loop_function(variant, qualifier, body)
        return "\n".join(lines + self.entry()) + "\n"

    def parameters(self, qualifier: str) -> list:
        params = []
        for name, layout in self.loop.operands:
            if layout == SCALAR:
                params.append(f"{self.ctype} l_{name}")
            else:
                const = "" if name in self.written else "const "
                params.append(f"{const}{self.ctype} *{qualifier}p_{name}")
        params += [f"{self.ctype} *{qualifier}p_{name}" for name in self.outputs]
        return params + (["long n0"] if self.loop.rank == 1 else ["long n0", "long n1"])

    def loop_function(self, variant: str, qualifier: str, body: _Body) -> list:
        t = self.ctype
        # (not inlined into the entry: there, behind its checks, gcc thinks the loop cold and
        # does not vectorize it)
        lines = [f"__attribute__((noinline)) static void loop_{variant}("
                 + ", ".join(self.parameters(qualifier)) + ")", "{"]
        if self.loop.rank == 1:
            lines += ["    for (long i = 0; i < n0; i++) {", "        const long k = i;"]
            index = {FULL: "k"}
            indent = " " * 8
        else:
            lines += ["    for (long i = 0; i < n0; i++) {",
                      "        for (long j = 0; j < n1; j++) {",
                      "            const long k = i * n1 + j;"]
            index = {FULL: "k", ROW: "j", COLUMN: "i"}
            indent = " " * 12
        lines += [f"{indent}const {t} l_{name} = p_{name}[{index[layout]}];"
                  for name, layout in self.loop.operands if layout != SCALAR]
        lines += [indent + line for line in body.lines + body.stores]
        lines += ["        }"] * (self.loop.rank == 2) + ["    }", "}", ""]
        return lines

    def entry(self) -> list:
        """`int kernel(args)`, `args` the tuple of the call's arguments: 1 unless every array is
        an ndarray of the dtype, C-contiguous, of the loop's shape for its layout and writeable
        where written, and every scalar a numpy scalar of the dtype (or a float, for double);
        then the loop runs (the `restrict` one unless a written array overlaps another)."""
        rank = self.loop.rank
        names = [name for name, _ in self.loop.operands] + self.outputs
        first = self.outputs[0] if self.outputs else self.loop.stores[0][0]
        lines = ["int kernel(const mg_tuple *args)", "{",
                 f"    if (args->size != {len(names)}) return 1;"]
        lines += [f"    const mg_array *o_{name} = args->items[{k}];"
                  for k, name in enumerate(names) if (name, SCALAR) not in self.loop.operands]
        lines += [f"    if (o_{first}->type != mg_ndarray || o_{first}->nd != {rank}) return 1;",
                  f"    const long n0 = o_{first}->dims[0];"]
        if rank == 2:
            lines.append(f"    const long n1 = o_{first}->dims[1];")
        lines += self.scalar_checks() + self.array_checks()
        arguments = [f"l_{name}" if layout == SCALAR else f"(void *)s_{name}"
                     for name, layout in self.loop.operands]
        arguments += [f"(void *)s_{name}" for name in self.outputs]
        call = ", ".join(arguments + (["n0"] if rank == 1 else ["n0", "n1"]))
        overlaps = self.overlaps()
        if overlaps:
            lines += ["    if (" + "\n        || ".join(overlaps) + ")",
                      f"        loop_a({call});", "    else", f"        loop_r({call});"]
        else:
            lines.append(f"    loop_r({call});")
        return lines + ["    return 0;", "}"]

    def scalar_checks(self) -> list:
        """Each scalar's type checked, and its value read."""
        t = self.ctype
        kind = "mg_float" if t == "float" else "mg_double"
        lines = []
        for k, (name, layout) in enumerate(self.loop.operands):
            if layout == SCALAR:
                lines += [f"    const {kind} *o_{name} = args->items[{k}];",
                          f"    if (o_{name}->type != mg_scalar && o_{name}->type != mg_pyfloat)"
                          " return 1;",
                          f"    const {t} l_{name} = o_{name}->value;"]
        return lines

    def array_checks(self) -> list:
        """Each array's type, dtype, rank, flags and shape checked; its start and end."""
        rank = self.loop.rank
        length = {FULL: "n0" if rank == 1 else "n0 * n1", ROW: "n1", COLUMN: "n0"}
        dims = {FULL: ["n0"] if rank == 1 else ["n0", "n1"], ROW: ["n1"], COLUMN: ["n0"]}
        lines = []
        for name, layout in self.arrays:
            flags = _C_CONTIGUOUS | (_WRITEABLE if name in self.written else 0)
            shape = " || ".join(f"o_{name}->dims[{d}] != {n}"
                                for d, n in enumerate(dims[layout]))
            lines += [f"    if (o_{name}->type != mg_ndarray || o_{name}->descr != mg_descr"
                      f" || o_{name}->nd != {len(dims[layout])}",
                      f"        || (o_{name}->flags & {flags}) != {flags} || {shape}) return 1;",
                      f"    char *s_{name} = o_{name}->data, *e_{name} = s_{name} + "
                      f"({length[layout]}) * (long)sizeof({self.ctype});"]
        return lines

    def overlaps(self) -> list:
        """The tests of each written array's memory against every other array's, once."""
        pairs = {}
        for w, _ in self.arrays:
            for a, _ in self.arrays:
                if w in self.written and a != w and (a, w) not in pairs:
                    pairs[w, a] = f"(s_{w} < e_{a} && s_{a} < e_{w})"
        return list(pairs.values())
