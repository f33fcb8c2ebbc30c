"""Plan pass: a sum or mean over the rows of a fused step's output runs inside its loop.

Batch normalization's statistics and gradients reduce element-wise results over the batch:
`variance = mean(square(z - mean), axis=0)`, `dbeta = sum(relu_grad(g, y), axis=0)`. After
element-wise fusion the squares (and the gradients) are written by one loop, then read again by
the reduction; on a [2048, 512] batch each such array is 4 MB written and read back. This pass
gives a fused step (`plan_fusion`) whose output is read only by a `Sum` or `Mean` over axis 0 of
a matrix the reduction too: the loop adds each row into an accumulator as it goes, and the array
is never written.

Bit-identical: numpy reduces axis 0 of a C-ordered matrix with more than one column by adding
the rows one at a time, in order, into an output that starts at +0.0 (`np.add.reduce`; a single
column is summed pairwise instead, and stays a plain reduction here), and the loop adds in that
order, starting from +0.0 (so signed zeros come out as numpy's). A `Mean` then divides the sums
by the row count as its kernel does (`np.true_divide` in place). `tests/test_plan_reductions.py`
checks this order against the installed numpy over many shapes.

At run time the combined step runs the loop when C or numba runs the fused loops
(`compiled_kernels.backend()`: `c_kernels.compile_row_sums`, or numba on this module's source,
the same additions in the same order), every operand is a float32 or float64 matrix, row, column
or scalar of the output's dtype (matrices C-ordered), and the output has at least two rows and
two columns; otherwise it runs the fused step and the reduction's kernel as the plan without
this pass does. Errors are those of the plain steps (the first run with new shapes checks them
on small stand-ins, see `plan_fusion`).

Runs right after `plan_fusion.fuse_elementwise`.
"""

from __future__ import annotations


import numpy as np

from minigraph import compiled_kernels, plan_fusion
from minigraph.compiled_kernels import COLUMN, FULL, ROW, SCALAR
from minigraph.executor import Plan, Step, step_error
from minigraph.registry import OpDef

_REDUCED_OP_DEF = OpDef("FusedElementwise", kernel=None, shape=None, returns_view=False)
_REDUCTIONS = frozenset({"Sum", "Mean"})
_FUSED = "FusedElementwise"
_MAX_SHAPES = 64  # input layouts a combined kernel keeps a compiled loop for
_PLAIN = object()
_SMALL = object()  # a run too small to import numba for
_functions = {}  # loop source -> compiled function (one per process)


def fuse_reductions(plan: Plan) -> None:
    """Moves each `Sum`/`Mean` over axis 0 of a fused step's matrix output into that step.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor, plan_fusion
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [256, 512], name="x")
        ...     y = tf.reduce_sum(tf.square(x - 1.0), axis=0)
        ...     plan = executor.compile_plan(
        ...         [y], [], [x], executor.SessionState(),
        ...         passes=[plan_fusion.fuse_elementwise, fuse_reductions])
        >>> [step.op.type for step in plan.steps]
        ['FusedElementwise']
        >>> plan.steps[0].op
        <fused ops: sub, Square, Sum>
    """
    if _FUSED not in plan.op_defs or _REDUCTIONS.isdisjoint(plan.op_defs):
        return  # (no fused step, or no reduction: no walk over a big plan)
    steps = plan.steps
    candidates = [index for index, step in enumerate(steps) if step.op.type in _REDUCTIONS]
    if not candidates:
        return
    producer, readers = _producers_and_readers(steps)
    fetched = set(plan.fetch_slots)
    taken = {}  # fused step index -> [(position of its output, reduction step index)]
    for index in candidates:
        step = steps[index]
        made_at = _reduction_of_fused(plan, index, producer, readers, fetched)
        if made_at is not None:
            position = steps[made_at].outputs.index(step.inputs[0])
            taken.setdefault(made_at, []).append((position, index))
    if not taken:
        return
    replaced, removed = {}, set()
    for made_at, reductions in taken.items():
        replaced[made_at] = _combined_step(plan, steps[made_at], reductions)
        removed.update(index for _, index in reductions)
    plan.op_defs.setdefault(_REDUCED_OP_DEF.type, _REDUCED_OP_DEF)
    plan.steps = [replaced.get(index, step) for index, step in enumerate(steps)
                  if index not in removed]


def _producers_and_readers(steps) -> tuple:
    """slot -> index of the step making it; slot -> indices of the steps reading it."""
    producer, readers = {}, {}
    for index, step in enumerate(steps):
        for slot in step.outputs:
            producer[slot] = index
        for slot in step.inputs:
            readers.setdefault(slot, []).append(index)
    return producer, readers


def _combined_step(plan: Plan, fused: Step, reductions: list) -> Step:
    """The step computing `fused` with the reductions `[(output position, step index)]`."""
    reduction_steps = [plan.steps[index] for _, index in reductions]
    axes = [plan.constants[step.inputs[1]] for step in reduction_steps]
    kernel = ReducingKernel(fused, [p for p, _ in reductions], reduction_steps, axes)
    kept = tuple(slot for p, slot in enumerate(fused.outputs) if p not in kernel.reduced)
    outputs = kept + tuple(step.outputs[0] for step in reduction_steps)
    return Step(kernel, fused.inputs, outputs, (), ReducingOp(kernel))


def _reduction_of_fused(plan: Plan, index: int, producer: dict, readers: dict, fetched: set):
    """The index of the fused step whose output step `index` reduces over axis 0 (a matrix,
    read by that step alone), or None."""
    step = plan.steps[index]
    op = step.op
    if op.type not in _REDUCTIONS or step.kernel.__class__ is ReducingKernel:
        return None
    if len(step.inputs) != 2 or step.inputs[1] not in plan.constants:
        return None
    x = op.inputs[0]
    if x.shape.ndims != 2 or x.dtype.name not in ("float32", "float64"):
        return None
    axes = np.reshape(plan.constants[step.inputs[1]], [-1])
    if axes.size != 1 or axes.dtype.kind not in "iu" or int(axes[0]) not in (0, -2):
        return None
    slot = step.inputs[0]
    made_at = producer.get(slot)
    if made_at is None or slot in fetched or readers.get(slot) != [index]:
        return None
    made_by = plan.steps[made_at]
    if made_by.kernel.__class__ is not plan_fusion.FusedKernel:
        return None
    return made_at


class ReducingOp:
    """What a combined step reports as its op: the fused ops, then the reductions."""

    type = "FusedElementwise"
    op_def = _REDUCED_OP_DEF

    def __init__(self, kernel: "ReducingKernel"):
        self.members = [step.op for step in kernel.fused.members] + [
            step.op for step in kernel.reductions]
        self.name = kernel.fused.members[-1].op.name
        self.inputs = ()
        self.outputs = ()
        self.attrs = {}

    def __repr__(self) -> str:
        return "<fused ops: " + ", ".join(op.name for op in self.members) + ">"


class ReducingKernel:
    """A fused step's kernel with some of its outputs reduced over axis 0 as the loop goes.

    `kernel(*input values)` returns the fused outputs that are not reduced, in order, then the
    reductions' results (a single value alone).

    Attributes:
        fused: the `plan_fusion.FusedKernel` of the step it replaces.
        reduced: the positions (in the fused kernel's outputs) of the reduced outputs.
        reductions: the reduction steps, in the order of `reduced`.
    """

    def __init__(self, step: Step, reduced: list, reductions: list, axes: list):
        self.fused = step.kernel
        self.axes = list(axes)
        self.reduced = tuple(reduced)
        self.reductions = list(reductions)
        self.means = tuple(s.op.type == "Mean" for s in reductions)
        self.keep_dims = tuple(bool(s.op.attrs["keep_dims"]) for s in reductions)
        self.kept = tuple(p for p in range(len(step.outputs)) if p not in self.reduced)
        self.n_outputs = len(self.kept) + len(self.reduced)
        self._runs = {}  # (shape, strides, dtype) of every input -> compiled loop or _PLAIN

    def __call__(self, *values):
        try:
            key = tuple([(v.shape, v.strides, v.dtype) for v in values])
        except AttributeError:  # (a Python number: the plain kernels take it)
            return self.plain(values)
        run = self._runs.get(key)
        if run is None or (run is _SMALL and compiled_kernels.loaded()):
            if len(self._runs) >= _MAX_SHAPES:
                self._runs.clear()
            run = self._runs[key] = self._compiled(key, values)
        if run is _PLAIN or run is _SMALL:
            return self.plain(values)
        return run(values)

    def plain(self, values):
        """The fused step, then each reduction's kernel: what the plan without this pass runs."""
        results = self.fused(*values)
        if len(self.fused.outputs) == 1:
            results = [results]
        outputs = [results[p] for p in self.kept]
        for position, step, axes in zip(self.reduced, self.reductions, self.axes):
            x = results[position]
            try:
                outputs.append(step.kernel(x, axes))
            except Exception as e:  # noqa: BLE001 - named as the plain plan names it
                raise step_error(step, {step.inputs[0]: x}, e) from e
        return outputs[0] if self.n_outputs == 1 else outputs

    def _compiled(self, key: tuple, values: tuple):
        """The loop for inputs like `values`, or _PLAIN when one cannot (or should not) run."""
        kind = compiled_kernels.backend()
        if kind not in ("c", "numba"):
            return _PLAIN
        shape = _loop_shape(key, self.fused.dtype)
        if shape is None:
            return _PLAIN
        if shape[0] * shape[1] < plan_fusion.FUSE_MIN_ELEMENTS and not compiled_kernels.loaded():
            return _SMALL  # (the plain kernels, until something else loads numba)
        codes = [_code(s, strides, shape, self.fused.dtype.itemsize) for s, strides, _ in key]
        if None in codes or not compiled_kernels.available():
            return _PLAIN
        if not self._outputs_fit(values, shape):
            return _PLAIN
        donors = [p for p in self.fused.donors if codes[p] == FULL]
        return _ReducingRun(self, shape, codes, donors, kind)

    def _outputs_fit(self, values: tuple, shape: tuple) -> bool:
        """Whether the fused outputs of `values` are all of `shape` and the loops' dtype, found
        on small stand-ins (False also when those raise: the plain run raises the error)."""
        standins = plan_fusion._probe(self.fused, values)
        if standins is None:
            return False
        if len(self.fused.outputs) == 1:
            standins = [standins]
        return all(np.shape(r) == shape and r.dtype == self.fused.dtype for r in standins)


def _loop_shape(key: tuple, dtype: np.dtype):
    """The matrix a loop runs over for inputs of `key` (every one of `dtype`, a float type;
    at least two rows and two columns), or None."""
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        return None
    if any(d != dtype for _, _, d in key):
        return None
    try:
        shape = np.broadcast_shapes(*[s for s, _, _ in key])
    except ValueError:
        return None
    if len(shape) != 2 or min(shape) < 2 or shape[0] >= 1 << 24:
        return None
    return shape


def _code(own_shape: tuple, strides: tuple, shape: tuple, itemsize: int):
    """How an operand of `own_shape` is indexed in a loop over the matrix `shape` (None: it
    cannot be, e.g. a matrix not C-ordered)."""
    padded = (1,) * (2 - len(own_shape)) + tuple(own_shape)
    rows, columns = padded[0] != 1, padded[1] != 1
    if rows and columns:
        return FULL if strides == (shape[1] * itemsize, itemsize) else None
    return COLUMN if rows else ROW if columns else SCALAR


class _ReducingRun:
    """The compiled loop of a `ReducingKernel` for one combination of input layouts."""

    def __init__(self, kernel: ReducingKernel, shape: tuple, codes: list, donors: list,
                 kind: str):
        self.kernel = kernel
        self.kind = kind  # "c" or "numba"
        self.tail = () if kind == "c" else shape  # (numba's loop takes n0 and n1)
        self.shape = shape
        self.codes = codes
        self.donors = donors
        self.dtype = kernel.fused.dtype
        self.zero = self.dtype.type(0)
        self.functions = {}  # donor position or None per kept output -> compiled loop

    def __call__(self, values):
        rows, columns = self.shape
        written, outputs = self._outputs(values)
        function = self.functions.get(written)
        if function is None:
            function = self.functions[written] = _compile(self.kernel, self.codes, written,
                                                          self.kind)
        sums = [np.empty(columns, self.dtype) for _ in self.kernel.reduced]
        function(*self._arguments(values), self.zero,
                 *[out for out, position in zip(outputs, written) if position is None],
                 *sums, *self.tail)
        for total, mean, keep in zip(sums, self.kernel.means, self.kernel.keep_dims):
            if mean:  # (the Mean kernel's own division: the sums, divided by the count)
                np.true_divide(total, rows, out=total, casting="unsafe")
            outputs.append(total.reshape(1, columns) if keep else total)
        return outputs[0] if len(outputs) == 1 else outputs

    def _arguments(self, values) -> list:
        """The loop's operands: matrices as they are, rows and columns as vectors, scalars."""
        rows, columns = self.shape
        args = []
        for value, code in zip(values, self.codes):
            if code == SCALAR:
                args.append(value.reshape(())[()])
            elif code == FULL:
                args.append(value)
            else:
                args.append(value.reshape(rows if code == COLUMN else columns))
        return args

    def _outputs(self, values) -> tuple:
        """(donor position or None per output not reduced, the output arrays)."""
        return plan_fusion.donor_outputs(values, self.donors, len(self.kernel.kept), self.shape,
                                         self.dtype)


def _compile(kernel: ReducingKernel, codes: list, written: tuple, kind: str = "numba"):
    """The function of the loop: `function(*operands, zero, *new outputs, *sums)` in C,
    numba's `function(*operands, zero, *new outputs, *sums, n0, n1)`."""
    fused = kernel.fused
    written_all = [None] * len(fused.outputs)
    for position, donor in zip(kernel.kept, written):
        written_all[position] = donor
    loop = fused.loop(codes, 2, tuple(written_all))
    if kind == "c":
        from minigraph import c_kernels  # (its own cache, by the loop's source)

        return c_kernels.compile_row_sums(loop, kernel.reduced)
    source = _source(loop, kernel.reduced)
    function = _functions.get(source)
    if function is None:
        # (compiled_kernels' numba compilation, with its disk cache, of a source of our own)
        function = _functions[source] = compiled_kernels._compile(source)
    return function


def _source(loop, reduced: tuple) -> str:
    """The loop's source with the stores at positions `reduced` added into row sums (sum `a{n}`
    that of store `reduced[n]`).

    Example:
        >>> from minigraph.compiled_kernels import FULL, SCALAR, Loop
        >>> loop = Loop([("x0", FULL), ("zero", SCALAR)], ["t0 = (x0 * x0)"],
        ...             [("o0", "t0")], 2)
        >>> print(_source(loop, (0,)))
        def kernel(x0, zero, a0, n0, n1):
            for j in range(n1):
                a0[j] = zero
            for i in range(n0):
                for j in range(n1):
                    x0_ = x0[i, j]
                    t0 = (x0_ * x0_)
                    a0[j] = a0[j] + t0
        <BLANKLINE>
    """
    operand_names = [name for name, _ in loop.operands]
    stores = [(k in reduced, out, value) for k, (out, value) in enumerate(loop.stores)]
    outputs = [out for is_sum, out, _ in stores if not is_sum and out not in operand_names]
    sums = [f"a{n}" for n in range(len(reduced))]
    lines = ["def kernel(" + ", ".join(operand_names + outputs + sums + ["n0", "n1"]) + "):"]
    lines += ["    for j in range(n1):"] + [f"        {a}[j] = zero" for a in sums]
    lines += ["    for i in range(n0):", "        for j in range(n1):"]
    indent, index = " " * 12, {FULL: "[i, j]", ROW: "[j]", COLUMN: "[i]"}
    body, local = compiled_kernels.body_lines(loop, indent, index)
    lines += body
    sum_of = dict(zip(reduced, sums))  # (sum n is that of store reduced[n])
    for k, (is_sum, out, value) in enumerate(stores):
        value = local.get(value, value)
        if is_sum:
            a = sum_of[k]
            lines.append(f"{indent}{a}[j] = {a}[j] + {value}")
        else:
            lines.append(f"{indent}{out}[i, j] = {value}")
    return "\n".join(lines) + "\n"
