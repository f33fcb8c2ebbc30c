"""The `Graph`: a container of operations, their names, scopes and collections.

A graph only records structure. It hands out unique names (`Add`, `Add_1`, `layer1/MatMul`,
case-insensitively as TF1 does), keeps the stacks that `name_scope` and `control_dependencies`
push, stores collections (`tf.GraphKeys.TRAINABLE_VARIABLES`, `UPDATE_OPS`, ...) and counts its
operations. Operations are numbered in creation order; because an operation can only be created
after its inputs, that number is already a topological order, which the executor and the
gradient builder both rely on instead of walking the graph recursively.

There is a default graph per thread, replaced by `reset_default_graph()` and shadowed by
`with g.as_default():`.

Choosing the graph: an op goes into the graph of its tensor inputs (`apply_op` checks they share
one), and an op with no tensor inputs (a constant, a placeholder) into the default graph. So a
builder that turns Python arguments into constants must do it in its inputs' graph, which need
not be the default one: it converts inside `with graph_of(values).as_default():`, or, when it
builds several ops, inside `with name_scope(name, default_name, values):`, which enters that
graph as TF1's does. Nothing else picks a graph.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Callable, Optional

from minigraph import gc_policy


class GraphKeys:
    """Standard collection names, as in TF1."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = GLOBAL_VARIABLES
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    SUMMARIES = "summaries"
    INIT_OP = "init_op"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"


class Graph:
    """A TensorFlow-1-style computation graph.

    Example:
        >>> import minigraph as tf
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     c = tf.constant(1.0)
        >>> c.graph is g
        True
    """

    # True for a function graph (`minigraph.function_graph.FuncGraph`: a branch of a cond, the
    # body of a loop) being traced: while it is the default graph every op goes into it, and
    # tensors of the graphs around it are captured (see `graph_of`).
    building_function = False

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._collections = {}
        self._finalized = False
        self._version = 0
        self.seed: Optional[int] = None
        self._lock = threading.RLock()
        self._gc_watch_at = gc_policy.WATCH_FROM  # see gc_policy: big graphs are watched

    # ------------------------------------------------------------ operations
    @property
    def version(self) -> int:
        """Counts the operations added; changes whenever the graph grows."""
        return self._version

    @property
    def _last_id(self) -> int:
        """The number of operations created so far: TF1's op counter, from which a random op
        with a graph seed and no op seed takes its op seed."""
        return len(self._ops)

    @property
    def finalized(self) -> bool:
        """True once `finalize()` was called: no more ops may be added."""
        return self._finalized

    def finalize(self) -> None:
        """Makes the graph read-only: adding an operation afterwards raises RuntimeError."""
        self._finalized = True

    def _unsafe_unfinalize(self) -> None:
        """TF1's escape hatch: makes a finalized graph accept new ops again."""
        self._finalized = False

    def _check_not_finalized(self) -> None:
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")

    def _add_op(self, op) -> int:
        """Registers a new operation; returns its creation index (a topological order)."""
        if self._finalized:
            self._check_not_finalized()
        self._ops_by_name[op.name] = op
        self._ops.append(op)
        self._version += 1
        if self._version >= self._gc_watch_at:
            self._gc_watch_at += gc_policy.WATCH_FROM
            gc_policy.watch(self)
        return len(self._ops) - 1

    def get_operations(self) -> list:
        """All operations, in creation order."""
        return list(self._ops)

    def get_operation_by_name(self, name: str):
        """The operation called `name`; KeyError if there is none."""
        if name not in self._ops_by_name:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")
        return self._ops_by_name[name]

    def get_tensor_by_name(self, name: str):
        """The tensor called `name` ("<op_name>:<output_index>"); ValueError or KeyError if none."""
        op_name, sep, index = name.rpartition(":")
        if not sep or not index.isdigit():
            raise ValueError(
                f"The name {name!r} looks like an (invalid) Operation name, not a Tensor. "
                "Tensor names must be of the form \"<op_name>:<output_index>\"."
            )
        if op_name not in self._ops_by_name:
            raise KeyError(
                f"The name {name!r} refers to a Tensor which does not exist. "
                f"The operation, {op_name!r}, does not exist in the graph."
                + self._did_you_mean(op_name)
            )
        op = self._ops_by_name[op_name]
        if int(index) >= len(op.outputs):
            raise KeyError(
                f"The name {name!r} refers to a Tensor which does not exist. The operation, "
                f"{op_name!r}, exists but only has {len(op.outputs)} outputs."
            )
        return op.outputs[int(index)]

    def _did_you_mean(self, op_name: str) -> str:
        """" Did you mean 'x:0'?" for the closest op names (placeholders first), or ""."""
        import difflib

        placeholders = [op.name for op in self._ops if op.type == "Placeholder"]
        close = difflib.get_close_matches(op_name, placeholders, n=3) or difflib.get_close_matches(
            op_name, list(self._ops_by_name), n=3
        )
        if close:
            return " Did you mean " + " or ".join(f"'{c}:0'" for c in close) + "?"
        if placeholders:
            return f" The graph's placeholders are {[p + ':0' for p in placeholders[:10]]}."
        return ""

    def as_graph_element(self, obj):
        """Resolves a Tensor, Operation, Variable or a name ("w:0", "init") to a graph element."""
        if isinstance(obj, str):
            if ":" in obj:
                return self.get_tensor_by_name(obj)
            return self.get_operation_by_name(obj)
        if hasattr(obj, "_as_graph_element"):
            obj = obj._as_graph_element()
        if getattr(obj, "graph", None) is not self:
            raise ValueError(f"{obj!r} is not an element of this graph.")
        return obj

    # ------------------------------------------------------------ names
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """`name` prefixed by the current scope and made unique: `Add`, `Add_1`, `Add_2`, ..."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        name_key = name.lower()
        i = self._names_in_use.get(name_key, 0)
        if mark_as_used:
            self._names_in_use[name_key] = i + 1
        if i > 0:
            base_name_key = name_key
            while name_key in self._names_in_use:
                name_key = f"{base_name_key}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[name_key] = 1
            name = f"{name}_{i - 1}"
        return name

    def get_name_scope(self) -> str:
        """The current name scope, without a trailing slash ("" at the top)."""
        return self._name_stack

    def name_scope(self, name: Optional[str]) -> "_NameScopeBlock":
        """Prefixes the names of ops created inside with `name/` (made unique: `name_1/`).

        A name ending in "/" re-enters that exact scope; None or "" returns to the top level.
        The `with` block yields the scope's name with a trailing "/" ("" at the top level).
        """
        return _NameScopeBlock(self, name)

    # ------------------------------------------------------------ control dependencies
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run only after `control_inputs` (ops or tensors); None clears."""
        old = self._control_stack
        if control_inputs is None:
            self._control_stack = []
        else:
            ops = []
            for c in control_inputs:
                if hasattr(c, "_as_graph_element"):
                    c = c._as_graph_element()
                c = getattr(c, "op", c)
                if getattr(c, "graph", None) is not self:
                    raise ValueError(
                        f"Control input {c!r} must be from the same graph as the ops it guards."
                    )
                ops.append(c)
            self._control_stack = old + [ops]
        try:
            yield
        finally:
            self._control_stack = old

    def _current_control_dependencies(self) -> list:
        if not self._control_stack:
            return []
        seen, result = set(), []
        for frame in self._control_stack:
            for op in frame:
                if id(op) not in seen:
                    seen.add(id(op))
                    result.append(op)
        return result

    @contextlib.contextmanager
    def device(self, device_name):
        """Accepted for TF1 compatibility; minigraph runs everything on the CPU."""
        yield

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        """Accepted for TF1 compatibility; placement does not apply to minigraph."""
        yield

    # ------------------------------------------------------------ collections
    def add_to_collection(self, name: str, value) -> None:
        """Appends `value` to collection `name`."""
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value) -> None:
        """Appends `value` to each collection in `names` (a name or an iterable of names)."""
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        """The list of collection `name` itself (created empty), to modify in place."""
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: Optional[str] = None) -> list:
        """A copy of collection `name`, optionally only items whose name matches `scope`."""
        items = list(self._collections.get(name, []))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [item for item in items if pattern.match(getattr(item, "name", ""))]

    def get_all_collection_keys(self) -> list:
        """The names of the non-empty collections."""
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name: str) -> None:
        """Empties collection `name`."""
        self._collections.pop(name, None)

    # ------------------------------------------------------------ default graph
    def as_default(self) -> "_DefaultGraphBlock":
        """Makes this graph the default graph of the current thread inside the `with` block."""
        return _DefaultGraphBlock(self)

    def as_graph_def(self, from_version: Optional[int] = None, add_shapes: bool = False):
        """The graph as a TensorFlow `GraphDef` protobuf (needs the tensorboard package).

        Args:
            from_version: only the ops added since `graph.version` had this value.
            add_shapes: also write each node's `_output_shapes` (as TensorBoard shows them).

        Examples are in `minigraph.graph_def`, which writes the protos.
        """
        write = _extension("graph_def", "as_graph_def", "minigraph.graph_def")
        return write(self, from_version=from_version, add_shapes=add_shapes)

    def __repr__(self) -> str:
        return f"<minigraph.Graph with {len(self._ops)} ops at 0x{id(self):x}>"

    def _repr_svg_(self) -> Optional[str]:
        """Jupyter shows a graph as an SVG picture (None, so text, when `dot` is missing)."""
        draw = _extensions.get("svg")
        return None if draw is None else draw(self)


# Graph methods that a higher layer implements, installed by that layer when it is imported (as
# `import minigraph` does), so that this module imports nothing above it: "svg" (`_repr_svg_`,
# by minigraph.viz) and "graph_def" (`as_graph_def`, by minigraph.graph_def).
_extensions: dict = {}


def register_extension(name: str, function: Callable) -> None:
    """Makes `function(graph, ...)` the implementation of the Graph method extension `name`.

    Example:
        >>> import minigraph as tf
        >>> from minigraph.viz import notebook
        >>> register_extension("svg", notebook.svg_for_notebook)  # what importing viz does
    """
    _extensions[name] = function


def _extension(name: str, method: str, module: str) -> Callable:
    """The registered extension `name`; ImportError saying which module provides it if none."""
    if name not in _extensions:
        raise ImportError(f"Graph.{method} needs {module}: import it (`import minigraph` does).")
    return _extensions[name]


class _NameScopeBlock:
    """The `with` block of `Graph.name_scope(name)`.

    NOTE: a class rather than a generator-based context manager, as `_DefaultGraphBlock`:
    `tf.gradients` opens one scope per op it differentiates.
    """

    __slots__ = ("graph", "name", "old")

    def __init__(self, graph: Graph, name: Optional[str]):
        self.graph = graph
        self.name = name
        self.old = None

    def __enter__(self) -> str:
        graph, name = self.graph, self.name
        self.old = graph._name_stack
        if name:
            _check_scope_name(name, nested=bool(self.old))
        if not name:
            new = ""
        elif name[-1] == "/":
            new = name[:-1]
        else:
            new = graph.unique_name(name)
        graph._name_stack = new
        return new + "/" if new else ""

    def __exit__(self, exc_type, exc_value, tb) -> bool:
        self.graph._name_stack = self.old
        return False


class _DefaultGraphBlock:
    """The `with` block of `Graph.as_default()`.

    NOTE: a class rather than a generator-based context manager: builders enter their inputs'
    graph on every call (see `graph_of`), and this costs a third as much.
    """

    __slots__ = ("graph",)

    def __init__(self, graph: Graph):
        self.graph = graph

    def __enter__(self) -> Graph:
        graph = self.graph
        _stack().append(graph)
        if graph.building_function:
            _tracing[0] += 1
        return graph

    def __exit__(self, exc_type, exc_value, tb) -> bool:
        if _stack().pop().building_function:
            _tracing[0] -= 1
        return False


# How many function graphs are default graphs now, in any thread (entered and not left). While
# it is 0, no default graph is a function graph being traced, so op creation, which must build
# in a traced function graph whatever its inputs' graph (see `graph_of`), need not look.
_tracing = [0]


def tracing_functions() -> bool:
    """Whether some thread has a function graph as its default graph (see `_tracing`).

    Example:
        >>> tracing_functions()
        False
    """
    return _tracing[0] > 0


_local = threading.local()
_global_default_graph: Optional[Graph] = None


def _stack() -> list:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def get_default_graph() -> Graph:
    """The innermost graph made default by `as_default()`, else the global default graph."""
    global _global_default_graph
    stack = _stack()
    if stack:
        return stack[-1]
    if _global_default_graph is None:
        _global_default_graph = Graph()
    return _global_default_graph


def reset_default_graph() -> None:
    """Replaces the global default graph with a new, empty one."""
    global _global_default_graph
    if _stack():
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph."
        )
    _global_default_graph = Graph()


def set_random_seed(seed: Optional[int]) -> None:
    """Sets the graph-level random seed of the default graph (TF1's `tf.set_random_seed`)."""
    get_default_graph().seed = seed


def graph_of(values) -> Graph:
    """The graph an op on `values` belongs in: TF1's `ops._get_graph_from_inputs`.

    That is the graph of a value that has one (a tensor, operation or variable, also inside
    lists and tuples), else the default graph. It need not be the default graph:
    TF1 builds an op in the graph of its inputs, so `tf.reshape(x, [2, 3])` works on a tensor
    `x` of a graph `g` outside `with g.as_default():`. A builder that converts Python arguments
    (a shape list, axes) to constants enters this graph first, so they land there too:

        with graph_of([tensor, shape]).as_default():
            tensor = convert_to_tensor(tensor)
            shape = convert_to_tensor(shape, dtype=dtypes.int32)
            return apply_op("Reshape", [tensor, shape], name=name)

    A builder of several ops uses `name_scope(name, default_name, values)` instead, which
    enters the same graph. If the values come from different graphs, `apply_op` says so.

    While a function graph is being traced (the default graph is a `FuncGraph`: a branch of a
    `tf.cond`, the body of a `tf.while_loop`), it is that graph, whatever the values: the op is
    built inside the function, and its inputs from the graphs around are captured (TF's rule).

    Example:
        >>> import minigraph as tf
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     x = tf.zeros([2, 3])
        >>> graph_of([[1, 2], x]) is g, graph_of([1.0]) is tf.get_default_graph()
        (True, True)
    """
    default = get_default_graph()
    if default.building_function:
        return default
    for value in values:
        graph = getattr(value, "graph", None)
        if isinstance(graph, Graph):
            return graph
    pending = [v for v in values if isinstance(v, (list, tuple))]  # tf.stack([[t, 1.0], ...])
    while pending:
        value = pending.pop()
        if isinstance(value, (list, tuple)):
            pending.extend(value)
            continue
        graph = getattr(value, "graph", None)
        if isinstance(graph, Graph):
            return graph
    return default


# TF1's rules for names (tensorflow/python/framework/ops.py): an op name starts with a letter,
# digit or "."; a scope opened inside another scope may also start with "_", "-", "/" or "\\".
VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/\-]*$")
_VALID_NESTED_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/\-]*$")


def _check_scope_name(name, nested: bool) -> None:
    """ValueError, as TF1's, for a scope name no op name could start with (`'a b'`, `'_a'` at
    the top level); TypeError for a name that is not a string."""
    if not isinstance(name, str):
        raise TypeError(f"A name scope must be a string, got {name!r} of type "
                        f"{type(name).__name__}.")
    pattern = _VALID_NESTED_SCOPE_NAME if nested else VALID_OP_NAME
    if not pattern.match(name):
        raise ValueError(
            f"'{name}' is not a valid scope name: {'a nested' if nested else 'a top-level'} "
            f"scope name must match {pattern.pattern} (letters, digits, '.', '_', '-', '/')."
        )


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """TF1's `tf.name_scope(name, default_name=None, values=None)`.

    Opens the name scope `name` (or `default_name` when `name` is None), made unique
    (`layer1`, `layer1_1`), in the graph of `values` (see `graph_of`), which it also makes the
    default graph inside the block when it is not already. Yields the scope's name with a
    trailing "/" (`"layer1/"`), which an op can take as its exact name. A name ending in "/"
    re-enters that scope; None or "" (with no default) returns to the top level.

    Example:
        >>> import minigraph as tf
        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     x = tf.zeros([2], name="x")
        >>> with tf.name_scope(None, "double", [x]) as scope:
        ...     y = tf.multiply(x, 2.0, name="y")
        >>> scope, y.name, y.graph is g, tf.get_default_graph().get_operations()
        ('double/', 'double/y:0', True, [])
    """
    if name is None and default_name is None and values:
        raise ValueError("At least one of name (None) and default_name (None) must be provided.")
    graph = graph_of(values) if values else get_default_graph()
    with contextlib.ExitStack() as stack:
        if graph is not get_default_graph():
            stack.enter_context(graph.as_default())
        yield stack.enter_context(graph.name_scope(default_name if name is None else name))


def outermost_graph(graph: Graph) -> Graph:
    """The graph around `graph` that is no function graph (`graph` itself if it is none)."""
    while graph.building_function:
        graph = graph.outer_graph
    return graph


@contextlib.contextmanager
def init_scope():
    """TF's `tf.init_scope`: builds ops outside every function graph being traced.

    Inside a branch of `tf.cond` or the body of `tf.while_loop`, the block builds in the
    outermost graph, with no control dependencies and the current name scope, so a variable
    created there (an RNN cell's weights, made on first use inside `dynamic_rnn`'s loop) and its
    initializer live in the graph a session runs, once. Elsewhere it only clears the control
    dependencies.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default() as g:
        ...     with init_scope():
        ...         c = tf.constant(1.0)
        >>> c.graph is g
        True
    """
    graph = get_default_graph()
    outer = outermost_graph(graph)
    scope = graph.get_name_scope()
    with contextlib.ExitStack() as stack:
        if outer is not graph:
            stack.enter_context(outer.as_default())
            stack.enter_context(outer.name_scope(scope + "/" if scope else None))
        stack.enter_context(outer.control_dependencies(None))
        yield


def control_dependencies(control_inputs):
    """`tf.control_dependencies` on the default graph."""
    return get_default_graph().control_dependencies(control_inputs)


def add_to_collection(name: str, value) -> None:
    """`tf.add_to_collection`: appends `value` to collection `name` of the default graph.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     tf.add_to_collection("losses", 1.0)
        ...     print(tf.get_collection("losses"))
        [1.0]
    """
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    """`tf.add_to_collections`: appends `value` to each collection in `names` (once each).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     tf.add_to_collections(["a", "b"], 2)
        ...     print(tf.get_collection("a"), tf.get_collection("b"))
        [2] [2]
    """
    get_default_graph().add_to_collections(names, value)


def get_collection(key: str, scope: Optional[str] = None) -> list:
    """`tf.get_collection`: a copy of collection `key`, filtered to names under `scope` if given.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     w = tf.Variable(1.0, name="w")
        ...     print(tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES))
        [<tf.Variable 'w:0' shape=() dtype=float32_ref>]
    """
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    """`tf.get_collection_ref`: the collection list itself (created empty), to modify in place.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     tf.get_collection_ref("notes").append("hi")
        ...     print(tf.get_collection("notes"))
        ['hi']
    """
    return get_default_graph().get_collection_ref(key)


def device(device_name):
    """Accepted for TF1 compatibility (`with tf.device('/cpu:0'):`); does nothing."""
    return get_default_graph().device(device_name)
