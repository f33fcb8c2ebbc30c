"""Step 2 of drawing: the kind and the phase of every op.

The *kind* (variable, placeholder, constant, other op) picks the node's shape; the *phase*
(forward, gradient, update) picks its colours:

- *gradient*: every op under a scope `tf.gradients` built its ops in; each call records its
  scope (`gradients`, `train/gradients_1`, `grads`) in the graph collection
  `gradients.GRADIENT_SCOPES`;
- *update*: every op that writes a variable and is not that variable's initializer (`Assign*`,
  `Apply*`); everything under a scope an optimizer built its updates in (`GradientDescent`,
  `Adam_1`, recorded by `apply_gradients` in the collection `optimizer.OPTIMIZER_SCOPES`); the
  optimizer's own state: non-trainable variables (slots such as `w/Adam`, `beta1_power`)
  written only from an optimizer's scope, with their initializers; and any op that only feeds
  update ops;
- *forward*: everything else.

Nothing is guessed from op names: a graph built without `tf.gradients` or an optimizer has
forward ops and variable writes only.
"""

from __future__ import annotations

from minigraph.gradients import GRADIENT_SCOPES
from minigraph.graph import GraphKeys
from minigraph.train.optimizer import OPTIMIZER_SCOPES
from minigraph.viz.styles import FORWARD, GRADIENT, UPDATE

_VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
_PLACEHOLDER_TYPES = frozenset({"Placeholder", "PlaceholderWithDefault"})
_CONST_TYPES = frozenset({"Const"})


def kind(op) -> str:
    """"variable", "placeholder", "constant" or "op": what the node's shape shows."""
    if op.type in _VARIABLE_TYPES:
        return "variable"
    if op.type in _PLACEHOLDER_TYPES:
        return "placeholder"
    if op.type in _CONST_TYPES:
        return "constant"
    return "op"


def scope_names(ops) -> set:
    """Every name scope that holds an op: all proper prefixes `a`, `a/b` of `a/b/c`; but an
    op's own input Consts (`mul/y`, made by `x * 2.0` inside the scope of the op `mul`, as
    TF1 names it) make no scope: they are drawn next to their op, not in a cluster."""
    scopes = set()
    for op in ops:
        name = op.name
        if _is_own_input(op):
            name = name.rpartition("/")[0]
        end = name.find("/")
        while end != -1:
            scopes.add(name[:end])
            end = name.find("/", end + 1)
    return scopes


def _is_own_input(op) -> bool:
    """True for a Const `<op>/<input>` that the op `<op>` reads (`mul/y`, `Reshape/shape`;
    gradient ops may read it too)."""
    if op.type != "Const" or "/" not in op.name:
        return False
    parent = op.name.rpartition("/")[0]
    return any(c.name == parent for c in op.outputs[0].consumers())


def _under(name: str, roots: set) -> bool:
    """True if `name` is one of `roots` or inside one of them."""
    if name in roots:
        return True
    end = name.find("/")
    while end != -1:
        if name[:end] in roots:
            return True
        end = name.find("/", end + 1)
    return False


def is_writer(op) -> bool:
    """Ops that write the variable in input 0 (`Assign`, `AssignSub`, `ApplyAdam`, ...)."""
    return 0 in op.op_def.writes


def _initializer_names(graph) -> set:
    """The names of the variables' initializer ops (which write them, but are no update)."""
    names = set()
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for var in graph.get_collection(key):
            init = getattr(var, "initializer", None)
            if init is not None:
                names.add(init.name)
    return names


def _writes(ops, initializers: set) -> list:
    """(op, variable op it writes) for every write that is not an initializer."""
    writes = []
    for op in ops:
        if not is_writer(op):
            continue
        target = op.inputs[0].op
        if op.name in initializers or op.name == target.name + "/Assign":
            continue
        writes.append((op, target))
        # A fused update (ApplyAdam) also writes the slots among its data inputs.
        for i in op.op_def.writes[1:]:
            writes.append((op, op.inputs[i].op))
    return writes


def _optimizer_state(graph, writes: list, optimizer_roots: set) -> set:
    """The non-trainable variables written only from an optimizer's scope (slots, counters)."""
    trainable_vars = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
    trainable = {getattr(v, "name", "") for v in trainable_vars}
    written_by = {}
    for op, target in writes:
        written_by.setdefault(target.name, []).append(op)
    return {
        var_name
        for var_name, writers in written_by.items()
        if var_name + ":0" not in trainable
        and all(_under(w.name, optimizer_roots) for w in writers)
    }


def _mark_feeders_of_updates(ops, phases: dict) -> None:
    """Ops that only feed update ops belong to the update (e.g. a slot's zeros initializer);
    reverse creation order visits every consumer before the ops it consumes."""
    consumers = {}
    for op in ops:
        for t in op.inputs:
            consumers.setdefault(t.op.name, []).append(op.name)
        for c in op.control_inputs:
            consumers.setdefault(c.name, []).append(op.name)
    for op in reversed(ops):
        used_by = consumers.get(op.name)
        if (
            used_by
            and phases[op.name] == FORWARD
            and kind(op) not in ("variable", "placeholder")
            and all(phases[c] == UPDATE for c in used_by)
        ):
            phases[op.name] = UPDATE


def phases(graph, ops) -> dict:
    """op name -> FORWARD, GRADIENT or UPDATE (see the module docstring for the rules)."""
    gradient_roots = set(graph.get_collection(GRADIENT_SCOPES))
    optimizer_roots = set(graph.get_collection(OPTIMIZER_SCOPES))
    writes = _writes(ops, _initializer_names(graph))
    writer_names = {op.name for op, _ in writes}
    update_roots = optimizer_roots | _optimizer_state(graph, writes, optimizer_roots)
    result = {}
    for op in ops:
        if _under(op.name, gradient_roots):
            result[op.name] = GRADIENT
        elif op.name in writer_names or _under(op.name, update_roots):
            result[op.name] = UPDATE
        else:
            result[op.name] = FORWARD
    _mark_feeders_of_updates(ops, result)
    return result
