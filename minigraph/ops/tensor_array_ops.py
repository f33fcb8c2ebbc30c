"""`tf.TensorArray`: a list of tensors that a loop writes one element per iteration.

As in TF1, a TensorArray is two tensors: a **handle**, whose value (one per `Session.run`,
made by the `TensorArrayV3` op) is the store of the elements, and a **flow**, a float scalar
that orders the operations on it. Every write returns a new `TensorArray` object with the same
handle and a new flow; a read takes the flow of the writes it must follow. In a
`tf.while_loop` the flow is the loop variable and the handle is captured, so a loop of N writes
costs N element writes, not N copies of a growing list.

Gradients follow TF1's design: the gradient of a TensorArray is another one (`ta.grad(source)`,
one per forward store and `tf.gradients` call, made on first use), whose writes add up. The
gradient of a read writes the incoming gradient into it; the gradient of a write reads it back;
`stack`/`gather` and `unstack`/`scatter`, `concat` and `split` are each other's gradients. The
flows carry the order: a gradient read runs after every gradient write that reaches it.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from minigraph import dtypes, shapes
from minigraph.graph import name_scope
from minigraph.ops import array_ops, math_ops
from minigraph.registry import NotDifferentiable, RegisterGradient, define_op
from minigraph.tensor import Tensor, apply_op, convert_to_tensor

# TF's types for an index or size (int32) and for the flow scalar that orders the writes.
_INT32 = (dtypes.int32,)
_FLOW = (dtypes.float32,)


class _Store:
    """The elements of one TensorArray in one run (the value of its handle)."""

    def __init__(self, name: str, dtype, element_shape, size: int, dynamic_size: bool,
                 clear_after_read: bool, forward: Optional["_Store"] = None):
        self.name = name
        self.dtype = dtype
        self.element_shape = element_shape
        self.dynamic_size = dynamic_size
        self.clear_after_read = clear_after_read
        self.elements = [None] * size
        self.shapes = {}  # index -> the shape of the value written there
        self.cleared = set()
        self.forward = forward  # for a gradient store: the store it is the gradient of
        self.grads = {}

    @classmethod
    def for_op(cls, op, size: int) -> "_Store":
        """The store a `TensorArrayV3` op makes."""
        attrs = op.attrs
        return cls(attrs["tensor_array_name"] or op.name, attrs["dtype"],
                   attrs["element_shape"], size, attrs["dynamic_size"],
                   attrs["clear_after_read"])

    def __repr__(self) -> str:
        return f"<TensorArray store {self.name!r} of {len(self.elements)} elements>"

    def _check_index(self, index: int, action: str) -> None:
        if index < 0 or (index >= len(self.elements) and (action == "read" or
                                                          not self.dynamic_size)):
            what = "but array is not resizeable and size is" if action == "write" else \
                "but array size is"
            preposition = "to" if action == "write" else "from"
            raise ValueError(
                f"TensorArray {self.name}: Tried to {action} {preposition} index {index} "
                f"{what}: {len(self.elements)}"
            )

    def write(self, index: int, value) -> None:
        index = int(index)
        self._check_index(index, "write")
        value = np.asarray(value, self.dtype.as_numpy_dtype)
        if not self.element_shape.is_compatible_with(shapes.as_shape(value.shape)):
            raise ValueError(
                f"TensorArray {self.name}: Could not write to TensorArray index {index} because "
                f"the value shape is {list(value.shape)} which is incompatible with the "
                f"TensorArray's element shape: {self.element_shape.bracket_str()}."
            )
        if index >= len(self.elements):
            self.elements.extend([None] * (index + 1 - len(self.elements)))
        old = self.elements[index]
        if old is not None or index in self.cleared:
            if self.forward is None:
                raise ValueError(
                    f"TensorArray {self.name}: Could not write to TensorArray index {index} "
                    "because it has already been written to."
                )
            value = value + old if old is not None else value  # gradients add up
        self.elements[index] = np.array(value, copy=True)
        self.shapes[index] = value.shape
        self.cleared.discard(index)

    def read(self, index: int) -> np.ndarray:
        index = int(index)
        self._check_index(index, "read")
        value = self.elements[index]
        if value is None:
            if self.forward is not None:  # a gradient nothing wrote is zero
                return np.zeros(self.forward.shape_of(index), self.dtype.as_numpy_dtype)
            if index in self.cleared:
                raise ValueError(
                    f"TensorArray {self.name}: Could not read index {index} twice because it "
                    "was cleared after a previous read (perhaps try setting clear_after_read "
                    "= false?)"
                )
            raise ValueError(
                f"TensorArray {self.name}: Could not read from TensorArray index {index} "
                "because it has not yet been written to."
            )
        if self.clear_after_read:
            self.elements[index] = None
            self.cleared.add(index)
            return value
        return value.copy()

    def shape_of(self, index: int) -> tuple:
        """The shape of element `index` (as written, or known from the element shape)."""
        if index in self.shapes:
            return self.shapes[index]
        if self.element_shape.is_fully_defined():
            return tuple(self.element_shape.as_list())
        raise ValueError(
            f"TensorArray {self.name}: the shape of element {index} is unknown: it was never "
            "written and the element shape is not fully defined."
        )

    def gather(self, indices) -> np.ndarray:
        indices = np.asarray(indices).reshape(-1)
        if indices.size == 0:
            if not self.element_shape.is_fully_defined():
                raise ValueError(
                    f"TensorArray {self.name}: TensorArray has size zero, but element shape "
                    f"{self.element_shape.bracket_str()} is not fully defined. Currently only "
                    "static shapes are supported when packing zero-size TensorArrays."
                )
            return np.zeros([0] + self.element_shape.as_list(), self.dtype.as_numpy_dtype)
        values = [self.read(i) for i in indices]
        first = values[0].shape
        for i, value in zip(indices, values):
            if value.shape != first:
                raise ValueError(
                    f"TensorArray {self.name}: Could not stack element {int(i)}, whose shape "
                    f"{list(value.shape)} differs from element {int(indices[0])}'s "
                    f"{list(first)}: stack needs elements of one shape (use concat)."
                )
        return np.stack(values)

    def grad(self, source: str) -> "_Store":
        """The gradient store of this one for gradient computation `source` (made once)."""
        store = self.grads.get(source)
        if store is None:
            store = _Store(f"{self.name}@{source}", self.dtype, self.element_shape,
                           len(self.elements), dynamic_size=True, clear_after_read=False,
                           forward=self)
            self.grads[source] = store
        return store


class TensorArray:
    """A list of tensors of one dtype, written and read by graph ops (TF1's `tf.TensorArray`).

    Args:
        dtype: the dtype of the elements.
        size: the number of elements (an int or int32 scalar tensor); required unless
            `handle` is given.
        dynamic_size: if True, writing past the end grows the array.
        clear_after_read: if True (the default), reading an element frees it and reading it
            again is an error; False keeps the elements for more reads.
        tensor_array_name: the name of the array (default: the op's name).
        handle, flow: an existing array's tensors (what `_with_flow` and `grad` build on).
        infer_shape: if True, the element shape is merged with the shape of every write.
        element_shape: the static shape of the elements (default unknown).
        colocate_with_first_write_call, identical_element_shapes: accepted for TF1
            compatibility.
        name: the name scope of the ops (default "TensorArray").

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     ta = tf.TensorArray(tf.float32, size=3)
        ...     ta = ta.write(0, 1.0).write(1, 2.0).write(2, 4.0)
        ...     with tf.Session() as sess:
        ...         print(sess.run(ta.stack()))
        [1. 2. 4.]
    """

    _is_tensor_array = True

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape: bool = True,
                 element_shape=None, colocate_with_first_write_call: bool = True,
                 identical_element_shapes: bool = False, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._infer_shape = infer_shape
        # Shared by every TensorArray built from this one (writes refine it), as in TF1.
        self._shape_cell = [shapes.as_shape(element_shape)]
        self._size = None  # the size tensor of an array of fixed size (what `size()` returns)
        if handle is not None:
            if flow is None:
                raise ValueError("flow must not be None if handle is not None.")
            if size is not None:
                raise ValueError("Cannot provide both a handle and size at the same time.")
            self._handle, self._flow = handle, flow
            self._dynamic_size = bool(dynamic_size)
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided.")
        self._dynamic_size = bool(dynamic_size)
        with name_scope(name, "TensorArray", [size] if isinstance(size, Tensor) else []) \
                as scope:
            size = convert_to_tensor(size, dtypes.int32, name="size")
            self._size = None if self._dynamic_size else size
            attrs = {"dtype": self._dtype, "element_shape": self._shape_cell[0],
                     "dynamic_size": self._dynamic_size,
                     "clear_after_read": True if clear_after_read is None else
                     bool(clear_after_read),
                     "tensor_array_name": tensor_array_name or ""}
            self._handle, self._flow = apply_op("TensorArrayV3", [size], attrs=attrs,
                                                name=scope)

    def __repr__(self) -> str:
        return f"<tf.TensorArray {self._handle.op.name!r} dtype={self._dtype.name}>"

    @property
    def handle(self) -> Tensor:
        """The tensor whose value is the array's store."""
        return self._handle

    @property
    def flow(self) -> Tensor:
        """The float scalar that orders the operations on the array."""
        return self._flow

    @property
    def dtype(self):
        """The dtype of the elements."""
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        """Whether writing past the end grows the array."""
        return self._dynamic_size

    @property
    def element_shape(self) -> shapes.TensorShape:
        """The static shape of the elements, as far as it is known."""
        return self._shape_cell[0]

    def _with_flow(self, flow: Tensor) -> "TensorArray":
        """This array after the operations that made `flow`."""
        result = TensorArray.__new__(TensorArray)
        result.__dict__.update(self.__dict__)
        result._flow = flow
        return result

    def _merge_element_shape(self, shape) -> None:
        shape = shapes.as_shape(shape)
        if not self.element_shape.is_compatible_with(shape):
            raise ValueError(
                f"Inconsistent shapes: saw {shape} but expected {self.element_shape} (and "
                "infer_shape=True)"
            )
        if self._infer_shape:
            self._shape_cell[0] = self.element_shape.merge_with(shape)

    def _value(self, value, name: str) -> Tensor:
        value = convert_to_tensor(value, name=name)
        if value.dtype != self._dtype:
            raise TypeError(
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name}."
            )
        return value

    def identity(self) -> "TensorArray":
        """This array, its flow passed through an Identity (for control dependencies)."""
        return self._with_flow(array_ops.identity(self._flow))

    def read(self, index, name=None) -> Tensor:
        """The element at `index` (freed by the read if `clear_after_read`)."""
        return apply_op("TensorArrayReadV3", [self._handle, index, self._flow],
                        attrs={"dtype": self._dtype, "element_shape": self.element_shape},
                        name=name or "TensorArrayReadV3")

    def write(self, index, value, name=None) -> "TensorArray":
        """The array with `value` at `index`: a new TensorArray (use its flow from now on)."""
        with name_scope(name, "TensorArrayWrite", [self._handle, index, value]):
            value = self._value(value, "value")
            self._merge_element_shape(value.shape)
            flow = apply_op("TensorArrayWriteV3", [self._handle, index, value, self._flow],
                            name="TensorArrayWriteV3")
        return self._with_flow(flow)

    def gather(self, indices, name=None) -> Tensor:
        """The elements at `indices`, stacked (their first dimension)."""
        value = apply_op("TensorArrayGatherV3", [self._handle, indices, self._flow],
                         attrs={"dtype": self._dtype, "element_shape": self.element_shape},
                         name=name or "TensorArrayGatherV3")
        return value

    def stack(self, name=None) -> Tensor:
        """Every element, stacked along a new first dimension."""
        with name_scope(name, "TensorArrayStack", [self._handle]):
            return self.gather(math_ops.range(0, self.size()), name="TensorArrayGatherV3")

    def scatter(self, indices, value, name=None) -> "TensorArray":
        """The array with `value[k]` written at `indices[k]`."""
        with name_scope(name, "TensorArrayScatter", [self._handle, value, indices]):
            value = self._value(value, "value")
            if value.shape.ndims:
                self._merge_element_shape(value.shape[1:])
            flow = apply_op("TensorArrayScatterV3", [self._handle, indices, value, self._flow],
                            name="TensorArrayScatterV3")
        return self._with_flow(flow)

    def unstack(self, value, name=None) -> "TensorArray":
        """The array with element k set to `value[k]`, for each k along the first dimension."""
        with name_scope(name, "TensorArrayUnstack", [self._handle, value]):
            value = self._value(value, "value")
            rows = value.shape[0].value if value.shape.ndims else None
            indices = math_ops.range(0, array_ops.shape(value)[0] if rows is None else rows)
            return self.scatter(indices, value, name="TensorArrayScatter")

    def concat(self, name=None) -> Tensor:
        """Every element, concatenated along their first dimension."""
        value, _ = apply_op("TensorArrayConcatV3", [self._handle, self._flow],
                            attrs={"dtype": self._dtype, "element_shape": self.element_shape},
                            name=name or "TensorArrayConcatV3")
        return value

    def split(self, value, lengths, name=None) -> "TensorArray":
        """The array with element k set to the k-th piece of `value` cut into `lengths`."""
        with name_scope(name, "TensorArraySplit", [self._handle, value, lengths]):
            value = self._value(value, "value")
            lengths = math_ops.cast(lengths, dtypes.int64)
            flow = apply_op("TensorArraySplitV3", [self._handle, value, lengths, self._flow],
                            name="TensorArraySplitV3")
        return self._with_flow(flow)

    def size(self, name=None) -> Tensor:
        """The number of elements (an int32 scalar): for an array of fixed size, the size it
        was made with (so `stack()` of a constant size has a known first dimension, as TF1)."""
        if self._size is not None:
            return self._size
        return apply_op("TensorArraySizeV3", [self._handle, self._flow],
                        name=name or "TensorArraySizeV3")

    def grad(self, source: str, flow=None, name=None) -> "TensorArray":
        """The gradient TensorArray of this one for gradient computation `source`."""
        flow = self._flow if flow is None else flow
        handle, flow = apply_op("TensorArrayGradV3", [self._handle, flow],
                                attrs={"source": source}, name=name or "TensorArrayGrad")
        result = TensorArray(self._dtype, handle=handle, flow=flow, dynamic_size=True,
                             infer_shape=self._infer_shape)
        result._shape_cell = self._shape_cell
        return result

    def close(self, name=None):
        """Accepted for TF1 compatibility: the store is freed with the run."""
        return array_ops.identity(self._flow, name=name or "TensorArrayClose")


def _array_of(op, dtype) -> TensorArray:
    """The TensorArray of elements of `dtype` that op `op` works on (its handle and flow)."""
    return TensorArray(dtype, handle=op.inputs[0], flow=op.inputs[-1])


def _grad_source(op) -> str:
    """Which `tf.gradients` call a gradient belongs to: the first name-scope component that
    starts with "gradients" (TF1's `_GetGradSource`), so every gradient of one call shares one
    gradient TensorArray per forward array."""
    from minigraph.graph import get_default_graph

    for part in get_default_graph().get_name_scope().split("/"):
        if part.startswith("gradients"):
            return part
    return "gradients"


def _grad_array(op, flow, dtype) -> TensorArray:
    """The gradient TensorArray of the array op `op` works on, after `flow`."""
    return _array_of(op, dtype).grad(_grad_source(op), flow=flow)


# ---------------------------------------------------------------- TensorArrayV3
def _create_kernel(state, op, size):
    return _Store.for_op(op, int(size)), np.float32(0.0)


def _create_shape(op):
    return [shapes.scalar(), shapes.scalar()]


def _create_dtype(op):
    return [dtypes.resource, dtypes.float32]


define_op("TensorArrayV3", kernel=_create_kernel, shape=_create_shape, dtype=_create_dtype,
          stateful=True, input_dtypes=[("size", _INT32)])
NotDifferentiable("TensorArrayV3")


# ---------------------------------------------------------------- TensorArrayGradV3
def _grad_kernel(state, op, store, flow):
    return store.grad(op.attrs["source"]), flow


define_op("TensorArrayGradV3", kernel=_grad_kernel, shape=_create_shape, dtype=_create_dtype,
          stateful=True, input_dtypes=[None, ("flow_in", _FLOW)])
NotDifferentiable("TensorArrayGradV3")


# ---------------------------------------------------------------- TensorArrayWriteV3
def _write_kernel(state, op, store, index, value, flow):
    store.write(index, value)
    return np.float32(0.0)


define_op("TensorArrayWriteV3", kernel=_write_kernel, shape=lambda op: shapes.scalar(),
          dtype=lambda op: dtypes.float32, stateful=True,
          input_dtypes=[None, ("index", _INT32), None, ("flow_in", _FLOW)])


@RegisterGradient("TensorArrayWriteV3")
def _write_grad(op, flow):
    """d value = the gradient array read at index; the flow passes through."""
    index = op.inputs[1]
    grad_array = _grad_array(op, flow, op.inputs[2].dtype)
    grad_array._shape_cell = [op.inputs[2].shape]
    return [None, None, grad_array.read(index), flow]


# ---------------------------------------------------------------- TensorArrayReadV3
def _read_kernel(state, op, store, index, flow):
    return store.read(index)


define_op("TensorArrayReadV3", kernel=_read_kernel, shape=lambda op: op.attrs["element_shape"],
          dtype=lambda op: op.attrs["dtype"], stateful=True,
          input_dtypes=[None, ("index", _INT32), ("flow_in", _FLOW)])


@RegisterGradient("TensorArrayReadV3")
def _read_grad(op, grad):
    """d flow = the flow of writing `grad` into the gradient array at index (writes add up)."""
    grad_array = _grad_array(op, op.inputs[2], op.attrs["dtype"])
    return [None, None, grad_array.write(op.inputs[1], grad).flow]


# ---------------------------------------------------------------- TensorArrayGatherV3
def _gather_kernel(state, op, store, indices, flow):
    known = op.attrs["element_shape"]
    if np.size(indices) == 0 and known.is_fully_defined() and \
            not store.element_shape.is_fully_defined():
        # As TF1's kernel: gathering no elements takes the element shape the graph knows.
        return np.zeros([0] + known.as_list(), store.dtype.as_numpy_dtype)
    return store.gather(indices)


def _gather_shape(op):
    indices = op.inputs[1].shape
    element = op.attrs["element_shape"]
    if indices.ndims is None or element.ndims is None:
        return shapes.unknown_shape()
    return shapes.as_shape(indices.as_list() + element.as_list())


define_op("TensorArrayGatherV3", kernel=_gather_kernel, shape=_gather_shape,
          dtype=lambda op: op.attrs["dtype"], stateful=True,
          input_dtypes=[None, ("indices", _INT32), ("flow_in", _FLOW)])


@RegisterGradient("TensorArrayGatherV3")
def _gather_grad(op, grad):
    """d flow = the flow of scattering `grad` into the gradient array at the indices."""
    return [None, None,
            _grad_array(op, op.inputs[2], op.attrs["dtype"]).scatter(op.inputs[1],
                                                                      grad).flow]


# ---------------------------------------------------------------- TensorArrayScatterV3
def _scatter_kernel(state, op, store, indices, value, flow):
    indices = np.asarray(indices).reshape(-1)
    if value.ndim == 0 or value.shape[0] != indices.size:
        raise ValueError(
            f"TensorArray {store.name}: scatter of {indices.size} indices needs a value of "
            f"that many rows, got shape {list(np.shape(value))}."
        )
    for i, row in zip(indices, value):
        store.write(i, row)
    return np.float32(0.0)


define_op("TensorArrayScatterV3", kernel=_scatter_kernel, shape=lambda op: shapes.scalar(),
          dtype=lambda op: dtypes.float32, stateful=True,
          input_dtypes=[None, ("indices", _INT32), None, ("flow_in", _FLOW)])


@RegisterGradient("TensorArrayScatterV3")
def _scatter_grad(op, flow):
    """d value = the gradient array gathered at the indices; the flow passes through."""
    grad_array = _grad_array(op, flow, op.inputs[2].dtype)
    value_shape = op.inputs[2].shape
    grad_array._shape_cell = [value_shape[1:] if value_shape.ndims else shapes.unknown_shape()]
    return [None, None, grad_array.gather(op.inputs[1]), flow]


# ---------------------------------------------------------------- TensorArrayConcatV3
def _concat_kernel(state, op, store, flow):
    values = [store.read(i) for i in range(len(store.elements))]
    if not values:
        element = op.attrs["element_shape"]
        rest = element.as_list()[1:] if element.is_fully_defined() else []
        return np.zeros([0] + rest, store.dtype.as_numpy_dtype), np.zeros([0], np.int64)
    for i, value in enumerate(values):
        if value.ndim == 0:
            raise ValueError(
                f"TensorArray {store.name}: Concat saw a scalar shape at index {i} but requires "
                "at least vectors."
            )
    lengths = np.array([v.shape[0] for v in values], np.int64)
    return np.concatenate(values, axis=0), lengths


def _concat_shape(op):
    element = op.attrs["element_shape"]
    if element.ndims is None or element.ndims == 0:
        return [shapes.unknown_shape(), shapes.as_shape([None])]
    return [shapes.as_shape([None] + element.as_list()[1:]), shapes.as_shape([None])]


define_op("TensorArrayConcatV3", kernel=_concat_kernel, shape=_concat_shape,
          dtype=lambda op: [op.attrs["dtype"], dtypes.int64], stateful=True,
          input_dtypes=[None, ("flow_in", _FLOW)])


@RegisterGradient("TensorArrayConcatV3")
def _concat_grad(op, grad, _):
    """d flow = the flow of splitting `grad` into the gradient array at the lengths."""
    lengths = op.outputs[1]
    return [None, _grad_array(op, op.inputs[1], op.attrs["dtype"]).split(grad, lengths).flow]


# ---------------------------------------------------------------- TensorArraySplitV3
def _split_kernel(state, op, store, value, lengths, flow):
    lengths = np.asarray(lengths).reshape(-1)
    if value.ndim == 0 or int(lengths.sum()) != value.shape[0]:
        raise ValueError(
            f"TensorArray {store.name}: Expected sum of lengths to be equal to values.shape[0], "
            f"but sum of lengths is {int(lengths.sum())} and value's shape is "
            f"{list(np.shape(value))}."
        )
    start = 0
    for i, length in enumerate(lengths):
        store.write(i, value[start:start + int(length)])
        start += int(length)
    return np.float32(0.0)


define_op("TensorArraySplitV3", kernel=_split_kernel, shape=lambda op: shapes.scalar(),
          dtype=lambda op: dtypes.float32, stateful=True,
          input_dtypes=[None, None, ("lengths", (dtypes.int64,)), ("flow_in", _FLOW)])


@RegisterGradient("TensorArraySplitV3")
def _split_grad(op, flow):
    """d value = the gradient array concatenated; the flow passes through."""
    grad_array = _grad_array(op, flow, op.inputs[1].dtype)
    grad_array._shape_cell = [op.inputs[1].shape]
    return [None, grad_array.concat(), None, flow]


# ---------------------------------------------------------------- TensorArraySizeV3
def _size_kernel(state, op, store, flow):
    return np.int32(len(store.elements))


define_op("TensorArraySizeV3", kernel=_size_kernel, shape=lambda op: shapes.scalar(),
          dtype=lambda op: dtypes.int32, stateful=True, input_dtypes=[None, ("flow_in", _FLOW)])
NotDifferentiable("TensorArraySizeV3")
