"""Ops that read and write variables held by a session.

A variable's value does not live in the graph: each `Session` keeps its own store, so two
sessions on one graph hold independent values. `VariableV2` reads the store (raising
`FailedPreconditionError` naming the variable if it was never initialized), and `Assign`,
`AssignAdd` and `AssignSub` write it. The written variable is input 0 of each assign op, marked
`ref_input`: the executor passes the variable itself, it does not read its value first.

By default an assignment replaces the stored array with a new one rather than writing into it,
so a value fetched or consumed earlier in the same run keeps what it was. Each assign op also
has two faster variants, which the in-place pass binds when a plan is compiled and only
where the difference cannot be seen (see `minigraph.plan_inplace`): an *in-place* kernel that
writes into the stored array (`var += value`, as hand-written numpy does), used when no value
that may alias the variable's array is still needed or fetched afterwards; and, for `Assign`,
an *adopting* kernel that stores its value without copying when that value is a fresh
intermediate of the plan that nothing else reads.
"""

from __future__ import annotations

import numpy as np

from minigraph import errors, shapes
from minigraph.graph import graph_of
from minigraph.registry import NUMBERS, NotDifferentiable, define_op
from minigraph.shapes import TensorShape
from minigraph.tensor import apply_op, convert_to_tensor


def read_variable(state, var_op):
    """The value of variable `var_op` in `state`, or FailedPreconditionError naming it."""
    value = state.variables.get(var_op)
    if value is None:
        raise errors.FailedPreconditionError(
            None,
            var_op,
            f"Attempting to use uninitialized value {var_op.name}\n"
            f"\t [[node {var_op.name} (defined as a Variable)]]\n"
            "Run its initializer first: sess.run(tf.global_variables_initializer()), or "
            f"sess.run({var_op.name}.initializer) for this one variable.",
        )
    return value


# ---------------------------------------------------------------- VariableV2
def variable_op(shape, dtype, name=None):
    """The raw variable op (use `tf.Variable`, which also creates its initializer)."""
    return apply_op("VariableV2", [], attrs={"shape": shapes.as_shape(shape), "dtype": dtype},
                    name=name or "Variable")


def _variable_kernel(state, op):
    return read_variable(state, op)


define_op(
    "VariableV2",
    kernel=_variable_kernel,
    shape=lambda op: op.attrs["shape"],
    dtype=lambda op: op.attrs["dtype"],
    stateful=True,
    ref_output=True,
)
NotDifferentiable("VariableV2")


# ---------------------------------------------------------------- Assign
def _check_assignable(ref, value, validate_shape, op_type):
    if not hasattr(ref, "op") or ref.op.type != "VariableV2":
        raise TypeError(f"{op_type} needs a Variable to write to, got {ref!r}")
    with graph_of([ref, value]).as_default():
        value = convert_to_tensor(value, dtype=ref.dtype)
    if validate_shape and not ref.shape.is_compatible_with(value.shape):
        raise ValueError(
            f"Shapes {ref.shape} and {value.shape} are incompatible: cannot assign a value of "
            f"shape {value.shape} to variable '{ref.op.name}' of shape {ref.shape}."
        )
    return value


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Writes `value` into variable `ref`; the result is the new value.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0.0)
        ...     with tf.Session() as sess:
        ...         print(sess.run(tf.assign(w, 3.0)))
        3.0
    """
    validate = True if validate_shape is None else bool(validate_shape)
    value = _check_assignable(ref, value, validate, "Assign")
    return apply_op("Assign", [ref, value], attrs={"validate_shape": validate}, name=name)


def _assign_shape(op):
    ref, value = op.inputs
    return ref.shape if op.attrs["validate_shape"] else value.shape


def _shape(value) -> tuple:
    """`np.shape(value)`, without its conversion of numpy scalars (~1 us, twice per W1 step)."""
    kind = value.__class__
    return value.shape if kind is np.ndarray or issubclass(kind, np.generic) else np.shape(value)


def _store(state, op, var_op, value):
    declared = var_op.attrs["shape"]
    shape = _shape(value)
    # NOTE: the as_tuple() comparison is a fast path (this runs at every training step).
    if (op.attrs.get("validate_shape", True) and declared.as_tuple() != shape
            and not declared.is_compatible_with(shape)):
        raise errors.InvalidArgumentError(
            None,
            op,
            f"{op.type} requires shapes of both tensors to match. lhs shape= "
            f"{declared.bracket_str()} rhs shape= {TensorShape(np.shape(value)).bracket_str()} "
            f"(op '{op.name}' writing variable '{var_op.name}').",
        )
    state.variables[var_op] = value
    return value


def writable_like(stored, value) -> bool:
    """Whether `stored` (a variable's array) can take `value` in place: a writeable ndarray of
    the same dtype, and `value` of the same shape or a scalar (so nothing broadcasts it)."""
    return (
        stored.__class__ is np.ndarray
        and stored.flags.writeable
        and stored.dtype == value.dtype
        and (stored.shape == value.shape or value.ndim == 0)
    )


def _assign_kernel(state, op, value):
    return _store(state, op, op.inputs[0].op, np.array(value, copy=True))


def _assign_inplace_kernel(state, op, value):
    stored = state.variables.get(op.inputs[0].op)
    value = np.asarray(value)
    if stored is None or not writable_like(stored, value) or stored.shape != value.shape:
        return _assign_kernel(state, op, value)
    np.copyto(stored, value)
    return stored


def _assign_adopt_kernel(state, op, value):
    return _store(state, op, op.inputs[0].op, np.asarray(value))


define_op("Assign", kernel=_assign_kernel, shape=_assign_shape, stateful=True, ref_input=True,
          inplace_kernel=_assign_inplace_kernel, adopt_kernel=_assign_adopt_kernel)
NotDifferentiable("Assign")


# ---------------------------------------------------------------- AssignAdd / AssignSub
def assign_add(ref, value, use_locking=None, name=None):
    """Adds `value` to variable `ref`; the result is the new value."""
    value = _check_assignable(ref, value, True, "AssignAdd")
    return apply_op("AssignAdd", [ref, value], name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    """Subtracts `value` from variable `ref`; the result is the new value."""
    value = _check_assignable(ref, value, True, "AssignSub")
    return apply_op("AssignSub", [ref, value], name=name)


def _updated(state, op, value):
    """The variable `op` adds `value` to (or subtracts it from), and its current value, which
    must have `value`'s shape: TF1's dense updates never broadcast."""
    var_op = op.inputs[0].op
    stored = read_variable(state, var_op)
    if _shape(value) != stored.shape:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"Parameters and update must be the same size: variable '{var_op.name}' has shape "
            f"{list(stored.shape)}, the update {list(np.shape(value))} (op '{op.name}', "
            f"{op.type}). Give the update the variable's shape (tf.broadcast_to or tf.fill).",
        )
    return var_op, stored


def _assign_add_kernel(state, op, value):
    var_op, stored = _updated(state, op, value)
    return _store(state, op, var_op, stored + value)


def _assign_sub_kernel(state, op, value):
    var_op, stored = _updated(state, op, value)
    return _store(state, op, var_op, stored - value)


# NOTE: a numpy scalar value (the result of 0-d arithmetic) takes the default path at once:
# for a 0-d variable, writing in place saves nothing and the checks cost ~0.5 us (W1: 4%).
def _assign_add_inplace_kernel(state, op, value):
    var_op, stored = _updated(state, op, value)
    if value.__class__ is np.ndarray and writable_like(stored, value):
        stored += value  # bit-identical to stored + value
        return stored
    return _store(state, op, var_op, stored + value)


def _assign_sub_inplace_kernel(state, op, value):
    var_op, stored = _updated(state, op, value)
    if value.__class__ is np.ndarray and writable_like(stored, value):
        stored -= value
        return stored
    return _store(state, op, var_op, stored - value)


def _ref_shape(op):
    return op.inputs[0].shape


define_op("AssignAdd", kernel=_assign_add_kernel, shape=_ref_shape, stateful=True, ref_input=True,
          inplace_kernel=_assign_add_inplace_kernel,
          input_dtypes=[("ref", NUMBERS), ("value", NUMBERS)])
define_op("AssignSub", kernel=_assign_sub_kernel, shape=_ref_shape, stateful=True, ref_input=True,
          inplace_kernel=_assign_sub_inplace_kernel,
          input_dtypes=[("ref", NUMBERS), ("value", NUMBERS)])
NotDifferentiable("AssignAdd")
NotDifferentiable("AssignSub")
