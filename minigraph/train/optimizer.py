"""The `Optimizer` base class: gradients in, update ops out.

`minimize(loss)` is `compute_gradients` (which calls `tf.gradients`) followed by
`apply_gradients`, which builds one update op per variable under `<OptimizerName>/update_<var>`
and groups them into the train op. Subclasses write only `_create_slots` (their per-variable
state, e.g. Adam's `m` and `v`, as ordinary non-trainable Variables named `<var>/<Optimizer>`),
`_prepare` (tensors shared by all updates) and `_apply_dense(grad, var)`. Everything is graph
ops, so the Saver stores the slots and graphviz draws the updates.
"""

from __future__ import annotations

from typing import Optional

from minigraph import graph_walk
from minigraph.gradients import gradients
from minigraph.graph import GraphKeys
from minigraph.ops import array_ops, control_flow_ops, math_ops, state_ops
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.variables import Variable, trainable_variables


class Optimizer:
    """Base class of the TF1 optimizers. Not used directly."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking: bool, name: str):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}
        self._non_slot = {}

    def get_name(self) -> str:
        """The optimizer's name, used in its slot names (`<var>/<name>`)."""
        return self._name

    # ------------------------------------------------------------ the public API
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Adds ops that update `var_list` (default: all trainable variables) to reduce `loss`.

        Beyond TF1, the train op also runs the update ops of the layers that feed `loss` (the
        moving averages of `tf.layers.batch_normalization`), found by
        `_layer_update_ops_feeding`: forgetting TF1's `with tf.control_dependencies(
        tf.get_collection(tf.GraphKeys.UPDATE_OPS)):` no longer leaves them at their initial
        values. Using the idiom as well is harmless: each op runs once per `Session.run`.

        Returns:
            The train op: run it to take one step. If `global_step` is given, it is incremented.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default():
            ...     w = tf.Variable(0.0)
            ...     train = tf.train.GradientDescentOptimizer(0.1).minimize((w - 5.0) ** 2)
            ...     with tf.Session() as sess:
            ...         sess.run(tf.global_variables_initializer())
            ...         sess.run(train)
            ...         print(sess.run(w))
            1.0
        """
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        if not any(g is not None for g, _ in grads_and_vars):
            raise ValueError(
                "No gradients provided for any variable: no trainable variable reaches the loss "
                f"{loss!r}. Variables considered: {[v.name for _, v in grads_and_vars]}. Check "
                "that the loss is computed from these variables (not from a stop_gradient, a "
                "placeholder fed instead, an integer cast, or a tf.py_func, which has no "
                "gradient)."
            )
        loss = convert_to_tensor(loss)
        with loss.graph.control_dependencies(_layer_update_ops_feeding(loss)):
            return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None) -> list:
        """A list of (gradient or None, variable) pairs for `loss`."""
        loss = convert_to_tensor(loss)
        _assert_valid_dtype(loss, "loss")
        if var_list is None:
            with loss.graph.as_default():
                var_list = trainable_variables()
        var_list = list(var_list)
        if not var_list:
            raise ValueError(
                f"No variables to optimize: the graph of loss {loss.name} has no trainable "
                "variables. Create them with tf.Variable or tf.get_variable before minimize()."
            )
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"Argument is not a tf.Variable: {v!r}")
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The op applying (gradient, variable) pairs; pairs with a None gradient are skipped."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError(
                f"No gradients provided for any variable: {[v.name for _, v in grads_and_vars]}."
            )
        for _, v in pairs:
            _assert_valid_dtype(v, "variable")
        graph = pairs[0][1].graph
        with graph.as_default(), graph.name_scope(name or self._name) as scope:
            graph.add_to_collection(OPTIMIZER_SCOPES, scope[:-1])
            self._create_slots([v for _, v in pairs])
            self._prepare()
            update_ops = []
            for grad, var in pairs:
                grad = convert_to_tensor(grad)
                with graph.name_scope("update_" + var.op.name):
                    update_ops.append(self._apply_dense(grad, var))
            if global_step is None:
                train_op = self._finish(update_ops, scope)
            else:
                with graph.control_dependencies([self._finish(update_ops, "update")]):
                    train_op = state_ops.assign_add(global_step, 1, name=scope).op
        graph.add_to_collection(GraphKeys.TRAIN_OP, train_op)
        return train_op

    def get_slot(self, var, name: str) -> Optional[Variable]:
        """The slot variable `name` (e.g. "m") that this optimizer keeps for `var`, or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self) -> list:
        """The sorted names of the slots this optimizer created ("m", "momentum", ...)."""
        return sorted(self._slots)

    def variables(self) -> list:
        """The optimizer's own variables: its slots and non-slot state."""
        found = [v for slots in self._slots.values() for v in slots.values()]
        return found + list(self._non_slot.values())

    # ------------------------------------------------------------ for subclasses
    def _create_slots(self, var_list) -> None:
        """Creates per-variable state (none for plain gradient descent)."""

    def _prepare(self) -> None:
        """Creates tensors shared by every update (e.g. the learning rate)."""

    def _apply_dense(self, grad, var):
        raise NotImplementedError(f"{type(self).__name__} must implement _apply_dense")

    def _finish(self, update_ops, name):
        return control_flow_ops.group(*update_ops, name=name)

    def _zeros_slot(self, var, slot_name: str, op_name: str) -> Variable:
        """A slot of zeros shaped like `var` (from its static shape, so it never reads `var`)."""

        def zeros():
            """A zeros tensor like `var`: a constant if its shape is known, else ZerosLike."""
            if var.shape.is_fully_defined():
                return array_ops.zeros(var.shape.as_list(), dtype=var.dtype, name="zeros")
            return array_ops.zeros_like(var, name="zeros")

        return self._get_or_make_slot(var, zeros, slot_name, op_name)

    def _get_or_make_slot(self, var, make_value, slot_name: str, op_name: str) -> Variable:
        """Creates slot `slot_name` of `var` once, named `<var name>/<op_name>`, not trainable."""
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            graph = var.graph
            # A callable initial value is built under `<var>/<op_name>/Initializer/`, as in TF1,
            # so the slot's initializer ops sit with the slot (and in its graphviz cluster).
            with graph.name_scope(None), graph.control_dependencies(None):
                slots[var] = Variable(make_value, name=f"{var.op.name}/{op_name}", trainable=False)
        return slots[var]

    def _create_non_slot_variable(self, initial_value, name: str, colocate_with) -> Variable:
        """A variable shared by all updates (e.g. Adam's beta1_power), created once per graph."""
        graph = colocate_with.graph
        key = (name, graph)
        if key not in self._non_slot:
            with graph.name_scope(None), graph.control_dependencies(None):
                self._non_slot[key] = Variable(initial_value, name=name, trainable=False)
        return self._non_slot[key]

    def _get_non_slot_variable(self, name: str, graph) -> Optional[Variable]:
        return self._non_slot.get((name, graph))

    def _as_var_dtype(self, value, var) -> Tensor:
        """A hyperparameter (float, tensor or callable) as a tensor of the variable's dtype.

        As in TF1, a Python number becomes a tensor of its own dtype first (float32 for a
        float) and is then cast: a float64 variable is updated with the float32-rounded rate
        (0.1 is 0.10000000149011612), as TF1's optimizers do.
        """
        if callable(value):
            value = value()
        return math_ops.cast(convert_to_tensor(value), var.dtype)


# The graph collection of the name scopes `apply_gradients` built its update ops in
# ("GradientDescent", "Adam_1"), so that pictures (minigraph.viz) can tell them apart.
OPTIMIZER_SCOPES = "optimizer_scopes"

# The collection in which layers record which update ops belong to which output: entries are
# `(output_tensor, [update ops])`; `tf.layers.batch_normalization` adds one per training layer.
LAYER_UPDATE_OPS = "layer_update_ops"


def _layer_update_ops_feeding(loss: Tensor) -> list:
    """The update ops of the layers whose outputs the value of `loss` depends on.

    Layers that keep state outside the gradient (batch normalization's moving averages) record
    `(output, update_ops)` in the graph collection `LAYER_UPDATE_OPS`. This walks back from
    `loss` over data inputs (iteratively; no recursion), and returns, in creation order, the
    update ops of every recorded output that is an ancestor of `loss`. `minimize()` makes its
    train op depend on them, so a plain `opt.minimize(loss)` also updates the moving averages.

    NOTE: the update ops run before the train op's variable updates (a control dependency), and
    at most once per `Session.run`, even when TF1's `tf.control_dependencies(UPDATE_OPS)` idiom
    made them dependencies already: a plan runs every op it needs exactly once.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 2])
        ...     y = tf.layers.batch_normalization(x, training=True)
        ...     print([t.name for t in _layer_update_ops_feeding(tf.reduce_sum(y))])
        ['batch_normalization/AssignMovingAvg:0', 'batch_normalization/AssignMovingAvg_1:0']
    """
    records = loss.graph.get_collection(LAYER_UPDATE_OPS)
    if not records:
        return []
    ancestors = graph_walk.ops_needed([loss.op], control_inputs=False)
    found = {}
    for output, update_ops in records:
        if id(output.op) in ancestors:
            for u in update_ops:
                found[id(u)] = u
    return sorted(found.values(), key=lambda u: getattr(u, "op", u)._id)


def _assert_valid_dtype(t, what: str) -> None:
    """TypeError naming `t` unless it is floating: only float losses and variables train."""
    if not t.dtype.base_dtype.is_floating:
        raise TypeError(
            f"Invalid type tf.{t.dtype.base_dtype.name} for {what} {t.name}, expected: "
            "[tf.float16, tf.float32, tf.float64]. Optimizers train float variables from a float "
            "loss: create variables with float initial values (tf.Variable(3.0), not "
            "tf.Variable(3)) or tf.cast the value to tf.float32."
        )
