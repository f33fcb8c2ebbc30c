"""Op-table rows for the dataset ops of minigraph/data/dataset_ops.py.

Read with `tests/op_table.py`. A dataset op's output is a pipeline, not an array, so each row
reads the first element of its dataset through an initializable iterator (initialized by a
control dependency in the same run) and compares it with the element computed in numpy. The
iterator ops themselves have rows in `op_rows_iterator_ops.py`.
"""

import numpy as np

import minigraph as tf
from op_table import Arg, OpRow


def first_element(dataset):
    """The first element of `dataset`, initializing its iterator in the same run."""
    iterator = dataset.make_initializable_iterator()
    graph = iterator.initializer.graph
    with graph.control_dependencies([iterator.initializer]):
        return iterator.get_next()


def _slices(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x))


def _tensors(x):
    return first_element(tf.data.Dataset.from_tensors(x))


def _range(n):
    return first_element(tf.data.Dataset.range(n, n + 5, 2))


def _zip(x, y):
    element = first_element(tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(x),
                                                  tf.data.Dataset.from_tensor_slices(y))))
    return list(element)


def _concatenate(x):
    slices = tf.data.Dataset.from_tensor_slices(x)
    return first_element(slices.take(0).concatenate(slices.skip(1)))


def _batch(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).batch(2))


def _repeat(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).skip(2).repeat(3).skip(1))


def _take(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).take(2).batch(5))


def _skip(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).skip(1))


def _prefetch(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).prefetch(1))


def _shuffle(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).shuffle(1, seed=1))


def _map(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x).map(lambda r: tf.exp(r) * x[0]))


def _filter(x):
    slices = tf.data.Dataset.from_tensor_slices(x)
    return first_element(slices.filter(lambda r: tf.reduce_sum(r) > tf.reduce_sum(x[0])))


def _np_filter(x):
    kept = [r for r in x if r.sum() > x[0].sum()]
    return kept[0] if kept else x[0]


ROWS = [
    OpRow("TensorSliceDataset", _slices, [(3, 4)], lambda x: x[0], grad=False),
    OpRow("TensorDataset", _tensors, [(3, 4)], lambda x: x, grad=False),
    OpRow("RangeDataset", _range, [Arg((), 0, 9, np.int64)], lambda n: n, grad=False),
    OpRow("ZipDataset", _zip, [(3, 2), Arg((4,), 0, 9, np.int32)],
          lambda x, y: [x[0], y[0]], grad=False, unknown_shapes=False),
    OpRow("ConcatenateDataset", _concatenate, [(3, 2)], lambda x: x[1], grad=False),
    OpRow("BatchDatasetV2", _batch, [(3, 4)], lambda x: x[:2], grad=False,
          static_shape_known=False),
    OpRow("RepeatDataset", _repeat, [(3, 2)], lambda x: x[2], grad=False),
    OpRow("TakeDataset", _take, [(3, 2)], lambda x: x[:2], grad=False, static_shape_known=False),
    OpRow("SkipDataset", _skip, [(3, 2)], lambda x: x[1], grad=False),
    OpRow("PrefetchDataset", _prefetch, [(3, 2)], lambda x: x[0], grad=False),
    OpRow("MapDataset", _map, [(3, 2)], lambda x: np.exp(x[0]) * x[0], grad=False),
    OpRow("FilterDataset", _filter, [np.array([[0.5, 1.0], [-1.0, 0.2], [2.0, 0.1]])],
          _np_filter, grad=False),
    OpRow("ShuffleDataset", _shuffle, [(3, 2)], lambda x: x[0], grad=False),  # a buffer of one
]
