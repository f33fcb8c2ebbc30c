"""Plan compilation and execution: how `Session.run` turns a graph into numpy calls.

Compiling a plan for (fetches, fed tensors) happens once; `Session` caches it. Compilation:

1. **prune**: walk back from the fetches to the ops they need, stopping at fed tensors (any
   tensor may be fed, not just placeholders);
2. **check feeds**: a needed placeholder that is not fed is an error naming it;
3. **order**: sort the needed ops by creation index, a topological order for free;
4. **bind**: give every value a numbered slot, and each op a step `(kernel, input slots, output
   slots, slots to free)`, with its attrs (and, for stateful ops, the session's state) bound
   into the kernel with `functools.partial`;
5. **free early**: each intermediate's slot is cleared right after its last consumer runs.

Running a plan is then one flat loop over the steps with no graph walking. Variables are the
one subtlety: like TF1's ref variables, a variable is read right before each op that consumes
it, so a read ordered after an assignment (by a control dependency) sees the new value.
"""

from __future__ import annotations

import functools
import gc
import time

import numpy as np

from minigraph import errors
from minigraph.tensor import Operation, Tensor


class SessionState:
    """What one session owns: variable values (by variable op) and random generators."""

    def __init__(self):
        self.variables = {}
        self.rngs = {}


class Plan:
    """A compiled, reusable schedule for one (fetches, feeds) pair.

    `steps` are tuples `(kernel, input slots, output slot or list of slots, slots to free, op)`;
    `constants` maps slots to values known at compile time (Consts and folded ops); `fetch_copy`
    says, per fetch, whether the value may alias stored state (a variable, a Const, a feed) and
    must be copied before it is handed to the user.

    A plan runs in one of three ways: a plain loop over the steps (the first runs, and plans too
    large to be worth compiling), a generated straight-line Python function (from the
    `CODEGEN_AFTER_RUNS`-th run on), and an instrumented loop that times every step or checks
    every output for NaN/inf, used only when `RunOptions` ask for it, so that the other two pay
    nothing for it.
    """

    def __init__(self, steps, n_slots, feed_slots, fetch_slots, constants=None, fetch_copy=None):
        self.steps = steps
        self.n_slots = n_slots
        self.feed_slots = feed_slots
        self.fetch_slots = fetch_slots
        self.constants = constants or {}
        self.fetch_copy = fetch_copy if fetch_copy is not None else [True] * len(fetch_slots)
        self._template = [None] * n_slots
        for slot, value in self.constants.items():
            self._template[slot] = value
        self._fast = None
        self._runs = 0

    def run(self, feed_values) -> list:
        fast = self._fast
        if fast is None:
            self._runs += 1
            if self._runs < CODEGEN_AFTER_RUNS or len(self.steps) > CODEGEN_MAX_STEPS:
                return self._run_loop(feed_values)
            fast = self._fast = _generate(self)
        try:
            return fast(*feed_values)
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed: find its step from the generated line
            step, values = _failed_step(self, e)
            if _is_variable_read(step):
                step[0]()  # the read's own kernel raises FailedPreconditionError naming it
            raise _kernel_error(step, values, e) from e

    def _run_loop(self, feed_values) -> list:
        values = self._template.copy()
        for slot, value in zip(self.feed_slots, feed_values):
            values[slot] = value
        step = None
        try:
            for step in self.steps:
                fn, ins, out, frees = step[0], step[1], step[2], step[3]
                result = fn(*[values[i] for i in ins])
                if out.__class__ is int:
                    values[out] = result
                elif out:
                    for slot, value in zip(out, result):
                        if slot is not None:
                            values[slot] = value
                for slot in frees:
                    values[slot] = None
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed: say which op, with what inputs
            raise _kernel_error(step, values, e) from e
        return [values[slot] for slot in self.fetch_slots]

    def run_instrumented(self, feed_values, step_stats=None, check_numerics=False) -> list:
        """The plain loop, timing each step into `step_stats` and/or checking for NaN/inf.

        `step_stats` (a list) receives one `(op, start_seconds, end_seconds, output shapes)` per
        step, in `time.perf_counter` seconds. With `check_numerics`, the first step whose floating
        output holds NaN or inf raises InvalidArgumentError naming the op, its type and inputs.
        """
        values = self._template.copy()
        for slot, value in zip(self.feed_slots, feed_values):
            values[slot] = value
        clock = time.perf_counter
        step = None
        try:
            for step in self.steps:
                fn, ins, out, frees = step[0], step[1], step[2], step[3]
                start = clock()
                result = fn(*[values[i] for i in ins])
                end = clock()
                outputs = [result] if out.__class__ is int else list(result) if out else []
                if step_stats is not None:
                    step_stats.append((step[4], start, end, [np.shape(v) for v in outputs]))
                if check_numerics:
                    _check_numerics(step, outputs, values)
                if out.__class__ is int:
                    values[out] = result
                elif out:
                    for slot, value in zip(out, result):
                        if slot is not None:
                            values[slot] = value
                for slot in frees:
                    values[slot] = None
        except errors.OpError:
            raise
        except Exception as e:
            raise _kernel_error(step, values, e) from e
        return [values[slot] for slot in self.fetch_slots]


# A plan is turned into a generated Python function on its third run (the first runs use the
# loop: many plans run once or twice, e.g. initializers, and generating costs ~10 us a step).
CODEGEN_AFTER_RUNS = 3
# Plans longer than this stay on the loop: compiling a 100k-line function takes seconds, and for
# such plans the loop's overhead (~0.2 us a step) is small next to the kernels.
CODEGEN_MAX_STEPS = 20000


def _generate(plan: Plan):
    """A straight-line Python function computing `plan`: one line per step, `del` at last use.

    Slot `i` becomes the local variable `s<i>` (constants are globals of the function), step
    `k` calls global `k<k>`, the bound kernel. Compared with the loop this saves, per step, the
    tuple unpacking, the argument list, the output dispatch and the loop itself (~1 us -> ~0.15 us
    of overhead a step), which is what small-tensor programs spend their time on.
    """
    namespace = {}
    for slot, value in plan.constants.items():
        namespace[f"s{slot}"] = value
    lines = ["def _plan(" + ", ".join(f"s{slot}" for slot in plan.feed_slots) + "):"]
    line_steps = {}
    for index, step in enumerate(plan.steps):
        fn, ins, out, frees = step[0], step[1], step[2], step[3]
        namespace[f"k{index}"] = fn
        call = f"k{index}(" + ", ".join(f"s{i}" for i in ins) + ")"
        if _is_variable_read(step):
            # A variable read is a dict lookup in the session's store; a missing value (never
            # possible once the plan has run) raises KeyError, turned into TF1's error in run().
            namespace["variables"] = fn.args[0].variables
            namespace[f"v{index}"] = step[4]
            call = f"variables[v{index}]"
        if out.__class__ is int:
            line = f"    s{out} = {call}"
        elif out:
            targets = ", ".join("_" if slot is None else f"s{slot}" for slot in out)
            line = f"    {targets}, = {call}" if len(out) == 1 else f"    {targets} = {call}"
        else:
            line = f"    {call}"
        lines.append(line)
        line_steps[len(lines)] = index
        local_frees = [slot for slot in frees if slot not in plan.constants]
        if local_frees:
            lines.append("    del " + ", ".join(f"s{slot}" for slot in local_frees))
    lines.append("    return [" + ", ".join(f"s{slot}" for slot in plan.fetch_slots) + "]")
    code = compile("\n".join(lines) + "\n", f"<minigraph plan of {len(plan.steps)} steps>", "exec")
    exec(code, namespace)
    function = namespace["_plan"]
    function.line_steps = line_steps
    return function


def _is_variable_read(step) -> bool:
    fn, op = step[0], step[4]
    return (op.op_def.ref_output and isinstance(fn, functools.partial)
            and fn.func is op.op_def.kernel and len(fn.args) == 2
            and isinstance(getattr(fn.args[0], "variables", None), dict))


def _failed_step(plan: Plan, error: Exception):
    """The step that raised `error` inside the generated function, and its live values."""
    function = plan._fast
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code is not function.__code__:
        tb = tb.tb_next
    if tb is None:  # raised outside the generated code: should not happen, report plainly
        raise error
    local = tb.tb_frame.f_locals
    values = [None] * plan.n_slots
    for slot in range(plan.n_slots):
        values[slot] = local.get(f"s{slot}", plan.constants.get(slot))
    return plan.steps[function.line_steps[tb.tb_lineno]], values


def _check_numerics(step, outputs, values) -> None:
    for index, value in enumerate(outputs):
        if value is None:
            continue
        array = np.asarray(value)
        if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
            op = step[4]
            kind = "NaN" if np.any(np.isnan(array)) else "Inf"
            shapes = ", ".join(
                "?" if values[i] is None else str(list(np.shape(values[i]))) for i in step[1]
            )
            raise errors.InvalidArgumentError(
                None,
                op,
                f"check_numerics: output {index} of op '{op.name}' (op: {op.type}) contains "
                f"{kind}; it is the first op of this run whose output is not finite (input "
                f"shapes: {shapes}; inputs: {[t.name for t in op.inputs]}).",
            )


def _kernel_error(step, values, error: Exception) -> errors.OpError:
    op = step[4]
    shapes = ", ".join(
        "?" if values[i] is None else str(list(np.shape(values[i]))) for i in step[1]
    )
    return errors.InvalidArgumentError(
        None,
        op,
        f"{type(error).__name__}: {error}\n\t [[node {op.name} (op: {op.type}) with input "
        f"shapes: {shapes}]]",
    )


def _missing_feed_error(op: Operation) -> errors.InvalidArgumentError:
    dtype = op.attrs["dtype"]
    shape = op.attrs["shape"]
    return errors.InvalidArgumentError(
        None,
        op,
        f"You must feed a value for placeholder tensor '{op.name}' with dtype "
        f"{dtype._proto_name} and shape {shape.bracket_str()}\n\t [[node {op.name}]] "
        f"(pass feed_dict={{{op.name}: <array of shape {shape}>}} to run).",
    )


def _bind(op: Operation, state: SessionState):
    op_def = op.op_def
    if op_def.stateful:
        return functools.partial(op_def.kernel, state, op)
    if op.attrs:
        return functools.partial(op_def.kernel, **op.attrs)
    return op_def.kernel


def compile_plan(fetch_tensors, target_ops, feed_tensors, state: SessionState,
                 rewrite: bool = True) -> Plan:
    """Compiles the schedule that computes `fetch_tensors` and runs `target_ops`.

    With `rewrite` (the default), small pure subgraphs of constants are folded into constants
    and identity work (`Identity`, `StopGradient`, `x * 1`) becomes a second name for its input's
    slot; both keep every value bit-identical.
    """
    # NOTE: compiling a 100k-op plan allocates millions of small objects; the cyclic GC would
    # walk the whole graph again and again meanwhile (half the time on W4). Nothing compiled here
    # is garbage, so collection waits until the plan is done.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _compile_plan(fetch_tensors, target_ops, feed_tensors, state, rewrite)
    finally:
        if gc_was_enabled:
            gc.enable()


def _compile_plan(fetch_tensors, target_ops, feed_tensors, state, rewrite) -> Plan:
    fed = {id(t) for t in feed_tensors}

    # 1. prune: the ops needed, walking back from the fetches and stopping at fed tensors.
    needed = {}
    stack = [t.op for t in fetch_tensors if id(t) not in fed] + list(target_ops)
    while stack:
        op = stack.pop()
        if id(op) in needed:
            continue
        needed[id(op)] = op
        for t in (op.inputs[1:] if op.op_def.ref_input else op.inputs):
            if id(t) not in fed and id(t.op) not in needed:
                stack.append(t.op)
        if op._control_inputs:
            stack.extend(c for c in op._control_inputs if id(c) not in needed)

    # 2. check feeds, 3. order.
    ordered = sorted(needed.values(), key=_creation_index)
    for op in ordered:
        if op.op_def.kernel is None:
            raise _missing_feed_error(op)

    # 4. bind slots and kernels; fold constants, alias identity work.
    slot_of = {}
    n_slots = 0
    feed_slots = []
    for t in feed_tensors:
        slot_of[id(t)] = n_slots
        feed_slots.append(n_slots)
        n_slots += 1

    fetched_ids = {id(t) for t in fetch_tensors}
    constants = {}
    owned = set()  # slots holding a fresh array that nothing else refers to
    steps = []
    has_variants = False
    for op in ordered:
        op_def = op.op_def
        if op_def.inplace_kernel is not None or op_def.adopt_kernel is not None:
            has_variants = True
        outputs = op.outputs
        if op_def.ref_output and not any(id(t) in fetched_ids for t in outputs):
            continue  # read right before each consumer instead (below)
        if len(outputs) == 1:
            output_fed = id(outputs[0]) in fed
        else:
            output_fed = any(id(t) in fed for t in outputs)
        if output_fed:
            values = None  # a fed output: no rewrite
        elif op.type == "Const":
            values = [op.attrs["value"]]
        else:
            values = None
        if (values is None and rewrite and op.type == "ZerosLike" and not output_fed
                and id(outputs[0]) not in fetched_ids and _zero_scalar_suffices(op, needed)):
            slot_of[id(outputs[0])] = n_slots  # a 0-d zero: no step, no array
            constants[n_slots] = np.zeros((), outputs[0].dtype.np)
            n_slots += 1
            continue
        in_slots = []
        for t in (op.inputs[1:] if op_def.ref_input else op.inputs):
            slot = slot_of.get(id(t))
            if slot is not None and (t.op.op_def.ref_output is False or id(t) in fed):
                in_slots.append(slot)
            else:  # a variable: read it now, into a slot of its own
                in_slots.append(n_slots)
                steps.append([_bind(t.op, state), [], n_slots, [], t.op])
                n_slots += 1
        if values is None and rewrite and not output_fed:
            # (the inline checks skip the calls for most ops of big plans)
            if in_slots and in_slots[0] in constants:
                values = _fold(op, in_slots, constants)
            if values is None and op.type in ALIAS_TYPES:
                alias = _alias(op, in_slots, constants)
                if alias is not None:
                    slot_of[id(outputs[0])] = alias
                    continue
        if values is not None:  # known now: a constant slot, no step
            for t, value in zip(outputs, values):
                slot_of[id(t)] = n_slots
                constants[n_slots] = value
                n_slots += 1
            continue
        out_slots = []
        for t in outputs:
            if id(t) in fed:
                out_slots.append(None)
            else:
                slot_of[id(t)] = n_slots
                out_slots.append(n_slots)
                if op.type in FRESH_OUTPUT_TYPES:
                    owned.add(n_slots)
                n_slots += 1
        out = out_slots[0] if len(outputs) == 1 else out_slots
        kernel = _bind(op, state)
        if rewrite and op.type == "Select":
            kernel = _select_with_zero(op, in_slots, constants) or kernel
        steps.append([kernel, in_slots, out, [], op])

    # 5. free each slot after its last reader; drop outputs nobody reads.
    fetch_slots = [slot_of[id(t)] for t in fetch_tensors]
    keep = set(fetch_slots)
    keep.update(constants)
    last_use = {}
    for index, step in enumerate(steps):
        for slot in step[1]:
            last_use[slot] = index
    for index, step in enumerate(steps):
        outs = step[2] if isinstance(step[2], list) else [step[2]]
        for slot in outs:
            if slot is not None and slot not in keep and slot not in last_use:
                last_use[slot] = index
    for slot, index in last_use.items():
        if slot not in keep:
            steps[index][3].append(slot)

    # 6. where invisible, bind the kernels that update variables in place or keep their value.
    if has_variants:
        _bind_variants(steps, keep, last_use, owned, state)

    # A fetched value is handed over without a copy only when it is a fresh array the plan
    # made (not a variable's stored array, a Const, a feed, or a view of one), fetched once.
    seen = set()
    fetch_copy = []
    for slot in fetch_slots:
        fetch_copy.append(slot not in owned or slot in seen)
        seen.add(slot)
    # Tuples of ints (mostly the shared empty one for `frees`): no lists for the GC to track.
    steps = [(s[0], tuple(s[1]), s[2], tuple(s[3]) if s[3] else (), s[4]) for s in steps]
    return Plan(steps, n_slots, feed_slots, fetch_slots, constants, fetch_copy)


def _bind_variants(steps, keep, last_use, owned, state) -> None:
    """Binds in-place and adopting kernel variants (see `registry.define_op`) where safe.

    One pass over the steps follows which slots may alias a variable's stored array: a read of
    the variable, the output of an op that writes it, and the output of any op that may return
    a view of an aliasing input (everything not in `FRESH_OUTPUT_TYPES`: Identity, Reshape,
    Transpose, slicing, ...). A step may write variable V in place only if no such slot is live
    at that step (still to be read, fetched, or another input of the step itself) except the
    step's own read of V: then no value this run hands out or still uses can see the write,
    which is TF1's rule that a value read earlier in a run keeps its value. Fetched values are
    copied, so nothing from an earlier run can see it either.
    """
    may_alias = {}  # slot -> frozenset of the variable ops whose array it may share
    live = {}  # variable op -> set of live slots that may alias it
    read_of = {}  # slot -> variable op, for the slots of variable reads
    viewed = set()  # slots read by an op that may return a view of them (Reshape, slicing...)
    empty = frozenset()
    for index, step in enumerate(steps):
        ins, out, frees, op = step[1], step[2], step[3], step[4]
        op_def = op.op_def
        if op_def.ref_output:
            written = empty
            aliases = frozenset([op])
            read_of[out] = op
        elif op_def.ref_input:
            written = frozenset(_written_variables(op))
            aliases = written
            if op_def.adopt_kernel is not None and _adoptable(
                    ins, index, keep, last_use, owned, viewed):
                step[0] = functools.partial(op_def.adopt_kernel, state, op)
            elif op_def.inplace_kernel is not None and _inplace_safe(
                    op, ins, index, keep, last_use, live, read_of):
                step[0] = functools.partial(op_def.inplace_kernel, state, op)
        elif op.type in FRESH_OUTPUT_TYPES:
            aliases = empty
        else:
            aliases = empty
            for slot in ins:
                if slot in may_alias:
                    aliases = aliases | may_alias[slot]
        if aliases:
            for slot in [out] if out.__class__ is int else out:
                if slot is not None:
                    may_alias[slot] = aliases
                    for var_op in aliases:
                        live.setdefault(var_op, set()).add(slot)
        for slot in frees:
            for var_op in may_alias.get(slot, empty):
                live[var_op].discard(slot)
        if op.type not in FRESH_OUTPUT_TYPES:
            viewed.update(ins)


def _written_variables(op: Operation) -> list:
    """The variable ops whose arrays `op` writes (in place or not): its `inplace_inputs`."""
    return [op.inputs[i].op for i in op.op_def.inplace_inputs
            if op.inputs[i].op.op_def.ref_output]


def _adoptable(ins, index, keep, last_use, owned, viewed) -> bool:
    """Whether the last input of step `index` is a fresh array that nothing else will see.

    NOTE: besides being read last here, the array must never have been read by an op that may
    return a view of it (`viewed`): such a view (say `tf.reshape(y, ...)`, still to be read or
    fetched) would share the variable's array once adopted, and see its in-place updates.
    """
    slot = ins[-1] if ins else None
    return (slot in owned and slot not in keep and last_use.get(slot) == index
            and ins.count(slot) == 1 and slot not in viewed)


def _inplace_safe(op, ins, index, keep, last_use, live, read_of) -> bool:
    """Whether step `index` (op `op`, input slots `ins`) may write its variables in place.

    Every written variable must be a variable read (never a fed value), its data-input read
    must be used by this step alone, and no other live slot may alias any written variable.
    """
    operands = set()
    for i in op.op_def.inplace_inputs:
        var_op = op.inputs[i].op
        if not var_op.op_def.ref_output:
            return False
        if i == 0 and op.op_def.ref_input:
            continue  # the ref input: the kernel finds the variable's array itself
        slot = ins[i - 1] if op.op_def.ref_input else ins[i]
        if (read_of.get(slot) is not var_op or slot in keep or last_use.get(slot) != index
                or ins.count(slot) != 1):
            return False
        operands.add(slot)
    for i in op.op_def.inplace_inputs:
        if live.get(op.inputs[i].op, operands) - operands:
            return False
    return True


# Op types whose kernels always return a new array (numpy ufuncs, reductions, matmul): their
# outputs can be fetched without a copy. Any other op may return a view of its input (Identity,
# Reshape, slicing), so its fetched output is copied. Listing an op here is a promise about its
# kernel; leaving one out only costs a copy.
FRESH_OUTPUT_TYPES = frozenset([
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Neg", "Pow", "Square", "Sqrt", "Exp", "Log",
    "Abs", "Sign", "Maximum", "Minimum", "MatMul", "BatchMatMulV2", "Sum", "Mean", "AddN",
    "Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual", "Select",
])

# Folding keeps a computed value for the life of the plan: only small ones are worth keeping.
FOLD_MAX_ELEMENTS = 1 << 16


def _fold(op: Operation, in_slots, constants):
    """The outputs of `op` computed now if all its inputs are constants and it is pure."""
    op_def = op.op_def
    if not in_slots or op_def.stateful or op_def.ref_input or op_def.ref_output:
        return None
    for slot in in_slots:
        if slot not in constants:
            return None
    try:
        result = _bind(op, None)(*[constants[slot] for slot in in_slots])
    except Exception:  # noqa: BLE001 - leave the op to fail at run time, with the usual error
        return None
    results = [result] if len(op.outputs) == 1 else list(result)
    if any(np.size(value) > FOLD_MAX_ELEMENTS for value in results):
        return None
    return results


# The op types `_alias` may turn into a second name for an input's slot.
ALIAS_TYPES = frozenset(["Identity", "StopGradient", "Mul", "Pow"])


def _alias(op: Operation, in_slots, constants):
    """The input slot whose value `op` returns unchanged (Identity, StopGradient, x*1, x**1).

    Bit-identical: x * 1 == x ** 1 == x for every float, including -0, inf and NaN. A constant
    one only counts if it cannot change x's shape or dtype by broadcasting.
    """
    if op.type in ("Identity", "StopGradient") and len(in_slots) == 1:
        return in_slots[0]
    if op.type == "Mul":
        candidates = ((0, 1, op.inputs[1]), (1, 0, op.inputs[0]))
    elif op.type == "Pow":  # x ** 1 (the gradient of x ** 2 makes one)
        candidates = ((1, 0, op.inputs[0]),)
    else:
        return None
    out = op.outputs[0]
    for one, other, tensor in candidates:
        value = constants.get(in_slots[one])
        if value is None:
            continue
        value = np.asarray(value)
        if value.size != 1 or value.item() != 1 or tensor.dtype != out.dtype:
            continue
        rank = tensor.shape.ndims
        if value.ndim == 0 or (rank is not None and value.ndim <= rank):
            return in_slots[other]
    return None


# Element-wise ops in which a 0-d zero gives the same result as a zeros array shaped like
# another of their inputs (broadcasting reproduces it), bit for bit and dtype for dtype.
ZERO_SCALAR_CONSUMERS = frozenset([
    "Select", "Greater", "GreaterEqual", "Less", "LessEqual", "Equal", "NotEqual", "Maximum",
    "Minimum",
])


def _zero_scalar_suffices(op: Operation, needed: dict) -> bool:
    """Whether `ZerosLike(x)` can be a 0-d zero: each reader is an element-wise op that also
    takes `x` itself, so the output keeps x's shape (e.g. the ReLU gradient's
    `where(y > zeros_like(y), grad, zeros_like(grad))`). Saves filling a full array of zeros
    and reading it again."""
    x, zeros = op.inputs[0], op.outputs[0]
    readers = [c for c in zeros._consumers if id(c) in needed]
    if not readers:
        return False
    for c in readers:
        if c.type not in ZERO_SCALAR_CONSUMERS:
            return False
        ins = c.inputs
        if c.type == "Select":
            # Select broadcasts a rank-1 condition along its first value's rows: keep the zero
            # out of that position unless the condition's rank is known not to be 1.
            condition_rank = ins[0].shape.ndims
            if ins[2] is zeros and ins[1] is x:
                continue
            if ins[1] is zeros and ins[2] is x and condition_rank not in (None, 1):
                continue
            return False
        if not ((ins[0] is zeros and ins[1] is x) or (ins[1] is zeros and ins[0] is x)):
            return False
    return True


def _select_with_zero(op: Operation, in_slots, constants):
    """A faster kernel for `where(c, x, 0)` / `where(c, 0, x)` (the ReLU gradient), or None.

    NOTE: np.where on a random mask runs at about 1 GB/s (a branch per element); masking x's
    bits with the condition does the same in a few vectorized passes (measured 4.0 -> 0.22 ms
    for 2048x512 float32) and is bit-identical: x where kept, +0.0 elsewhere, NaN and inf
    included. Other dtypes and broadcasting shapes fall back to the op's own kernel.
    """
    for zero_index in (2, 1):
        value = constants.get(in_slots[zero_index])
        if (value is not None and np.ndim(value) == 0 and value == 0
                and not np.signbit(value) and np.asarray(value).dtype == op.inputs[1].dtype.np):
            return functools.partial(_masked_select, op.op_def.kernel, zero_index == 1)
    return None


_UINT_OF_SIZE = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _masked_select(kernel, zero_first, condition, x, y):
    """where(condition, x, y) with y (or x, when `zero_first`) a 0-d +0.0, by bit masking."""
    value = y if zero_first else x
    uint = _UINT_OF_SIZE.get(value.dtype.itemsize) if value.dtype.kind == "f" else None
    if (uint is None or value.__class__ is not np.ndarray or value.ndim == 0
            or condition.__class__ is not np.ndarray or condition.dtype != np.bool_
            or condition.shape != value.shape):
        return kernel(condition, x, y)
    keep = np.logical_not(condition) if zero_first else condition
    bits = np.multiply(keep, np.iinfo(uint).max, dtype=uint)
    np.bitwise_and(bits, value.view(uint), out=bits)
    return bits.view(value.dtype)


def _creation_index(op: Operation) -> int:
    return op._id


def fetch_value(tensor: Tensor, value, copy: bool = True):
    """What `Session.run` hands back: a numpy value (scalars as numpy scalars, as TF1), copied
    when it may alias stored state (`copy`, decided by the plan)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value[()]
        return value.copy() if copy else value
    if isinstance(value, np.generic):
        return value
    return np.asarray(value, dtype=tensor.dtype.np)[()]
