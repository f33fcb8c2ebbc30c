"""Plan pass: variables updated in place, and fresh values adopted without a copy.

By default an assignment stores a new array (`Assign` copies its value, `AssignAdd` computes
`var + value`), so a value read earlier in a run keeps its value, as TF1 promises. Ops that
write variables may declare faster variants of their kernel (`define_op(..., inplace_kernel=,
adopt_kernel=)`):

* an **in-place** kernel writes into the variable's stored array (`var -= lr * grad`, as
  hand-written numpy does);
* an **adopting** kernel (`Assign`) stores its value without copying it.

This pass binds a variant only where no one can tell the difference. One walk over the steps
follows which slots may share a variable's stored array: a read of the variable, the output of an
op that writes it, and the output of any op that may return a view of such a slot (every op not
declaring `returns_view=False`: `Identity`, `Reshape`, `Transpose`, slicing, ...). A step may
write variable V in place only if no such slot is live at that step (still to be read, fetched,
or another input of the step itself) except the step's own read of V: then no value this run
hands out or still uses can see the write. Fetched values are copied (see `Plan.fetch_copy`), so
nothing from an earlier run can see it either. A value may be adopted only if it is a fresh array
(made by a `returns_view=False` op), read by this step alone, never fetched, and never read by an
op that may have returned a view of it.
"""

from __future__ import annotations

import functools

from minigraph.executor import Plan, Step, fresh_slots, last_uses

_EMPTY = frozenset()


def update_variables_in_place(plan: Plan) -> None:
    """Binds the in-place and adopting kernels of `plan`'s steps wherever that is invisible.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable([1.0, 2.0])
        ...     bump = tf.assign_add(w, [1.0, 1.0])
        ...     plan = executor.compile_plan([], [bump.op], [], executor.SessionState(),
        ...                                  passes=[update_variables_in_place])
        >>> plan.steps[-1].kernel.func.__name__
        '_assign_add_inplace_kernel'
    """
    if not any(op_def.writes for op_def in plan.op_defs.values()) or not any(
            step.op.op_def.writes for step in plan.steps):  # (no variable is written)
        return
    walk = _SharingWalk(last_uses(plan), fresh_slots(plan.steps))
    for index, step in enumerate(plan.steps):
        walk.visit(index, step, plan.state)


class _SharingWalk:
    """One walk over the steps, tracking which live slots may share which variable's array."""

    def __init__(self, freed_at: dict, fresh: set):
        self.freed_at = freed_at  # slot -> index of the step after which it is freed (if ever)
        self.frees = {}  # index -> the slots freed after that step
        for slot, index in freed_at.items():
            self.frees.setdefault(index, []).append(slot)
        self.fresh = fresh  # slots holding new arrays (outputs of returns_view=False ops)
        self.may_share = {}  # slot -> frozenset of the variable ops whose array it may share
        self.live = {}  # variable op -> the live slots that may share its array
        self.read_of = {}  # slot -> variable op, for the slots of variable reads
        self.viewed = set()  # slots read by an op that may return a view of them

    def visit(self, index: int, step: Step, state) -> None:
        op_def = step.op.op_def
        if op_def.ref_output:
            shared = frozenset([step.op])
            self.read_of[step.outputs[0]] = step.op
        elif op_def.writes:
            shared = frozenset(_written_variables(step.op))
            self._choose_kernel(index, step, state)
        elif not op_def.returns_view:
            shared = _EMPTY
        else:
            shared = _EMPTY.union(*[self.may_share.get(slot, _EMPTY) for slot in step.inputs])
        if shared:
            for slot in step.outputs:
                self.may_share[slot] = shared
                for var_op in shared:
                    self.live.setdefault(var_op, set()).add(slot)
        for slot in self.frees.get(index, ()):
            for var_op in self.may_share.get(slot, _EMPTY):
                self.live[var_op].discard(slot)
        if op_def.returns_view:
            self.viewed.update(step.inputs)

    def _choose_kernel(self, index: int, step: Step, state) -> None:
        op_def = step.op.op_def
        if op_def.adopt_kernel is not None and self._adoptable(index, step.inputs):
            step.kernel = functools.partial(op_def.adopt_kernel, state, step.op)
        elif op_def.inplace_kernel is not None and self._inplace_safe(index, step):
            step.kernel = functools.partial(op_def.inplace_kernel, state, step.op)

    def _adoptable(self, index: int, inputs: tuple) -> bool:
        """Whether the last input of step `index` is a fresh array that nothing else will see.

        NOTE: besides being read last here, the array must never have been read by an op that
        may return a view of it (`viewed`): such a view (say `tf.reshape(y, ...)`, still to be
        read or fetched) would share the variable's array once adopted, and see its in-place
        updates.
        """
        slot = inputs[-1] if inputs else None
        return (slot in self.fresh and self.freed_at.get(slot) == index
                and inputs.count(slot) == 1 and slot not in self.viewed)

    def _inplace_safe(self, index: int, step: Step) -> bool:
        """Whether step `index` may write its variables in place.

        Every written variable must be a variable read (never a fed value), its data-input read
        must be used by this step alone, and no other live slot may share any written variable.
        """
        op, inputs = step.op, step.inputs
        operands = set()
        for i in op.op_def.writes:
            var_op = op.inputs[i].op
            if not var_op.op_def.ref_output:
                return False
            if i == 0 and op.op_def.ref_input:
                continue  # the ref input: the kernel finds the variable's array itself
            slot = inputs[i - 1] if op.op_def.ref_input else inputs[i]
            if (self.read_of.get(slot) is not var_op or self.freed_at.get(slot) != index
                    or inputs.count(slot) != 1):
                return False
            operands.add(slot)
        for i in op.op_def.writes:
            if self.live.get(op.inputs[i].op, operands) - operands:
                return False
        return True


def _written_variables(op) -> list:
    """The variable ops whose arrays `op` writes (in place or not): its `writes` fact."""
    return [op.inputs[i].op for i in op.op_def.writes if op.inputs[i].op.op_def.ref_output]
