"""Recurrent networks over sequences: TF1's `tf.nn.static_rnn`, `static_bidirectional_rnn`,
`dynamic_rnn` and `bidirectional_dynamic_rnn`.

A cell (`minigraph/ops/rnn_cell_impl.py`) computes one time step. `static_rnn` unrolls it: one
copy of the cell's ops per step of a Python list of inputs, sharing the cell's variables.
`dynamic_rnn` builds the step once, as the body of a `tf.while_loop` over the time dimension of
one `[batch, time, depth]` tensor (`[time, batch, depth]` with `time_major=True`), writing each
step's output to a `TensorArray`; the graph stays the same size whatever the length.

Both take `sequence_length`, one length per example, as TF1 does: past its length an example's
output is zero and its state is copied through unchanged, so the final state is the state at
each example's own last step. Both open the variable scope `rnn` (or `scope`), so a cell's
variables are `rnn/basic_lstm_cell/kernel`; the bidirectional ones open
`bidirectional_rnn/fw` and `bidirectional_rnn/bw`.

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default():
    ...     x = tf.placeholder(tf.float32, [4, 2])
    ...     cell = tf.nn.rnn_cell.GRUCell(3)
    ...     outputs, state = tf.nn.static_rnn(cell, [x, x, x], dtype=tf.float32)
    ...     print(len(outputs), outputs[-1].shape, [v.name for v in tf.global_variables()][0])
    3 (4, 3) rnn/gru_cell/gates/kernel:0
"""

from __future__ import annotations

from typing import Optional

from minigraph import dtypes, nest, shapes
from minigraph.graph import control_dependencies, graph_of, name_scope
from minigraph.ops import array_ops, check_ops, math_ops
from minigraph.ops.rnn_cell_impl import assert_like_rnncell
from minigraph.ops.tensor_array_ops import TensorArray
from minigraph.ops.while_ops import while_loop
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.variable_scope import variable_scope


# ---------------------------------------------------------------- helpers
def _infer_state_dtype(explicit_dtype, state) -> dtypes.DType:
    """The dtype of the outputs: `explicit_dtype`, else the state's (all parts must agree)."""
    if explicit_dtype is not None:
        return dtypes.as_dtype(explicit_dtype)
    found = [t.dtype for t in nest.flatten(state)]
    if not found:
        raise ValueError(f"Unable to infer dtype from argument state={state!r}.")
    if any(d != found[0] for d in found):
        raise ValueError(
            f"Argument state={state!r} has tensors of different inferred dtypes. Unable to "
            f"infer a single representative dtype. Dtypes received: {found}"
        )
    return found[0]


def _initial_state(cell, initial_state, dtype, batch_size, who: str):
    """`initial_state`, or the cell's zero state (which needs `dtype`)."""
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError(
            f"If no initial_state is provided, argument `dtype` must be specified (in {who}: "
            "pass dtype=tf.float32, or initial_state=cell.zero_state(batch_size, dtype))."
        )
    return cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)


def _zero_output(batch_size, static_batch, size, dtype) -> Tensor:
    """Zeros `[batch, size]`: a finished example's output."""
    dims = shapes.as_shape(size).as_list()
    if isinstance(batch_size, Tensor):
        shape = array_ops.concat([array_ops.reshape(batch_size, [1]), dims], 0)
    else:
        shape = [int(batch_size)] + dims
    output = array_ops.zeros(shape, dtype=dtype)
    output.set_shape([static_batch] + dims)
    return output


def _copy_some_through(time, sequence_length, zero_output, state, new_output, new_state):
    """Per example: the new output and state while `time < length`, else zeros and the old
    state (TF1's `_copy_some_through`, row by row with `tf.where`)."""
    finished = math_ops.greater_equal(time, sequence_length)
    flat_output = [math_ops.where(finished, zero, new)
                   for zero, new in zip(nest.flatten(zero_output), nest.flatten(new_output))]
    flat_state = [math_ops.where(finished, old, new)
                  for old, new in zip(nest.flatten(state), nest.flatten(new_state))]
    for result, zero in zip(flat_output, nest.flatten(zero_output)):
        result.set_shape(zero.shape)
    for result, old in zip(flat_state, nest.flatten(state)):
        result.set_shape(old.shape)
    return (nest.pack_sequence_as(zero_output, flat_output),
            nest.pack_sequence_as(state, flat_state))


def _rnn_step(time, sequence_length, zero_output, state, call_cell):
    """One step with `sequence_length`: the cell's output and state where the example is still
    running, zeros and the state copied through where it has ended."""
    new_output, new_state = call_cell()
    nest.assert_same_structure(zero_output, new_output)
    nest.assert_same_structure(state, new_state)
    return _copy_some_through(time, sequence_length, zero_output, state, new_output, new_state)


def _sequence_length(sequence_length, batch_size, who: str) -> Optional[Tensor]:
    if sequence_length is None:
        return None
    lengths = convert_to_tensor(sequence_length, name="sequence_length")
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(
            f"Argument `sequence_length` must be a vector of length {batch_size}. Received "
            f"sequence_length={lengths!r} (in {who})."
        )
    return math_ops.cast(lengths, dtypes.int32)


def _static_batch_size(inputs) -> tuple:
    """(batch size for zero states: an int or a tensor, the static batch dimension or None),
    from a static_rnn input list, checking every input's depth is known."""
    first = nest.flatten(inputs[0])[0]
    static_batch = None
    for flat_input in nest.flatten(inputs):
        shape = flat_input.shape
        if shape.ndims is not None and shape.ndims < 2 and shape.ndims != 1:
            raise ValueError(f"Input {flat_input!r} must have rank at least 2 ([batch, depth]).")
        dims = shape.as_list() if shape.ndims is not None else [None, None]
        for i, size in enumerate(dims[1:]):
            if size is None:
                raise ValueError(
                    f"Input size (dimension {i} of input {flat_input!r}) must be accessible "
                    "via shape inference, but saw value None."
                )
        if dims[0] is not None:
            if static_batch is not None and dims[0] != static_batch:
                raise ValueError(
                    f"Dimension {dims[0]} of input {flat_input!r} is not compatible with the "
                    f"batch size {static_batch} of the other inputs."
                )
            static_batch = dims[0]
    batch_size = static_batch if static_batch is not None else array_ops.shape(first)[0]
    return batch_size, static_batch


# ---------------------------------------------------------------- static_rnn
def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Runs `cell` over the list `inputs`, one copy of its ops per step.

    Args:
        cell: an `RNNCell`.
        inputs: a list (one per time step) of `[batch, depth]` tensors, or of structures of
            them.
        initial_state: the starting state (default: the cell's zero state, which needs
            `dtype`).
        dtype: the dtype of the state and outputs.
        sequence_length: per example, its number of steps: past it the output is zero and the
            state is copied through.
        scope: the variable scope (default "rnn").

    Returns:
        `(outputs, state)`: the list of each step's output and the final state.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     cell = tf.nn.rnn_cell.BasicRNNCell(2)
        ...     steps = [tf.ones([3, 1])] * 4
        ...     outputs, state = tf.nn.static_rnn(cell, steps, dtype=tf.float32,
        ...                                       sequence_length=[4, 2, 0])
        ...     sess.run(tf.global_variables_initializer())
        ...     print(sess.run(outputs[3])[1:], (sess.run(state)[2] == 0).all())
        [[0. 0.]
         [0. 0.]] True
    """
    assert_like_rnncell("cell", cell)
    if not nest.is_nested(inputs):
        raise TypeError(f"Argument `inputs` must be a sequence. Received: {inputs!r}")
    if not inputs:
        raise ValueError("Argument `inputs` must not be empty.")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        batch_size, static_batch = _static_batch_size(inputs)
        state = _initial_state(cell, initial_state, dtype, batch_size, "static_rnn")
        lengths = _sequence_length(sequence_length, batch_size, "static_rnn")
        zero_output = None
        if lengths is not None:
            out_dtype = _infer_state_dtype(dtype, state)
            zero_output = nest.map_structure(
                lambda size: _zero_output(batch_size, static_batch, size, out_dtype),
                cell.output_size)
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()

            def call_cell(step_input=input_, step_state=state):
                return cell(step_input, step_state)

            if lengths is not None:
                output, state = _rnn_step(time, lengths, zero_output, state, call_cell)
            else:
                output, state = call_cell()
            outputs.append(output)
        return outputs, state


def _reverse_seq(input_seq, lengths):
    """The list `input_seq` reversed in time, each example over its own `lengths` (all of it
    when `lengths` is None)."""
    if lengths is None:
        return list(reversed(input_seq))
    flat_steps = [nest.flatten(step) for step in input_seq]
    reversed_parts = []
    for sequence in zip(*flat_steps):
        joined = array_ops.stack(sequence)
        flipped = array_ops.reverse_sequence(joined, lengths, seq_axis=0, batch_axis=1)
        parts = array_ops.unstack(flipped, num=len(sequence))
        for part, original in zip(parts, sequence):
            part.set_shape(original.shape)
        reversed_parts.append(parts)
    return [nest.pack_sequence_as(step, [parts[t] for parts in reversed_parts])
            for t, step in enumerate(input_seq)]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """`static_rnn` forwards (`cell_fw`) and backwards (`cell_bw`), outputs concatenated.

    Returns:
        `(outputs, output_state_fw, output_state_bw)`: per step, the forward and backward
        outputs concatenated along axis 1 (the backward ones put back in forward order).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     fw, bw = tf.nn.rnn_cell.BasicRNNCell(2), tf.nn.rnn_cell.BasicRNNCell(3)
        ...     outputs, _, _ = tf.nn.static_bidirectional_rnn(fw, bw, [tf.ones([1, 4])] * 2,
        ...                                                    dtype=tf.float32)
        ...     print(outputs[0].shape, tf.global_variables()[2].name)
        (1, 5) bidirectional_rnn/bw/basic_rnn_cell/kernel:0
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not nest.is_nested(inputs):
        raise TypeError(f"inputs must be a sequence. Received: {inputs!r}")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                                    sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, sequence_length)
            tmp, output_state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                              sequence_length, scope=bw_scope)
    output_bw = _reverse_seq(tmp, sequence_length)
    flat_fw = [nest.flatten(step) for step in output_fw]
    flat_bw = [nest.flatten(step) for step in output_bw]
    outputs = [nest.pack_sequence_as(fw, [array_ops.concat([a, b], 1) for a, b in zip(fa, fb)])
               for fw, fa, fb in zip(output_fw, flat_fw, flat_bw)]
    return outputs, output_state_fw, output_state_bw


# ---------------------------------------------------------------- dynamic_rnn
def _transpose_batch_time(x: Tensor) -> Tensor:
    """`[batch, time, ...]` <-> `[time, batch, ...]`."""
    x = convert_to_tensor(x)
    rank = x.shape.ndims
    if rank is None:
        raise ValueError(
            f"Input {x!r} of dynamic_rnn has an unknown rank; it must be at least 2 ([batch, "
            "time, ...]): give its placeholder a shape."
        )
    if rank < 2:
        raise ValueError(
            f"Expected input tensor {x!r} to have rank at least 2 ([batch, time, ...]), but "
            f"saw shape {x.shape}."
        )
    result = array_ops.transpose(x, [1, 0] + list(range(2, rank)))
    dims = x.shape.as_list()
    result.set_shape([dims[1], dims[0]] + dims[2:])
    return result



def _best_effort_input_batch_size(flat_input) -> object:
    """The batch size of time-major inputs: the static one if any input knows it, else the
    dynamic one of the first."""
    for input_ in flat_input:
        shape = input_.shape
        if shape.ndims is None:
            continue
        if shape.ndims < 2:
            raise ValueError(f"Expected input tensor {input_!r} to have rank at least 2")
        batch_size = shape.as_list()[1]
        if batch_size is not None:
            return batch_size
    return array_ops.shape(flat_input[0])[1]


def _check_time_major_inputs(flat_input) -> tuple:
    """(static time steps, static batch size) of time-major `[time, batch, depth...]` inputs,
    checking every input's depth is known and all agree on time and batch (TF1's errors)."""
    got = []
    for input_ in flat_input:
        shape = input_.shape
        if shape.ndims is None or shape.ndims < 3:
            raise ValueError(
                f"Shape {shape} must have rank at least 3: the inputs of dynamic_rnn are "
                f"[batch, time, depth] ([time, batch, depth] with time_major=True), got "
                f"{input_!r}."
            )
        dims = shape.as_list()
        if any(d is None for d in dims[2:]):
            raise ValueError(
                "Input size (depth of inputs) must be accessible via shape inference, but saw "
                f"value None for input={input_!r}."
            )
        got.append((dims[:2], input_))
    const_time, const_batch = got[0][0]
    for (time_steps, batch_size), input_ in got[1:]:
        if time_steps != const_time:
            raise ValueError(
                "Time steps is not the same for all the elements in the input in a batch. "
                f"Received time steps={time_steps} for input={input_!r}."
            )
        if batch_size != const_batch:
            raise ValueError(
                "Batch_size is not the same for all the elements in the input. Received batch "
                f"size={batch_size} for input={input_!r}."
            )
    return const_time, const_batch


def _checked_sequence_length(sequence_length, batch_size):
    """`sequence_length` as int32 named "sequence_length", with a run-time check (as TF1's
    "CheckSeqLen") that it has one entry per example."""
    lengths = math_ops.cast(sequence_length, dtypes.int32)
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(
            "Argument sequence_length must be a vector of length batch_size. Received "
            f"sequence_length={lengths!r} of shape: {lengths.shape}"
        )
    lengths = array_ops.identity(lengths, name="sequence_length")
    if isinstance(batch_size, int) and lengths.shape.ndims == 1:
        got = lengths.shape.as_list()[0]
        if got is not None and got != batch_size:
            raise ValueError(
                f"sequence_length has {got} entries but the inputs have batch size "
                f"{batch_size}: give one length per example."
            )
    expected = array_ops.reshape(convert_to_tensor(batch_size, dtype=dtypes.int32), [1])
    actual = array_ops.shape(lengths)
    check = check_ops.Assert(
        math_ops.reduce_all(math_ops.equal(actual, expected)),
        [f"Expected shape for Tensor {lengths.name} is ", expected, " but saw shape: ",
         actual])
    with control_dependencies([check]):
        return array_ops.identity(lengths, name="CheckSeqLen")


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Runs `cell` over the time dimension of `inputs` in a `tf.while_loop`.

    The cell's ops are built once, as the loop's body; each iteration reads one time step and
    writes one step of the outputs, so the graph has the same size for any number of steps
    (which may be known only at run time). Gradients flow back through the loop.

    Args:
        cell: an `RNNCell`.
        inputs: `[batch, time, depth]` (`[time, batch, depth]` with `time_major=True`), or a
            nested structure of such tensors (all with the same batch and time).
        sequence_length: per example, its number of steps (int32/int64 vector `[batch]`):
            past it the output is zero and the state is copied through, so the final state is
            the state at each example's last step.
        initial_state: the starting state (default: the cell's zero state, which needs
            `dtype`).
        dtype: the dtype of the initial state and the outputs.
        parallel_iterations, swap_memory: accepted for TF1 compatibility; the steps run one
            after another and keep what the gradient needs in memory.
        time_major: whether `inputs` and the outputs are `[time, batch, ...]`.
        scope: the variable scope (default "rnn").

    Returns:
        `(outputs, state)`: the outputs of every step in the layout of the inputs, in the
        structure of `cell.output_size`, and the final state.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.placeholder(tf.float32, [None, None, 2])
        ...     cell = tf.nn.rnn_cell.BasicLSTMCell(3)
        ...     outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=[4, 2],
        ...                                        dtype=tf.float32)
        ...     sess.run(tf.global_variables_initializer())
        ...     out, h = sess.run([outputs, state.h], {x: tf.ones([2, 4, 2]).eval()})
        ...     print(out.shape, (out[1, 2:] == 0).all(), (h[1] == out[1, 1]).all())
        ...     print(tf.global_variables()[0].name)
        (2, 4, 3) True True
        rnn/basic_lstm_cell/kernel:0
    """
    assert_like_rnncell("cell", cell)
    with graph_of(nest.flatten(inputs)).as_default():
        flat_input = [convert_to_tensor(input_) for input_ in nest.flatten(inputs)]
        if not flat_input:
            raise ValueError("Argument `inputs` of dynamic_rnn must not be empty.")
        if not time_major:
            flat_input = [_transpose_batch_time(input_) for input_ in flat_input]
        with variable_scope(scope or "rnn"):
            batch_size = _best_effort_input_batch_size(flat_input)
            state = _initial_state(cell, initial_state, dtype, batch_size, "dynamic_rnn")
            lengths = None
            if sequence_length is not None:
                lengths = _checked_sequence_length(sequence_length, batch_size)
            time_major_inputs = nest.pack_sequence_as(inputs, flat_input)
            outputs, final_state = _dynamic_rnn_loop(
                cell, time_major_inputs, state, parallel_iterations or 32, swap_memory,
                lengths, dtype)
            if not time_major:
                outputs = nest.map_structure(_transpose_batch_time, outputs)
            return outputs, final_state


def _stack_written(output_ta, steps_run, time_steps) -> Tensor:
    """The `[time, batch, ...]` outputs of a TensorArray whose first `steps_run` elements the
    loop wrote; the steps after them (the loop stops after the longest sequence) are zeros, as
    TF1's TensorArray reads an unwritten element once it knows the elements' shape."""
    written = output_ta.gather(math_ops.range(steps_run))
    rank = written.shape.ndims
    paddings = array_ops.concat(
        [array_ops.reshape(array_ops.stack([0, time_steps - steps_run]), [1, 2]),
         array_ops.zeros([rank - 1, 2], dtypes.int32)], 0)
    return array_ops.pad(written, paddings)


def _dynamic_rnn_loop(cell, inputs, initial_state, parallel_iterations, swap_memory,
                      sequence_length, dtype):
    """The `tf.while_loop` of `dynamic_rnn` over time-major `inputs`: (outputs, final state).

    As TF1: the inputs are unstacked into TensorArrays, each iteration reads one step and
    writes the cell's output to an output TensorArray, stacked after the loop.
    """
    flat_input = nest.flatten(inputs)
    const_time, const_batch = _check_time_major_inputs(flat_input)
    time_steps = array_ops.shape(flat_input[0])[0]
    batch_size = _best_effort_input_batch_size(flat_input)
    out_dtype = _infer_state_dtype(dtype, initial_state)
    flat_output_size = nest.flatten(cell.output_size)
    zero_output = nest.map_structure(
        lambda size: _zero_output(batch_size, const_batch, size, out_dtype), cell.output_size)
    if sequence_length is not None:
        max_sequence_length = math_ops.reduce_max(sequence_length)
    else:
        max_sequence_length = time_steps
    # at least one step, if there is one, as TF1 (its TensorArrays learn their shapes there)
    loop_bound = math_ops.minimum(time_steps, math_ops.maximum(1, max_sequence_length))
    time = array_ops.constant(0, dtype=dtypes.int32, name="time")
    with name_scope("dynamic_rnn") as base_name:
        pass
    output_ta = tuple(
        TensorArray(out_dtype, size=time_steps, tensor_array_name=f"{base_name}output_{i}",
                    element_shape=[const_batch] + shapes.as_shape(size).as_list())
        for i, size in enumerate(flat_output_size))
    input_ta = tuple(
        TensorArray(input_.dtype, size=time_steps, tensor_array_name=f"{base_name}input_{i}",
                    element_shape=input_.shape[1:]).unstack(input_)
        for i, input_ in enumerate(flat_input))

    def time_step(time, output_ta_t, state):
        input_t = [ta.read(time) for ta in input_ta]
        for input_, original in zip(input_t, flat_input):
            input_.set_shape(original.shape[1:])
        input_t = nest.pack_sequence_as(inputs, input_t)

        def call_cell():
            return cell(input_t, state)

        if sequence_length is not None:
            output, new_state = _rnn_step(time, sequence_length, zero_output, state, call_cell)
        else:
            output, new_state = call_cell()
        output_ta_t = tuple(ta.write(time, out)
                            for ta, out in zip(output_ta_t, nest.flatten(output)))
        return time + 1, output_ta_t, new_state

    steps_run, final_ta, final_state = while_loop(
        lambda time, *_: math_ops.less(time, loop_bound), time_step,
        (time, output_ta, initial_state), parallel_iterations=parallel_iterations,
        swap_memory=swap_memory, maximum_iterations=time_steps)
    final_outputs = []
    for ta, size in zip(final_ta, flat_output_size):
        output = _stack_written(ta, steps_run, time_steps)
        output.set_shape([const_time, const_batch] + shapes.as_shape(size).as_list())
        final_outputs.append(output)
    return nest.pack_sequence_as(cell.output_size, final_outputs), final_state


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """`dynamic_rnn` forwards (`cell_fw`) and backwards in time (`cell_bw`).

    The backward cell reads each example reversed over its own `sequence_length` (all of it
    when None); its outputs are reversed back, so both are in forward time order.

    Returns:
        `((output_fw, output_bw), (output_state_fw, output_state_bw))`; concatenate the outputs
        with `tf.concat(outputs, 2)` for one `[batch, time, fw + bw]` tensor.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     fw, bw = tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.BasicLSTMCell(3)
        ...     (out_fw, out_bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
        ...         fw, bw, tf.ones([5, 7, 4]), sequence_length=[7, 6, 5, 4, 3],
        ...         dtype=tf.float32)
        ...     print(out_fw.shape, out_bw.shape, state_bw.c.shape)
        ...     print(tf.global_variables()[-1].name)
        (5, 7, 2) (5, 7, 3) (5, 3)
        bidirectional_rnn/bw/basic_lstm_cell/bias:0
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def reverse(value):
        if sequence_length is None:
            return array_ops.reverse(value, axis=[time_axis])
        return array_ops.reverse_sequence(value, sequence_length, seq_axis=time_axis,
                                          batch_axis=batch_axis)

    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = dynamic_rnn(
                cell_fw, inputs, sequence_length, initial_state_fw, dtype, parallel_iterations,
                swap_memory, time_major, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            inputs_reverse = nest.map_structure(reverse, inputs)
            tmp, output_state_bw = dynamic_rnn(
                cell_bw, inputs_reverse, sequence_length, initial_state_bw, dtype,
                parallel_iterations, swap_memory, time_major, scope=bw_scope)
    output_bw = nest.map_structure(reverse, tmp)
    return (output_fw, output_bw), (output_state_fw, output_state_bw)
