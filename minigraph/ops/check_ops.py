"""Assertions: `tf.Assert` and the `tf.assert_*` family (`tf.debugging.*`), as TF1 builds them.

`tf.Assert(condition, data)` is an op with no outputs that raises InvalidArgumentError when it
runs with a false `condition`; its message is "assertion failed: " followed by each data item
summarized as `tf.Print` summarizes it (`[1 2 3...]`). As in TF1 graph mode, an assertion only
runs if something needs it: fetch it, or put it in `tf.control_dependencies` of what you fetch.

The `tf.assert_*` helpers check element-wise conditions (`assert_equal`, `assert_less`, ...),
signs (`assert_positive`, ...), ranks and dtypes. Like TF1 they check at build time whatever is
known then: constant operands that fail raise InvalidArgumentError immediately, a static rank
that is wrong raises ValueError, a wrong dtype TypeError; otherwise the check runs with the graph.
(TF1 keeps `Assert` in control_flow_ops; it lives here with the helpers that build it.)
"""

from __future__ import annotations

import numpy as np

from minigraph import dtypes, errors, shapes
from minigraph.graph import name_scope
from minigraph.ops import array_ops, control_flow_ops, math_ops
from minigraph.ops.logging_ops import summarize_v1
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import Tensor, apply_op, constant_value, convert_to_tensor


# ---------------------------------------------------------------- Assert
def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF1's name
    """An op that raises InvalidArgumentError listing `data` if `condition` is false when run.

    Args:
        condition: a scalar bool tensor.
        data: tensors (or Python values) to print in the error message.
        summarize: how many entries of each data tensor to print (3 if None).
        name: the name scope of the op.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.placeholder(tf.float32, [None])
        ...     check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x])
        ...     try:
        ...         sess.run(check, {x: [1.0, -2.0]})
        ...     except tf.errors.InvalidArgumentError as e:
        ...         print(e.message.splitlines()[0])
        assertion failed: [x must be positive:] [1 -2]
    """
    with name_scope(name, "Assert", [condition, data]):
        condition = convert_to_tensor(condition)
        if condition.dtype != dtypes.bool:
            raise TypeError(
                f"Input 'condition' of 'Assert' Op has type {condition.dtype.name} that does not "
                f"match expected type of bool: {condition!r}. Compare it first (x > 0) or use "
                "tf.reduce_all(...)."
            )
        data = [convert_to_tensor(d, name=f"data_{i}") for i, d in enumerate(data)]
        attrs = {"summarize": 3 if summarize is None else int(summarize)}
        return apply_op("Assert", [condition] + data, attrs=attrs, name="Assert")


def _assert_kernel(state, op, condition, *data):
    if np.all(condition):
        return None
    pieces = " ".join(f"[{summarize_v1(d, op.attrs['summarize'])}]" for d in data)
    raise errors.InvalidArgumentError(
        None, op, f"assertion failed: {pieces}\n\t [[node {op.name} (op: Assert)]]"
    )


def _assert_shape(op):
    condition = op.inputs[0]
    if condition.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {condition.shape.ndims}: the "
                         "condition of Assert must be a scalar (use tf.reduce_all)")
    return []


define_op("Assert", kernel=_assert_kernel, shape=_assert_shape, stateful=True)
NotDifferentiable("Assert")


# ---------------------------------------------------------------- element-wise comparisons
def _static_text(item) -> str:
    if isinstance(item, Tensor):
        value = constant_value(item)
        return str(item) if value is None else str(value)
    return str(item)


def _operand(value, name: str, like=None) -> Tensor:
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element") or like is None:
        return convert_to_tensor(value, name=name)
    return convert_to_tensor(value, dtype=like.dtype, name=name)


def _binary_assert(sym, opname, op_func, static_func, x, y, data, summarize, message, name):
    with name_scope(name, opname, [x, y]):
        x_is_value = not (isinstance(x, Tensor) or hasattr(x, "_as_graph_element"))
        if x_is_value and (isinstance(y, Tensor) or hasattr(y, "_as_graph_element")):
            y = _operand(y, "y")
            x = _operand(x, "x", like=y)
        else:
            x = _operand(x, "x")
            y = _operand(y, "y", like=x)
        if data is None:
            data = [f"Condition x {sym} y did not hold element-wise:", f"x ({x.name}) = ", x,
                    f"y ({y.name}) = ", y]
        if message is not None:
            data = [message] + list(data)
        condition = math_ops.reduce_all(op_func(x, y))
        x_static, y_static = constant_value(x), constant_value(y)
        if x_static is not None and y_static is not None:
            if not np.all(static_func(x_static, y_static)):
                raise errors.InvalidArgumentError(None, None,
                                                  "\n".join(_static_text(d) for d in data))
        return Assert(condition, data, summarize=summarize)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Asserts `x == y` element-wise (with broadcasting).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.placeholder(tf.int32, [None], name="x")
        ...     y = tf.placeholder(tf.int32, [None], name="y")
        ...     check = tf.assert_equal(x, y)
        ...     try:
        ...         sess.run(check, {x: [1, 2], y: [1, 3]})
        ...     except tf.errors.InvalidArgumentError as e:
        ...         print(e.message.splitlines()[0])
        assertion failed: [Condition x == y did not hold element-wise:] [x (x:0) = ] [1 2] \
[y (y:0) = ] [1 3]
    """
    return _binary_assert("==", "assert_equal", math_ops.equal, np.equal, x, y, data,
                          summarize, message, name)


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Asserts `x != y` for every element."""
    return _binary_assert("!=", "assert_none_equal", math_ops.not_equal, np.not_equal, x, y,
                          data, summarize, message, name)


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
    """Asserts `x < y` element-wise."""
    return _binary_assert("<", "assert_less", math_ops.less, np.less, x, y, data, summarize,
                          message, name)


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Asserts `x <= y` element-wise."""
    return _binary_assert("<=", "assert_less_equal", math_ops.less_equal, np.less_equal, x, y,
                          data, summarize, message, name)


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
    """Asserts `x > y` element-wise."""
    return _binary_assert(">", "assert_greater", math_ops.greater, np.greater, x, y, data,
                          summarize, message, name)


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Asserts `x >= y` element-wise."""
    return _binary_assert(">=", "assert_greater_equal", math_ops.greater_equal,
                          np.greater_equal, x, y, data, summarize, message, name)


# ---------------------------------------------------------------- signs
def _sign_assert(x, data, summarize, message, name, opname, text, compare, zero_first):
    message = message or ""
    with name_scope(name, opname, [x]):
        x = convert_to_tensor(x, name="x")
        if data is None:
            data = [message, f"Condition x {text} 0 did not hold element-wise:",
                    f"x ({x.name}) = ", x]
        zero = array_ops.zeros([], dtype=x.dtype)
        left, right = (zero, x) if zero_first else (x, zero)
        return compare(left, right, data=data, summarize=summarize)


def assert_positive(x, data=None, summarize=None, message=None, name=None):
    """Asserts `x > 0` element-wise.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.assert_positive([1.0, 2.0]).type)
        Assert
    """
    return _sign_assert(x, data, summarize, message, name, "assert_positive", ">",
                        assert_less, zero_first=True)


def assert_negative(x, data=None, summarize=None, message=None, name=None):
    """Asserts `x < 0` element-wise."""
    return _sign_assert(x, data, summarize, message, name, "assert_negative", "<",
                        assert_less, zero_first=False)


def assert_non_negative(x, data=None, summarize=None, message=None, name=None):
    """Asserts `x >= 0` element-wise."""
    return _sign_assert(x, data, summarize, message, name, "assert_non_negative", ">=",
                        assert_less_equal, zero_first=True)


def assert_non_positive(x, data=None, summarize=None, message=None, name=None):
    """Asserts `x <= 0` element-wise."""
    return _sign_assert(x, data, summarize, message, name, "assert_non_positive", "<=",
                        assert_less_equal, zero_first=False)


# ---------------------------------------------------------------- ranks, dtypes, scalars
def _prefixed(message, text: str) -> str:
    return f"{message}.  {text}" if message else text


def _rank_assert(x, rank, data, summarize, message, name, opname, at_least: bool):
    with name_scope(name, opname, [x, rank]):
        x = convert_to_tensor(x, name="x")
        rank_t = convert_to_tensor(rank, name="rank")
        if rank_t.shape.ndims not in (None, 0) or not rank_t.dtype.is_integer:
            raise ValueError(f"Rank must be a scalar integer, got {rank_t!r}")
        words = "rank at least" if at_least else "rank"
        given = constant_value(rank_t)
        actual = x.shape.ndims
        if given is not None and actual is not None:
            ok = actual >= int(given) if at_least else actual == int(given)
            if not ok:
                raise ValueError(_prefixed(
                    message, f"Tensor {x.name} must have {words} {int(given)}.  Received rank "
                             f"{actual}, shape {x.shape}"))
            return control_flow_ops.no_op(name="static_checks_determined_all_ok")
        if data is None:
            data = [message or "", f"Tensor {x.name} must have {words}", rank_t,
                    "Received shape: ", array_ops.shape(x)]
        compare = math_ops.greater_equal if at_least else math_ops.equal
        condition = compare(array_ops.rank(x), math_ops.cast(rank_t, dtypes.int32))
        return Assert(condition, data, summarize=summarize)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """Asserts that `x` has rank `rank`: at build time if its rank is known (ValueError),
    else when run.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     try:
        ...         tf.assert_rank(tf.zeros([2, 3], name="w"), 1)
        ...     except ValueError as e:
        ...         print(e)
        Tensor w:0 must have rank 1.  Received rank 2, shape (2, 3)
    """
    return _rank_assert(x, rank, data, summarize, message, name, "assert_rank", at_least=False)


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """Asserts that `x` has rank `rank` or more."""
    return _rank_assert(x, rank, data, summarize, message, name, "assert_rank_at_least",
                        at_least=True)


def assert_type(tensor, tf_type, message=None, name=None):
    """Raises TypeError now if `tensor`'s dtype is not `tf_type`; else returns a no-op.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     try:
        ...         tf.assert_type(tf.constant([1, 2], name="x"), tf.float32)
        ...     except TypeError as e:
        ...         print(e)
        x:0 must be of type tf.float32; got tf.int32
    """
    with name_scope(name, "assert_type", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        tf_type = dtypes.as_dtype(tf_type)
        if tensor.dtype != tf_type:
            raise TypeError(_prefixed(
                message, f"{tensor.name} must be of type {tf_type!r}; got {tensor.dtype!r}"))
        return control_flow_ops.no_op(name="statically_determined_correct_type")


def assert_integer(x, message=None, name=None):
    """Raises TypeError now unless `x` has an integer dtype; else returns a no-op."""
    with name_scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError(_prefixed(message, f'Expected "x" to be integer type.  Found: '
                                               f"{x.name} of dtype {x.dtype!r}"))
        return control_flow_ops.no_op(name="statically_determined_was_integer")


def assert_scalar(tensor, name=None, message=None):
    """Returns `tensor` if its static shape is a scalar; ValueError now otherwise."""
    with name_scope(name, "assert_scalar", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.shape != shapes.scalar():
            raise ValueError(_prefixed(
                message, f"Expected scalar shape for {tensor.name}, saw shape: {tensor.shape}."))
        return tensor
