"""`tf.contrib.rnn`: TF1's contrib path to the RNN cells and static RNNs, the same objects as
`tf.nn.rnn_cell` / `tf.nn`, and its two utilities."""

import numpy as np
import pytest

import minigraph as tf
from minigraph.contrib import rnn


def test_the_cells_and_functions_are_the_core_ones():
    for name in ("BasicLSTMCell", "BasicRNNCell", "GRUCell", "LSTMCell", "LSTMStateTuple",
                 "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "RNNCell"):
        assert getattr(tf.contrib.rnn, name) is getattr(tf.nn.rnn_cell, name)
    assert rnn.static_rnn is tf.nn.static_rnn
    assert rnn.static_bidirectional_rnn is tf.nn.static_bidirectional_rnn
    assert issubclass(rnn.BasicLSTMCell, rnn.LayerRNNCell)


def test_a_contrib_lstm_program_trains_like_the_core_path():
    """The classic TF1 tutorial's recurrent network (`from tensorflow.contrib import rnn`),
    written once with the contrib names and once with the core names: same variables, same
    losses."""
    def train(cells, static_rnn):
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            x = tf.placeholder(tf.float32, [None, 5, 4])
            y = tf.placeholder(tf.float32, [None, 2])
            steps = tf.unstack(x, 5, 1)
            outputs, _ = static_rnn(cells.BasicLSTMCell(6, forget_bias=1.0), steps,
                                    dtype=tf.float32)
            logits = tf.layers.dense(outputs[-1], 2)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                             logits=logits))
            train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
            names = [v.op.name for v in tf.trainable_variables()]
            rng = np.random.RandomState(0)
            feed = {x: rng.randn(8, 5, 4), y: np.eye(2)[rng.randint(0, 2, 8)]}
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                losses = [sess.run([train_op, loss], feed)[1] for _ in range(5)]
        return names, losses

    contrib_names, contrib_losses = train(tf.contrib.rnn, tf.contrib.rnn.static_rnn)
    core_names, core_losses = train(tf.nn.rnn_cell, tf.nn.static_rnn)
    assert contrib_names == core_names
    assert contrib_names[0] == "rnn/basic_lstm_cell/kernel"
    assert contrib_losses == core_losses
    assert contrib_losses[-1] < contrib_losses[0]


def test_transpose_batch_time_swaps_the_first_two_dimensions():
    with tf.Graph().as_default(), tf.Session() as sess:
        value = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
        swapped = rnn.transpose_batch_time(value)
        assert swapped.shape.as_list() == [3, 2, 4]
        np.testing.assert_array_equal(sess.run(swapped), value.transpose(1, 0, 2))
        vector = tf.constant([1.0, 2.0])
        assert rnn.transpose_batch_time(vector) is vector  # rank < 2: unchanged, as TF1
        with pytest.raises(ValueError, match="unknown rank"):
            rnn.transpose_batch_time(tf.placeholder(tf.float32))


def test_best_effort_input_batch_size_prefers_the_static_size():
    with tf.Graph().as_default(), tf.Session() as sess:
        known = tf.zeros([7, 3, 2])
        assert rnn.best_effort_input_batch_size([tf.placeholder(tf.float32, [7, None, 2]),
                                                 known]) == 3
        unknown = tf.placeholder(tf.float32, [7, None, 2])
        size = rnn.best_effort_input_batch_size([unknown])
        assert sess.run(size, {unknown: np.zeros([7, 5, 2])}) == 5


def test_contrib_only_cells_say_they_are_not_implemented():
    with pytest.raises(AttributeError, match="LayerNormBasicLSTMCell"):
        tf.contrib.rnn.LayerNormBasicLSTMCell  # noqa: B018
