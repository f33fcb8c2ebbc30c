"""`Session`: runs parts of a graph and holds the values of its variables.

`sess.run(fetches, feed_dict)` accepts what TF1 accepts: a tensor, an operation (its result is
None), a name such as "w:0" or "init", or any nesting of lists, tuples, namedtuples and dicts of
those; the result has the same structure. Fed values are converted to the fed tensor's dtype
(float64 arrays into float32 placeholders, as TF does) and checked against its static shape.

Each distinct (fetches, fed tensors) pair is compiled once into a `Plan` (see `executor`) and
cached; later runs only convert the feeds and loop over the plan's steps. Ops are immutable once
created, so adding ops to the graph never invalidates a cached plan.
"""

from __future__ import annotations

import contextlib
import os
from typing import Optional

import numpy as np

from minigraph import dtypes, executor, plan_passes, profiler
from minigraph.graph import Graph, get_default_graph
from minigraph.tensor import Operation, Tensor, _session_stack, get_default_session


class OptimizerOptions:
    """Graph optimization options (TF1's `tf.OptimizerOptions`), inside `GraphOptions`.

    Args:
        opt_level: `OptimizerOptions.L1` (the default) runs every plan pass (constant folding,
            aliasing, in-place updates, generated code; see `minigraph.plan_passes`);
            `OptimizerOptions.L0` runs none: the plain executor, with the same results.

    TF1's other fields (`do_constant_folding`, `do_common_subexpression_elimination`,
    `global_jit_level`, ...) are accepted and ignored.

    Example:
        >>> import minigraph as tf
        >>> options = tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0)
        >>> options.opt_level == tf.OptimizerOptions.L0
        True
    """

    L1 = 0
    L0 = -1
    DEFAULT = 0
    OFF = -1
    ON_1 = 1
    ON_2 = 2

    def __init__(self, opt_level: int = L1, **ignored):
        self.opt_level = opt_level
        for name, value in ignored.items():
            setattr(self, name, value)


class GraphOptions:
    """Graph options (TF1's `tf.GraphOptions`): minigraph reads `optimizer_options`.

    Example:
        >>> import minigraph as tf
        >>> tf.GraphOptions().optimizer_options.opt_level
        0
    """

    def __init__(self, optimizer_options: Optional[OptimizerOptions] = None, **ignored):
        self.optimizer_options = optimizer_options or OptimizerOptions()
        for name, value in ignored.items():
            setattr(self, name, value)


class ConfigProto:
    """Session options (TF1's `tf.ConfigProto`); minigraph uses these fields:

    Args:
        intra_op_parallelism_threads: threads for one op's work, i.e. the BLAS threads numpy's
            matmuls use. 0 (the default) leaves BLAS as it is, unless the environment variable
            `MINIGRAPH_BLAS_THREADS` says otherwise; N > 0 sets N when the session is created.
            Like TF1's thread pools this is process-wide; it needs `threadpoolctl`.
        graph_options: a `GraphOptions`; with `optimizer_options=OptimizerOptions(
            opt_level=OptimizerOptions.L0)` plans run without any pass.
        plan_rewrites: False runs plans without any pass (a minigraph extension, the same as
            opt_level L0): no folding, aliasing, in-place updates or generated code; the plain
            executor, with bit-identical results.

    Other TF1 fields (`inter_op_parallelism_threads`, `allow_soft_placement`,
    `log_device_placement`, `gpu_options`, ...) are accepted and ignored.

    Example:
        >>> import minigraph as tf
        >>> config = tf.ConfigProto(intra_op_parallelism_threads=1)
        >>> config.intra_op_parallelism_threads
        1
    """

    def __init__(self, intra_op_parallelism_threads: int = 0,
                 graph_options: Optional[GraphOptions] = None, plan_rewrites: bool = True,
                 **ignored):
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.graph_options = graph_options or GraphOptions()
        self.plan_rewrites = plan_rewrites
        for name, value in ignored.items():
            setattr(self, name, value)


def _plan_passes(config) -> tuple:
    """The plan passes a session with `config` runs: all of them, unless switched off."""
    if config is None:
        return plan_passes.ALL
    graph_options = getattr(config, "graph_options", None)
    optimizer_options = getattr(graph_options, "optimizer_options", None)
    opt_level = getattr(optimizer_options, "opt_level", OptimizerOptions.L1)
    if not getattr(config, "plan_rewrites", True) or opt_level == OptimizerOptions.L0:
        return ()
    return plan_passes.ALL


def set_blas_threads(n: int) -> bool:
    """Limits the BLAS library under numpy to `n` threads, process-wide; False if impossible.

    NOTE: on a shared 2-core machine OpenBLAS's default (one thread per core) collapsed when
    another process held a core: a 784-512-512-10 batch-norm step went from ~13 to ~120 ms
    (see docs/performance.md). One thread degrades gracefully.

    Example:
        >>> set_blas_threads(1) in (True, False)
        True
    """
    try:
        import threadpoolctl
    except ImportError:
        return False
    threadpoolctl.threadpool_limits(limits=int(n), user_api="blas")
    return True


def _configure_blas(config) -> None:
    threads = getattr(config, "intra_op_parallelism_threads", 0) or 0
    if not threads:
        threads = int(os.environ.get("MINIGRAPH_BLAS_THREADS", "0") or 0)
    if threads > 0:
        set_blas_threads(threads)


class Session:
    """A TF1 session: `with tf.Session() as sess: sess.run(...)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3], name="x")
        ...     y = tf.reduce_sum(x * 2.0)
        ...     with tf.Session() as sess:
        ...         print(sess.run(y, feed_dict={x: [[1, 2, 3]]}))
        12.0
    """

    def __init__(self, target: str = "", graph: Optional[Graph] = None, config=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._closed = False
        self._state = executor.SessionState()
        self._plans = {}
        self._contexts = []
        self.config = config
        self._passes = _plan_passes(config)
        _configure_blas(config)

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def sess_str(self) -> str:
        return ""

    # ------------------------------------------------------------ run
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Computes `fetches` (nested structures allowed), feeding `feed_dict`.

        Returns:
            The fetched values in the structure of `fetches`: numpy arrays (numpy scalars for
            0-d tensors), and None for operations.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        leaves = []
        structure = self._flatten(fetches, leaves)
        feed_tensors, feed_values = self._convert_feeds(feed_dict)
        key = (tuple(map(id, leaves)), tuple(map(id, feed_tensors)))
        plan = self._plans.get(key)
        if plan is None:
            tensors = [x for x in leaves if isinstance(x, Tensor)]
            ops = [x for x in leaves if isinstance(x, Operation)]
            plan = executor.compile_plan(tensors, ops, feed_tensors, self._state,
                                         passes=self._passes)
            self._plans[key] = plan
        if options is not None and profiler.wants_instrumented_run(options):
            records = [] if options.trace_level > 0 and run_metadata is not None else None
            watch = profiler.StepWatch(records, options.check_numerics)
            results = plan.run_instrumented(feed_values, watch)
            if records is not None:
                run_metadata._record(records)
        else:
            results = plan.run(feed_values)
        if structure.__class__ is Operation:  # the common `sess.run(train_op)`
            return None
        results = iter(results)  # ready for the user (see executor.fetch_value)
        values = {id(leaf): next(results) for leaf in leaves if isinstance(leaf, Tensor)}
        return _rebuild(structure, values)

    def _element(self, fetch):
        if isinstance(fetch, (Tensor, Operation)):
            element = fetch
        elif isinstance(fetch, str) or hasattr(fetch, "_as_graph_element"):
            try:
                element = self._graph.as_graph_element(fetch)
            except (KeyError, ValueError) as e:
                raise ValueError(f"Fetch argument {fetch!r} cannot be interpreted: {e}") from None
        else:
            raise TypeError(
                f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string, "
                "Tensor or Operation (or a list, tuple, dict or namedtuple of them)."
            )
        if element.graph is not self._graph:
            raise ValueError(
                f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({element!r} is "
                "not an element of this graph: it was built in another graph than the one "
                "this session runs.)"
            )
        return element

    def _flatten(self, fetches, leaves: list):
        """Collects the leaf fetches in order; returns a description of the structure."""
        kind = fetches.__class__
        if kind is Tensor or kind is Operation:  # the common case, without the checks below
            graph = fetches.op.graph if kind is Tensor else fetches.graph
            if graph is self._graph:
                leaves.append(fetches)
                return fetches
        if isinstance(fetches, dict):
            return (type(fetches), [(k, self._flatten(v, leaves)) for k, v in fetches.items()])
        if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
            return (type(fetches), [self._flatten(v, leaves) for v in fetches])
        if isinstance(fetches, (list, tuple)):
            return (type(fetches), [self._flatten(v, leaves) for v in fetches])
        element = self._element(fetches)
        leaves.append(element)
        return element

    def _convert_feeds(self, feed_dict):
        if not feed_dict:
            return [], []
        tensors, values = [], []
        for key, value in feed_dict.items():
            if key.__class__ is Tensor and key.op.graph is self._graph:
                tensor = key  # the common case, without the checks of _feed_key
            else:
                tensor = self._feed_key(key)
            tensors.append(tensor)
            values.append(_convert_feed_value(tensor, value))
        return tensors, values

    def _feed_key(self, key) -> Tensor:
        if isinstance(key, Tensor):
            tensor = key
        elif isinstance(key, str) or hasattr(key, "_as_graph_element"):
            try:
                tensor = self._graph.as_graph_element(key)
            except (KeyError, ValueError) as e:  # TF1: a TypeError naming what is wrong
                message = e.args[0] if e.args else str(e)
                raise TypeError(f"Cannot interpret feed_dict key as Tensor: {message}") from None
        else:
            raise TypeError(f"Cannot interpret feed_dict key {key!r} as a Tensor.")
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Cannot feed {tensor!r}: only tensors can be fed, not operations.")
        if tensor.graph is not self._graph:
            raise ValueError(
                f"Cannot feed {tensor!r}: it belongs to another graph than this session's."
            )
        return tensor

    # ------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Frees the session's variable values; using it afterwards raises RuntimeError."""
        self._closed = True
        self._state = None
        self._plans = {}

    def as_default(self):
        """A context in which `Tensor.eval()` and `Operation.run()` use this session."""
        return _default_session(self)

    def __enter__(self) -> "Session":
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        session_context = _default_session(self)
        graph_context = self._graph.as_default()
        session_context.__enter__()
        graph_context.__enter__()
        self._contexts.append((session_context, graph_context))
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        session_context, graph_context = self._contexts.pop()
        graph_context.__exit__(exc_type, exc_value, traceback)
        session_context.__exit__(exc_type, exc_value, traceback)
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<minigraph.Session ({state}) on {self._graph!r}>"


class InteractiveSession(Session):
    """A session that makes itself the default on creation, for notebooks and shells.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     sess = tf.InteractiveSession()
        ...     print(tf.constant(3.0).eval())
        ...     sess.close()
        3.0
    """

    def __init__(self, target: str = "", graph: Optional[Graph] = None, config=None):
        super().__init__(target, graph, config)
        self._default_context = _default_session(self)
        self._default_context.__enter__()
        self._graph_context = self._graph.as_default()
        self._graph_context.__enter__()

    def close(self) -> None:
        if not self._closed and self._default_context is not None:
            self._graph_context.__exit__(None, None, None)
            self._default_context.__exit__(None, None, None)
            self._default_context = None
        super().close()


@contextlib.contextmanager
def _default_session(session: Session):
    _session_stack().append(session)
    try:
        yield session
    finally:
        stack = _session_stack()
        if session in stack:
            stack.reverse()
            stack.remove(session)
            stack.reverse()


def _convert_feed_value(tensor: Tensor, value) -> np.ndarray:
    if isinstance(value, Tensor):
        raise TypeError(
            f"The value of a feed cannot be a tf.Tensor object ({value!r} fed to {tensor.name}). "
            "Acceptable feed values include Python scalars, strings, lists and numpy ndarrays; "
            "run the tensor first and feed its value."
        )
    dtype = tensor.dtype
    try:
        if dtype == dtypes.string:
            array = dtypes.as_bytes_array(value)
        else:
            array = np.asarray(value, dtype=dtype.np)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"Cannot feed value {_short(value)} for Tensor {tensor.name} of dtype "
            f"{dtype.name}: {e}"
        ) from None
    if not _shape_matches(tensor.shape.as_tuple(), array.shape):
        raise ValueError(
            f"Cannot feed value of shape {array.shape} for Tensor {tensor.name}, which has "
            f"shape {tensor.shape}"
        )
    return array


def _shape_matches(static, shape: tuple) -> bool:
    """Whether an array of `shape` fits static dims `static` (None: unknown rank or dim)."""
    if static is None:
        return True
    if len(static) != len(shape):
        return False
    for want, have in zip(static, shape):
        if want is not None and want != have:
            return False
    return True


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _rebuild(structure, values: dict):
    if isinstance(structure, tuple) and len(structure) == 2 and isinstance(structure[0], type):
        kind, items = structure
        if issubclass(kind, dict):
            return kind((k, _rebuild(v, values)) for k, v in items)
        rebuilt = [_rebuild(v, values) for v in items]
        if issubclass(kind, tuple) and hasattr(kind, "_fields"):
            return kind(*rebuilt)
        return kind(rebuilt)
    if isinstance(structure, Operation):
        return None
    return values[id(structure)]


__all__ = [
    "ConfigProto", "GraphOptions", "OptimizerOptions", "Session", "InteractiveSession",
    "get_default_session",
]
