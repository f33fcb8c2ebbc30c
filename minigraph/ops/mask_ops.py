"""Masks: `tf.sequence_mask` makes one from lengths, `tf.boolean_mask` keeps what one selects.

Both are composites of existing ops, built the way TF1's `array_ops` builds them, so their
graphs, static shapes and gradients are TF1's:

* `sequence_mask(lengths, maxlen)` compares a `Range(0, maxlen)` row with the lengths as a
  column: `Range < Cast(ExpandDims(lengths, -1))`, broadcast to `lengths.shape + [maxlen]`;
* `boolean_mask(tensor, mask, axis)` merges the masked dimensions of `tensor` into one
  (`Reshape`, to a constant shape when the static shape says it, else to one computed from
  `Shape`, `Prod` and `ConcatV2` as TF1 builds it), finds the kept positions of the flattened
  mask (`Where`, `Squeeze`) and gathers them (`GatherV2`); the gradient of the gather scatters
  the gradient back to the kept places.

They live apart from `array_ops.py` because they need math ops (`Max`, `Range`, `Less`,
`Prod`), which `array_ops` cannot import.
"""

from __future__ import annotations

import numpy as np

from minigraph import dtypes
from minigraph.graph import graph_of, name_scope
from minigraph.ops import array_ops, math_ops
from minigraph.shapes import TensorShape
from minigraph.tensor import Tensor, apply_op, constant_value, convert_to_tensor


# ---------------------------------------------------------------- sequence_mask
def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None) -> Tensor:
    """`mask[i, ..., j] = j < lengths[i, ...]`: which of `maxlen` steps each sequence has.

    Args:
        lengths: an integer tensor of any shape, each entry at most `maxlen`.
        maxlen: a scalar integer tensor (or Python int): the length of the last dimension;
            default: the largest entry of `lengths` (0 when it is empty).
        dtype: the dtype of the mask (bool by default; others are 0 and 1 cast to it).
        name: the name scope (default "SequenceMask").

    Returns:
        A tensor of shape `lengths.shape + [maxlen]`.

    Raises:
        ValueError: if `maxlen` has a known rank other than 0.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.sequence_mask([1, 3, 2], 4)))
        [[ True False False False]
         [ True  True  True False]
         [ True  True False False]]
    """
    with graph_of([lengths, maxlen]).as_default(), \
            name_scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        known_max = None
        if maxlen is None:
            maxlen = math_ops.reduce_max(lengths, name="Max")
            maxlen = math_ops.maximum(array_ops.constant(0, maxlen.dtype), maxlen)
            known = constant_value(lengths)
            if known is not None:  # TF1's shape inference folds the constant Max
                known_max = max(0, int(np.max(known))) if np.size(known) else 0
        else:
            maxlen = convert_to_tensor(maxlen)
        if maxlen.shape.ndims is not None and maxlen.shape.ndims != 0:
            raise ValueError(
                "Argument `maxlen` must be scalar for sequence_mask, received `maxlen` = "
                f"{maxlen} with shape '{maxlen.shape}' instead"
            )
        row_vector = apply_op("Range", [array_ops.constant(0, maxlen.dtype), maxlen,
                                        array_ops.constant(1, maxlen.dtype)], name="Range")
        matrix = apply_op("Cast", [array_ops.expand_dims(lengths, -1)],
                          attrs={"DstT": maxlen.dtype}, name="Cast")
        result = math_ops.less(row_vector, matrix)
        if known_max is not None and lengths.shape.ndims is not None:
            result.set_shape(lengths.shape.concatenate([known_max]))
        dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        if dtype is None or dtype == dtypes.bool:
            return result
        return math_ops.cast(result, dtype)


# ---------------------------------------------------------------- boolean_mask
def boolean_mask(tensor, mask, name: str = "boolean_mask", axis=None) -> Tensor:
    """The entries (or slices) of `tensor` where `mask` is True, in row-major order.

    With a mask of rank k, dimensions `axis .. axis + k - 1` of `tensor` must match the mask's
    shape; they are replaced by one dimension holding the kept slices. So a `[batch]` mask on
    a `[batch, features]` tensor keeps rows, and a mask of the tensor's own shape keeps single
    entries (a vector). The gradient puts the incoming gradient back at the kept places and
    zeros elsewhere.

    Args:
        tensor: a tensor of rank at least `axis + k`.
        mask: a bool tensor of known rank k >= 1 (its dimensions may be unknown).
        name: the name scope.
        axis: the first dimension of `tensor` the mask covers (default 0): a Python int or a
            constant tensor.

    Returns:
        A tensor of shape `tensor.shape[:axis] + [kept] + tensor.shape[axis + k:]`.

    Raises:
        ValueError: for a scalar mask or one of unknown rank, and for a mask whose shape does
            not match the dimensions of `tensor` it covers.
        TypeError: for an axis known only at run time.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.constant([[1, 2], [3, 4], [5, 6]])
        ...     print(sess.run(tf.boolean_mask(x, [True, False, True])))
        [[1 2]
         [5 6]]
    """
    with graph_of([tensor, mask]).as_default(), name_scope(name, "boolean_mask", [tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        ndims_mask = mask.shape.ndims
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError(
                "Number of mask dimensions must be specified, even if some dimensions are "
                "None.  E.g. shape=[None] is ok, but shape=None is not."
            )
        axis = 0 if axis is None else axis
        axis_value = constant_value(axis) if isinstance(axis, Tensor) else axis
        if axis_value is None:
            raise TypeError(
                f"boolean_mask needs a constant axis (a Python int or a constant tensor), got "
                f"{axis!r}: minigraph cannot slice shapes at an axis known only at run time."
            )
        axis = axis_value = int(axis_value)
        covered = _dims(tensor.shape, axis, axis + ndims_mask)
        if covered is not None:
            TensorShape(covered).assert_is_compatible_with(mask.shape)
        static = _merged_shape(tensor.shape, axis_value, ndims_mask)
        if static is not None and static.is_fully_defined():
            # The merged shape is known: a constant, as TF1's shape inference folds it.
            tensor = array_ops.reshape(tensor, static.as_list())
        else:
            dims = array_ops.shape(tensor)
            leading_size = math_ops.reduce_prod(dims[axis:axis + ndims_mask], [0])
            new_shape = array_ops.concat(
                [dims[:axis], array_ops.stack([leading_size]), dims[axis + ndims_mask:]], 0)
            tensor = array_ops.reshape(tensor, new_shape)
            if static is not None:
                tensor.set_shape(static)
        flat_mask = array_ops.reshape(mask, [-1])
        indices = array_ops.squeeze(math_ops.where(flat_mask), axis=[1])
        return array_ops.gather(tensor, indices, axis=axis)


def _dims(shape: TensorShape, start: int, stop: int):
    """`shape[start:stop]` as a list (None dims unknown), or None when the rank is unknown."""
    if shape.ndims is None:
        return None
    return shape.as_list()[start:stop]


def _merged_shape(shape: TensorShape, axis, ndims_mask: int):
    """The static shape of `tensor` with its masked dimensions merged into one (None when the
    axis or the rank is unknown)."""
    if axis is None or shape.ndims is None:
        return None
    dims = shape.as_list()
    covered = dims[axis:axis + ndims_mask]
    merged = None if None in covered else int(np.prod(covered, dtype=np.int64))
    return TensorShape(dims[:axis] + [merged] + dims[axis + ndims_mask:])
