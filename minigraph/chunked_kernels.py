"""Loop kernels run by numpy over cache-sized chunks: the `Loop`s numba compiles, without a JIT.

A `compiled_kernels.Loop` is a scalar loop body (`t0 = (x0 * x1)`, `t1 = np.sqrt(t0)`...).
numba compiles it into one pass over memory. This module runs the same statements as numpy
ufunc calls (`np.multiply(x0, x1, out=t0)`, `np.sqrt(t0, out=t1)`) on one block of a few
thousand elements at a time, written into small scratch buffers that stay in the cache: each
input is still read from memory once and each output written once, and no full-size
temporary is made. Every operation is the IEEE operation numba's loop does, on the same
operands in the same order, so the results are the loop's bits — which are the plain kernels'
bits, since each op's scalar expression rounds as its numpy kernel does.

What this costs instead of numba: a ufunc call per statement per block (about half a
microsecond each), against numba's import (66 MB of resident memory for LLVM) and its
compilation (60 MB more while it compiles or loads the first cached kernel, 0.1-1 s a loop).
See docs/performance.md, "Memory", for the measurements.

A statement may use `+ - * /`, unary `-`, comparisons, `and`/`or`/`not`, `a if c else b` and
`np.<ufunc>(...)` calls; operands are the loop's own (arrays indexed as their layouts say, or
scalars of the loop's dtype). Literal numbers are refused: numba would compute them in float64.

Example:
    >>> import numpy as np
    >>> from minigraph.compiled_kernels import FULL, SCALAR, Loop
    >>> loop = Loop([("a", FULL), ("b", SCALAR)], ["t = np.sqrt(a * b)"], [("out", "t")], 1)
    >>> out = np.empty(3, np.float32)
    >>> compile_loop(loop)(np.arange(3, dtype=np.float32), np.float32(2), out)
    >>> print(out)
    [0.        1.4142135 2.       ]
"""

from __future__ import annotations

import ast
import threading
from typing import Callable

import numpy as np

# compiled_kernels' operand layouts (that module runs this one, so it is not imported here)
FULL, ROW, COLUMN, SCALAR = "F", "R", "C", "S"

# NOTE: measured (docs/performance.md, "Memory"): elements per block. Adam's update on
# 25x12288 float32 took 1.85-2.2 ms a call at 8,192, 1.5-1.56 at 32,768, 1.41-1.45 at 65,536
# (fewer calls); W3's fused steps at batch 2048 took the same from 16,384 to 65,536 (36-43 ms a
# step). At 32,768 float32 a buffer is 128 KB: a loop's 3-7 buffers stay in this machine's L2.
BLOCK = 32768

_BINARY = {ast.Add: "np.add", ast.Sub: "np.subtract", ast.Mult: "np.multiply",
           ast.Div: "np.true_divide"}
_COMPARE = {ast.Gt: "np.greater", ast.Lt: "np.less", ast.GtE: "np.greater_equal",
            ast.LtE: "np.less_equal", ast.Eq: "np.equal", ast.NotEq: "np.not_equal"}
_BOOL = {ast.Or: "np.logical_or", ast.And: "np.logical_and"}
# `a if (a > b or a != a) else b` is np.maximum's definition (a NaN operand wins, else the
# larger, the second when equal), `<` np.minimum's: one ufunc call instead of five.
_SELECTS = {ast.Gt: "np.maximum", ast.Lt: "np.minimum"}

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}  # float bits, for exact selects
_lock = threading.Lock()
_kernels = {}  # loop source -> function


def compile_loop(loop) -> Callable:
    """The function running `loop` in blocks, `kernel(*operand values, *output arrays)`, the
    signature of `compiled_kernels.compile_loop`'s (one per loop source and process).

    Example:
        >>> import numpy as np
        >>> from minigraph.compiled_kernels import FULL, Loop
        >>> kernel = compile_loop(Loop([("a", FULL)], ["t = (a + a)"], [("out", "t")], 1))
        >>> out = np.empty(3, np.float32)
        >>> kernel(np.arange(3, dtype=np.float32), out)
        >>> print(out)
        [0. 2. 4.]
    """
    function = getattr(loop, "chunked_function", None)
    if function is not None:
        return function
    key = loop.source()
    function = _kernels.get(key)
    if function is None:
        with _lock:
            function = _kernels.get(key)
            if function is None:
                source = kernel_source(loop)
                namespace = {"np": np, "BLOCK": BLOCK, "_UINT": _UINT}
                exec(compile(source, "<minigraph chunked loop>", "exec"), namespace)
                function = _kernels[key] = namespace["kernel"]
    loop.chunked_function = function  # (a loop's source takes tens of µs to write)
    return function


def kernel_source(loop) -> str:
    """The Python source of the blocked kernel of `loop` (what `compile_loop` runs).

    Example:
        >>> from minigraph.compiled_kernels import FULL, Loop
        >>> loop = Loop([("a", FULL), ("b", FULL)], ["t = (a * b)", "u = np.sqrt(t)"],
        ...             [("out", "u")], 1)
        >>> print(kernel_source(loop))
        def kernel(a, b, out):
            n0 = out.shape[0]
            f0 = np.empty(min(n0, BLOCK), out.dtype)
            for s0 in range(0, n0, BLOCK):
                e0 = min(s0 + BLOCK, n0)
                k = e0 - s0
                if k == BLOCK:
                    rf0, = f0,
                else:
                    rf0, = f0[:k],
                a_ = a[s0:e0]
                b_ = b[s0:e0]
                out_ = out[s0:e0]
                np.multiply(a_, b_, out=rf0)
                wv1 = out_
                np.sqrt(rf0, out=wv1)
        <BLANKLINE>
    """
    program = _Program({name: layout for name, layout in loop.operands})
    for statement in loop.body:
        program.statement(statement)
    stored = [program.stored(local) for _, local in loop.stores]
    program.allocate(stored)
    return program.source(loop, stored)


class _Program:
    """A loop body lowered to ufunc calls on virtual registers, then to buffers."""

    def __init__(self, layouts: dict):
        self.layouts = layouts
        self.locals = {}  # local name -> operand expression or register
        self.ops = []  # (ufunc or "select", [argument], register)
        self.kinds = {}  # register -> "f" (the loop's dtype) or "b" (bool)
        self.buffers = {}  # register -> buffer name

    # ---------------------------------------------------------------- lowering
    def statement(self, text: str) -> None:
        node = ast.parse(text.strip()).body[0]
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f"a loop statement must assign one local: {text!r}")
        self.locals[node.targets[0].id] = self.lower(node.value)

    def value(self, name: str) -> str:
        if name in self.locals:
            return self.locals[name]
        return self.operand(name)

    def stored(self, name: str) -> str:
        """The register holding local `name` for a store; an operand's block is copied first
        (an output may be that operand's memory, and the stores come after every read)."""
        value = self.value(name)
        if value in self.kinds or value == name:  # a register, or a scalar operand
            return value
        return self.emit("copy", [value], "f")

    def operand(self, name: str) -> str:
        if name not in self.layouts:
            raise ValueError(f"a loop statement reads {name!r}, neither an operand nor a local")
        return name if self.layouts[name] == SCALAR else name + "_"

    def emit(self, function: str, args: list, kind: str) -> str:
        register = f"v{len(self.ops)}"
        self.ops.append((function, args, register))
        self.kinds[register] = kind
        return register

    def lower(self, node) -> str:
        """The register (or operand) holding the value of expression `node`."""
        if isinstance(node, ast.Name):
            return self.value(node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self.lower_chain(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            return self.lower_unary(node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            return self.emit(_COMPARE[type(node.ops[0])], [self.lower(node.left),
                                                           self.lower(node.comparators[0])], "b")
        if isinstance(node, ast.BoolOp):
            result = self.lower(node.values[0])
            for other in node.values[1:]:
                result = self.emit(_BOOL[type(node.op)], [result, self.lower(other)], "b")
            return result
        if isinstance(node, ast.IfExp):
            return self.lower_select(node)
        if _is_float_ufunc_call(node):
            return self.emit("np." + node.func.attr, [self.lower(a) for a in node.args], "f")
        raise ValueError(f"a chunked loop cannot evaluate {ast.unparse(node)!r} (literal numbers "
                         "and calls other than numpy's ufuncs are not supported)")

    def lower_unary(self, node: ast.UnaryOp) -> str:
        """`-a`, `+a` (a itself) or `not a`."""
        operand = self.lower(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return self.emit("np.logical_not", [operand], "b")
        return self.emit("np.negative", [operand], "f")

    def lower_select(self, node: ast.IfExp) -> str:
        """`a if test else b`: np.maximum / np.minimum where it is their definition, else the
        chosen operand's bits through an integer mask."""
        extreme = _extreme(node)
        if extreme:
            return self.emit(extreme, [self.lower(node.body), self.lower(node.orelse)], "f")
        mask = self.emit("mask", [self.lower(node.test)], "u")
        return self.emit("select", [mask, self.lower(node.body), self.lower(node.orelse)], "f")

    def lower_chain(self, node) -> str:
        """`((a + b) + c) + ...` without recursing down the left operands (an `AddN` of many
        inputs nests as deep as it has inputs)."""
        chain = []
        while isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            chain.append(node)
            node = node.left
        result = self.lower(node)
        for link in reversed(chain):
            result = self.emit(_BINARY[type(link.op)], [result, self.lower(link.right)], "f")
        return result

    # ---------------------------------------------------------------- buffers
    def allocate(self, stored: list) -> None:
        """Gives each register a buffer, reusing the buffers of registers read for the last
        time (a ufunc may write over its own inputs; a select may not)."""
        last = {}
        for index, (_, args, _) in enumerate(self.ops):
            for arg in args:
                last[arg] = index
        for register in stored:
            last[register] = len(self.ops)
        free = {"f": [], "b": [], "u": []}
        count = {"f": 0, "b": 0, "u": 0}
        for index, (function, args, register) in enumerate(self.ops):
            dying = [a for a in dict.fromkeys(args) if a in self.buffers and last[a] == index]
            if function != "select":
                self._release(dying, free)
            kind = self.kinds[register]
            if free[kind]:
                self.buffers[register] = free[kind].pop()
            else:
                self.buffers[register] = f"{kind}{count[kind]}"
                count[kind] += 1
            if function == "select":
                self._release(dying, free)
            if last.get(register, index) == index:  # (read by nobody: free at once)
                self._release([register], free)

    def _release(self, registers: list, free: dict) -> None:
        for register in registers:
            free[self.kinds[register]].append(self.buffers[register])

    # ---------------------------------------------------------------- source
    def source(self, loop, stored: list) -> str:
        """The kernel: buffers, then per block the operands' views, the ufunc calls and the
        stores. A stored value is written straight into its output's block where that output
        cannot be the memory of an operand read after it (checked once per call)."""
        first = loop.stores[0][0]
        blocks = _Blocks(loop.rank, first)
        direct, checks = self._direct(loop, stored)
        buffers = sorted({buffer for register, buffer in self.buffers.items()
                          if direct.get(register, ("", ""))[1] != "True"})
        zeros = sorted({args[2] for function, args, _ in self.ops
                        if function == "select" and self.layouts.get(args[2]) == SCALAR})
        operands = [n for n, _ in loop.operands]
        outputs = [n for n, _ in loop.stores if n not in operands]  # (others: in place)
        lines = ["def kernel(" + ", ".join(operands + outputs) + "):"]
        lines += blocks.setup + self._setup(first, blocks, buffers, zeros, checks) + blocks.heads
        lines += [blocks.indent + line for line in self._block(loop, stored, blocks, buffers,
                                                                direct, zeros)]
        return "\n".join(lines) + "\n"

    def _setup(self, first: str, blocks, buffers: list, zeros: list, checks: dict) -> list:
        """The lines before the blocks: the bits' type, the buffers, the once-per-call checks."""
        lines = []
        if any(function in ("mask", "select") for function, _, _ in self.ops):
            lines += [f"    U = _UINT[{first}.dtype.itemsize]", "    ONES = np.iinfo(U).max"]
        for buffer in buffers:
            dtype = {"f": f"{first}.dtype", "b": "np.bool_", "u": "U"}[buffer[0]]
            lines.append(f"    {buffer} = np.empty({blocks.shape}, {dtype})")
        lines += [f"    {name}_is_zero = not {name}.view(U)" for name in zeros]
        return lines + [f"    {flag} = {check}" for flag, check in checks.items()]

    def _block(self, loop, stored: list, blocks, buffers: list, direct: dict,
               zeros: list) -> list:
        """The lines run per block (without their indentation)."""
        lines = []
        if buffers:
            views = ", ".join("r" + b for b in buffers) + ","
            lines += [f"if {blocks.full}:", f"    {views} = " + ", ".join(buffers) + ",",
                      "else:", f"    {views} = " + ", ".join(b + blocks.cut for b in buffers) + ","]
        lines += [f"{name}_ = {name}{blocks.index[layout]}"
                  for name, layout in loop.operands if layout != SCALAR]
        lines += [f"{out}_ = {out}{blocks.index[FULL]}"
                  for out in dict.fromkeys(out for out, _ in direct.values())]
        names = {reg: "r" + buffer for reg, buffer in self.buffers.items()}
        lines += self._calls(names, direct, zeros)
        for (out, _), register in zip(loop.stores, stored):
            if direct.get(register, (None,))[0] != out:
                lines.append(f"{out}{blocks.index[FULL]} = {names.get(register, register)}")
            elif direct[register][1] != "True":
                lines += [f"if not {direct[register][1]}:",
                          f"    {out}_[...] = r{self.buffers[register]}"]
        return lines

    def _calls(self, names: dict, direct: dict, zeros: list) -> list:
        """The ufunc calls of one block; `names` (register -> the array holding it) gets the
        outputs' blocks of the values written straight into them."""
        lines = []
        for function, args, register in self.ops:
            if register in direct:
                out, flag = direct[register]
                target = (f"{out}_" if flag == "True"
                          else f"({out}_ if {flag} else {names[register]})")
                names[register] = f"w{register}"
                lines.append(f"w{register} = {target}")
            lines += _call(function, [names.get(a, a) for a in args], names[register], zeros)
        return lines

    def _direct(self, loop, stored: list):
        """({register: (output, flag)} for the stored values written straight into their
        output, {flag: the check computing it})."""
        position = {register: i for i, (_, _, register) in enumerate(self.ops)}
        arrays = {name + "_": name for name, layout in loop.operands if layout != SCALAR}
        direct, checks = {}, {}
        for k, ((out, _), register) in enumerate(zip(loop.stores, stored)):
            if register not in position or register in direct:
                continue
            i = position[register]
            later = self.ops[i + 1:] if self.ops[i][0] not in ("select", "mask") else self.ops[i:]
            read = sorted({arrays[a] for _, args, _ in later for a in args if a in arrays})
            if not read:
                direct[register] = (out, "True")
                continue
            flag = f"d{k}"
            checks[flag] = " and ".join(f"not np.may_share_memory({out}, {name})"
                                        for name in read)
            direct[register] = (out, flag)
        return direct, checks


class _Blocks:
    """How a kernel of rank 1 or 2 walks its blocks: setup lines, loop heads, buffer shape."""

    def __init__(self, rank: int, first: str):
        if rank == 1:
            self.setup = [f"    n0 = {first}.shape[0]"]
            self.shape, self.cut, self.full = "min(n0, BLOCK)", "[:k]", "k == BLOCK"
            self.heads = ["    for s0 in range(0, n0, BLOCK):",
                          "        e0 = min(s0 + BLOCK, n0)", "        k = e0 - s0"]
            self.index = {FULL: "[s0:e0]"}
            self.indent = " " * 8
        else:
            self.setup = [f"    n0, n1 = {first}.shape", "    c = max(1, min(n1, BLOCK))",
                          "    r = max(1, BLOCK // c)"]
            self.shape, self.cut, self.full = "(min(n0, r), c)", "[:k0, :k1]", "k0 == r and k1 == c"
            self.heads = ["    for s0 in range(0, n0, r):", "        e0 = min(s0 + r, n0)",
                          "        for s1 in range(0, n1, c):", "            e1 = min(s1 + c, n1)",
                          "            k0, k1 = e0 - s0, e1 - s1"]
            self.index = {FULL: "[s0:e0, s1:e1]", ROW: "[s1:e1]", COLUMN: "[s0:e0, None]"}
            self.indent = " " * 12


def _call(function: str, values: list, out: str, zeros: list) -> list:
    """The lines computing one operation into `out`."""
    if function == "copy":
        return [f"np.copyto({out}, {values[0]})"]
    if function == "mask":  # all bits set where the test holds
        return [f"np.multiply({values[0]}, ONES, out={out}, dtype=U)"]
    if function == "select":  # the chosen operand's bits, exactly
        mask, body, orelse = values
        general = [f"np.bitwise_xor({body}.view(U), {orelse}.view(U), out={out}.view(U))",
                   f"np.bitwise_and({out}.view(U), {mask}, out={out}.view(U))",
                   f"np.bitwise_xor({out}.view(U), {orelse}.view(U), out={out}.view(U))"]
        if orelse not in zeros:
            return general
        return ([f"if {orelse}_is_zero:",
                 f"    np.bitwise_and({body}.view(U), {mask}, out={out}.view(U))", "else:"]
                + ["    " + line for line in general])
    return [f"{function}({', '.join(values)}, out={out})"]


def _is_float_ufunc_call(node) -> bool:
    """Whether `node` is `np.<ufunc>(...)` of float arguments giving one float."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "np"):
        return False
    ufunc = getattr(np, node.func.attr, None)
    arity = len(node.args)
    return (isinstance(ufunc, np.ufunc) and not node.keywords and ufunc.nin == arity
            and ufunc.nout == 1 and "f" * arity + "->f" in ufunc.types)


def _extreme(node: ast.IfExp):
    """"np.maximum" / "np.minimum" if `node` is `a if (a > b or a != a) else b` (`<`), else
    None."""
    test = node.test
    if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or)
            and len(test.values) == 2):
        return None
    order, nan = test.values
    a, b = ast.dump(node.body), ast.dump(node.orelse)
    if not (isinstance(order, ast.Compare) and len(order.ops) == 1
            and type(order.ops[0]) in _SELECTS and ast.dump(order.left) == a
            and ast.dump(order.comparators[0]) == b):
        return None
    if not (isinstance(nan, ast.Compare) and len(nan.ops) == 1
            and isinstance(nan.ops[0], ast.NotEq) and ast.dump(nan.left) == a
            and ast.dump(nan.comparators[0]) == a):
        return None
    return _SELECTS[type(order.ops[0])]
