"""The `tf.data` pipelines whose elements `make_data_goldens.py` records under real TensorFlow and
`tests/test_data.py` replays under minigraph: the same TF1 code for both.

A case is `build(tf) -> dataset`, read to its end through a one-shot iterator, recording every
element (each component as a nested list) and the dataset's `output_types` and
`output_shapes` (as text). The seeded shuffles are the point: TF's order comes from its buffer
algorithm and its Philox stream, and with reshuffling each pass over the data (each epoch of a
later `repeat`) draws new seeds from a seed generator.

This module needs neither TensorFlow nor minigraph.
"""

import numpy as np


def slices_batch(tf):
    x = np.arange(21.0, dtype=np.float32).reshape(7, 3)
    return tf.data.Dataset.from_tensor_slices((x, np.arange(7) % 3)).batch(3)


def slices_batch_drop_remainder(tf):
    return tf.data.Dataset.from_tensor_slices(np.arange(10)).batch(4, drop_remainder=True)


def dict_elements(tf):
    features = {"b": np.arange(6).reshape(3, 2), "a": np.array([0.5, 1.5, 2.5], np.float32)}
    return tf.data.Dataset.from_tensor_slices(features).repeat(2).batch(2)


def from_tensors_repeat(tf):
    return tf.data.Dataset.from_tensors(([1, 2, 3], 4.0)).repeat(3)


def range_arguments(tf):
    return tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 4, -2))


def zip_take_skip(tf):
    left = tf.data.Dataset.range(10)
    right = tf.data.Dataset.range(100, 110).skip(3)
    return tf.data.Dataset.zip((left, (right, left.take(8)))).skip(1).take(5)


def shuffle_reshuffled_each_epoch(tf):
    return tf.data.Dataset.range(10).shuffle(4, seed=3).repeat(3)


def shuffle_same_order_each_epoch(tf):
    return tf.data.Dataset.range(9).shuffle(5, seed=1, reshuffle_each_iteration=False).repeat(2)


def shuffle_bigger_buffer_than_data(tf):
    return tf.data.Dataset.range(6).shuffle(100, seed=9).repeat(2)


def shuffle_across_epochs(tf):
    return tf.data.Dataset.range(5).repeat(3).shuffle(6, seed=7)


def shuffle_then_batch(tf):
    data = np.arange(40, dtype=np.float32).reshape(20, 2)
    return tf.data.Dataset.from_tensor_slices(data).shuffle(8, seed=11).batch(6).repeat(2)


def shuffle_twice(tf):
    return tf.data.Dataset.range(12).shuffle(5, seed=2).shuffle(3, seed=4).repeat(2)


def shuffle_take_repeat(tf):
    return tf.data.Dataset.range(30).shuffle(30, seed=5).take(4).repeat(3)


def prefetch(tf):
    return tf.data.Dataset.range(4).batch(3).prefetch(2)


def map_tuple(tf):
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    dataset = tf.data.Dataset.from_tensor_slices((x, np.arange(6)))
    return dataset.map(lambda a, b: (a * 2.0 + tf.reduce_sum(a), b + 1)).batch(4)


def map_dict_list_and_capture(tf):
    offset = tf.constant([10, 20], dtype=tf.int64)
    return tf.data.Dataset.range(5).map(
        lambda i: {"i": i, "pair": [i, i * i], "shifted": offset + i})


def filter_shuffle(tf):
    multiples = tf.data.Dataset.range(40).filter(lambda i: tf.equal(i % 3, 0))
    return multiples.shuffle(5, seed=2).repeat(2)


def map_random_seeded(tf):
    return tf.data.Dataset.range(4).map(
        lambda i: tf.random_uniform([3], seed=5) + tf.cast(i, tf.float32))


CASES = {
    "slices_batch": slices_batch,
    "slices_batch_drop_remainder": slices_batch_drop_remainder,
    "dict_elements": dict_elements,
    "from_tensors_repeat": from_tensors_repeat,
    "range_arguments": range_arguments,
    "zip_take_skip": zip_take_skip,
    "shuffle_reshuffled_each_epoch": shuffle_reshuffled_each_epoch,
    "shuffle_same_order_each_epoch": shuffle_same_order_each_epoch,
    "shuffle_bigger_buffer_than_data": shuffle_bigger_buffer_than_data,
    "shuffle_across_epochs": shuffle_across_epochs,
    "shuffle_then_batch": shuffle_then_batch,
    "shuffle_twice": shuffle_twice,
    "shuffle_take_repeat": shuffle_take_repeat,
    "prefetch": prefetch,
    "map_tuple": map_tuple,
    "map_dict_list_and_capture": map_dict_list_and_capture,
    "filter_shuffle": filter_shuffle,
    "map_random_seeded": map_random_seeded,
}

MAX_ELEMENTS = 200


def _flat(value) -> list:
    """A fetched element's components, depth first, dict values by sorted key."""
    stack, flat = [value], []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item[key] for key in sorted(item, reverse=True))
        elif isinstance(item, tuple):
            stack.extend(reversed(item))
        else:
            flat.append(np.asarray(item).tolist())
    return flat


def run_case(tf, name: str) -> dict:
    """Builds case `name` on a fresh graph and reads it to the end: the record, plain data."""
    with tf.Graph().as_default():
        dataset = CASES[name](tf)
        element = dataset.make_one_shot_iterator().get_next()
        elements = []
        with tf.Session() as sess:
            try:
                for _ in range(MAX_ELEMENTS):
                    elements.append(_flat(sess.run(element)))
            except tf.errors.OutOfRangeError:
                pass
        return {
            "elements": elements,
            "output_types": repr(dataset.output_types),
            "output_shapes": str(dataset.output_shapes),
        }
