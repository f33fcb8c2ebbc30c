"""Ops that create, reshape, slice and combine tensors without arithmetic.

Each op is one block: its public builder (the TF1 function), its `define_op` (kernel and shape
function) and its gradient. `unbroadcast`, at the end, is the one helper that every binary op's
gradient uses to undo numpy broadcasting.
"""

from __future__ import annotations

import numpy as np

from minigraph import dtypes, shapes
from minigraph.ops import math_ops
from minigraph.registry import NotDifferentiable, RegisterGradient, define_op
from minigraph.shapes import TensorShape
from minigraph.tensor import Tensor, apply_op, constant_value, convert_to_tensor, to_numpy


def _attr_dtype(op):
    return op.attrs["dtype"]


def _int32(op):
    return dtypes.int32


# ---------------------------------------------------------------- Const
def constant(value, dtype=None, shape=None, name: str = "Const", verify_shape: bool = False):
    """A tensor holding `value` (Python floats become float32, ints int32).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.constant([[1.0, 2.0]]))
        Tensor("Const:0", shape=(1, 2), dtype=float32)
    """
    array = to_numpy(value, None if dtype is None else dtypes.as_dtype(dtype))
    if shape is not None:
        shape = tuple(shapes.as_shape(shape).as_list())
        if array.shape != shape:
            if verify_shape or (array.size not in (1, int(np.prod(shape)))):
                raise TypeError(
                    f"Expected Tensor's shape: {shape}, got {array.shape} (value {value!r})."
                )
            array = (
                np.full(shape, array.reshape(()), dtype=array.dtype)
                if array.size == 1
                else array.reshape(shape)
            )
    return apply_op("Const", [], attrs={"value": array}, name=name)


def _const_kernel(*, value):
    return value


def _const_shape(op):
    return TensorShape(op.attrs["value"].shape)


def _const_dtype(op):
    return dtypes.as_dtype(op.attrs["value"].dtype)


define_op("Const", kernel=_const_kernel, shape=_const_shape, dtype=_const_dtype)
NotDifferentiable("Const")


# ---------------------------------------------------------------- Placeholder
def placeholder(dtype, shape=None, name=None):
    """An input fed at run time: `x = tf.placeholder(tf.float32, [None, 3])`.

    Running anything that needs `x` without `feed_dict={x: ...}` raises InvalidArgumentError
    naming `x`, its dtype and its shape.
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
    """Returns a tensor with the same value as `input` (a new node, e.g. for control deps)."""
    return apply_op("Identity", [input], name=name)


def _identity_kernel(x):
    return x


define_op("Identity", kernel=_identity_kernel, shape=shapes.same_as_input)


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    """d identity(x) = grad."""
    return grad


# ---------------------------------------------------------------- StopGradient
def stop_gradient(input, name=None):  # noqa: A002
    """Passes `input` through in the forward pass; gradients do not flow back through it."""
    return apply_op("StopGradient", [input], name=name)


define_op("StopGradient", kernel=_identity_kernel, shape=shapes.same_as_input)
NotDifferentiable("StopGradient")


# ---------------------------------------------------------------- Shape
def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The dynamic shape of `input` as a 1-D int32 tensor."""
    return apply_op("Shape", [input], attrs={"out_type": dtypes.as_dtype(out_type)}, name=name)


def _shape_kernel(x, *, out_type):
    return np.array(np.shape(x), dtype=out_type.np)


def _shape_shape(op):
    return TensorShape([op.inputs[0].shape.ndims])


define_op("Shape", kernel=_shape_kernel, shape=_shape_shape, dtype=lambda op: op.attrs["out_type"])
NotDifferentiable("Shape")


# ---------------------------------------------------------------- Rank
def rank(input, name=None):  # noqa: A002
    """The number of dimensions of `input`, as a scalar int32 tensor."""
    return apply_op("Rank", [input], name=name)


def _rank_kernel(x):
    return np.array(np.ndim(x), dtype=np.int32)


define_op("Rank", kernel=_rank_kernel, shape=shapes.scalar_output, dtype=_int32)
NotDifferentiable("Rank")


# ---------------------------------------------------------------- Size
def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of `input`, as a scalar int32 tensor."""
    return apply_op("Size", [input], attrs={"out_type": dtypes.as_dtype(out_type)}, name=name)


def _size_kernel(x, *, out_type):
    return np.array(np.size(x), dtype=out_type.np)


define_op(
    "Size", kernel=_size_kernel, shape=shapes.scalar_output, dtype=lambda op: op.attrs["out_type"]
)
NotDifferentiable("Size")


# ---------------------------------------------------------------- Reshape
def reshape(tensor, shape, name=None):
    """Gives `tensor` a new shape with the same number of elements; one dim may be -1."""
    tensor = convert_to_tensor(tensor)
    shape = convert_to_tensor(shape, dtype=dtypes.int32)
    return apply_op("Reshape", [tensor, shape], name=name)


def _reshape_kernel(x, new_shape):
    return np.reshape(x, new_shape)


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
        rest = int(np.prod([d for d in target if d != -1]))
        if known is None or rest == 0:
            return TensorShape([None if d == -1 else d for d in target])
        if known % rest:
            raise ValueError(
                f"Cannot reshape a tensor with {known} elements to shape {target}"
            )
        return TensorShape([known // rest if d == -1 else d for d in target])
    if known is not None and known != int(np.prod(target)):
        raise ValueError(
            f"Cannot reshape a tensor with {known} elements to shape {target} "
            f"({int(np.prod(target))} elements)"
        )
    return TensorShape(target)


define_op("Reshape", kernel=_reshape_kernel, shape=_reshape_shape)


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    """d reshape(x) = reshape(grad, shape(x))."""
    x = op.inputs[0]
    return [reshape(grad, _shape_of(x)), None]


# ---------------------------------------------------------------- Transpose
def transpose(a, perm=None, name: str = "transpose", conjugate: bool = False):
    """Permutes the dimensions of `a` (default: reverses them, so a matrix is transposed)."""
    a = convert_to_tensor(a)
    if perm is None:
        if a.shape.ndims is None:
            raise ValueError(f"transpose of {a!r} needs `perm`: its rank is unknown.")
        perm = list(range(a.shape.ndims))[::-1]
    perm = [int(p) for p in (constant_value(perm) if isinstance(perm, Tensor) else perm)]
    return apply_op("Transpose", [a], attrs={"perm": tuple(perm)}, name=name)


def _transpose_kernel(x, *, perm):
    return np.transpose(x, perm)


def _transpose_shape(op):
    perm = op.attrs["perm"]
    dims = op.inputs[0].shape.as_tuple()
    if dims is None:
        return shapes.unknown_shape(len(perm))
    if sorted(perm) != list(range(len(dims))):
        raise ValueError(f"perm {list(perm)} is not a permutation of the {len(dims)} dimensions")
    return TensorShape([dims[p] for p in perm])


define_op("Transpose", kernel=_transpose_kernel, shape=_transpose_shape)


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    """d transpose(x, perm) = transpose(grad, inverse(perm))."""
    perm = op.attrs["perm"]
    return transpose(grad, list(np.argsort(perm)))


# ---------------------------------------------------------------- Fill
def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with the scalar `value`."""
    dims = convert_to_tensor(dims, dtype=dtypes.int32)
    return apply_op("Fill", [dims, convert_to_tensor(value)], name=name)


def _fill_kernel(dims, value):
    return np.full(dims, value, dtype=np.asarray(value).dtype)


def _fill_shape(op):
    dims = constant_value(op.inputs[0])
    if dims is None:
        n = op.inputs[0].shape.as_tuple()
        return shapes.unknown_shape(None if n is None else n[0])
    return TensorShape([int(d) for d in dims])


define_op("Fill", kernel=_fill_kernel, shape=_fill_shape, dtype=lambda op: op.inputs[1].dtype)


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    """d fill(dims, v) / dv = sum(grad)."""
    return [None, math_ops.reduce_sum(grad)]


# ---------------------------------------------------------------- ZerosLike / OnesLike
def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """A tensor of zeros with the shape (and, by default, dtype) of `tensor`."""
    tensor = convert_to_tensor(tensor)
    result = apply_op("ZerosLike", [tensor], name=name)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype:
        result = math_ops.cast(result, dtype)
    return result


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """A tensor of ones with the shape (and, by default, dtype) of `tensor`."""
    tensor = convert_to_tensor(tensor)
    result = apply_op("OnesLike", [tensor], name=name)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype:
        result = math_ops.cast(result, dtype)
    return result


define_op("ZerosLike", kernel=np.zeros_like, shape=shapes.same_as_input)
define_op("OnesLike", kernel=np.ones_like, shape=shapes.same_as_input)
NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")


# ---------------------------------------------------------------- BroadcastTo
def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts `input` to `shape` with numpy's rules."""
    shape = convert_to_tensor(shape, dtype=dtypes.int32)
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


define_op("BroadcastTo", kernel=_broadcast_to_kernel, shape=_broadcast_to_shape)


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    """d broadcast_to(x) = grad summed back to x's shape."""
    return [unbroadcast(grad, op.inputs[0]), None]


# ---------------------------------------------------------------- Pack (tf.stack)
def stack(values, axis: int = 0, name: str = "stack"):
    """Stacks a list of rank-R tensors into one rank-(R+1) tensor along `axis`."""
    values = [convert_to_tensor(v) for v in values]
    return apply_op("Pack", values, attrs={"axis": axis, "N": len(values)}, name=name)


def _pack_kernel(*values, axis, N):
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
    """Splits `value` along `axis` into a list of `num` tensors of one rank less."""
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
    for item in items:
        if isinstance(item, Tensor):
            value = constant_value(item)
            if value is None:
                raise TypeError(
                    f"Indexing with a computed tensor ({item!r}) is not supported; "
                    "use tf.gather or feed the index as a Python int."
                )
            item = value.item() if np.ndim(value) == 0 else value
        if item is None or item is Ellipsis:
            spec.append(item)
        elif isinstance(item, slice):
            parts = [None if p is None else int(p) for p in (item.start, item.stop, item.step)]
            if parts[2] == 0:
                raise ValueError("slice step cannot be zero")
            spec.append(slice(*parts))
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            spec.append(int(item))
        else:
            raise TypeError(
                f"Only integers, slices (`:`), ellipsis (`...`) and tf.newaxis (`None`) are "
                f"valid indices, got {item!r}"
            )
    if spec.count(Ellipsis) > 1:
        raise ValueError("An index can only have a single ellipsis ('...')")
    return tuple(spec)


def _getitem(tensor, key):
    """`t[0]`, `t[1:3, ::-1]`, `t[..., None]`: differentiable basic indexing."""
    return strided_slice_by_spec(tensor, _normalize_spec(key))


def _strided_slice_kernel(x, *, spec):
    return np.asarray(x[spec])


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
        elif isinstance(item, slice):
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
)
NotDifferentiable("BroadcastGradientArgs")


# ---------------------------------------------------------------- gradient helpers
def _shape_of(x: Tensor) -> Tensor:
    """x's shape as a tensor: a constant when it is fully known, else a Shape op."""
    if x.shape.is_fully_defined():
        return convert_to_tensor(np.array(x.shape.as_list(), dtype=np.int32))
    return shape(x)


def unbroadcast(grad: Tensor, x: Tensor) -> Tensor:
    """Sums `grad` over the axes along which `x` was broadcast, so it gets `x`'s shape.

    The one helper behind every binary op's gradient. When x's shape is fully known the axes are
    worked out now; otherwise `BroadcastGradientArgs` finds them at run time.
    """
    x_dims, g_dims = x.shape.as_tuple(), grad.shape.as_tuple()
    if x.shape.is_fully_defined() and g_dims is not None:
        if x_dims == g_dims:
            return grad
        lead = len(g_dims) - len(x_dims)
        axes = list(range(lead))
        axes += [lead + i for i, d in enumerate(x_dims) if d == 1 and g_dims[lead + i] != 1]
        result = math_ops.reduce_sum(grad, axes, keepdims=False) if axes else grad
        if result.shape.as_tuple() != x_dims:
            result = reshape(result, list(x_dims))
        return result
    x_shape = shape(x)
    rx, _ = broadcast_gradient_args(x_shape, shape(grad))
    return reshape(math_ops.reduce_sum(grad, rx), x_shape)


# ================================================================ more array ops (issue 3)
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
