"""Plan pass: a fused step's output that one later fused step reads is computed again there.

Batch normalization's forward loop writes `2 * (z - mean)` (the gradient of the variance's
square, which depends on forward values only) into a [batch, 512] array that lives until the
backward loop reads it. That later loop can as well read `z` and `mean`, which it needs alive
anyway, and compute the two operations itself: the array is never written nor kept, which
saves a write of its size and its memory from the forward pass to the backward one.

An output qualifies when exactly one later step reads it and that step is fused too, it is made
by at most `MAX_RECOMPUTED` operations of its step from that step's inputs, and at most one of
those inputs may be large (not a constant, not statically known to be small), so the reader
reads no more than it did. The operations stay in the first step as well (they raise there, at
the same point of the run, whatever error they would), and the donors of every fused step are
chosen again, since inputs now live longer. The same operations on the same values give the
same bits.

Runs right after `plan_fusion.fuse_elementwise`.
"""

from __future__ import annotations

from minigraph import plan_fusion
from minigraph.executor import Plan, Step

# The most operations computed a second time for one output.
MAX_RECOMPUTED = 4


def recompute_elementwise(plan: Plan) -> None:
    """Lets the fused step reading a fused step's output compute it from its inputs again.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor, plan_fusion
        >>> with tf.Graph().as_default():
        ...     z = tf.placeholder(tf.float32, [None, 512], name="z")
        ...     centered = z - 1.0
        ...     twice = centered * 2.0  # (made with the squares, read after their sum)
        ...     total = tf.reduce_sum(tf.square(centered) * 3.0)
        ...     out = tf.nn.relu(twice * tf.reshape(total, [1, 1]))
        ...     plan = executor.compile_plan(
        ...         [out], [], [z], executor.SessionState(),
        ...         passes=[plan_fusion.fuse_elementwise, recompute_elementwise])
        >>> [repr(step.op) for step in plan.steps if step.op.type == "FusedElementwise"][-1]
        '<fused ops: sub, mul, mul_2, Relu>'
    """
    if "FusedElementwise" not in plan.op_defs:
        return  # (fusion made no step: no walk over a big plan)
    steps = plan.steps
    fused = [i for i, s in enumerate(steps) if s.kernel.__class__ is plan_fusion.FusedKernel]
    if len(fused) < 2:
        return
    known = _readers_and_tensors(plan)
    readers = known[0]
    changed = False
    for made_at in fused:
        for slot in steps[made_at].outputs:
            reader = readers.get(slot, [None])
            if len(reader) == 1 and reader[0] is not None and reader[0] < len(steps):
                changed = _recompute(plan, made_at, reader[0], slot, known) or changed
    if changed:
        plan_fusion._choose_donors(plan, [s for s in plan.steps
                                          if s.kernel.__class__ is plan_fusion.FusedKernel])


def _readers_and_tensors(plan: Plan) -> tuple:
    """(slot -> the indices of the steps reading it, the fetched ones also read at the end;
    slot -> the tensor it holds, for the steps' outputs)."""
    readers, tensors = {}, {}
    for index, step in enumerate(plan.steps):
        for slot in step.inputs:
            readers.setdefault(slot, []).append(index)
        tensors.update(zip(step.outputs, step.op.outputs))
    for slot in plan.fetch_slots:
        readers.setdefault(slot, []).append(len(plan.steps))
    return readers, tensors


def _cone(kernel: plan_fusion.FusedKernel, slot: int):
    """(the members computing `slot`, in order, with their templates; the kernel's inputs they
    read), or None if more than `MAX_RECOMPUTED` members."""
    made_by = {step.outputs[0]: k for k, step in enumerate(kernel.members)}
    wanted, pending = set(), [made_by[slot]]
    while pending:
        k = pending.pop()
        if k in wanted:
            continue
        wanted.add(k)
        if len(wanted) > MAX_RECOMPUTED:
            return None
        pending.extend(made_by[s] for s in kernel.members[k].inputs if s in made_by)
    order = sorted(wanted)
    inputs = []
    for k in order:
        for s in kernel.members[k].inputs:
            if s not in made_by and s not in inputs:
                inputs.append(s)
    return [(kernel.members[k], kernel.templates[k]) for k in order], inputs


def _large(plan: Plan, slot: int, tensors: dict) -> bool:
    """Whether `slot` may hold a large array: not a constant, its shape not known small."""
    if slot in plan.constants:
        return False
    tensor = tensors.get(slot)  # (None: a feed, whose shape the plan does not promise)
    if tensor is None:
        return True
    shape = tensor.shape
    return not (shape.is_fully_defined() and shape.num_elements() < plan_fusion.FUSE_MIN_ELEMENTS)


def _recompute(plan: Plan, made_at: int, read_at: int, slot: int, known: tuple) -> bool:
    """Rewrites the reader of `slot` (step `read_at`) to compute it; whether it did. `known`:
    (slot -> the indices of the steps reading it, slot -> its tensor)."""
    readers, tensors = known
    cone = _worth_recomputing(plan, made_at, read_at, slot, tensors)
    if cone is None:
        return False
    members, cone_inputs = cone
    steps = plan.steps
    first, reader = steps[made_at], steps[read_at]
    kernel = reader.kernel
    inputs = [s for s in kernel.inputs if s != slot]
    inputs += [s for s in cone_inputs if s not in inputs]
    new_kernel = plan_fusion.FusedKernel(
        [step for step, _ in members] + kernel.members,
        [template for _, template in members] + kernel.templates, tuple(inputs), kernel.outputs)
    op = plan_fusion.FusedOp(new_kernel.members)
    steps[read_at] = Step(new_kernel, tuple(inputs), reader.outputs, (), op)
    outputs = tuple(s for s in first.outputs if s != slot)
    first_kernel = plan_fusion.FusedKernel(first.kernel.members, first.kernel.templates,
                                           first.inputs, outputs)
    steps[made_at] = Step(first_kernel, first.inputs, outputs, (), first.op)
    for s in cone_inputs:
        readers.setdefault(s, []).append(read_at)
    readers.pop(slot, None)
    return True


def _worth_recomputing(plan: Plan, made_at: int, read_at: int, slot: int, tensors: dict):
    """The cone of `slot` (see `_cone`) if step `read_at` should compute it, else None."""
    first, reader = plan.steps[made_at], plan.steps[read_at]
    if read_at <= made_at or reader.kernel.__class__ is not plan_fusion.FusedKernel:
        return None
    if len(first.outputs) < 2:
        return None  # (a step left with no output would still read its inputs)
    cone = _cone(first.kernel, slot)
    if cone is None:
        return None
    members, cone_inputs = cone
    if sum(_large(plan, s, tensors) for s in cone_inputs) > 1:
        return None
    kernel = reader.kernel
    if len(members) + len(kernel.members) > plan_fusion.MAX_GROUP_STEPS:
        return None
    if any(step.outputs[0] in kernel.inputs for step, _ in members[:-1]):
        return None  # (the reader reads one of the values itself: left as it is)
    return cone
