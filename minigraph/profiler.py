"""Per-op timing the TF1 way: `RunOptions`, `RunMetadata`, a summary, and a Chrome trace.

    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    metadata = tf.RunMetadata()
    sess.run(train, feed_dict=..., options=options, run_metadata=metadata)
    print(metadata.summary())                        # the slowest ops, by op and by op type
    metadata.save_chrome_trace("trace.json")        # open in chrome://tracing or ui.perfetto.dev

As in TF1, the times land in `metadata.step_stats.dev_stats[0].node_stats`, one `NodeExecStats`
per executed op (`node_name`, `op_type`, `all_start_micros`, `all_end_rel_micros`), and TF1's
`timeline.Timeline(metadata.step_stats).generate_chrome_trace_format()` works too.

A traced run uses the plan's plain loop with a `StepWatch` around each step (see
`executor.Plan.run_instrumented`), never the generated code, so runs without options pay
nothing for the profiler. Folded constants and identity work removed at
plan time (see `minigraph.plan_folding`) do not run and so do not appear.

`RunOptions(check_numerics=True)` uses the same loop to check every floating output and raises
`InvalidArgumentError` naming the first op that produced a NaN or inf.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Optional

import numpy as np

from minigraph import errors


class RunOptions:
    """Options for one `Session.run` (TF1's `tf.RunOptions`).

    Args:
        trace_level: `RunOptions.NO_TRACE` (default) or `FULL_TRACE` (also SOFTWARE_TRACE,
            HARDWARE_TRACE, which mean the same here): time every op into `run_metadata`.
        timeout_in_ms: accepted for compatibility; ignored.
        check_numerics: check every floating-point output; the first op whose output holds NaN
            or inf raises `InvalidArgumentError` naming it (a minigraph extension).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     y = tf.constant([1.0, 2.0]) * tf.placeholder(tf.float32, [2], name="x")
        ...     options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        ...     metadata = tf.RunMetadata()
        ...     with tf.Session() as sess:
        ...         _ = sess.run(y, {"x:0": [3.0, 4.0]}, options=options, run_metadata=metadata)
        >>> [s.node_name for s in metadata.step_stats.dev_stats[0].node_stats]
        ['mul']
    """

    NO_TRACE = 0
    SOFTWARE_TRACE = 1
    HARDWARE_TRACE = 2
    FULL_TRACE = 3

    def __init__(self, trace_level: int = 0, timeout_in_ms: int = 0,
                 check_numerics: bool = False, **unused):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms
        self.check_numerics = check_numerics

    def __repr__(self) -> str:
        return (f"RunOptions(trace_level={self.trace_level}, "
                f"check_numerics={self.check_numerics})")


class NodeExecStats:
    """The timing of one op in one run, with TF1's field names (times in microseconds)."""

    def __init__(self, node_name: str, op_type: str, start_micros: int, duration_micros: int,
                 output_shapes: list):
        self.node_name = node_name
        self.op_type = op_type
        self.all_start_micros = start_micros
        self.op_start_rel_micros = 0
        self.op_end_rel_micros = duration_micros
        self.all_end_rel_micros = duration_micros
        self.timeline_label = f"{node_name} = {op_type}()"
        self.output_shapes = output_shapes

    def __repr__(self) -> str:
        return f"NodeExecStats({self.node_name!r}, {self.op_type}, {self.all_end_rel_micros} us)"


class DeviceStepStats:
    """The ops that ran on one device (minigraph has one: the CPU)."""

    def __init__(self, device: str = "/job:localhost/replica:0/task:0/device:CPU:0"):
        self.device = device
        self.node_stats = []


class StepStats:
    """TF1's `StepStats`: `dev_stats`, a list of `DeviceStepStats`."""

    def __init__(self):
        self.dev_stats = []


class RunMetadata:
    """Filled by `Session.run(..., options=RunOptions(FULL_TRACE), run_metadata=...)`.

    Several traced runs into one `RunMetadata` append to the same step stats (the trace shows
    them one after another).
    """

    def __init__(self):
        self.step_stats = StepStats()
        self.partition_graphs = []

    def _record(self, records: list) -> None:
        """Appends the executor's `(op, start, end, output shapes)` records (perf_counter s)."""
        if not self.step_stats.dev_stats:
            self.step_stats.dev_stats.append(DeviceStepStats())
        stats = self.step_stats.dev_stats[0].node_stats
        # perf_counter has no epoch: anchor it to wall-clock time once per run.
        offset = time.time() - time.perf_counter()
        for op, start, end, output_shapes in records:
            stats.append(NodeExecStats(
                op.name, op.type, int(round((start + offset) * 1e6)),
                max(int(round((end - start) * 1e6)), 0), output_shapes,
            ))

    def node_stats(self) -> list:
        return self.step_stats.dev_stats[0].node_stats if self.step_stats.dev_stats else []

    def summary(self, top: int = 10) -> str:
        """A text table of the slowest ops and op types, with their share of the total time.

        Example:
            >>> metadata = RunMetadata()
            >>> print(metadata.summary().splitlines()[0][:16])
            no traced steps:
        """
        return summarize(self.node_stats(), top)

    def chrome_trace(self) -> dict:
        """The trace in Chrome's trace event format (a dict; see `save_chrome_trace`)."""
        return chrome_trace(self.node_stats())

    def save_chrome_trace(self, path: str) -> None:
        """Writes the Chrome trace JSON to `path` (open it in chrome://tracing or Perfetto)."""
        with open(path, "w") as f:
            json.dump(self.chrome_trace(), f)


def summarize(node_stats: list, top: int = 10) -> str:
    """The `top` slowest ops and op types of `node_stats` as a text table."""
    if not node_stats:
        return ("no traced steps: pass options=tf.RunOptions(trace_level=tf.RunOptions."
                "FULL_TRACE) and run_metadata=tf.RunMetadata() to Session.run")
    by_op = defaultdict(lambda: [0, 0, ""])
    by_type = defaultdict(lambda: [0, 0])
    for s in node_stats:
        entry = by_op[s.node_name]
        entry[0] += s.all_end_rel_micros
        entry[1] += 1
        entry[2] = s.op_type
        by_type[s.op_type][0] += s.all_end_rel_micros
        by_type[s.op_type][1] += 1
    total = sum(v[0] for v in by_type.values()) or 1
    lines = [f"{len(node_stats)} op executions, {total / 1000:.3f} ms in kernels", "",
             f"{'slowest ops':<48} {'type':<22} {'calls':>6} {'ms':>9} {'%':>6}"]
    for name, (micros, calls, op_type) in sorted(by_op.items(), key=_by_time)[:top]:
        lines.append(f"{name[-48:]:<48} {op_type:<22} {calls:>6} {micros / 1000:>9.3f} "
                     f"{100.0 * micros / total:>6.1f}")
    lines += ["", f"{'slowest op types':<48} {'':<22} {'calls':>6} {'ms':>9} {'%':>6}"]
    for op_type, (micros, calls) in sorted(by_type.items(), key=_by_time)[:top]:
        lines.append(f"{op_type:<48} {'':<22} {calls:>6} {micros / 1000:>9.3f} "
                     f"{100.0 * micros / total:>6.1f}")
    return "\n".join(lines)


def _by_time(item) -> tuple:
    return (-item[1][0], item[0])


def chrome_trace(node_stats: list, pid: int = 0, tid: int = 0) -> dict:
    """Chrome trace-event JSON (`{"traceEvents": [...]}`), one complete ("X") event per op."""
    events = [
        {"name": "process_name", "ph": "M", "pid": pid, "tid": tid,
         "args": {"name": "minigraph /device:CPU:0"}},
    ]
    for s in node_stats:
        events.append({
            "name": s.op_type,
            "cat": "Op",
            "ph": "X",
            "ts": s.all_start_micros,
            "dur": s.all_end_rel_micros,
            "pid": pid,
            "tid": tid,
            "args": {"name": s.node_name, "op": s.op_type,
                     "output_shapes": [list(shape) for shape in s.output_shapes]},
        })
    return {"traceEvents": events, "displayTimeUnit": "ms"}


class Timeline:
    """TF1's `tensorflow.python.client.timeline.Timeline(step_stats)`.

    Example:
        >>> Timeline(RunMetadata().step_stats).generate_chrome_trace_format()[:16]
        '{"traceEvents": '
    """

    def __init__(self, step_stats: StepStats, graph=None):
        self._node_stats = step_stats.dev_stats[0].node_stats if step_stats.dev_stats else []

    def generate_chrome_trace_format(self, show_dataflow: bool = True,
                                     show_memory: bool = False) -> str:
        return json.dumps(chrome_trace(self._node_stats))


class StepWatch:
    """What an instrumented run does around each step of a plan (`Plan.run_instrumented`).

    Args:
        records: a list receiving one `(op, start_seconds, end_seconds, output shapes)` per
            step, in `time.perf_counter` seconds (see `RunMetadata._record`); None: no timing.
        check_numerics: the first step whose floating output holds NaN or inf raises
            InvalidArgumentError naming the op, its type, its input shapes and inputs.
    """

    def __init__(self, records: Optional[list] = None, check_numerics: bool = False):
        self.records = records
        self.check_numerics = check_numerics
        self._input_shapes = None
        self._fused_inputs = None
        self._start = 0.0

    def before(self, step, values: list) -> None:
        if self.check_numerics:  # now: the step frees its inputs after it runs
            self._input_shapes = [None if values[i] is None else np.shape(values[i])
                                  for i in step.inputs]
            # A fused step (plan_fusion) may write its outputs over its inputs: keep copies, to
            # name the member op that made a NaN.
            self._fused_inputs = None
            if getattr(step.kernel, "members", None) is not None:
                self._fused_inputs = [np.array(values[i], copy=True) for i in step.inputs]
        self._start = time.perf_counter()

    def after(self, step, result) -> None:
        end = time.perf_counter()
        n = len(step.outputs)
        outputs = (result,) if n == 1 else tuple(result) if n else ()
        if self.records is not None:
            self.records.append((step.op, self._start, end, [np.shape(v) for v in outputs]))
        if self.check_numerics:
            if self._fused_inputs is not None:
                if not all(_finite(value) for value in outputs):
                    _check_fused_members(step.kernel, self._fused_inputs)
            for index, value in enumerate(outputs):
                _check_finite(step.op, index, value, self._input_shapes)


def _finite(value) -> bool:
    array = np.asarray(value)
    return array.dtype.kind not in "fc" or bool(np.all(np.isfinite(array)))


def _check_fused_members(kernel, inputs: list) -> None:
    """Runs the members of a fused kernel one by one on `inputs`, checking each output."""
    env = dict(zip(kernel.inputs, inputs))
    for step in kernel.members:
        args = [env[slot] for slot in step.inputs]
        value = env[step.outputs[0]] = step.kernel(*args)
        _check_finite(step.op, 0, value, [np.shape(a) for a in args])


def _check_finite(op, index: int, value, input_shapes: list) -> None:
    if value is None:
        return
    array = np.asarray(value)
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        kind = "NaN" if np.any(np.isnan(array)) else "Inf"
        shapes = ", ".join("?" if s is None else str(list(s)) for s in input_shapes)
        raise errors.InvalidArgumentError(
            None,
            op,
            f"check_numerics: output {index} of op '{op.name}' (op: {op.type}) contains "
            f"{kind}; it is the first op of this run whose output is not finite (input "
            f"shapes: {shapes}; inputs: {[t.name for t in op.inputs]}).",
        )


def wants_instrumented_run(options: Optional[RunOptions]) -> bool:
    """Whether `options` ask for the instrumented run loop (tracing or numerics checks)."""
    return options is not None and (
        getattr(options, "trace_level", 0) > 0 or getattr(options, "check_numerics", False)
    )
