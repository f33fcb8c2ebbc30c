"""Op-table rows for the iterator ops of minigraph/data/iterator_ops.py: `IteratorV2`,
`MakeIterator` and `IteratorGetNext` (an initializable iterator), `OneShotIterator`, and the
string handles of the feedable iterator.

Read with `tests/op_table.py`; each row's output is the first element of a dataset.
"""


import minigraph as tf
from op_rows_dataset_ops import first_element
from op_table import OpRow


def _initializable(x):
    return first_element(tf.data.Dataset.from_tensor_slices(x))


def _one_shot(x):
    """A one-shot iterator may not read a placeholder: its dataset is constant, added to x."""
    element = tf.data.Dataset.range(3, 6).make_one_shot_iterator().get_next()
    return x + tf.cast(element, x.dtype)


def _through_a_handle(x):
    iterator = tf.data.Dataset.from_tensor_slices(x).make_initializable_iterator()
    feedable = tf.data.Iterator.from_string_handle(iterator.string_handle(), x.dtype,
                                                   x.shape[1:])
    with x.graph.control_dependencies([iterator.initializer]):
        return feedable.get_next()


ROWS = [
    OpRow("IteratorV2", _initializable, [(3, 4)], lambda x: x[0], grad=False),
    OpRow("MakeIterator", _initializable, [(3, 4)], lambda x: x[0], grad=False),
    OpRow("IteratorGetNext", _initializable, [(3, 4)], lambda x: x[0], grad=False),
    OpRow("OneShotIterator", _one_shot, [(2, 3)], lambda x: x + 3.0, grad=False),
    OpRow("IteratorToStringHandle", _through_a_handle, [(3, 2)], lambda x: x[0], grad=False),
    OpRow("IteratorFromStringHandleV2", _through_a_handle, [(3, 2)], lambda x: x[0],
          grad=False),
]
