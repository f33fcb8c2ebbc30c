"""`tf.metrics` beyond the golden cases of `tests/test_tf1_behaviours.py` (which check
TF1's numbers and variable names): streaming over batches equals the metric on all the data,
`local_variables_initializer` resets, collections, weights, squeezable label dims, errors."""

import numpy as np
import pytest

import minigraph as tf


def _stream(value, update, feeds):
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for feed in feeds:
            sess.run(update, feed)
        return sess.run(value)


def test_streaming_accuracy_equals_accuracy_on_all_the_data():
    rng = np.random.default_rng(3)
    labels_np = rng.integers(0, 4, 100)
    logits_np = rng.normal(size=(100, 4)).astype(np.float32)
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int32, [None])
        logits = tf.placeholder(tf.float32, [None, 4])
        acc, update = tf.metrics.accuracy(labels, tf.argmax(logits, 1))  # int64 vs int32
        feeds = [{labels: labels_np[i:i + 32], logits: logits_np[i:i + 32]}
                 for i in range(0, 100, 32)]
        got = _stream(acc, update, feeds)
    expected = np.mean(np.argmax(logits_np, 1) == labels_np)
    assert got == pytest.approx(expected, rel=1e-6)


def test_local_variables_initializer_resets_and_metrics_are_not_global():
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None])
        m, update = tf.metrics.mean(x)
        assert tf.global_variables() == [] and tf.trainable_variables() == []
        assert len(tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)) == 2
        with pytest.raises(ValueError, match="No variables to save"):
            tf.train.Saver()
        sess.run(tf.local_variables_initializer())
        sess.run(update, {x: [4.0, 6.0]})
        assert sess.run(m) == 5.0
        sess.run(tf.local_variables_initializer())
        assert sess.run(m) == 0.0  # div_no_nan: no batch seen yet
        sess.run(update, {x: [1.0]})
        assert sess.run(m) == 1.0


def test_metrics_collections_and_updates_collections():
    with tf.Graph().as_default():
        value, update = tf.metrics.recall([1, 0], [1, 1], metrics_collections=["values"],
                                          updates_collections=["updates"])
        assert tf.get_collection("values") == [value]
        assert tf.get_collection("updates") == [update]


def test_weighted_mean_squared_error_and_squeezable_labels():
    with tf.Graph().as_default():
        labels = tf.constant([[1.0], [2.0], [3.0]])  # [N, 1] against predictions [N]
        predictions = tf.constant([2.0, 2.0, 5.0])
        mse, update = tf.metrics.mean_squared_error(labels, predictions,
                                                    weights=[1.0, 5.0, 0.5])
        got = _stream(mse, update, [None])
    assert got == pytest.approx((1.0 * 1 + 5.0 * 0 + 0.5 * 4) / 6.5, rel=1e-6)


def test_auc_matches_the_trapezoid_of_the_thresholded_rates():
    rng = np.random.default_rng(0)
    labels_np = rng.integers(0, 2, 200)
    scores_np = rng.uniform(size=200).astype(np.float32)
    with tf.Graph().as_default():
        area, update = tf.metrics.auc(labels_np, scores_np, num_thresholds=50)
        got = _stream(area, update, [None])
    thresholds = np.array([-1e-7] + [(i + 1) / 49 for i in range(48)] + [1 + 1e-7], np.float32)
    positive = scores_np[None, :] > thresholds[:, None]
    tp = (positive & (labels_np == 1)).sum(1)
    fn = (~positive & (labels_np == 1)).sum(1)
    fp = (positive & (labels_np == 0)).sum(1)
    tn = (~positive & (labels_np == 0)).sum(1)
    tpr = (tp + 1e-6) / (tp + fn + 1e-6)
    fpr = fp / (fp + tn + 1e-6)
    expected = np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
    assert got == pytest.approx(expected, rel=1e-5)


def test_auc_arguments_are_checked():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="curve must be either ROC or PR"):
            tf.metrics.auc([1], [0.5], curve="DET")
        with pytest.raises(ValueError, match="Invalid summation_method"):
            tf.metrics.auc([1], [0.5], summation_method="simpson")
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"predictions must be in \[0, 1\]"):
            tf.metrics.auc([1, 0], [0.5, 2.0])  # constants: TF1 checks them while building


def test_precision_and_recall_count_nonzero_as_true():
    with tf.Graph().as_default():
        p, p_update = tf.metrics.precision([1, 0, 1], [0.3, 0.0, 2.0])  # floats cast to bool
        assert _stream(p, p_update, [None]) == 1.0
