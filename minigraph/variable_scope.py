"""`tf.get_variable` and `tf.variable_scope`: variables named, shared and reused by scope.

`tf.get_variable(name, shape, initializer=...)` creates a variable named by the enclosing
*variable* scopes ("layer1/W"), or, when the scope allows reuse, returns the one already made
under that name. Variable names depend on variable scopes only, never on `tf.name_scope`; a
`tf.variable_scope` also opens a name scope for the ops built inside it (`layer1/MatMul`, then
`layer1_1/MatMul` when re-entered for reuse).

Each graph keeps its variables-by-name, its current variable scope and a count of the scopes
opened, in a store created lazily as an attribute of the graph (`graph._variable_store`), so
the graph module knows nothing about variables. The `Variable` class itself, the collections
and the initializer ops are in `variables.py`.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import inspect
import os
import traceback
from typing import Optional

from minigraph import dtypes, init_ops, shapes
from minigraph.graph import GraphKeys, get_default_graph, graph_of, init_scope, outermost_graph
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.variables import Variable


class _ReuseMode(enum.Enum):
    """`tf.AUTO_REUSE`: create the variable if it does not exist, else return it."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """A variable scope: the name prefix of `get_variable`, its reuse mode and its defaults
    (initializer, regularizer, dtype). Made by `tf.variable_scope`, never directly.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     with tf.variable_scope("layer1") as scope:
        ...         w = tf.get_variable("W", [2, 3])
        ...         scope.reuse_variables()
        ...         print(tf.get_variable("W") is w, scope.name)
        True layer1
    """

    def __init__(self, reuse, name: str = "", initializer=None, regularizer=None,
                 dtype=dtypes.float32, original_name_scope: str = ""):
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._dtype = dtypes.as_dtype(dtype)
        self._original_name_scope = original_name_scope

    @property
    def name(self) -> str:
        """The scope's full name ("" at the top, "a/b" inside)."""
        return self._name

    @property
    def original_name_scope(self) -> str:
        """The name scope opened with this variable scope the first time ("a/"), re-entered
        as-is when the scope object is passed to `tf.variable_scope` again."""
        return self._original_name_scope

    @property
    def reuse(self):
        """False/None (create only), True (reuse only) or `tf.AUTO_REUSE`."""
        return self._reuse

    @property
    def initializer(self):
        """The default initializer of `get_variable` in this scope, or None."""
        return self._initializer

    @property
    def regularizer(self):
        """The default regularizer of `get_variable` in this scope, or None."""
        return self._regularizer

    @property
    def dtype(self) -> dtypes.DType:
        """The default dtype of `get_variable` in this scope."""
        return self._dtype

    def reuse_variables(self) -> None:
        """From now on `get_variable` in this scope returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer) -> None:
        """Sets the default initializer of `get_variable` in this scope."""
        self._initializer = initializer

    def set_regularizer(self, regularizer) -> None:
        """Sets the default regularizer of `get_variable` in this scope."""
        self._regularizer = regularizer

    def set_dtype(self, dtype) -> None:
        """Sets the default dtype of `get_variable` in this scope."""
        self._dtype = dtypes.as_dtype(dtype)

    def get_collection(self, name: str) -> list:
        """Collection `name` filtered to the items under this scope."""
        scope = self._name + "/" if self._name else None
        return get_default_graph().get_collection(name, scope)

    def global_variables(self) -> list:
        """The global variables created under this scope."""
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self) -> list:
        """The trainable variables created under this scope."""
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def __repr__(self) -> str:
        return f"<tf.VariableScope '{self._name}' reuse={self._reuse}>"


class _VariableStore:
    """Per-graph bookkeeping of `get_variable` and `variable_scope`."""

    def __init__(self):
        self.variables = {}  # full name -> Variable made by get_variable
        self.sites = {}  # full name -> "file:line" of the user code that made it
        self.scope_counts = {}  # full variable-scope name -> times opened
        self.current = VariableScope(False)

    def open_scope(self, name: str) -> None:
        """Counts one more opening of the variable scope `name`."""
        self.scope_counts[name] = self.scope_counts.get(name, 0) + 1

    def close_subscopes(self, name: str) -> None:
        """Forgets the sub-scopes opened under `name`, so re-entering `name` numbers its
        default-named sub-scopes ("dense", "dense_1") from the start again, as TF1 does."""
        prefix = name + "/" if name else ""
        for key in self.scope_counts:
            if key.startswith(prefix):
                self.scope_counts[key] = 0


def _variable_store(graph) -> _VariableStore:
    store = getattr(graph, "_variable_store", None)
    if store is None:
        store = _VariableStore()
        graph._variable_store = store
    return store


def get_variable_scope() -> VariableScope:
    """The current variable scope of the default graph (the root scope has name "").

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     with tf.variable_scope("a"):
        ...         with tf.variable_scope("b"):
        ...             print(tf.get_variable_scope().name)
        a/b
    """
    return _variable_store(get_default_graph()).current


def _user_site() -> str:
    """The innermost stack frame outside minigraph: where the user asked for a variable."""
    package_dir = os.path.dirname(os.path.abspath(__file__))
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(package_dir):
            return f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}'
    return "  (unknown)"


def _default_initializer(full_name: str, dtype: dtypes.DType):
    if dtype.is_floating:
        return init_ops.GlorotUniform()
    if dtype.is_integer or dtype.is_bool:
        return init_ops.Zeros()
    raise ValueError(
        f"An initializer for variable {full_name} of {dtype.name} is required: pass "
        "initializer= (e.g. tf.constant_initializer(...) or a value)."
    )


def get_variable(name: str, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable: Optional[bool] = None, collections=None, caching_device=None,
                 partitioner=None, validate_shape: bool = True, use_resource=None,
                 custom_getter=None, constraint=None, synchronization=None, aggregation=None):
    """Creates the variable `<scope>/<name>`, or returns it when the variable scope reuses.

    In a scope without reuse the name must be new ("Variable layer1/W already exists,
    disallowed..." otherwise); with `reuse=True` it must exist ("...does not exist..."); with
    `tf.AUTO_REUSE` either is fine. Variable names depend on variable scopes only, never on
    `tf.name_scope`.

    Args:
        name: the name inside the current variable scope.
        shape: the shape of a new variable (fully defined), or, when reusing, a shape it must
            be compatible with. Leave it out when `initializer` is a value.
        dtype: default: the scope's dtype (float32).
        initializer: an initializer (`tf.zeros_initializer()`, a class such as
            `tf.zeros_initializer`, or any `fn(shape, dtype=..., partition_info=...)`), or a
            tensor/array/number giving the initial value (and the shape). Default: the scope's
            initializer, else `glorot_uniform_initializer` for floats and zeros for integers.
        regularizer: `fn(variable) -> loss tensor`; the loss joins
            `tf.GraphKeys.REGULARIZATION_LOSSES`.
        trainable: add to `tf.trainable_variables()` (default True).
        collections: collections to add the variable to (default `[GLOBAL_VARIABLES]`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     init = tf.contrib.layers.xavier_initializer(seed=1)
        ...     W1 = tf.get_variable("W1", [25, 12288], initializer=init)
        ...     b1 = tf.get_variable("b1", [25, 1], initializer=tf.zeros_initializer())
        ...     print(W1, b1)
        <tf.Variable 'W1:0' shape=(25, 12288) dtype=float32_ref> \
<tf.Variable 'b1:0' shape=(25, 1) dtype=float32_ref>
    """
    if partitioner is not None:
        raise NotImplementedError("Partitioned variables are not supported by minigraph.")
    if custom_getter is not None:
        raise NotImplementedError("custom_getter is not supported by minigraph.")
    graph = get_default_graph()
    store = _variable_store(graph)
    scope = store.current
    full_name = f"{scope.name}/{name}" if scope.name else name
    explicit_dtype = None if dtype is None else dtypes.as_dtype(dtype)
    dtype = explicit_dtype or scope.dtype
    if initializer is None:
        initializer = scope.initializer
    if regularizer is None:
        regularizer = scope.regularizer
    from_value = initializer is not None and not callable(initializer)
    if from_value and shape is not None:
        raise ValueError(
            f"If initializer is a constant, do not specify shape (variable {full_name}: its "
            "shape is the value's)."
        )

    if full_name in store.variables:
        return _reuse_variable(store, scope, full_name, shape, explicit_dtype)
    if scope.reuse is True:
        raise ValueError(
            f"Variable {full_name} does not exist, or was not created with tf.get_variable(). "
            "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )

    initial_value, var_dtype = _initial_value(full_name, initializer, shape, dtype, explicit_dtype)
    variable = _new_variable(graph, full_name, initial_value, var_dtype, trainable,
                             collections, validate_shape, regularizer)
    store.variables[full_name] = variable
    store.sites[full_name] = _user_site()
    return variable


def _new_variable(graph, full_name: str, initial_value, var_dtype, trainable, collections,
                  validate_shape, regularizer) -> Variable:
    """The new variable of `get_variable`, with its regularization loss recorded."""
    # NOTE: a variable's name depends on the variable scope only: the name scope is reset to the
    # top while it is made (so `tf.name_scope("x")` around get_variable changes nothing). Inside
    # a cond branch or a loop body it is made in the outermost graph, regularizer included.
    with contextlib.ExitStack() as outside:
        if graph.building_function:
            outside.enter_context(init_scope())
            graph = outermost_graph(graph)
        outside.enter_context(graph.name_scope(None))
        variable = Variable(
            initial_value=initial_value, trainable=trainable, collections=collections,
            validate_shape=validate_shape, name=full_name, dtype=var_dtype,
        )
        if regularizer is not None:
            with graph.name_scope(variable.op.name + "/Regularizer/"):
                loss = regularizer(variable)
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return variable


def _initial_value(full_name: str, initializer, shape, dtype, explicit_dtype) -> tuple:
    """(initial value for `Variable`, its dtype or None to take the value's) of a new variable:
    the initializer's value itself when it is one, else a call of the initializer (the
    default one for `dtype` when None) with the fully defined `shape`."""
    if initializer is not None and not callable(initializer):
        if explicit_dtype is not None and not isinstance(initializer, Tensor):
            return convert_to_tensor(initializer, dtype=explicit_dtype), None
        return initializer, None
    shape = None if shape is None else shapes.as_shape(shape)
    if shape is None or not shape.is_fully_defined():
        raise ValueError(
            f"Shape of a new variable ({full_name}) must be fully defined, but instead was "
            f"{'<unknown>' if shape is None else shape}. Pass shape=[...] with every "
            "dimension known (e.g. tf.get_variable(name, shape=[784, 10])), or an initial "
            "value as the initializer (initializer=tf.zeros([784, 10]), no shape)."
        )
    if initializer is None:
        initializer = _default_initializer(full_name, dtype)
    if inspect.isclass(initializer):
        initializer = initializer()
    return functools.partial(initializer, shape.as_list(), dtype=dtype, partition_info=None), dtype


def _first_set(value, inherited):
    """`value` unless it is None, else the `inherited` default."""
    return value if value is not None else inherited


def _reuse_variable(store, scope, full_name, shape, explicit_dtype):
    found = store.variables[full_name]
    if not scope.reuse:
        raise ValueError(
            f"Variable {full_name} already exists, disallowed. Did you mean to set reuse=True "
            f"or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n"
            f"{store.sites[full_name]}"
        )
    if shape is not None and not shapes.as_shape(shape).is_compatible_with(found.shape):
        raise ValueError(
            f"Trying to share variable {full_name}, but specified shape "
            f"{shapes.as_shape(shape)} and found shape {found.shape}."
        )
    if explicit_dtype is not None and explicit_dtype != found.dtype:
        raise ValueError(
            f"Trying to share variable {full_name}, but specified dtype {explicit_dtype.name} "
            f"and found dtype {found.dtype.name}."
        )
    return found


class variable_scope:  # noqa: N801 - TF1's name
    """A context manager for `get_variable`'s names and reuse: TF1's `tf.variable_scope`.

    Entering `"a"` makes variables `a/...` and opens the name scope `a/` for ops (a new
    `a_1/` the next time, while variables stay `a/...`). Passing a `VariableScope` object
    re-enters that scope exactly. `default_name` is used, made unique ("dense", "dense_1"),
    when `name_or_scope` is None. `reuse`: None inherits the parent's, True reuses (and is
    inherited by sub-scopes), `tf.AUTO_REUSE` creates or reuses.

    Example:
        >>> import minigraph as tf
        >>> def layer(x):
        ...     w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
        ...     return tf.matmul(x, w)
        >>> with tf.Graph().as_default():
        ...     x = tf.ones([1, 3])
        ...     with tf.variable_scope("layer1"):
        ...         y1 = layer(x)
        ...     with tf.variable_scope("layer1", reuse=True):
        ...         y2 = layer(x)
        ...     print(len(tf.global_variables()), y1.name, y2.name)
        1 layer1/MatMul:0 layer1_1/MatMul:0
    """

    def __init__(self, name_or_scope, default_name: Optional[str] = None, values=None,
                 initializer=None, regularizer=None, caching_device=None, partitioner=None,
                 custom_getter=None, reuse=None, dtype=None, use_resource=None,
                 constraint=None, auxiliary_name_scope: bool = True):
        if name_or_scope is None and default_name is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError(
                f"VariableScope: name_or_scope must be a string or VariableScope, got "
                f"{name_or_scope!r}."
            )
        if reuse not in (None, False, True, AUTO_REUSE):
            raise ValueError(f"reuse must be True, False, None or tf.AUTO_REUSE, got {reuse!r}")
        if partitioner is not None or custom_getter is not None:
            raise NotImplementedError("partitioner and custom_getter are not supported.")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = None if reuse is False else reuse
        self._dtype = dtype
        self._auxiliary_name_scope = auxiliary_name_scope
        self._name_scope_cm = None

    def __enter__(self) -> VariableScope:
        graph = graph_of(self._values or [])
        store = _variable_store(graph)
        old = store.current
        given = self._name_or_scope
        if given is None and self._reuse is True:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        new_name, base, name_scope = self._names(store, old)
        original_name_scope = self._open_name_scope(graph, name_scope)
        reuse = self._reuse or old.reuse
        if isinstance(given, VariableScope) and not reuse:
            reuse = given.reuse
        new_scope = VariableScope(
            reuse,
            name=new_name,
            initializer=_first_set(self._initializer, base.initializer),
            regularizer=_first_set(self._regularizer, base.regularizer),
            dtype=_first_set(self._dtype, base.dtype),
            original_name_scope=original_name_scope,
        )
        self._store, self._old, self._new_name = store, old, new_name
        store.open_scope(new_name)
        self._saved_counts = dict(store.scope_counts) if isinstance(given, VariableScope) else None
        store.current = new_scope
        return new_scope

    def _names(self, store, old: VariableScope) -> tuple:
        """(full name of the new variable scope, the scope it inherits defaults from, the name
        scope to open): a VariableScope object is re-entered exactly; a name (or the unique
        default name) goes inside the current variable scope."""
        given = self._name_or_scope
        if isinstance(given, VariableScope):
            return given.name, given, given.original_name_scope
        relative = given if given is not None else self._unique_name(store, old)
        new_name = f"{old.name}/{relative}" if old.name else relative
        return new_name, old, given if given is not None else self._default_name

    def _open_name_scope(self, graph, name_scope: Optional[str]) -> str:
        """Opens the name scope that goes with the variable scope (unless
        `auxiliary_name_scope=False`) and returns it, with its trailing "/"."""
        if self._auxiliary_name_scope:
            self._name_scope_cm = graph.name_scope(name_scope or None)
            return self._name_scope_cm.__enter__()
        current = graph.get_name_scope()
        return current + "/" if current else ""

    def _unique_name(self, store, old) -> str:
        """`default_name`, or `default_name_1`, ... if the scope was opened here before."""
        prefix = self._default_name
        full = f"{old.name}/{prefix}" if old.name else prefix
        if store.scope_counts.get(full, 0) == 0:
            return prefix
        i = 1
        while store.scope_counts.get(f"{full}_{i}", 0) > 0:
            i += 1
        return f"{prefix}_{i}"

    def __exit__(self, exc_type, exc_value, tb):
        store = self._store
        if self._saved_counts is not None:
            store.scope_counts = self._saved_counts
        else:
            store.close_subscopes(self._new_name)
        store.current = self._old
        if self._name_scope_cm is not None:
            self._name_scope_cm.__exit__(exc_type, exc_value, tb)
            self._name_scope_cm = None
        return False
