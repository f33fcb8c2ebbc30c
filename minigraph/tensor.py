"""`Operation` and `Tensor`, the nodes and edges of a graph, and `apply_op`, which makes them.

An `Operation` is one node: its `type` ("MatMul"), unique `name` ("layer1/MatMul"), `inputs`
(tensors), `outputs` (tensors), `attrs` (plain Python values) and `control_inputs` (operations
that must run first). A `Tensor` is one output of an operation; it holds no value, only its
`dtype` and static `shape`. Values exist only inside a `Session.run`.

`apply_op` is the one way ops are created: it converts inputs, checks they share a graph, picks a
unique name in the current name scope, attaches the current control dependencies, runs the op's
shape function (so bad shapes fail here, at build time) and creates the output tensors.

An op is built in the graph of its tensor inputs, which need not be the default graph (TF1's
rule); `convert_to_tensor` makes a constant in the default graph. The one exception is a
function graph being traced (a branch of `tf.cond`, a loop body; `minigraph.function_graph`):
every op goes into it, and it captures inputs from the graphs around it. So a builder converts its
Python arguments (a shape list, axes) inside the inputs' graph:

    def reshape(tensor, shape, name=None):
        with graph_of([tensor, shape]).as_default():
            tensor = convert_to_tensor(tensor)
            shape = convert_to_tensor(shape, dtype=dtypes.int32)
            return apply_op("Reshape", [tensor, shape], name=name)

and a builder of several ops opens `with name_scope(name, "Default", [x, y]) as scope:`, which
enters the same graph (both are in graph.py). `apply_op` converts any non-tensor input itself,
in that graph.

Operators such as `+` and `[]` are attached to `Tensor` by the op modules that define them
(`Tensor._override_operator`), as TensorFlow does, so this lower level imports no op code.
"""

from __future__ import annotations

import threading
import types
from typing import Optional, Sequence

import numpy as np

from minigraph import dtypes, gc_policy, registry, shapes
from minigraph import graph as _graph_module
from minigraph.graph import VALID_OP_NAME, Graph, get_default_graph, graph_of


class Operation:
    """A node of the graph. Created by `apply_op`, never directly.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     c = tf.constant(2.0, name="c")
        >>> c.op
        <tf.Operation 'c' type=Const>
    """

    # Slots, not a __dict__: big graphs hold many ops, and fewer objects means less GC work.
    __slots__ = (
        "type", "name", "graph", "inputs", "attrs", "_control_inputs", "outputs", "op_def",
        "_id", "_skipped_inputs", "__weakref__",
    )

    def __init__(self, op_type, name, graph, inputs, attrs, control_inputs, op_def):
        self.type = op_type
        self.name = name
        self.graph = graph
        self.inputs = tuple(inputs)
        self.attrs = attrs
        # A tuple (the shared empty one for most ops): one less container per op for the GC.
        self._control_inputs = tuple(control_inputs) if control_inputs else ()
        self.outputs = ()  # set right after, from the op's shape function
        self.op_def = op_def
        self._id = -1
        # Set by tf.gradients only while this op's gradient function runs (see needs_grad).
        self._skipped_inputs = ()

    @property
    def control_inputs(self) -> list:
        """The operations that must run before this one (TF1's `op.control_inputs`)."""
        return list(self._control_inputs)

    def needs_grad(self, index: int) -> bool:
        """Whether the gradient of input `index` is wanted, asked by a gradient function.

        While `tf.gradients` calls this op's gradient function, inputs that lead back to none
        of its xs (constants, integer shape inputs, anything off the path from xs, a stopped
        tensor) are not wanted: the function returns None for them instead of building ops
        nobody would read. Outside `tf.gradients`, every input is wanted.

        A gradient function of `x * y` that builds only what is wanted:

            dx = unbroadcast(grad * y, x, y) if op.needs_grad(0) else None

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default():
            ...     y = tf.constant(2.0) * tf.constant(3.0)
            >>> y.op.needs_grad(0), y.op.skip_input_indices
            (True, None)
        """
        return index not in self._skipped_inputs

    @property
    def skip_input_indices(self) -> Optional[tuple]:
        """TF2's name for the inputs whose gradient is not wanted (see `needs_grad`): a tuple
        of input indices while `tf.gradients` runs this op's gradient function, else None."""
        return self._skipped_inputs or None

    def get_attr(self, name: str):
        """The value of attribute `name`; ValueError naming the op if it has none."""
        if name not in self.attrs:
            raise ValueError(f"Operation '{self.name}' (op: '{self.type}') has no attr {name!r}.")
        return self.attrs[name]

    def values(self) -> tuple:
        """The output tensors as a tuple (TF1's `op.values()`)."""
        return tuple(self.outputs)

    @property
    def node_def(self) -> dict:
        """A plain description of the node (name, op type, inputs, attrs), as TF's NodeDef."""
        return {
            "name": self.name,
            "op": self.type,
            "input": [t.name for t in self.inputs] + ["^" + c.name for c in self.control_inputs],
            "attr": dict(self.attrs),
        }

    def run(self, feed_dict=None, session=None) -> None:
        """Runs this operation in `session` (default: the default session)."""
        _default_session_for(self, session).run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Tensor:
    """One output of an `Operation`: a symbolic handle with a dtype and a static shape.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.multiply(tf.constant(2), tf.constant(3)))
        Tensor("Mul:0", shape=(), dtype=int32)
    """

    # numpy must hand `ndarray + tensor` to Tensor.__radd__ instead of looping over the array.
    __array_priority__ = 100
    __slots__ = ("op", "value_index", "dtype", "_shape", "_name", "_consumers", "__weakref__")

    def __init__(self, op: Operation, value_index: int, dtype: dtypes.DType, shape):
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shapes.interned(shape)
        self._name = None  # made when first asked for: most tensors of a big graph never are
        # The shared empty tuple until a first consumer comes (see `_create_op`): one list
        # fewer per tensor nobody reads (fetched results, unread outputs, a gradient's last op).
        self._consumers = ()

    @property
    def name(self) -> str:
        """The tensor's name, "<op name>:<output index>"."""
        name = self._name
        if name is None:
            name = self._name = f"{self.op.name}:{self.value_index}"
        return name

    @property
    def graph(self) -> Graph:
        """The graph of the op that makes this tensor."""
        return self.op.graph

    @property
    def shape(self) -> shapes.TensorShape:
        """The static shape, as far as known while building (a `TensorShape`)."""
        return self._shape

    def get_shape(self) -> shapes.TensorShape:
        """The static shape (TF1's spelling of `.shape`)."""
        return self._shape

    def set_shape(self, shape) -> None:
        """Narrows the static shape (e.g. `[None, 3]` to `[32, 3]`); ValueError if incompatible."""
        self._shape = self._shape.merge_with(shapes.as_shape(shape))

    def consumers(self) -> list:
        """The operations that take this tensor as an input."""
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """Runs the graph up to this tensor in `session` (default: the default session)."""
        return _default_session_for(self, session).run(self, feed_dict)

    def _as_graph_element(self):
        return self

    def __repr__(self) -> str:
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self.dtype.name})'

    __str__ = __repr__

    def __bool__(self):
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined, and use ops like tf.cond to "
            "execute subgraphs conditioned on the value of a tensor."
        )

    def __iter__(self):
        raise TypeError(
            f"Tensor objects are not iterable in graph mode: {self!r}. Index it (t[0]) or use "
            "tf.unstack to split it into tensors."
        )

    def __len__(self):
        raise TypeError(
            f"len is not well defined for symbolic Tensors. ({self.name}) Please call `x.shape` "
            "rather than `len(x)` for shape information (or tf.shape(x)[0] for a length known "
            "only when running)."
        )

    # Tensors are compared by identity so that they can be dict keys (feed_dict), as in TF1;
    # element-wise equality is tf.equal.
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    @classmethod
    def _override_operator(cls, operator: str, func) -> None:
        """Attaches `func` as operator `operator` (e.g. "__add__"); used by the op modules."""
        setattr(cls, operator, func)


# ---------------------------------------------------------------- default session
_session_local = threading.local()


def _session_stack() -> list:
    if not hasattr(_session_local, "stack"):
        _session_local.stack = []
    return _session_local.stack


def get_default_session():
    """The session made default by `with sess:` / `sess.as_default()`, or None."""
    stack = _session_stack()
    return stack[-1] if stack else None


def _default_session_for(element, session):
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError(
                f"Cannot evaluate {element!r}: no default session is registered. Use "
                "`with tf.Session() as sess:` (or sess.as_default()), or pass a session: "
                "`t.eval(session=sess)`."
            )
    if session.graph is not element.graph:
        raise ValueError(
            f"Cannot use the given session to evaluate {element!r}: its graph is different "
            "from the session's graph."
        )
    return session


# ---------------------------------------------------------------- conversion
def convert_to_tensor(
    value, dtype=None, name: Optional[str] = None, preferred_dtype=None
) -> Tensor:
    """Returns `value` as a Tensor: tensors pass through; numbers and arrays become `Const`s.

    Python floats become float32 and ints int32 (TF1's rules); with `dtype`, the value is
    converted to it, but a float never silently becomes an int.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(convert_to_tensor(3.0))
        Tensor("Const:0", shape=(), dtype=float32)
    """
    if hasattr(value, "_as_graph_element") and not isinstance(value, Tensor):
        value = value._as_graph_element()
    if isinstance(value, Tensor):
        if dtype is not None and dtypes.as_dtype(dtype) != value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for Tensor "
                f"with dtype {value.dtype.name}: {value!r}"
            )
        return value
    if isinstance(value, Operation):
        raise TypeError(
            f"Can't convert Operation '{value.name}' to Tensor: an operation has no value; "
            "use one of its outputs (op.outputs[0]) instead."
        )
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        return _pack(value, dtype, name)
    if dtype is None and preferred_dtype is not None:
        try:
            array = to_numpy(value, dtypes.as_dtype(preferred_dtype))
        except (TypeError, ValueError):
            array = to_numpy(value, None)
    else:
        array = to_numpy(value, None if dtype is None else dtypes.as_dtype(dtype))
    return make_const(array, name=name or "Const")


def to_numpy(value, dtype: Optional[dtypes.DType]) -> np.ndarray:
    """`value` as a numpy array of `dtype` (default: TF1's dtype for it), refusing lossy casts.

    The result is always a copy: a constant must not change when the caller later modifies the
    array it was made from (TF1 copies it into the graph too).
    """
    if dtype is None:
        dtype = dtypes.dtype_of_value(value)
        if dtype == dtypes.string:
            return dtypes.as_bytes_array(value)
        return np.array(value, dtype=dtype.np)
    if dtype == dtypes.string:
        return dtypes.as_bytes_array(value)
    array = np.asarray(value)
    if array.dtype.kind == "O":
        raise TypeError(f"Cannot convert {value!r} to a Tensor of dtype {dtype.name}.")
    _check_lossless(value, array, dtype)
    return np.array(array, dtype=dtype.np)


def _check_lossless(value, array: np.ndarray, dtype: dtypes.DType) -> None:
    """TypeError, as TF1's, for a value `dtype` cannot hold: a fractional or non-finite float
    as an integer, a string as a number, an integer outside `dtype`'s range (numpy would wrap
    it around silently: `2**40` as int32 is 0)."""
    kind = array.dtype.kind
    lossy = kind in "US" or (kind == "f" and (dtype.is_integer or dtype.is_bool) and (
        not np.all(np.isfinite(array)) or np.any(array != np.round(array))))
    if lossy:
        raise TypeError(
            f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
        )
    if kind not in "iu" or not dtype.is_integer or not array.size:
        return
    low, high = array.min(), array.max()
    if low < dtype.min or high > dtype.max:
        bad = int(high) if high > dtype.max else int(low)
        raise TypeError(
            f"Expected {dtype.name}, got {_short_repr(value)} of type '{type(value).__name__}' "
            f"instead: {bad} is outside the {dtype.name} range [{dtype.min}, {dtype.max}]. "
            f"Use a wider dtype (e.g. tf.int64)."
        )


def _short_repr(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:38] + " ... " + text[-37:]


def make_const(array: np.ndarray, name: str = "Const") -> Tensor:
    """A `Const` op holding `array` (already of the right dtype), in the default graph."""
    return apply_op("Const", [], attrs={"value": array}, name=name)


def python_number_operand(value, dtype: dtypes.DType, graph: Graph,
                          name: str = "Const") -> Tensor:
    """A `Const` named `name` of the Python int or float `value` as `dtype`, in `graph`: the
    other operand of `x * 2.0` (the same as `convert_to_tensor(value, dtype, name)` inside
    `graph.as_default()`, without entering it: operators on tensors are most of the ops a
    big graph is built from). While a function graph is traced, it goes there instead (see
    `graph.graph_of`)."""
    default = get_default_graph()
    return _number_const(value, dtype, default if default.building_function else graph, name)


def _number_const(value, dtype: dtypes.DType, graph: Graph, name: str) -> Tensor:
    const = registry.get_op_def("Const")
    if type(value) is float and dtype.np.kind == "f":
        # The common `x * 0.5`: nothing to check, and the Const's output is known.
        array = np.array(value, dtype=dtype.np)
        return _create_op(graph, const, (), {"value": array}, name, (dtype, shapes.SCALAR))
    return _create_op(graph, const, (), {"value": to_numpy(value, dtype)}, name)


def _input_name(graph: Graph, op_name: str, arg: str) -> str:
    """The name of the `Const` made for the Python value of input `arg` of the op named
    `op_name` (chosen first, as TF1 opens the op's name scope before converting its inputs):
    `mul_1/y`, made unique as `convert_to_tensor(value, name=arg)` inside that scope would."""
    name = f"{op_name}/{arg}"
    names = graph._names_in_use
    key = name.lower()
    if key not in names:
        names[key] = 1
        return name
    with graph.name_scope(op_name + "/"):
        return graph.unique_name(arg)


def apply_op_with_number(op_type: str, x: Tensor, value, name: Optional[str] = None,
                         number_first: bool = False) -> Tensor:
    """`apply_op(op_type, [x, value])` for a tensor `x` and a Python int or float `value`
    (`[value, x]` with `number_first`): `value` becomes a `Const` of x's dtype in x's graph
    (see `python_number_operand`), so there is nothing to convert or check.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [3], name="x")
        ...     print(apply_op_with_number("Sub", x, 1, number_first=True))
        Tensor("Sub:0", shape=(3,), dtype=float32)
    """
    graph = x.op.graph
    if _graph_module._tracing[0]:
        default = get_default_graph()
        if default.building_function:  # traced into the function graph, x captured (apply_op)
            op_name = _op_name(default, name, op_type)
            arg = _input_name(default, op_name, "x" if number_first else "y")
            number = _number_const(value, x.dtype, default, arg + "/")
            inputs = [number, x] if number_first else [x, number]
            return apply_op(op_type, inputs, name=op_name + "/")
    fast = _NUMBER_OPS.get(op_type)
    if fast is None:
        fast = _NUMBER_OPS[op_type] = _number_op_facts(op_type)
    if (type(value) is float and x.dtype.name in fast[1] and x._shape._tuple is not None
            and not graph._control_stack and not graph._finalized):
        return _float_op(graph, fast, x, value, name, number_first)
    if graph._finalized:
        graph._check_not_finalized()
    op_name = _op_name(graph, name, op_type)
    arg = _input_name(graph, op_name, "x" if number_first else "y")
    number = _number_const(value, x.dtype, graph, arg + "/")
    inputs = [number, x] if number_first else [x, number]
    return _create_op(graph, fast[0], inputs, None, op_name + "/")


# op type -> (its OpDef, the float dtypes both its inputs may have when its output is their
# broadcast shape and the first input's dtype, else none; Const's OpDef): see `_float_op`.
_NUMBER_OPS: dict = {}


def _number_op_facts(op_type: str) -> tuple:
    op_def = registry.get_op_def(op_type)
    floats = frozenset(d.name for d in (dtypes.float16, dtypes.float32, dtypes.float64))
    const = registry.get_op_def("Const")
    if op_def.shape is not shapes.broadcast_inputs or op_def.dtype is not None:
        return op_def, frozenset(), const
    for constraint in op_def.input_dtypes:
        if constraint.index > 1:
            return op_def, frozenset(), const
        floats &= constraint.names
    return op_def, floats, const


def _float_op(graph: Graph, facts: tuple, x: Tensor, value: float, name, number_first: bool):
    """`x <op> value` (or `value <op> x`) for a Python float and a float tensor of known rank,
    in a graph with no control dependencies open: the `Const` and the op written out, with
    what `_create_op` would compute for both known already (no dtype to check, the output's
    shape is x's: a scalar broadcasts to any shape).

    NOTE: half the ops of a big graph built with operators come through here, so
    `_new_op`, `_new_tensor`, `_add_consumer` and `_register` are written out for both ops
    (six calls fewer: about 8% of the time per `x * 2.0`).
    """
    op_def, _, const_def = facts
    dtype = x.dtype
    array = np.array(value, dtype=dtype.np)
    with graph._lock:
        ops, by_name = graph._ops, graph._ops_by_name
        op_name = _op_name(graph, name, op_def.type)
        const_name = _input_name(graph, op_name, "x" if number_first else "y")
        const = _allocate_op(Operation)
        const.type, const.name, const.graph, const.inputs = "Const", const_name, graph, ()
        const.attrs, const._control_inputs, const.op_def = {"value": array}, (), const_def
        const._skipped_inputs = ()
        number = _allocate_tensor(Tensor)
        number.op, number.value_index, number.dtype = const, 0, dtype
        number._shape, number._name, number._consumers = shapes.SCALAR, None, ()
        const.outputs = [number]
        by_name[const_name] = const
        const._id = len(ops)
        ops.append(const)
        graph._version += 1
        op = _allocate_op(Operation)
        op.type, op.name, op.graph = op_def.type, op_name, graph
        op.inputs = (number, x) if number_first else (x, number)
        op.attrs, op._control_inputs, op.op_def, op._skipped_inputs = _NO_ATTRS, (), op_def, ()
        out = _allocate_tensor(Tensor)
        out.op, out.value_index, out.dtype, out._shape, out._name = op, 0, dtype, x._shape, None
        out._consumers = ()
        op.outputs = [out]
        number._consumers = [op]
        if x._consumers:
            x._consumers.append(op)
        else:
            x._consumers = [op]
        by_name[op_name] = op
        op._id = len(ops)
        ops.append(op)
        graph._version += 1
        if graph._version >= graph._gc_watch_at:
            graph._gc_watch_at += gc_policy.WATCH_FROM
            gc_policy.watch(graph)
    return out


def apply_binary(op_type: str, x: Tensor, y: Tensor, name: Optional[str] = None) -> Tensor:
    """`apply_op(op_type, [x, y])` for two tensors of one dtype: an element-wise binary op
    whose output has the broadcast shape of its inputs (`Mul`, `Add`; see `_number_op_facts`)
    is written out, without the conversions and look-ups `apply_op` does; any other case (two
    graphs, a function graph being traced, open control dependencies) goes to `apply_op`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [3], name="x")
        ...     print(apply_binary("Mul", x, x))
        Tensor("Mul:0", shape=(3,), dtype=float32)
    """
    graph = x.op.graph
    facts = _NUMBER_OPS.get(op_type)
    if facts is None:
        facts = _NUMBER_OPS[op_type] = _number_op_facts(op_type)
    if (y.op.graph is graph and x.dtype is y.dtype and x.dtype.name in facts[1]
            and not _graph_module._tracing[0] and not graph._control_stack
            and not graph._finalized):
        x_shape, y_shape = x._shape, y._shape
        if x_shape is y_shape:
            return _binary_op(graph, facts[0], x, y, x_shape, name)
        if x_shape._tuple is not None and y_shape._tuple is not None:
            try:
                shape = shapes.broadcast(x_shape, y_shape)
            except ValueError:
                pass  # apply_op raises it, with the op's name and the input shapes
            else:
                return _binary_op(graph, facts[0], x, y, shape, name)
    return apply_op(op_type, [x, y], name=name)


def _binary_op(graph: Graph, op_def, x: Tensor, y: Tensor, shape, name) -> Tensor:
    """`_create_op` written out for `apply_binary`: the output's shape is known."""
    with graph._lock:
        op_name = _op_name(graph, name, op_def.type)
        op = _new_op(op_def.type, op_name, graph, (x, y), _NO_ATTRS, op_def)
        out = _new_tensor(op, x.dtype, shape)
        op.outputs = [out]
        _add_consumer(x, op)
        _add_consumer(y, op)
        _register(graph, op, op_name)
    return out


_allocate_op = Operation.__new__
_allocate_tensor = Tensor.__new__


def _new_op(op_type: str, name: str, graph: Graph, inputs: tuple, attrs, op_def) -> Operation:
    """`Operation(...)` without control inputs, for the written-out paths: the same slots
    set without the call of `__init__` (a third of the cost on this hot path)."""
    op = _allocate_op(Operation)
    op.type = op_type
    op.name = name
    op.graph = graph
    op.inputs = inputs
    op.attrs = attrs
    op._control_inputs = ()
    op.outputs = ()
    op.op_def = op_def
    op._id = -1
    op._skipped_inputs = ()
    return op


def _new_tensor(op: Operation, dtype: dtypes.DType, shape: shapes.TensorShape) -> Tensor:
    """`Tensor(op, 0, dtype, shape)` for a `shape` shared already (an input's, or one
    `shapes.broadcast` returned), without `__init__`'s call and interning."""
    t = _allocate_tensor(Tensor)
    t.op = op
    t.value_index = 0
    t.dtype = dtype
    t._shape = shape
    t._name = None
    t._consumers = ()
    return t


def _contains_tensor(value) -> bool:
    """True if the (nested) list or tuple `value` holds a tensor or a variable."""
    pending = list(value)
    while pending:
        item = pending.pop()
        if isinstance(item, Tensor) or hasattr(item, "_as_graph_element"):
            return True
        if isinstance(item, (list, tuple)):
            pending.extend(item)
    return False


def _pack(value, dtype, name) -> Tensor:
    """[t1, 2.0, [t2, t3]] -> a `Pack` of its items, as TF1 auto-packs lists with tensors:
    inside the name scope `name` ("packed"), the Python items become Consts named by their
    position (`packed/1`), of the dtype of the tensors (the first that is not a Const)."""
    with graph_of(value).as_default() as graph, graph.name_scope(name or "packed") as scope:
        items = []
        for i, v in enumerate(value):
            if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
                v = convert_to_tensor(v, dtype=dtype)
            elif isinstance(v, (list, tuple)) and _contains_tensor(v):
                v = _pack(v, dtype, str(i))
            items.append(v)
        target = dtype
        if target is None:
            tensors = [t for t in items if isinstance(t, Tensor)]
            target = next((t.dtype for t in tensors if t.op.type != "Const"), tensors[0].dtype)
        items = [_pack_item(v, target, str(i)) for i, v in enumerate(items)]
        return apply_op("Pack", items, attrs={"axis": 0, "N": len(items)}, name=scope)


def _pack_item(item, dtype, name: str) -> Tensor:
    """One item of an auto-packed list as a tensor of `dtype` named `name` if it is made."""
    if isinstance(item, Tensor):
        if item.dtype != dtype and item.op.type == "Const":
            return make_const(item.op.attrs["value"].astype(dtype.np), name=name)
        return item
    return convert_to_tensor(item, dtype=dtype, name=name)


def constant_value(tensor: Tensor):
    """The value of `tensor` if it is known while building (a Const, or a Shape of a fully
    known shape), else None. Shape functions use it for inputs such as `reshape`'s shape."""
    op = tensor.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.as_list(), dtype=tensor.dtype.np)
    if op.type == "Pack":
        values = [constant_value(t) for t in op.inputs]
        if all(v is not None for v in values):
            return np.stack(values, axis=op.attrs["axis"])
    return None


class op_scope:
    """`with op_scope(name, "Reshape", [tensor, shape]) as scope:`: the name scope of one op
    whose builder converts Python arguments, as TF1's op wrappers open it.

    It enters the graph of `values` (see `graph_of`) and the scope `name` (`op_type` when
    `name` is None or ""), made unique, and yields it with a trailing "/" ("Reshape/"). Inside,
    `convert_to_tensor(shape, name="shape")` makes `Reshape/shape`, and the op takes the scope
    as its exact name: TF1 names the Const it makes for a Python value after the op's input
    (`Reshape/shape`, then `Reshape`; `mul_1/y`, then `mul_1`).

    When every value is a tensor already there is nothing to convert, so no scope is opened:
    the block yields the op's name (`name`, else `op_type`), which the op makes unique as any.

    NOTE: a class, as `_NameScopeBlock`, with that shortcut: builders such as `reshape` and
    `reduce_sum` run for every op `tf.gradients` differentiates, on tensors.

    Example:
        >>> import minigraph as tf
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     x = tf.zeros([2], name="x")
        >>> with op_scope(None, "Reshape", [x, [2, 1]]) as scope:
        ...     shape = tf.convert_to_tensor([2, 1], name="shape")
        >>> scope, shape.name, shape.graph is g
        ('Reshape/', 'Reshape/shape:0', True)
    """

    __slots__ = ("name", "values", "default", "scope")

    def __init__(self, name: Optional[str], op_type: str, values):
        self.name = name or op_type
        self.values = values
        self.default = None
        self.scope = None

    def __enter__(self) -> str:
        if _all_tensors(self.values):
            return self.name
        graph = graph_of(self.values)
        if graph is not get_default_graph():
            self.default = graph.as_default()
            self.default.__enter__()
        self.scope = graph.name_scope(self.name)
        try:
            return self.scope.__enter__()
        except BaseException:
            self.scope = None
            self.__exit__(None, None, None)
            raise

    def __exit__(self, exc_type, exc_value, tb) -> bool:
        if self.scope is not None:
            self.scope.__exit__(exc_type, exc_value, tb)
        if self.default is not None:
            self.default.__exit__(exc_type, exc_value, tb)
        return False


def _all_tensors(values) -> bool:
    """True if every item of `values` (or of a list or tuple in it, not empty) is a tensor."""
    for value in values:
        if value.__class__ in (list, tuple):
            if not value:  # (an empty list becomes an empty Const)
                return False
            for item in value:
                if item.__class__ is not Tensor:
                    return False
        elif value.__class__ is not Tensor:
            return False
    return True


# ---------------------------------------------------------------- op creation
def _graph_of(inputs: Sequence[Tensor], op_type: str) -> Graph:
    """The graph of `inputs` (ValueError naming both if they differ), or the function graph
    being traced, which captures the inputs from the graphs around it (see `graph.graph_of`)."""
    default = get_default_graph()
    if default.building_function:
        return default
    graph = None
    first = None
    for t in inputs:
        g = t.op.graph
        if graph is None:
            graph, first = g, t
        elif g is not graph:
            default = get_default_graph()
            stale = [x for x, x_graph in ((first, graph), (t, g)) if x_graph is not default]
            hint = (
                " Build everything inside one `with graph.as_default():` block, or after one "
                "tf.reset_default_graph()."
            )
            if len(stale) == 1:
                which = "first" if stale[0] is first else "second"
                hint = (
                    f" The {which} one belongs to a graph that is not the default graph (one "
                    "replaced by tf.reset_default_graph(), or a tf.Graph() not entered): "
                    "rebuild it after the reset, or build both inside that graph's "
                    "`with graph.as_default():` block."
                )
            raise ValueError(
                f"Tensor {t!r} must be from the same graph as Tensor {first!r} "
                f"(inputs of a new '{op_type}' op).{hint}"
            )
    return graph


def convert_inputs(inputs: Sequence) -> list:
    """Converts non-tensor inputs to constants in the graph of the tensor inputs, which need
    not be the default graph.

    Example:
        >>> import minigraph as tf
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     a = tf.constant(1.0)
        >>> [t.graph is g for t in convert_inputs([a, 2.0])]
        [True, True]
    """
    with graph_of(inputs).as_default():
        return [t if isinstance(t, Tensor) else convert_to_tensor(t) for t in inputs]


def apply_op(
    op_type: str,
    inputs: Sequence,
    attrs: Optional[dict] = None,
    name: Optional[str] = None,
):
    """Creates an op of type `op_type` and returns its output (one Tensor, a list, or the
    Operation itself when it has no outputs).

    The op goes into the graph of its tensor inputs (ValueError if they come from different
    graphs), or into the default graph when it has none.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     a = tf.constant(1.0)
        ...     print(apply_op("Neg", [a]))
        Tensor("Neg:0", shape=(), dtype=float32)
    """
    op_def = registry.get_op_def(op_type)
    for t in inputs:
        if not isinstance(t, Tensor):
            inputs, name = _converted_inputs(op_def, inputs, name)
            break
    graph = _graph_of(inputs, op_type) if inputs else get_default_graph()
    if graph.building_function and inputs:
        inputs = graph.capture_inputs(inputs)
    return _create_op(graph, op_def, inputs, attrs, name)


def _converted_inputs(op_def, inputs: Sequence, name) -> tuple:
    """`(inputs, name)` with the non-tensor inputs converted inside the op's name scope, each
    named after its input in TF's op registry (`Square/x`, `Identity/input`) as TF1 names
    them, and the op's exact name (the scope) to create it with. An op whose input names
    minigraph does not know converts them as plain `Const`s."""
    arg_names = {c.index: c.name for c in op_def.input_dtypes if not c.rest}
    if any(i not in arg_names for i, t in enumerate(inputs) if not isinstance(t, Tensor)):
        return convert_inputs(inputs), name
    with op_scope(name, op_def.type, inputs) as scope:
        inputs = [
            t if isinstance(t, Tensor) else convert_to_tensor(t, name=arg_names.get(i))
            for i, t in enumerate(inputs)
        ]
    return inputs, scope


# The attrs of every op created without any: one shared, read-only empty mapping, instead of
# one dict per op (a 100k-op graph of Adds and Muls has no attrs at all).
_NO_ATTRS = types.MappingProxyType({})


def _create_op(graph: Graph, op_def, inputs: Sequence, attrs: Optional[dict], name,
               output=None):
    """`apply_op` once the graph is known and every input is a tensor of it.

    `output`, a `(dtype, interned shape)` pair the caller knows already, is the op's one
    output: its shape and dtype functions are not called.

    NOTE: building a big graph is hundreds of thousands of calls of this function, so it
    allocates only what the op keeps (its name, inputs, outputs) and calls no helper where
    one attribute test does (`Graph._add_op` is written out here).
    """
    if graph._finalized:
        graph._check_not_finalized()
    if op_def.input_dtypes:
        registry.check_input_dtypes(op_def, inputs, name)
    with graph._lock:
        op_name = _op_name(graph, name, op_def.type)
        control_inputs = _control_inputs(graph, inputs) if graph._control_stack else ()
        op = Operation(op_def.type, op_name, graph, inputs, attrs or _NO_ATTRS, control_inputs,
                       op_def)
        if output is None:
            one_output = _create_outputs(op)
        else:
            op.outputs = [Tensor(op, 0, output[0], output[1])]
            one_output = True
        for t in inputs:
            if t._consumers:
                t._consumers.append(op)
            else:
                t._consumers = [op]
        _register(graph, op, op_name)
    if one_output:
        return op.outputs[0]
    return op.outputs if op.outputs else op


def _add_consumer(t: Tensor, op: Operation) -> None:
    """Records `op` as a reader of `t` (consumer lists are made on first use)."""
    if t._consumers:
        t._consumers.append(op)
    else:
        t._consumers = [op]


def _register(graph: Graph, op: Operation, op_name: str) -> None:
    """`graph._add_op(op)`, written out: the graph's name table, op list, version, GC watch."""
    ops = graph._ops
    graph._ops_by_name[op_name] = op
    op._id = len(ops)
    ops.append(op)
    graph._version += 1
    if graph._version >= graph._gc_watch_at:
        graph._gc_watch_at += gc_policy.WATCH_FROM
        gc_policy.watch(graph)


# Names already checked against VALID_OP_NAME, before any "_N" suffix: "_" and digits may follow
# any valid name, so "mul_7" is valid when "mul" is, and a big graph of a few op types runs the
# regex a few times instead of once per op. `_VALID_BASES` holds names given at the top level,
# `_VALID_IN_SCOPE` names given inside a name scope: the scope is a valid name already (checked
# when it was opened, or an op's name and "_grad" for a gradient's scope), so "scope/name" is
# valid when "name" may follow a "/" (it may start with "_"), whatever the scope. So the
# unique scopes of a gradient (`gradients/mul_17_grad`) do not make a new entry per op.
_VALID_BASES: set = set()
_VALID_IN_SCOPE: set = set()
_VALID_BASES_LIMIT = 100_000


def _op_name(graph: Graph, name: Optional[str], op_type: str) -> str:
    """The new op's unique name in the current name scope; a name ending in "/" (a scope name
    returned by name_scope) is used as it is, as in TF1, and must not be taken yet.

    The name is `graph.unique_name(name or op_type)`, written out (see `Graph.unique_name`)."""
    if name is None:
        name = op_type
    elif type(name) is not str or not name or name[-1] == "/":
        return _exact_op_name(graph, name, op_type)
    given = name
    stack = graph._name_stack
    if stack:
        name = f"{stack}/{name}"
        checked = _VALID_IN_SCOPE
    else:
        checked = _VALID_BASES
    names = graph._names_in_use
    key = name.lower()
    i = names.get(key, 0)
    names[key] = i + 1
    if i:
        name = _suffixed(names, name, key, i)
    if given not in checked:
        _check_op_name(name)
        if len(checked) < _VALID_BASES_LIMIT:
            checked.add(given)
    if name in graph._ops_by_name:
        _duplicate_name(name)
    return name


def _suffixed(names: dict, name: str, key: str, i: int) -> str:
    """`name` made unique with the first free suffix `_i`, `_{i+1}`, ... of its lowercase `key`
    (taken `i` times already) in the graph's table of `names`, which it marks taken: the rule
    of `Graph.unique_name`, for the written-out namers (`_op_name`, gradient scopes)."""
    suffixed = f"{key}_{i}"
    while suffixed in names:
        i += 1
        suffixed = f"{key}_{i}"
    names[suffixed] = 1
    return suffixed if key == name else f"{name}_{i}"  # (a lowercase name: one string)


def _exact_op_name(graph: Graph, name, op_type: str) -> str:
    """`_op_name` for a name that is not a plain string: "" (the op type's name), a name
    ending in "/" (used as it is), or a wrong type (TypeError)."""
    if name is not None and not isinstance(name, str):
        raise TypeError(
            f"The name of a {op_type} op must be a string, got {name!r} of type "
            f"{type(name).__name__}."
        )
    if name and name.endswith("/"):
        op_name = name[:-1]
    else:
        op_name = graph.unique_name(name or op_type)
    if op_name not in _VALID_BASES:  # (a scope's name, `Reshape/`: the builder's op_scope)
        _check_op_name(op_name)
        if len(_VALID_BASES) < _VALID_BASES_LIMIT:
            _VALID_BASES.add(op_name)
    if op_name in graph._ops_by_name:
        _duplicate_name(op_name)
    return op_name


def _check_op_name(op_name: str) -> None:
    if not VALID_OP_NAME.match(op_name):
        raise ValueError(
            f"'{op_name}' is not a valid node name: an op name must match "
            f"{VALID_OP_NAME.pattern} (a letter, digit or '.', then letters, digits, '_', '.', "
            "'-', '/'; ':' separates a tensor's output index)."
        )


def _duplicate_name(op_name: str) -> None:
    raise ValueError(
        f"Duplicate node name in graph: '{op_name}' (a name ending in '/' is used as it is: "
        "give the new op another name, or leave out the '/' to have it made unique)."
    )


def _control_inputs(graph: Graph, inputs: Sequence) -> list:
    """The control inputs of a new op with data `inputs`, inside `control_dependencies`
    blocks: the blocks' ops, but for those the op already reads a value of."""
    input_ops = {id(t.op) for t in inputs}
    return [c for c in graph._current_control_dependencies() if id(c) not in input_ops]


def _create_outputs(op: Operation) -> bool:
    """Runs the op's shape and dtype functions and creates its output tensors; True if the op
    has exactly one output (its shape function returned one TensorShape, not a list)."""
    op_def = op.op_def
    try:
        out_shapes = op_def.shape(op)
    except ValueError as e:
        input_shapes = ", ".join(t.shape.bracket_str() for t in op.inputs)
        raise ValueError(
            f"{e} for '{op.name}' (op: '{op.type}') with input shapes: {input_shapes}."
        ) from None
    if op_def.dtype is not None:
        out_dtypes = op_def.dtype(op)
    else:
        out_dtypes = op.inputs[0].dtype if op.inputs else None
    if isinstance(out_shapes, shapes.TensorShape):
        op.outputs = [Tensor(op, 0, out_dtypes, out_shapes)]
        return True
    if out_dtypes is None or isinstance(out_dtypes, dtypes.DType):
        out_dtypes = [out_dtypes] * len(out_shapes)
    op.outputs = [Tensor(op, i, d, s) for i, (d, s) in enumerate(zip(out_dtypes, out_shapes))]
    return False
