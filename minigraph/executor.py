"""Plan compilation and execution: how `Session.run` turns a graph into numpy calls.

This is the plain core. Compiling a plan for (fetches, fed tensors) happens once; `Session`
caches it. Compilation:

1. **prune**: walk back from the fetches to the ops they need, stopping at fed tensors (any
   tensor may be fed, not just placeholders); control dependencies are followed too, except
   to a placeholder that is fed (the feed meets it, as in TF1);
2. **check feeds**: a needed placeholder that is not fed is an error naming it;
3. **order**: sort the needed ops by creation index, a topological order for free;
4. **bind**: give every value a numbered slot and every op a `Step`: its kernel, with its attrs
   (and, for stateful ops, the session's state) bound in by `functools.partial`, and its input
   and output slots. A `Const` is no step: its value sits in its slot from the start;
5. **free**: each step lists the slots it is the last reader of; they are cleared right after it
   runs, so intermediates are released as soon as nothing needs them.

Running a plan is one flat loop over the steps (`Plan._run_loop`), with no graph walking.
Variables are the one subtlety: like TF1's ref variables, a variable is read (a step of its own)
right before each op that consumes it, so a read ordered after an assignment by a control
dependency sees the new value.

Without passes the plan this makes is the oracle: every op runs as its kernel, in creation
order. Speed work happens in passes over the plan, run between binding and freeing (which slots
die where depends on what they leave), each keeping every result bit-identical;
`minigraph.plan_passes` lists them and the order they run in, and a session with
`ConfigProto(plan_rewrites=False)` runs the plain plan. A pass changes `plan.steps` (their
kernels and slots), `plan.constants` and `plan.fetch_slots`, and may install a faster runner
(`Plan.use_runner`).
"""

from __future__ import annotations

import functools
import gc
import itertools
from typing import Callable, Optional

import numpy as np

from minigraph import dtypes, errors, gc_policy
from minigraph.tensor import Operation, Tensor


class SessionState:
    """What one session owns: variable values (by variable op), random generators, resources
    (iterators, by op and by handle name), the plan passes its plans run (which the plans
    of function graphs run too), and whether the session was closed (a while loop stops at
    its next iteration when it is)."""

    def __init__(self, passes: tuple = ()):
        self.variables = {}
        self.rngs = {}
        self.resources = {}
        self.passes = tuple(passes)
        self.closed = False
        self.kernel_cache = {}  # op -> what its kernel keeps between runs (it checks it holds)


class Step:
    """One kernel call of a plan.

    Attributes:
        kernel: the op's kernel, its attrs (or, for a stateful op, the session's state and the
            op) bound in: `kernel(*input values)` returns the op's output (a sequence of them
            for an op with several outputs, None for an op with none).
        inputs: the slots of the op's data inputs, in order.
        outputs: a tuple of one slot per output of the op (an output nobody reads has a slot
            too, freed at once).
        frees: the slots to clear after the step runs: those whose last reader it is.
        op: the `Operation` the step runs, for errors and profiles.
    """

    __slots__ = ("kernel", "inputs", "outputs", "frees", "op")

    def __init__(self, kernel: Callable, inputs: tuple, outputs: tuple, frees: tuple,
                 op: Operation):
        self.kernel = kernel
        self.inputs = inputs
        self.outputs = outputs
        self.frees = frees
        self.op = op

    def __repr__(self) -> str:
        return (f"Step({self.op.name} ({self.op.type}): inputs={self.inputs}, "
                f"outputs={self.outputs}, frees={self.frees})")


class Plan:
    """A compiled, reusable schedule for one (fetches, feeds) pair.

    Attributes:
        steps: the `Step`s, in the order they run.
        n_slots: the number of value slots a run uses.
        feed_slots: the slot of each fed tensor, in the order the feeds are given.
        fetch_slots: the slot of each fetched tensor.
        constants: slot -> value known when the plan was compiled (`Const`s, and what the
            passes fold); these slots are never freed.
        fetch_tensors: the fetched tensors.
        state: the `SessionState` the stateful kernels are bound to.
        op_defs: op type -> `OpDef`, for every type of op the plan's steps may run: those of
            the needed ops (found while checking the feeds), and of the steps a pass added (a
            pass adding steps of a new type adds it). Steps removed leave their type in, so
            what it tells for sure is that no step of a type missing from it is there: a pass
            looking for steps of some types, or with some fact, skips the walk over a big plan
            that has none.

    A plan runs as a plain loop over its steps, or as a faster runner a pass installs (see
    `use_runner`), or, when `RunOptions` ask for timings or NaN checks, as the loop with a
    watch around each step (so the other two pay nothing for it). Passes change a plan's
    steps, slots and constants while it is compiled, never after its first run.
    """

    def __init__(self, steps: list, n_slots: int, feed_slots: list, fetch_slots: list,
                 constants: dict, fetch_tensors: list, state: SessionState):
        self.steps = steps
        self.n_slots = n_slots
        self.feed_slots = feed_slots
        self.fetch_slots = fetch_slots
        self.constants = constants
        self.fetch_tensors = fetch_tensors
        self.state = state
        self.op_defs = {}
        self.feed_shapes = None  # the shapes of the feeds, for a plan made for them alone
        self.shape_variants = None  # feed shapes -> plan, when a pass finds them worth it
        self._fast = None  # the runner a pass installed, once it is built
        self._make_fast = None
        self._fast_from_run = 0
        self._runs = 0

    # ------------------------------------------------------------ running
    def run(self, feed_values) -> list:
        """Runs the plan on `feed_values` (one per fed tensor, in order); returns the fetched
        values as `Session.run` hands them over (see `fetch_copy`)."""
        values = self.run_values(feed_values)
        return self._hand_over(values) if values else values  # (`sess.run(train_op)`: none)

    def run_values(self, feed_values) -> list:
        """Runs the plan on `feed_values`; returns the fetched values as the steps left them
        (not copied, 0-d arrays not made scalars): what a kernel running the plan of a function
        graph inside another plan wants (see `minigraph.function_graph`)."""
        fast = self._fast
        if fast is None:
            self._runs += 1
            if self._runs != self._fast_from_run:
                return self._run_loop(feed_values)
            fast = self._fast = self._make_fast(self)
        try:
            return fast(*feed_values)
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed: the runner tells which step, with its inputs
            step, live_values = fast.failed_step(e)
            raise step_error(step, live_values, e) from e

    def run_instrumented(self, feed_values, watch) -> list:
        """`run` with the loop, `watch` told about every step (see `profiler.StepWatch`)."""
        return self._hand_over(self._run_loop(feed_values, watch))

    def _run_loop(self, feed_values, watch=None) -> list:
        """Runs the steps on a fresh list of slots; returns the fetched values.

        This loop is the one definition of what running a step means: call the kernel on the
        values of its input slots, store each output in its slot (a kernel returns its op's one
        output, or a sequence of them), then clear the slots in `frees`. The generated code
        (`plan_codegen`) writes the same out, one line per step; an instrumented run passes a
        `watch`, whose `before(step, values)` and `after(step, result)` run around each kernel.
        """
        values = self._start(feed_values)
        step = None
        try:
            for step in self.steps:
                if watch is not None:
                    watch.before(step, values)
                # NOTE: the argument list spelled out for one or two inputs (most steps): a
                # list comprehension costs ~0.5 us more a step (W4's plan of 200,000 steps:
                # 0.44 -> 0.24 s a run, measured in one process).
                inputs = step.inputs
                if len(inputs) == 2:
                    result = step.kernel(values[inputs[0]], values[inputs[1]])
                elif len(inputs) == 1:
                    result = step.kernel(values[inputs[0]])
                else:
                    result = step.kernel(*[values[i] for i in inputs])
                outputs = step.outputs
                if len(outputs) == 1:
                    values[outputs[0]] = result
                elif outputs:
                    for slot, value in zip(outputs, result):
                        values[slot] = value
                if watch is not None:
                    watch.after(step, result)
                for slot in step.frees:
                    values[slot] = None
        except errors.OpError:
            raise
        except Exception as e:  # a kernel failed: say which op, with what inputs
            raise step_error(step, values, e) from e
        return [values[slot] for slot in self.fetch_slots]

    def _start(self, feed_values) -> list:
        values = self._template.copy()
        for slot, value in zip(self.feed_slots, feed_values):
            values[slot] = value
        return values

    @functools.cached_property
    def _template(self) -> list:
        template = [None] * self.n_slots
        for slot, value in self.constants.items():
            template[slot] = value
        return template

    # ------------------------------------------------------------ fetched values
    def _hand_over(self, values: list) -> list:
        return [fetch_value(tensor, value, copy) for tensor, value, copy
                in zip(self.fetch_tensors, values, self.fetch_copy)]

    @functools.cached_property
    def fetch_copy(self) -> list:
        """Per fetch, whether its value is copied before it is handed over.

        A fetched array is handed over as it is only when it is fresh, made by an op that
        declares `returns_view=False`, and fetched once; a variable's stored array, a `Const`, a
        feed or a view of one is copied, so changing a fetched array never changes the session.
        """
        fresh = self._fresh_fetched()
        seen = set()
        copies = []
        for slot in self.fetch_slots:
            copies.append(slot not in fresh or slot in seen)
            seen.add(slot)
        return copies

    def _fresh_fetched(self) -> set:
        """`fresh_slots(self.steps)`, as far as the fetched slots go.

        NOTE: a slot is made by one step at most, and a constant or a feed by none, so the walk
        goes from the last step back only until it has met the step making each fetched slot:
        on W4's chain that is the last step (the other fetch is a folded constant), where the
        whole walk cost 0.07 s of the first run.
        """
        wanted = set(self.fetch_slots).difference(self.constants, self.feed_slots)
        fresh = set()
        for step in reversed(self.steps):
            if not wanted:
                break
            if not wanted.isdisjoint(step.outputs):
                wanted.difference_update(step.outputs)
                if not step.op.op_def.returns_view:
                    fresh.update(step.outputs)
        return fresh

    # ------------------------------------------------------------ faster runners
    def use_runner(self, make_runner: Callable, from_run: int) -> None:
        """Has the plan build `make_runner(plan)` on its `from_run`-th run and use it from then on.

        The runner is called as `runner(*feed_values)` and returns the fetched values as the
        loop does; when a kernel fails in it, `runner.failed_step(error)` returns the failed
        step and the slot values live at that moment, for the error message.
        """
        self._make_fast = make_runner
        self._fast_from_run = from_run

    @property
    def source(self) -> Optional[str]:
        """The source of the generated code that runs this plan (None when no pass generates any).

        Reading it builds the runner now if the plan has not run often enough yet to have one.
        """
        if self._fast is None and self._make_fast is not None:
            self._fast = self._make_fast(self)
        return getattr(self._fast, "source", None)


# ---------------------------------------------------------------- compiling
def compile_plan(fetch_tensors, target_ops, feed_tensors, state: SessionState,
                 passes=(), feed_shapes=None) -> Plan:
    """Compiles the plan that computes `fetch_tensors` and runs `target_ops`, given
    `feed_tensors`, applying `passes` in order after binding (by default none: the plain plan).
    With `feed_shapes` (one shape per fed tensor) the plan is only for feeds of those shapes,
    which the passes may use (`plan_shapes`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [2], name="x")
        ...     y = tf.identity(x * 2.0, name="y")
        ...     plan = compile_plan([y], [], [x], SessionState())
        >>> [step.op.name for step in plan.steps]
        ['mul', 'y']
        >>> plan.run([np.array([1.0, 2.0], np.float32)])
        [array([2., 4.], dtype=float32)]
    """
    # NOTE: compiling a 100k-op plan allocates millions of small objects; the cyclic GC would
    # walk the whole graph again and again meanwhile (half the time on W4). Nothing compiled here
    # is garbage, so collection waits until the plan is done.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        fed = set(feed_tensors)  # (tensors and ops hash by identity)
        ordered, all_ops = _needed(fetch_tensors, target_ops, fed)
        op_defs = _check_feeds(ordered)
        plan = _bind(ordered, fetch_tensors, feed_tensors, fed, state, tuple(passes), all_ops)
        plan.op_defs = op_defs
        plan.feed_shapes = None if feed_shapes is None else tuple(map(tuple, feed_shapes))
        for plan_pass in passes:
            plan_pass(plan)
        _free_after_last_use(plan)
        return plan
    finally:
        gc_policy.promote_if_many()  # (the first young collection would walk them all)
        if gc_was_enabled:
            gc.enable()


def _needed(fetch_tensors, target_ops, fed: set) -> tuple:
    """1 and 3. The ops the fetches and targets need (`_prune`), in creation order, and the
    list of the ops of their graph when every needed op, and the producer of each input of one
    that is not fed, is numbered in it (else None).

    The ops of one graph are numbered by their place in `graph._ops`, so the walk marks the
    needed ones in a bytearray by that number and reads them off in order: no sort, no set.
    """
    seeds = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    if not seeds:
        return [], None
    graph = seeds[0].graph
    all_ops = graph._ops
    if not all(op.graph is graph for op in seeds):
        return sorted(_prune(fetch_tensors, target_ops, fed), key=_creation_index), None
    needed, exact = _mark_needed(seeds, all_ops, fed)
    if needed is None:  # an op not numbered in this graph: the general walk
        return sorted(_prune(fetch_tensors, target_ops, fed), key=_creation_index), None
    return list(itertools.compress(all_ops, needed)), (all_ops if exact else None)


def _mark_needed(seeds: list, all_ops: list, fed: set) -> tuple:
    """`_prune`'s walk, marking `needed[op._id]`: (needed, exact), or (None, False) if an op
    is not `all_ops[op._id]`.

    `exact` is False when the walk met an op of another graph (a function graph's body reads
    a variable of the graph around it) whose number is that of an op already marked: the walk
    skips it, as the general one would not (a variable: the binding reads it anyway), and the
    number of its outputs' slots must not be trusted (see `_bind`).
    """
    needed = bytearray(len(all_ops))
    exact = True
    stack = seeds
    try:
        while stack:
            op = stack.pop()
            index = op._id
            if needed[index]:
                if all_ops[index] is not op:
                    exact = False
                continue
            if all_ops[index] is not op or index < 0:
                return None, False
            needed[index] = 1
            # (not a ref input: the op writes that variable, it needs no value of it)
            for t in (op.inputs[1:] if op.op_def.ref_input else op.inputs):
                producer = t.op
                if not needed[producer._id]:
                    if not fed or t not in fed:
                        stack.append(producer)
                elif all_ops[producer._id] is not producer:
                    exact = False
            if op._control_inputs:
                _push_control_inputs(op, needed, fed, stack)
    except IndexError:
        return None, False
    return needed, exact


def _push_control_inputs(op: Operation, needed: bytearray, fed: set, stack: list) -> None:
    """Puts the control inputs of `op` not yet marked on `_mark_needed`'s stack (but a fed
    placeholder: the feed meets it)."""
    stack.extend(c for c in op._control_inputs
                 if not needed[c._id] and not _fed_placeholder(c, fed))


def _prune(fetch_tensors, target_ops, fed: set) -> list:
    """1. The ops the fetches and targets need, walking back and stopping at fed tensors."""
    needed = set()
    order = []  # in the order reached: mostly runs of descending creation index, a cheap sort
    stack = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        order.append(op)
        # (not a ref input: the op writes that variable, it needs no value of it)
        for t in (op.inputs[1:] if op.op_def.ref_input else op.inputs):
            producer = t.op
            if producer not in needed and (not fed or t not in fed):
                stack.append(producer)
        if op._control_inputs:
            stack.extend(c for c in op._control_inputs
                         if c not in needed and not _fed_placeholder(c, fed))
    return order


def _fed_placeholder(op: Operation, fed: set) -> bool:
    """Whether `op` is a placeholder (an op without a kernel) whose outputs are all fed.

    NOTE: as in TF1, a control dependency on such an op is met by the feed (TF rewires the
    placeholder's control edges to the fed value), while any other op a control dependency
    names runs, even when its outputs are fed, and needs its own inputs. A fed placeholder
    that is fetched as a target op still fails, as in TF1.
    """
    return op.op_def.kernel is None and all(t in fed for t in op.outputs)


def _check_feeds(ordered: list) -> dict:
    """2. Every needed op can run: an op without a kernel is a placeholder someone must feed.
    Returns op type -> `OpDef` for the needed ops (`Plan.op_defs`, found in the same walk)."""
    op_defs = {}
    for op in ordered:
        op_def = op.op_def
        if op_def.kernel is None:
            raise _missing_feed_error(op)
        if op_def.type not in op_defs:
            op_defs[op_def.type] = op_def
    return op_defs


def _creation_index(op: Operation) -> int:
    """3. The order: ops are created after their inputs, so creation order is topological."""
    return op._id


def _bind(ordered, fetch_tensors, feed_tensors, fed: set, state: SessionState,
          passes: tuple = (), all_ops: Optional[list] = None) -> Plan:
    """4. A slot for every value, a step for every op (and one per variable read).

    `all_ops`: the list of the graph's ops when every op of `ordered` and the producer of each
    of their inputs that is not fed is numbered in it (see `_needed`).

    NOTE: a loop over every op of a plan (half a million for W4's chain and its gradient),
    so the common ops (a Const, an op whose inputs all have slots) take no call. With
    `all_ops`, the slot of an op's one output (not fed) is kept in a list by its creation
    index, not in a dict by tensor: half a million look-ups in a dict of half a million
    tensors miss the caches, and cost W4's first run about 0.4 s more than the list (measured
    in one process, on the binding loop alone). Every other slot (feeds, ops of several
    outputs, fed outputs) is in the dict; `_slot_lookup` looks in both.
    """
    feed_slots = list(range(len(feed_tensors)))
    plan = Plan([], len(feed_slots), feed_slots, [], {}, list(fetch_tensors), state)
    slot_of = {t: slot for slot, t in enumerate(feed_tensors)}
    single = _single_output_slots(all_ops, feed_tensors)
    lookup = _slot_lookup(slot_of, single)
    fetched = set(fetch_tensors)
    # Fetched variables have a slot, but each consumer still reads the variable anew.
    reread = set()
    steps, constants = plan.steps, plan.constants
    ordered_set = [ordered]  # the set of the plan's ops, made when a `bind` hook needs it
    n_slots = plan.n_slots
    slot_get = slot_of.get
    append = steps.append
    new_step = Step.__new__
    for op in ordered:
        op_def, outputs = op.op_def, op.outputs
        if op_def.ref_output:
            if not _fetched_variable(outputs[0], fetched, reread):
                continue  # a variable: read right before each consumer instead (_input_slots)
        elif op_def.type == "Const" and outputs[0] not in fed:
            if single is None:
                slot_of[outputs[0]] = n_slots
            else:
                single[op._id] = n_slots
            constants[n_slots] = op.attrs["value"]
            n_slots += 1
            continue
        plan.n_slots = n_slots
        inputs = _data_input_slots(op, single, slot_get, lookup, fed, reread, plan)
        n_slots = plan.n_slots
        if single is not None and len(outputs) == 1 and outputs[0] not in fed:
            single[op._id] = n_slots  # (`_output_slots`, written out for the common case)
            out_slots = (n_slots,)
        else:
            out_slots = _output_slots(outputs, n_slots, slot_of, fed)
        n_slots += len(outputs)
        if op_def.bind is not None or op_def.stateful or op.attrs:
            plan.n_slots = n_slots
            kernel = _bound_kernel(op, plan, ordered_set, fetched, passes)
        else:
            kernel = op_def.kernel
        step = new_step(Step)  # (Step(...) without the call of __init__: half the cost)
        step.kernel = kernel
        step.inputs = inputs
        step.outputs = out_slots
        step.frees = ()
        step.op = op
        append(step)
    plan.n_slots = n_slots
    plan.fetch_slots = [lookup(t) for t in fetch_tensors]
    return plan


def _data_input_slots(op: Operation, single: Optional[list], slot_get: Callable,
                      lookup: Callable, fed: set, reread: set, plan: Plan) -> tuple:
    """The slots of `op`'s data inputs, for `_bind`: from the list by creation index or the
    dict by tensor, else (a variable to read, or re-read) from `_input_slots`."""
    data_inputs = op.inputs[1:] if op.op_def.ref_input else op.inputs
    if single is None:
        inputs = tuple(map(slot_get, data_inputs))
    elif len(data_inputs) == 2:
        a, b = data_inputs
        inputs = (single[a.op._id], single[b.op._id])
    else:
        inputs = tuple([single[t.op._id] for t in data_inputs])
    if None in inputs or reread:  # (a variable to read, or re-read: see _input_slots)
        return _input_slots(op, lookup, fed, reread, plan)
    return inputs


def _single_output_slots(all_ops: Optional[list], feed_tensors) -> Optional[list]:
    """The list `_bind` keeps the slots of one-output ops in, by creation index, holding the
    feeds' slots (those of one-output ops), or None when it cannot: no numbering, or a fed
    tensor not numbered in it (its index would name another op)."""
    if all_ops is None:
        return None
    for t in feed_tensors:
        index = t.op._id
        if not 0 <= index < len(all_ops) or all_ops[index] is not t.op:
            return None
    single = [None] * len(all_ops)
    for slot, t in enumerate(feed_tensors):
        if len(t.op.outputs) == 1:
            single[t.op._id] = slot
    return single


def _slot_lookup(slot_of: dict, single: Optional[list]) -> Callable:
    """`lookup(tensor) -> its slot or None`, from `_bind`'s dict by tensor and list by the
    creation index of a one-output op (None: the dict alone)."""
    if single is None:
        return slot_of.get

    def lookup(t):
        slot = slot_of.get(t)
        return single[t.op._id] if slot is None else slot

    return lookup


def _fetched_variable(variable: Tensor, fetched: set, reread: set) -> bool:
    """Whether a variable's value is fetched: it then has a step and a slot (added to
    `reread`: its consumers still read the variable anew)."""
    if variable not in fetched:
        return False
    reread.add(variable)
    return True


def _output_slots(outputs, first: int, slot_of: dict, fed: set) -> tuple:
    """The slots `first`, `first + 1`, ... of an op's `outputs`, recorded in `slot_of` but for
    fed ones (a fed output keeps its feed's slot; the new one is never read)."""
    if len(outputs) == 1:
        if outputs[0] not in fed:
            slot_of[outputs[0]] = first
        return (first,)
    for slot, t in enumerate(outputs, first):
        if t not in fed:
            slot_of[t] = slot
    return tuple(range(first, first + len(outputs)))


def _bound_kernel(op: Operation, plan: Plan, ordered_set: list, fetched: set, passes: tuple):
    """The kernel of an op with a `bind` hook (told which outputs the plan reads), with
    attrs, or stateful (see `bind_kernel`). `ordered_set` holds the set of the plan's ops once
    a hook needed it (made then, for the plan's other hooks), or the list of them."""
    op_def = op.op_def
    if op_def.bind is None:
        return bind_kernel(op, plan.state)
    if ordered_set[0].__class__ is not set:
        ordered_set[0] = set(ordered_set[0])
    return op_def.bind(op, plan.state, read_outputs(op, ordered_set[0], fetched), passes)


def read_outputs(op: Operation, in_plan: set, fetched: set) -> frozenset:
    """The indices of `op`'s outputs that an op of the plan (`in_plan`) reads or that the plan
    fetches (`fetched`, tensors): what a `bind` hook is told (see `registry.define_op`)."""
    reads = set()
    for index, t in enumerate(op.outputs):
        if t in fetched or any(consumer in in_plan for consumer in t._consumers):
            reads.add(index)
    return frozenset(reads)


def _input_slots(op: Operation, lookup: Callable, fed: set, reread: set, plan: Plan) -> tuple:
    """The slots of `op`'s data inputs (`lookup(tensor)`: its slot, or None). A variable (unless
    fed) is read into a slot of its own, by a step placed right before `op` (fetched variables,
    in `reread`, too)."""
    # A ref input (`Assign`'s variable) is the variable itself, not a value the kernel reads.
    data_inputs = op.inputs[1:] if op.op_def.ref_input else op.inputs
    inputs = tuple([lookup(t) for t in data_inputs])
    if None not in inputs and (not reread or reread.isdisjoint(data_inputs)):
        return inputs  # most ops: every input has its slot already
    inputs = []
    for t in data_inputs:
        slot = lookup(t)
        if slot is None or (t.op.op_def.ref_output and t not in fed):
            slot = plan.n_slots
            plan.n_slots += 1
            plan.steps.append(Step(bind_kernel(t.op, plan.state), (), (slot,), (), t.op))
        inputs.append(slot)
    return tuple(inputs)


def bind_kernel(op: Operation, state: Optional[SessionState]) -> Callable:
    """The kernel of `op` with its attrs, or the session's `state` and the op, bound in."""
    op_def = op.op_def
    if op_def.stateful:
        return functools.partial(op_def.kernel, state, op)
    if op.attrs:
        return functools.partial(op_def.kernel, **op.attrs)
    return op_def.kernel


def last_uses(plan: Plan) -> dict:
    """Slot -> index of the last step that reads it (or makes it, if no step reads it), for
    every slot but the fetched ones and the constants, which live as long as the run."""
    last_use = {}
    for index, step in enumerate(plan.steps):
        for slot in step.inputs:
            last_use[slot] = index
        for slot in step.outputs:
            last_use[slot] = index  # an output nobody reads is freed where it is made
    for slot in plan.fetch_slots:
        last_use.pop(slot, None)
    for slot in plan.constants:
        last_use.pop(slot, None)
    return last_use


def _free_after_last_use(plan: Plan) -> None:
    """5. Each step frees the slots it is the last to use (after the passes, which change that).

    `last_uses`, in a list by slot rather than a dict: read off in slot order, each step's
    slots come sorted.
    """
    steps = plan.steps
    last = [-1] * plan.n_slots
    for index, step in enumerate(steps):
        for slot in step.inputs:
            last[slot] = index
        for slot in step.outputs:
            last[slot] = index  # an output nobody reads is freed where it is made
    for slot in plan.fetch_slots:
        last[slot] = -1
    for slot in plan.constants:
        last[slot] = -1
    frees = {}
    for slot, index in enumerate(last):
        if index >= 0:
            if index in frees:
                frees[index].append(slot)
            else:
                frees[index] = [slot]
    for index, slots in frees.items():
        steps[index].frees = tuple(slots)


def fresh_slots(steps) -> set:
    """The slots holding arrays no one else refers to: outputs of ops declaring
    `returns_view=False` (see `registry.define_op`)."""
    fresh = set()
    for step in steps:
        if not step.op.op_def.returns_view:
            fresh.update(step.outputs)
    return fresh


# ---------------------------------------------------------------- what a run hands back
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


# ---------------------------------------------------------------- errors
def step_error(step: Step, values: list, error: Exception) -> errors.OpError:
    """The InvalidArgumentError for `error`, raised by `step`'s kernel: names the op, its type
    and its input shapes (from the live slot `values`)."""
    op = step.op
    shapes = ", ".join("?" if shape is None else str(list(shape))
                       for shape in input_shapes(step, values))
    node = f"[[node {op.name} (op: {op.type}) with input shapes: {shapes}]]"
    if isinstance(error, MemoryError):
        return _out_of_memory_error(op, error, node)
    return errors.InvalidArgumentError(None, op, f"{type(error).__name__}: {error}\n\t {node}")


def _out_of_memory_error(op: Operation, error: MemoryError, node: str):
    """TF1's ResourceExhaustedError for a kernel numpy could not allocate memory for: the shape
    and dtype of the op's output where its static shape says them, else those of the array
    numpy failed to allocate (its MemoryError carries them)."""
    shape, dtype = getattr(error, "shape", None), getattr(error, "dtype", None)
    if op.outputs and op.outputs[0].shape.is_fully_defined():
        shape, dtype = op.outputs[0].shape.as_list(), op.outputs[0].dtype
    try:
        dtype_name = dtypes.as_dtype(dtype)._proto_name
    except TypeError:
        dtype_name = str(dtype)
    dims = "?" if shape is None else ",".join(str(d) for d in shape)
    return errors.ResourceExhaustedError(
        None,
        op,
        f"OOM when allocating tensor with shape[{dims}] and type {dtype_name} on "
        f"/job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu\n\t {node}\n"
        f"({error}.) Use smaller shapes or a smaller batch.",
    )


def input_shapes(step: Step, values: list) -> list:
    """The shapes of `step`'s input values (None for a slot already cleared)."""
    return [None if values[i] is None else np.shape(values[i]) for i in step.inputs]


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
