"""`tf.nn.dynamic_rnn` and `bidirectional_dynamic_rnn`: a real `tf.while_loop` over time.

TF's own numbers for both are in `test_rnn.py` (the dynamic cases of
`tests/golden/rnn_cases.py`); here: the loop is one `While` op whatever the length, the length
may be known only at run time, masking past `sequence_length`, float64 central differences,
and TF1's errors (their messages checked against TensorFlow 2.21.0's, which runs TF1's code).
"""

import numpy as np
import pytest

import minigraph as tf


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _np_lstm(x, kernel, bias, lengths=None, forget_bias=1.0):
    """A numpy BasicLSTMCell over batch-major `x` with TF1's masking: outputs and final c, h."""
    batch, time, _ = x.shape
    units = kernel.shape[1] // 4
    c, h = np.zeros((batch, units)), np.zeros((batch, units))
    lengths = np.full(batch, time) if lengths is None else np.asarray(lengths)
    outputs = np.zeros((batch, time, units))
    for t in range(time):
        i, j, f, o = np.split(np.concatenate([x[:, t], h], 1) @ kernel + bias, 4, axis=1)
        new_c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
        new_h = np.tanh(new_c) * _sigmoid(o)
        running = (t < lengths)[:, None]
        c, h = np.where(running, new_c, c), np.where(running, new_h, h)
        outputs[:, t] = np.where(running, new_h, 0.0)
    return outputs, c, h


def test_the_loop_is_one_while_op_and_the_graph_does_not_grow_with_the_length():
    sizes = []
    for time in (3, 50):
        with tf.Graph().as_default() as graph:
            cell = tf.nn.rnn_cell.BasicLSTMCell(4)
            tf.nn.dynamic_rnn(cell, tf.zeros([2, time, 3]), dtype=tf.float32)
            ops = graph.get_operations()
            assert [op.type for op in ops].count("While") == 1
            sizes.append(len(ops))
    assert sizes[0] == sizes[1]


def test_time_and_batch_known_only_at_run_time_match_the_numpy_lstm():
    x = tf.placeholder(tf.float32, [None, None, 3])
    lengths = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.BasicLSTMCell(4, forget_bias=0.5)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32,
                                       parallel_iterations=7, swap_memory=True)
    assert outputs.shape.as_list() == [None, None, 4]
    assert state.c.shape.as_list() == [None, 4] and state.h.shape.as_list() == [None, 4]
    assert [v.name for v in tf.global_variables()] == [
        "rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0"]
    rng = np.random.RandomState(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.global_variables())
        for batch, time, given in [(3, 5, [5, 2, 0]), (2, 9, [3, 1])]:
            values = rng.uniform(-1, 1, (batch, time, 3)).astype(np.float32)
            out, (c, h) = sess.run([outputs, state], {x: values, lengths: given})
            want, want_c, want_h = _np_lstm(values, kernel, bias, given, forget_bias=0.5)
            assert out.shape == (batch, time, 4)
            np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(c, want_c, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(h, want_h, rtol=1e-5, atol=1e-6)
            # past its length an example's output is zero; its state is that of its last step
            for example, length in enumerate(given):
                assert (out[example, length:] == 0).all()
                if length:
                    np.testing.assert_array_equal(h[example], out[example, length - 1])
                else:
                    assert (h[example] == 0).all() and (c[example] == 0).all()


def test_time_major_and_batch_major_give_the_same_numbers_and_initial_state_is_used():
    values = np.random.RandomState(1).uniform(-1, 1, (3, 4, 2)).astype(np.float32)
    initial = np.random.RandomState(2).uniform(-1, 1, (3, 5)).astype(np.float32)
    cell = tf.nn.rnn_cell.GRUCell(5)
    batch_major, state = tf.nn.dynamic_rnn(cell, tf.constant(values),
                                           initial_state=tf.constant(initial))
    with tf.variable_scope("rnn", reuse=True):
        time_major, state_tm = tf.nn.dynamic_rnn(
            cell, tf.constant(values.transpose(1, 0, 2)), initial_state=tf.constant(initial),
            time_major=True)
    zero_start, _ = tf.nn.dynamic_rnn(cell, tf.constant(values), dtype=tf.float32)
    assert time_major.shape.as_list() == [4, 3, 5] and batch_major.shape.as_list() == [3, 4, 5]
    assert len(tf.global_variables()) == 4
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, s1, s2, z = sess.run([batch_major, time_major, state, state_tm, zero_start])
    np.testing.assert_allclose(a, b.transpose(1, 0, 2), rtol=1e-6)
    np.testing.assert_allclose(s1, s2, rtol=1e-6)
    np.testing.assert_array_equal(s1, a[:, -1])
    assert not np.allclose(a, z)  # the initial state mattered


def test_nested_inputs_and_outputs_and_steps_the_loop_never_reaches():
    """A cell taking a pair of inputs; lengths all below the time steps: the loop stops at the
    longest and the later steps stay zero."""

    class PairCell(tf.nn.rnn_cell.RNNCell):
        @property
        def state_size(self):
            return 2

        @property
        def output_size(self):
            return (2, 1)

        def call(self, inputs, state):
            a, b = inputs
            new_state = state + a * b
            return (new_state, tf.reduce_sum(new_state, 1, keepdims=True)), new_state

    a = np.arange(24, dtype=np.float32).reshape(3, 4, 2)
    b = np.full((3, 4, 2), 0.5, np.float32)
    (out, total), state = tf.nn.dynamic_rnn(PairCell(), (tf.constant(a), tf.constant(b)),
                                            sequence_length=[2, 1, 2], dtype=tf.float32)
    assert out.shape.as_list() == [3, 4, 2] and total.shape.as_list() == [3, 4, 1]
    with tf.Session() as sess:
        out, total, state = sess.run([out, total, state])
    want = np.cumsum(a * b, axis=1)
    want[:, 2:] = 0
    want[1, 1:] = 0
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(total[..., 0], want.sum(axis=2))
    np.testing.assert_array_equal(state, [want[0, 1], want[1, 0], want[2, 1]])


@pytest.mark.parametrize("time_major", [False, True])
def test_bidirectional_reverses_each_example_over_its_own_length(time_major):
    values = np.random.RandomState(3).uniform(-1, 1, (2, 5, 3)).astype(np.float32)
    lengths = [5, 3]
    fw, bw = tf.nn.rnn_cell.BasicLSTMCell(2), tf.nn.rnn_cell.BasicLSTMCell(2)
    inputs = values.transpose(1, 0, 2) if time_major else values
    (out_fw, out_bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
        fw, bw, tf.constant(inputs), sequence_length=lengths, dtype=tf.float32,
        time_major=time_major)
    names = [v.name for v in tf.global_variables()]
    assert names == ["bidirectional_rnn/fw/basic_lstm_cell/kernel:0",
                     "bidirectional_rnn/fw/basic_lstm_cell/bias:0",
                     "bidirectional_rnn/bw/basic_lstm_cell/kernel:0",
                     "bidirectional_rnn/bw/basic_lstm_cell/bias:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel_fw, bias_fw, kernel_bw, bias_bw = sess.run(tf.global_variables())
        got_fw, got_bw, (c_fw, h_fw), (c_bw, h_bw) = sess.run(
            [out_fw, out_bw, state_fw, state_bw])
    if time_major:
        got_fw, got_bw = got_fw.transpose(1, 0, 2), got_bw.transpose(1, 0, 2)
    want_fw, want_c_fw, _ = _np_lstm(values, kernel_fw, bias_fw, lengths)
    flipped = values.copy()
    for example, length in enumerate(lengths):
        flipped[example, :length] = values[example, :length][::-1]
    backward, want_c_bw, _ = _np_lstm(flipped, kernel_bw, bias_bw, lengths)
    want_bw = backward.copy()
    for example, length in enumerate(lengths):
        want_bw[example, :length] = backward[example, :length][::-1]
    np.testing.assert_allclose(got_fw, want_fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_bw, want_bw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_fw, want_c_fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_bw, want_c_bw, rtol=1e-5, atol=1e-6)
    # the backward state has seen each example's first step last
    np.testing.assert_allclose(h_bw, want_bw[:, 0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h_fw, want_fw[[0, 1], [4, 2]], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- central differences
def _cells():
    rnn_cell = tf.nn.rnn_cell
    return {
        "basic_lstm": lambda: rnn_cell.BasicLSTMCell(3, forget_bias=0.3),
        "gru": lambda: rnn_cell.GRUCell(2),
        "lstm_peepholes_projection": lambda: rnn_cell.LSTMCell(
            3, use_peepholes=True, cell_clip=0.4, num_proj=2),
        "multi": lambda: rnn_cell.MultiRNNCell([rnn_cell.GRUCell(2), rnn_cell.BasicRNNCell(2)]),
    }


def _weighted_sum(tensors):
    return tf.add_n([tf.reduce_sum(t * np.cos(np.arange(np.prod(t.shape.as_list())))
                                   .reshape(t.shape.as_list())) for t in tensors])


def _check_against_central_differences(loss, feeds: dict, delta=1e-6):
    """tf.gradients of scalar `loss` w.r.t. the fed placeholders and every trainable variable
    against float64 central differences (a variable is moved with `load`: the loop's body
    reads the variable itself)."""
    placeholders, variables = list(feeds), tf.trainable_variables()
    grads = tf.gradients(loss, placeholders + variables)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        theoretical = sess.run(grads, feeds)
        points = [np.array(feeds[p], np.float64) for p in placeholders] + sess.run(variables)

        def loss_at(k, index, step):
            moved = points[k].copy()
            moved[index] += step
            if k < len(placeholders):
                return sess.run(loss, {**feeds, placeholders[k]: moved})
            variables[k - len(placeholders)].load(moved, sess)
            value = sess.run(loss, feeds)
            variables[k - len(placeholders)].load(points[k], sess)
            return value

        for k, (point, grad) in enumerate(zip(points, theoretical)):
            numerical = np.zeros_like(point)
            for index in np.ndindex(point.shape):
                numerical[index] = (loss_at(k, index, delta) - loss_at(k, index, -delta)) / (
                    2 * delta)
            assert np.abs(grad).max() > 0
            np.testing.assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("cell_name", sorted(_cells()))
def test_dynamic_rnn_gradients_match_central_differences(cell_name, time_major):
    x = np.random.RandomState(4).uniform(-1, 1, (3, 4, 2))
    if time_major:
        x = x.transpose(1, 0, 2)
    inputs = tf.placeholder(tf.float64, x.shape)
    feeds = {inputs: x}
    cell = _cells()[cell_name]()
    initial_state = None
    if cell_name == "basic_lstm":  # a fed initial state: its gradient too
        initial_c = tf.placeholder(tf.float64, [3, 3])
        feeds[initial_c] = np.random.RandomState(5).uniform(-1, 1, (3, 3))
        initial_state = tf.nn.rnn_cell.LSTMStateTuple(initial_c, tf.zeros([3, 3], tf.float64))
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=[4, 2, 3],
                                       initial_state=initial_state, dtype=tf.float64,
                                       time_major=time_major)
    _check_against_central_differences(_weighted_sum([outputs] + tf.nest.flatten(state)), feeds)


def test_gradients_when_the_loop_stops_before_the_last_step():
    """Every length below the time steps: the loop runs 2 of 4 steps, the rest are zeros."""
    x = np.random.RandomState(7).uniform(-1, 1, (3, 4, 2))
    inputs = tf.placeholder(tf.float64, x.shape)
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), inputs,
                                       sequence_length=[2, 1, 2], dtype=tf.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert (sess.run(outputs, {inputs: x})[:, 2:] == 0).all()
    _check_against_central_differences(_weighted_sum([outputs, state]), {inputs: x})


def test_bidirectional_gradients_match_central_differences():
    x = np.random.RandomState(6).uniform(-1, 1, (2, 3, 2))
    inputs = tf.placeholder(tf.float64, x.shape)
    outputs, states = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.BasicRNNCell(3), inputs,
        sequence_length=[3, 2], dtype=tf.float64)
    _check_against_central_differences(_weighted_sum(list(outputs) + tf.nest.flatten(states)),
                                       {inputs: x})


# ---------------------------------------------------------------- errors
def test_bad_arguments_raise_tf1_errors():
    cell = tf.nn.rnn_cell.GRUCell(2)
    with pytest.raises(ValueError, match="argument `dtype` must be specified"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3, 2]))
    with pytest.raises(ValueError, match="sequence_length must be a vector of length "
                                         "batch_size.*of shape: \\(2, 1\\)"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3, 2]), sequence_length=[[1], [2]],
                          dtype=tf.float32)
    with pytest.raises(ValueError, match="sequence_length has 3 entries but the inputs have "
                                         "batch size 2"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3, 2]), sequence_length=[1, 2, 3],
                          dtype=tf.float32)
    with pytest.raises(ValueError, match="Shape \\(3, 2\\) must have rank at least 3"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3]), dtype=tf.float32)
    with pytest.raises(ValueError, match="to have rank at least 2"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2]), dtype=tf.float32)
    with pytest.raises(ValueError, match="Input size \\(depth of inputs\\) must be accessible "
                                         "via shape inference, but saw value None"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 3, None]), dtype=tf.float32)
    with pytest.raises(ValueError, match="Time steps is not the same.*time steps=4"):
        tf.nn.dynamic_rnn(cell, (tf.zeros([2, 3, 1]), tf.zeros([2, 4, 1])), dtype=tf.float32)
    with pytest.raises(ValueError, match="Batch_size is not the same.*batch size=3"):
        tf.nn.dynamic_rnn(cell, (tf.zeros([2, 3, 1]), tf.zeros([3, 3, 1])), dtype=tf.float32)
    with pytest.raises(TypeError, match="'cell'.*is not an RNNCell"):
        tf.nn.dynamic_rnn(lambda x, s: (x, s), tf.zeros([1, 2, 2]), dtype=tf.float32)
    with pytest.raises(TypeError, match="'cell_bw'.*is not an RNNCell"):
        tf.nn.bidirectional_dynamic_rnn(cell, None, tf.zeros([1, 2, 2]), dtype=tf.float32)


def test_a_fed_sequence_length_of_the_wrong_size_fails_at_run_time_as_in_tf1():
    x = tf.placeholder(tf.float32, [None, None, 2])
    outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(3), x, sequence_length=[2, 1],
                                   dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(outputs, {x: np.ones([2, 4, 2])}).shape == (2, 4, 3)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Expected shape for Tensor rnn/sequence_length:0 is \] \[3\] "
                                 r"\[ but saw shape: \] \[2\]"):
            sess.run(outputs, {x: np.ones([3, 4, 2])})
