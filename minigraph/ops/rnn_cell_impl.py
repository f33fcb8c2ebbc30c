"""RNN cells, TF1's `tf.nn.rnn_cell`: one time step of a recurrent network, as graph ops.

A cell maps `(inputs [batch, depth], state)` to `(output, new_state)`; `tf.nn.static_rnn` and
`tf.nn.dynamic_rnn` (`minigraph/ops/rnn.py`) apply it along a sequence. The cells here are
TF1's own, gate for gate: `BasicRNNCell` (`tanh(W [x, h] + b)`), `GRUCell` (reset and update
gates, then a candidate), `BasicLSTMCell` and `LSTMCell` (gates `i, j, f, o` in that order, the
forget gate biased by `forget_bias`; `LSTMCell` adds peepholes, cell clipping and a
projection), and the wrappers `MultiRNNCell` (a stack of cells), `DropoutWrapper`,
`ResidualWrapper` and `DeviceWrapper`.

Variables are named as TF1 names them, so a checkpoint of TF1-style code lines up: a cell's
first call opens a variable scope named after its class (`basic_lstm_cell`, made unique:
`basic_lstm_cell_1` for a second cell in the same scope) inside the caller's scope, creates its
variables there (`rnn/basic_lstm_cell/kernel`, `rnn/basic_lstm_cell/bias`;
`rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel` in a stack; `gates/kernel`,
`candidate/kernel` for a GRU) and remembers the scope; every later call reuses those variables
and puts its ops in the same name scope (`rnn/basic_lstm_cell/MatMul_1`). A kernel gets the
scope's initializer, or Glorot uniform if there is none (TF1's `get_variable` default); a bias
starts at zero (a GRU's gates at 1.0, so they start open). This is TF1's `tf.layers.Layer`
naming, restated for cells: minigraph has no Layer class.

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default():
    ...     cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    ...     x = tf.placeholder(tf.float32, [2, 3])
    ...     with tf.variable_scope("rnn"):
    ...         output, state = cell(x, cell.zero_state(2, tf.float32))
    ...     print([v.name for v in tf.global_variables()], output.shape, state.c.shape)
    ['rnn/basic_lstm_cell/kernel:0', 'rnn/basic_lstm_cell/bias:0'] (2, 4) (2, 4)
"""

from __future__ import annotations

import collections
import numbers
import re
from typing import Callable, Optional

from minigraph import dtypes, init_ops, nest, shapes
from minigraph.graph import device as graph_device
from minigraph.graph import name_scope
from minigraph.ops import array_ops, math_ops, nn_impl, nn_ops, random_ops
from minigraph.tensor import Tensor, constant_value, convert_to_tensor
from minigraph.variable_scope import get_variable, get_variable_scope, variable_scope

_WEIGHTS_VARIABLE_NAME = "kernel"
_BIAS_VARIABLE_NAME = "bias"

_ACTIVATIONS = {
    "tanh": math_ops.tanh, "sigmoid": math_ops.sigmoid, "relu": nn_ops.relu,
    "relu6": nn_ops.relu6, "elu": nn_ops.elu, "linear": array_ops.identity,
}


def _to_snake_case(name: str) -> str:
    """A class name as TF1 names its layers: "BasicLSTMCell" -> "basic_lstm_cell"."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def _activation(activation) -> Callable:
    """`activation` as a function: None is tanh, a name is looked up (TF's Keras names)."""
    if activation is None:
        return math_ops.tanh
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"Unknown activation function: {activation!r}; use one of "
                f"{sorted(_ACTIVATIONS)} or pass a function such as tf.nn.relu."
            )
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"activation must be a function or a name, got {activation!r}.")
    return activation


def _check_supported_dtype(dtype, who: str) -> None:
    if dtype is None:
        return
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(
            f"RNN cell only supports floating point inputs, but saw dtype: {dtype.name} "
            f"(in {who}; cast the inputs and state with tf.cast(x, tf.float32))."
        )


def _check_input_dtypes(values, who: str) -> None:
    for t in nest.flatten(values):
        _check_supported_dtype(t.dtype, who)


# ---------------------------------------------------------------- LSTMStateTuple
_LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))


class LSTMStateTuple(_LSTMStateTuple):
    """The state of an LSTM cell: `(c, h)`, the memory cell and the output, in that order.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     state = tf.nn.rnn_cell.LSTMStateTuple(tf.zeros([2, 3]), tf.ones([2, 3]))
        >>> state.dtype
        tf.float32
    """

    __slots__ = ()

    @property
    def dtype(self) -> dtypes.DType:
        """The dtype of `c` and `h` (TypeError if they differ)."""
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


# ---------------------------------------------------------------- zero states
def _zeros(batch_size, size, dtype) -> Tensor:
    """Zeros of shape `[batch_size] + size`, for an int or a scalar-tensor batch size."""
    dims = shapes.as_shape(size).as_list()
    if isinstance(batch_size, Tensor):
        batch = array_ops.reshape(batch_size, [1])
        value = array_ops.zeros(array_ops.concat([batch, dims], 0), dtype=dtype)
        static = constant_value(batch_size)
        value.set_shape([None if static is None else int(static)] + dims)
        return value
    return array_ops.zeros([int(batch_size)] + dims, dtype=dtype)


def _zero_state_tensors(state_size, batch_size, dtype):
    """Zeros for every part of `state_size` (an int, a TensorShape or a structure of them)."""
    return nest.map_structure(lambda size: _zeros(batch_size, size, dtype), state_size)


# ---------------------------------------------------------------- RNNCell
class RNNCell:
    """The base of every cell: `(output, new_state) = cell(inputs, state)`.

    A subclass defines `state_size`, `output_size`, `build(inputs_shape)` (creating variables
    with `add_variable`) and `call(inputs, state)`. The first call opens the cell's variable
    scope, named after the class (see the module docstring) and builds the cell; later calls
    reuse its variables.

    Args:
        trainable: whether the cell's variables are trainable.
        name: the name of the cell's variable scope (default: the class name in snake case).
        dtype: the dtype of its variables (default: the dtype of the first input).

    Example:
        >>> import minigraph as tf
        >>> class Doubler(tf.nn.rnn_cell.RNNCell):
        ...     state_size = output_size = 3
        ...     def call(self, inputs, state):
        ...         return 2.0 * inputs, state + inputs
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     cell = Doubler()
        ...     out, state = cell(tf.ones([1, 3]), cell.zero_state(1, tf.float32))
        ...     print(sess.run([out, state]))
        [array([[2., 2., 2.]], dtype=float32), array([[1., 1., 1.]], dtype=float32)]
    """

    def __init__(self, trainable: bool = True, name: Optional[str] = None, dtype=None,
                 _reuse=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(kwargs)}.")
        self.trainable = trainable
        self._base_name = name or _to_snake_case(type(self).__name__)
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._reuse = _reuse
        self._scope = None  # the cell's own variable scope, fixed by its first call
        self._rnncell_scope = None  # the caller's variable scope at the first call
        self.built = False
        self._trainable_weights = []
        self._non_trainable_weights = []

    # ------------------------------------------------------------ what a subclass defines
    @property
    def state_size(self):
        """The size(s) of the state: an int, a TensorShape or a structure of them."""
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        """The size of the output: an int or a TensorShape."""
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape) -> None:
        """Creates the variables, given the static shape of the inputs."""
        self.built = True

    def call(self, inputs, state):
        """One step: `(output, new_state)`."""
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs, state).")

    # ------------------------------------------------------------ properties
    @property
    def name(self) -> str:
        """The cell's name: the one given, else its class name in snake case (its variable
        scope, `scope_name`, may add a suffix to make it unique: `gru_cell_1`)."""
        return self._base_name

    @property
    def dtype(self):
        """The dtype of the cell's variables (None until known)."""
        return self._dtype

    @property
    def scope_name(self) -> Optional[str]:
        """The full name of the cell's variable scope (None before the first call)."""
        return None if self._scope is None else self._scope.name

    @property
    def trainable_weights(self) -> list:
        """The trainable variables the cell made (TF1's `trainable_weights`)."""
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        """The cell's variables that are not trained."""
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self) -> list:
        """All the cell's variables, trainable first."""
        return self.trainable_weights + self.non_trainable_weights

    variables = weights

    # ------------------------------------------------------------ calling
    def __call__(self, inputs, state, scope=None):
        """Runs one step from `state` on `inputs` `[batch, depth]`: `(output, new_state)`.

        Args:
            inputs: a 2-D tensor `[batch_size, input_size]`.
            state: a tensor `[batch_size, state_size]`, or a structure of them matching
                `state_size`.
            scope: the variable scope for the cell's variables (default: the class name).
        """
        if scope is not None:
            with variable_scope(scope) as entered:
                return self._layer_call(inputs, state, entered)
        if self._rnncell_scope is None:
            self._rnncell_scope = get_variable_scope()
        with variable_scope(self._rnncell_scope):
            return self._layer_call(inputs, state, None)

    def _set_scope(self, scope) -> None:
        """Fixes the cell's variable scope on its first call (TF1's `Layer._set_scope`)."""
        if self._scope is not None:
            return
        if self._reuse:
            with variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
        else:
            with variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured

    def _layer_call(self, inputs, state, scope):
        """TF1's `Layer.__call__`: in the cell's scope (reusing once built), build, then call."""
        self._set_scope(scope)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False):
            with name_scope(self._scope.original_name_scope):
                if not self.built:
                    self._maybe_build(inputs)
                return self.call(inputs, state)

    def _maybe_build(self, inputs) -> None:
        first = nest.flatten(inputs)[0]
        if self._dtype is None:
            self._dtype = first.dtype
        self.build(first.shape)
        self.built = True

    def add_variable(self, name: str, shape, dtype=None, initializer=None,
                     trainable: Optional[bool] = None):
        """Creates (or, when reusing, returns) the variable `name` in the cell's scope."""
        trainable = self.trainable if trainable is None else trainable
        variable = get_variable(name, shape=shape, dtype=dtype or self._dtype,
                                initializer=initializer, trainable=trainable)
        kept = self._trainable_weights if trainable else self._non_trainable_weights
        if all(variable is not v for v in kept):
            kept.append(variable)
        return variable

    add_weight = add_variable

    # ------------------------------------------------------------ states
    def zero_state(self, batch_size, dtype):
        """Zero-filled state tensor(s) `[batch_size, s]` for each `s` in `state_size`.

        Args:
            batch_size: an int or a scalar int tensor.
            dtype: the dtype of the state.
        """
        with name_scope(type(self).__name__ + "ZeroState"):
            return _zero_state_tensors(self.state_size, batch_size, dtype)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """`zero_state`, with the batch size and dtype taken from `inputs` if given."""
        if inputs is not None:
            inputs = convert_to_tensor(inputs, name="inputs")
            static = inputs.shape.as_list()[0] if inputs.shape.ndims else None
            batch_size = static if static is not None else array_ops.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(
                "batch_size and dtype cannot be None while constructing initial state: "
                f"batch_size={batch_size}, dtype={dtype}"
            )
        return self.zero_state(batch_size, dtype)

    def __repr__(self) -> str:
        return f"<{type(self).__module__.split('.')[0]}.nn.rnn_cell.{type(self).__name__} " \
               f"'{self.name}'>"


class LayerRNNCell(RNNCell):
    """A cell whose variables are all made by `build`, checked for 2-D floating inputs.

    Unlike a plain `RNNCell` it does not re-enter the caller's variable scope around each call:
    its own scope, opened once, is all it needs (TF1's `LayerRNNCell`).
    """

    def __call__(self, inputs, state, scope=None):
        return self._layer_call(inputs, state, scope)

    def _maybe_build(self, inputs) -> None:
        if inputs.shape.ndims is not None and inputs.shape.ndims != 2:
            raise ValueError(
                f"Input 0 of layer {self._base_name} is incompatible with the layer: expected "
                f"ndim=2, found ndim={inputs.shape.ndims}. Full shape received: "
                f"{inputs.shape.as_list()} (a cell takes one time step [batch, depth]; "
                "tf.nn.dynamic_rnn feeds it a [batch, time, depth] sequence step by step)."
            )
        if inputs.shape.ndims == 2 and inputs.shape.as_list()[-1] is None:
            raise ValueError(
                f"Expected inputs.shape[-1] to be known, saw shape: {inputs.shape} (in "
                f"{self._base_name}; set it with x.set_shape or a placeholder of known depth)."
            )
        super()._maybe_build(inputs)
        _check_supported_dtype(self._dtype, self._base_name)

    def _input_depth(self, inputs_shape) -> int:
        return int(shapes.as_shape(inputs_shape).as_list()[-1])


# ---------------------------------------------------------------- BasicRNNCell
class BasicRNNCell(LayerRNNCell):
    """The most basic RNN cell: `output = new_state = activation(W [inputs, state] + b)`.

    Variables: `kernel [input_depth + num_units, num_units]`, `bias [num_units]` (zeros).

    Args:
        num_units: the number of units.
        activation: the nonlinearity (default tanh; a function or a name such as "relu").
        reuse: reuse the variables of an existing scope of the same name.
        name: the cell's variable scope name (default "basic_rnn_cell").
        dtype: the dtype of the variables (default: the inputs').

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     cell = tf.nn.rnn_cell.BasicRNNCell(3)
        ...     out, state = cell(tf.ones([2, 5]), cell.zero_state(2, tf.float32))
        ...     print(out.shape, [v.shape for v in cell.trainable_variables])
        (2, 3) [TensorShape([Dimension(8), Dimension(3)]), TensorShape([Dimension(3)])]
    """

    def __init__(self, num_units: int, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtype(self._dtype, "BasicRNNCell")
        self._num_units = num_units
        self._activation = _activation(activation)

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape) -> None:
        depth = self._input_depth(inputs_shape)
        self._kernel = self.add_variable(_WEIGHTS_VARIABLE_NAME,
                                         shape=[depth + self._num_units, self._num_units])
        self._bias = self.add_variable(_BIAS_VARIABLE_NAME, shape=[self._num_units],
                                       initializer=init_ops.zeros_initializer(dtype=self._dtype))
        self.built = True

    def call(self, inputs, state):
        """`activation(W [inputs, state] + b)`, as output and as new state."""
        _check_input_dtypes([inputs, state], "BasicRNNCell")
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        output = self._activation(gate_inputs)
        return output, output


# ---------------------------------------------------------------- GRUCell
class GRUCell(LayerRNNCell):
    """Gated recurrent unit (Cho et al., 2014), TF1's arithmetic.

    `r, u = sigmoid(W_g [x, h] + b_g)` (reset and update gates), `c = activation(W_c [x, r*h]
    + b_c)`, `new_h = u * h + (1 - u) * c`. Variables: `gates/kernel`, `gates/bias` (1.0, so
    the gates start open), `candidate/kernel`, `candidate/bias` (zeros).

    Args:
        num_units: the number of units.
        activation: the candidate's nonlinearity (default tanh).
        reuse: reuse the variables of an existing scope of the same name.
        kernel_initializer: initializer of both kernels (default: the scope's, else Glorot).
        bias_initializer: initializer of both biases (default: 1.0 for the gates, 0 for the
            candidate).
        name: the cell's variable scope name (default "gru_cell").
        dtype: the dtype of the variables.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     cell = tf.nn.rnn_cell.GRUCell(2)
        ...     _ = cell(tf.ones([1, 3]), cell.zero_state(1, tf.float32))
        ...     print([v.name for v in tf.global_variables()])
        ['gru_cell/gates/kernel:0', 'gru_cell/gates/bias:0', 'gru_cell/candidate/kernel:0', \
'gru_cell/candidate/bias:0']
    """

    def __init__(self, num_units: int, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtype(self._dtype, "GRUCell")
        self._num_units = num_units
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape) -> None:
        depth = self._input_depth(inputs_shape)
        n = self._num_units
        gate_bias = self._bias_initializer
        if gate_bias is None:
            gate_bias = init_ops.constant_initializer(1.0, dtype=self._dtype)
        candidate_bias = self._bias_initializer
        if candidate_bias is None:
            candidate_bias = init_ops.zeros_initializer(dtype=self._dtype)
        self._gate_kernel = self.add_variable(f"gates/{_WEIGHTS_VARIABLE_NAME}",
                                              shape=[depth + n, 2 * n],
                                              initializer=self._kernel_initializer)
        self._gate_bias = self.add_variable(f"gates/{_BIAS_VARIABLE_NAME}", shape=[2 * n],
                                            initializer=gate_bias)
        self._candidate_kernel = self.add_variable(f"candidate/{_WEIGHTS_VARIABLE_NAME}",
                                                   shape=[depth + n, n],
                                                   initializer=self._kernel_initializer)
        self._candidate_bias = self.add_variable(f"candidate/{_BIAS_VARIABLE_NAME}", shape=[n],
                                                 initializer=candidate_bias)
        self.built = True

    def call(self, inputs, state):
        """One GRU step; the new state is also the output."""
        _check_input_dtypes([inputs, state], "GRUCell")
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._gate_kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._gate_bias)
        value = math_ops.sigmoid(gate_inputs)
        r, u = array_ops.split(value=value, num_or_size_splits=2, axis=1)
        r_state = r * state
        candidate = math_ops.matmul(array_ops.concat([inputs, r_state], 1),
                                    self._candidate_kernel)
        candidate = nn_ops.bias_add(candidate, self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


# ---------------------------------------------------------------- BasicLSTMCell
class BasicLSTMCell(LayerRNNCell):
    """The basic LSTM cell (no peepholes, clipping or projection), TF1's arithmetic.

    `i, j, f, o = split(W [x, h] + b, 4)`; `new_c = c * sigmoid(f + forget_bias) + sigmoid(i)
    * activation(j)`; `new_h = activation(new_c) * sigmoid(o)`. Variables: `kernel
    [input_depth + num_units, 4 * num_units]`, `bias [4 * num_units]` (zeros).

    Args:
        num_units: the number of units.
        forget_bias: added to the forget gate's pre-activation (default 1.0, so the cell
            starts by remembering).
        state_is_tuple: states are `LSTMStateTuple(c, h)` (default); False concatenates them
            along axis 1.
        activation: the nonlinearity of the inner states (default tanh).
        reuse: reuse the variables of an existing scope of the same name.
        name: the cell's variable scope name (default "basic_lstm_cell").
        dtype: the dtype of the variables.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        ...     print(cell.state_size, cell.output_size)
        LSTMStateTuple(c=4, h=4) 4
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtype(self._dtype, "BasicLSTMCell")
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape) -> None:
        depth = self._input_depth(inputs_shape)
        n = self._num_units
        self._kernel = self.add_variable(_WEIGHTS_VARIABLE_NAME, shape=[depth + n, 4 * n])
        self._bias = self.add_variable(_BIAS_VARIABLE_NAME, shape=[4 * n],
                                       initializer=init_ops.zeros_initializer(dtype=self._dtype))
        self.built = True

    def call(self, inputs, state):
        """One LSTM step: `(new_h, new_state)`."""
        _check_input_dtypes([inputs, state], "BasicLSTMCell")
        one = convert_to_tensor(1, dtype=dtypes.int32)
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = array_ops.split(value=state, num_or_size_splits=2, axis=one)
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        i, j, f, o = array_ops.split(value=gate_inputs, num_or_size_splits=4, axis=one)
        forget_bias = convert_to_tensor(self._forget_bias, dtype=f.dtype)
        sigmoid = math_ops.sigmoid
        new_c = math_ops.add(math_ops.multiply(c, sigmoid(math_ops.add(f, forget_bias))),
                             math_ops.multiply(sigmoid(i), self._activation(j)))
        new_h = math_ops.multiply(self._activation(new_c), sigmoid(o))
        if self._state_is_tuple:
            new_state = LSTMStateTuple(new_c, new_h)
        else:
            new_state = array_ops.concat([new_c, new_h], 1)
        return new_h, new_state


# ---------------------------------------------------------------- LSTMCell
class LSTMCell(LayerRNNCell):
    """The full LSTM cell: optional peepholes (Sak et al., 2014), cell clipping and projection.

    As `BasicLSTMCell`, plus: with `use_peepholes`, the gates also see the cell state through
    diagonal weights `w_f_diag`, `w_i_diag`, `w_o_diag`; with `cell_clip`, the cell state is
    clipped to `[-cell_clip, cell_clip]`; with `num_proj`, the output is projected by
    `projection/kernel [num_units, num_proj]` (then clipped by `proj_clip`), and the state is
    `LSTMStateTuple(c [num_units], h [num_proj])`.

    Args:
        num_units: the number of units.
        use_peepholes: add the diagonal peephole connections.
        cell_clip: clip the cell state to this magnitude (None: no clipping).
        initializer: initializer of the kernels and peepholes (default: the scope's, else
            Glorot uniform).
        num_proj: the size of the output projection (None: no projection).
        proj_clip: clip the projected output to this magnitude.
        num_unit_shards, num_proj_shards: TF1's deprecated sharding; must be None.
        forget_bias: added to the forget gate (default 1.0).
        state_is_tuple: `LSTMStateTuple` states (default) or concatenated.
        activation: the nonlinearity of the inner states (default tanh).
        reuse, name, dtype: as for every cell (default name "lstm_cell").

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     cell = tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=2)
        ...     out, state = cell(tf.ones([3, 5]), cell.zero_state(3, tf.float32))
        ...     print(out.shape, state.c.shape, len(tf.global_variables()))
        (3, 2) (3, 4) 6
    """

    def __init__(self, num_units: int, use_peepholes: bool = False, cell_clip=None,
                 initializer=None, num_proj=None, proj_clip=None, num_unit_shards=None,
                 num_proj_shards=None, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtype(self._dtype, "LSTMCell")
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError(
                "LSTMCell's num_unit_shards and num_proj_shards (deprecated in TF1) are not "
                "supported: leave them None."
            )
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)
        h_size = num_proj if num_proj else num_units
        self._state_size = (LSTMStateTuple(num_units, h_size) if state_is_tuple
                            else num_units + h_size)
        self._output_size = h_size

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self) -> int:
        return self._output_size

    def build(self, inputs_shape) -> None:
        depth = self._input_depth(inputs_shape)
        n = self._num_units
        h_depth = n if self._num_proj is None else self._num_proj
        self._kernel = self.add_variable(_WEIGHTS_VARIABLE_NAME, shape=[depth + h_depth, 4 * n],
                                         initializer=self._initializer)
        self._bias = self.add_variable(_BIAS_VARIABLE_NAME, shape=[4 * n],
                                       initializer=init_ops.zeros_initializer(dtype=self._dtype))
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", shape=[n], initializer=self._initializer)
            self._w_i_diag = self.add_variable("w_i_diag", shape=[n], initializer=self._initializer)
            self._w_o_diag = self.add_variable("w_o_diag", shape=[n], initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable(f"projection/{_WEIGHTS_VARIABLE_NAME}",
                                                  shape=[n, self._num_proj],
                                                  initializer=self._initializer)
        self.built = True

    def _previous(self, state) -> tuple:
        if self._state_is_tuple:
            return tuple(state)
        h_size = self._output_size
        c_prev = array_ops.slice(state, [0, 0], [-1, self._num_units])
        m_prev = array_ops.slice(state, [0, self._num_units], [-1, h_size])
        return c_prev, m_prev

    def call(self, inputs, state):
        """One LSTM step: `(m, new_state)`, `m` the (projected) output."""
        _check_input_dtypes([inputs, state], "LSTMCell")
        sigmoid = math_ops.sigmoid
        c_prev, m_prev = self._previous(state)
        lstm_matrix = math_ops.matmul(array_ops.concat([inputs, m_prev], 1), self._kernel)
        lstm_matrix = nn_ops.bias_add(lstm_matrix, self._bias)
        i, j, f, o = array_ops.split(value=lstm_matrix, num_or_size_splits=4, axis=1)
        if self._use_peepholes:
            c = (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                 + sigmoid(i + self._w_i_diag * c_prev) * self._activation(j))
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = math_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else array_ops.concat([c, m], 1)
        return m, new_state


# ---------------------------------------------------------------- MultiRNNCell
class MultiRNNCell(RNNCell):
    """Cells stacked in order: each one's output is the next one's input.

    Cell `i` runs in the variable scope `cell_<i>` of the stack's scope (`multi_rnn_cell`), so
    its variables are `rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel`, ...

    Args:
        cells: the list of cells, bottom first.
        state_is_tuple: the state is a tuple of the cells' states (default); False
            concatenates them along axis 1 (every cell's state must then be one tensor).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     cell = tf.nn.rnn_cell.MultiRNNCell(
        ...         [tf.nn.rnn_cell.BasicLSTMCell(4), tf.nn.rnn_cell.GRUCell(3)])
        ...     print(cell.state_size, cell.output_size)
        (LSTMStateTuple(c=4, h=4), 3) 3
    """

    def __init__(self, cells, state_is_tuple: bool = True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells!r}.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in self._cells):
            raise ValueError(
                "Some cells return tuples of states, but the flag state_is_tuple is not set. "
                f"State sizes are: {[c.state_size for c in self._cells]}"
            )

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for cell in self._cells for w in cell.trainable_weights]

    @property
    def non_trainable_weights(self) -> list:
        weights = [w for cell in self._cells for w in cell.non_trainable_weights]
        if not self.trainable:
            return [w for cell in self._cells for w in cell.trainable_weights] + weights
        return weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def call(self, inputs, state):
        """Runs the cells in order; the state is one part per cell."""
        position = 0
        current = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError(
                            f"Expected state to be a tuple of length {len(self.state_size)}, "
                            f"but received: {state!r}"
                        )
                    cell_state = state[i]
                else:
                    cell_state = array_ops.slice(state, [0, position], [-1, cell.state_size])
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        if self._state_is_tuple:
            return current, tuple(new_states)
        return current, array_ops.concat(new_states, 1)


# ---------------------------------------------------------------- wrappers
class _RNNCellWrapper(RNNCell):
    """A cell around another: no scope of its own; the wrapped cell is called as it is."""

    def __init__(self, cell, dtype=None):
        super().__init__(dtype=dtype)
        if not isinstance(cell, RNNCell):
            raise TypeError(
                f"The argument 'cell' ({cell!r}) is not an RNNCell: it must be a "
                "tf.nn.rnn_cell cell (with output_size, state_size and zero_state)."
            )
        self.cell = cell

    @property
    def wrapped_cell(self) -> RNNCell:
        """The wrapped cell."""
        return self.cell

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    @property
    def trainable_weights(self) -> list:
        return self.cell.trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        return self.cell.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        return self._call_wrapped_cell(inputs, state, scope)

    def _call_wrapped_cell(self, inputs, state, scope):
        raise NotImplementedError


def _default_dropout_state_filter_visitor(substate):
    """Dropout on every part of a state but an LSTM's memory `c` (TF1's default)."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


class DropoutWrapper(_RNNCellWrapper):
    """Dropout on a cell's inputs, outputs and/or new state.

    Each kept value is scaled by `1 / keep_prob`. By default a new mask is drawn at every time
    step; with `variational_recurrent=True` one mask per `Session.run` is used at every step
    (Gal and Ghahramani, 2016). The state's dropout leaves an LSTM's memory `c` alone (change
    that with `dropout_state_filter_visitor`). With `seed`, each dropout gets TF1's seed for
    it (an MD5 of the seed, the kind and the index of the part), so the masks are TF1's.

    Args:
        cell: the cell to wrap.
        input_keep_prob, output_keep_prob, state_keep_prob: probabilities of keeping each
            value (floats in [0, 1] or scalar tensors); a constant 1 adds no dropout.
        variational_recurrent: one mask for every time step of a run.
        input_size: the depth(s) of the inputs; needed with `variational_recurrent` and
            `input_keep_prob < 1`.
        dtype: the dtype of inputs and state; needed with `variational_recurrent`.
        seed: the seed of the masks.
        dropout_state_filter_visitor: `fn(substate) -> bool or structure of bools` telling
            which parts of the state get dropout.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(8),
        ...                                          output_keep_prob=0.5, seed=1)
        ...     out, _ = cell(tf.ones([1, 3]), cell.zero_state(1, tf.float32))
        ...     sess.run(tf.global_variables_initializer())
        ...     print(sorted({bool(v == 0.0) for v in sess.run(out).ravel()}))
        [False, True]
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent: bool = False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell, dtype=dtype)
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._dropout_state_filter = (dropout_state_filter_visitor
                                      or _default_dropout_state_filter_visitor)
        with name_scope("DropoutWrapperInit"):
            self._input_keep_prob = self._keep_prob(input_keep_prob, "input_keep_prob")
            self._state_keep_prob = self._keep_prob(state_keep_prob, "state_keep_prob")
            self._output_keep_prob = self._keep_prob(output_keep_prob, "output_keep_prob")
        self._variational_recurrent = variational_recurrent
        self._input_size = input_size
        self._seed = seed
        self._recurrent_input_noise = None
        self._recurrent_state_noise = None
        self._recurrent_output_noise = None
        if variational_recurrent:
            self._make_recurrent_noise(cell, input_size, dtype)

    @staticmethod
    def _keep_prob(value, attr: str):
        """A constant keep probability as a float (checked), anything else as a tensor."""
        tensor = convert_to_tensor(value)
        constant = constant_value(tensor)
        if constant is None:
            return tensor
        if constant < 0 or constant > 1:
            raise ValueError(f"Parameter {attr} must be between 0 and 1: {float(constant)}")
        return float(constant)

    def _make_recurrent_noise(self, cell, input_size, dtype) -> None:
        if dtype is None:
            raise ValueError("When variational_recurrent=True, dtype must be provided")

        def batch_noise(kind):
            def noise(index, size):
                shape = [1] + shapes.as_shape(size).as_list()
                return random_ops.random_uniform(shape, seed=self._gen_seed(kind, index),
                                                 dtype=dtype)
            return noise

        if not isinstance(self._input_keep_prob, numbers.Real) or self._input_keep_prob < 1.0:
            if input_size is None:
                raise ValueError(
                    "When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, "
                    "input_size must be provided"
                )
            self._recurrent_input_noise = _enumerated_map(batch_noise("input"), input_size)
        self._recurrent_state_noise = _enumerated_map(batch_noise("state"), cell.state_size)
        self._recurrent_output_noise = _enumerated_map(batch_noise("output"), cell.output_size)

    def _gen_seed(self, salt_prefix: str, index: int) -> Optional[int]:
        """TF1's seed of one dropout: the first 32 bits of an MD5, as a non-negative int."""
        if self._seed is None:
            return None
        import hashlib  # (not at import: it loads OpenSSL, 3.5 MB)

        text = (str(self._seed) + f"{salt_prefix}_{index}").encode("utf-8")
        return int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF

    def _dropout(self, values, salt_prefix, recurrent_noise, keep_prob, shallow=None):
        """Dropout on the parts of `values` that `shallow` (a structure of flags) selects."""
        if shallow is None:
            shallow = values
        flags = nest.flatten(shallow)
        parts = nest.flatten_up_to(shallow, values)
        noises = (nest.flatten_up_to(shallow, recurrent_noise) if self._variational_recurrent
                  else [None] * len(parts))
        results = []
        for i, (flag, part, noise) in enumerate(zip(flags, parts, noises)):
            if isinstance(flag, bool) and not flag:
                results.append(part)
            elif self._variational_recurrent:
                results.append(_variational_dropout(part, noise, keep_prob))
            else:
                results.append(nn_impl.dropout(part, keep_prob=keep_prob,
                                               seed=self._gen_seed(salt_prefix, i)))
        return nest.pack_sequence_as(shallow, results)

    def _call_wrapped_cell(self, inputs, state, scope):
        if _should_dropout(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._recurrent_input_noise,
                                   self._input_keep_prob)
        output, new_state = self.cell(inputs, state, scope=scope)
        if _should_dropout(self._state_keep_prob):
            shallow = nest.get_traverse_shallow_structure(self._dropout_state_filter, new_state)
            new_state = self._dropout(new_state, "state", self._recurrent_state_noise,
                                      self._state_keep_prob, shallow)
        if _should_dropout(self._output_keep_prob):
            output = self._dropout(output, "output", self._recurrent_output_noise,
                                   self._output_keep_prob)
        return output, new_state


def _should_dropout(keep_prob) -> bool:
    return not isinstance(keep_prob, float) or keep_prob < 1


def _enumerated_map(fn, structure):
    """`fn(index, leaf)` for each leaf of `structure`, packed like it."""
    flat = nest.flatten(structure)
    return nest.pack_sequence_as(structure, [fn(i, leaf) for i, leaf in enumerate(flat)])


def _variational_dropout(value, noise, keep_prob):
    """Dropout with a fixed noise tensor: `value / keep_prob * floor(keep_prob + noise)`."""
    binary = math_ops.floor(keep_prob + noise)
    result = math_ops.divide(value, keep_prob) * binary
    result.set_shape(value.shape)
    return result


class ResidualWrapper(_RNNCellWrapper):
    """Adds a cell's inputs to its outputs: `output = inputs + cell_output`.

    Args:
        cell: the cell to wrap (its output must have the inputs' shape).
        residual_fn: `fn(inputs, outputs) -> outputs` instead of the sum.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     cell = tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.BasicRNNCell(3))
        ...     out, _ = cell(tf.ones([2, 3]), cell.zero_state(2, tf.float32))
        ...     print(out.op.type)
        Add
    """

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, scope):
        outputs, new_state = self.cell(inputs, state, scope=scope)

        def default_residual_fn(cell_inputs, cell_outputs):
            nest.assert_same_structure(cell_inputs, cell_outputs)
            return nest.map_structure(math_ops.add, cell_inputs, cell_outputs)

        residual_fn = self._residual_fn or default_residual_fn
        return residual_fn(inputs, outputs), new_state


class DeviceWrapper(_RNNCellWrapper):
    """Runs a cell under `tf.device(device)` (minigraph places nothing: a name only).

    Example:
        >>> import minigraph as tf
        >>> cell = tf.nn.rnn_cell.DeviceWrapper(tf.nn.rnn_cell.GRUCell(2), "/cpu:0")
        >>> cell.output_size
        2
    """

    def __init__(self, cell, device: str):
        super().__init__(cell)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"), graph_device(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs, state, scope):
        with graph_device(self._device):
            return self.cell(inputs, state, scope=scope)


def assert_like_rnncell(cell_name: str, cell) -> None:
    """Raises TypeError naming `cell_name` unless `cell` is a cell (has the cell API)."""
    missing = [attr for attr in ("output_size", "state_size", "zero_state")
               if not hasattr(cell, attr)]
    if not callable(cell):
        missing.append("is not callable")
    if missing:
        raise TypeError(
            f"The argument {cell_name!r} ({cell!r}) is not an RNNCell: "
            + ", ".join(f"'{m}' property is missing" if " " not in m else m for m in missing)
            + ". Pass a tf.nn.rnn_cell cell such as tf.nn.rnn_cell.BasicLSTMCell(64)."
        )

