"""`tf.data.Iterator`: reading a dataset's elements in a session, one `get_next()` run at a time.

An iterator is a resource that lives in a session (as a variable's value does): its op
(`IteratorV2`, or `OneShotIterator`) returns this session's handle to it, `MakeIterator` (the
`initializer`) starts it on a dataset's pipeline, and each run of an `IteratorGetNext` op (what
`get_next()` returns) pulls the next element from it, raising `tf.errors.OutOfRangeError` ("End
of sequence") once the pipeline is exhausted. So two sessions on one graph iterate
independently, and running the initializer again starts over, reading the placeholders the
dataset depends on from that run's `feed_dict`:

    x = tf.placeholder(tf.float32, [None, 3])
    iterator = tf.data.Dataset.from_tensor_slices(x).batch(2).make_initializable_iterator()
    batch = iterator.get_next()
    sess.run(iterator.initializer, {x: train_images})
    while True:
        try:
            sess.run(train_op)            # train_op reads `batch`
        except tf.errors.OutOfRangeError:
            break

The kinds of TF1 iterators: `make_one_shot_iterator()` (starts itself on its first run; its
dataset may use no placeholder or variable), `make_initializable_iterator()`,
`Iterator.from_structure(types, shapes)` (initialized from any dataset of that structure with
`make_initializer(dataset)`, e.g. training then validation data), and
`Iterator.from_string_handle(handle, types, shapes)` (the *feedable* iterator: which iterator it
reads is chosen per run by feeding one's `string_handle()`).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from minigraph import dtypes, errors, nest, shapes
from minigraph.data.structure import ElementStructure, element_attrs, structure_of
from minigraph.graph import graph_of, name_scope
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import Tensor, apply_op, convert_to_tensor

_HANDLE_PREFIX = "minigraph-iterator:"


# ---------------------------------------------------------------- the resource
class IteratorResource:
    """One iterator in one session: its pipeline's running elements and its handle's name."""

    def __init__(self, name: str, output_types: tuple, output_shapes: tuple):
        self.name = name
        self.output_types = output_types
        self.output_shapes = output_shapes
        self.elements = None  # a Python iterator over flat elements, once initialized

    def start(self, pipeline) -> None:
        """Starts (or restarts) iterating `pipeline`, with fresh resources (seed generators)."""
        self.elements = pipeline.iterate({})

    def next_element(self, op) -> tuple:
        if self.elements is None:
            raise errors.FailedPreconditionError(
                None, op,
                "GetNext() failed because the iterator has not been initialized. Ensure that you "
                "have run the initializer operation for this iterator before getting the next "
                f"element.\n\t [[node {op.name}]] (run iterator.initializer first)",
            )
        try:
            return next(self.elements)
        except StopIteration:
            raise errors.OutOfRangeError(None, op, f"End of sequence\n\t [[node {op.name}]]") \
                from None
        except errors.OpError:
            raise
        except (ValueError, TypeError, IndexError) as e:
            raise errors.InvalidArgumentError(
                None, op, f"{e}\n\t [[node {op.name} (op: {op.type})]]") from e

    def __repr__(self) -> str:
        return f"<IteratorResource {self.name!r}>"


def _resource(state, op, output_types, output_shapes) -> IteratorResource:
    """This session's resource for iterator op `op`, made on first use."""
    key = ("iterator", op)
    resource = state.resources.get(key)
    if resource is None:
        name = f"{_HANDLE_PREFIX}{op.name}"
        resource = IteratorResource(name, output_types, output_shapes)
        state.resources[key] = resource
        state.resources[name] = resource
    return resource


def _resource_dtype(op):
    return dtypes.resource


# ---------------------------------------------------------------- IteratorV2
def _iterator_v2_kernel(state, op):
    return _resource(state, op, op.attrs["output_types"], op.attrs["output_shapes"])


define_op("IteratorV2", kernel=_iterator_v2_kernel, shape=shapes.scalar_output,
          dtype=_resource_dtype, stateful=True)
NotDifferentiable("IteratorV2")


# ---------------------------------------------------------------- OneShotIterator
def _one_shot_iterator_kernel(state, op, pipeline):
    """The iterator's resource, started on `pipeline` the first time this session runs it."""
    resource = _resource(state, op, op.attrs["output_types"], op.attrs["output_shapes"])
    if resource.elements is None:
        resource.start(pipeline)
    return resource


# NOTE: TF1's OneShotIterator holds its dataset as a function; minigraph's takes the dataset
# tensor as an input, evaluated every run (its ops fold to a constant) and used once.
define_op("OneShotIterator", kernel=_one_shot_iterator_kernel, shape=shapes.scalar_output,
          dtype=_resource_dtype, stateful=True)
NotDifferentiable("OneShotIterator")


# ---------------------------------------------------------------- MakeIterator
def _make_iterator_kernel(state, op, pipeline, resource):
    resource.start(pipeline)


define_op("MakeIterator", kernel=_make_iterator_kernel, shape=lambda op: [], stateful=True)
NotDifferentiable("MakeIterator")


# ---------------------------------------------------------------- IteratorGetNext
def _iterator_get_next_kernel(state, op, resource):
    element = resource.next_element(op)
    types = op.attrs["output_types"]
    if len(element) != len(types):
        raise errors.InvalidArgumentError(
            None, op,
            f"The iterator gives elements of {len(element)} components, but {op.name} expects "
            f"{len(types)} ({types}).\n\t [[node {op.name}]]")
    arrays = []
    for index, (value, dtype, shape) in enumerate(zip(element, types, op.attrs["output_shapes"])):
        array = np.asarray(value)
        if array.dtype != dtype.np and not (dtype == dtypes.string and array.dtype == object):
            raise errors.InvalidArgumentError(
                None, op,
                f"Component {index} of the element has dtype {dtypes.as_dtype(array.dtype).name}"
                f", but {op.name} expects {dtype.name}.\n\t [[node {op.name}]]")
        if not shape.is_compatible_with(shapes.TensorShape(list(array.shape))):
            raise errors.InvalidArgumentError(
                None, op,
                f"Component {index} of the element has shape {list(array.shape)}, incompatible "
                f"with the shape {shape} {op.name} expects.\n\t [[node {op.name}]]")
        arrays.append(array)
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


def _iterator_get_next_shape(op):
    return list(op.attrs["output_shapes"])


def _iterator_get_next_dtype(op):
    return list(op.attrs["output_types"])


define_op("IteratorGetNext", kernel=_iterator_get_next_kernel, shape=_iterator_get_next_shape,
          dtype=_iterator_get_next_dtype, stateful=True)
NotDifferentiable("IteratorGetNext")


# ---------------------------------------------------------------- string handles
def _iterator_to_string_handle_kernel(state, op, resource):
    return np.array(resource.name.encode("utf-8"), dtype=object)


define_op("IteratorToStringHandle", kernel=_iterator_to_string_handle_kernel,
          shape=shapes.scalar_output, dtype=lambda op: dtypes.string, stateful=True)
NotDifferentiable("IteratorToStringHandle")


def _iterator_from_string_handle_kernel(state, op, handle):
    name = np.asarray(handle).item()
    name = name.decode("utf-8") if isinstance(name, bytes) else str(name)
    resource = state.resources.get(name)
    if resource is None:
        raise errors.InvalidArgumentError(
            None, op,
            f"Unknown iterator handle {name!r}: feed the value of an iterator's string_handle() "
            f"computed in this session.\n\t [[node {op.name}]]")
    _check_structure_matches(op, resource)
    return resource


def _check_structure_matches(op, resource: IteratorResource) -> None:
    types, wanted_shapes = op.attrs["output_types"], op.attrs["output_shapes"]
    compatible = (tuple(types) == tuple(resource.output_types) and len(wanted_shapes) == len(
        resource.output_shapes) and all(a.is_compatible_with(b) for a, b in zip(
            wanted_shapes, resource.output_shapes)))
    if not compatible:
        raise errors.InvalidArgumentError(
            None, op,
            f"The iterator of handle {resource.name!r} has output types {resource.output_types} "
            f"and shapes {resource.output_shapes}, but {op.name} expects {types} and "
            f"{wanted_shapes}.\n\t [[node {op.name}]]")


define_op("IteratorFromStringHandleV2", kernel=_iterator_from_string_handle_kernel,
          shape=shapes.scalar_output, dtype=_resource_dtype, stateful=True,
          input_dtypes=[("string_handle", (dtypes.string,))])
NotDifferentiable("IteratorFromStringHandleV2")


# ---------------------------------------------------------------- Iterator
class Iterator(ElementStructure):
    """Reads a dataset in a session: TF1's `tf.data.Iterator`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     limit = tf.placeholder(tf.int64, [])
        ...     iterator = tf.data.Dataset.range(limit).make_initializable_iterator()
        ...     value = iterator.get_next()
        ...     sess.run(iterator.initializer, {limit: 2})
        ...     print(sess.run(value), sess.run(value))
        ...     try:
        ...         sess.run(value)
        ...     except tf.errors.OutOfRangeError as e:
        ...         print(e.message.splitlines()[0])
        0 1
        End of sequence
    """

    def __init__(self, iterator_resource: Tensor, initializer, structure):
        self._iterator_resource = iterator_resource
        self._initializer = initializer
        self._structure = structure

    # ------------------------------------------------------------ making iterators
    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name: Optional[str] = None,
                       output_classes=None) -> "Iterator":
        """An iterator not bound to a dataset: `make_initializer(dataset)` starts it on any
        dataset with these types and compatible shapes.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     train, test = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12)
            ...     it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
            ...     value = it.get_next()
            ...     sess.run(it.make_initializer(test))
            ...     print(sess.run(value))
            10
        """
        structure = structure_of(output_types, output_shapes)
        attrs = {"shared_name": shared_name or "", "container": "", **element_attrs(structure)}
        resource = apply_op("IteratorV2", [], attrs=attrs, name="Iterator")
        return Iterator(resource, None, structure)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None) -> "Iterator":
        """The feedable iterator: at each run it reads the iterator whose `string_handle()`
        value `string_handle` (a string placeholder) is fed.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     handle = tf.placeholder(tf.string, [])
            ...     one, two = tf.data.Dataset.range(3), tf.data.Dataset.range(7, 9)
            ...     it = tf.data.Iterator.from_string_handle(handle, one.output_types)
            ...     value = it.get_next()
            ...     a = one.make_one_shot_iterator().string_handle()
            ...     b = two.make_one_shot_iterator().string_handle()
            ...     a_handle, b_handle = sess.run([a, b])
            ...     handles = (a_handle, b_handle, a_handle)
            ...     print([int(sess.run(value, {handle: h})) for h in handles])
            [0, 7, 1]
        """
        structure = structure_of(output_types, output_shapes)
        with graph_of([string_handle]).as_default():
            handle = convert_to_tensor(string_handle, dtype=dtypes.string)
        resource = apply_op("IteratorFromStringHandleV2", [handle],
                            attrs=element_attrs(structure))
        return Iterator(resource, None, structure)

    # ------------------------------------------------------------ properties
    @property
    def initializer(self):
        """The op (`MakeIterator`) that starts this iterator on its dataset."""
        if self._initializer is None:
            raise ValueError(
                "Iterator does not have an initializer. (A one-shot iterator starts itself; an "
                "iterator made with from_structure starts with make_initializer(dataset).)"
            )
        return self._initializer

    # ------------------------------------------------------------ ops
    def make_initializer(self, dataset, name: Optional[str] = None):
        """The op that starts this iterator on `dataset` (its structure must match)."""
        _check_dataset_matches(self._structure, dataset)
        with name_scope(name, "make_initializer", [dataset._variant_tensor]):
            return apply_op("MakeIterator", [dataset._variant_tensor, self._iterator_resource],
                            name="MakeIterator")

    def get_next(self, name: Optional[str] = None):
        """The next element, as tensors nested like the elements: each run of one of them
        advances the iterator by one element (one `IteratorGetNext` op per call)."""
        outputs = apply_op("IteratorGetNext", [self._iterator_resource],
                           attrs=element_attrs(self._structure), name=name or "IteratorGetNext")
        flat = outputs if isinstance(outputs, list) else [outputs]
        return nest.pack_sequence_as(self._structure, flat)

    def string_handle(self, name: Optional[str] = None) -> Tensor:
        """A string tensor naming this iterator in the session, for `from_string_handle`."""
        return apply_op("IteratorToStringHandle", [self._iterator_resource], name=name)

    def __repr__(self) -> str:
        return f"<minigraph.data.Iterator {self._iterator_resource.op.name!r}>"


def _check_dataset_matches(structure, dataset) -> None:
    try:
        nest.assert_same_structure(structure, dataset._structure)
    except (ValueError, TypeError):
        raise TypeError(
            f"Expected structure {structure!r} but got dataset with structure "
            f"{dataset._structure!r}."
        ) from None
    expected = [s.dtype for s in nest.flatten(structure)]
    got = [s.dtype for s in nest.flatten(dataset._structure)]
    if expected != got:
        raise TypeError(
            f"Expected output types {tuple(expected)} but got dataset with output types "
            f"{tuple(got)}."
        )
    for mine, theirs in zip(nest.flatten(structure), nest.flatten(dataset._structure)):
        if not mine.shape.is_compatible_with(theirs.shape):
            raise TypeError(
                "Expected output shapes compatible with "
                f"{tuple(s.shape for s in nest.flatten(structure))} but got dataset with "
                f"output shapes {tuple(s.shape for s in nest.flatten(dataset._structure))}."
            )


def _stateful_inputs(dataset) -> Optional[object]:
    """The first placeholder or variable the dataset's ops depend on, if any (iteratively)."""
    stack = [dataset._variant_tensor.op]
    seen = set()
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op.type == "Placeholder" or op.op_def.ref_output:
            return op
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return None


# ---------------------------------------------------------------- the module functions
def make_one_shot_iterator(dataset) -> Iterator:
    """An iterator that starts itself on `dataset` at its first run in each session.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     it = tf.data.make_one_shot_iterator(tf.data.Dataset.from_tensors([1, 2]))
        ...     print(sess.run(it.get_next()))
        [1 2]
    """
    captured = _stateful_inputs(dataset)
    if captured is not None and captured.type == "Placeholder":
        raise ValueError(
            f"Cannot capture a placeholder (name:{captured.name}, type:Placeholder) by value. "
            "(A one-shot iterator cannot read feeds: use make_initializable_iterator() and feed "
            "the placeholder when running its initializer.)"
        )
    if captured is not None:
        raise ValueError(
            "Failed to create a one-shot iterator for a dataset. `Dataset."
            "make_one_shot_iterator()` does not support datasets that capture stateful objects, "
            "such as a `Variable` or `LookupTable`. In these cases, use `Dataset."
            "make_initializable_iterator()`. (Original error: Cannot capture a stateful node "
            f"(name:{captured.name}, type:{captured.type}) by value.)"
        )
    attrs = {"container": "", "shared_name": "", **dataset._attrs()}
    resource = apply_op("OneShotIterator", [dataset._variant_tensor], attrs=attrs)
    return Iterator(resource, None, dataset._structure)


def make_initializable_iterator(dataset, shared_name: Optional[str] = None) -> Iterator:
    """An iterator over `dataset` that starts at each run of its `initializer`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.placeholder(tf.float32, [None])
        ...     it = tf.data.make_initializable_iterator(tf.data.Dataset.from_tensor_slices(x))
        ...     sess.run(it.initializer, {x: [4.0, 5.0]})
        ...     print(sess.run(it.get_next()))
        4.0
    """
    attrs = {"shared_name": shared_name or "", "container": "", **dataset._attrs()}
    with graph_of([dataset._variant_tensor]).as_default():
        resource = apply_op("IteratorV2", [], attrs=attrs, name="IteratorV2")
    initializer = apply_op("MakeIterator", [dataset._variant_tensor, resource],
                           name="MakeIterator")
    return Iterator(resource, initializer, dataset._structure)


def get_output_types(dataset_or_iterator):
    """`dataset_or_iterator.output_types` (TF1's `tf.data.get_output_types`)."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """`dataset_or_iterator.output_shapes` (TF1's `tf.data.get_output_shapes`)."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """`dataset_or_iterator.output_classes` (TF1's `tf.data.get_output_classes`)."""
    return dataset_or_iterator.output_classes
