"""The TF1 idioms that use `l2_normalize`, `top_k`, `in_top_k`, `sequence_mask`,
`boolean_mask`, `map_fn` and `gather_nd`, written as the classic tutorials write them and
checked against numpy: word2vec's nearest neighbours, a classifier's top-k accuracy, a masked
sequence loss that trains, and per-example gathers."""

import numpy as np
import pytest

import minigraph as tf


def test_word2vec_nearest_neighbours():
    rng = np.random.RandomState(0)
    table = rng.uniform(-1.0, 1.0, (50, 8)).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        embeddings = tf.Variable(table)
        valid_dataset = tf.constant([3, 7, 11], dtype=tf.int32)
        normalized_embeddings = tf.nn.l2_normalize(embeddings, 1)
        valid_embeddings = tf.nn.embedding_lookup(normalized_embeddings, valid_dataset)
        similarity = tf.matmul(valid_embeddings, normalized_embeddings, transpose_b=True)
        _, nearest = tf.nn.top_k(similarity, k=6)
        sess.run(tf.global_variables_initializer())
        got = sess.run(nearest)
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    want = np.argsort(-(unit[[3, 7, 11]] @ unit.T), axis=1, kind="stable")[:, :6]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got[:, 0], [3, 7, 11])  # each word is its own nearest


def test_top_k_accuracy_of_a_classifier():
    rng = np.random.RandomState(1)
    logits_value = rng.normal(size=(200, 10)).astype(np.float32)
    labels_value = rng.randint(0, 10, 200).astype(np.int32)
    with tf.Graph().as_default(), tf.Session() as sess:
        logits = tf.placeholder(tf.float32, [None, 10])
        labels = tf.placeholder(tf.int32, [None])
        top1 = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.float32))
        top5 = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, labels, 5), tf.float32))
        got = sess.run([top1, top5], {logits: logits_value, labels: labels_value})
    rank = np.sum(logits_value > logits_value[np.arange(200), labels_value][:, None], axis=1)
    np.testing.assert_allclose(got, [np.mean(rank < 1), np.mean(rank < 5)], rtol=1e-6)


def test_a_masked_sequence_loss_trains_only_on_real_steps():
    lengths_value = np.array([2, 5, 3], np.int32)
    targets_value = np.random.RandomState(2).normal(size=(3, 5)).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        lengths = tf.placeholder(tf.int32, [None])
        targets = tf.placeholder(tf.float32, [None, 5])
        predictions = tf.Variable(tf.zeros([3, 5]))
        mask = tf.sequence_mask(lengths, 5, dtype=tf.float32)
        masked_loss = tf.reduce_sum(tf.square(predictions - targets) * mask) / \
            tf.reduce_sum(mask)
        kept = tf.boolean_mask(tf.square(predictions - targets), tf.sequence_mask(lengths, 5))
        train = tf.train.GradientDescentOptimizer(2.0).minimize(tf.reduce_mean(kept))
        sess.run(tf.global_variables_initializer())
        feed = {lengths: lengths_value, targets: targets_value}
        before = sess.run(masked_loss, feed)
        for _ in range(50):
            sess.run(train, feed)
        after, learned = sess.run([masked_loss, predictions], feed)
    real = np.arange(5) < lengths_value[:, None]
    np.testing.assert_allclose(before, np.mean(targets_value[real] ** 2), rtol=1e-6)
    assert after < 1e-6
    np.testing.assert_allclose(learned[real], targets_value[real], atol=1e-3)
    assert np.all(learned[~real] == 0.0)  # padding got no gradient


def test_per_example_gathers_with_map_fn_and_gather_nd():
    rng = np.random.RandomState(3)
    scores_value = rng.normal(size=(4, 6)).astype(np.float32)
    picks = np.array([5, 0, 2, 2], np.int32)
    with tf.Graph().as_default(), tf.Session() as sess:
        scores = tf.constant(scores_value)
        batch = tf.range(tf.shape(scores)[0])
        picked = tf.gather_nd(scores, tf.stack([batch, picks], axis=1))
        mapped = tf.map_fn(lambda pair: tf.gather(pair[0], pair[1]), (scores, picks),
                           dtype=tf.float32)
        got, got_mapped = sess.run([picked, mapped])
    np.testing.assert_allclose(got, scores_value[np.arange(4), picks])
    np.testing.assert_allclose(got_mapped, got)


def test_boolean_mask_needs_a_constant_axis():
    with tf.Graph().as_default():
        axis = tf.placeholder(tf.int32, [])
        with pytest.raises(TypeError, match="boolean_mask needs a constant axis"):
            tf.boolean_mask(tf.ones([2, 3]), [True, False, True], axis=axis)
        assert tf.boolean_mask(tf.ones([2, 3]), [True, False, True],
                               axis=tf.constant(1)).shape.as_list() == [2, None]
