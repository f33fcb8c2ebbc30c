"""`tf.train.ExponentialMovingAverage`: the course's exponentially weighted average, as TF1 ops.

For each variable (or tensor) `v` it keeps a *shadow* variable, updated by

    shadow = decay * shadow + (1 - decay) * v

each time the op returned by `apply` runs. TF1 writes it as `shadow -= (shadow - v) * (1 -
decay)`, in float32, and so does minigraph, so the numbers are TF1's. With `num_updates` the
decay used is `min(decay, (1 + num_updates) / (10 + num_updates))`: small at first, so early
averages follow `v` closely, then `decay`.

A variable's shadow starts at the variable's initial value, which removes the start-up bias the
course corrects with `v_t / (1 - beta^t)`. A *tensor*'s shadow (say, a loss) starts at zero; with
`zero_debias=True` TF1 applies exactly that correction, keeping the biased average and a step
count in two more variables (`<shadow>/biased`, `<shadow>/local_step`).

Shadows are named after what they average, `v/ExponentialMovingAverage`, are global but not
trainable variables, and `variables_to_restore()` maps their names to the variables so that a
`tf.train.Saver(ema.variables_to_restore())` loads the averages into the model for evaluation.
"""

from __future__ import annotations

from typing import Optional

from minigraph import dtypes, init_ops
from minigraph.graph import GraphKeys, get_default_graph
from minigraph.ops import array_ops, control_flow_ops, math_ops, state_ops
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.variable_scope import get_variable, get_variable_scope, variable_scope
from minigraph.variables import (
    Variable,
    global_variables,
    moving_average_variables,
    trainable_variables,
)

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def assign_moving_average(variable: Variable, value, decay, zero_debias: bool = True,
                          name: Optional[str] = None):
    """The op `variable -= (variable - value) * (1 - decay)`, TF1's moving-average update.

    With `zero_debias`, `variable` receives the bias-corrected average `biased / (1 -
    decay^t)`, where `biased` (starting at zero) and the step count `t` are two new variables
    beside `variable`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     avg = tf.Variable(0.0, trainable=False)
        ...     update = assign_moving_average(avg, 10.0, 0.9, zero_debias=False)
        ...     sess.run(tf.global_variables_initializer())
        ...     print(sess.run(update))
        1.0000002
    """
    graph = variable.graph
    with graph.as_default(), graph.name_scope(name or "AssignMovingAvg") as scope:
        decay = convert_to_tensor(decay, name="decay")
        one_minus_decay = 1.0 - decay
        if one_minus_decay.dtype != variable.dtype:
            one_minus_decay = math_ops.cast(one_minus_decay, variable.dtype)
        value = convert_to_tensor(value, dtype=variable.dtype)
        if zero_debias:
            return _zero_debias(variable, value, one_minus_decay)
        return state_ops.assign_sub(variable, (variable - value) * one_minus_decay, name=scope)


def _unique_in_scope(name: str) -> str:
    """`name`, or `name_1`, `name_2`... if the current variable scope already has a variable of
    that name (TF1's `_maybe_get_unique`)."""
    prefix = get_variable_scope().name
    taken = {v.op.name for v in global_variables()}
    full = f"{prefix}/{name}" if prefix else name
    if full not in taken:
        return name
    index = 1
    while f"{full}_{index}" in taken:
        index += 1
    return f"{name}_{index}"


def _zero_debias(unbiased: Variable, value: Tensor, one_minus_decay: Tensor):
    """unbiased = biased / (1 - decay^t), where biased is the zero-started moving average."""
    with variable_scope(unbiased.op.name):
        biased = get_variable(_unique_in_scope("biased"), shape=unbiased.shape,
                              dtype=unbiased.dtype, initializer=init_ops.zeros_initializer(),
                              trainable=False)
        local_step = get_variable(_unique_in_scope("local_step"), shape=[],
                                  dtype=unbiased.dtype,
                                  initializer=init_ops.zeros_initializer(), trainable=False)
    update_biased = state_ops.assign_sub(biased, (biased - value) * one_minus_decay)
    update_local_step = state_ops.assign_add(local_step, 1.0)
    bias_factor = 1.0 - math_ops.pow(1.0 - one_minus_decay, update_local_step)
    return state_ops.assign(unbiased, update_biased / bias_factor)


class ExponentialMovingAverage:
    """Maintains moving averages of variables (or tensors) with exponential decay.

    Args:
        decay: the decay rate β, e.g. 0.999.
        num_updates: optional step count (a tensor or variable, e.g. the global step): the
            decay used is then `min(decay, (1 + num_updates) / (10 + num_updates))`.
        zero_debias: correct the averages of *tensors* for their zero start (variables'
            averages start at the variable's value and need no correction).
        name: the name of the ops and the suffix of the shadow variables.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     w = tf.Variable(0.0, name="w")
        ...     ema = tf.train.ExponentialMovingAverage(decay=0.9)
        ...     maintain = ema.apply([w])
        ...     sess.run(tf.global_variables_initializer())
        ...     _ = sess.run(w.assign(10.0))
        ...     for _ in range(3):
        ...         sess.run(maintain)
        ...     print(ema.average(w).name, round(float(sess.run(ema.average(w))), 4))
        w/ExponentialMovingAverage:0 2.71
    """

    def __init__(self, decay, num_updates=None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self) -> str:
        """The name of the ops and the shadow variables' suffix."""
        return self._name

    def apply(self, var_list=None):
        """Creates a shadow for each variable or tensor of `var_list` (default: every trainable
        variable) and returns the op that updates all of them.

        Shadows of variables start at the variable's initial value and are added, with the
        variable, to `MOVING_AVERAGE_VARIABLES`; shadows of tensors start at zero.
        """
        var_list = trainable_variables() if var_list is None else list(var_list)
        debiased = set()
        for var in var_list:
            if var.dtype not in _FLOATS:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if var not in self._averages:
                self._averages[var] = self._create_shadow(var)
                if self._zero_debias and not isinstance(var, Variable):
                    debiased.add(self._averages[var])
        graph = var_list[0].graph if var_list else get_default_graph()
        with graph.as_default(), graph.name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, name="decay")
            if self._num_updates is not None:
                num_updates = math_ops.cast(self._num_updates, dtypes.float32,
                                            name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + num_updates) / (10.0 + num_updates))
            updates = []
            for var in var_list:
                shadow = self._averages[var]
                updates.append(assign_moving_average(shadow, var, decay,
                                                     zero_debias=shadow in debiased))
            return control_flow_ops.group(*updates, name=scope)

    def _create_shadow(self, var) -> Variable:
        graph = var.graph
        with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None):
            if isinstance(var, Variable):
                # NOTE: the initial value itself, not `initialized_value()` (which would re-run
                # `var`'s initializer whenever the shadow's runs); in one initializer run both
                # read the same initial-value tensor, as in TF1.
                shadow = Variable(var.initial_value, trainable=False,
                                  name=f"{var.op.name}/{self._name}")
                graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                return shadow

            def zeros():
                if var.shape.is_fully_defined():
                    return array_ops.zeros(var.shape.as_list(), dtype=var.dtype)
                return array_ops.zeros_like(var)

            return Variable(zeros, trainable=False, name=f"{var.op.name}/{self._name}",
                            validate_shape=var.shape.is_fully_defined(), shape=var.shape)

    def average(self, var) -> Optional[Variable]:
        """The shadow variable of `var`, or None if `apply` was never given `var`."""
        return self._averages.get(var)

    def average_name(self, var) -> str:
        """The name of `var`'s shadow: `<var op name>/<name>` (for restoring checkpoints).

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default():
            ...     w = tf.Variable(0.0, name="w")
            ...     print(tf.train.ExponentialMovingAverage(0.9).average_name(w))
            w/ExponentialMovingAverage
        """
        if var in self._averages:
            return self._averages[var].op.name
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None) -> dict:
        """`{name in a checkpoint: variable}` that loads each variable from its shadow's saved
        value, and every other global variable from its own: give it to `tf.train.Saver`
        to evaluate a model with its averaged weights."""
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + moving_average_variables()
        unique = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in unique}
        averaged = {v.name for v in unique}
        for v in global_variables():
            if v.name not in averaged and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map
