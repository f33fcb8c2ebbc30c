"""`Session`: runs parts of a graph and holds the values of its variables.

`sess.run(fetches, feed_dict)` accepts what TF1 accepts: a tensor, an operation (its result is
None), a name such as "w:0" or "init", or any nesting of lists, tuples, namedtuples and dicts of
those; the result has the same structure. Fed values are converted to the fed tensor's dtype
(float64 arrays into float32 placeholders, as TF does) and checked against its static shape.

Each distinct (fetches, fed tensors) pair is compiled once into a `Plan` (see `executor`) and
cached; later runs only convert the feeds and loop over the plan's steps. The cache is keyed by
the sets of fetched and fed tensors, so the same fetches and feeds in another order or nesting
reuse a plan, and it keeps the `ConfigProto(plan_cache_size=...)` most recently run plans (256
by default). Ops are immutable once created, so adding ops to the graph never invalidates a
cached plan. Fetches and feeds are taken apart and put together without recursion: nesting
thousands of levels deep works.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import operator
import os
import reprlib
import weakref
from collections.abc import Mapping
from typing import Optional

import numpy as np

from minigraph import allocator, dtypes, errors, executor, plan_passes, plan_shapes, profiler
from minigraph._optional import is_installed, require
from minigraph.graph import Graph, get_default_graph
from minigraph.proto_message import OPAQUE, Enum, ProtoMessage
from minigraph.tensor import Operation, Tensor, _session_stack, get_default_session


class OptimizerOptions(ProtoMessage):
    """Graph optimization options (TF1's `tf.OptimizerOptions`), inside `GraphOptions`.

    Args:
        opt_level: `OptimizerOptions.L1` (the default) runs every plan pass (constant folding,
            aliasing, in-place updates, generated code; see `minigraph.plan_passes`);
            `OptimizerOptions.L0` runs none: the plain executor, with the same results.

    TF1's other fields (`do_constant_folding`, `do_common_subexpression_elimination`,
    `global_jit_level`, ...) are accepted and ignored. Fields are checked as TF1's protocol
    buffers check them (see `minigraph.proto_message`): an unknown name is a ValueError, a
    value of the wrong type a TypeError.

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

    FIELDS = {
        "do_common_subexpression_elimination": "bool",
        "do_constant_folding": "bool",
        "max_folded_constant_in_bytes": "int64",
        "do_function_inlining": "bool",
        "opt_level": Enum(L1=0, L0=-1),
        "global_jit_level": Enum(DEFAULT=0, OFF=-1, ON_1=1, ON_2=2),
        "cpu_global_jit": "bool",
    }


class GraphOptions(ProtoMessage):
    """Graph options (TF1's `tf.GraphOptions`): minigraph reads `optimizer_options`.

    Example:
        >>> import minigraph as tf
        >>> tf.GraphOptions().optimizer_options.opt_level
        0
    """

    FIELDS = {
        "enable_recv_scheduling": "bool",
        "optimizer_options": OptimizerOptions,
        "build_cost_model": "int64",
        "build_cost_model_after": "int64",
        "infer_shapes": "bool",
        "place_pruned_graph": "bool",
        "enable_bfloat16_sendrecv": "bool",
        "timeline_step": "int32",
        "rewrite_options": OPAQUE,
    }


class GPUOptions(ProtoMessage):
    """GPU options (TF1's `tf.GPUOptions`): accepted, checked and ignored (minigraph runs on the
    CPU), so `tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True))` runs unchanged.

    Example:
        >>> GPUOptions(per_process_gpu_memory_fraction=0.5).allow_growth
        False
    """

    FIELDS = {
        "per_process_gpu_memory_fraction": "double",
        "allow_growth": "bool",
        "allocator_type": "string",
        "deferred_deletion_bytes": "int64",
        "visible_device_list": "string",
        "polling_active_delay_usecs": "int32",
        "polling_inactive_delay_msecs": "int32",
        "force_gpu_compatible": "bool",
        "experimental": OPAQUE,
    }


# The plans a session keeps when its ConfigProto does not say (see `ConfigProto`).
DEFAULT_PLAN_CACHE_SIZE = 256


class ConfigProto(ProtoMessage):
    """Session options (TF1's `tf.ConfigProto`); minigraph uses these fields:

    Args:
        intra_op_parallelism_threads: threads for one op's work, i.e. the BLAS threads numpy's
            matmuls use. N > 0 sets N when the session is created; 0 (the default) means the
            system picks: `default_blas_threads()`, one thread unless configured otherwise.
            Like TF1's thread pools this is process-wide; it needs `threadpoolctl`.
        graph_options: a `GraphOptions`; with `optimizer_options=OptimizerOptions(
            opt_level=OptimizerOptions.L0)` plans run without any pass.
        plan_rewrites: False runs plans without any pass (a minigraph extension, the same as
            opt_level L0): no folding, aliasing, in-place updates or generated code; the plain
            executor, with bit-identical results.
        plan_cache_size: how many compiled plans the session keeps (a minigraph extension;
            0 means the default, `DEFAULT_PLAN_CACHE_SIZE` = 256). Each distinct set of
            fetches and fed tensors is compiled once into a plan; when more distinct sets have
            been run than this, the least recently run plan is dropped (and compiled again if
            it is run again).

    Other TF1 fields (`inter_op_parallelism_threads`, `allow_soft_placement`,
    `log_device_placement`, `gpu_options`, `device_count`, ...) are accepted and ignored. Every
    field is checked as TF1's protocol buffers check them (see `minigraph.proto_message`): an
    unknown name is a ValueError naming the closest field, a value of the wrong type a
    TypeError naming the field and the type it takes.

    Example:
        >>> import minigraph as tf
        >>> config = tf.ConfigProto(intra_op_parallelism_threads=1)
        >>> config.intra_op_parallelism_threads
        1
        >>> config.gpu_options.allow_growth = True
    """

    FIELDS = {
        "device_count": "map",
        "intra_op_parallelism_threads": "int32",
        "inter_op_parallelism_threads": "int32",
        "use_per_session_threads": "bool",
        "session_inter_op_thread_pool": "repeated",
        "placement_period": "int32",
        "device_filters": "repeated",
        "gpu_options": GPUOptions,
        "pluggable_device_options": GPUOptions,
        "allow_soft_placement": "bool",
        "log_device_placement": "bool",
        "graph_options": GraphOptions,
        "operation_timeout_in_ms": "int64",
        "rpc_options": OPAQUE,
        "cluster_def": OPAQUE,
        "isolate_session_state": "bool",
        "share_cluster_devices_in_session": "bool",
        "experimental": OPAQUE,
        # minigraph's own fields
        "plan_rewrites": "bool",
        "plan_cache_size": "int32",
    }
    DEFAULTS = {"plan_rewrites": True}


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
    if not is_installed("threadpoolctl"):
        return False
    threadpoolctl = require("threadpoolctl")
    threadpoolctl.threadpool_limits(limits=int(n), user_api="blas")
    return True


BLAS_ENVIRONMENT = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_blas_threads() -> int:
    """The BLAS threads a session sets when its config leaves it open: 1, or 0 (leave BLAS as it
    is) when the user chose already, with `MINIGRAPH_BLAS_THREADS` (N > 0 sets N, 0 leaves BLAS
    alone) or one of BLAS's own variables (`OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`,
    `MKL_NUM_THREADS`).

    NOTE: one thread, chosen from measurements on a shared 2-core machine (docs/performance.md,
    "BLAS threads on a shared machine"): while other processes held the cores, OpenBLAS's
    default of a thread per core made training steps many times slower (its threads spin
    waiting for each other), and one thread did not.

    Example:
        >>> default_blas_threads() >= 0
        True
    """
    chosen = os.environ.get("MINIGRAPH_BLAS_THREADS", "").strip()
    if chosen:
        return max(int(chosen), 0)
    if any(os.environ.get(name, "").strip() for name in BLAS_ENVIRONMENT):
        return 0
    return 1


def _configure_blas(config) -> None:
    threads = getattr(config, "intra_op_parallelism_threads", 0) or 0
    if not threads:
        threads = default_blas_threads()
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
        _check_session_arguments(target, graph, config)
        self._graph = graph if graph is not None else get_default_graph()
        self._closed = False
        self._passes = _plan_passes(config)
        self._state = executor.SessionState(self._passes)
        self._plans = PlanCache(_plan_cache_size(config))
        self._signatures = {}  # `_signature_key` -> `_Signature`, for runs seen before
        self._contexts = []
        self.config = config
        _configure_blas(config)
        allocator.configure()

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
        key = None
        if options is None and run_metadata is None:
            key = _signature_key(fetches, feed_dict)
            if key is not None:
                signature = self._signatures.get(key)
                if signature is not None:
                    entry = self._plans.get(signature.plan_key)
                    if entry is not None and entry[0] is signature.plan() and not self._closed:
                        return self._run_signature(signature, entry[0], feed_dict)
        return self._run(fetches, feed_dict, options, run_metadata, key)

    def _run_signature(self, signature: "_Signature", plan, feed_dict):
        """A run of a signature seen before: convert the feeds, run the plan, repack."""
        if feed_dict:
            feed_values = [convert(value) for convert, value
                           in zip(signature.converters, feed_dict.values())]
            if signature.order is not None:  # the plan takes its feeds in another order
                feed_values = [feed_values[i] for i in signature.order]
            if plan.shape_variants is not None:
                plan = self._shape_variant(plan, feed_values)
        else:
            feed_values = []
        return signature.finish(self._guarded(plan.run, feed_values))

    def _run(self, fetches, feed_dict, options, run_metadata, key):
        """A run in general: take the fetches and feeds apart, find or compile the plan, and
        remember the signature `key` (when not None) for the next run like this one."""
        state = self._state
        if self._closed or state is None:
            raise RuntimeError("Attempted to use a closed Session.")
        leaves = []
        structure = self._flatten(fetches, leaves)
        feed_tensors, feed_values = self._convert_feeds(feed_dict)
        plans_key = plan_key(leaves, feed_tensors)
        entry = self._plans.get(plans_key)
        if entry is None:
            entry = self._compile(leaves, feed_tensors, state)
            self._plans.put(plans_key, entry)
        plan, feed_ids, fetch_ids = entry
        if len(feed_tensors) > 1 and feed_ids != tuple(map(id, feed_tensors)):
            feed_values = _in_order(feed_ids, feed_tensors, feed_values)  # another dict order
        if key is not None:
            self._remember(key, structure, feed_dict, feed_tensors, plans_key, entry)
        if options is not None or run_metadata is not None:
            _check_run_options(options, run_metadata)
        results = self._run_plan(plan, feed_values, options, run_metadata)
        if structure.__class__ is Operation:  # the common `sess.run(train_op)`
            return None
        values = dict(zip(fetch_ids, results))  # ready for the user (see executor.fetch_value)
        return _rebuild(structure, values)

    def _run_plan(self, plan, feed_values: list, options, run_metadata) -> list:
        """The fetched values of a run of `plan` (or its plan for these feed shapes), with
        timings or checks if `options` ask; CancelledError if the session closed meanwhile."""
        def run():
            chosen = plan
            if chosen.shape_variants is not None and feed_values:
                chosen = self._shape_variant(chosen, feed_values)
            if options is not None and profiler.wants_instrumented_run(options):
                return _run_instrumented(chosen, feed_values, options, run_metadata)
            return chosen.run(feed_values)

        return self._guarded(run)

    def _guarded(self, run, *args):
        """`run(*args)`, raising CancelledError if the session closed meanwhile (from another
        thread, or a kernel) or the failure came from the close."""
        try:
            results = run(*args)
        except Exception as e:
            if self._closed:  # the failure may come from the close; the close is the news
                raise _cancelled_error() from e
            raise
        if self._closed:
            raise _cancelled_error()
        return results

    def _shape_variant(self, plan, feed_values: list):
        """The plan made for feeds of the shapes of `feed_values` from `plan`, made for feeds of
        any shape (see `plan_shapes`): compiled when first needed, for the first
        `plan_shapes.MAX_SHAPE_VARIANTS` shapes; `plan` itself for the others, and where the
        shapes decide nothing more."""
        variants = plan.shape_variants
        key = tuple([value.shape for value in feed_values])
        variant = variants.get(key)
        if variant is None:
            if len(variants) >= plan_shapes.MAX_SHAPE_VARIANTS:
                return plan
            state = self._state
            if state is None:  # closed meanwhile: the run says so
                return plan
            variant = executor.compile_plan(variants.fetches, variants.targets, variants.feeds,
                                            state, passes=self._passes, feed_shapes=key)
            if len(variant.steps) == len(plan.steps):
                variant = plan
            variants[key] = variant
        return variant

    def _remember(self, key, structure, feed_dict, feed_tensors, plans_key, entry) -> None:
        """Keeps what runs of signature `key` need that does not depend on the fed values."""
        signatures = self._signatures
        if len(signatures) >= 4 * self._plans.size:  # (plans dropped from the cache are gone)
            signatures.clear()
        n_feeds = len(feed_dict) if feed_dict else 0
        if n_feeds != len(feed_tensors) or any(k.__class__ is tuple for k in feed_dict or ()):
            return  # a key given twice (by tensor and by name), or a tuple of keys
        signatures[key] = _Signature(structure, feed_tensors, plans_key, entry)

    def _compile(self, leaves: list, feed_tensors: list, state) -> tuple:
        """The cache entry for `leaves` fed `feed_tensors`: (plan, feed ids, fetch ids).

        The plan fetches each tensor once, and takes the feeds in the order given here; a run
        with the same fetches and feeds in another order reorders its feed values to match
        (`_in_order`) and finds its results by tensor.
        """
        tensors = list({id(x): x for x in leaves if isinstance(x, Tensor)}.values())
        ops = list({id(x): x for x in leaves if isinstance(x, Operation)}.values())
        plan = executor.compile_plan(tensors, ops, feed_tensors, state, passes=self._passes)
        if plan.shape_variants is not None:  # plans for each shape of the feeds pay off
            plan.shape_variants = _ShapeVariants(tensors, ops, feed_tensors)
        return plan, tuple(map(id, feed_tensors)), tuple(map(id, tensors))

    def make_callable(self, fetches, feed_list=None, accept_options: bool = False):
        """A function running `fetches` on its arguments, fed to `feed_list` in order (TF1).

        Args:
            fetches: what `run` takes.
            feed_list: the tensors (or their names) the arguments are fed to, or None.
            accept_options: the function also takes `options` and `run_metadata` keywords.

        Example:
            >>> import minigraph as tf
            >>> with tf.Graph().as_default(), tf.Session() as sess:
            ...     x = tf.placeholder(tf.float32, [], name="x")
            ...     double = sess.make_callable(x * 2.0, [x])
            ...     print(double(3.0), double(4.0))
            6.0 8.0
        """
        feeds = [self._feed_key(key) for key in (feed_list or [])]

        def run_callable(*feed_values, **kwargs):
            if len(feed_values) != len(feeds):
                raise TypeError(f"The callable takes {len(feeds)} feed value(s), one for each "
                                f"tensor of feed_list, but got {len(feed_values)}.")
            if kwargs and (not accept_options or set(kwargs) - {"options", "run_metadata"}):
                raise TypeError(f"Unexpected keyword arguments {sorted(kwargs)}: the callable "
                                "takes options and run_metadata only when made with "
                                "accept_options=True.")
            return self.run(fetches, dict(zip(feeds, feed_values)), **kwargs)

        return run_callable

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
        """Collects the leaf fetches in order; returns a description of the structure: the
        fetch itself when it is one tensor or operation, else a `_Structure` (see there)."""
        kind = fetches.__class__
        if kind is Tensor or kind is Operation:  # the common case, without the checks below
            graph = fetches.op.graph if kind is Tensor else fetches.graph
            if graph is self._graph:
                leaves.append(fetches)
                return fetches
        if not isinstance(fetches, (dict, list, tuple)):
            element = self._element(fetches)
            leaves.append(element)
            return element
        if kind is list or kind is tuple:  # `[train_op, cost]`: a flat list, made quickly
            graph = self._graph
            for item in fetches:
                item_kind = item.__class__
                if not ((item_kind is Tensor and item.op.graph is graph)
                        or (item_kind is Operation and item.graph is graph)):
                    break
            else:
                leaves.extend(fetches)
                return _Structure.flat(kind, fetches)
        return _Structure(fetches, leaves, self._element)

    def _convert_feeds(self, feed_dict):
        if feed_dict.__class__ is not dict and not isinstance(feed_dict, Mapping):
            _check_feed_dict(feed_dict)
        if not feed_dict:
            return [], []
        tensors, values = [], []
        for key, value in feed_dict.items():
            if key.__class__ is Tensor and key.op.graph is self._graph:
                tensor = key  # the common case, without the checks of _feed_key
            elif isinstance(key, tuple):  # (a, b): (value_a, value_b), nested as deep as wanted
                for inner_key, inner_value in _flatten_feed(key, value):
                    tensor = self._feed_key(inner_key)
                    tensors.append(tensor)
                    values.append(_convert_feed_value(tensor, inner_value))
                continue
            else:
                tensor = self._feed_key(key)
            tensors.append(tensor)
            values.append(_convert_feed_value(tensor, value))
        if len(tensors) > 1 and len(set(map(id, tensors))) < len(tensors):
            last = {id(t): (t, v) for t, v in zip(tensors, values)}  # as TF1: the last feed wins
            tensors = [t for t, _ in last.values()]
            values = [v for _, v in last.values()]
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

    def list_devices(self) -> list:
        """The devices this session runs on: minigraph's one CPU device, as TF1 lists it.

        Returns:
            A list of one `_DeviceAttributes` with TF1's fields: `name`
            (`/job:localhost/replica:0/task:0/device:CPU:0`), `device_type` ("CPU"),
            `memory_limit_bytes` (TF's CPU default, 268435456) and `incarnation` (a random
            64-bit number fixed for the process).

        Example:
            >>> import minigraph as tf
            >>> with tf.Session() as sess:
            ...     print([(d.name, d.device_type) for d in sess.list_devices()])
            [('/job:localhost/replica:0/task:0/device:CPU:0', 'CPU')]
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        return [_DeviceAttributes(_CPU_DEVICE, "CPU", _CPU_MEMORY_LIMIT, _incarnation())]

    # ------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Frees the session's variable values and plans.

        A run in progress (in another thread) raises `CancelledError` when it ends, and its
        results are discarded; close does not wait for it. Later runs raise RuntimeError.
        """
        self._closed = True
        if self._state is not None:
            self._state.closed = True  # a running while loop stops at its next iteration
        self._state = None
        self._plans.clear()
        self._signatures.clear()

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


_CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"
_CPU_MEMORY_LIMIT = 268435456  # TF's default for its CPU device: 256 MiB
_device_incarnation = []


def _incarnation() -> int:
    """A random signed 64-bit number, drawn once per process (TF draws one per device)."""
    if not _device_incarnation:
        import random

        _device_incarnation.append(random.SystemRandom().getrandbits(64) - (1 << 63))
    return _device_incarnation[0]


class _DeviceAttributes:
    """One device of `Session.list_devices()`, with TF1's read-only fields and repr."""

    __slots__ = ("_name", "_device_type", "_memory_limit_bytes", "_incarnation")

    def __init__(self, name: str, device_type: str, memory_limit_bytes: int, incarnation: int):
        self._name = name
        self._device_type = device_type
        self._memory_limit_bytes = memory_limit_bytes
        self._incarnation = incarnation

    name = property(lambda self: self._name)
    device_type = property(lambda self: self._device_type)
    memory_limit_bytes = property(lambda self: self._memory_limit_bytes)
    incarnation = property(lambda self: self._incarnation)

    def __repr__(self) -> str:
        return (f"_DeviceAttributes({self._name}, {self._device_type}, "
                f"{self._memory_limit_bytes}, {self._incarnation})")


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


def plan_key(leaves: list, feed_tensors: list) -> tuple:
    """The plan cache's key for fetching `leaves` with `feed_tensors` fed: the same set of
    fetches and feeds, in any order and nesting, finds the same plan.

    (A set of one is its id, the common case made cheap; larger sets are frozensets of ids.)
    """
    return (id(leaves[0]) if len(leaves) == 1 else frozenset(map(id, leaves)),
            id(feed_tensors[0]) if len(feed_tensors) == 1 else frozenset(map(id, feed_tensors)))


class _ShapeVariants(dict):
    """A plan's plans for feeds of one shape each (feed shapes -> plan), and what they are
    compiled from: the fetched tensors, the target ops and the fed tensors."""

    __slots__ = ("fetches", "targets", "feeds")

    def __init__(self, fetches: list, targets: list, feeds: list):
        super().__init__()
        self.fetches, self.targets, self.feeds = fetches, targets, feeds


def _signature_key(fetches, feed_dict):
    """The key of a run's signature: what it fetches (the leaves and the containers' types)
    and the keys of its feed_dict, in order; None for fetches nested deeper than one list,
    tuple or dict of tensors, operations and names, or a feed_dict that is not a dict.

    Two runs with equal keys take their fetches and feeds apart the same way, so the second
    reuses what the first worked out (`_Signature`). Tensors and operations compare by
    identity; the containers' types are part of the key, so a namedtuple and a plain tuple of
    the same tensors differ.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [], name="x")
        ...     y = x * 2.0
        >>> _signature_key([y, "x:0"], {x: 1.0}) == _signature_key([y, "x:0"], {x: 2.0})
        True
        >>> _signature_key([[y]], None) is None
        True
    """
    if feed_dict:
        if feed_dict.__class__ is not dict:
            return None
        feed_key = tuple(feed_dict)
    elif feed_dict is None or feed_dict.__class__ is dict:
        feed_key = ()
    else:
        return None
    kind = fetches.__class__
    if kind is Tensor or kind is Operation or kind is str:
        return fetches, feed_key
    fetch_key = _container_key(fetches)
    return None if fetch_key is None else (kind, fetch_key, feed_key)


def _container_key(fetches):
    """The fetch part of `_signature_key` for a list, tuple or dict of leaves (`_is_leaf`), or
    a variable; None for anything else."""
    kind = fetches.__class__
    if kind is list or kind is tuple:
        return tuple(fetches) if all(map(_is_leaf, fetches)) else None
    if kind is dict:
        if all(name.__class__ is str and _is_leaf(item) for name, item in fetches.items()):
            return tuple(fetches.items())
        return None
    return fetches if isinstance(fetches, (Tensor, Operation)) else None  # (a Variable)


def _is_leaf(item) -> bool:
    """Whether `item` is a fetch of its own: a tensor (a variable too), an operation, a name."""
    kind = item.__class__
    return kind is Tensor or kind is Operation or kind is str or isinstance(item, (Tensor,
                                                                                   Operation))


class _Signature:
    """What every run of one signature (see `_signature_key`) shares: the plan (by its cache
    key, and weakly, so a plan dropped from the cache is freed), a converter per feed in the
    feed_dict's order, the order the plan takes the feeds in, and how the plan's results become
    the value `run` returns (`finish`)."""

    __slots__ = ("plan_key", "plan", "converters", "order", "finish")

    def __init__(self, structure, feed_tensors: list, plan_key, entry: tuple):
        plan, feed_ids, fetch_ids = entry
        self.plan_key = plan_key
        self.plan = weakref.ref(plan)
        self.converters = [_FeedConverter(t) for t in feed_tensors]
        order = [list(map(id, feed_tensors)).index(i) for i in feed_ids]
        self.order = None if order == list(range(len(order))) else order
        self.finish = _finisher(structure, fetch_ids)


def _finisher(structure, fetch_ids: tuple):
    """The function making a plan's results (one per fetched tensor, `fetch_ids` their ids) the
    value `run` returns for fetches of `structure` (see `Session._flatten`)."""
    if structure.__class__ is not _Structure:
        if isinstance(structure, Operation):
            return _none
        return operator.itemgetter(0)
    if not structure.is_flat:
        return functools.partial(_rebuild_results, structure, fetch_ids)
    kind = structure.nodes[0][0]
    index = {i: k for k, i in enumerate(fetch_ids)}
    positions = [None if node.__class__ is Operation else index[id(node)]
                 for node in structure.nodes[1:]]
    if kind is list and positions == list(range(len(fetch_ids))):
        return _same_list  # `[a, b]`, the plan's own list of results
    if kind is list and positions == [None] + list(range(len(fetch_ids))):
        return _none_first  # `[train_op, a, b]`
    return functools.partial(_picked, kind, positions)


def _none(results):
    return None


def _same_list(results: list) -> list:
    return results


def _none_first(results: list) -> list:
    results.insert(0, None)
    return results


def _picked(kind: type, positions: list, results: list):
    return kind([None if i is None else results[i] for i in positions])


def _rebuild_results(structure, fetch_ids: tuple, results: list):
    return _rebuild(structure, dict(zip(fetch_ids, results)))


class _FeedConverter:
    """Converts the values fed to one tensor: the common cases (an array of the tensor's dtype,
    of a numeric dtype into a floating tensor, a Python float) with one cast and a shape check
    worked out beforehand; anything else, and anything that does not fit, by
    `_convert_feed_value`, with its checks and errors.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 1], name="x")
        >>> convert = _FeedConverter(x)
        >>> convert(np.array([[1.0], [2.0]])).dtype
        dtype('float32')
        >>> convert(np.zeros([2]))
        Traceback (most recent call last):
        ...
        ValueError: Cannot feed value of shape (2,) for Tensor x:0, which has shape (?, 1)
    """

    __slots__ = ("tensor", "static", "dims", "rank", "known", "dtype", "floating")

    def __init__(self, tensor: Tensor):
        self.tensor = tensor
        self.static = tensor._shape
        self.dims = self.static.as_tuple()
        self.rank = None if self.dims is None else len(self.dims)
        # (the one known dim of [None, n] or [n, None], the common case, or all of them)
        known = [] if self.dims is None else [(i, d) for i, d in enumerate(self.dims)
                                              if d is not None]
        self.known = known[0] if len(known) == 1 else None
        numeric = tensor.dtype != dtypes.string
        self.dtype = tensor.dtype.np if numeric else None
        self.floating = numeric and tensor.dtype.is_floating

    def __call__(self, value):
        if self.tensor._shape is not self.static:  # narrowed by set_shape since
            self.__init__(self.tensor)
        kind = value.__class__
        if kind is np.ndarray:
            dtype = value.dtype
            if dtype is self.dtype:
                if self._fits(value.shape):
                    return value
            elif self.floating and dtype.kind in "biuf" and self._fits(value.shape):
                return value.astype(self.dtype)  # as np.asarray(value, dtype) casts
        elif kind is float and self.floating and (self.dims == () or self.dims is None):
            return np.asarray(value, self.dtype)
        return _convert_feed_value(self.tensor, value)

    def _fits(self, shape: tuple) -> bool:
        """Whether an array of `shape` fits the tensor's static shape."""
        if shape == self.dims or self.dims is None:
            return True
        if len(shape) != self.rank:
            return False
        known = self.known
        if known is None:
            return _shape_matches(self.dims, shape)
        return shape[known[0]] == known[1]


def _in_order(feed_ids: tuple, feed_tensors: list, feed_values: list) -> list:
    """`feed_values` (of `feed_tensors`) in the order of the tensors with ids `feed_ids`."""
    by_id = dict(zip(map(id, feed_tensors), feed_values))
    return [by_id[i] for i in feed_ids]


class PlanCache:
    """A session's compiled plans, by `plan_key`; past `size` the least recently run goes.

    Each entry is `(plan, feed ids, fetch ids)` (see `Session._compile`). Runs from several
    threads share the cache without a lock: each OrderedDict operation is atomic, and the two
    races left (an entry dropped between a lookup and its move to the end; two threads
    compiling the same plan) cost at most a compilation.

    Example:
        >>> cache = PlanCache(2)
        >>> for key in "abc":
        ...     cache.put(key, (key.upper(), (), ()))
        >>> sorted(cache.values())
        ['B', 'C']
    """

    def __init__(self, size: int):
        self.size = size
        self._entries = collections.OrderedDict()

    def get(self, key):
        """The entry under `key` (now the most recently used), or None."""
        entry = self._entries.get(key)
        if entry is not None:
            try:
                self._entries.move_to_end(key)
            except KeyError:  # dropped by another thread meanwhile: the entry is still good
                pass
        return entry

    def put(self, key, entry) -> None:
        """Stores `entry` under `key`, dropping the least recently used entries beyond `size`."""
        entries = self._entries
        entries[key] = entry
        while len(entries) > self.size:
            try:
                entries.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                break

    def find(self, fetches: list, feed_tensors=()):
        """The plan cached for these leaf `fetches` and fed tensors, or None (for tests)."""
        entry = self._entries.get(plan_key(list(fetches), list(feed_tensors)))
        return None if entry is None else entry[0]

    def values(self) -> list:
        """The cached plans, least recently used first."""
        return [entry[0] for entry in list(self._entries.values())]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _plan_cache_size(config) -> int:
    size = getattr(config, "plan_cache_size", 0) or DEFAULT_PLAN_CACHE_SIZE
    if size < 0:
        raise ValueError(f"ConfigProto.plan_cache_size must be 0 (the default, "
                         f"{DEFAULT_PLAN_CACHE_SIZE}) or more, not {size}.")
    return size


def _check_session_arguments(target, graph, config) -> None:
    """TF1's TypeErrors for a `Session(target, graph, config)` of the wrong types."""
    if not isinstance(target, (str, bytes)):
        hint = (' Did you do "Session(config)" instead of "Session(config=config)"?'
                if isinstance(target, ConfigProto) else "")
        raise TypeError(f"target must be a string, but got {type(target)}.{hint}")
    if graph is not None and not isinstance(graph, Graph):
        raise TypeError(f"graph must be a tf.Graph, but got {type(graph)}: pass the graph "
                        "the session runs (or none, for the default graph).")
    if config is not None and not isinstance(config, ConfigProto):
        raise TypeError(f"config must be a tf.ConfigProto, but got {type(config)}: build one "
                        "with tf.ConfigProto(field=value, ...).")


def _flatten_feed(key: tuple, value) -> list:
    """The (tensor key, value) pairs of a feed_dict entry whose key is a tuple of keys (nested
    as deep as wanted), its value a sequence of as many values (TF1's `flatten_dict_items`)."""
    pairs = []
    stack = [(key, value)]
    while stack:
        key, value = stack.pop()
        if not isinstance(key, tuple):
            pairs.append((key, value))
            continue
        if not isinstance(value, (list, tuple)) or len(value) != len(key):
            size = len(value) if isinstance(value, (list, tuple)) else 1
            raise ValueError(
                f"Could not flatten dictionary. Key had {len(key)} elements, but value had "
                f"{size} elements. Key: {_short(key, 200)}, value: {_short(value)}. A tuple of "
                "tensors as a feed_dict key takes a tuple or list of as many values."
            )
        stack.extend(reversed(list(zip(key, value))))
    return pairs


def _check_feed_dict(feed_dict) -> None:
    """A feed_dict that is not a mapping: fine if it is None or empty (as TF1), else TF1's
    TypeError, saying what to write instead."""
    if feed_dict is None or (isinstance(feed_dict, (list, tuple)) and not feed_dict):
        return
    hint = ""
    if isinstance(feed_dict, (list, tuple)):
        hint = " For a list of (tensor, value) pairs, pass dict(pairs)."
    raise TypeError(
        f"feed_dict must be a dictionary (or another Mapping) from tensors to values, "
        f"not a {type(feed_dict).__name__}: write feed_dict={{x: value, ...}}.{hint}"
    )


def _check_run_options(options, run_metadata) -> None:
    """TypeErrors for `options`/`run_metadata` of `Session.run` that are not TF1's classes."""
    if options is not None and not isinstance(options, profiler.RunOptions):
        raise TypeError(f"options must be a tf.RunOptions, but got {type(options)}: for "
                        "example options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE).")
    if run_metadata is not None and not isinstance(run_metadata, profiler.RunMetadata):
        raise TypeError(f"run_metadata must be a tf.RunMetadata, but got {type(run_metadata)}: "
                        "pass run_metadata=tf.RunMetadata() and read it after the run.")


def _cancelled_error() -> errors.CancelledError:
    return errors.CancelledError(
        None, None,
        "Run call was cancelled: the session was closed (Session.close(), from another thread "
        "or from inside the run) while this run was in progress, and its results are "
        "discarded. Close a session only once its runs are over, or create a new Session.",
    )


def _run_instrumented(plan, feed_values, options, run_metadata) -> list:
    """A run with timings (into `run_metadata`) or NaN checks, as `options` ask."""
    records = [] if options.trace_level > 0 and run_metadata is not None else None
    watch = profiler.StepWatch(records, options.check_numerics)
    results = plan.run_instrumented(feed_values, watch)
    if records is not None:
        run_metadata._record(records)
    return results


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
            array = dtypes.as_numeric_array(value, dtype)
    except (TypeError, ValueError) as e:  # numpy's ValueError for a ragged list stays one
        kind = TypeError if isinstance(e, TypeError) else ValueError
        raise kind(
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


_REPR = reprlib.Repr()
_REPR.maxother = 100  # (a tensor's repr whole)


def _short(value, limit: int = 60) -> str:
    """A short repr of `value`, however large or deeply nested (reprlib stops at 6 levels)."""
    text = _REPR.repr(value)
    return text if len(text) < limit else text[:limit - 3] + "..."


class _Structure:
    """The shape of nested fetches, taken apart and put together again without recursion.

    `nodes` lists the fetch structure in pre-order (each container before its contents, left
    to right): a container is a `(type, keys, size, default_factory)` tuple (`keys` are a dict's
    keys, or None; `default_factory` a defaultdict's), a leaf is its tensor or operation. The
    leaves, in the same order, go to `leaves`.
    """

    __slots__ = ("nodes", "is_flat")

    @classmethod
    def flat(cls, kind: type, items) -> "_Structure":
        """The structure of a list or tuple of tensors and operations (no nesting)."""
        structure = cls.__new__(cls)
        structure.nodes = [(kind, None, len(items), None), *items]
        structure.is_flat = True
        return structure

    def __init__(self, fetches, leaves: list, element):
        self.is_flat = False
        nodes = []
        on_path = set()  # the containers holding the item being looked at: a cycle check
        stack = [fetches]
        while stack:
            item = stack.pop()
            if item.__class__ is _Exit:
                on_path.discard(item.container)
                continue
            if isinstance(item, (dict, list, tuple)):
                if id(item) in on_path:
                    raise ValueError(
                        f"Fetch argument {_short(fetches)} contains itself (a list, tuple or "
                        "dict inside itself): fetches must be a tree of tensors and operations."
                    )
                on_path.add(id(item))
                stack.append(_Exit(id(item)))
                children = list(item.values()) if isinstance(item, dict) else list(item)
                keys = list(item.keys()) if isinstance(item, dict) else None
                factory = getattr(item, "default_factory", None)
                nodes.append((type(item), keys, len(children), factory))
                children.reverse()
                stack.extend(children)
            else:
                leaf = element(item)
                nodes.append(leaf)
                leaves.append(leaf)
        self.nodes = nodes


class _Exit:
    """A marker on `_Structure`'s stack: the container `container` (an id) is done."""

    __slots__ = ("container",)

    def __init__(self, container: int):
        self.container = container


def _rebuild(structure, values: dict):
    """The fetched `values` (by tensor id) in the shape `structure` describes (see `_flatten`)."""
    if structure.__class__ is not _Structure:
        return None if isinstance(structure, Operation) else values[id(structure)]
    if structure.is_flat:
        nodes = structure.nodes
        return nodes[0][0]([None if node.__class__ is Operation else values[id(node)]
                            for node in nodes[1:]])
    built = []  # the values made so far; a container takes its contents from the end
    for node in reversed(structure.nodes):
        if node.__class__ is tuple:
            kind, keys, size, factory = node
            contents = built[len(built) - size:][::-1] if size else []
            del built[len(built) - size:]
            built.append(_container(kind, keys, factory, contents))
        elif isinstance(node, Operation):
            built.append(None)
        else:
            built.append(values[id(node)])
    return built[0]


def _container(kind: type, keys, factory, contents: list):
    """A fetched container of type `kind` holding `contents` (under `keys`, for a dict)."""
    if keys is not None:
        if issubclass(kind, collections.defaultdict):
            made = kind(factory)
            made.update(zip(keys, contents))
            return made
        return kind(zip(keys, contents))
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return kind(*contents)
    return kind(contents)


__all__ = [
    "ConfigProto", "GraphOptions", "OptimizerOptions", "Session", "InteractiveSession",
    "get_default_session",
]
