"""Ops that create, reshape, slice and combine tensors without arithmetic.

Each op is one block: its public builder (the TF1 function), its `define_op` (kernel and shape
function) and its gradient. `unbroadcast`, at the end, is the one helper that every binary op's
gradient uses to undo numpy broadcasting.

`math_ops` builds on this module (reshape, zeros_like, unbroadcast), so this one does not import
it: the four math ops some gradients here need (Sum, Cast, Range, UnsortedSegmentSum) are made
by op type with the `_math_*` helpers below, as TF's array_ops uses gen_math_ops. Their
kernels, shapes and gradients are defined in math_ops.py.
"""

from __future__ import annotations

import builtins
import collections
import re
from typing import Optional

import numpy as np

from minigraph import dtypes, errors, shapes
from minigraph.graph import graph_of, name_scope
from minigraph.registry import (
    BOOL,
    FLOATS,
    INDICES,
    NUMBERS,
    NotDifferentiable,
    RegisterGradient,
    define_op,
)
from minigraph.shapes import TensorShape
from minigraph.tensor import (
    Tensor,
    _contains_tensor,
    apply_op,
    constant_value,
    convert_to_tensor,
    op_scope,
    to_numpy,
)


def _attr_dtype(op):
    return op.attrs["dtype"]


def _int32(op):
    return dtypes.int32


# ---------------------------------------------------------------- math ops, made by type
def _math_sum(x: Tensor, axes=None, keep_dims: bool = False) -> Tensor:
    """`math_ops.reduce_sum(x, axes, keepdims)` (all axes when None)."""
    if axes is None:
        if x.shape.ndims is not None:
            axes = np.arange(x.shape.ndims, dtype=np.int32)
        else:
            axes = _math_range(0, rank(x))
    axes = convert_to_tensor(axes, dtype=dtypes.int32)
    return apply_op("Sum", [x, axes], attrs={"keep_dims": keep_dims})


def _math_cast(x: Tensor, dtype: dtypes.DType) -> Tensor:
    """`math_ops.cast(x, dtype)` of a tensor whose dtype differs."""
    return apply_op("Cast", [x], attrs={"DstT": dtype}, name="Cast")


def _math_range(start: int, limit: Tensor, delta: int = 1) -> Tensor:
    """`math_ops.range(start, limit, delta)` of an int32 limit tensor."""
    return apply_op("Range", [start, limit, delta], name="range")


def _math_unsorted_segment_sum(data: Tensor, segment_ids: Tensor, num_segments: Tensor):
    """`math_ops.unsorted_segment_sum` of tensors already of the right dtypes."""
    return apply_op("UnsortedSegmentSum", [data, segment_ids, num_segments])


# ---------------------------------------------------------------- Const
def constant(value, dtype=None, shape=None, name: str = "Const", verify_shape: bool = False):
    """A tensor holding `value` (Python floats become float32, ints int32).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.constant([[1.0, 2.0]]))
        Tensor("Const:0", shape=(1, 2), dtype=float32)
    """
    if value is None:
        raise ValueError("None values not supported: tf.constant needs a value (a number, a "
                         "list, an array).")
    array = to_numpy(value, None if dtype is None else dtypes.as_dtype(dtype))
    if shape is not None:
        array = _fill_to_shape(array, tuple(shapes.as_shape(shape).as_list()), verify_shape,
                               value)
    return apply_op("Const", [], attrs={"value": array}, name=name)


def _fill_to_shape(array: np.ndarray, shape: tuple, verify_shape: bool, value) -> np.ndarray:
    """`array` as a constant of `shape`, as TF1 builds one: the values in order, the last one
    repeated to fill the shape (a scalar fills it all); more values than fit are an error."""
    if array.shape == shape:
        return array
    if verify_shape:
        raise TypeError(f"Expected Tensor's shape: {shape}, got {array.shape} (value {value!r}).")
    size = int(np.prod(shape, dtype=np.int64))
    if array.size > size:
        raise ValueError(f"Too many elements provided. Takes at most {size}, but got "
                         f"{array.size} (value {value!r}, shape {list(shape)}).")
    flat = array.reshape(-1)
    if flat.size == 0:  # TF1: zeros (empty strings)
        fill = b"" if array.dtype == object else np.zeros((), array.dtype)
        return np.full(shape, fill, dtype=array.dtype)
    filled = np.full(size, flat[-1], dtype=array.dtype)
    filled[:flat.size] = flat
    return filled.reshape(shape)


def _const_kernel(*, value):
    return value


def _const_shape(op):
    return shapes.interned(op.attrs["value"].shape)


def _const_dtype(op):
    return dtypes.as_dtype(op.attrs["value"].dtype)


define_op("Const", kernel=_const_kernel, shape=_const_shape, dtype=_const_dtype)
NotDifferentiable("Const")


# ---------------------------------------------------------------- Placeholder
def placeholder(dtype, shape=None, name=None):
    """An input fed at run time: `x = tf.placeholder(tf.float32, [None, 3])`.

    Running anything that needs `x` without `feed_dict={x: ...}` raises InvalidArgumentError
    naming `x`, its dtype and its shape.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3], name="x")
        ...     print(x)
        Tensor("x:0", shape=(?, 3), dtype=float32)
    """
    return apply_op(
        "Placeholder",
        [],
        attrs={"dtype": dtypes.as_dtype(dtype), "shape": shapes.as_shape(shape)},
        name=name,
    )


def _placeholder_shape(op):
    return op.attrs["shape"]


# The executor refuses to run a plan with an unfed placeholder, so this kernel never runs.
define_op("Placeholder", kernel=None, shape=_placeholder_shape, dtype=_attr_dtype)
NotDifferentiable("Placeholder")


# ---------------------------------------------------------------- PlaceholderWithDefault
def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF1's signature
    """A placeholder that yields `input` when it is not fed."""
    value = convert_to_tensor(input)
    return apply_op(
        "PlaceholderWithDefault", [value], attrs={"shape": shapes.as_shape(shape)}, name=name
    )


def _placeholder_with_default_shape(op):
    default = op.inputs[0].shape
    declared = op.attrs["shape"]
    if not declared.is_compatible_with(default):
        raise ValueError(f"Default value of shape {default} is not compatible with {declared}")
    return declared


def _placeholder_with_default_kernel(default, *, shape):
    return default


define_op(
    "PlaceholderWithDefault",
    kernel=_placeholder_with_default_kernel,
    shape=_placeholder_with_default_shape,
)


@RegisterGradient("PlaceholderWithDefault")
def _placeholder_with_default_grad(op, grad):
    """d default = grad."""
    return grad


# ---------------------------------------------------------------- Identity
def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same value as `input` (a new node, e.g. for control deps).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.identity([1.0, 2.0])))
        [1. 2.]
    """
    return apply_op("Identity", [input], name=name)


def _identity_kernel(x):
    return x


def _identity_alias(op, constant_inputs):
    """Identity returns its input: the plan gives the input's slot a second name."""
    return 0


define_op("Identity", kernel=_identity_kernel, shape=shapes.same_as_input, alias=_identity_alias)


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    """d identity(x) = grad."""
    return grad


# ---------------------------------------------------------------- StopGradient
def stop_gradient(input, name=None):  # noqa: A002
    """Passes `input` through in the forward pass; gradients do not flow back through it."""
    return apply_op("StopGradient", [input], name=name)


define_op("StopGradient", kernel=_identity_kernel, shape=shapes.same_as_input,
          alias=_identity_alias)
NotDifferentiable("StopGradient")


# ---------------------------------------------------------------- Shape
def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The dynamic shape of `input` as a 1-D int32 tensor.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.shape(tf.zeros([2, 3]))))
        [2 3]
    """
    return apply_op("Shape", [input], attrs={"out_type": dtypes.as_dtype(out_type)}, name=name)


def _shape_kernel(x, *, out_type):
    return np.array(np.shape(x), dtype=out_type.np)


def _shape_shape(op):
    return TensorShape([op.inputs[0].shape.ndims])


define_op("Shape", kernel=_shape_kernel, shape=_shape_shape, dtype=lambda op: op.attrs["out_type"])
NotDifferentiable("Shape")


# ---------------------------------------------------------------- Rank
def rank(input, name=None):  # noqa: A002
    """The number of dimensions of `input`, as a scalar int32 tensor.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.rank(tf.zeros([2, 3]))))
        2
    """
    return apply_op("Rank", [input], name=name)


def _rank_kernel(x):
    return np.array(np.ndim(x), dtype=np.int32)


define_op("Rank", kernel=_rank_kernel, shape=shapes.scalar_output, dtype=_int32)
NotDifferentiable("Rank")


# ---------------------------------------------------------------- Size
def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of `input`, as a scalar int32 tensor.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.size(tf.zeros([2, 3]))))
        6
    """
    return apply_op("Size", [input], attrs={"out_type": dtypes.as_dtype(out_type)}, name=name)


def _size_kernel(x, *, out_type):
    return np.array(np.size(x), dtype=out_type.np)


define_op(
    "Size", kernel=_size_kernel, shape=shapes.scalar_output, dtype=lambda op: op.attrs["out_type"]
)
NotDifferentiable("Size")


# ---------------------------------------------------------------- Reshape
def reshape(tensor, shape, name=None):
    """Gives `tensor` a new shape with the same number of elements; one dim may be -1.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reshape(tf.range(6), [2, -1])))
        [[0 1 2]
         [3 4 5]]
    """
    with op_scope(name, "Reshape", [tensor, shape]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        shape = _shape_tensor(shape, name="shape")
        return apply_op("Reshape", [tensor, shape], name=scope)


def _reshape_kernel(x, new_shape):
    try:
        return np.reshape(x, new_shape)
    except ValueError:
        raise ValueError(
            f"Input to reshape is a tensor with {np.size(x)} values (shape {list(np.shape(x))}), "
            f"but the requested shape {[int(d) for d in new_shape]} does not hold that many; "
            "use -1 for the dimension to infer (e.g. [-1, 784])."
        ) from None


def _reshape_shape(op):
    x, new_shape = op.inputs
    target = constant_value(new_shape)
    if target is None:
        n = new_shape.shape.as_tuple()
        return shapes.unknown_shape(None if n is None else n[0])
    target = [int(d) for d in np.reshape(target, [-1])]
    known = x.shape.num_elements()
    if target.count(-1) > 1:
        raise ValueError(f"Reshape can only infer one dimension, got shape {target}")
    if -1 in target:
        return _inferred_reshape(known, target)
    if known is not None and known != int(np.prod(target)):
        raise ValueError(
            f"Cannot reshape a tensor with {known} elements to shape {target} "
            f"({int(np.prod(target))} elements)"
        )
    return TensorShape(target)


def _inferred_reshape(known: Optional[int], target: list) -> TensorShape:
    """The shape `target` with its -1 worked out from the `known` number of elements."""
    rest = int(np.prod([d for d in target if d != -1]))
    if known is None or rest == 0:
        return TensorShape([None if d == -1 else d for d in target])
    if known % rest:
        raise ValueError(f"Cannot reshape a tensor with {known} elements to shape {target}")
    return TensorShape([known // rest if d == -1 else d for d in target])


define_op("Reshape", kernel=_reshape_kernel, shape=_reshape_shape,
          input_dtypes=[None, ("shape", INDICES)])


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    """d reshape(x) = reshape(grad, shape(x))."""
    x = op.inputs[0]
    return [reshape(grad, _shape_of(x)), None]


# ---------------------------------------------------------------- Transpose
def transpose(a, perm=None, name: str = "transpose", conjugate: bool = False):
    """Permutes the dimensions of `a` (default: reverses them, so a matrix is transposed).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.transpose([[1, 2, 3]])))
        [[1]
         [2]
         [3]]
    """
    with graph_of([a, perm]).as_default():
        a = convert_to_tensor(a)
        if perm is None:
            if a.shape.ndims is None:
                raise ValueError(f"transpose of {a!r} needs `perm`: its rank is unknown.")
            perm = list(range(a.shape.ndims))[::-1]
        known = constant_value(perm) if isinstance(perm, Tensor) else perm
        if known is None:  # computed while running: the kernel checks it
            perm = convert_to_tensor(perm)
            return apply_op("Transpose", [a, perm], name=name)
        return apply_op("Transpose", [a], attrs={"perm": _perm_attr(known)}, name=name)


def _perm_attr(perm) -> tuple:
    """A known `perm` as a tuple of ints; TypeError for anything but integers."""
    array = np.asarray(perm)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise TypeError(f"perm must be a list (or 1-D tensor) of integers, got {perm!r}")
    return tuple(int(p) for p in array)


def _check_perm(perm, rank: int) -> tuple:
    """`perm` as a permutation of range(rank), or TF1's InvalidArgumentError saying what is
    wrong with it."""
    perm = np.asarray(perm)
    if perm.ndim != 1 or perm.size != rank:
        raise errors.InvalidArgumentError(
            None, None, f"transpose expects a vector of size {rank}. But input(1) is a vector "
            f"of size {perm.size}"
        )
    for p in perm:
        if not 0 <= p < rank:
            raise errors.InvalidArgumentError(
                None, None, f"{int(p)} is out of range [0 .. {rank})")
    missing = sorted(set(range(rank)) - {int(p) for p in perm})
    if missing:
        raise errors.InvalidArgumentError(
            None, None,
            f"{missing[0]} is missing from {{{','.join(str(int(p)) for p in perm)}}}.")
    return tuple(int(p) for p in perm)


def _transpose_kernel(x, *perm_input, perm=None):
    # A perm attribute is a permutation (checked when built); only its length may be wrong.
    if perm_input or len(perm) != np.ndim(x):
        perm = _check_perm(perm_input[0] if perm_input else perm, np.ndim(x))
    return np.transpose(x, perm)


def _transpose_shape(op):
    perm = op.attrs.get("perm")
    dims = op.inputs[0].shape.as_tuple()
    if perm is None:
        perm_length = op.inputs[1].shape.as_tuple()
        if perm_length is not None and perm_length[0] is not None:
            if dims is not None and perm_length[0] != len(dims):
                raise ValueError(f"Dimension must be {len(dims)} but is {perm_length[0]}")
            return shapes.unknown_shape(perm_length[0])
        return shapes.unknown_shape(None if dims is None else len(dims))
    rank = len(perm) if dims is None else len(dims)
    if sorted(perm) != list(range(rank)):
        raise ValueError(f"perm {list(perm)} is not a permutation of the {rank} dimensions")
    if dims is None:
        return shapes.unknown_shape(rank)
    return TensorShape([dims[p] for p in perm])


define_op("Transpose", kernel=_transpose_kernel, shape=_transpose_shape,
          input_dtypes=[None, ("perm", INDICES)])


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    """d transpose(x, perm) = transpose(grad, inverse(perm))."""
    if len(op.inputs) == 2:
        return transpose(grad, invert_permutation(op.inputs[1])), None
    perm = op.attrs["perm"]
    return transpose(grad, list(np.argsort(perm)))


# ---------------------------------------------------------------- InvertPermutation
def invert_permutation(x, name=None):
    """The inverse of the permutation `x`: `y[x[i]] = i` (a 1-D int32 or int64 tensor); TF1's
    `tf.invert_permutation`, used by the gradient of a transpose whose perm is computed.

    Example:
        >>> import minigraph as tf
        >>> from minigraph.ops import array_ops
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(array_ops.invert_permutation([2, 0, 1])))
        [1 2 0]
    """
    with graph_of([x]).as_default():
        return apply_op("InvertPermutation", [convert_to_tensor(x)], name=name)


def _invert_permutation_kernel(x):
    perm = _check_perm(x, np.size(x))
    return np.argsort(np.asarray(perm)).astype(x.dtype)


def _invert_permutation_shape(op):
    x = op.inputs[0]
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"Shape must be rank 1 but is rank {x.shape.ndims}")
    return x.shape if x.shape.ndims == 1 else shapes.unknown_shape(1)


define_op("InvertPermutation", kernel=_invert_permutation_kernel,
          shape=_invert_permutation_shape, input_dtypes=[("x", INDICES)])
NotDifferentiable("InvertPermutation")


# ---------------------------------------------------------------- Fill
def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with the scalar `value`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.fill([2, 2], 7.0)))
        [[7. 7.]
         [7. 7.]]
    """
    with op_scope(name, "Fill", [dims, value]) as scope:
        dims = _shape_tensor(dims, name="dims")
        return apply_op("Fill", [dims, convert_to_tensor(value, name="value")], name=scope)


def _fill_kernel(dims, value):
    for d in np.reshape(dims, [-1]):
        if d < 0:
            raise errors.InvalidArgumentError(None, None, f"Dimension {int(d)} must be >= 0")
    return np.full(dims, value, dtype=np.asarray(value).dtype)


def _fill_shape(op):
    return shape_dims_of(op.inputs[0])


define_op("Fill", kernel=_fill_kernel, shape=_fill_shape, dtype=lambda op: op.inputs[1].dtype,
          input_dtypes=[("dims", INDICES)])


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    """d fill(dims, v) / dv = sum(grad)."""
    return [None, _math_sum(grad)]


# ---------------------------------------------------------------- ZerosLike / OnesLike
def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """A tensor of zeros with the shape (and, by default, dtype) of `tensor`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.zeros_like([[1, 2], [3, 4]], dtype=tf.float32)))
        [[0. 0.]
         [0. 0.]]
    """
    return _filled_like("ZerosLike", tensor, dtype, name)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """A tensor of ones with the shape (and, by default, dtype) of `tensor`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.ones_like([1.5, 2.5])))
        [1. 1.]
    """
    return _filled_like("OnesLike", tensor, dtype, name)


def _filled_like(op_type, tensor, dtype, name):
    """ZerosLike/OnesLike of `tensor`, cast to `dtype` when one is given and differs.

    The builders' `optimize` (TF1's hint to fold a known shape into a constant) is accepted
    for compatibility and ignored.
    """
    tensor = convert_to_tensor(tensor)
    result = apply_op(op_type, [tensor], name=name)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype:
        result = _math_cast(result, dtypes.as_dtype(dtype))
    return result


define_op("ZerosLike", kernel=np.zeros_like, shape=shapes.same_as_input)
define_op("OnesLike", kernel=np.ones_like, shape=shapes.same_as_input,
          input_dtypes=[("x", NUMBERS + BOOL)])
NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


# ---------------------------------------------------------------- BroadcastTo
def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts `input` to `shape` with numpy's rules.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.broadcast_to([1, 2], [2, 2])))
        [[1 2]
         [1 2]]
    """
    with graph_of([input, shape]).as_default():
        shape = _shape_tensor(shape, name="Const")
        return apply_op("BroadcastTo", [input, shape], name=name)


def _broadcast_to_kernel(x, target):
    return np.broadcast_to(x, target)


def _broadcast_to_shape(op):
    x, target = op.inputs
    value = constant_value(target)
    if value is None:
        n = target.shape.as_tuple()
        return shapes.unknown_shape(None if n is None else n[0])
    out = TensorShape([int(d) for d in value])
    if shapes.broadcast(x.shape, out) != out and x.shape.ndims is not None:
        raise ValueError(f"Cannot broadcast shape {x.shape} to {out}")
    return out


define_op("BroadcastTo", kernel=_broadcast_to_kernel, shape=_broadcast_to_shape,
          input_dtypes=[None, ("shape", INDICES)])


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    """d broadcast_to(x) = grad summed back to x's shape."""
    return [unbroadcast(grad, op.inputs[0]), None]


# ---------------------------------------------------------------- Pack (tf.stack)
def stack(values, axis: int = 0, name: str = "stack"):
    """Stacks a list of rank-R tensors into one rank-(R+1) tensor along `axis`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.stack([[1, 2], [3, 4]], axis=1)))
        [[1 3]
         [2 4]]
    """
    with graph_of(values).as_default():
        values = [convert_to_tensor(v) for v in values]
        return apply_op("Pack", values, attrs={"axis": axis, "N": len(values)}, name=name)


def _pack_kernel(*values, axis, N):
    for i, value in enumerate(values[1:], 1):
        if np.shape(value) != np.shape(values[0]):
            raise ValueError(f"Shapes of all inputs must match: values[0].shape = "
                             f"{list(np.shape(values[0]))} != values[{i}].shape = "
                             f"{list(np.shape(value))}")
    return np.stack(values, axis=axis)


def _pack_shape(op):
    merged = op.inputs[0].shape
    for t in op.inputs[1:]:
        if not merged.is_compatible_with(t.shape):
            raise ValueError(f"Shapes of all inputs must match: {merged} != {t.shape}")
        merged = merged.merge_with(t.shape)
    dims = merged.as_tuple()
    if dims is None:
        return TensorShape(None)
    axis = op.attrs["axis"]
    if not -len(dims) - 1 <= axis <= len(dims):
        raise ValueError(f"axis {axis} out of range for stacking rank-{len(dims)} tensors")
    axis = axis % (len(dims) + 1)
    return TensorShape(dims[:axis] + (len(op.inputs),) + dims[axis:])


def _pack_dtype(op):
    first = op.inputs[0].dtype
    for t in op.inputs[1:]:
        if t.dtype != first:
            raise TypeError(
                f"Op '{op.name}' (Pack) got inputs of dtypes {first.name} and {t.dtype.name}; "
                "all inputs must have the same dtype."
            )
    return first


define_op("Pack", kernel=_pack_kernel, shape=_pack_shape, dtype=_pack_dtype)


@RegisterGradient("Pack")
def _pack_grad(op, grad):
    """d stack(xs)/dx_i = unstack(grad)[i]."""
    return unstack(grad, num=op.attrs["N"], axis=op.attrs["axis"])


# ---------------------------------------------------------------- Unpack (tf.unstack)
def unstack(value, num=None, axis: int = 0, name: str = "unstack"):
    """Splits `value` along `axis` into a list of `num` tensors of one rank less.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.unstack([[1, 2], [3, 4]])))
        [array([1, 2], dtype=int32), array([3, 4], dtype=int32)]
    """
    value = convert_to_tensor(value)
    if num is None:
        dims = value.shape.as_tuple()
        if dims is None or dims[axis] is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
        num = dims[axis]
    return apply_op("Unpack", [value], attrs={"num": num, "axis": axis}, name=name)


def _unpack_kernel(x, *, num, axis):
    if x.shape[axis] != num:
        raise ValueError(f"Input has {x.shape[axis]} entries along axis {axis}, expected {num}")
    return tuple(np.moveaxis(x, axis, 0))


def _unpack_shape(op):
    dims = op.inputs[0].shape.as_tuple()
    num, axis = op.attrs["num"], op.attrs["axis"]
    if dims is None:
        return [TensorShape(None)] * num
    axis = axis % len(dims)
    if dims[axis] is not None and dims[axis] != num:
        raise ValueError(f"Dimension {axis} has {dims[axis]} entries, not num={num}")
    return [TensorShape(dims[:axis] + dims[axis + 1 :])] * num


define_op("Unpack", kernel=_unpack_kernel, shape=_unpack_shape)


@RegisterGradient("Unpack")
def _unpack_grad(op, *grads):
    """d unstack(x) = stack(grads), with zeros for unused outputs."""
    grads = [zeros_like(y) if g is None else g for g, y in zip(grads, op.outputs)]
    return stack(grads, axis=op.attrs["axis"])


# ---------------------------------------------------------------- StridedSlice (t[...])
def strided_slice_by_spec(x, spec, name: str = "strided_slice"):
    """`x[spec]` where `spec` is a tuple of ints, slices, None (new axis) and Ellipsis."""
    return apply_op("StridedSlice", [x], attrs={"spec": spec}, name=name)


def _normalize_spec(key):
    items = key if isinstance(key, tuple) else (key,)
    spec = []
    for index, item in enumerate(items):
        item = _known_index(item)
        if item is None or item is Ellipsis:
            spec.append(item)
        elif isinstance(item, builtins.slice):
            parts = [_slice_bound(item, p) for p in (item.start, item.stop, item.step)]
            if parts[2] == 0:
                raise ValueError(f"strides[{index}] must be non-zero (a slice step of 0).")
            spec.append(builtins.slice(*parts))
        elif _is_int(item):
            spec.append(int(item))
        else:
            raise TypeError(_INDEX_ERROR.format(item=item))
    if spec.count(Ellipsis) > 1:
        raise ValueError("An index can only have a single ellipsis ('...')")
    return tuple(spec)


_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`) and tf.newaxis (`None`) are "
                "valid indices, got {item!r}")


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _known_index(item):
    """A tensor index (or slice bound) as its value known while building."""
    if not isinstance(item, Tensor):
        return item
    value = constant_value(item)
    if value is None:
        raise TypeError(
            f"Indexing with a computed tensor ({item!r}) is not supported; "
            "use tf.gather or feed the index as a Python int."
        )
    return value.item() if np.ndim(value) == 0 else value


def _slice_bound(item: builtins.slice, bound):
    """A slice's start, stop or step: None or an int (a float is refused, not truncated)."""
    bound = _known_index(bound)
    if bound is None:
        return None
    if not _is_int(bound):
        raise TypeError(_INDEX_ERROR.format(item=item))
    return int(bound)


def _getitem(tensor, key):
    """`t[0]`, `t[1:3, ::-1]`, `t[..., None]`: differentiable basic indexing."""
    return strided_slice_by_spec(tensor, _normalize_spec(key))


_NUMPY_INDEX_ERROR = re.compile(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)")


def _strided_slice_kernel(x, *, spec):
    try:
        return np.asarray(x[spec])
    except IndexError as e:  # an index checked at run time only (the input's shape was unknown)
        found = _NUMPY_INDEX_ERROR.search(str(e))
        if found is None:
            raise ValueError(f"Index {spec} does not fit shape {list(np.shape(x))}: {e}") from None
        index, dim, size = found.groups()
        raise ValueError(
            f"slice index {index} of dimension {dim} out of bounds (size {size})") from None


def _strided_slice_shape(op):
    spec = op.attrs["spec"]
    dims = op.inputs[0].shape.as_tuple()
    consumed = sum(1 for s in spec if s is not None and s is not Ellipsis)
    if dims is None:
        return TensorShape(None)
    if consumed > len(dims):
        raise ValueError(f"Index {spec} has {consumed} entries but the tensor has rank {len(dims)}")
    out, i = [], 0
    for item in spec:
        if item is None:
            out.append(1)
        elif item is Ellipsis:
            fill_count = len(dims) - consumed
            out.extend(dims[i : i + fill_count])
            i += fill_count
        elif isinstance(item, builtins.slice):
            d = dims[i]
            out.append(None if d is None else len(range(*item.indices(d))))
            i += 1
        else:
            d = dims[i]
            if d is not None and not -d <= item < d:
                raise ValueError(f"slice index {item} of dimension {i} out of bounds (size {d})")
            i += 1
    out.extend(dims[i:])
    return TensorShape(out)


define_op("StridedSlice", kernel=_strided_slice_kernel, shape=_strided_slice_shape)


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    """d x[spec] = zeros like x with grad written at [spec]."""
    x = op.inputs[0]
    return apply_op("StridedSliceGrad", [_shape_of(x), grad], attrs={"spec": op.attrs["spec"]})


def _strided_slice_grad_kernel(x_shape, grad, *, spec):
    dx = np.zeros(x_shape, dtype=grad.dtype)
    dx[spec] = grad
    return dx


def _strided_slice_grad_shape(op):
    return _fill_shape(op)


define_op(
    "StridedSliceGrad",
    kernel=_strided_slice_grad_kernel,
    shape=_strided_slice_grad_shape,
    dtype=lambda op: op.inputs[1].dtype,
    input_dtypes=[("shape", INDICES)],
)


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    """d/d(grad) of scattering grad into zeros = grad[spec]."""
    return [None, strided_slice_by_spec(grad, op.attrs["spec"])]


Tensor._override_operator("__getitem__", _getitem)


# ---------------------------------------------------------------- BroadcastGradientArgs
def broadcast_gradient_args(s0, s1, name=None):
    """For shapes s0, s1 broadcast together: the axes each must be summed over (r0, r1)."""
    return apply_op("BroadcastGradientArgs", [s0, s1], name=name)


def _broadcast_gradient_args_kernel(s0, s1):
    n = max(len(s0), len(s1))
    a = [1] * (n - len(s0)) + list(s0)
    b = [1] * (n - len(s1)) + list(s1)
    r0 = [i for i in range(n) if a[i] == 1 and b[i] != 1 or i < n - len(s0)]
    r1 = [i for i in range(n) if b[i] == 1 and a[i] != 1 or i < n - len(s1)]
    return np.array(r0, dtype=np.int32), np.array(r1, dtype=np.int32)


def _broadcast_gradient_args_shape(op):
    return [TensorShape([None]), TensorShape([None])]


define_op(
    "BroadcastGradientArgs",
    kernel=_broadcast_gradient_args_kernel,
    shape=_broadcast_gradient_args_shape,
    dtype=_int32,
    input_dtypes=[("s0", INDICES), ("s1", INDICES)],
)
NotDifferentiable("BroadcastGradientArgs")


# ---------------------------------------------------------------- gradient helpers
def _shape_of(x: Tensor) -> Tensor:
    """x's shape as a tensor: a constant when it is fully known, else a Shape op."""
    if x.shape.is_fully_defined():
        return convert_to_tensor(np.array(x.shape.as_list(), dtype=np.int32))
    return shape(x)


def unbroadcast(grad: Tensor, x: Tensor, other: Optional[Tensor] = None) -> Tensor:
    """Sums `grad` over the axes along which `x` was broadcast, so it gets `x`'s shape.

    The one helper behind every binary op's gradient. When x's shape is fully known the axes are
    worked out now. Otherwise, if `other` (the op's other operand) proves that x was not
    broadcast at all (as TF's SmartBroadcastGradientArgs does: `z + b` with z of shape (25, ?)
    and b of shape (25, 1)), grad is returned as it is; only when neither settles it does
    `BroadcastGradientArgs` find the axes at run time.
    """
    x_static, g_static = x._shape, grad._shape
    x_dims, g_dims = x_static._tuple, g_static._tuple
    # Interned shapes: the same object means the same dims (`is_fully_defined`, read directly:
    # every gradient of a same-shaped binary op comes through here).
    x_known = x_dims is not None and None not in x_dims
    if g_static is x_static and x_known:
        return grad
    if other is not None and _never_broadcast(x_dims, other._shape._tuple):
        return grad
    if x_known and g_dims is not None:
        if x_dims == g_dims:
            return grad
        lead = len(g_dims) - len(x_dims)
        axes = list(range(lead))
        axes += [lead + i for i, d in enumerate(x_dims) if d == 1 and g_dims[lead + i] != 1]
        # Summing only over broadcast 1-dims keeps them (one op); leading axes go away.
        result = _math_sum(grad, axes, keep_dims=lead == 0) if axes else grad
        if result.shape.as_tuple() != x_dims:
            result = reshape(result, list(x_dims))
        return result
    x_shape = shape(x)
    rx, _ = broadcast_gradient_args(x_shape, shape(grad))
    result = reshape(_math_sum(grad, rx), x_shape)
    result.set_shape(x.shape)  # what is known of x's shape stays known (e.g. (?, 1))
    return result


def _never_broadcast(x_dims, other_dims) -> bool:
    """True when broadcasting x against `other` provably leaves x's shape unchanged: x has at
    least other's rank and, aligned from the right, each of other's dims is 1 or equals x's."""
    if x_dims is None or other_dims is None or len(other_dims) > len(x_dims):
        return False
    lead = len(x_dims) - len(other_dims)
    for i, d in enumerate(other_dims):
        if d != 1 and (d is None or d != x_dims[lead + i]):
            return False
    return True


# ---------------------------------------------------------------- shape tensors (helpers)
def shape_dims_of(shape_tensor: Tensor) -> TensorShape:
    """What is known while building about the shape a 1-D shape tensor describes.

    A constant gives the full shape; a `Pack` of scalars (`tf.stack([n, 3])`) gives the entries
    that are constant and `?` for the rest, as TF1's partial shape inference does.
    """
    value = constant_value(shape_tensor)
    if value is not None:
        return TensorShape([int(d) for d in np.reshape(value, [-1])])
    op = shape_tensor.op
    if op.type == "Pack" and all(t.shape.ndims == 0 for t in op.inputs):
        dims = []
        for t in op.inputs:
            v = constant_value(t)
            dims.append(None if v is None or int(v) < 0 else int(v))
        return TensorShape(dims)
    n = shape_tensor.shape.as_tuple()
    return shapes.unknown_shape(None if n is None or n[0] is None else n[0])


def _shape_tensor(shape, name: str = "shape_as_tensor") -> Tensor:
    """A shape given as a list, tuple, TensorShape or int tensor, as a 1-D int32/int64 tensor
    (a new int32 Const named `name` unless it already is an integer tensor)."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, Tensor) or hasattr(shape, "_as_graph_element"):
        shape = convert_to_tensor(shape)
        if not shape.dtype.is_integer:
            raise TypeError(f"A shape must be an integer tensor, got {shape!r}.")
        return shape
    if isinstance(shape, (int, np.integer)):
        shape = [int(shape)]
    # TF1's int64-if-needed rule: a dimension of 2**31 or more makes the shape int64.
    dims = np.asarray(shape)
    wide = dims.dtype.kind in "iu" and dims.size and dims.max() > dtypes.int32.max
    return convert_to_tensor(shape, dtype=dtypes.int64 if wide else dtypes.int32, name=name)


# ---------------------------------------------------------------- zeros / ones (composites)
def _filled(value, shape, dtype, name, default_name):
    """TF1's zeros/ones: a Const when the shape is known and small, else a Fill."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(shape, TensorShape) or not (
        isinstance(shape, Tensor) or hasattr(shape, "_as_graph_element")
        or (isinstance(shape, (list, tuple)) and _contains_tensor(shape))
    ):
        dims = TensorShape(shape if not isinstance(shape, (int, np.integer)) else [shape])
        if dims.is_fully_defined() and dims.num_elements() < 1000:
            array = np.full(dims.as_list(), value, dtype=dtype.np)
            return apply_op("Const", [], attrs={"value": array}, name=name or default_name)
    with name_scope(name, default_name, [shape]) as scope:
        shape = _shape_tensor(shape, name=None)
        fill_value = convert_to_tensor(np.array(value, dtype=dtype.np), name="Const")
        return apply_op("Fill", [shape, fill_value], name=scope)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of `shape` (list, tuple or int tensor) filled with zeros of `dtype`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.zeros([2, 3]))
        Tensor("zeros:0", shape=(2, 3), dtype=float32)
    """
    return _filled(0, shape, dtype, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of `shape` (list, tuple or int tensor) filled with ones of `dtype`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.ones((3,), dtype="int32"))
        Tensor("ones:0", shape=(3,), dtype=int32)
    """
    return _filled(1, shape, dtype, name, "ones")


# ---------------------------------------------------------------- OneHot
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encoding: `on_value` where the new axis' position equals the index, else
    `off_value`. The new axis of size `depth` goes last (`axis=-1`) or at `axis`; indices
    outside `[0, depth)` give a row of `off_value`.

    With `axis=0` a vector of N labels becomes a `[depth, N]` matrix, one column per example
    (the course's layout). `depth` may be a tensor. The dtype is `dtype`, else that of
    `on_value`/`off_value`, else float32.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.one_hot([1, 0, 2], depth=tf.constant(3), axis=0)))
        [[0. 1. 0.]
         [1. 0. 0.]
         [0. 0. 1.]]
    """
    if dtype is None:
        for value in (on_value, off_value):
            if isinstance(value, Tensor):
                dtype = value.dtype
                break
            if value is not None:
                dtype = dtypes.dtype_of_value(value)
                break
    dtype = dtypes.float32 if dtype is None else dtypes.as_dtype(dtype)
    on_value = 1 if on_value is None else on_value
    off_value = 0 if off_value is None else off_value
    axis = -1 if axis is None else int(axis)
    with name_scope(name, "one_hot", [indices, depth, on_value, off_value]) as scope:
        on = convert_to_tensor(on_value, dtype=dtype, name="on_value")
        off = convert_to_tensor(off_value, dtype=dtype, name="off_value")
        indices = convert_to_tensor(indices, name="indices")
        if not indices.dtype.is_integer:
            raise TypeError(f"one_hot indices must be integers, got {indices!r}")
        depth = convert_to_tensor(depth, dtype=dtypes.int32, name="depth")
        return apply_op("OneHot", [indices, depth, on, off], attrs={"axis": axis}, name=scope)


def _one_hot_kernel(indices, depth, on_value, off_value, *, axis):
    if depth < 0:
        raise errors.InvalidArgumentError(
            None, None, f"depth must be non-negative, got: {int(depth)} (a one_hot depth is the "
            "number of classes)."
        )
    hot = np.expand_dims(indices, -1) == np.arange(int(depth))
    out = np.where(hot, on_value, off_value).astype(np.asarray(on_value).dtype)
    return np.moveaxis(out, -1, axis) if axis != -1 else out


def _one_hot_shape(op):
    indices, depth, on, off = op.inputs
    for t in (depth, on, off):
        if t.shape.ndims not in (None, 0):
            raise ValueError(f"depth, on_value and off_value must be scalars, got {t.shape}")
    if on.dtype != off.dtype:
        raise ValueError(f"on_value ({on.dtype.name}) and off_value ({off.dtype.name}) differ")
    depth_value = constant_value(depth)
    if depth_value is not None and int(depth_value) < 0:
        raise ValueError(f"depth must be non-negative, got {int(depth_value)}")
    d = None if depth_value is None else int(depth_value)
    dims = indices.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    axis = op.attrs["axis"]
    if not -1 <= axis <= len(dims):
        raise ValueError(f"axis must be -1 or in [0, {len(dims)}], got {axis}")
    position = len(dims) if axis == -1 else axis
    return TensorShape(dims[:position] + (d,) + dims[position:])


define_op("OneHot", kernel=_one_hot_kernel, shape=_one_hot_shape,
          dtype=lambda op: op.inputs[2].dtype,
          input_dtypes=[
              ("indices", (dtypes.uint8, dtypes.int8) + INDICES),
              ("depth", (dtypes.int32,)),
          ])
NotDifferentiable("OneHot")


# ---------------------------------------------------------------- ConcatV2 (tf.concat)
def concat(values, axis, name: str = "concat"):
    """Joins a list of tensors along the existing dimension `axis` (TF1: `concat(values, axis)`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.concat([tf.ones([2, 3]), tf.zeros([2, 5])], axis=1))
        Tensor("concat:0", shape=(2, 8), dtype=float32)
    """
    if isinstance(values, Tensor):
        values = [values]
    with op_scope(name, "concat", [values, axis]) as scope:
        values = [convert_to_tensor(v, name=f"values_{i}") for i, v in enumerate(values)]
        if not values:
            raise ValueError("concat needs at least one tensor")
        if len(values) == 1:
            # As TF1: a single tensor is passed through (after checking the axis), not copied.
            rank = values[0].shape.ndims
            axis = convert_to_tensor(axis, dtype=dtypes.int32, name="concat_dim")
            axis_value = constant_value(axis)
            if rank is not None and axis_value is not None and not -rank <= int(axis_value) < rank:
                raise ValueError(f"axis {int(axis_value)} out of range for rank-{rank} input")
            return identity(values[0], name=name or "concat")  # (in the scope, as TF does)
        first = values[0].dtype
        for t in values[1:]:
            if t.dtype != first:
                raise TypeError(
                    f"Tensors in list passed to 'values' of 'ConcatV2' Op have types "
                    f"[{', '.join(v.dtype.name for v in values)}] that don't all match."
                )
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis")
        return apply_op("ConcatV2", values + [axis], attrs={"N": len(values)}, name=scope)


def _concat_kernel(*args, N):  # noqa: N803 - TF's attr name
    rank, axis = np.ndim(args[0]), int(args[N])
    if not -rank <= axis < rank:
        raise ValueError(f"ConcatOp : Expected concatenating dimensions in the range "
                         f"[{-rank}, {rank}), but got {axis}")
    try:
        return np.concatenate(args[:N], axis=int(args[N]))
    except ValueError:
        shapes_seen = " vs. ".join(
            f"shape[{i}] = {list(np.shape(v))}" for i, v in enumerate(args[:N])
        )
        raise ValueError(
            f"ConcatOp : Dimensions of inputs should match except along axis {int(args[N])}: "
            f"{shapes_seen}"
        ) from None


def _concat_shape(op):
    values, axis = op.inputs[:-1], op.inputs[-1]
    rank = _common_rank(values)
    axis_value = constant_value(axis)
    if rank is None:
        return TensorShape(None)
    if axis_value is None:
        return shapes.unknown_shape(rank)
    if rank == 0 or not -rank <= int(axis_value) < rank:
        raise ValueError(f"axis {int(axis_value)} is out of range for rank-{rank} inputs")
    a = int(axis_value) % rank
    out = [None] * rank
    total = 0
    for t in values:
        dims = t.shape.as_tuple()
        if dims is None:
            total = None
            continue
        _merge_dims_but(out, dims, a)
        total = None if total is None or dims[a] is None else total + dims[a]
    out[a] = total
    return TensorShape(out)


def _common_rank(values) -> Optional[int]:
    """The rank the inputs of concat share (None if none is known); ValueError if two differ."""
    rank = None
    for t in values:
        if t.shape.ndims is not None:
            if rank is not None and t.shape.ndims != rank:
                raise ValueError(
                    f"Shape must be rank {rank} but is rank {t.shape.ndims}: all inputs of "
                    "concat need the same rank"
                )
            rank = t.shape.ndims
    return rank


def _merge_dims_but(out: list, dims: tuple, axis: int) -> None:
    """Merges `dims` into `out` (known sizes win), except along `axis`; ValueError if a size
    known in both differs."""
    for i, d in enumerate(dims):
        if i == axis:
            continue
        if out[i] is not None and d is not None and out[i] != d:
            raise ValueError(
                f"Dimension {i} in both shapes must be equal, but are {out[i]} and {d}"
            )
        if out[i] is None:
            out[i] = d


define_op("ConcatV2", kernel=_concat_kernel, shape=_concat_shape)


@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    """d concat(xs) = grad split back into pieces of the inputs' sizes along axis."""
    values, axis = op.inputs[:-1], op.inputs[-1]
    axis_value = constant_value(axis)
    rank = values[0].shape.ndims
    static_sizes = None
    if axis_value is not None and rank is not None:
        a = int(axis_value) % rank
        static_sizes = [t.shape.as_tuple()[a] if t.shape.ndims else None for t in values]
    if static_sizes is not None and None not in static_sizes:
        sizes = convert_to_tensor(np.array(static_sizes, dtype=np.int32))
    else:
        sizes = stack([shape(t)[axis] for t in values])
    pieces = apply_op(
        "SplitV", [grad, sizes, axis], attrs={"num_split": len(values)}, name="split"
    )
    return list(pieces) + [None]


# ---------------------------------------------------------------- Split / SplitV (tf.split)
def split(value, num_or_size_splits, axis=0, num=None, name: str = "split"):
    """Splits `value` along `axis` into `num_or_size_splits` equal pieces (an int), or pieces
    of the given sizes (a list; one size may be -1: the rest).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     a, b = tf.split(tf.zeros([4, 6]), [2, 4], axis=1)
        ...     print(a.shape, b.shape)
        (4, 2) (4, 4)
    """
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
        num_or_size_splits, bool
    ):
        n = int(num_or_size_splits)
        if n < 1:
            raise ValueError(f"num_or_size_splits must be >= 1, got {n}")
        with op_scope(name, "Split", [value, axis]) as scope:
            axis = convert_to_tensor(axis, dtype=dtypes.int32, name="split_dim")
            value = convert_to_tensor(value, name="value")
            return apply_op("Split", [axis, value], attrs={"num_split": n}, name=scope)
    with graph_of([value, num_or_size_splits, axis]).as_default():
        # As TF1: the sizes are converted before the op's name scope opens (a plain `Const`).
        sizes = convert_to_tensor(num_or_size_splits, dtype=dtypes.int32)
    with op_scope(name, "SplitV", [value, sizes, axis]) as scope:
        value = convert_to_tensor(value, name="value")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="split_dim")
        if num is None:
            dims = sizes.shape.as_tuple()
            if dims is None or len(dims) != 1 or dims[0] is None:
                raise ValueError(
                    f"Cannot infer num from shape {sizes.shape}: pass num= with a size_splits "
                    "tensor"
                )
            num = dims[0]
        return apply_op("SplitV", [value, sizes, axis], attrs={"num_split": int(num)},
                        name=scope)


def _split_kernel(axis, value, *, num_split):
    axis = int(axis)
    if value.shape[axis] % num_split:
        raise ValueError(
            f"Number of ways to split should evenly divide the split dimension, but got "
            f"split_dim {axis} (size = {value.shape[axis]}) and num_split {num_split}"
        )
    return tuple(np.split(value, num_split, axis=axis))


def _resolved_sizes(sizes, total):
    """size_splits with its one -1 replaced by what is left of `total`."""
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) > 1:
        raise ValueError(f"Only one dimension of size_splits may be -1, got {sizes}")
    if -1 in sizes:
        if total is None:
            return [None if s == -1 else s for s in sizes]
        sizes[sizes.index(-1)] = total - (sum(sizes) + 1)
    if total is not None and (sum(sizes) != total or min(sizes) < 0):
        raise ValueError(
            f"Determined shape must either match input shape along split_dim exactly if fully "
            f"specified, or be less than the size of the input along split_dim if not fully "
            f"specified. Got size_splits {sizes} for a dimension of size {total}"
        )
    return sizes


def _split_v_kernel(value, sizes, axis, *, num_split):
    axis = int(axis)
    sizes = _resolved_sizes(sizes, value.shape[axis])
    return tuple(np.split(value, np.cumsum(sizes)[:-1], axis=axis))


def _split_axis(axis_tensor, value):
    axis_value = constant_value(axis_tensor)
    rank = value.shape.ndims
    if axis_value is None or rank is None:
        return None
    if not -rank <= int(axis_value) < rank:
        raise ValueError(f"axis {int(axis_value)} is out of range for a rank-{rank} input")
    return int(axis_value) % rank


def _split_shape(op):
    axis_tensor, value = op.inputs
    n = op.attrs["num_split"]
    a = _split_axis(axis_tensor, value)
    if a is None:
        return [shapes.unknown_shape(value.shape.ndims)] * n
    dims = list(value.shape.as_tuple())
    if dims[a] is not None:
        if dims[a] % n:
            raise ValueError(
                f"Dimension {a} in shape {value.shape} (size {dims[a]}) is not divisible by "
                f"num_split {n}"
            )
        dims[a] //= n
    return [TensorShape(dims)] * n


def _split_v_shape(op):
    value, sizes, axis_tensor = op.inputs
    n = op.attrs["num_split"]
    a = _split_axis(axis_tensor, value)
    if a is None:
        return [shapes.unknown_shape(value.shape.ndims)] * n
    dims = list(value.shape.as_tuple())
    size_values = constant_value(sizes)
    if size_values is None:
        return [TensorShape(dims[:a] + [None] + dims[a + 1 :])] * n
    size_values = _resolved_sizes(np.reshape(size_values, [-1]), dims[a])
    if len(size_values) != n:
        raise ValueError(f"size_splits has {len(size_values)} entries, num_split is {n}")
    return [TensorShape(dims[:a] + [s] + dims[a + 1 :]) for s in size_values]


define_op("Split", kernel=_split_kernel, shape=_split_shape,
          dtype=lambda op: op.inputs[1].dtype,
          input_dtypes=[("split_dim", (dtypes.int32,))])
define_op("SplitV", kernel=_split_v_kernel, shape=_split_v_shape,
          input_dtypes=[
              None,
              ("size_splits", (dtypes.int8,) + INDICES),
              ("split_dim", (dtypes.int32,)),
          ])


def _filled_grads(op, grads):
    """The outputs' gradients, with zeros for outputs that received none."""
    return [zeros_like(y) if g is None else g for g, y in zip(grads, op.outputs)]


@RegisterGradient("Split")
def _split_grad(op, *grads):
    """d split(x) = concat(grads) along the split axis (zeros for unused pieces)."""
    return None, concat(_filled_grads(op, grads), op.inputs[0])


@RegisterGradient("SplitV")
def _split_v_grad(op, *grads):
    """d split(x, sizes) = concat(grads) along the split axis (zeros for unused pieces)."""
    return concat(_filled_grads(op, grads), op.inputs[2]), None, None


# ---------------------------------------------------------------- ExpandDims
def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Inserts a dimension of size 1 at `axis` (`dim` is TF1's older name for it).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.expand_dims(tf.zeros([3]), 1).shape)
        (3, 1)
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("expand_dims needs `axis`")
    with op_scope(name, "ExpandDims", [input, axis]) as scope:
        x = convert_to_tensor(input, name="input")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="dim")
        return apply_op("ExpandDims", [x, axis], name=scope)


def _expand_dims_kernel(x, axis):
    return np.expand_dims(x, int(np.reshape(axis, [-1])[0]))


def _expand_dims_shape(op):
    x, axis = op.inputs
    value = constant_value(axis)
    dims = x.shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if value is None:
        return shapes.unknown_shape(len(dims) + 1)
    a = int(np.reshape(value, [-1])[0])
    if not -len(dims) - 1 <= a <= len(dims):
        raise ValueError(f"axis {a} is out of range for expanding a rank-{len(dims)} tensor")
    a = a % (len(dims) + 1)
    return TensorShape(dims[:a] + (1,) + dims[a:])


define_op("ExpandDims", kernel=_expand_dims_kernel, shape=_expand_dims_shape,
          input_dtypes=[None, ("dim", INDICES)])


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    """d expand_dims(x) = reshape(grad, shape(x))."""
    return reshape(grad, _shape_of(op.inputs[0])), None


# ---------------------------------------------------------------- Squeeze
def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Removes dimensions of size 1: those in `axis`, or all of them.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.squeeze(tf.zeros([1, 3, 1])).shape)
        (3,)
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    if axis is None:
        axis = squeeze_dims
    if axis is None:
        axis = []
    elif isinstance(axis, (int, np.integer)):
        axis = [axis]
    x = convert_to_tensor(input)
    return apply_op("Squeeze", [x], attrs={"squeeze_dims": tuple(int(a) for a in axis)},
                    name=name)


def _squeeze_kernel(x, *, squeeze_dims):
    if not squeeze_dims:
        return np.squeeze(x)
    for a in squeeze_dims:
        if x.shape[a] != 1:
            raise ValueError(
                f"Can not squeeze dim[{a % x.ndim}], expected a dimension of 1, got {x.shape[a]}"
            )
    return np.squeeze(x, axis=tuple(squeeze_dims))


def _squeeze_shape(op):
    dims = op.inputs[0].shape.as_tuple()
    squeeze_dims = op.attrs["squeeze_dims"]
    if dims is None:
        return TensorShape(None)
    if not squeeze_dims:
        if None in dims:
            return TensorShape(None)  # an unknown dimension may or may not be 1
        return TensorShape([d for d in dims if d != 1])
    chosen = set()
    for a in squeeze_dims:
        if not -len(dims) <= a < len(dims):
            raise ValueError(f"squeeze axis {a} is out of range for a rank-{len(dims)} input")
        a %= len(dims)
        if dims[a] not in (None, 1):
            raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {dims[a]}")
        chosen.add(a)
    return TensorShape([d for i, d in enumerate(dims) if i not in chosen])


define_op("Squeeze", kernel=_squeeze_kernel, shape=_squeeze_shape)


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    """d squeeze(x) = reshape(grad, shape(x))."""
    return reshape(grad, _shape_of(op.inputs[0]))


# ---------------------------------------------------------------- Tile
def tile(input, multiples, name=None):  # noqa: A002
    """Repeats `input` `multiples[i]` times along dimension i.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.tile(tf.zeros([2, 3]), [2, 1]).shape)
        (4, 3)
    """
    with op_scope(name, "Tile", [input, multiples]) as scope:
        x = convert_to_tensor(input, name="input")
        multiples = convert_to_tensor(multiples, preferred_dtype=dtypes.int32, name="multiples")
        return apply_op("Tile", [x, multiples], name=scope)


def _check_multiples(multiples) -> None:
    for i, m in enumerate(multiples):
        if m < 0:
            raise ValueError(f"Expected multiples[{i}] >= 0, but got {m}")


def _tile_kernel(x, multiples):
    multiples = [int(m) for m in multiples]
    if len(multiples) != np.ndim(x):
        raise ValueError(f"Expected multiples of length {np.ndim(x)}, got {multiples}")
    _check_multiples(multiples)
    return np.tile(x, multiples)


def _tile_shape(op):
    x, multiples = op.inputs
    dims = x.shape.as_tuple()
    m = constant_value(multiples)
    if m is None:
        if dims is None:
            n = multiples.shape.as_tuple()
            return shapes.unknown_shape(None if n is None else n[0])
        return shapes.unknown_shape(len(dims))
    m = [int(v) for v in np.reshape(m, [-1])]
    _check_multiples(m)
    if dims is None:
        return shapes.unknown_shape(len(m))
    if len(m) != len(dims):
        raise ValueError(f"Shape must be rank {len(dims)} but is rank {len(m)}: multiples {m}")
    return TensorShape([None if d is None else d * k for d, k in zip(dims, m)])


define_op("Tile", kernel=_tile_kernel, shape=_tile_shape,
          input_dtypes=[None, ("multiples", INDICES)])


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    """d tile(x, m) = grad reshaped to [m0, d0, m1, d1, ...] and summed over the m axes."""
    x, multiples = op.inputs
    split_shape = reshape(transpose(stack([multiples, shape(x)])), [-1])
    axes = _math_range(0, size(split_shape), 2)
    dx = _math_sum(reshape(grad, split_shape), axes)
    if x.shape.is_fully_defined():
        dx = reshape(dx, x.shape.as_list())
    return dx, None


# ---------------------------------------------------------------- GatherV2 (tf.gather)
def gather(params, indices, validate_indices=None, name=None, axis=0):
    """Picks slices of `params` along `axis` at `indices`: the output has shape
    `params.shape[:axis] + indices.shape + params.shape[axis + 1:]`.

    The gradient is a dense scatter-add (`unsorted_segment_sum`) into a tensor of `params`'s
    shape (TF1 uses sparse `IndexedSlices`; the values are the same). Indices out of range raise
    InvalidArgumentError at run time, as on TF1's CPU.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.gather([[1, 2], [3, 4], [5, 6]], [2, 0])))
        [[5 6]
         [1 2]]
    """
    with op_scope(name, "GatherV2", [params, indices, axis]) as scope:
        params = convert_to_tensor(params, name="params")
        indices = convert_to_tensor(indices, preferred_dtype=dtypes.int32, name="indices")
        if not indices.dtype.is_integer:
            raise TypeError(
                f"indices of gather must be int32 or int64, got {indices.dtype.name}: {indices!r}. "
                "Cast them first: tf.cast(indices, tf.int32)."
            )
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis")
        return apply_op("GatherV2", [params, indices, axis], name=scope)


def _gather_kernel(params, indices, axis):
    axis = int(axis) % params.ndim
    size = params.shape[axis]
    bad = (indices < 0) | (indices >= size)
    if np.any(bad):
        position = np.argwhere(bad)[0].tolist()
        raise ValueError(
            f"indices{position} = {int(indices[bad][0])} is not in [0, {size}) (the size of "
            f"params along axis {axis})"
        )
    return np.take(params, indices, axis=axis)


def _gather_axis(op):
    """The static axis of a GatherV2 (made non-negative), or None when unknown."""
    params, _, axis = op.inputs
    value = constant_value(axis)
    rank = params.shape.ndims
    if value is None or rank is None:
        return None
    a = int(np.reshape(value, [-1])[0])
    if not -rank <= a < rank:
        raise ValueError(f"Expected axis in the range [{-rank}, {rank}), but got {a}")
    return a % rank


def _gather_shape(op):
    params, indices, _ = op.inputs
    a = _gather_axis(op)
    p_dims, i_dims = params.shape.as_tuple(), indices.shape.as_tuple()
    if p_dims is not None and len(p_dims) == 0:
        raise ValueError("params must be at least 1 dimensional")
    if a is None or p_dims is None or i_dims is None:
        return TensorShape(None)
    return TensorShape(p_dims[:a] + i_dims + p_dims[a + 1 :])


define_op("GatherV2", kernel=_gather_kernel, shape=_gather_shape,
          input_dtypes=[None, ("indices", (dtypes.int16,) + INDICES), ("axis", INDICES)])


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    """d params = scatter-add of grad into params's shape at indices (along axis)."""
    params, indices, _ = op.inputs
    a = _gather_axis(op)
    if a is None or indices.shape.ndims is None or grad.shape.ndims is None:
        raise LookupError(
            f"The gradient of '{op.name}' (op: GatherV2) needs a constant axis and known ranks "
            f"of params and indices; got params {params.shape}, indices {indices.shape}."
        )
    n = shape(params)[a]
    if a == 0:
        return _math_unsorted_segment_sum(grad, indices, n), None, None
    # Move the gathered dims to the front, scatter-add, then move the segment dim back to `a`.
    k = indices.shape.ndims
    rank = grad.shape.ndims
    front = list(range(a, a + k)) + list(range(a)) + list(range(a + k, rank))
    summed = _math_unsorted_segment_sum(transpose(grad, front), indices, n)
    back = list(range(1, a + 1)) + [0] + list(range(a + 1, summed.shape.ndims))
    return transpose(summed, back), None, None


# ---------------------------------------------------------------- Unique
UniqueOutput = collections.namedtuple("Unique", ["y", "idx"])


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct values of a 1-D tensor, in order of first occurrence, and for each entry of
    `x` the index of its value in them (`x == tf.gather(y, idx)`).

    Returns:
        A namedtuple `Unique(y, idx)`; `y` has an unknown length while building.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
        ...     print(sess.run(y), sess.run(idx))
        [1 2 4 7 8] [0 0 1 2 2 2 3 4 4]
    """
    x = convert_to_tensor(x)
    out_idx = dtypes.as_dtype(out_idx)
    if out_idx not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"out_idx of Unique must be int32 or int64, not {out_idx.name}")
    y, idx = apply_op("Unique", [x], attrs={"out_idx": out_idx}, name=name)
    return UniqueOutput(y, idx)


def _unique_kernel(x, *, out_idx):
    values, first, inverse = np.unique(x, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # sorted values -> order of first occurrence
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    return values[order], position[inverse.reshape(-1)].astype(out_idx.np)


def _unique_shape(op):
    x = op.inputs[0]
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"Shape must be rank 1 but is rank {x.shape.ndims}")
    return [TensorShape([None]), x.shape if x.shape.ndims == 1 else TensorShape([None])]


define_op("Unique", kernel=_unique_kernel, shape=_unique_shape,
          dtype=lambda op: [op.inputs[0].dtype, op.attrs["out_idx"]])
NotDifferentiable("Unique")


# ---------------------------------------------------------------- Diag
def diag(diagonal, name=None):
    """The tensor with `diagonal` on its diagonal: rank k in, rank 2k out,
    `out[i1..ik, i1..ik] = diagonal[i1..ik]` and zeros elsewhere.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.diag([1, 2])))
        [[1 0]
         [0 2]]
    """
    return apply_op("Diag", [diagonal], name=name)


def _diag_kernel(x):
    out = np.zeros(x.shape + x.shape, dtype=x.dtype)
    n = x.size
    out.reshape(n, n)[np.diag_indices(n)] = x.reshape(-1)
    return out


def _diag_shape(op):
    dims = op.inputs[0].shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if not dims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return TensorShape(dims + dims)


define_op("Diag", kernel=_diag_kernel, shape=_diag_shape,
          input_dtypes=[("diagonal", FLOATS + INDICES)])


@RegisterGradient("Diag")
def _diag_grad(op, grad):
    """d diag(x) = diag_part(grad)."""
    return diag_part(grad)


# ---------------------------------------------------------------- DiagPart
def diag_part(input, name=None):  # noqa: A002 - TF1's name
    """The diagonal of a rank-2k tensor whose first k dims equal its last k (`tf.diag`'s
    inverse): `out[i1..ik] = input[i1..ik, i1..ik]`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.diag_part([[1, 2], [3, 4]])))
        [1 4]
    """
    return apply_op("DiagPart", [input], name=name)


def _diag_part_kernel(x):
    half = x.shape[: x.ndim // 2]
    n = int(np.prod(half))
    return x.reshape(n, n).diagonal().reshape(half).copy()


def _diag_part_shape(op):
    dims = op.inputs[0].shape.as_tuple()
    if dims is None:
        return TensorShape(None)
    if not dims or len(dims) % 2:
        raise ValueError(f"Input must have even and non-zero rank, input rank is {len(dims)}")
    k = len(dims) // 2
    out = []
    for a, b in zip(dims[:k], dims[k:]):
        if a is not None and b is not None and a != b:
            raise ValueError(f"Dimensions must be equal, but are {a} and {b}")
        out.append(a if a is not None else b)
    return TensorShape(out)


define_op("DiagPart", kernel=_diag_part_kernel, shape=_diag_part_shape,
          input_dtypes=[("input", FLOATS + INDICES)])


@RegisterGradient("DiagPart")
def _diag_part_grad(op, grad):
    """d diag_part(x) = diag(grad)."""
    return diag(grad)


# ---------------------------------------------------------------- Slice
def slice(input_, begin, size, name=None):  # noqa: A001 - TF1's name
    """The block of `input_` that starts at `begin` and has `size` (-1: everything after).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.slice([[1, 2, 3], [4, 5, 6]], [0, 1], [2, -1])))
        [[2 3]
         [5 6]]
    """
    with op_scope(name, "Slice", [input_, begin, size]) as scope:
        input_ = convert_to_tensor(input_, name="input")
        begin = convert_to_tensor(begin, preferred_dtype=dtypes.int32, name="begin")
        size = convert_to_tensor(size, dtype=begin.dtype, name="size")
        return apply_op("Slice", [input_, begin, size], name=scope)


def _slice_bounds(dims, begin, size) -> list:
    """(start, stop) per dim; ValueError naming the dim when out of range."""
    bounds = []
    for i, (d, b, s) in enumerate(zip(dims, begin, size)):
        b, s = int(b), int(s)
        if d is None:
            bounds.append((b, None if s == -1 else b + s))
            continue
        if not 0 <= b <= d:
            raise ValueError(f"Expected begin[{i}] in [0, {d}], but got {b}")
        if s == -1:
            s = d - b
        if not 0 <= s <= d - b:
            raise ValueError(f"Expected size[{i}] in [0, {d - b}], but got {s}")
        bounds.append((b, b + s))
    return bounds


def _slice_kernel(x, begin, size):
    if begin.shape != (x.ndim,) or size.shape != (x.ndim,):
        raise ValueError(f"Expected begin and size arguments to be 1-D tensors of size "
                         f"{x.ndim}, but got shapes {list(begin.shape)} and {list(size.shape)}")
    bounds = _slice_bounds(x.shape, begin, size)
    return x[tuple(builtins.slice(b, e) for b, e in bounds)]


def _slice_shape(op):
    x, begin, size = op.inputs
    begin_value, size_value = constant_value(begin), constant_value(size)
    rank = x.shape.ndims
    if rank is None and begin.shape.ndims == 1:
        rank = begin.shape.as_tuple()[0]
    if begin_value is None or size_value is None or rank is None:
        return shapes.unknown_shape(rank)
    if len(begin_value) != rank or len(size_value) != rank:
        raise ValueError(f"Expected begin and size arguments to be 1-D tensors of size {rank}, "
                         f"but got {list(begin_value)} and {list(size_value)}")
    dims = x.shape.as_tuple() or (None,) * rank
    bounds = _slice_bounds(dims, begin_value, size_value)
    return TensorShape([None if e is None else e - b for b, e in bounds])


define_op("Slice", kernel=_slice_kernel, shape=_slice_shape,
          input_dtypes=[None, ("begin", INDICES), ("size", INDICES)])


@RegisterGradient("Slice")
def _slice_grad(op, grad):
    """d slice(x) = grad padded with zeros back to x's shape."""
    x, begin, _ = op.inputs
    begin = _math_cast(begin, dtypes.int32) if begin.dtype != dtypes.int32 else begin
    after = shape(x) - begin - shape(op.outputs[0])
    return pad(grad, stack([begin, after], axis=1)), None, None


# ---------------------------------------------------------------- Pad / PadV2 / MirrorPad
def pad(tensor, paddings, mode: str = "CONSTANT", name=None, constant_values=0):
    """Pads `tensor` with `paddings[d] = [before, after]` entries along each dim d.

    Modes: "CONSTANT" (with `constant_values`), "REFLECT" (mirror without the edge: paddings
    must be smaller than the dim) and "SYMMETRIC" (mirror with the edge: no larger than the dim),
    case-insensitive, as TF1.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     t = tf.constant([[1, 2, 3], [4, 5, 6]])
        ...     print(sess.run(tf.pad(t, [[1, 0], [2, 0]], "REFLECT")))
        [[6 5 4 5 6]
         [3 2 1 2 3]
         [6 5 4 5 6]]
    """
    mode = str(mode).upper()
    if mode == "CONSTANT":
        zero = not isinstance(constant_values, Tensor) and np.all(np.asarray(constant_values) == 0)
        op_type = "Pad" if zero else "PadV2"
    elif mode in ("REFLECT", "SYMMETRIC"):
        op_type = "MirrorPad"
    else:
        op_type = None
    with op_scope(name, op_type or "Pad", [tensor, paddings, constant_values]) as scope:
        tensor = convert_to_tensor(tensor, name="input")
        paddings = convert_to_tensor(paddings, preferred_dtype=dtypes.int32, name="paddings")
        if not paddings.dtype.is_integer:
            raise TypeError(f"paddings of Pad must be int32 or int64, got {paddings!r}")
        if op_type == "Pad":
            return apply_op("Pad", [tensor, paddings], name=scope)
        if op_type == "PadV2":
            constant_values = convert_to_tensor(constant_values, dtype=tensor.dtype,
                                                name="constant_values")
            return apply_op("PadV2", [tensor, paddings, constant_values], name=scope)
        if op_type == "MirrorPad":
            return apply_op("MirrorPad", [tensor, paddings], attrs={"mode": mode}, name=scope)
    raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or '
                     f'"SYMMETRIC". Received `mode` = {mode}')


def _pad_kernel(x, paddings, constant_values=0):
    return np.pad(x, _pad_widths(x, paddings), constant_values=constant_values)


def _pad_widths(x, paddings) -> list:
    if paddings.shape != (x.ndim, 2):
        raise ValueError(f"The first dimension of paddings must be the rank of inputs "
                         f"{x.ndim}: paddings has shape {list(paddings.shape)}")
    if np.any(paddings < 0):
        raise ValueError(f"Paddings must be non-negative: {paddings.tolist()}")
    return [(int(b), int(a)) for b, a in paddings]


def _pad_shape(op):
    x, paddings = op.inputs[0], op.inputs[1]
    p_dims = paddings.shape.as_tuple()
    rank = x.shape.ndims
    if p_dims is not None and (len(p_dims) != 2 or p_dims[1] not in (None, 2)
                               or None not in (rank, p_dims[0]) and p_dims[0] != rank):
        raise ValueError(f"paddings must be a matrix of shape [rank of the input, 2] = "
                         f"[{'?' if rank is None else rank}, 2], got shape {paddings.shape}")
    if rank is None and p_dims is not None:
        rank = p_dims[0]
    value = constant_value(paddings)
    if value is None or rank is None:
        return shapes.unknown_shape(rank)
    if np.any(value < 0):
        raise ValueError(f"Paddings must be non-negative: {np.asarray(value).tolist()}")
    dims = x.shape.as_tuple() or (None,) * rank
    return TensorShape([None if d is None else d + int(b) + int(a)
                        for d, (b, a) in zip(dims, value)])


def _mirror_pad_kernel(x, paddings, *, mode):
    widths = _pad_widths(x, paddings)
    for d, (before, after) in zip(x.shape, widths):
        if mode == "REFLECT" and max(before, after) >= d:
            raise ValueError(f"paddings must be less than the dimension size: {before}, {after} "
                             f"not less than {d}")
        if mode == "SYMMETRIC" and max(before, after) > d:
            raise ValueError(f"paddings must be no greater than the dimension size: {before}, "
                             f"{after} greater than {d}")
    return np.pad(x, widths, mode=mode.lower())


define_op("Pad", kernel=_pad_kernel, shape=_pad_shape, input_dtypes=[None, ("paddings", INDICES)])
define_op("PadV2", kernel=_pad_kernel, shape=_pad_shape, input_dtypes=[None, ("paddings", INDICES)])
define_op("MirrorPad", kernel=_mirror_pad_kernel, shape=_pad_shape,
          input_dtypes=[None, ("paddings", INDICES)])


def _unpad(op, grad) -> Tensor:
    """grad sliced back to the unpadded input's place: the gradient of constant padding."""
    x, paddings = op.inputs[0], op.inputs[1]
    begin = reshape(slice(paddings, [0, 0], stack([rank(x), 1])), [-1])
    return slice(grad, begin, shape(x))


@RegisterGradient("Pad")
def _pad_grad(op, grad):
    """d pad(x) = the part of grad where x sits."""
    return _unpad(op, grad), None


@RegisterGradient("PadV2")
def _pad_v2_grad(op, grad):
    """d pad(x, c) = the part of grad where x sits (TF1 gives c no gradient)."""
    return _unpad(op, grad), None, None


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    """d mirror_pad(x) = grad with each mirrored entry added back onto its source."""
    x, paddings = op.inputs
    return apply_op("MirrorPadGrad", [grad, paddings], attrs={"mode": op.attrs["mode"]}), None


# ---------------------------------------------------------------- MirrorPadGrad
def _mirror_pad_grad_kernel(grad, paddings, *, mode):
    widths = _pad_widths(grad, paddings)
    for axis, (before, after) in enumerate(widths):
        n = grad.shape[axis] - before - after
        source = np.pad(np.arange(n), (before, after), mode=mode.lower())
        summed = np.zeros(grad.shape[:axis] + (n,) + grad.shape[axis + 1:], dtype=grad.dtype)
        np.add.at(np.moveaxis(summed, axis, 0), source, np.moveaxis(grad, axis, 0))
        grad = summed
    return grad


def _mirror_pad_grad_shape(op):
    grad, paddings = op.inputs
    value = constant_value(paddings)
    dims = grad.shape.as_tuple()
    if value is None or dims is None:
        return shapes.unknown_shape(grad.shape.ndims)
    return TensorShape([None if d is None else d - int(b) - int(a)
                        for d, (b, a) in zip(dims, value)])


define_op("MirrorPadGrad", kernel=_mirror_pad_grad_kernel, shape=_mirror_pad_grad_shape,
          input_dtypes=[None, ("paddings", INDICES)])


@RegisterGradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op, grad):
    """MirrorPadGrad is linear; its adjoint is MirrorPad itself."""
    _, paddings = op.inputs
    return apply_op("MirrorPad", [grad, paddings], attrs={"mode": op.attrs["mode"]}), None


# ---------------------------------------------------------------- ReverseV2
def reverse(tensor, axis, name=None):
    """`tensor` with the order of its entries reversed along each dimension in `axis`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.reverse([[1, 2, 3], [4, 5, 6]], axis=[1])))
        [[3 2 1]
         [6 5 4]]
    """
    with op_scope(name, "ReverseV2", [tensor, axis]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis")
        return apply_op("ReverseV2", [tensor, axis], name=scope)


def _reverse_axes(op, axis, rank: int) -> tuple:
    """The dimensions `ReverseV2` reverses, checked: each in [-rank, rank), none twice."""
    axes = [int(a) for a in np.asarray(axis).reshape(-1)]
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(
                f"'axis'[{axes.index(a)}] = {a} is out of valid range [{-rank}, {rank - 1}] "
                f"(op '{op.name}', input of rank {rank})."
            )
    normalized = [a % rank if rank else a for a in axes]
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"axis {axes} specifies a dimension more than once (op '{op.name}').")
    return tuple(normalized)


def _reverse_v2_kernel(tensor, axis):
    axes = [int(a) % max(tensor.ndim, 1) for a in np.asarray(axis).reshape(-1)]
    return np.flip(tensor, axis=tuple(axes)) if axes else tensor


def _reverse_v2_shape(op):
    tensor, axis = op.inputs
    value = constant_value(axis)
    if value is not None and tensor.shape.ndims is not None:
        _reverse_axes(op, value, tensor.shape.ndims)
    return tensor.shape


define_op("ReverseV2", kernel=_reverse_v2_kernel, shape=_reverse_v2_shape,
          input_dtypes=[None, ("axis", INDICES)])


@RegisterGradient("ReverseV2")
def _reverse_v2_grad(op, grad):
    """d reverse(x, axis) = reverse(grad, axis)."""
    return reverse(grad, op.inputs[1]), None


# ---------------------------------------------------------------- ReverseSequence
def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverses the first `seq_lengths[b]` entries along `seq_axis` of each slice `b` along
    `batch_axis` (the rest stay in place): how a bidirectional RNN reads sequences backwards.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = [[1, 2, 3, 4], [5, 6, 7, 8]]
        ...     print(sess.run(tf.reverse_sequence(x, [3, 1], seq_axis=1, batch_axis=0)))
        [[3 2 1 4]
         [5 6 7 8]]
    """
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (0 if batch_dim is None else batch_dim) if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("reverse_sequence needs seq_axis (the dimension of time).")
    with graph_of([input, seq_lengths]).as_default():
        input = convert_to_tensor(input, name="input")  # noqa: A001
        seq_lengths = convert_to_tensor(seq_lengths, dtype=dtypes.int64, name="seq_lengths")
        return apply_op("ReverseSequence", [input, seq_lengths],
                        attrs={"seq_dim": int(seq_axis), "batch_dim": int(batch_axis)},
                        name=name)


def _reverse_sequence_kernel(x, seq_lengths, *, seq_dim, batch_dim):
    lengths = np.asarray(seq_lengths).reshape(-1)
    if lengths.shape[0] != x.shape[batch_dim]:
        raise ValueError(
            f"Length of seq_lengths != input.dims({batch_dim}), ({lengths.shape[0]} vs. "
            f"{x.shape[batch_dim]})"
        )
    if np.any(lengths < 0) or np.any(lengths > x.shape[seq_dim]):
        bad = int(np.flatnonzero((lengths < 0) | (lengths > x.shape[seq_dim]))[0])
        raise ValueError(
            f"seq_lens({bad}) = {int(lengths[bad])} is not in [0, input.dims({seq_dim}) = "
            f"{x.shape[seq_dim]}]"
        )
    out = np.array(x, copy=True)
    moved_in = np.moveaxis(x, (batch_dim, seq_dim), (0, 1))
    moved_out = np.moveaxis(out, (batch_dim, seq_dim), (0, 1))
    for b, n in enumerate(lengths):
        moved_out[b, :n] = moved_in[b, :n][::-1]
    return out


def _reverse_sequence_shape(op):
    x, seq_lengths = op.inputs
    seq_dim, batch_dim = op.attrs["seq_dim"], op.attrs["batch_dim"]
    rank = x.shape.ndims
    if seq_lengths.shape.ndims not in (None, 1):
        raise ValueError(
            f"seq_lengths must be a vector, got shape {seq_lengths.shape} (op '{op.name}')."
        )
    if rank is not None:
        if seq_dim == batch_dim or not (0 <= seq_dim < rank and 0 <= batch_dim < rank):
            raise ValueError(
                f"Invalid seq_dim {seq_dim} and batch_dim {batch_dim} for an input of rank "
                f"{rank}: both in [0, {rank}) and different (op '{op.name}')."
            )
        batch = x.shape.as_list()[batch_dim]
        count = seq_lengths.shape.as_list()[0] if seq_lengths.shape.ndims == 1 else None
        if batch is not None and count is not None and batch != count:
            raise ValueError(
                f"Length of seq_lengths != input.dims({batch_dim}), ({count} vs. {batch}) "
                f"(op '{op.name}', input shape {x.shape})."
            )
    return x.shape


define_op("ReverseSequence", kernel=_reverse_sequence_kernel, shape=_reverse_sequence_shape,
          returns_view=False, input_dtypes=[None, ("seq_lengths", INDICES)])


@RegisterGradient("ReverseSequence")
def _reverse_sequence_grad(op, grad):
    """d reverse_sequence(x) = reverse_sequence(grad): the reversal is its own inverse."""
    return reverse_sequence(grad, op.inputs[1], seq_axis=op.attrs["seq_dim"],
                            batch_axis=op.attrs["batch_dim"]), None


def _dims_str(dims) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def _index_tuple(indices: np.ndarray, m: int) -> tuple:
    """The rows of `indices` (shape `[..., m]`) as a tuple of m index arrays, one per axis."""
    flat = indices.reshape(-1, m)
    return tuple(flat[:, j] for j in builtins.range(m))


def _first_out_of_range(indices: np.ndarray, dims: tuple):
    """The first row of `indices` (shape `[..., m]`) outside `dims[:m]`, as (position, row)."""
    m = indices.shape[-1]
    if m == 0 or indices.size == 0:
        return None
    flat = indices.reshape(-1, m)
    bad = np.any((flat < 0) | (flat >= np.asarray(dims[:m], dtype=np.int64)), axis=1)
    if not np.any(bad):
        return None
    position = int(np.argmax(bad))
    return position, flat[position].tolist()


# ---------------------------------------------------------------- GatherNd
def gather_nd(params, indices, name=None, batch_dims=0):
    """Slices of `params` picked by index vectors: `out[i] = params[indices[i]]`.

    The last dimension m of `indices` holds an index into the first m dimensions of `params`,
    so the output has shape `indices.shape[:-1] + params.shape[m:]`: with m equal to the rank
    of `params` each index picks one entry, with a smaller m a slice. The gradient scatters
    the incoming gradient back into a tensor of `params`'s shape (`ScatterNd`; indices picked
    twice add up). Indices out of range raise InvalidArgumentError at run time.

    Args:
        params: the tensor to pick from.
        indices: an int32 or int64 tensor (int16 too) of rank at least 1, with
            `indices.shape[-1] <= rank(params)`.
        name: the op's name (default "GatherNd"; the name scope "BatchGatherND" with
            `batch_dims`).
        batch_dims: the number of leading dimensions `params` and `indices` share: each index
            vector picks from its own batch entry of `params` (a composite of `GatherNd`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     params = [[1, 2], [3, 4]]
        ...     print(sess.run(tf.gather_nd(params, [[1, 0], [0, 1]])))
        ...     print(sess.run(tf.gather_nd(params, [[1]])))
        [3 2]
        [[3 4]]
    """
    if batch_dims != 0:
        return _batch_gather_nd(params, indices, batch_dims, name)
    with graph_of([params, indices]).as_default():
        params = convert_to_tensor(params, name="params")
        indices = convert_to_tensor(indices, name="indices")
        return apply_op("GatherNd", [params, indices], name=name)


def _batch_gather_nd(params, indices, batch_dims, name):
    """`gather_nd` with `batch_dims` leading dimensions shared by `params` and `indices`: the
    batch dimensions are flattened into one, each index vector gets its batch position
    prepended, and one GatherNd picks them all (a composite, so the gradient comes free)."""
    if not isinstance(batch_dims, (int, np.integer)):
        raise TypeError(f"Argument `batch_dims` must be an int; got {batch_dims}")
    if batch_dims < 0:
        raise ValueError("tf.gather_nd does not allow negative batch_dims.")
    with graph_of([params, indices]).as_default(), \
            name_scope(name, "BatchGatherND", [params, indices]):
        params = convert_to_tensor(params, name="params")
        indices = convert_to_tensor(indices, name="indices")
        for what, t in (("indices", indices), ("params", params)):
            if t.shape.ndims is not None and batch_dims >= t.shape.ndims:
                raise ValueError(f"Argument `batch_dims` = {batch_dims} must be less than "
                                 f"rank(`{what}`) = {t.shape.ndims}")
        if indices.shape.ndims is None:
            raise ValueError(f"gather_nd with batch_dims={batch_dims} needs the rank of "
                             f"indices, got {indices!r}.")
        b = int(batch_dims)
        static = _batch_gather_nd_shape(params.shape, indices.shape, b)
        if params.shape.is_fully_defined() and indices.shape.is_fully_defined():
            # Known shapes: the reshapes take constants, so their static shapes are exact.
            p, i = params.shape.as_list(), indices.shape.as_list()
            size = int(np.prod(p[:b], dtype=np.int64))
            batch_size, params_tail, indices_tail = [size], p[b:], i[b:]
            grid_shape, out_head = [size] + i[b:-1] + [1], p[:b]
        else:
            params_shape, indices_shape = shape(params), shape(indices)
            batch_size = reshape(apply_op("Prod", [params_shape[:b], constant([0])],
                                          attrs={"keep_dims": False}), [1])
            params_tail, indices_tail = params_shape[b:], indices_shape[b:]
            grid_shape = concat([batch_size, indices_shape[b:-1], [1]], 0)
            out_head = params_shape[:b]
        flat_params = reshape(params, _joined(batch_size, params_tail))
        flat_indices = reshape(indices, _joined(batch_size, indices_tail))
        grid = _math_range(0, batch_size[0])
        if indices.dtype != dtypes.int32:
            grid = _math_cast(grid, indices.dtype)
        grid = broadcast_to(reshape(grid, [-1] + [1] * (indices.shape.ndims - b)), grid_shape)
        picked = apply_op("GatherNd", [flat_params, concat([grid, flat_indices], -1)])
        if static.is_fully_defined():
            return reshape(picked, static.as_list())
        out = reshape(picked, concat([out_head, shape(picked)[1:]], 0))
        out.set_shape(static)
        return out


def _joined(head, tail):
    """Two shapes end to end: a list for two lists, else a ConcatV2 of the shape tensors."""
    if isinstance(head, list) and isinstance(tail, list):
        return head + tail
    return concat([head, tail], 0)


def _batch_gather_nd_shape(params_shape: TensorShape, indices_shape: TensorShape,
                           b: int) -> TensorShape:
    """`params.shape[:b] + indices.shape[b:-1] + params.shape[b + m:]`, as far as the shapes
    are known (the batch dimensions are params's, as TF1's)."""
    if params_shape.ndims is None or indices_shape.as_list()[-1] is None:
        return TensorShape(None)
    p, i = params_shape.as_list(), indices_shape.as_list()
    return TensorShape(p[:b] + i[b:-1] + p[b + i[-1]:])


def _gather_nd_kernel(params, indices):
    m = indices.shape[-1]
    if m > params.ndim:
        raise ValueError(
            f"indices.shape[-1] must be <= params.rank, but saw indices shape: "
            f"{list(indices.shape)} and params shape: {list(params.shape)}"
        )
    bad = _first_out_of_range(indices, params.shape)
    if bad is not None:
        raise ValueError(
            f"indices{[bad[0]]} = {bad[1]} does not index into param shape "
            f"{_dims_str(params.shape)}"
        )
    picked = params[_index_tuple(indices, m)] if m else \
        np.broadcast_to(params, (int(np.prod(indices.shape[:-1])),) + params.shape)
    return np.array(picked.reshape(indices.shape[:-1] + params.shape[m:]), copy=True)


def _gather_nd_shape(op):
    params, indices = op.inputs
    if indices.shape.ndims == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if indices.shape.ndims is None:
        return TensorShape(None)
    m = indices.shape.as_list()[-1]
    if m is None or params.shape.ndims is None:
        return TensorShape(None)
    if m > params.shape.ndims:
        raise ValueError(
            f"indices.shape[-1] must be <= params.rank, but saw indices shape: "
            f"{_dims_str(indices.shape.as_list())} and params shape: "
            f"{_dims_str(params.shape.as_list())}"
        )
    return TensorShape(indices.shape.as_list()[:-1] + params.shape.as_list()[m:])


define_op("GatherNd", kernel=_gather_nd_kernel, shape=_gather_nd_shape, returns_view=False,
          input_dtypes=[None, ("indices", (dtypes.int16,) + INDICES)])


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    """d params = ScatterNd(indices, grad, shape(params)): the gradient put back where it was
    picked (added up where an index repeats)."""
    params, indices = op.inputs
    if indices.dtype not in INDICES:
        indices = _math_cast(indices, dtypes.int32)
    return scatter_nd(indices, grad, shape(params, out_type=indices.dtype)), None


# ---------------------------------------------------------------- ScatterNd
def scatter_nd(indices, updates, shape, name=None):
    """A tensor of `shape`, zero but for `updates` added at `indices` (repeats add up).

    The inverse of `gather_nd`: the last dimension m of `indices` indexes the first m
    dimensions of the output, and `updates` has shape `indices.shape[:-1] + shape[m:]`.
    The gradient with respect to `updates` is `gather_nd(grad, indices)`.

    Args:
        indices: an int32 or int64 tensor (int16 too) of rank at least 1.
        updates: the values to scatter.
        shape: the output's shape, a 1-D tensor of the indices' dtype (or a list).
        name: the op's name (default "ScatterNd").

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.scatter_nd([[1], [3], [1]], [10.0, 20.0, 30.0], [5])))
        [ 0. 40.  0. 20.  0.]
    """
    with graph_of([indices, updates, shape]).as_default():
        indices = convert_to_tensor(indices, name="indices")
        updates = convert_to_tensor(updates, name="updates")
        index_dtype = indices.dtype if indices.dtype in INDICES else dtypes.int32
        shape = convert_to_tensor(shape, dtype=index_dtype, name="shape") \
            if not isinstance(shape, Tensor) else shape
        if shape.dtype in INDICES and indices.dtype in INDICES and shape.dtype != indices.dtype:
            raise TypeError(
                f"Input 'shape' of 'ScatterNd' Op has type {shape.dtype.name} that does not "
                f"match type {indices.dtype.name} of argument 'indices'."
            )
        return apply_op("ScatterNd", [indices, updates, shape], name=name)


def _scatter_nd_kernel(indices, updates, shape):
    dims = tuple(int(d) for d in np.reshape(shape, [-1]))
    m = indices.shape[-1]
    outer = indices.shape[:-1]
    if m > len(dims) or updates.shape != outer + dims[m:]:
        raise ValueError(
            f"updates must have shape indices.shape[:-1] + shape[indices.shape[-1]:] = "
            f"{_dims_str(outer + dims[m:] if m <= len(dims) else outer)}, got "
            f"{_dims_str(updates.shape)} (indices {_dims_str(indices.shape)}, shape "
            f"{_dims_str(dims)})"
        )
    bad = _first_out_of_range(indices, dims)
    if bad is not None:
        raise ValueError(f"indices{[bad[0]]} = {bad[1]} does not index into shape "
                         f"{_dims_str(dims)}")
    out = np.zeros(dims, updates.dtype)
    rows = updates.reshape((-1,) + dims[m:])
    if m == 0:
        out += rows.sum(axis=0, dtype=updates.dtype) if rows.dtype != np.bool_ else \
            rows.any(axis=0)
    elif out.dtype == np.bool_:
        out[_index_tuple(indices, m)] |= rows
    else:
        np.add.at(out, _index_tuple(indices, m), rows)
    return out


def _check_dims_match(what: str, a: list, b: list, a_range: tuple, b_range: tuple) -> None:
    """TF's ScatterNd shape-function check that two runs of dimensions agree."""
    for k, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise ValueError(
                f"Dimensions [{a_range[0]},{a_range[1]}) of {what[0]}[shape="
                f"{_dims_str(what[1])}] = {_dims_str(a)} must match dimensions "
                f"[{b_range[0]},{b_range[1]}) of updates[shape={_dims_str(what[2])}] = "
                f"{_dims_str(b)}: Dimension {k} in both shapes must be equal, but are {x} and "
                f"{y}. Shapes are {_dims_str(a)} and {_dims_str(b)}."
            )


def _scatter_nd_shape(op):
    indices, updates, shape_tensor = op.inputs
    if shape_tensor.shape.ndims not in (None, 1):
        raise ValueError(f"Shape must be rank 1 but is rank {shape_tensor.shape.ndims}")
    if indices.shape.ndims == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    out = shape_dims_of(shape_tensor)
    if indices.shape.ndims is None or updates.shape.ndims is None or out.ndims is None:
        return out
    index_dims, update_dims, out_dims = (indices.shape.as_list(), updates.shape.as_list(),
                                         out.as_list())
    m, outer = index_dims[-1], len(index_dims) - 1
    if out.num_elements() == 0 and indices.shape.num_elements() != 0:
        raise ValueError("Indices and updates specified for empty input")
    _check_dims_match(("indices", index_dims, update_dims), index_dims[:outer],
                      update_dims[:outer], (0, outer), (0, outer))
    if m is None:
        return out
    if m > len(out_dims):
        raise ValueError(
            f"indices.shape[-1] must be <= the rank of the output shape, but saw indices "
            f"shape: {_dims_str(index_dims)} and shape: {_dims_str(out_dims)}"
        )
    if len(update_dims) != outer + len(out_dims) - m:
        raise ValueError(
            f"updates must have rank {outer + len(out_dims) - m} (indices.shape[:-1] + "
            f"shape[indices.shape[-1]:]), but have shape {_dims_str(update_dims)}"
        )
    _check_dims_match(("input", out_dims, update_dims), out_dims[m:], update_dims[outer:],
                      (m, len(out_dims)), (outer, len(update_dims)))
    return out


define_op("ScatterNd", kernel=_scatter_nd_kernel, shape=_scatter_nd_shape, returns_view=False,
          dtype=lambda op: op.inputs[1].dtype,
          input_dtypes=[("indices", (dtypes.int16,) + INDICES), None,
                        ("shape", (dtypes.int16,) + INDICES)])


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    """d updates = gather_nd(grad, indices): each update's gradient is the gradient where it
    landed."""
    indices = op.inputs[0]
    return None, gather_nd(grad, indices), None
