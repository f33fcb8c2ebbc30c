"""`tf.py_func` (and `tf.numpy_function`): a Python function on numpy arrays as a graph op.

Each time the op runs, `func` is called with its inputs as numpy arrays (strings as `bytes`) and
must return one array per dtype in `Tout`, of exactly those dtypes, as TF1 insists: a float64
array (or a Python float) for a `tf.float32` output raises InvalidArgumentError ("0-th value
returned by pyfunc_0 is double, but expects float"); return `np.float32(...)` or `.astype`.
An exception inside `func` becomes TF1's error for it: InvalidArgumentError for ValueError and
TypeError, OutOfRangeError for StopIteration, UnimplementedError for NotImplementedError,
ResourceExhaustedError for MemoryError, UnknownError otherwise, with the traceback in the message.

As in TF1 the op holds only a token ("pyfunc_0"); the function itself stays in this process,
kept alive by the op's graph, so a GraphDef of the graph imports and runs here but not elsewhere.

The outputs' shapes are unknown while building (use `set_shape` if you know them). There is no
gradient through `py_func`, as in TF1: `tf.gradients` gives None for its inputs, and an
optimizer whose loss reaches the variables only through a `py_func` says it has no gradients.
"""

from __future__ import annotations

import itertools
import traceback
import weakref

import numpy as np

from minigraph import dtypes, errors, shapes
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import apply_op, convert_to_tensor

_tokens = itertools.count()

_ERRORS = (
    ((ValueError, TypeError), errors.InvalidArgumentError),
    ((StopIteration,), errors.OutOfRangeError),
    ((MemoryError,), errors.ResourceExhaustedError),
    ((NotImplementedError,), errors.UnimplementedError),
)


# ---------------------------------------------------------------- PyFunc / PyFuncStateless
def py_func(func, inp, Tout, stateful: bool = True, name=None):  # noqa: N803 - TF1's name
    """Wraps `func(*numpy_inputs)` as an op with outputs of dtypes `Tout`.

    Args:
        func: a Python function taking one numpy array per input.
        inp: the input tensors (or values).
        Tout: one dtype (the op returns one tensor) or a list of dtypes (a list of tensors).
        stateful: TF1's hint that `func` has side effects ("PyFunc" op, else
            "PyFuncStateless"); minigraph never runs either while building a plan.
        name: the op's name.

    Example:
        >>> import numpy as np
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.constant([1.0, 4.0, 9.0])
        ...     y = tf.py_func(np.sqrt, [x], tf.float32)
        ...     print(y, sess.run(y))
        Tensor("PyFunc:0", shape=<unknown>, dtype=float32) [1. 2. 3.]
    """
    single = not isinstance(Tout, (list, tuple))
    out_dtypes = [dtypes.as_dtype(t) for t in ([Tout] if single else Tout)]
    inputs = [convert_to_tensor(x) for x in inp]
    token = f"pyfunc_{next(_tokens)}"
    attrs = {"token": token, "Tout": out_dtypes}
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    outputs = apply_op(op_type, inputs, attrs=attrs, name=name)
    op = outputs if not out_dtypes else (outputs[0] if isinstance(outputs, list) else outputs).op
    _register(token, func, op.graph)
    if not out_dtypes:
        return outputs  # the op itself
    if single:
        return outputs[0] if isinstance(outputs, list) else outputs
    return outputs if isinstance(outputs, list) else [outputs]


numpy_function = py_func


class _Registered:
    """A py_func's function, kept alive by the graph that uses it."""

    __slots__ = ("func", "__weakref__")

    def __init__(self, func):
        self.func = func


# token -> function, as TF1's FuncRegistry: the op carries only its token (so a GraphDef of it
# is plain data and imports back in this process), the graph holds the function.
_registry = weakref.WeakValueDictionary()


def _register(token: str, func, graph) -> None:
    entry = _Registered(func)
    _registry[token] = entry
    if not hasattr(graph, "_py_funcs"):
        graph._py_funcs = []
    graph._py_funcs.append(entry)


def _registered_func(op):
    entry = _registry.get(op.attrs["token"])
    if entry is None:
        raise errors.InvalidArgumentError(
            None, op, f"callback {op.attrs['token']} is not found: a py_func runs only in the "
                      "process that made it, while its graph exists (a GraphDef holds its token, "
                      f"not the Python function).\n\t [[node {op.name} (op: {op.type})]]")
    return entry.func


def _error_for(exception: BaseException):
    for kinds, error_class in _ERRORS:
        if isinstance(exception, kinds):
            return error_class
    return errors.UnknownError


def _converted(value, dtype: dtypes.DType, index: int, token: str) -> np.ndarray:
    if dtype == dtypes.string:
        return dtypes.as_bytes_array(value)
    array = np.asarray(value)
    if array.dtype != dtype.np:
        got = dtypes.as_dtype(array.dtype)._proto_name if array.dtype.kind != "O" else "object"
        raise errors.InvalidArgumentError(
            None, None,
            f"{index}-th value returned by {token} is {got}, but expects {dtype._proto_name} "
            f"(return an array of that dtype, e.g. np.asarray(value, np.{dtype.name}))",
        )
    return array


def _py_func_kernel(state, op, *inputs):
    token, out_dtypes = op.attrs["token"], op.attrs["Tout"]
    func = _registered_func(op)
    try:
        result = func(*inputs)
    except Exception as e:  # noqa: BLE001 - every Python error becomes TF1's class for it
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        raise _error_for(e)(
            None, op, f"{type(e).__name__}: {e}\n{text}\n\t [[node {op.name} (op: {op.type})]]"
        ) from e
    if not out_dtypes and result is None:
        return None
    results = list(result) if isinstance(result, (list, tuple)) else [result]
    if len(results) != len(out_dtypes):
        raise errors.InvalidArgumentError(
            None, op, f"{token} returns {len(results)} values, but expects to see "
                      f"{len(out_dtypes)} values.\n\t [[node {op.name} (op: {op.type})]]")
    try:
        arrays = [_converted(v, d, i, token) for i, (v, d) in enumerate(zip(results, out_dtypes))]
    except errors.InvalidArgumentError as e:
        raise errors.InvalidArgumentError(
            None, op, f"{e.message}\n\t [[node {op.name} (op: {op.type})]]") from None
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


def _py_func_shape(op):
    return [shapes.unknown_shape() for _ in op.attrs["Tout"]]


def _py_func_dtype(op):
    return list(op.attrs["Tout"])


for _op_type in ("PyFunc", "PyFuncStateless"):
    define_op(_op_type, kernel=_py_func_kernel, shape=_py_func_shape, dtype=_py_func_dtype,
              stateful=True)
    NotDifferentiable(_op_type)  # TF1 registers no gradient either: tf.gradients gives None
