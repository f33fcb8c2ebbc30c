"""Plan pass: shape arithmetic computed once per shape of the feeds, not at every run.

A gradient does much arithmetic on shapes: `Shape` and `Size` of its inputs, `Cast`s and
quotients of those (`Mean`'s gradient divides by the number of elements), `BroadcastTo` and
`BroadcastGradientArgs` on them, `Sum` over the axes these find and `Reshape` back. When a
placeholder's static shape has a `None` (the batch), none of it is known when the graph is
built; but it is all known once the shapes of the feeds are, and mini-batches of one shape
follow each other for a whole epoch.

So a session compiles, next to the plan for a (fetches, fed tensors) pair, a plan per shape of
the feeds it is run with (`Plan.feed_shapes`; see `Session`): this pass works out the static
shape of every value of the plan from those shapes, by each op's own shape function (the one
that ran when the op was built, now run again on the more specific shapes of its inputs), and
turns each `Shape`, `Size` and `Rank` of a fully known shape into a constant, computed by the
step's own kernel on an array of that shape. The folding pass after it then computes what only
depends on these (`Cast`, `RealDiv`, `BroadcastTo`, `BroadcastGradientArgs`, ...), and
`drop_shape_noops` removes a `Reshape` to the shape its input has and a `Sum` over no axes.
A plan whose feeds' shapes decide nothing is not specialized (its `shape_variants` stay None);
one with feeds of many shapes keeps its first `MAX_SHAPE_VARIANTS` and runs the plan for any
shape for the others.

Values stay bit-identical: the folded values are what the kernels compute from the same
shapes. Where a shape is not certain the pass leaves the op alone: a variable that an
`Assign(validate_shape=False)` in the graph may give another shape is of unknown shape, and a
shape function that fails on the specialized shapes (feeds that do not fit the graph: the run
fails as it would) leaves the static shapes in place.
"""

from __future__ import annotations

import weakref

import numpy as np

from minigraph import shapes
from minigraph.executor import Plan
from minigraph.tensor import Operation, Tensor

# The shapes of the feeds a plan is specialized for, at most (the first ones seen).
MAX_SHAPE_VARIANTS = 8
# The ops whose value is their input's shape (or a number made from it).
SHAPE_OPS = frozenset({"Shape", "Size", "Rank"})


def fold_feed_shapes(plan: Plan) -> None:
    """Turns the `Shape`, `Size` and `Rank` steps of `plan` whose input's shape is known into
    constants: known statically, or from `plan.feed_shapes` when the plan is made for them.

    A plan made for any shape of its feeds (`feed_shapes` None) with shape steps that depend
    on the feeds gets `shape_variants = {}`: the session makes a plan per shape of the feeds.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor, plan_folding
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3], name="x")
        ...     y = x / tf.cast(tf.size(x), tf.float32)
        ...     state = executor.SessionState()
        ...     passes = [fold_feed_shapes, plan_folding.fold_constants_and_aliases]
        ...     plan = executor.compile_plan([y], [], [x], state, passes=passes)
        ...     batch = executor.compile_plan([y], [], [x], state, passes=passes,
        ...                                   feed_shapes=[(2, 3)])
        >>> [step.op.type for step in plan.steps], plan.shape_variants
        (['Size', 'Cast', 'RealDiv'], {})
        >>> [step.op.type for step in batch.steps]
        ['RealDiv']
    """
    if SHAPE_OPS.isdisjoint(plan.op_defs):  # (no such step: no walk over a big plan)
        return
    shape_steps = [step for step in plan.steps if step.op.type in SHAPE_OPS]
    if not shape_steps:
        return
    # (a plan for any shape: its inputs' static shapes, without walking the whole plan)
    known = _slot_shapes(plan) if plan.feed_shapes is not None else None
    plan.slot_shapes = known
    values = {step: _shape_value(step, _input_shape(step, known)) for step in shape_steps}
    _make_constants(plan, values)
    unknown = [step for step, value in values.items() if value is None]
    if plan.feed_shapes is None and plan.feed_slots and unknown:
        plan.shape_variants = {}  # (a shape step depends on the feeds: worth a plan per shape)


def _make_constants(plan: Plan, values: dict) -> None:
    """Replaces each step of `values` (step -> its value, or None) that has a value by it."""
    folded = {step for step, value in values.items() if value is not None}
    if folded:
        for step in folded:
            plan.constants[step.outputs[0]] = values[step]
        plan.steps = [step for step in plan.steps if step not in folded]


def _shape_value(step, shape):
    """What `step` (a `Shape`, `Size` or `Rank`) computes from an input of `shape`: its kernel
    run on an array of that shape (a broadcast zero, no memory); None if the shape is not fully
    known, or there is no such array (a dtype numpy has no arrays of): the step is left to run.
    """
    if shape is None or not shape.is_fully_defined() or len(step.inputs) != 1:
        return None
    try:
        dummy = np.broadcast_to(np.zeros((), step.op.inputs[0].dtype.np), shape.as_tuple())
        return step.kernel(dummy)
    except Exception:  # noqa: BLE001 - left to run, as the plain plan runs it
        return None


def _input_shape(step, known):
    """The shape of `step`'s first input: from `known` (slot -> shape), else static (unknown
    for a variable an `Assign(validate_shape=False)` may reshape)."""
    if known is not None:
        return known.get(step.inputs[0])
    t = step.op.inputs[0]
    if t.op.op_def.ref_output and t.op in _reshapable_variables(t.op.graph):
        return None
    return t.shape


def drop_shape_noops(plan: Plan) -> None:
    """Makes a `Reshape` to its input's own shape, and a `Sum` over no axes, second names for
    their input's slot (after folding, which computes the shapes and axes they are given).

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor, plan_folding
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3], name="x")
        ...     y = tf.reshape(tf.reduce_sum(x, axis=[]), tf.shape(x))
        ...     passes = [fold_feed_shapes, plan_folding.fold_constants_and_aliases,
        ...               drop_shape_noops]
        ...     plan = executor.compile_plan([y], [], [x], executor.SessionState(),
        ...                                  passes=passes, feed_shapes=[(2, 3)])
        >>> plan.steps, plan.fetch_slots == plan.feed_slots
        ([], True)
    """
    known = getattr(plan, "slot_shapes", None)
    if known is not None:
        del plan.slot_shapes
    if _NOOP_TYPES.isdisjoint(plan.op_defs) or not any(
            step.op.type in _NOOP_TYPES for step in plan.steps):
        return
    renamed = {}
    steps = []
    for step in plan.steps:
        inputs = step.inputs
        if renamed and not renamed.keys().isdisjoint(inputs):
            inputs = step.inputs = tuple([renamed.get(slot, slot) for slot in inputs])
        # (checked after renaming: a `Reshape` of a dropped `Sum` over no axes sees the
        # shape of the Sum's input, known where the Sum's own output shape was not)
        if step.op.type in _NOOP_TYPES and _is_noop(step, known, plan.constants):
            renamed[step.outputs[0]] = inputs[0]
            continue
        steps.append(step)
    if not renamed:
        return
    plan.steps = steps
    plan.fetch_slots = [renamed.get(slot, slot) for slot in plan.fetch_slots]


_NOOP_TYPES = frozenset({"Reshape", "Sum"})


def _is_noop(step, known: dict, constants: dict) -> bool:
    """Whether `step`, a `Reshape` or a `Sum`, reshapes to its input's (fully known) shape or
    sums over no axes."""
    if len(step.inputs) != 2 or len(step.outputs) != 1 or step.inputs[1] not in constants:
        return False
    x, argument = step.inputs
    if step.op.op_def.type == "Sum":
        return np.size(constants[argument]) == 0
    shape = known.get(x) if known is not None else step.op.inputs[0].shape
    if shape is None or not shape.is_fully_defined():
        return False
    return _reshape_target(constants[argument], shape.as_list()) == shape.as_list()


def _reshape_target(value, dims: list) -> list:
    """The shape a `Reshape` to `value` gives an array of shape `dims` (its -1 worked out)."""
    target = [int(d) for d in np.reshape(value, [-1])]
    if target.count(-1) == 1 and len(target) == len(dims):
        rest = int(np.prod([d for d in target if d != -1]))
        if rest:
            target[target.index(-1)] = int(np.prod(dims)) // rest
    return target


def _slot_shapes(plan: Plan) -> dict:
    """The shape of each slot's value (a `TensorShape`): the feeds' from `plan.feed_shapes`
    (else their static shapes), the constants', and each step's outputs' from its op's shape
    function run on its inputs' shapes (and on the values of its constant inputs)."""
    known = {slot: shapes.TensorShape(np.shape(value)) for slot, value in plan.constants.items()}
    if plan.feed_shapes is not None:
        for slot, shape in zip(plan.feed_slots, plan.feed_shapes):
            known[slot] = shapes.TensorShape(list(shape))
    reshapable = None
    for step in plan.steps:
        op = step.op
        op_def = op.op_def
        if op_def.ref_output:  # a variable: its declared shape, unless it may change
            if reshapable is None:
                reshapable = _reshapable_variables(op.graph)
            known[step.outputs[0]] = (shapes.TensorShape(None) if op in reshapable
                                      else op.outputs[0].shape)
            continue
        data = op.inputs[1:] if op_def.ref_input else op.inputs
        for t, slot in zip(data, step.inputs):
            known.setdefault(slot, t.shape)  # (a feed of the plan for any shape)
        outputs = _output_shapes(op, data, step.inputs, known, plan.constants)
        for slot, shape in zip(step.outputs, outputs):
            known[slot] = shape
    return known


def _output_shapes(op: Operation, data: tuple, slots: tuple, known: dict, constants: dict):
    """The shapes of `op`'s outputs, from its shape function run on the inputs' known shapes
    and values (its static ones when nothing is more specific, or the function fails)."""
    static = [t.shape for t in op.outputs]
    specific = [(known[slot] is not t.shape and known[slot].as_tuple() != t.shape.as_tuple())
                or (slot in constants and t.op.type != "Const") for t, slot in zip(data, slots)]
    if not any(specific):
        return static
    views = [_view(t, known[slot], constants.get(slot)) if more else t
             for t, slot, more in zip(data, slots, specific)]
    if op.op_def.ref_input:
        views.insert(0, op.inputs[0])
    try:
        inferred = op.op_def.shape(_op_view(op, views))
        if isinstance(inferred, shapes.TensorShape):
            inferred = [inferred]
        return [s.merge_with(shapes.as_shape(i)) for s, i in zip(static, inferred)]
    except Exception:  # noqa: BLE001 - a shape it cannot tell: the static one, always true
        return static


def _view(tensor: Tensor, shape, value) -> Tensor:
    """A stand-in for `tensor` in a shape function: of static shape `shape`, and a `Const` of
    `value` when that is known (what `tensor.constant_value` reads)."""
    view = Tensor.__new__(Tensor)
    view.op = tensor.op if value is None else _const_view(tensor.op, value)
    view.value_index = tensor.value_index
    view.dtype = tensor.dtype
    view._shape = shape
    view._name = tensor.name
    view._consumers = ()
    return view


def _op_view(op: Operation, inputs: list) -> Operation:
    """A copy of `op` (not in its graph) with `inputs` for its inputs."""
    view = Operation.__new__(Operation)
    for name in Operation.__slots__:
        if name != "__weakref__":
            setattr(view, name, getattr(op, name))
    view.inputs = tuple(inputs)
    view.attrs = dict(op.attrs)  # (a shape function writing to it changes no real op)
    return view


def _const_view(op: Operation, value) -> Operation:
    view = _op_view(op, ())
    view.type = "Const"
    view.attrs = {"value": value, "dtype": op.outputs[0].dtype if op.outputs else None}
    return view


def _reshapable_variables(graph) -> set:
    """The variable ops of `graph` that an `Assign(validate_shape=False)` writes (looked for
    once per version of the graph)."""
    cached = _RESHAPABLE.get(graph)
    if cached is not None and cached[0] == graph.version:
        return cached[1]
    found = {op.inputs[0].op for op in graph.get_operations()
             if op.type == "Assign" and not op.attrs.get("validate_shape", True)}
    _RESHAPABLE[graph] = (graph.version, found)
    return found


_RESHAPABLE = weakref.WeakKeyDictionary()  # graph -> (its version, _reshapable_variables)
