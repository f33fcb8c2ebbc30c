"""Plan pass: a chain of element-wise ops runs as one kernel, in one pass over memory.

numpy runs `relu(z * scale + shift)` as three passes, each reading its inputs from memory and
writing a new array; on arrays larger than the caches that traffic is the whole cost. This pass
finds groups of element-wise steps connected through their values and gives each group one step
whose kernel computes all of them in one compiled loop (`minigraph.compiled_kernels`): every
input is read once, only the values someone outside the group reads are written, and an output
may be written into the memory of an input that dies at that step.

Which ops qualify is a fact each op declares: `define_op(..., elementwise="({0} * {1})")`, a
scalar expression that rounds exactly as the op's kernel does (`+ - * /`, `np.sqrt`, `relu`'s
select...), so a fused group gives bit-identical results. Ops whose numpy kernels are faster
than a compiled loop (`exp`, `log`, `tanh`: numpy's own vectorized versions) declare nothing.

Grouping, in one walk over the steps in order: an element-wise step joins the group(s) that made
its inputs, as long as the group can still run as one step: placed at its `anchor`, the last
member before any outside step that reads a member's value, and after every outside step that
makes an input of a member (a group must not need a value that depends on its own outputs).
Steps between the members keep their places; a group has at most `MAX_GROUP_STEPS` members.
Steps whose shape is known and small (`FUSE_MIN_ELEMENTS`) are left alone.

At run time a fused step keeps numpy's kernels for what a loop cannot do better or at all: small
arrays (until numba is loaded), loops of rank above 2 after merging
dimensions that broadcast alike, mixed dtypes, and any run when numba is not installed. An
input that dies at the step and is a fresh array nothing else can see (no view of it was
taken) is overwritten by an output of its shape. The first run with each new combination of
input shapes checks shapes and dtypes exactly as the ops do by running their kernels on small
arrays of ones shaped alike (each dimension longer than 1 shortened to a length of its own), so
no full-size temporary is made; if that fails, the ops' kernels run on the real values and raise
their usual errors, naming the op.

Runs before the in-place pass (which then sees the fused steps' reads and writes) and after
folding (whose constants become the loops' scalars).
"""

from __future__ import annotations

import math

import numpy as np

from minigraph import compiled_kernels
from minigraph import errors
from minigraph.compiled_kernels import COLUMN, FULL, ROW, SCALAR, Loop
from minigraph.executor import Plan, Step, fresh_slots, last_uses, step_error
from minigraph.registry import OpDef

# NOTE: measured (bench/fusion_kernels.py, `relu(x * 2 + 1)` through Session.run, CPU time):
# below this many elements a fused step saves 2-5 us a call (0.7-0.9x of numpy's kernels at
# 32-8192 elements), less than numba's import (about 1 s) and a loop's compilation (0.1-1 s)
# cost a short program; from here on it saves tens of microseconds (0.55x at 32768, 0.3x at
# 65536 and above). Small graphs therefore never import numba; once something else has loaded
# it, fused steps of any run-time size use their loops (shapes known small when the plan is
# made stay out of the groups).
FUSE_MIN_ELEMENTS = 1 << 14
# A group's loop compiles in time growing with its length; longer chains make several groups.
MAX_GROUP_STEPS = 48

_FLOATS = ("float16", "float32", "float64")
_COMPILED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # (numba has no float16)
_FUSED_OP_DEF = OpDef("FusedElementwise", kernel=None, shape=None, returns_view=False)
_NEW = object()
_SMALL = object()  # a run too small to import numba for
_MAX_SHAPES = 64  # combinations of input shapes a fused kernel keeps a compiled loop for


def fuse_elementwise(plan: Plan) -> None:
    """Replaces each group of connected element-wise steps of `plan` by one fused step.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 512], name="x")
        ...     y = tf.nn.relu(x * 2.0 + 1.0)
        ...     plan = executor.compile_plan([y], [], [x], executor.SessionState(),
        ...                                  passes=[fuse_elementwise])
        >>> [step.op.type for step in plan.steps]
        ['FusedElementwise']
        >>> plan.steps[0].op
        <fused ops: mul, add, Relu>
    """
    if not any(op_def.elementwise is not None for op_def in plan.op_defs.values()):
        return  # (no element-wise op: no walk over a big plan)
    steps = plan.steps
    templates = {}
    small = _small_shapes()
    for index, step in enumerate(steps):
        op = step.op
        # NOTE: a loop over every step of a plan (200,000 on W4's chain); a step whose output
        # shape is known small (all of W4's) is told from a cache by shape, with no call.
        if op.op_def.elementwise is not None and not (
                op.outputs and small[op.outputs[0]._shape._tuple]):
            template = _template(step)
            if template is not None:
                templates[index] = template
    if not templates:
        return
    producer, readers = _producers_and_readers(plan)
    fused_at, removed = {}, set()
    for members, anchor in _groups(steps, templates, producer, readers):
        fused = _fused_step(steps, members, templates, readers)
        if fused is not None:
            fused_at[anchor] = fused
            removed.update(members)
    if fused_at:
        plan.op_defs.setdefault(_FUSED_OP_DEF.type, _FUSED_OP_DEF)
    plan.steps = [fused_at.get(index, step) for index, step in enumerate(steps)
                  if index in fused_at or index not in removed]
    _choose_donors(plan, fused_at.values())


class _small_shapes(dict):
    """A static shape's dims (`TensorShape.as_tuple()`) -> whether they are all known and
    make fewer than `FUSE_MIN_ELEMENTS` elements (a plan's ops share few shapes: each is
    worked out once)."""

    def __missing__(self, dims) -> bool:
        small = self[dims] = (dims is not None and None not in dims
                              and math.prod(dims) < FUSE_MIN_ELEMENTS)
        return small


def _template(step: Step):
    """The scalar expression template of `step`'s op, if it may join a group."""
    op = step.op
    op_def = op.op_def
    if op_def.stateful or op_def.ref_input or len(step.outputs) != 1:
        return None
    # (first: most steps of a big plan of small tensors stop here; the shape's own
    # `num_elements()` inline, a third of this check's cost)
    dims = op.outputs[0]._shape._tuple
    if dims is not None and None not in dims and math.prod(dims) < FUSE_MIN_ELEMENTS:
        return None
    fact = op_def.elementwise
    template = fact if isinstance(fact, str) else fact(op)
    dtype = op.outputs[0].dtype
    if template is None or dtype.name not in _FLOATS:
        return None
    if any(t.dtype != dtype for t in op.inputs) or len(step.inputs) != len(op.inputs):
        return None
    return template


def _producers_and_readers(plan: Plan):
    """slot -> index of the step making it; slot -> indices of the steps reading it (a fetched
    slot is also read at `len(plan.steps)`, after every step)."""
    producer, readers = {}, {}
    for index, step in enumerate(plan.steps):
        for slot in step.outputs:
            producer[slot] = index
        for slot in step.inputs:
            readers.setdefault(slot, []).append(index)
    end = len(plan.steps)
    for slot in plan.fetch_slots:
        readers.setdefault(slot, []).append(end)
    return producer, readers


# ---------------------------------------------------------------- grouping
def _groups(steps, templates: dict, producer: dict, readers: dict) -> list:
    """[(sorted member indices, anchor index)] for the groups found in one walk."""
    group_of = {}  # step index -> its group, a list of member indices
    for index in templates:
        linked = _groups_read_by(steps[index], producer, group_of)
        joined = _first_runnable(linked, index, steps, producer, readers) or [index]
        for member in joined:
            group_of[member] = joined
    groups = {id(group): group for group in group_of.values()}.values()
    return [(group, _anchor(steps, group, producer, readers)) for group in groups]


def _groups_read_by(step: Step, producer: dict, group_of: dict) -> list:
    """The distinct groups that made the inputs of `step`."""
    linked = []
    for slot in step.inputs:
        group = group_of.get(producer.get(slot))
        if group is not None and not any(group is g for g in linked):
            linked.append(group)
    return linked


def _first_runnable(linked: list, index: int, steps, producer: dict, readers: dict):
    """The members of the first merge of `linked` with step `index` that can run as one
    step, or None."""
    for option in _merge_options(linked):
        members = sorted({m for group in option for m in group} | {index})
        if len(members) <= MAX_GROUP_STEPS and _anchor(steps, members, producer, readers):
            return members
    return None


def _merge_options(linked: list) -> list:
    """The sets of groups a step may join: all it reads from, else each one, largest first."""
    if not linked:
        return []
    options = [linked] if len(linked) > 1 else []
    return options + [[group] for group in sorted(linked, key=len, reverse=True)]


def _anchor(steps, members: list, producer: dict, readers: dict):
    """Where the group `members` can run as one step (the index of a member), or None."""
    member_set = set(members)
    latest_input, first_reader = -1, math.inf
    for index in members:
        step = steps[index]
        for slot in step.inputs:
            made_at = producer.get(slot, -1)
            if made_at not in member_set and made_at > latest_input:
                latest_input = made_at
        for slot in step.outputs:
            for reader in readers.get(slot, ()):
                if reader not in member_set and reader < first_reader:
                    first_reader = reader
    anchor = max((index for index in members if index < first_reader), default=None)
    return anchor if anchor is not None and anchor > latest_input else None


# ---------------------------------------------------------------- the fused step
class FusedOp:
    """What a fused step reports as its op (profiles, generated code): its members' ops."""

    type = "FusedElementwise"
    op_def = _FUSED_OP_DEF

    def __init__(self, members: list):
        self.members = [step.op for step in members]
        self.name = self.members[-1].name
        self.inputs = ()
        self.outputs = ()
        self.attrs = {}

    def __repr__(self) -> str:
        return "<fused ops: " + ", ".join(op.name for op in self.members) + ">"


def _fused_step(steps, members: list, templates: dict, readers: dict):
    member_set = set(members)
    member_steps = [steps[index] for index in members]
    made = {step.outputs[0] for step in member_steps}
    inputs = []
    for step in member_steps:
        for slot in step.inputs:
            if slot not in made and slot not in inputs:
                inputs.append(slot)
    outputs = tuple(step.outputs[0] for step in member_steps
                    if any(r not in member_set for r in readers.get(step.outputs[0], ())))
    if not outputs:
        return None  # nothing anyone reads (the steps stay, to fail or not as they would)
    kernel = FusedKernel(member_steps, [templates[index] for index in members], tuple(inputs),
                         outputs)
    return Step(kernel, tuple(inputs), outputs, (), FusedOp(member_steps))


def _choose_donors(plan: Plan, fused_steps) -> None:
    """Lets each fused step overwrite the inputs that die at it and that nothing else sees."""
    fused = {id(step) for step in fused_steps}
    if not fused:
        return
    dies_at = last_uses(plan)
    fresh = fresh_slots(plan.steps)
    viewed = set()
    for step in plan.steps:
        if step.op.op_def.returns_view:
            viewed.update(step.inputs)
    for index, step in enumerate(plan.steps):
        if id(step) in fused:
            step.kernel.donors = tuple(
                position for position, slot in enumerate(step.inputs)
                if slot in fresh and slot not in viewed and dies_at.get(slot) == index)


class FusedKernel:
    """The kernel of a fused step: `kernel(*input values)` -> its output (or outputs).

    Attributes:
        members: the steps it stands for, in order.
        donors: the positions of the inputs whose arrays an output may overwrite.
    """

    def __init__(self, members: list, templates: list, inputs: tuple, outputs: tuple):
        self.members = members
        self.templates = templates
        self.inputs = inputs
        self.outputs = outputs
        self.donors = ()
        self.dtype = members[0].op.outputs[0].dtype.np
        self._runs = {}  # (shape, strides, dtype) of every input -> _CompiledRun or None
        self._dies = _deaths(members, inputs, outputs)

    def __call__(self, *values):
        try:
            key = tuple([(v.shape, v.strides, v.dtype) for v in values])
        except AttributeError:  # (a Python number: numpy's kernels take it)
            return self.plain(values)
        run = self._runs.get(key, _NEW)
        if run is None or (run is _SMALL and not compiled_kernels.loaded()):
            return self.plain(values)
        if run is _NEW or run is _SMALL:
            if len(self._runs) >= _MAX_SHAPES:
                self._runs.clear()
            # the members' kernels on small stand-ins check shapes and dtypes as the ops do,
            # without the full-size temporaries of a plain run (on error: the real run's error)
            results = _probe(self, values)
            if results is None:
                results = self.plain(values)
                self._runs[key] = _compiled_run(self, key, values, results)
                return results
            run = self._runs[key] = _compiled_run(self, key, values, results)
            if run is None or run is _SMALL:
                return self.plain(values)
        return run(values)

    def plain(self, values):
        """The members' own kernels, in order: what the plan without this pass runs."""
        env = dict(zip(self.inputs, values))
        for step, dies in zip(self.members, self._dies):
            try:
                env[step.outputs[0]] = step.kernel(*[env[slot] for slot in step.inputs])
            except errors.OpError:
                raise
            except Exception as e:  # noqa: BLE001 - named as the plain plan names it
                raise step_error(step, env, e) from e
            for slot in dies:
                del env[slot]
        if len(self.outputs) == 1:
            return env[self.outputs[0]]
        return [env[slot] for slot in self.outputs]

    def loop(self, layouts: list, rank: int, written: tuple = ()) -> Loop:
        """The loop computing the members, its operands indexed as `layouts` say; output `k`
        is written into input `written[k]` where that is not None (a donor's array)."""
        name = {slot: f"x{i}" for i, slot in enumerate(self.inputs)}
        body = []
        for k, (step, template) in enumerate(zip(self.members, self.templates)):
            args = [name[slot] for slot in step.inputs]
            body.append(f"t{k} = " + template.format(*args, zero="zero"))
            name[step.outputs[0]] = f"t{k}"
        operands = [(f"x{i}", layout) for i, layout in enumerate(layouts)] + [("zero", SCALAR)]
        written = tuple(written) + (None,) * (len(self.outputs) - len(written))
        stores = [(f"o{i}" if written[i] is None else f"x{written[i]}", name[slot])
                  for i, slot in enumerate(self.outputs)]
        return Loop(operands, body, stores, rank)


def _deaths(members: list, inputs: tuple, outputs: tuple) -> list:
    """Per member, the values its plain run may drop after it (read by no later member)."""
    last = {}
    for k, step in enumerate(members):
        for slot in step.inputs:
            last[slot] = k
        last.setdefault(step.outputs[0], k)
    dies = [[] for _ in members]
    for slot, k in last.items():
        if slot not in outputs and slot not in inputs:
            dies[k].append(slot)
    return dies


def _probe(kernel: FusedKernel, values: tuple):
    """What `kernel.plain(values)` returns, as zero-stride arrays of its shapes and dtypes,
    found by running the plain kernels on arrays of ones whose every dimension longer than 1
    is shortened to a length of its own (2, 3, ...: dimensions that are equal, or 1, stay so,
    so shapes broadcast or fail alike); None if the stand-ins raise (or cannot be made)."""
    lengths = _probe_lengths(values)
    if lengths is None:
        return None
    short = {n: k for k, n in lengths.items()}
    try:
        with np.errstate(all="ignore"):
            results = kernel.plain([np.ones(tuple(short[n] for n in v.shape), v.dtype)
                                    for v in values])
    except Exception:  # noqa: BLE001 - the real run raises the op's own error
        return None
    outputs = [results] if len(kernel.outputs) == 1 else results
    if not all(r.__class__ is np.ndarray or isinstance(r, np.generic) for r in outputs):
        return None
    standins = [np.broadcast_to(np.zeros((), r.dtype), tuple(lengths[n] for n in np.shape(r)))
                for r in outputs]
    return standins[0] if len(kernel.outputs) == 1 else standins


def _probe_lengths(values: tuple):
    """{short length: real length} for `_probe`'s stand-ins (1 stays 1), or None when the
    inputs are small already (the plain run then costs nothing) or empty."""
    sizes = sorted({n for v in values for n in v.shape if n > 1})
    if not sizes or sizes[-1] <= len(sizes) + 1 or any(0 in v.shape for v in values):
        return None
    lengths = {k + 2: n for k, n in enumerate(sizes)}
    lengths[1] = 1
    return lengths


# ---------------------------------------------------------------- the compiled loop
def _compiled_run(kernel: FusedKernel, key: tuple, values: tuple, results):
    """How to run `kernel` as a compiled loop on inputs like `values` (None: keep numpy's)."""
    shapes = [shape for shape, _, _ in key]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        return None
    if not _loop_dtypes_and_shapes(kernel, key, shape, results):
        return None
    layout = _layout(key, shape)
    if layout is None:
        return None
    if math.prod(shape) < FUSE_MIN_ELEMENTS and not compiled_kernels.loaded():
        return _SMALL  # (numpy's kernels until something else loads numba)
    if not compiled_kernels.available():
        return None
    sizes, codes, preparations = layout
    strides = _c_strides(shape, kernel.dtype.itemsize)
    donors = [p for p in kernel.donors if key[p][0] == shape and key[p][1] == strides]
    return _CompiledRun(shape, tuple(sizes), codes, preparations, donors, kernel)


def _loop_dtypes_and_shapes(kernel: FusedKernel, key: tuple, shape: tuple, results) -> bool:
    """Whether a loop can compute `results`: every input and output of the kernel's dtype, one
    numba compiles, and every output of the broadcast shape."""
    outputs = [results] if len(kernel.outputs) == 1 else results
    return (kernel.dtype in _COMPILED_DTYPES
            and all(dtype == kernel.dtype for _, _, dtype in key)
            and all(np.shape(r) == shape and getattr(r, "dtype", None) == kernel.dtype
                    for r in outputs))


def _c_strides(shape: tuple, itemsize: int) -> tuple:
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _layout(key: tuple, shape: tuple):
    """(loop sizes, operand layouts, operand preparations) for the loop over `shape`, merging
    neighbouring dimensions along which every operand varies alike; None above rank 2."""
    rank = len(shape)
    varies = [_varies(own_shape, strides, rank) for own_shape, strides, _ in key]
    runs = _merged_runs(shape, varies)
    if not runs or len(runs) > 2:
        return None
    sizes = [size for size, _ in runs]
    codes, preparations = [], []
    for i, (own_shape, _, _) in enumerate(key):
        along = tuple(pattern[i] for _, pattern in runs)
        codes.append(_CODES[along])
        preparations.append(_preparation(own_shape, varies[i], rank, sizes, along))
    return sizes, codes, preparations


def _varies(own_shape: tuple, strides: tuple, rank: int) -> list:
    """Per dimension of a rank-`rank` loop: whether an operand of this shape varies along it."""
    pad = rank - len(own_shape)
    return [False] * pad + [n != 1 and s != 0 for n, s in zip(own_shape, strides)]


def _merged_runs(shape: tuple, varies: list) -> list:
    """[size, pattern] of the loop's dimensions, neighbours varying alike merged (size-1
    dimensions dropped)."""
    runs = []
    for d, n in enumerate(shape):
        if n == 1:
            continue
        pattern = tuple(v[d] for v in varies)
        if runs and runs[-1][1] == pattern:
            runs[-1][0] *= n
        else:
            runs.append([n, pattern])
    return runs


def _preparation(own_shape: tuple, varies: list, rank: int, sizes: list, along: tuple):
    """(index, target shape) turning an operand into its loop argument: `value[index]`
    (None: as it is), then reshaped to `target` (None: a scalar)."""
    pad = rank - len(own_shape)
    index = tuple(slice(None) if varies[pad + d] else 0 for d in range(len(own_shape)))
    if _CODES[along] == SCALAR:
        return index, None
    target = tuple(size for size, v in zip(sizes, along) if v)
    needs_index = not all(isinstance(x, slice) for x in index)
    return (index if needs_index else None), target


_CODES = {(True,): FULL, (False,): SCALAR, (True, True): FULL, (False, True): ROW,
          (True, False): COLUMN, (False, False): SCALAR}


class _CompiledRun:
    """One compiled loop of a fused kernel, for one combination of input shapes: a variant per
    choice of the donors its outputs overwrite (an output written into a donor is written
    through that input's argument, see `compiled_kernels.Loop.source`)."""

    def __init__(self, shape, sizes, codes, preparations, donors, kernel):
        self.shape = shape
        self.sizes = sizes
        self.codes = codes
        self.preparations = preparations
        self.donors = donors
        self.kernel = kernel
        self.n_outputs = len(kernel.outputs)
        self.dtype = kernel.dtype
        self.zero = kernel.dtype.type(0)
        self.functions = {}  # (donor position or None, per output) -> compiled loop

    def __call__(self, values):
        args = []
        for value, (index, target) in zip(values, self.preparations):
            if target is None:
                args.append(value[index])
            else:
                if index is not None:
                    value = value[index]
                args.append(value.reshape(target))
        args.append(self.zero)
        written, outputs = self._outputs(values)
        function = self.functions.get(written)
        if function is None:
            loop = self.kernel.loop(self.codes, len(self.sizes), written)
            function = self.functions[written] = compiled_kernels.compile_loop(loop)
        function(*args, *[out.reshape(self.sizes) for out, position in zip(outputs, written)
                          if position is None])
        return outputs[0] if self.n_outputs == 1 else outputs

    def _outputs(self, values):
        """(donor position or None per output, the output arrays)."""
        return donor_outputs(values, self.donors, self.n_outputs, self.shape, self.dtype)


def donor_outputs(values, donors: list, count: int, shape: tuple, dtype) -> tuple:
    """The arrays `count` outputs of `shape` and `dtype` are written into: each the next
    writeable input among the `donors` positions of `values`, else a new array. Returns (donor
    position or None per output, the arrays)."""
    written, outputs = [], []
    for _ in range(count):
        position = None
        while donors:
            candidate, donors = donors[0], donors[1:]
            if values[candidate].flags.writeable:
                position = candidate
                break
        written.append(position)
        outputs.append(np.empty(shape, dtype) if position is None else values[position])
    return tuple(written), outputs
