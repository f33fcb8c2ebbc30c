"""Function graphs: a Python function traced once into a graph of its own, run as a sub-plan.

`tf.cond`'s branches, `tf.while_loop`'s condition and body and `Dataset.map`'s function are
Python functions that build ops. Each is **traced** once: `trace(fn, args)` calls it with
placeholders standing for its arguments, inside a `FuncGraph`, a `Graph` of its own, and
records what it built:

* `inputs`: one `Placeholder` per argument (a leaf of `args`, a `TensorSpec` or a tensor whose
  dtype and shape it takes); `outputs`: the tensors it returned, flattened with `tf.nest`, and
  `structured_outputs`, their structure;
* `captures`: the tensors of the graphs around that the function used. Each gets a placeholder
  inside (`(outer tensor, placeholder)` pairs): the op holding the function takes the outer
  tensors as inputs, so the plan around computes them first, the picture draws the edges, and
  `tf.gradients` reaches them through the op;
* `variable_captures`: the variables of the graphs around that the function used. They are not
  captured through a placeholder: as TF1's ref variables, an op inside reads the session's
  value *when it runs* (so a read after an assignment in the same loop iteration sees it) and
  an assignment inside writes it. The op holding the function still takes them as inputs, for
  `tf.gradients` and the in-place pass (which then sees that its outputs may share their
  arrays);
* `control_captures`: ops of the graphs around named in a `tf.control_dependencies` inside the
  function: the op holding it takes them as control inputs.

While a `FuncGraph` is the default graph, every op goes into it (see `graph.graph_of`) and
`apply_op` captures its inputs from outer graphs (`FuncGraph.capture_inputs`); a variable made
inside (an RNN cell's weights) goes to the outermost graph, as with TF's `tf.init_scope`.

**Running.** A function graph runs as a plan of its own: `FunctionPlan(graph, state, passes)`
compiles it like any fetch (its inputs and capture placeholders fed, its outputs fetched) for
one session's state, with the plan passes of the plan around it but the in-place one
(`plan_passes.for_function_graphs`), and is then called with the feed values. An op that holds
function graphs (`If`, `Case`, `While`, a dataset's `map`) is stateful and declares a `bind`
hook (`registry.define_op`) that compiles them when the plan holding the op is compiled, so a
loop of 100,000 iterations runs one compiled body plan 100,000 times:

    def _bind_apply(op, state, reads, passes):
        body = FunctionPlan(op.attrs["f"], state, passes)
        positions = capture_positions(op.attrs["f"], op.inputs[1:])

        def kernel(x, *captured):
            return body([x] + [captured[i] for i in positions])[0]

        return kernel

**Gradients.** A gradient graph is traced with a `ForwardLink` to the function graph it
differentiates: a tensor of that forward graph it needs (the `y` of `Tanh`'s gradient) is
*exported* by the op holding the forward graph, which gains an output for it (TF2's design:
`If` outputs the intermediates its gradient reads, `While` a stack of their values, one per
iteration, which the body of the gradient loop captures whole and indexes with its iteration
counter through `iteration_selector`); a capture placeholder of the forward graph resolves to
its outer tensor instead. Plans compiled before an op gained outputs keep the outputs they were
compiled with.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Optional

from minigraph import dtypes, errors, executor, nest, plan_passes, shapes
from minigraph.graph import Graph, GraphKeys, get_default_graph, outermost_graph
from minigraph.tensor import Operation, Tensor, apply_op, convert_to_tensor

# Collections a function graph shares with the outermost graph (TF's FuncGraph does the same):
# a variable made inside goes there, so tf.trainable_variables() sees it inside and out.
SHARED_COLLECTIONS = (
    GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
    GraphKeys.MODEL_VARIABLES, GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.METRIC_VARIABLES,
)


class TensorSpec:
    """The dtype and static shape of a tensor, without a value: TF's `tf.TensorSpec`.

    Example:
        >>> import minigraph as tf
        >>> tf.TensorSpec([None, 3], tf.float32, name="x")
        TensorSpec(shape=(?, 3), dtype=tf.float32, name='x')
    """

    def __init__(self, shape, dtype=dtypes.float32, name: Optional[str] = None):
        self.shape = shapes.as_shape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor: Tensor, name: Optional[str] = None) -> "TensorSpec":
        """The spec of `tensor` (its dtype and static shape)."""
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, other) -> bool:
        """Whether `other` (a spec or a tensor) has this dtype and a compatible shape."""
        return self.dtype == other.dtype and self.shape.is_compatible_with(other.shape)

    def __eq__(self, other) -> bool:
        return (isinstance(other, TensorSpec) and self.dtype == other.dtype
                and self.shape == other.shape and self.name == other.name)

    def __hash__(self) -> int:
        return hash((self.dtype, self.shape.as_tuple(), self.name))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


class ForwardLink:
    """How a gradient graph reaches the values of the forward function graph it differentiates.

    Args:
        graph: the forward `FuncGraph`.
        export: `export(tensor) -> (outer tensor, per_iteration)`: makes the op holding
            `graph` output `tensor` (a new output, or the one made before) and says whether that
            output holds one value per loop iteration (a `While`'s) rather than one value.
    """

    def __init__(self, graph: "FuncGraph", export: Callable):
        self.graph = graph
        self._export = export

    def resolve(self, tensor: Tensor) -> tuple:
        """(the tensor of the graph around the forward op standing for `tensor`, per_iteration)."""
        outer = self.graph.outer_tensor_of(tensor)
        if outer is not None:  # a capture: its value is the outer tensor's, no export needed
            return outer, False
        return self._export(tensor)


class FuncGraph(Graph):
    """The graph a traced Python function built (see the module docstring).

    Args:
        name: what the function is, for messages ("true_fn", "body").
        outer_graph: the graph the function was traced in (default: the default graph).
        scope: the name scope its ops are named in ("cond" names them "cond/add", ...).
        forward: for a gradient graph, the `ForwardLink` to the graph it differentiates.
        share_names_with: a function graph whose op names this one's must not repeat (the
            other branch of a cond), so names are unique across the construct.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.constant(2.0, name="x")
        ...     f = trace(lambda a: a * x, [tf.TensorSpec([], tf.float32, name="a")],
        ...               scope="f")
        >>> [op.name for op in f.get_operations()], f.outputs
        (['f/a', 'f/x', 'f/mul'], [Tensor("f/mul:0", shape=(), dtype=float32)])
        >>> [(outer.name, inner.name) for outer, inner in f.captures]
        [('x:0', 'f/x:0')]
    """

    building_function = True

    def __init__(self, name: str, outer_graph: Optional[Graph] = None, scope: str = "",
                 forward: Optional[ForwardLink] = None,
                 share_names_with: Optional["FuncGraph"] = None):
        self._own_seed = None
        super().__init__()
        self.name = name
        self.outer_graph = outer_graph if outer_graph is not None else get_default_graph()
        self.scope = scope.rstrip("/")
        self._name_stack = self.scope
        self.forward = forward
        if share_names_with is not None:
            self._names_in_use = share_names_with._names_in_use
        self.inputs: list = []
        self.outputs: list = []
        self.structured_outputs = None
        self.captures: list = []
        self.variable_captures: list = []
        self.control_captures: list = []
        # For the body of a loop's gradient: `select(stack) -> tensor`, the element of a
        # per-iteration stack of the forward loop that this iteration reads (see `capture`).
        self.iteration_selector: Optional[Callable] = None
        self._selected = {}  # id(outer stack) -> the element this iteration reads
        self._captured = {}  # id(outer tensor) -> placeholder
        self._outer_of = {}  # id(placeholder) -> outer tensor
        self._variable_ids = set()
        for key in self.outer_graph.get_all_collection_keys():
            if key not in SHARED_COLLECTIONS:
                self._collections[key] = self.outer_graph.get_collection(key)

    def __repr__(self) -> str:
        return f"<minigraph.FuncGraph {self.name!r} ({self.scope or 'top'}) with " \
               f"{len(self._ops)} ops>"

    # ------------------------------------------------------------ what it shares with outside
    @property
    def seed(self):
        """The graph-level random seed: the outer graph's (unless set on this one)."""
        return self._own_seed if self._own_seed is not None else self.outer_graph.seed

    @seed.setter
    def seed(self, value) -> None:
        self._own_seed = value

    @property
    def _last_id(self) -> int:
        """The op counter random ops take their op seed from, continuing the outer graph's."""
        return self.outer_graph._last_id + len(self._ops)

    @property
    def _variable_store(self):
        """The variable store (`tf.get_variable`, `tf.variable_scope`) is the outermost graph's."""
        return getattr(outermost_graph(self), "_variable_store", None)

    @_variable_store.setter
    def _variable_store(self, store) -> None:
        outermost_graph(self)._variable_store = store

    def _collection_graph(self, name: str) -> Graph:
        return outermost_graph(self) if name in SHARED_COLLECTIONS else self

    def add_to_collection(self, name: str, value) -> None:
        """Appends `value` to collection `name` (the variable collections are the outer ones)."""
        graph = self._collection_graph(name)
        if graph is self:
            Graph.add_to_collection(self, name, value)
        else:
            graph.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        """The list of collection `name` itself (the variable collections are the outer ones)."""
        graph = self._collection_graph(name)
        return Graph.get_collection_ref(self, name) if graph is self else \
            graph.get_collection_ref(name)

    def get_collection(self, name: str, scope: Optional[str] = None) -> list:
        """A copy of collection `name` (the variable collections are the outer ones)."""
        graph = self._collection_graph(name)
        return Graph.get_collection(self, name, scope) if graph is self else \
            graph.get_collection(name, scope)

    # ------------------------------------------------------------ capturing
    def capture_inputs(self, inputs) -> list:
        """`inputs` of an op being built here, each tensor of another graph captured."""
        return [t if t.graph is self else self.capture(t) for t in inputs]

    def capture(self, tensor: Tensor) -> Tensor:
        """The tensor of this graph standing for `tensor`, a tensor of a graph around it.

        A variable stands for itself (see the module docstring); any other tensor gets a
        placeholder here (one per tensor), and in each function graph between this one and
        `tensor`'s. A tensor of the forward graph of a gradient graph is exported by the op
        holding that forward graph (`ForwardLink`) and captured from there.
        """
        if tensor.graph is self:
            return tensor
        if tensor.op.op_def.ref_output:
            return self._capture_variable(tensor)
        chain, per_iteration = [], set()
        graph, t = self, tensor
        while t.graph is not graph:
            if not isinstance(graph, FuncGraph):
                raise _foreign_tensor_error(tensor, self)
            link = graph.forward
            if link is not None and t.graph is link.graph:
                t, per = link.resolve(t)
                if per:
                    per_iteration.add(id(graph))
                continue
            chain.append(graph)
            graph = graph.outer_graph
        for graph in reversed(chain):
            t = graph._capture_from_outer(t, id(graph) in per_iteration)
        return t

    def _capture_variable(self, variable: Tensor) -> Tensor:
        graph = self
        while variable.graph is not graph:
            if not isinstance(graph, FuncGraph):
                raise _foreign_tensor_error(variable, self)
            if id(variable) not in graph._variable_ids:
                graph._variable_ids.add(id(variable))
                graph.variable_captures.append(variable)
            graph = graph.outer_graph
        return variable

    def _capture_from_outer(self, outer: Tensor, per_iteration: bool) -> Tensor:
        """The placeholder of this graph standing for `outer`, a tensor of `outer_graph`; for a
        per-iteration stack of a forward loop, the element the current iteration reads."""
        if per_iteration:
            return self._capture_iteration(outer)
        inner = self._captured.get(id(outer))
        if inner is not None:
            return inner
        name = outer.op.name.rsplit("/", 1)[-1]
        if outer.value_index:
            name += f"_{outer.value_index}"
        with self._at_base_scope():
            inner = placeholder(outer.dtype, outer.shape, name)
        self.captures.append((outer, inner))
        self._captured[id(outer)] = inner
        self._outer_of[id(inner)] = outer
        return inner

    def _capture_iteration(self, stack: Tensor) -> Tensor:
        selected = self._selected.get(id(stack))
        if selected is None:
            if self.iteration_selector is None:
                raise errors.InternalError(
                    None, None, f"{self.name}: per-iteration values of {stack.name} are read "
                    "outside the body of a loop's gradient."
                )
            inner = self._capture_from_outer(stack, False)
            with self._at_base_scope():
                selected = self.iteration_selector(inner)
            self._selected[id(stack)] = selected
        return selected

    @contextlib.contextmanager
    def _at_base_scope(self):
        """Builds in this graph, at its base name scope, with no control dependencies."""
        old_stack, old_control = self._name_stack, self._control_stack
        self._name_stack, self._control_stack = self.scope, []
        try:
            with self.as_default():
                yield
        finally:
            self._name_stack, self._control_stack = old_stack, old_control

    def outer_tensor_of(self, placeholder: Tensor) -> Optional[Tensor]:
        """The outer tensor a capture placeholder stands for (None for any other tensor)."""
        return self._outer_of.get(id(placeholder))

    def control_dependencies(self, control_inputs):
        """`tf.control_dependencies` inside the function: an op of a graph around becomes a
        control input of the op holding the function (`control_captures`)."""
        if control_inputs is None:
            return Graph.control_dependencies(self, None)
        inner = []
        for c in control_inputs:
            if hasattr(c, "_as_graph_element"):
                c = c._as_graph_element()
            op = getattr(c, "op", c)
            if getattr(op, "graph", None) is self:
                inner.append(op)
            else:
                self._capture_control(op)
        return Graph.control_dependencies(self, inner)

    def _capture_control(self, op: Operation) -> None:
        graph = self
        while getattr(op, "graph", None) is not graph:
            if not isinstance(graph, FuncGraph):
                raise ValueError(
                    f"Control input {op!r} must be from the same graph as the ops it guards, "
                    f"or from a graph around function graph {self.name!r}."
                )
            if op not in graph.control_captures:
                graph.control_captures.append(op)
            graph = graph.outer_graph

    # ------------------------------------------------------------ the function's interface
    def external_inputs(self) -> list:
        """The outer tensors an op holding this graph takes as inputs: the captured tensors,
        then the captured variables."""
        return [outer for outer, _ in self.captures] + list(self.variable_captures)

    def feed_tensors(self) -> list:
        """What a run of the graph feeds: its inputs, then its capture placeholders."""
        return list(self.inputs) + [inner for _, inner in self.captures]

    def set_outputs(self, values) -> list:
        """Makes the leaves of `values` (a structure) the graph's outputs, as tensors of this
        graph: a tensor of a graph around is captured, a variable read by an `Identity`, a
        Python value made a constant. Returns the flat outputs."""
        leaves = nest.flatten(values)
        outputs = []
        with self._at_base_scope():
            for leaf in leaves:
                outputs.append(self._output_tensor(leaf))
        self.structured_outputs = values
        self.outputs = outputs
        return outputs

    def _output_tensor(self, value) -> Tensor:
        if isinstance(value, Operation):
            raise TypeError(
                f"{self.name} returned the Operation {value.name!r}, which has no value: return "
                "tensors (to run an op first, build the result under "
                "tf.control_dependencies([op]))."
            )
        if value is None:
            raise ValueError(f"{self.name} returned None among its outputs: return tensors.")
        if getattr(value, "_is_tensor_array", False):
            value = value.flow  # a TensorArray is passed on as its flow (rebuilt outside)
        tensor = convert_to_tensor(value)
        if tensor.graph is not self:
            tensor = self.capture(tensor)
        if tensor.op.op_def.ref_output:  # a variable: read it inside, in order with the rest
            tensor = apply_op("Identity", [tensor], name="read")
        return tensor


def placeholder(dtype, shape, name: str) -> Tensor:
    """A placeholder of the default graph (inside a function graph: an input or a capture)."""
    return apply_op("Placeholder", [], attrs={"dtype": dtype, "shape": shapes.as_shape(shape)},
                    name=name)


def _foreign_tensor_error(tensor: Tensor, graph: FuncGraph) -> ValueError:
    return ValueError(
        f"Tensor {tensor!r} is used inside function graph {graph.name!r} but belongs to a graph "
        "that is not around it (another tf.Graph, or the inside of another cond or loop). "
        "Build the function from tensors of the graph it is traced in."
    )


# ---------------------------------------------------------------- tracing
def trace(fn: Callable, args=(), name: str = "function", scope: Optional[str] = None,
          forward: Optional[ForwardLink] = None,
          share_names_with: Optional[FuncGraph] = None) -> FuncGraph:
    """Traces `fn(*args)` into a new `FuncGraph` in the default graph (see the module docstring).

    Args:
        fn: the Python function; it builds ops and returns a structure of tensors (or values
            `tf.convert_to_tensor` takes).
        args: the arguments: a sequence whose leaves (`tf.nest`) are `TensorSpec`s or tensors
            (whose dtype and shape are taken); each leaf becomes a placeholder, and `fn` is
            called with them in `args`' structure.
        name: what the function is, for messages.
        scope: the name scope of its ops (default: the current one).
        forward: for a gradient graph, the `ForwardLink` to the graph it differentiates.
        share_names_with: a function graph whose op names this one's must not repeat.

    Returns:
        The `FuncGraph`, with `inputs`, `outputs`, `structured_outputs` and its captures.

    Example:
        >>> import numpy as np
        >>> import minigraph as tf
        >>> from minigraph import executor
        >>> with tf.Graph().as_default():
        ...     w = tf.constant(3.0, name="w")
        ...     f = trace(lambda a: a * w + 1.0, [tf.TensorSpec([2])], scope="f")
        ...     plan = FunctionPlan(f, executor.SessionState())
        >>> plan([np.array([1.0, 2.0], np.float32), np.float32(3.0)])  # inputs, then captures
        [array([4., 7.], dtype=float32)]
    """
    outer = get_default_graph()
    if scope is None:
        scope = outer.get_name_scope()
    graph = FuncGraph(name, outer, scope, forward, share_names_with)
    with graph.as_default():
        placeholders = []
        for index, leaf in enumerate(nest.flatten(list(args))):
            placeholders.append(_input_placeholder(leaf, index))
        graph.inputs = placeholders
        structured = nest.pack_sequence_as(list(args), placeholders)
        result = fn(*structured)
        graph.set_outputs(result)
    return graph


def _input_placeholder(leaf, index: int) -> Tensor:
    if isinstance(leaf, Tensor):
        leaf = TensorSpec.from_tensor(leaf)
    if not isinstance(leaf, TensorSpec):
        raise TypeError(
            f"trace: argument {index} is {leaf!r}; each argument leaf must be a tf.TensorSpec "
            "or a tensor (its dtype and shape are taken)."
        )
    return placeholder(leaf.dtype, leaf.shape, leaf.name or "input")


# ---------------------------------------------------------------- running
class FunctionPlan:
    """A function graph compiled into a plan for one session's state.

    Args:
        graph: the `FuncGraph`.
        state: the session's `executor.SessionState` (variables, random streams).
        passes: the plan passes of the plan around (the in-place one is left out, see
            `plan_passes.for_function_graphs`); default: the session's.
        outputs: the tensors of `graph` to fetch (default: its outputs).

    Called with the feed values, its inputs' and then its capture placeholders' (in the order
    of `graph.feed_tensors()`), it returns the fetched values, uncopied.
    """

    def __init__(self, graph: FuncGraph, state: executor.SessionState, passes=None,
                 outputs: Optional[list] = None):
        if passes is None:
            passes = state.passes
        self.graph = graph
        self.fetches = list(graph.outputs if outputs is None else outputs)
        self.plan = executor.compile_plan(
            self.fetches, [], graph.feed_tensors(), state,
            passes=plan_passes.for_function_graphs(passes),
        )

    def __call__(self, feed_values) -> list:
        return self.plan.run_values(feed_values)


def union_of_external_inputs(graphs) -> list:
    """The outer tensors an op holding all of `graphs` takes, each once, in order of first use."""
    seen, inputs = set(), []
    for graph in graphs:
        for t in graph.external_inputs():
            if id(t) not in seen:
                seen.add(id(t))
                inputs.append(t)
    return inputs


def capture_positions(graph: FuncGraph, op_inputs) -> tuple:
    """For each capture of `graph`, the index in `op_inputs` of its outer tensor: how the
    kernel of the op holding `graph` picks the values to feed its capture placeholders."""
    index_of = {id(t): i for i, t in enumerate(op_inputs)}
    positions = []
    for outer, inner in graph.captures:
        if id(outer) not in index_of:
            raise errors.InternalError(
                None, None, f"{graph.name}: capture {outer.name} is no input of the op holding "
                f"it ({inner.name})."
            )
        positions.append(index_of[id(outer)])
    return tuple(positions)


def input_in_graph(graph: FuncGraph, outer: Tensor) -> Optional[Tensor]:
    """The tensor of `graph` standing for `outer`, an input of the op holding it: its capture
    placeholder, or the variable itself; None if `graph` does not use it."""
    inner = graph._captured.get(id(outer))
    if inner is not None:
        return inner
    if id(outer) in graph._variable_ids:
        return outer
    return None
