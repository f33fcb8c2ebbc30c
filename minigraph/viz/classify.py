"""Step 2 of drawing: the kind and the phase of every op.

The *kind* (variable, placeholder, constant, other op) picks the node's shape; the *phase*
(forward, gradient, update) picks its colours:

- *gradient*: every op under a `tf.gradients` scope: a scope component named `gradients` or
  `gradients_<n>`, or any scope `S` holding a `S/<op name>_grad/...` scope for an existing op
  (so `tf.gradients(..., name="grads")` is found too);
- *update*: every op that writes a variable and is not that variable's initializer (`Assign*`,
  `Apply*`), everything under an optimizer's scope (the scope above an `update_<var>` scope, or
  named by an op in the `train_op` collection, e.g. `GradientDescent/...`, `Adam/...`), and the
  optimizer's own state: non-trainable variables (slots such as `w/Adam`, `beta1_power`)
  written only from an optimizer's scope, with their initializers, and any op that only feeds
  update ops;
- *forward*: everything else.
"""

from __future__ import annotations

import re

from minigraph.graph import GraphKeys
from minigraph.viz.styles import FORWARD, GRADIENT, UPDATE


_VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
_PLACEHOLDER_TYPES = frozenset({"Placeholder", "PlaceholderWithDefault"})
_CONST_TYPES = frozenset({"Const"})
_GRADIENT_SCOPE = re.compile(r"gradients(_\d+)?")


def kind(op) -> str:
    if op.type in _VARIABLE_TYPES:
        return "variable"
    if op.type in _PLACEHOLDER_TYPES:
        return "placeholder"
    if op.type in _CONST_TYPES:
        return "constant"
    return "op"

def scope_names(ops) -> set:
    """Every name scope that holds an op: all proper prefixes `a`, `a/b` of `a/b/c`."""
    scopes = set()
    for op in ops:
        name = op.name
        end = name.find("/")
        while end != -1:
            scopes.add(name[:end])
            end = name.find("/", end + 1)
    return scopes

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

def _gradient_roots(ops, names: set) -> set:
    """The scopes that tf.gradients built its ops in (`gradients`, `train/gradients_1`, ...)."""
    roots = set()
    for op in ops:
        parts = op.name.split("/")
        for k in range(len(parts) - 1):
            if _GRADIENT_SCOPE.fullmatch(parts[k]):
                roots.add("/".join(parts[: k + 1]))
            elif parts[k].endswith("_grad") and k >= 1:
                # S/<forward op name>_grad/...: S is a gradient scope if that op exists.
                for j in range(1, k + 1):
                    forward = "/".join(parts[j:k] + [parts[k][: -len("_grad")]])
                    if forward in names:
                        roots.add("/".join(parts[:j]))
                        break
    return roots

def is_writer(op) -> bool:
    """Ops that write the variable in input 0 (`Assign`, `AssignSub`, `ApplyAdam`, ...)."""
    ref_input = getattr(op.op_def, "ref_input", False)
    return bool(op.inputs) and (ref_input or op.type.startswith(("Assign", "Apply")))

def phases(graph, ops, scopes: set) -> dict:
    """op name -> FORWARD, GRADIENT or UPDATE (see the module docstring for the rules)."""
    names = {op.name for op in ops}
    gradient_roots = _gradient_roots(ops, names)
    initializers = set()
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for var in graph.get_collection(key):
            init = getattr(var, "initializer", None)
            if init is not None:
                initializers.add(init.name)
    trainable_vars = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
    trainable = {getattr(v, "name", "") for v in trainable_vars}

    writers = []
    for op in ops:
        if not is_writer(op):
            continue
        target = op.inputs[0].op
        if op.name in initializers or op.name == target.name + "/Assign":
            continue
        writers.append((op, target))
        # A fused update (ApplyAdam) also writes the slots among its data inputs.
        for i in getattr(op.op_def, "inplace_inputs", (0,))[1:]:
            writers.append((op, op.inputs[i].op))

    optimizer_roots = set()
    for op in graph.get_collection(GraphKeys.TRAIN_OP):
        name = getattr(op, "name", "")
        if name in scopes:
            optimizer_roots.add(name)
    for op, _ in writers:
        parts = op.name.split("/")
        for k in range(1, len(parts) - 1):
            if parts[k].startswith("update_"):
                optimizer_roots.add("/".join(parts[:k]))
                break

    # Optimizer state: non-trainable variables written only from an optimizer's scope.
    written_by = {}
    for op, target in writers:
        written_by.setdefault(target.name, []).append(op)
    state_roots = set()
    for var_name, var_writers in written_by.items():
        if var_name + ":0" in trainable:
            continue
        if all(_under(w.name, optimizer_roots) for w in var_writers):
            state_roots.add(var_name)
    writer_names = {op.name for op, _ in writers}

    phases = {}
    for op in ops:
        if gradient_roots and _under(op.name, gradient_roots):
            phases[op.name] = GRADIENT
        elif (
            op.name in writer_names
            or _under(op.name, optimizer_roots)
            or _under(op.name, state_roots)
        ):
            phases[op.name] = UPDATE
        else:
            phases[op.name] = FORWARD

    # Ops that only feed update ops belong to the update (e.g. a slot's zeros initializer);
    # reverse creation order visits every consumer before the ops it consumes.
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
    return phases
