"""The op registry: for each op type, its kernel, its shape rule and its gradient.

Ops are registered by TensorFlow's op-type strings ("MatMul", "Sum"). `define_op` records how to
compute an op (a pure numpy kernel) and what its output looks like (a shape function and a dtype
rule); `RegisterGradient` records its derivative as a function that builds more graph. Registering
a type twice raises and says where the first registration was; asking for a missing one raises
`LookupError` naming the op and its type.

Kernel conventions:

* a pure kernel is `kernel(*input_arrays, **attrs) -> array` (or a tuple for several outputs);
* a stateful kernel (variables, random numbers) is `kernel(state, op, *input_arrays)`, where
  `state` is the running session's store; it is bound once when a plan is compiled.

Facts about an op, declared once on its `define_op` (as PyTensor's `view_map`/`destroy_map`), are
what the plan passes read to speed a plan up without changing a single result; no pass keeps a
list of op types. Each fact's default is the safe one, so an op that declares nothing is run
exactly as written:

* `returns_view` (default True): the kernel *may* return a view of an input (or the input
  itself: `Identity`, `Reshape`, slicing), so a fetched output is copied and an in-place update
  of a variable it was read from must wait. `returns_view=False` promises that every output is a
  new array (numpy ufuncs, reductions, `MatMul`).
* `writes` (default `(0,)` for a `ref_input` op, else none): the input indices whose variables
  the op writes (`ApplyAdam`: `(0, 1, 2)`, the variable and its slots `m`, `v`).
* `alias`: `alias(op, constant_inputs) -> input index or None`, given the values of the op's
  inputs known when the plan is compiled (None where unknown): the input the op returns
  unchanged, bit for bit, with the same shape and dtype (`Identity`; `x * 1` when the one cannot
  broadcast x). The folding pass then gives that input's slot a second name instead of a step.
* `elementwise`: the op's value as a scalar expression of its inputs' elements, a template such as
  `"({0} + {1})"` (or a function `op -> template or None`), for float inputs and an output of
  their one dtype, the output's shape the broadcast of the inputs'. `{zero}` is a zero of that
  dtype. The expression must round exactly as the kernel does (IEEE `+ - * /` and `np.sqrt`, in
  the kernel's order), so that the fusion pass (`minigraph.plan_fusion`) can compute a chain of
  such ops in one loop with bit-identical results.
* `inplace_kernel`, `adopt_kernel`: faster variants of a stateful kernel that writes variables
  (see `define_op`); the in-place pass binds them only where no one can tell the difference.

One more hook is not a fact but a way of binding: `bind(op, state, reads, passes) -> kernel`
builds an op's kernel for one plan. The functional ops (`If`, `Case`, `While`) use it to compile
the plans of the function graphs they hold (see `minigraph.function_graph`) once, when the plan
holding them is compiled, and to compute only the outputs that plan reads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from minigraph import dtypes

# TensorFlow's op registry names the dtypes an input may have (`T: {half, float, double}`,
# `T: realnumbertype`); these are those lists, restricted to the dtypes minigraph has.
FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
SIGNED = FLOATS + (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)
NUMBERS = SIGNED + (dtypes.uint8,)  # TF's numbertype and realnumbertype
INDICES = (dtypes.int32, dtypes.int64)
BOOL = (dtypes.bool,)
STRING = (dtypes.string,)


@dataclass
class OpDef:
    """Everything minigraph knows about one op type."""

    type: str
    kernel: Optional[Callable]
    shape: Callable
    dtype: Optional[Callable] = None
    stateful: bool = False
    ref_input: bool = False
    ref_output: bool = False
    returns_view: bool = True
    writes: tuple = ()
    alias: Optional[Callable] = None
    elementwise: Optional[object] = None
    inplace_kernel: Optional[Callable] = None
    adopt_kernel: Optional[Callable] = None
    bind: Optional[Callable] = None
    input_dtypes: tuple = ()
    where: str = ""
    doc: dict = field(default_factory=dict)


_OPS: dict = {}
_GRADIENTS: dict = {}
_GRADIENT_SITES: dict = {}


def _caller() -> str:
    # NOTE: sys._getframe, not inspect.stack(): the latter reads the source of every frame and
    # made `import minigraph` take over a second.
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def define_op(
    op_type: str,
    kernel: Optional[Callable],
    shape: Callable,
    dtype: Optional[Callable] = None,
    stateful: bool = False,
    ref_input: bool = False,
    ref_output: bool = False,
    returns_view: bool = True,
    writes: Optional[tuple] = None,
    alias: Optional[Callable] = None,
    inplace_kernel: Optional[Callable] = None,
    adopt_kernel: Optional[Callable] = None,
    bind: Optional[Callable] = None,
    elementwise=None,
    input_dtypes: Sequence = (),
) -> OpDef:
    """Registers op type `op_type`.

    Args:
        op_type: TF's op-type string, e.g. "Tanh".
        kernel: numpy function computing the outputs (see the module docstring).
        shape: `shape(op) -> TensorShape` (or a list of them, one per output; `[]` for none),
            run when the op is built; it raises ValueError on incompatible inputs.
        dtype: `dtype(op) -> DType` (or list); default: the dtype of the first input.
        stateful: the kernel reads or writes session state and is called
            `kernel(state, op, *inputs)`.
        ref_input: input 0 is a variable written by the op, not a value it reads.
        ref_output: the op is a variable: its stateful kernel returns `state.variables[op]`
            (raising if it is missing), and the executor reads it afresh right before each
            consumer runs, so a read placed after an assignment by a control dependency sees
            the assigned value, as with TF1's ref variables.
        returns_view: the kernel may return a view of an input (the safe default); False
            promises that it always returns new arrays (see the module docstring).
        writes: the input indices whose variables the op writes; default `(0,)` for a
            `ref_input` op, else `()`.
        alias: `alias(op, constant_inputs) -> index or None`: the input `op` returns unchanged
            (see the module docstring).
        inplace_kernel: a variant of a stateful kernel that writes the stored arrays of the
            variables it `writes` in place (input 0: the ref variable; others: variables read
            as data inputs) instead of storing new arrays. The in-place pass
            (`minigraph.plan_inplace`) binds it only where that is invisible: no value that may
            share those arrays is still needed or fetched after the op.
        adopt_kernel: a variant of a stateful kernel that stores its last input without copying
            it; bound only when that input is a fresh array no other op reads and nobody
            fetches (an intermediate the plan owns).
        bind: `bind(op, state, reads, passes) -> kernel`, called when a plan holding the op is
            compiled, instead of binding attrs or state into `kernel`: `reads` is the set of
            indices of the op's outputs that the plan reads or fetches, `passes` the plan
            passes the plan runs. The kernel it returns is called with the input values only.
        elementwise: the op's scalar expression template, or a function `op -> template or
            None` (see the module docstring); element-wise chains of such ops are fused.
        input_dtypes: TF's op-registry type constraints, by input position: a pair
            `(parameter name, allowed dtypes)`, or None for an input of any dtype. A name
            starting with "*" (`"*inputs"`) covers that input and all later ones. `apply_op`
            raises TF1's TypeError, at build time, for an input of another dtype.

    Example:
        >>> import numpy as np
        >>> from minigraph import shapes
        >>> define_op("MyNegative", kernel=np.negative, shape=shapes.same_as_input,
        ...           returns_view=False, input_dtypes=[("x", FLOATS)])  # doctest: +SKIP
    """
    if op_type in _OPS:
        raise ValueError(f"Op type {op_type!r} is already defined at {_OPS[op_type].where}.")
    if writes is None:
        writes = (0,) if ref_input else ()
    op_def = OpDef(
        op_type, kernel, shape, dtype, stateful, ref_input, ref_output,
        returns_view=returns_view, writes=tuple(sorted(writes)), alias=alias,
        elementwise=elementwise, inplace_kernel=inplace_kernel, adopt_kernel=adopt_kernel,
        bind=bind, input_dtypes=_type_constraints(op_type, input_dtypes), where=_caller(),
    )
    _OPS[op_type] = op_def
    return op_def


@dataclass(frozen=True)
class TypeConstraint:
    """The dtypes TF's op registry allows for input `index` (and every later one if `rest`)."""

    index: int
    name: str
    allowed: tuple
    names: frozenset
    rest: bool = False


def _type_constraints(op_type: str, input_dtypes: Sequence) -> tuple:
    constraints = []
    for index, entry in enumerate(input_dtypes):
        if entry is None:
            continue
        name, allowed = entry
        allowed = tuple(dtypes.as_dtype(d) for d in allowed)
        if not allowed:
            raise ValueError(f"Op type {op_type!r}: input {name!r} allows no dtype.")
        constraints.append(TypeConstraint(
            index, name.lstrip("*"), allowed, frozenset(d.name for d in allowed),
            name.startswith("*"),
        ))
    return tuple(constraints)


def check_input_dtypes(op_def: OpDef, inputs: Sequence, name: Optional[str]) -> None:
    """TF1's build-time TypeError for an input whose dtype `op_def` does not allow, naming the
    parameter, the dtype, the allowed list, the tensor and the op, and saying how to cast.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     try:
        ...         tf.log(tf.constant(1))
        ...     except TypeError as e:
        ...         print(str(e).split(" (")[0].replace(": ", ":\\n"))
        Value passed to parameter 'x' has DataType int32 not in list of allowed values:
        float16, float32, float64
    """
    for constraint in op_def.input_dtypes:
        stop = len(inputs) if constraint.rest else constraint.index + 1
        for tensor in inputs[constraint.index:stop]:
            if tensor.dtype.name not in constraint.names:
                raise TypeError(_dtype_message(op_def.type, constraint, tensor, name))


def _dtype_message(op_type: str, constraint: TypeConstraint, tensor, name) -> str:
    """TF1's three wordings: a list of allowed dtypes, one fixed dtype, a list argument."""
    allowed = constraint.allowed
    dtype = tensor.dtype.name
    if constraint.rest and len(allowed) == 1:
        problem = (f"Tensors in list passed to '{constraint.name}' of '{op_type}' Op have types "
                   f"[{dtype}] that do not match expected type {allowed[0].name}")
    elif len(allowed) == 1:
        problem = (f"Input '{constraint.name}' of '{op_type}' Op has type {dtype} that does not "
                   f"match expected type of {allowed[0].name}")
    else:
        problem = (f"Value passed to parameter '{constraint.name}' has DataType {dtype} not in "
                   f"list of allowed values: {', '.join(d.name for d in allowed)}")
    target = dtypes.float32 if dtypes.float32 in allowed else allowed[0]
    if tensor.dtype == dtypes.string and target.is_numeric:
        fix = "minigraph has no string-to-number op: convert the strings in Python first."
    elif target == dtypes.string:
        fix = "Pass a tf.string tensor."
    else:
        fix = f"Cast it first, e.g. tf.cast(x, tf.{target.name})."
    return (f"{problem} (tensor '{tensor.name}' as input to '{name or op_type}', op: "
            f"{op_type}). {fix}")


def get_op_def(op_type: str) -> OpDef:
    """The `OpDef` registered for `op_type`; LookupError naming it if there is none."""
    try:
        return _OPS[op_type]
    except KeyError:
        raise LookupError(
            f"No op type {op_type!r} is defined (define_op was never called)."
        ) from None


def registered_op_types() -> list:
    """The sorted list of every op type `define_op` has registered."""
    return sorted(_OPS)


class RegisterGradient:
    """Decorator registering the gradient function of an op type.

    Example:
        >>> @RegisterGradient("MyTanh")  # doctest: +SKIP
        ... def _my_tanh_grad(op, grad):
        ...     y = op.outputs[0]
        ...     return grad * (1.0 - y * y)
    """

    def __init__(self, op_type: str):
        self._op_type = op_type

    def __call__(self, fn: Callable) -> Callable:
        _register_gradient(self._op_type, fn, _site_of(fn))
        return fn


def _site_of(fn) -> str:
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else "?"


def _register_gradient(op_type: str, fn: Optional[Callable], site: str) -> None:
    if op_type in _GRADIENTS:
        raise KeyError(
            f"A gradient for op type {op_type!r} is already registered at "
            f"{_GRADIENT_SITES[op_type]}."
        )
    _GRADIENTS[op_type] = fn
    _GRADIENT_SITES[op_type] = site


def NotDifferentiable(op_type: str) -> None:  # noqa: N802 - TF1's name
    """Declares that op type `op_type` has no gradient (its inputs get None)."""
    _register_gradient(op_type, None, _caller())


NoGradient = NotDifferentiable


def has_gradient_entry(op_type: str) -> bool:
    """True if `op_type` has a gradient function or a NotDifferentiable declaration."""
    return op_type in _GRADIENTS


def has_gradient_function(op_type: str) -> bool:
    """True if `op_type` has a registered gradient function (not NotDifferentiable)."""
    return _GRADIENTS.get(op_type) is not None


def blocks_gradient(op_type: str) -> bool:
    """True if `op_type` is declared NotDifferentiable: no gradient flows through its ops."""
    return op_type in _GRADIENTS and _GRADIENTS[op_type] is None


def get_gradient_function(op) -> Optional[Callable]:
    """The gradient function of `op`'s type; None if declared NotDifferentiable."""
    if op.type not in _GRADIENTS:
        raise LookupError(
            f"No gradient defined for operation '{op.name}' (op type: {op.type}). "
            "Register one with @RegisterGradient, or declare NotDifferentiable."
        )
    return _GRADIENTS[op.type]
