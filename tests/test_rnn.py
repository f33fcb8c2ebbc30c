"""RNN cells and `static_rnn`/`dynamic_rnn`/`bidirectional_dynamic_rnn` against TensorFlow, numpy
and central differences.

* **TF's numbers**: the cases of `tests/golden/rnn_cases.py` run here as they ran under
  TensorFlow (tensorflow-cpu 2.21.0, TF1's cell code through `tf.compat.v1`; made by
  `/work/peers/bin/python tests/golden/make_rnn_goldens.py` into `rnn_goldens.json`): the same
  variable names and shapes, the same seeded initial weights bit for bit, outputs, states and
  gradients within float32 rounding.
* **numpy**: an LSTM and a GRU step written out in numpy give the cells' outputs.
* **central differences** (float64): gradients of every cell over a short sequence with
  respect to the inputs and every variable.
"""

import json
import pathlib
import sys

import numpy as np
import pytest

import minigraph as tf
from minigraph import gradient_checker

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))

import rnn_cases  # noqa: E402

REFERENCE = json.loads((GOLDEN / "rnn_goldens.json").read_text(encoding="utf-8"))


def test_the_goldens_were_made_with_tensorflow():
    assert REFERENCE["tensorflow"] == "2.21.0"
    assert set(REFERENCE["cases"]) == set(rnn_cases.CASES)


@pytest.mark.parametrize("name", sorted(rnn_cases.CASES))
def test_a_case_gives_tensorflows_names_initial_weights_outputs_and_gradients(name):
    ours = rnn_cases.run_case(tf, tf.nn, name)
    theirs = REFERENCE["cases"][name]
    assert ours["variables"] == theirs["variables"]
    for mine, golden in zip(ours["initial"], theirs["initial"]):
        np.testing.assert_array_equal(np.float32(mine), np.float32(golden))  # bit for bit
    assert ours["output_shapes"] == theirs["output_shapes"]
    for mine, golden in zip(ours["outputs"], theirs["outputs"]):
        np.testing.assert_allclose(mine, golden, rtol=1e-5, atol=1e-6)
    assert ours["loss"] == pytest.approx(theirs["loss"], rel=1e-5, abs=1e-6)
    assert len(ours["gradients"]) == len(theirs["gradients"])
    for mine, golden in zip(ours["gradients"], theirs["gradients"]):
        np.testing.assert_allclose(mine, golden, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- numpy references
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _np_lstm_step(x, c, h, kernel, bias, forget_bias=1.0):
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    new_c = c * _sigmoid(f + forget_bias) + _sigmoid(i) * np.tanh(j)
    return np.tanh(new_c) * _sigmoid(o), new_c


def _np_gru_step(x, h, gate_kernel, gate_bias, candidate_kernel, candidate_bias):
    r, u = np.split(_sigmoid(np.concatenate([x, h], 1) @ gate_kernel + gate_bias), 2, axis=1)
    c = np.tanh(np.concatenate([x, r * h], 1) @ candidate_kernel + candidate_bias)
    return u * h + (1 - u) * c


def test_basic_lstm_cell_over_a_sequence_is_the_numpy_lstm():
    x = np.random.RandomState(1).normal(size=(3, 5, 2))
    inputs = tf.constant(x)
    cell = tf.nn.rnn_cell.BasicLSTMCell(4, forget_bias=0.5)
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(inputs, axis=1), dtype=tf.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(cell.trainable_variables)
        got_outputs, got_state = sess.run([outputs, state])
    c = h = np.zeros((3, 4))
    for t in range(5):
        h, c = _np_lstm_step(x[:, t], c, h, kernel, bias, forget_bias=0.5)
        np.testing.assert_allclose(got_outputs[t], h, rtol=1e-12)
    np.testing.assert_allclose(got_state.c, c, rtol=1e-12)
    np.testing.assert_allclose(got_state.h, h, rtol=1e-12)


def test_gru_cell_is_the_numpy_gru_and_its_gates_start_open():
    x = np.random.RandomState(2).normal(size=(2, 3))
    h0 = np.random.RandomState(3).normal(size=(2, 4))
    cell = tf.nn.rnn_cell.GRUCell(4)
    out, state = cell(tf.constant(x), tf.constant(h0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        weights = sess.run(cell.trainable_variables)
        got, got_state = sess.run([out, state])
    np.testing.assert_array_equal(weights[1], np.ones(8))  # gates/bias: 1.0
    np.testing.assert_array_equal(weights[3], np.zeros(4))  # candidate/bias: 0
    np.testing.assert_allclose(got, _np_gru_step(x, h0, *weights), rtol=1e-12)
    np.testing.assert_array_equal(got, got_state)


def test_kernels_default_to_glorot_uniform_and_biases_to_zero():
    cell = tf.nn.rnn_cell.BasicLSTMCell(50)
    cell(tf.zeros([1, 30]), cell.zero_state(1, tf.float32))
    kernel, bias = cell.trainable_variables
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel_value, bias_value = sess.run([kernel, bias])
    limit = np.sqrt(6.0 / (80 + 200))
    assert kernel_value.shape == (80, 200) and kernel_value.dtype == np.float32
    assert np.abs(kernel_value).max() <= limit and np.abs(kernel_value).max() > 0.95 * limit
    assert abs(kernel_value.std() - limit / np.sqrt(3)) < 0.01
    np.testing.assert_array_equal(bias_value, np.zeros(200, np.float32))


# ---------------------------------------------------------------- central differences
def _cell_cases():
    rnn_cell = tf.nn.rnn_cell
    return {
        "basic_rnn": lambda: rnn_cell.BasicRNNCell(3),
        "gru": lambda: rnn_cell.GRUCell(3),
        "basic_lstm": lambda: rnn_cell.BasicLSTMCell(3, forget_bias=0.3),
        "basic_lstm_concat": lambda: rnn_cell.BasicLSTMCell(2, state_is_tuple=False),
        "lstm_peepholes_clip_projection": lambda: rnn_cell.LSTMCell(
            3, use_peepholes=True, cell_clip=0.4, num_proj=2, proj_clip=0.3),
        "multi": lambda: rnn_cell.MultiRNNCell([rnn_cell.GRUCell(2), rnn_cell.BasicRNNCell(2)]),
        "residual": lambda: rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(2)),
    }


@pytest.mark.parametrize("cell_name", sorted(_cell_cases()))
def test_static_rnn_gradients_match_central_differences(cell_name):
    x = np.random.RandomState(4).uniform(-1, 1, (2, 3, 2))
    inputs = tf.placeholder(tf.float64, [2, 3, 2])
    cell = _cell_cases()[cell_name]()
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(inputs, axis=1), dtype=tf.float64,
                                      sequence_length=[3, 2])
    flat = outputs + tf.nest.flatten(state)
    loss = tf.add_n([tf.reduce_sum(t * np.cos(np.arange(np.prod(t.shape.as_list())))
                                   .reshape(t.shape.as_list())) for t in flat])
    variables = tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(variables)
        xs = [inputs] + [v.value() for v in variables]
        pairs = gradient_checker.compute_gradient(
            xs, [x.shape] + [v.shape for v in values], loss, [], x_init_value=[x] + values,
            delta=1e-6)
    for theoretical, numerical in pairs:
        np.testing.assert_allclose(theoretical, numerical, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- names and reuse
def test_one_cell_called_twice_shares_its_variables_and_name_scope():
    cell = tf.nn.rnn_cell.BasicRNNCell(2)
    x = tf.zeros([1, 3])
    with tf.variable_scope("rnn"):
        out1, state = cell(x, cell.zero_state(1, tf.float32))
        out2, _ = cell(x, state)
    assert [v.name for v in tf.global_variables()] == [
        "rnn/basic_rnn_cell/kernel:0", "rnn/basic_rnn_cell/bias:0"]
    assert out1.op.name.startswith("rnn/basic_rnn_cell/")
    assert out2.op.name.startswith("rnn/basic_rnn_cell/") and out2.op.name != out1.op.name
    assert cell.name == "basic_rnn_cell" and cell.scope_name == "rnn/basic_rnn_cell"


def test_a_named_cell_with_reuse_shares_an_earlier_cells_variables():
    x = tf.zeros([1, 3])
    first = tf.nn.rnn_cell.GRUCell(2, name="shared")
    first(x, first.zero_state(1, tf.float32))
    second = tf.nn.rnn_cell.GRUCell(2, name="shared", reuse=True)
    second(x, second.zero_state(1, tf.float32))
    assert len(tf.global_variables()) == 4
    assert [v is w for v, w in zip(first.variables, second.variables)] == [True] * 4
    third = tf.nn.rnn_cell.GRUCell(2, name="shared")  # no reuse: a scope of its own
    out, _ = third(x, third.zero_state(1, tf.float32))
    assert third.scope_name == "shared_1" and third.name == "shared"
    assert [v.name for v in third.variables][0] == "shared_1/gates/kernel:0"
    assert out.op.name.startswith("shared_2/")  # TF1: the name scope "shared_1" went to second


def test_static_rnn_scope_and_a_stack_of_cells_get_tf1_names():
    cells = [tf.nn.rnn_cell.BasicLSTMCell(2), tf.nn.rnn_cell.BasicLSTMCell(2)]
    stack = tf.nn.rnn_cell.MultiRNNCell(cells)
    tf.nn.static_rnn(stack, [tf.zeros([1, 3])] * 2, dtype=tf.float32, scope="encoder")
    assert [v.name for v in tf.global_variables()] == [
        "encoder/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0",
        "encoder/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0",
        "encoder/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0",
        "encoder/multi_rnn_cell/cell_1/basic_lstm_cell/bias:0",
    ]
    assert len(stack.trainable_variables) == 4


def test_zero_state_with_a_tensor_batch_size():
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(3),
                                        tf.nn.rnn_cell.GRUCell(2)])
    x = tf.placeholder(tf.float32, [None, 4])
    state = cell.zero_state(tf.shape(x)[0], tf.float32)
    assert state[0].c.shape.as_list() == [None, 3] and state[1].shape.as_list() == [None, 2]
    assert state[0].c.op.name.startswith("MultiRNNCellZeroState/BasicLSTMCellZeroState/")
    with tf.Session() as sess:
        values = sess.run(state, {x: np.ones((5, 4))})
    assert values[0].h.shape == (5, 3) and values[1].shape == (5, 2)


# ---------------------------------------------------------------- dropout
def test_dropout_wrapper_keeps_the_memory_cell_and_a_fed_keep_prob_of_one_changes_nothing():
    keep = tf.placeholder_with_default(1.0, [])
    base = tf.nn.rnn_cell.BasicLSTMCell(6)
    cell = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=keep, state_keep_prob=keep,
                                         seed=5)
    x = tf.constant(np.random.RandomState(5).normal(size=(4, 3)).astype(np.float32))
    state0 = tf.nn.rnn_cell.LSTMStateTuple(tf.ones([4, 6]), tf.ones([4, 6]))
    out, state = cell(x, state0)
    plain_out, plain_state = base(x, state0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kept = sess.run([out, state, plain_out, plain_state])
        dropped = sess.run([out, state, plain_out, plain_state], {keep: 0.5})
    np.testing.assert_array_equal(kept[0], kept[2])
    np.testing.assert_array_equal(kept[1].h, kept[3].h)
    np.testing.assert_array_equal(dropped[1].c, dropped[3].c)  # c: never dropped
    for value, plain in ((dropped[0], dropped[2]), (dropped[1].h, dropped[3].h)):
        zero = value == 0
        assert 0 < zero.mean() < 1
        np.testing.assert_allclose(value[~zero], 2 * plain[~zero], rtol=1e-6)


def test_variational_dropout_uses_one_mask_for_every_step():
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(8), output_keep_prob=0.5,
                                         variational_recurrent=True, dtype=tf.float32, seed=2)
    outputs, _ = tf.nn.static_rnn(cell, [tf.ones([3, 2])] * 3, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(outputs)
    masks = [v == 0 for v in values]
    assert 0 < masks[0].mean() < 1
    for mask in masks[1:]:
        np.testing.assert_array_equal(mask, masks[0])


# ---------------------------------------------------------------- errors
def test_bad_inputs_raise_tf1_errors_that_say_what_to_do():
    cell = tf.nn.rnn_cell.BasicLSTMCell(2)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        cell(tf.zeros([1, 2, 3]), cell.zero_state(1, tf.float32))
    with pytest.raises(ValueError, match="only supports floating point inputs.*int32"):
        tf.nn.rnn_cell.GRUCell(2)(tf.zeros([1, 2], tf.int32), tf.zeros([1, 2], tf.int32))
    with pytest.raises(ValueError, match="dtype` must be specified"):
        tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), [tf.zeros([1, 2])])
    with pytest.raises(ValueError, match="Expected inputs.shape\\[-1\\] to be known"):
        tf.nn.rnn_cell.GRUCell(2)(tf.placeholder(tf.float32, [1, None]), tf.zeros([1, 2]))
    with pytest.raises(ValueError, match="at least one cell"):
        tf.nn.rnn_cell.MultiRNNCell([])
    with pytest.raises(ValueError, match="state_is_tuple is not set"):
        tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(2)], state_is_tuple=False)
    with pytest.raises(ValueError, match="output_keep_prob must be between 0 and 1"):
        tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=1.5)
    with pytest.raises(TypeError, match="'cell'.*is not an RNNCell"):
        tf.nn.static_rnn(lambda x, s: (x, s), [tf.zeros([1, 2])], dtype=tf.float32)
    with pytest.raises(TypeError, match="must be a sequence"):
        tf.nn.static_rnn(cell, tf.zeros([1, 2]), dtype=tf.float32)
