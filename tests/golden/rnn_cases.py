"""The recurrent-network cases whose values `make_rnn_goldens.py` records under real TensorFlow and
`tests/test_rnn.py` replays under minigraph: the same TF1 code for both.

A case builds one graph with `build(tf, nn)`, where `nn` holds `rnn_cell`, `static_rnn`,
`dynamic_rnn` and `bidirectional_dynamic_rnn` (TF's own under TensorFlow, `tf.nn`'s under
minigraph). Every kernel and peephole weight comes from the root variable scope's initializer,
a seeded Glorot uniform, so the initial weights are TF's own numbers; biases keep the cells' own
initializers (zeros; 1.0 for a GRU's gates). A case returns the tensors it computes (outputs
and states, flattened) and a scalar loss, a fixed weighted sum of them, whose gradients with
respect to the inputs and every variable are recorded too.

Inputs are batch 3, 4 time steps, depth 2 (no two sizes equal, so a swapped axis shows).

This module needs neither TensorFlow nor minigraph.
"""

import numpy as np

BATCH, TIME, DEPTH = 3, 4, 2
SEED = 7


def inputs() -> np.ndarray:
    """The batch-major inputs `[BATCH, TIME, DEPTH]` of every case."""
    return np.random.RandomState(0).uniform(-1.0, 1.0, (BATCH, TIME, DEPTH)).astype(np.float32)


def _flat(structure) -> list:
    """The tensors of a nested tuple/list structure, depth first (as `nest.flatten`)."""
    stack, flat = [structure], []
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
        else:
            flat.append(item)
    return flat


def _loss(tf, tensors):
    """A fixed weighted sum of `tensors`: each weighted by sin of its element index."""
    total = 0.0
    for i, t in enumerate(tensors):
        size = int(np.prod(t.shape.as_list()))
        weights = np.sin(np.arange(size) + i).reshape(t.shape.as_list()).astype(np.float32)
        total = total + tf.reduce_sum(t * weights)
    return total


def _static_inputs(tf, x):
    return tf.unstack(x, axis=1)


# ---------------------------------------------------------------- the cases
def basic_rnn_static(tf, nn, x):
    cell = nn.rnn_cell.BasicRNNCell(5)
    outputs, state = nn.static_rnn(cell, _static_inputs(tf, x), dtype=tf.float32)
    return [outputs, state]


def basic_rnn_static_lengths(tf, nn, x):
    cell = nn.rnn_cell.BasicRNNCell(5, activation=tf.nn.relu)
    outputs, state = nn.static_rnn(cell, _static_inputs(tf, x), dtype=tf.float32,
                                   sequence_length=[4, 2, 0])
    return [outputs, state]


def basic_lstm_static_concat(tf, nn, x):
    cell = nn.rnn_cell.BasicLSTMCell(5, forget_bias=0.5, state_is_tuple=False)
    outputs, state = nn.static_rnn(cell, _static_inputs(tf, x), dtype=tf.float32,
                                   scope="encoder")
    return [outputs, state]


def basic_lstm_dynamic(tf, nn, x):
    cell = nn.rnn_cell.BasicLSTMCell(5)
    outputs, state = nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return [outputs, state]


def basic_lstm_dynamic_lengths_initial_state(tf, nn, x):
    cell = nn.rnn_cell.BasicLSTMCell(5)
    c0 = tf.constant(np.linspace(-0.5, 0.5, BATCH * 5).reshape(BATCH, 5).astype(np.float32))
    h0 = tf.constant(np.linspace(0.3, -0.3, BATCH * 5).reshape(BATCH, 5).astype(np.float32))
    initial = nn.rnn_cell.LSTMStateTuple(c0, h0)
    outputs, state = nn.dynamic_rnn(cell, x, sequence_length=[4, 1, 0], initial_state=initial)
    return [outputs, state]


def lstm_peepholes_projection_time_major(tf, nn, x):
    cell = nn.rnn_cell.LSTMCell(5, use_peepholes=True, cell_clip=0.3, num_proj=3,
                                proj_clip=0.25, forget_bias=0.7)
    outputs, state = nn.dynamic_rnn(cell, tf.transpose(x, [1, 0, 2]), dtype=tf.float32,
                                    time_major=True, sequence_length=[2, 4, 3])
    return [outputs, state]


def gru_dynamic_lengths(tf, nn, x):
    cell = nn.rnn_cell.GRUCell(5)
    outputs, state = nn.dynamic_rnn(cell, x, sequence_length=[3, 4, 1], dtype=tf.float32)
    return [outputs, state]


def gru_static(tf, nn, x):
    cell = nn.rnn_cell.GRUCell(4, activation=tf.nn.relu)
    outputs, state = nn.static_rnn(cell, _static_inputs(tf, x), dtype=tf.float32)
    return [outputs, state]


def multi_cell_dynamic(tf, nn, x):
    cells = [nn.rnn_cell.BasicLSTMCell(4), nn.rnn_cell.GRUCell(3)]
    cell = nn.rnn_cell.MultiRNNCell(cells)
    outputs, state = nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return [outputs, state]


def multi_cell_static_concat(tf, nn, x):
    cells = [nn.rnn_cell.BasicRNNCell(3), nn.rnn_cell.BasicRNNCell(6)]
    cell = nn.rnn_cell.MultiRNNCell(cells, state_is_tuple=False)
    outputs, state = nn.static_rnn(cell, _static_inputs(tf, x), dtype=tf.float32,
                                   sequence_length=[1, 3, 4])
    return [outputs, state]


def bidirectional_lengths(tf, nn, x):
    cell_fw = nn.rnn_cell.LSTMCell(4)
    cell_bw = nn.rnn_cell.GRUCell(3)
    outputs, states = nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, x, sequence_length=[4, 2, 3],
                                                   dtype=tf.float32)
    return [outputs, states]


def bidirectional_time_major(tf, nn, x):
    cell_fw = nn.rnn_cell.BasicRNNCell(4)
    cell_bw = nn.rnn_cell.BasicRNNCell(5)
    outputs, states = nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, tf.transpose(x, [1, 0, 2]),
                                                   dtype=tf.float32, time_major=True,
                                                   scope="birnn")
    return [outputs, states]


def dropout_static(tf, nn, x):
    cell = nn.rnn_cell.DropoutWrapper(nn.rnn_cell.BasicLSTMCell(4), input_keep_prob=0.7,
                                      output_keep_prob=0.6, state_keep_prob=0.8, seed=11)
    outputs, state = nn.static_rnn(cell, _static_inputs(tf, x), dtype=tf.float32)
    return [outputs, state]


def dropout_dynamic(tf, nn, x):
    # One iteration at a time: with more, TF's scheduler may run the dropout's random op of a
    # later step first (its noise shape is constant), so which step draws which mask varies.
    cell = nn.rnn_cell.DropoutWrapper(nn.rnn_cell.GRUCell(4), output_keep_prob=0.5,
                                      state_keep_prob=0.75, seed=3)
    outputs, state = nn.dynamic_rnn(cell, x, dtype=tf.float32, parallel_iterations=1)
    return [outputs, state]


def cells_called_directly(tf, nn, x):
    cell = nn.rnn_cell.BasicLSTMCell(3)
    state = cell.zero_state(BATCH, tf.float32)
    out1, state = cell(x[:, 0], state)
    out2, state = cell(x[:, 1], state)
    other = nn.rnn_cell.BasicLSTMCell(3)
    out3, _ = other(x[:, 2], state)
    with tf.variable_scope("named"):
        gru = nn.rnn_cell.GRUCell(2, name="my_gru")
        out4, _ = gru(x[:, 3], gru.zero_state(BATCH, tf.float32))
    return [out1, out2, state, out3, out4]


CASES = {
    "basic_rnn_static": (basic_rnn_static, False),
    "basic_rnn_static_lengths": (basic_rnn_static_lengths, False),
    "basic_lstm_static_concat": (basic_lstm_static_concat, False),
    "gru_static": (gru_static, False),
    "multi_cell_static_concat": (multi_cell_static_concat, False),
    "dropout_static": (dropout_static, False),
    "cells_called_directly": (cells_called_directly, False),
    "basic_lstm_dynamic": (basic_lstm_dynamic, True),
    "basic_lstm_dynamic_lengths_initial_state": (basic_lstm_dynamic_lengths_initial_state, True),
    "lstm_peepholes_projection_time_major": (lstm_peepholes_projection_time_major, True),
    "gru_dynamic_lengths": (gru_dynamic_lengths, True),
    "multi_cell_dynamic": (multi_cell_dynamic, True),
    "bidirectional_lengths": (bidirectional_lengths, True),
    "bidirectional_time_major": (bidirectional_time_major, True),
    "dropout_dynamic": (dropout_dynamic, True),
}


def build_case(tf, nn, name: str) -> dict:
    """Builds case `name` in the current default graph; returns what to run and record:
    `outputs` (the flat computed tensors), `loss`, `variables` (in creation order) and
    `gradients` (of the loss w.r.t. the input, then each variable)."""
    build, _ = CASES[name]
    tf.get_variable_scope().set_initializer(tf.glorot_uniform_initializer(seed=SEED))
    x = tf.constant(inputs(), name="x")
    outputs = _flat(build(tf, nn, x))
    loss = _loss(tf, outputs)
    variables = tf.global_variables()
    gradients = tf.gradients(loss, [x] + variables)
    return {"outputs": outputs, "loss": loss, "variables": variables, "gradients": gradients}


def run_case(tf, nn, name: str) -> dict:
    """Builds and runs case `name` on a fresh graph: the recorded values, as plain lists."""
    with tf.Graph().as_default():
        built = build_case(tf, nn, name)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            initial = sess.run(built["variables"])
            outputs, loss, gradients = sess.run(
                [built["outputs"], built["loss"], built["gradients"]])
    return {
        "variables": [[v.name, v.shape.as_list()] for v in built["variables"]],
        "initial": [value.tolist() for value in initial],
        "outputs": [np.asarray(value).tolist() for value in outputs],
        "output_shapes": [t.shape.as_list() for t in built["outputs"]],
        "loss": float(loss),
        "gradients": [np.asarray(value).tolist() for value in gradients],
    }
