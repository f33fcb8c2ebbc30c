"""`top_k`'s two kernels agree: the partition (used when k is small next to the row) picks and
orders exactly what the stable sort does, on rows full of ties, with -0.0 and 0.0, with
integers and with infinities, for every k."""

import numpy as np
import pytest

import minigraph as tf
from minigraph.ops.nn_ops import _top_k_by_partition, _top_k_by_sort


@pytest.mark.parametrize("seed", range(6))
def test_the_partition_picks_what_the_sort_picks(seed):
    rng = np.random.default_rng(seed)
    shape = [(7, 40), (3, 5, 24), (200,)][seed % 3]
    cases = [
        rng.integers(-3, 4, shape),  # many ties
        rng.integers(-3, 4, shape).astype(np.float32) * rng.choice([-0.0, 1.0], shape),
        np.where(rng.random(shape) < 0.2, np.inf, rng.normal(size=shape)),
        rng.normal(size=shape).astype(np.float16),
        rng.integers(0, 3, shape).astype(np.uint8),
    ]
    n = shape[-1]
    for x in cases:
        for k in range(1, n + 1):
            np.testing.assert_array_equal(_top_k_by_partition(x, k), _top_k_by_sort(x, k),
                                          err_msg=f"{x.dtype} k={k}")


def test_ties_come_in_index_order_through_the_op():
    x = np.zeros((2, 64), np.float32)
    x[0, [5, 9, 40]] = 1.0
    with tf.Graph().as_default(), tf.Session() as sess:
        values, indices = sess.run(tf.nn.top_k(x, 4))
    np.testing.assert_array_equal(indices, [[5, 9, 40, 0], [0, 1, 2, 3]])
    np.testing.assert_array_equal(values, [[1, 1, 1, 0], [0, 0, 0, 0]])
