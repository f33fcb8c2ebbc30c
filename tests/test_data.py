"""`tf.data`: datasets and iterators against TensorFlow and against plain Python.

The pipelines of `tests/golden/data_cases.py` give TensorFlow's elements, in TensorFlow's
order for the seeded shuffles (recorded with tensorflow-cpu 2.21.0 through `tf.compat.v1` by
`/work/peers/bin/python tests/golden/make_data_goldens.py` into `data_goldens.json`). The rest
checks the iterators: initialization with feeds, the end of a dataset, sessions that iterate
independently, feedable and reinitializable iterators, and TF1's errors.
"""

import json
import pathlib
import sys

import numpy as np
import pytest

import minigraph as tf

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))

import data_cases  # noqa: E402

REFERENCE = json.loads((GOLDEN / "data_goldens.json").read_text(encoding="utf-8"))


def _read_all(sess, element, feed=None, limit=1000) -> list:
    values = []
    for _ in range(limit):
        try:
            values.append(sess.run(element, feed))
        except tf.errors.OutOfRangeError:
            return values
    raise AssertionError(f"the dataset did not end after {limit} elements")


def test_the_goldens_were_made_with_tensorflow():
    assert REFERENCE["tensorflow"] == "2.21.0"
    assert set(REFERENCE["cases"]) == set(data_cases.CASES)


@pytest.mark.parametrize("name", sorted(data_cases.CASES))
def test_a_pipeline_gives_tensorflows_elements_in_tensorflows_order(name):
    assert data_cases.run_case(tf, name) == REFERENCE["cases"][name]


# ---------------------------------------------------------------- against plain Python
def test_batch_repeat_take_skip_against_python():
    data = list(range(11))
    dataset = tf.data.Dataset.from_tensor_slices(data).skip(2).repeat(2).take(15).batch(4)
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        batches = [b.tolist() for b in _read_all(sess, element)]
    flat = (data[2:] * 2)[:15]
    assert batches == [flat[i:i + 4] for i in range(0, 15, 4)]


def test_shuffle_is_a_permutation_per_epoch_and_each_epoch_differs():
    dataset = tf.data.Dataset.range(50).shuffle(10, seed=1).repeat(3)
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        values = [int(v) for v in _read_all(sess, element)]
    epochs = [values[i * 50:(i + 1) * 50] for i in range(3)]
    for epoch in epochs:
        assert sorted(epoch) == list(range(50))
        assert all(v <= i + 9 for i, v in enumerate(epoch))  # a buffer of 10: no look-ahead
    assert epochs[0] != epochs[1] != epochs[2]


def test_an_unseeded_shuffle_differs_between_initializations():
    iterator = tf.data.Dataset.range(30).shuffle(30).make_initializable_iterator()
    element = iterator.get_next()
    orders = []
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(iterator.initializer)
            orders.append([int(v) for v in _read_all(sess, element)])
    assert all(sorted(order) == list(range(30)) for order in orders)
    assert len({tuple(order) for order in orders}) > 1


# ---------------------------------------------------------------- iterators
def test_an_initializable_iterator_reads_its_feeds_at_initialization():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    dataset = tf.data.Dataset.from_tensor_slices(x).batch(2)
    iterator = dataset.make_initializable_iterator()
    batch = iterator.get_next()
    assert batch.shape.as_list() == [None, 2] and batch.dtype == tf.float32
    assert batch.op.type == "IteratorGetNext" and iterator.initializer.type == "MakeIterator"
    data = np.arange(10.0).reshape(5, 2)
    with tf.Session() as sess:
        sess.run(iterator.initializer, {x: data})
        data[:] = -1  # the dataset copied what it was fed
        first = sess.run(batch)
        np.testing.assert_array_equal(first, [[0, 1], [2, 3]])
        assert len(_read_all(sess, batch)) == 2
        sess.run(iterator.initializer, {x: np.ones((3, 2))})  # starts over on new data
        np.testing.assert_array_equal(sess.run(batch), np.ones((2, 2)))


def test_the_end_of_a_dataset_is_out_of_range_and_stays_so():
    iterator = tf.data.Dataset.range(2).make_one_shot_iterator()
    element = iterator.get_next()
    with tf.Session() as sess:
        assert [sess.run(element) for _ in range(2)] == [0, 1]
        for _ in range(2):
            with pytest.raises(tf.errors.OutOfRangeError) as info:
                sess.run(element)
            assert info.value.message.startswith("End of sequence")
            assert info.value.op is element.op


def test_two_sessions_iterate_independently():
    element = tf.data.Dataset.range(5).make_one_shot_iterator().get_next()
    with tf.Session() as first, tf.Session() as second:
        assert [first.run(element) for _ in range(3)] == [0, 1, 2]
        assert [second.run(element) for _ in range(2)] == [0, 1]
        assert first.run(element) == 3


def test_every_get_next_op_advances_the_one_iterator():
    iterator = tf.data.Dataset.range(6).make_one_shot_iterator()
    a, b = iterator.get_next(), iterator.get_next()
    with tf.Session() as sess:
        assert sess.run(a) == 0 and sess.run(b) == 1
        assert sess.run([a, a]) == [2, 2]  # one op, run once per Session.run


def test_nested_elements_come_back_nested():
    dataset = tf.data.Dataset.from_tensor_slices(
        ({"image": np.zeros((4, 2, 2), np.float32), "id": np.arange(4)}, np.arange(4.0)))
    assert dataset.output_types == ({"id": tf.int64, "image": tf.float32}, tf.float64)
    assert str(dataset.output_shapes) == "({'image': TensorShape([Dimension(2), " \
        "Dimension(2)]), 'id': TensorShape([])}, TensorShape([]))"  # the keys' order kept
    assert dataset.output_classes == ({"id": tf.Tensor, "image": tf.Tensor}, tf.Tensor)
    features, label = dataset.batch(3).make_one_shot_iterator().get_next()
    assert sorted(features) == ["id", "image"]
    with tf.Session() as sess:
        values = sess.run([features, label])
    assert values[0]["image"].shape == (3, 2, 2) and values[1].tolist() == [0.0, 1.0, 2.0]


def test_reinitializable_iterator_switches_between_datasets():
    train = tf.data.Dataset.range(10).batch(4)
    test = tf.data.Dataset.range(100, 103).batch(4)
    iterator = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    batch = iterator.get_next()
    train_init, test_init = iterator.make_initializer(train), iterator.make_initializer(test)
    with tf.Session() as sess:
        sess.run(train_init)
        assert sess.run(batch).tolist() == [0, 1, 2, 3]
        sess.run(test_init)
        assert [b.tolist() for b in _read_all(sess, batch)] == [[100, 101, 102]]
    with pytest.raises(TypeError, match="Expected output types \\(tf.int64,\\) but got "
                                        "dataset with output types \\(tf.float32,\\)"):
        iterator.make_initializer(tf.data.Dataset.from_tensors([1.0]))
    with pytest.raises(ValueError, match="does not have an initializer"):
        iterator.initializer  # noqa: B018


def test_feedable_iterator_reads_the_iterator_whose_handle_is_fed():
    handle = tf.placeholder(tf.string, [])
    train = tf.data.Dataset.range(100).repeat()
    valid = tf.data.Dataset.range(-3, 0)
    iterator = tf.data.Iterator.from_string_handle(handle, train.output_types,
                                                   train.output_shapes)
    element = iterator.get_next()
    train_it, valid_it = train.make_one_shot_iterator(), valid.make_initializable_iterator()
    with tf.Session() as sess:
        train_handle, valid_handle = sess.run([train_it.string_handle(),
                                               valid_it.string_handle()])
        sess.run(valid_it.initializer)
        assert [sess.run(element, {handle: train_handle}) for _ in range(2)] == [0, 1]
        assert _read_all(sess, element, {handle: valid_handle}) == [-3, -2, -1]
        assert sess.run(element, {handle: train_handle}) == 2
        with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown iterator handle"):
            sess.run(element, {handle: b"nonsense"})


# ---------------------------------------------------------------- errors
def test_tf1_errors_with_what_to_do():
    x = tf.placeholder(tf.float32, [None])
    with pytest.raises(ValueError, match="Cannot capture a placeholder \\(name:Placeholder, "
                                         "type:Placeholder\\) by value"):
        tf.data.Dataset.from_tensor_slices(x).make_one_shot_iterator()
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="does not support datasets that capture stateful"):
        tf.data.Dataset.from_tensor_slices(v).make_one_shot_iterator()
    with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(2)))
    with pytest.raises(RuntimeError, match="only supported when eager execution is enabled"):
        iter(tf.data.Dataset.range(3))
    iterator = tf.data.Dataset.from_tensor_slices(x).make_initializable_iterator()
    element = iterator.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="GetNext\\(\\) failed because the iterator has not been "
                                 "initialized"):
            sess.run(element)
        with pytest.raises(tf.errors.InvalidArgumentError, match="You must feed a value for "
                                                                 "placeholder tensor"):
            sess.run(iterator.initializer)
    zero_batch = tf.data.Dataset.range(3).batch(tf.placeholder_with_default(np.int64(0), []))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Batch size must be greater than zero"):
            sess.run(zero_batch.make_initializable_iterator().initializer)


def test_batching_elements_of_different_shapes_names_the_component():
    dataset = tf.data.Dataset.from_tensors(np.zeros(3)).concatenate(
        tf.data.Dataset.from_tensors(np.zeros(2))).batch(2)
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Cannot batch tensors with different shapes in component 0. "
                                 "First element had shape \\[3\\] and element 1 had shape "
                                 "\\[2\\]"):
            sess.run(element)


def test_reprs_are_tf1s():
    dataset = tf.data.Dataset.from_tensor_slices((np.zeros((4, 3), np.float32), np.arange(4)))
    assert repr(dataset) == "<DatasetV1Adapter shapes: ((3,), ()), types: (tf.float32, tf.int64)>"
    assert repr(dataset.batch(2)) == \
        "<DatasetV1Adapter shapes: ((?, 3), (?,)), types: (tf.float32, tf.int64)>"
    assert repr(tf.data.Dataset.range(3).batch(2, drop_remainder=True)) == \
        "<DatasetV1Adapter shapes: (2,), types: tf.int64>"


# ---------------------------------------------------------------- map and filter
def test_map_is_traced_once_and_reads_variables_when_each_element_is_made():
    calls = []
    scale = tf.Variable(2.0)

    def double(x):
        calls.append(x)
        return x * scale

    dataset = tf.data.Dataset.from_tensor_slices([1.0, 2.0, 3.0]).map(double)
    iterator = dataset.make_initializable_iterator()
    element = iterator.get_next()
    assert len(calls) == 1 and calls[0].op.type == "Placeholder"
    assert dataset._variant_tensor.op.type == "MapDataset"
    with tf.Session() as sess:
        sess.run([scale.initializer, iterator.initializer])
        assert sess.run(element) == 2.0
        sess.run(scale.assign(10.0))
        assert sess.run(element) == 20.0  # read when the element is made, as TF1
    assert len(calls) == 1


def test_filter_needs_a_scalar_boolean_predicate():
    dataset = tf.data.Dataset.range(4)
    with pytest.raises(ValueError, match="`predicate` return type must be convertible to a "
                                         "scalar boolean tensor"):
        dataset.filter(lambda i: i + 1)
    with pytest.raises(ValueError, match="scalar boolean"):
        tf.data.Dataset.from_tensor_slices(np.zeros((3, 2))).filter(lambda x: x > 0)


def test_map_of_a_placeholder_cannot_be_one_shot_but_can_be_initialized():
    offset = tf.placeholder(tf.int64, [])
    dataset = tf.data.Dataset.range(3).map(lambda i: i + offset)
    with pytest.raises(ValueError, match="Cannot capture a placeholder"):
        dataset.make_one_shot_iterator()
    iterator = dataset.make_initializable_iterator()
    element = iterator.get_next()
    with tf.Session() as sess:
        sess.run(iterator.initializer, {offset: 100})
        assert _read_all(sess, element) == [100, 101, 102]
