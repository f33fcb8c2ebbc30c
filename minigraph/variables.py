"""`tf.Variable`: state that persists across `Session.run` calls; collections, initializers.

A Variable is the output tensor of a `VariableV2` op, so it can be used anywhere a tensor can
(`w * 2`, `tf.matmul(x, W)`). Its value is kept by each session, not by the graph. Creating one
also creates its initializer, an `Assign` of the initial value, named `<name>/Assign`;
`tf.global_variables_initializer()` groups the initializers of every variable existing when it
is called, so call it after the model (and the optimizer, which makes variables too) is built.
"""

from __future__ import annotations

from typing import Optional

from minigraph import dtypes, shapes
from minigraph.graph import GraphKeys, get_default_graph, graph_of, init_scope
from minigraph.ops import array_ops, control_flow_ops, state_ops
from minigraph.tensor import Tensor, _default_session_for, convert_to_tensor


def _graph_outside_functions(initial_value, name: Optional[str]):
    """The graph of `initial_value`; ValueError if it was computed inside a function graph."""
    graph = graph_of([initial_value])
    if graph.building_function:
        raise ValueError(
            f"Initializer for variable {name or 'Variable'} is from inside a control-flow "
            "construct, such as a loop or conditional. When creating a variable inside a "
            "loop or conditional, use a lambda as the initializer."
        )
    return graph


class Variable(Tensor):
    """A TF1 variable: `W = tf.Variable(tf.zeros([3, 1]), name="W")`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0, dtype=tf.float32, name="w")
        >>> w
        <tf.Variable 'w:0' shape=() dtype=float32_ref>
    """

    def __init__(self, initial_value=None, trainable: Optional[bool] = None, collections=None,
                 validate_shape: bool = True, caching_device=None, name: Optional[str] = None,
                 variable_def=None, dtype=None, expected_shape=None, import_scope=None,
                 constraint=None, use_resource=None, synchronization=None, aggregation=None,
                 shape=None):
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            self._init_from_proto(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError(
                f"initial_value must be specified (creating tf.Variable {name or 'Variable'!r}): "
                "pass a value, e.g. tf.Variable(tf.zeros([3, 4])) or tf.Variable(0.0, "
                "name='w'); for a shape plus an initializer use tf.get_variable(name, shape, "
                "initializer=...)."
            )
        trainable = True if trainable is None else bool(trainable)
        if get_default_graph().building_function:
            # Inside a cond branch or a loop body: the variable and its initializer go to the
            # outermost graph (TF's init_scope), made once, not once per iteration.
            with init_scope():
                self.__init__(initial_value, trainable, collections, validate_shape,
                              caching_device, name, variable_def, dtype, expected_shape,
                              import_scope, constraint, use_resource, synchronization,
                              aggregation, shape)
            return
        graph = _graph_outside_functions(initial_value, name)
        with graph.as_default(), graph.control_dependencies(None):
            with graph.name_scope(name or "Variable") as scope:
                if callable(initial_value):
                    with graph.name_scope("Initializer"):
                        initial_value = initial_value()
                init = convert_to_tensor(
                    initial_value, dtype=None if dtype is None else dtypes.as_dtype(dtype),
                    name="initial_value",
                )
                var_shape = init.shape if validate_shape else shapes.as_shape(shape)
                raw = state_ops.variable_op(var_shape, init.dtype, name=scope)
                Tensor.__init__(self, raw.op, 0, raw.dtype, raw.shape)
                raw.op.outputs[0] = self
                self._initial_value = init
                self._initializer = state_ops.assign(
                    self, init, validate_shape=validate_shape, name="Assign"
                ).op
        self._trainable = trainable
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        collections = list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        graph.add_to_collections(collections, self)

    def _init_from_proto(self, variable_def, import_scope: Optional[str] = None) -> None:
        """Becomes the variable a `VariableDef` names, whose ops are already in the default graph
        (imported by `tf.import_graph_def` or `tf.train.import_meta_graph`).

        NOTE: a minigraph Variable *is* the output tensor of its `VariableV2` op, so this object
        takes the place of that tensor: it becomes the op's output 0 and every consumer's input.
        """
        graph = get_default_graph()

        def element(name):
            return graph.as_graph_element(f"{import_scope}/{name}" if import_scope else name)

        raw = element(variable_def.variable_name)
        if not isinstance(raw, Tensor) or raw.op.type != "VariableV2":
            raise ValueError(
                f"VariableDef names {variable_def.variable_name!r}, which is not the output of "
                f"a VariableV2 op but {raw!r}."
            )
        op = raw.op
        Tensor.__init__(self, op, 0, raw.dtype, raw.shape)
        self._consumers = raw._consumers
        for consumer in raw._consumers:
            consumer.inputs = tuple(self if t is raw else t for t in consumer.inputs)
        op.outputs[0] = self
        self._initializer = element(variable_def.initializer_name)
        self._initial_value = (element(variable_def.initial_value_name)
                               if variable_def.initial_value_name else None)
        self._trainable = bool(variable_def.trainable)

    def to_proto(self, export_scope: Optional[str] = None):
        """The variable as a TensorFlow `VariableDef` protobuf (None if outside `export_scope`);
        needs the tensorboard package. Meta graphs store variables this way (see
        `minigraph.meta_graph`)."""
        from minigraph import protos

        def relative(name):
            if not export_scope:
                return name
            return name[len(export_scope) + 1:] if name.startswith(export_scope + "/") else None

        names = [self.name, self._initializer.name,
                 self._initial_value.name if self._initial_value is not None else ""]
        if any(relative(n) is None for n in names if n):
            return None
        variable_pb2 = protos.load("variable_pb2", "Variable.to_proto")
        return variable_pb2.VariableDef(
            variable_name=relative(names[0]), initializer_name=relative(names[1]),
            initial_value_name=relative(names[2]) if names[2] else "",
            snapshot_name=relative(names[0]), trainable=self._trainable,
        )

    @staticmethod
    def from_proto(variable_def, import_scope: Optional[str] = None) -> "Variable":
        """The Variable of a `VariableDef` whose ops are in the default graph."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    @property
    def initializer(self):
        """The op that assigns the initial value (`sess.run(w.initializer)`)."""
        return self._initializer

    @property
    def initial_value(self) -> Tensor:
        """The tensor the initializer assigns."""
        return self._initial_value

    @property
    def trainable(self) -> bool:
        """True if the variable is in TRAINABLE_VARIABLES (optimizers train it by default)."""
        return self._trainable

    @property
    def device(self) -> str:
        """Always "": minigraph runs everything on the CPU."""
        return ""

    @property
    def constraint(self):
        """Always None: minigraph has no variable constraints."""
        return None

    def value(self) -> Tensor:
        """The variable as a tensor (itself: reads happen when a consumer runs)."""
        return self

    def read_value(self) -> Tensor:
        """A new tensor holding the variable's value at the time it is read."""
        return array_ops.identity(self, name="read")

    def initialized_value(self) -> Tensor:
        """The value, computed after the initializer has run (for initializing other variables)."""
        return control_flow_ops.with_dependencies([self._initializer], self._initial_value)

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op that writes `value` into this variable (see `tf.assign`)."""
        return state_ops.assign(self, value, name=name)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """The op `self += delta` (see `tf.assign_add`); `use_locking`, `read_value` are ignored."""
        return state_ops.assign_add(self, delta, name=name)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """The op `self -= delta` (see `tf.assign_sub`); `use_locking`, `read_value` are ignored."""
        return state_ops.assign_sub(self, delta, name=name)

    def load(self, value, session=None) -> None:
        """Writes `value` into the variable in `session` without adding ops to the graph."""
        session = _default_session_for(self, session)
        session.run(self._initializer, {self._initial_value: value})

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}_ref>"

    __str__ = __repr__


def global_variables(scope: Optional[str] = None) -> list:
    """Every variable created in the default graph (optionally filtered by name `scope`)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope: Optional[str] = None) -> list:
    """The variables created with `trainable=True` (what optimizers train by default)."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: Optional[str] = None) -> list:
    """`tf.local_variables`: the variables in the LOCAL_VARIABLES collection (not saved by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.local_variables())
        []
    """
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: Optional[str] = None) -> list:
    """The variables in the MODEL_VARIABLES collection (TF1's `tf.model_variables`; not
    re-exported as `tf.model_variables` by minigraph).

    Example:
        >>> import minigraph as tf
        >>> from minigraph.variables import model_variables
        >>> with tf.Graph().as_default():
        ...     print(model_variables())
        []
    """
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: Optional[str] = None) -> list:
    """The variables in the MOVING_AVERAGE_VARIABLES collection (TF1's
    `tf.moving_average_variables`; not re-exported by minigraph).

    Example:
        >>> import minigraph as tf
        >>> from minigraph.variables import moving_average_variables
        >>> with tf.Graph().as_default():
        ...     print(moving_average_variables())
        []
    """
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list, name: str = "init"):
    """One op running the initializers of `var_list` (a no-op for an empty list)."""
    var_list = list(var_list)
    if not var_list:
        return control_flow_ops.no_op(name=name)
    return control_flow_ops.group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """The op `init` that initializes every global variable existing now.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(0.0)
        ...     init = tf.global_variables_initializer()
        ...     with tf.Session() as sess:
        ...         sess.run(init)
        ...         print(sess.run(w))
        0.0
    """
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer():
    """`tf.local_variables_initializer`: one op initializing every local variable existing now.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.local_variables_initializer()))
        None
    """
    return variables_initializer(local_variables(), name="init")


initialize_all_variables = global_variables_initializer
