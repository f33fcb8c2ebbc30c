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

import numpy as np

from minigraph import errors
from minigraph.tensor import Operation, Tensor


class SessionState:
    """What one session owns: variable values (by variable op) and random generators."""

    def __init__(self):
        self.variables = {}
        self.rngs = {}


class Plan:
    """A compiled, reusable schedule for one (fetches, feeds) pair."""

    def __init__(self, steps, n_slots, feed_slots, fetch_slots):
        self.steps = steps
        self.n_slots = n_slots
        self.feed_slots = feed_slots
        self.fetch_slots = fetch_slots

    def run(self, feed_values) -> list:
        values = [None] * self.n_slots
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


def _data_inputs(op: Operation):
    return op.inputs[1:] if op.op_def.ref_input else op.inputs


def compile_plan(fetch_tensors, target_ops, feed_tensors, state: SessionState) -> Plan:
    """Compiles the schedule that computes `fetch_tensors` and runs `target_ops`."""
    fed = {id(t) for t in feed_tensors}

    # 1. prune: the ops needed, walking back from the fetches and stopping at fed tensors.
    needed = {}
    stack = [t.op for t in fetch_tensors if id(t) not in fed] + list(target_ops)
    while stack:
        op = stack.pop()
        if id(op) in needed:
            continue
        needed[id(op)] = op
        for t in _data_inputs(op):
            if id(t) not in fed and id(t.op) not in needed:
                stack.append(t.op)
        stack.extend(c for c in op.control_inputs if id(c) not in needed)

    # 2. check feeds, 3. order.
    ordered = sorted(needed.values(), key=_creation_index)
    for op in ordered:
        if op.op_def.kernel is None:
            raise _missing_feed_error(op)

    # 4. bind slots and kernels.
    slot_of = {}
    n_slots = 0
    feed_slots = []
    for t in feed_tensors:
        slot_of[id(t)] = n_slots
        feed_slots.append(n_slots)
        n_slots += 1

    fetched_ids = {id(t) for t in fetch_tensors}
    steps = []
    for op in ordered:
        if op.op_def.ref_output and not any(id(t) in fetched_ids for t in op.outputs):
            continue  # read right before each consumer instead (below)
        in_slots = []
        for t in _data_inputs(op):
            if id(t) in slot_of and (t.op.op_def.ref_output is False or id(t) in fed):
                in_slots.append(slot_of[id(t)])
            else:  # a variable: read it now, into a slot of its own
                in_slots.append(n_slots)
                steps.append([_bind(t.op, state), [], n_slots, [], t.op])
                n_slots += 1
        out_slots = []
        for t in op.outputs:
            if id(t) in fed:
                out_slots.append(None)
            else:
                slot_of[id(t)] = n_slots
                out_slots.append(n_slots)
                n_slots += 1
        out = out_slots[0] if len(op.outputs) == 1 else out_slots
        steps.append([_bind(op, state), in_slots, out, [], op])

    # 5. free each slot after its last reader; drop outputs nobody reads.
    fetch_slots = [slot_of[id(t)] for t in fetch_tensors]
    keep = set(fetch_slots)
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
    return Plan([tuple(s) for s in steps], n_slots, feed_slots, fetch_slots)


def _creation_index(op: Operation) -> int:
    return op._id


def fetch_value(tensor: Tensor, value):
    """What `Session.run` hands back: a fresh numpy value (scalars as numpy scalars, as TF1)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value[()]
        return value.copy()
    if isinstance(value, np.generic):
        return value
    return np.asarray(value, dtype=tensor.dtype.np)[()]
