"""`tf.data.Dataset`: input pipelines as graph ops, TF1's way.

A `Dataset` is a Python object holding one graph tensor of dtype `variant`, made by a dataset
op (`TensorSliceDataset`, `BatchDatasetV2`, `ShuffleDataset`, ...), and the structure of its
elements (`output_types`, `output_shapes`, `output_classes`). Each method builds one more op on
the tensor of the dataset it starts from, at once, in the default graph, as TF1 does:

    x = tf.placeholder(tf.float32, [None, 784])
    dataset = tf.data.Dataset.from_tensor_slices(x).shuffle(1000, seed=1).batch(32)

Running a dataset op computes no elements: its kernel returns a *pipeline*, a small immutable
description of how elements are made (the sliced arrays, then shuffled with these seeds, then
batched by 32), the value of the `variant` tensor. An iterator (`minigraph/data/iterator_ops.py`)
turns a pipeline into elements: its initializer runs the dataset ops (with the feeds of that
run, so a placeholder is read once, at initialization) and starts the pipeline; each run of
`get_next()` then pulls one element. Elements are flat tuples of numpy arrays; the structure
(a tuple, a dict, nested) is rebuilt around the tensors `get_next()` returns.

Each pipeline stage is a class with `iterate(resources)`, which starts the stage (and, as TF's
`MakeIterator` does, the stages below it) and returns a Python iterator over elements.
`resources` belongs to one initialization of one iterator: `shuffle` keeps its seed generator
there, so the epochs of a `repeat` are shuffled differently while a new initialization starts
over. With a seed, `shuffle` gives TensorFlow's own order: TF's buffer algorithm with TF's Philox
stream (see `ShuffleDataset` below).

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default():
    ...     dataset = tf.data.Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0])).batch(2)
    ...     print(dataset)
    ...     print(dataset.output_types, dataset.output_shapes)
    <DatasetV1Adapter shapes: ((?,), (?,)), types: (tf.float32, tf.int32)>
    (tf.float32, tf.int32) (TensorShape([Dimension(None)]), TensorShape([Dimension(None)]))
"""

from __future__ import annotations

import itertools
from typing import Callable, Optional

import numpy as np

from minigraph import dtypes, errors, function_graph, nest, philox, shapes
from minigraph.data import iterator_ops
from minigraph.data.structure import ElementSpec, ElementStructure, element_attrs
from minigraph.graph import graph_of, name_scope
from minigraph.function_graph import TensorSpec
from minigraph.ops import array_ops, random_ops
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import Tensor, apply_op, constant_value, convert_to_tensor


# ---------------------------------------------------------------- element structure
def _spec_of(tensor: Tensor, drop_first: bool = False) -> ElementSpec:
    shape = tensor.shape
    if drop_first:
        shape = shapes.unknown_shape() if shape.ndims is None else shapes.TensorShape(
            shape.as_list()[1:])
    return ElementSpec(tensor.dtype, shape)


class Dataset(ElementStructure):
    """A sequence of elements made by graph ops: TF1's `tf.data.Dataset`.

    Make one with `from_tensor_slices`, `from_tensors`, `range` or `zip`, transform it with
    `map`, `filter`, `shuffle`, `batch`, `repeat`, `take`, `skip`, `prefetch`, and read it
    with an iterator (`make_one_shot_iterator`, `make_initializable_iterator`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     evens = tf.data.Dataset.range(5).filter(lambda i: tf.equal(i % 2, 0))
        ...     dataset = evens.repeat(2)
        ...     element = dataset.make_one_shot_iterator().get_next()
        ...     print([int(sess.run(element)) for _ in range(6)])
        [0, 2, 4, 0, 2, 4]
    """

    def __init__(self, variant_tensor: Tensor, structure):
        self._variant_tensor = variant_tensor
        self._structure = structure  # nested like an element, an ElementSpec per component

    # ------------------------------------------------------------ structure
    @property
    def _flat_specs(self) -> list:
        return nest.flatten(self._structure)

    def _attrs(self) -> dict:
        return element_attrs(self._structure)

    def __repr__(self) -> str:
        shape_text = str(nest.map_structure(str, self.output_shapes)).replace("'", "")
        type_text = str(nest.map_structure(repr, self.output_types)).replace("'", "")
        return f"<DatasetV1Adapter shapes: {shape_text}, types: {type_text}>"

    def __iter__(self):
        raise RuntimeError(
            "dataset.__iter__() is only supported when eager execution is enabled. In graph "
            "mode read a dataset with an iterator: it = dataset.make_one_shot_iterator() (or "
            "make_initializable_iterator()), then sess.run(it.get_next())."
        )

    # ------------------------------------------------------------ sources
    @staticmethod
    def from_tensor_slices(tensors) -> "Dataset":
        """The slices of `tensors` along their first dimension, one element each.

        Args:
            tensors: a tensor, array or list, or a nested structure (tuple, dict) of them,
                all with the same size of their first dimension.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default():
            ...     print(tf.data.Dataset.from_tensor_slices({"x": [[1, 2], [3, 4]]}))
            <DatasetV1Adapter shapes: {x: (2,)}, types: {x: tf.int32}>
        """
        return _tensor_slice_dataset(tensors)

    @staticmethod
    def from_tensors(tensors) -> "Dataset":
        """A dataset of one element: `tensors` (a tensor or a nested structure of them)."""
        return _tensor_dataset(tensors)

    @staticmethod
    def range(*args) -> "Dataset":
        """`range(stop)`, `range(start, stop)` or `range(start, stop, step)`, as int64 scalars.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     it = tf.data.Dataset.range(2, 9, 3).make_one_shot_iterator()
            ...     print([int(sess.run(it.get_next())) for _ in range(3)])
            [2, 5, 8]
        """
        return _range_dataset(*args)

    @staticmethod
    def zip(datasets) -> "Dataset":
        """Elements of several datasets side by side; ends with the shortest.

        Args:
            datasets: a nested structure (tuple, dict) of datasets; an element is the same
                structure of their elements.
        """
        return _zip_dataset(datasets)

    # ------------------------------------------------------------ transformations
    def concatenate(self, dataset: "Dataset") -> "Dataset":
        """The elements of this dataset, then those of `dataset` (same types and structure)."""
        return _concatenate_dataset(self, dataset)

    def batch(self, batch_size, drop_remainder: bool = False) -> "Dataset":
        """Consecutive elements stacked into batches of `batch_size` (the last one smaller,
        unless `drop_remainder`); each component gains a first dimension.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     batches = tf.data.Dataset.range(5).batch(2).make_one_shot_iterator()
            ...     batch = batches.get_next()
            ...     print([sess.run(batch).tolist() for _ in range(3)])
            [[0, 1], [2, 3], [4]]
        """
        return _batch_dataset(self, batch_size, drop_remainder)

    def repeat(self, count=None) -> "Dataset":
        """The dataset `count` times over (None or -1: forever)."""
        return _repeat_dataset(self, count)

    def shuffle(self, buffer_size, seed: Optional[int] = None,
                reshuffle_each_iteration: Optional[bool] = None) -> "Dataset":
        """Elements in random order, drawn from a buffer of `buffer_size` elements.

        The buffer starts with the first `buffer_size` elements; each element produced is a
        random one of the buffer, replaced by the next input element. With `seed` (or a graph
        seed) the order is TensorFlow's own for that seed. With `reshuffle_each_iteration`
        (the default) each pass over the data, such as each epoch of a `repeat()` after it, has
        a new order; each initialization of an iterator starts over from the first order.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     it = tf.data.Dataset.range(10).shuffle(4, seed=3).make_one_shot_iterator()
            ...     value = it.get_next()
            ...     print([int(sess.run(value)) for _ in range(10)])
            [0, 3, 2, 1, 4, 7, 6, 5, 8, 9]
        """
        return _shuffle_dataset(self, buffer_size, seed, reshuffle_each_iteration)

    def take(self, count) -> "Dataset":
        """The first `count` elements (-1: all of them)."""
        return _count_dataset("TakeDataset", self, count)

    def skip(self, count) -> "Dataset":
        """All elements but the first `count` (-1: none)."""
        return _count_dataset("SkipDataset", self, count)

    def prefetch(self, buffer_size) -> "Dataset":
        """The same elements. (TF makes them ahead, on another thread; minigraph runs every op
        in the session's thread, so prefetching changes nothing but the graph.)"""
        return _prefetch_dataset(self, buffer_size)

    def map(self, map_func: Callable, num_parallel_calls=None) -> "Dataset":
        """`map_func` applied to each element.

        `map_func` builds graph ops: it is called once, with tensors standing for the
        components of an element (as separate arguments when the element is a tuple), and
        what it builds runs for every element. It may use tensors and variables of the
        graph around it.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     squares = tf.data.Dataset.range(4).map(lambda i: i * i)
            ...     value = squares.make_one_shot_iterator().get_next()
            ...     print([int(sess.run(value)) for _ in range(4)])
            [0, 1, 4, 9]
        """
        return _map_dataset(self, map_func)

    def filter(self, predicate: Callable) -> "Dataset":
        """The elements for which `predicate` (building graph ops, as for `map`) gives a
        scalar boolean True."""
        return _filter_dataset(self, predicate)

    def apply(self, transformation_func: Callable) -> "Dataset":
        """`transformation_func(self)`, which must return a dataset."""
        dataset = transformation_func(self)
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"`transformation_func` must return a Dataset. Got {dataset!r}."
            )
        return dataset

    # ------------------------------------------------------------ iterators
    def make_one_shot_iterator(self):
        """An iterator over this dataset that initializes itself on its first `get_next()`.

        The dataset may not depend on placeholders or variables (ValueError): use
        `make_initializable_iterator` for those.
        """
        return iterator_ops.make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name: Optional[str] = None):
        """An iterator that starts at each run of its `initializer` (with that run's feeds)."""
        return iterator_ops.make_initializable_iterator(self, shared_name)


# ---------------------------------------------------------------- the ops' shared parts
def _variant_dtype(op):
    """Every dataset op outputs one scalar `variant`: its pipeline."""
    return dtypes.variant


def _check_count(value, what: str, minimum: int) -> int:
    value = int(np.asarray(value))
    if value < minimum:
        raise errors.InvalidArgumentError(None, None, f"{what}, got {value}.")
    return value


_INT64 = (dtypes.int64,)


def _int64_scalar(value, name: str) -> Tensor:
    tensor = convert_to_tensor(value, dtype=dtypes.int64, name=name)
    if tensor.shape.ndims not in (None, 0):
        raise ValueError(f"{name} must be a scalar, got a tensor of shape {tensor.shape}.")
    return tensor


def _tensors_in(structure) -> list:
    """The tensors anywhere in `structure` (for the graph a dataset op goes into)."""
    return [t for t in nest.flatten(structure) if isinstance(t, Tensor)]


def _parts(value) -> list:
    return [value[key] for key in sorted(value)] if isinstance(value, dict) else list(value)


def _rebuilt(value, items: list):
    if isinstance(value, dict):
        by_key = dict(zip(sorted(value), items))
        return type(value)((key, by_key[key]) for key in value)
    if hasattr(value, "_fields"):
        return type(value)(*items)
    return tuple(items)


def _as_tensor(value) -> Tensor:
    return value if isinstance(value, Tensor) else convert_to_tensor(value)


def _map_values(structure, fn: Callable):
    """`structure` with `fn` applied to each value, where tuples (namedtuples too) and dicts
    are structures and everything else, a list included, is a value (TF1's tf.data rule)."""
    def is_structure(value) -> bool:
        return isinstance(value, (tuple, dict))

    if not is_structure(structure):
        return fn(structure)
    stack = [(structure, _parts(structure), [])]
    while True:
        node, parts, built = stack[-1]
        if len(built) == len(parts):
            stack.pop()
            value = _rebuilt(node, built)
            if not stack:
                return value
            stack[-1][2].append(value)
            continue
        child = parts[len(built)]
        if is_structure(child):
            stack.append((child, _parts(child), []))
        else:
            built.append(fn(child))


def _components(structure) -> tuple:
    """A dataset argument as (its structure of tensors, the flat tensors).

    As in TF1's tf.data, tuples and dicts are structures and a list is one value, a tensor:
    `from_tensor_slices([1, 2, 3])` has scalar elements, not three components.
    """
    tensors = _map_values(structure, _as_tensor)
    return tensors, nest.flatten(tensors)


# ---------------------------------------------------------------- TensorSliceDataset
def _tensor_slice_dataset(tensors) -> Dataset:
    with name_scope(None, "TensorSliceDataset", _tensors_in(tensors)) as scope:
        structured, flat = _components(tensors)
        if not flat:
            raise ValueError("from_tensor_slices needs at least one tensor.")
        _check_slices(flat)
        spec = nest.map_structure(lambda t: _spec_of(t, drop_first=True), structured)
        variant = apply_op("TensorSliceDataset", flat, attrs=element_attrs(spec),
                           name=scope)
    return Dataset(variant, spec)


def _check_slices(flat) -> None:
    first = None
    for t in flat:
        if t.shape.ndims == 0:
            raise ValueError(
                f"from_tensor_slices slices its tensors along their first dimension, but "
                f"{t!r} is a scalar; use Dataset.from_tensors for a single element."
            )
        size = None if t.shape.ndims is None else t.shape.as_list()[0]
        if size is not None and first is not None and size != first[1]:
            raise ValueError(
                f"Dimensions {first[1]} and {size} are not compatible: every component of "
                f"from_tensor_slices needs the same first dimension ({first[0]!r} has "
                f"{first[1]}, {t!r} has {size})."
            )
        if size is not None and first is None:
            first = (t, size)


class TensorSlices:
    """Pipeline: slice `i` of every component, for each `i` along the first dimension."""

    def __init__(self, components: tuple):
        self.components = components

    def iterate(self, resources: dict):
        return zip(*[iter(c) for c in self.components])


def _tensor_slice_dataset_kernel(*components, output_types, output_shapes):
    arrays = tuple(np.array(c, copy=True) for c in components)
    sizes = {a.shape[0] for a in arrays}
    if len(sizes) > 1:
        raise ValueError(
            f"Dimensions {sorted(sizes)} are not compatible: every component of "
            "from_tensor_slices needs the same first dimension."
        )
    return TensorSlices(arrays)


define_op("TensorSliceDataset", kernel=_tensor_slice_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype)
NotDifferentiable("TensorSliceDataset")


# ---------------------------------------------------------------- TensorDataset
def _tensor_dataset(tensors) -> Dataset:
    with name_scope(None, "TensorDataset", _tensors_in(tensors)) as scope:
        structured, flat = _components(tensors)
        spec = nest.map_structure(_spec_of, structured)
        variant = apply_op("TensorDataset", flat, attrs=element_attrs(spec), name=scope)
    return Dataset(variant, spec)


class OneElement:
    """Pipeline: one element, the given components."""

    def __init__(self, components: tuple):
        self.components = components

    def iterate(self, resources: dict):
        return iter([self.components])


def _tensor_dataset_kernel(*components, output_types, output_shapes):
    return OneElement(tuple(np.array(c, copy=True) for c in components))


define_op("TensorDataset", kernel=_tensor_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype)
NotDifferentiable("TensorDataset")


# ---------------------------------------------------------------- RangeDataset
def _range_dataset(*args) -> Dataset:
    if not 1 <= len(args) <= 3:
        raise ValueError(f"Dataset.range takes 1 to 3 arguments (start, stop, step), got {args}.")
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
    with graph_of(_tensors_in([start, stop, step])).as_default():
        inputs = [_int64_scalar(start, "start"), _int64_scalar(stop, "stop"),
                  _int64_scalar(step, "step")]
        attrs = {"output_types": (dtypes.int64,), "output_shapes": (shapes.TensorShape([]),)}
        variant = apply_op("RangeDataset", inputs, attrs=attrs)
    return Dataset(variant, ElementSpec(dtypes.int64, shapes.TensorShape([])))


class Range:
    """Pipeline: `start, start + step, ...` up to `stop` (excluded), int64 scalars."""

    def __init__(self, start: int, stop: int, step: int):
        self.start, self.stop, self.step = start, stop, step

    def iterate(self, resources: dict):
        return ((np.array(i, np.int64),) for i in range(self.start, self.stop, self.step))


def _range_dataset_kernel(start, stop, step, *, output_types, output_shapes):
    step = int(step)
    if step == 0:
        raise ValueError("step must be a non-zero integer.")
    return Range(int(start), int(stop), step)


define_op("RangeDataset", kernel=_range_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype,
          input_dtypes=[("start", _INT64), ("stop", _INT64), ("step", _INT64)])
NotDifferentiable("RangeDataset")


# ---------------------------------------------------------------- ZipDataset
def _zip_dataset(datasets) -> Dataset:
    flat = nest.flatten(datasets)
    for d in flat:
        if not isinstance(d, Dataset):
            raise TypeError(
                f"The argument to `Dataset.zip()` must be a (nested) structure of `Dataset` "
                f"objects, got {d!r}."
            )
    spec = nest.map_structure(lambda d: d._structure, datasets)
    variant = apply_op("ZipDataset", [d._variant_tensor for d in flat],
                       attrs={"N": len(flat), **element_attrs(spec)})
    return Dataset(variant, spec)


class Zip:
    """Pipeline: the elements of several pipelines side by side, up to the shortest."""

    def __init__(self, pipelines: tuple):
        self.pipelines = pipelines

    def iterate(self, resources: dict):
        iterators = [p.iterate(resources) for p in self.pipelines]
        return (tuple(itertools.chain.from_iterable(parts)) for parts in zip(*iterators))


def _zip_dataset_kernel(*pipelines, N, output_types, output_shapes):  # noqa: N803 - TF's attr
    return Zip(pipelines)


define_op("ZipDataset", kernel=_zip_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype)
NotDifferentiable("ZipDataset")


# ---------------------------------------------------------------- ConcatenateDataset
def _concatenate_dataset(first: Dataset, second: Dataset) -> Dataset:
    if not isinstance(second, Dataset):
        raise TypeError(f"concatenate needs a Dataset, got {second!r}.")
    try:
        nest.assert_same_structure(first._structure, second._structure)
    except (ValueError, TypeError):
        raise TypeError(
            f"Two datasets to concatenate have different structures: {first._structure!r} "
            f"and {second._structure!r}."
        ) from None
    if first.output_types != second.output_types:
        raise TypeError(
            f"Two datasets to concatenate have different types {first.output_types} and "
            f"{second.output_types}"
        )
    spec = nest.map_structure(
        lambda a, b: ElementSpec(a.dtype, _most_specific(a.shape, b.shape)),
        first._structure, second._structure)
    variant = apply_op("ConcatenateDataset", [first._variant_tensor, second._variant_tensor],
                       attrs=element_attrs(spec))
    return Dataset(variant, spec)


def _most_specific(a, b) -> shapes.TensorShape:
    """The shape both `a` and `b` fit: dims that differ become unknown."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return shapes.unknown_shape()
    return shapes.TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


class Concatenate:
    """Pipeline: the elements of one pipeline, then another's."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def iterate(self, resources: dict):
        first = self.first.iterate(resources)

        def elements():
            yield from first
            yield from self.second.iterate(resources)

        return elements()


def _concatenate_dataset_kernel(first, second, *, output_types, output_shapes):
    return Concatenate(first, second)


define_op("ConcatenateDataset", kernel=_concatenate_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype)
NotDifferentiable("ConcatenateDataset")


# ---------------------------------------------------------------- BatchDatasetV2
def _batch_dataset(dataset: Dataset, batch_size, drop_remainder) -> Dataset:
    with graph_of([dataset._variant_tensor]).as_default():
        size = _int64_scalar(batch_size, "batch_size")
        drop = convert_to_tensor(drop_remainder, dtype=dtypes.bool, name="drop_remainder")
    known_size = constant_value(size)
    known_drop = constant_value(drop)
    batch_dim = int(known_size) if known_size is not None and known_drop else None

    def batched(spec):
        inner = spec.shape
        shape = (shapes.TensorShape([batch_dim]).concatenate(inner) if inner.ndims is not None
                 else shapes.unknown_shape())
        return ElementSpec(spec.dtype, shape)

    spec = nest.map_structure(batched, dataset._structure)
    variant = apply_op("BatchDatasetV2", [dataset._variant_tensor, size, drop],
                       attrs={"parallel_copy": False, **element_attrs(spec)})
    return Dataset(variant, spec)


def _stack(elements: list) -> tuple:
    """The components of `elements` stacked: one array per component, batch dimension first."""
    stacked = []
    for index, parts in enumerate(zip(*elements)):
        first = np.shape(parts[0])
        for position, part in enumerate(parts):
            if np.shape(part) != first:
                raise ValueError(
                    f"Cannot batch tensors with different shapes in component {index}. First "
                    f"element had shape {list(first)} and element {position} had shape "
                    f"{list(np.shape(part))}. (Pad or resize them to one shape before "
                    "batching, e.g. in Dataset.map.)"
                )
        stacked.append(np.stack(parts))
    return tuple(stacked)


class Batch:
    """Pipeline: consecutive elements of a pipeline stacked `size` at a time."""

    def __init__(self, pipeline, size: int, drop_remainder: bool):
        self.pipeline, self.size, self.drop_remainder = pipeline, size, drop_remainder

    def iterate(self, resources: dict):
        elements = self.pipeline.iterate(resources)

        def batches():
            while True:
                chunk = list(itertools.islice(elements, self.size))
                if not chunk or (self.drop_remainder and len(chunk) < self.size):
                    return
                yield _stack(chunk)

        return batches()


def _batch_dataset_kernel(pipeline, batch_size, drop_remainder, *, parallel_copy, output_types,
                          output_shapes):
    size = _check_count(batch_size, "Batch size must be greater than zero", 1)
    return Batch(pipeline, size, bool(drop_remainder))


define_op("BatchDatasetV2", kernel=_batch_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype,
          input_dtypes=[None, ("batch_size", _INT64), ("drop_remainder", (dtypes.bool,))])
NotDifferentiable("BatchDatasetV2")


# ---------------------------------------------------------------- RepeatDataset
def _same_dataset_op(op_type: str, dataset: Dataset, inputs: list, attrs=None) -> Dataset:
    """A dataset op whose elements are those of `dataset`'s kind (same structure)."""
    all_attrs = dict(dataset._attrs())
    all_attrs.update(attrs or {})
    variant = apply_op(op_type, [dataset._variant_tensor] + inputs, attrs=all_attrs)
    return Dataset(variant, dataset._structure)


def _repeat_dataset(dataset: Dataset, count) -> Dataset:
    with graph_of([dataset._variant_tensor]).as_default():
        count = _int64_scalar(-1 if count is None else count, "count")
    return _same_dataset_op("RepeatDataset", dataset, [count])


class Repeat:
    """Pipeline: a pipeline started over `count` times (-1: forever; an empty pass ends it)."""

    def __init__(self, pipeline, count: int):
        self.pipeline, self.count = pipeline, count

    def iterate(self, resources: dict):
        def elements():
            epoch = 0
            while self.count < 0 or epoch < self.count:
                produced = False
                for element in self.pipeline.iterate(resources):
                    produced = True
                    yield element
                if not produced:
                    return
                epoch += 1

        return elements()


def _repeat_dataset_kernel(pipeline, count, *, output_types, output_shapes):
    return Repeat(pipeline, int(count))


define_op("RepeatDataset", kernel=_repeat_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, input_dtypes=[None, ("count", _INT64)])
NotDifferentiable("RepeatDataset")


# ---------------------------------------------------------------- TakeDataset, SkipDataset
def _count_dataset(op_type: str, dataset: Dataset, count) -> Dataset:
    with graph_of([dataset._variant_tensor]).as_default():
        count = _int64_scalar(count, "count")
    return _same_dataset_op(op_type, dataset, [count])


class Take:
    """Pipeline: the first `count` elements of a pipeline (all if `count` < 0)."""

    def __init__(self, pipeline, count: int):
        self.pipeline, self.count = pipeline, count

    def iterate(self, resources: dict):
        elements = self.pipeline.iterate(resources)
        return elements if self.count < 0 else itertools.islice(elements, self.count)


class Skip:
    """Pipeline: a pipeline's elements after the first `count` (none if `count` < 0)."""

    def __init__(self, pipeline, count: int):
        self.pipeline, self.count = pipeline, count

    def iterate(self, resources: dict):
        elements = self.pipeline.iterate(resources)
        if self.count < 0:
            return iter(())
        return itertools.islice(elements, self.count, None)


def _take_dataset_kernel(pipeline, count, *, output_types, output_shapes):
    return Take(pipeline, int(count))


def _skip_dataset_kernel(pipeline, count, *, output_types, output_shapes):
    return Skip(pipeline, int(count))


define_op("TakeDataset", kernel=_take_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, input_dtypes=[None, ("count", _INT64)])
NotDifferentiable("TakeDataset")
define_op("SkipDataset", kernel=_skip_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, input_dtypes=[None, ("count", _INT64)])
NotDifferentiable("SkipDataset")


# ---------------------------------------------------------------- PrefetchDataset
def _prefetch_dataset(dataset: Dataset, buffer_size) -> Dataset:
    with graph_of([dataset._variant_tensor]).as_default():
        size = _int64_scalar(buffer_size, "buffer_size")
    return _same_dataset_op("PrefetchDataset", dataset, [size])


def _prefetch_dataset_kernel(pipeline, buffer_size, *, output_types, output_shapes):
    return pipeline  # the same elements (see Dataset.prefetch)


define_op("PrefetchDataset", kernel=_prefetch_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, input_dtypes=[None, ("buffer_size", _INT64)])
NotDifferentiable("PrefetchDataset")


# ---------------------------------------------------------------- ShuffleDataset
def _shuffle_dataset(dataset: Dataset, buffer_size, seed, reshuffle) -> Dataset:
    seed1, seed2 = random_ops.get_seed(seed)
    with graph_of([dataset._variant_tensor]).as_default():
        size = _int64_scalar(buffer_size, "buffer_size")
        seed_tensor = _int64_scalar(seed1 or 0, "seed")
        seed2_tensor = _int64_scalar(seed2 or 0, "seed2")
    reshuffle = True if reshuffle is None else bool(reshuffle)
    return _same_dataset_op("ShuffleDataset", dataset, [size, seed_tensor, seed2_tensor],
                            {"reshuffle_each_iteration": reshuffle})


def _philox_words(seed: int, seed2: int):
    """TF's `SingleSampleAdapter<PhiloxRandom>(seed, seed2)`: its 32-bit words one by one."""
    stream = philox.PhiloxStream(seed, seed2)
    counter = stream.counter
    while True:
        for word in philox.blocks(stream.key, counter, np.arange(64)).reshape(-1):
            yield int(word)
        counter += 64


class Shuffle:
    """Pipeline: TF's shuffle buffer over a pipeline.

    TF's algorithm, step for step, so a seed gives TF's order: fill a ring buffer with up to
    `buffer_size` elements; produce the one at a random offset `word % count` from the oldest
    and move the oldest into its place; refill. The words come from a Philox stream seeded
    with `(seed, seed2)` when each pass over the data starts: with `reshuffle`, those seeds are
    drawn, two words per pass, from a seed generator (itself a Philox stream of the dataset's
    seeds) kept in `resources`, so every pass is new and a fresh initialization starts over.
    """

    def __init__(self, pipeline, size: int, seeds: tuple, reshuffle: bool):
        self.pipeline, self.size, self.seeds, self.reshuffle = pipeline, size, seeds, reshuffle

    def _pass_seeds(self, resources: dict) -> tuple:
        if not self.reshuffle:
            return self.seeds
        generator = resources.get(id(self))
        if generator is None:
            generator = resources[id(self)] = _philox_words(*self.seeds)
        return next(generator), next(generator)

    def iterate(self, resources: dict):
        words = _philox_words(*self._pass_seeds(resources))
        return self._elements(resources, words)

    def _elements(self, resources: dict, words):
        source = self.pipeline.iterate(resources)
        buffer = [None] * self.size
        start = end = 0
        exhausted = False
        while True:
            while not exhausted and end - start < self.size:
                element = next(source, None)
                if element is None:
                    exhausted = True
                    break
                buffer[end % self.size] = element
                end += 1
            if end == start:
                return
            index = (start + next(words) % (end - start)) % self.size
            yield buffer[index]
            buffer[index] = buffer[start % self.size]
            start += 1


def _shuffle_dataset_kernel(state, op, pipeline, buffer_size, seed, seed2):
    size = _check_count(buffer_size, "buffer_size must be greater than zero", 1)
    seeds = (int(seed), int(seed2))
    if seeds == (0, 0):  # TF's convention: no seed at all means fresh random seeds
        seeds = (philox.random_bits(63), philox.random_bits(63))
    return Shuffle(pipeline, size, seeds, op.attrs["reshuffle_each_iteration"])


# NOTE: stateful, so never folded into a plan: without a seed each run draws new seeds.
define_op("ShuffleDataset", kernel=_shuffle_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, stateful=True,
          input_dtypes=[None, ("buffer_size", _INT64), ("seed", _INT64), ("seed2", _INT64)])
NotDifferentiable("ShuffleDataset")


# ---------------------------------------------------------------- MapDataset
def _function_args(structure) -> list:
    """The arguments a dataset function is called with: a tuple element's components one by
    one (TF1 unpacks a plain tuple), any other element as one argument."""
    specs = nest.map_structure(lambda spec: TensorSpec(spec.shape, spec.dtype), structure)
    return list(specs) if type(specs) is tuple else [specs]


def _list_to_tensor(value):
    """A list returned by a dataset function as one tensor (TF1's tf.data: lists are values)."""
    if not isinstance(value, list):
        return value
    if any(isinstance(v, Tensor) for v in value):
        return array_ops.stack(value)
    return convert_to_tensor(value)


def _trace_dataset_function(fn: Callable, dataset: Dataset, what: str, scope: str):
    """`fn` traced once on tensors standing for an element of `dataset`."""
    def call(*args):
        return _map_values(fn(*args), _list_to_tensor)

    return function_graph.trace(call, _function_args(dataset._structure), name=what, scope=scope)


def _map_dataset(dataset: Dataset, map_func: Callable) -> Dataset:
    with name_scope(None, "MapDataset", [dataset._variant_tensor]) as scope:
        graph = _trace_dataset_function(map_func, dataset, "map_func", scope)
        spec = nest.pack_sequence_as(graph.structured_outputs,
                                     [ElementSpec(t.dtype, t.shape) for t in graph.outputs])
        attrs = {"f": graph, **element_attrs(spec)}
        variant = _function_op("MapDataset", dataset, graph, attrs, scope)
    return Dataset(variant, spec)


def _function_op(op_type: str, dataset: Dataset, graph, attrs: dict, scope: str) -> Tensor:
    """The op of a dataset holding the function `graph`: it takes the tensors and variables
    the function uses as inputs, and runs after the ops it names in control dependencies."""
    with dataset._variant_tensor.graph.control_dependencies(graph.control_captures):
        return apply_op(op_type, [dataset._variant_tensor] + graph.external_inputs(),
                        attrs=attrs, name=scope)


class Map:
    """Pipeline: a compiled function applied to each element of a pipeline."""

    def __init__(self, pipeline, function, captured: list):
        self.pipeline, self.function, self.captured = pipeline, function, captured

    def iterate(self, resources: dict):
        function, captured = self.function, self.captured
        return (tuple(function(list(element) + captured))
                for element in self.pipeline.iterate(resources))


def _bind_function_dataset(pipeline_class):
    """The `bind` hook of a dataset op holding a function (attr "f"): its plan is compiled
    once, with the plan holding the op, for that plan's session."""
    def bind(op, state, reads, passes):
        graph = op.attrs["f"]
        function = function_graph.FunctionPlan(graph, state, passes)
        positions = function_graph.capture_positions(graph, op.inputs[1:])

        def kernel(pipeline, *external):
            return pipeline_class(pipeline, function, [external[i] for i in positions])

        return kernel

    return bind


def _function_dataset_kernel(state, op, *inputs):
    raise errors.InternalError(None, op, f"{op.type} runs through its bind hook.")


define_op("MapDataset", kernel=_function_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, stateful=True, bind=_bind_function_dataset(Map))
NotDifferentiable("MapDataset")


# ---------------------------------------------------------------- FilterDataset
def _filter_dataset(dataset: Dataset, predicate: Callable) -> Dataset:
    with name_scope(None, "FilterDataset", [dataset._variant_tensor]) as scope:
        graph = _trace_dataset_function(predicate, dataset, "predicate", scope)
        outputs = graph.outputs
        if len(outputs) != 1 or outputs[0].dtype != dtypes.bool or \
                not outputs[0].shape.is_compatible_with(shapes.TensorShape([])):
            found = [f"{t.dtype.name} {t.shape}" for t in outputs]
            raise ValueError(
                f"`predicate` return type must be convertible to a scalar boolean tensor. Was "
                f"{found} (return e.g. tf.equal(label, 1) or tf.reduce_any(...))."
            )
        attrs = {"f": graph, **dataset._attrs()}
        variant = _function_op("FilterDataset", dataset, graph, attrs, scope)
    return Dataset(variant, dataset._structure)


class Filter:
    """Pipeline: the elements of a pipeline for which a compiled predicate is True."""

    def __init__(self, pipeline, function, captured: list):
        self.pipeline, self.function, self.captured = pipeline, function, captured

    def iterate(self, resources: dict):
        function, captured = self.function, self.captured
        return (element for element in self.pipeline.iterate(resources)
                if bool(function(list(element) + captured)[0]))


define_op("FilterDataset", kernel=_function_dataset_kernel, shape=shapes.scalar_output,
          dtype=_variant_dtype, stateful=True, bind=_bind_function_dataset(Filter))
NotDifferentiable("FilterDataset")
