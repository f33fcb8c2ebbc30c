"""`tf.summary.FileWriter`: summaries, graphs and run metadata into event files for TensorBoard.

An event file is a sequence of records, each a serialized `Event` protobuf (a wall time, a step,
and one of: a `Summary`, a `GraphDef`, a `MetaGraphDef`, tagged `RunMetadata`, a session log).
minigraph writes it with the `tensorboard` package's own protos and its `RecordWriter` (which
frames each record with its length and masked CRC-32C checksums), so the files are exactly what
TensorBoard reads. The file is named `events.out.tfevents.<time>.<host>.<pid>.<n>` in `logdir`,
and starts with the `file_version: "brain.Event:2"` event.

Events are written to the file as they are added; the file is flushed every `max_queue` events,
when `flush_secs` seconds have passed since the last flush (checked when an event is added),
and on `flush()` and `close()`. TF1's writer flushes from a background thread instead; this one
starts no thread, so call `close()` (or use it as a context manager) when done.

    writer = tf.summary.FileWriter("logs/run1", sess.graph)
    for step in range(100):
        summary, _ = sess.run([merged, train], feed_dict=...)
        writer.add_summary(summary, step)
    writer.close()

then `tensorboard --logdir logs` shows the scalars, histograms, images and the graph.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Optional

from minigraph import attr_value, protos
from minigraph.graph import Graph, get_default_graph

_FEATURE = "tf.summary.FileWriter"


def _pb(module: str):
    return protos.load(module, _FEATURE)


class _EventFile:
    """One open event file: records written by tensorboard's RecordWriter, flushed on demand."""

    _uid = 0
    _uid_lock = threading.Lock()

    def __init__(self, logdir: str, filename_suffix: str):
        record_writer = protos.load_tensorboard("summary.writer.record_writer", _FEATURE)
        os.makedirs(logdir, exist_ok=True)
        with _EventFile._uid_lock:
            uid = _EventFile._uid
            _EventFile._uid += 1
        name = "events.out.tfevents.%010d.%s.%s.%s%s" % (
            time.time(), socket.gethostname(), os.getpid(), uid, filename_suffix,
        )
        self.path = os.path.join(logdir, name)
        self._file = open(self.path, "wb")
        self._records = record_writer.RecordWriter(self._file)

    def write(self, event) -> None:
        self._records.write(event.SerializeToString())

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class FileWriter:
    """Writes summaries and graphs to an event file in `logdir` (TF1's `tf.summary.FileWriter`).

    Args:
        logdir: the directory of the event file (created if missing). TensorBoard shows each
            sub-directory of its `--logdir` as one run.
        graph: a graph to write at once (`sess.graph`), shown in TensorBoard's Graphs tab.
        max_queue: flush the file after this many events.
        flush_secs: flush when this many seconds have passed since the last flush.
        graph_def: a `GraphDef` to write instead of `graph` (deprecated in TF1).
        filename_suffix: appended to the event file's name.
        session: accepted for TF1 compatibility; unused.

    Example:
        >>> import tempfile
        >>> import minigraph as tf
        >>> logdir = tempfile.mkdtemp()
        >>> with tf.Graph().as_default() as g:
        ...     loss = tf.summary.scalar("loss", tf.constant(0.5))
        ...     with tf.Session() as sess, tf.summary.FileWriter(logdir, g) as writer:
        ...         writer.add_summary(sess.run(loss), global_step=1)
        >>> from tensorboard.backend.event_processing import event_accumulator
        >>> events = event_accumulator.EventAccumulator(logdir)
        >>> [(e.step, e.value) for e in events.Reload().Scalars("loss")]
        [(1, 0.5)]
    """

    def __init__(self, logdir, graph=None, max_queue: int = 10, flush_secs: float = 120,
                 graph_def=None, filename_suffix: Optional[str] = None, session=None):
        protos.require(_FEATURE)
        self._logdir = str(logdir)
        self._max_queue = max(int(max_queue), 1)
        self._flush_secs = float(flush_secs)
        self._filename_suffix = filename_suffix or ""
        self._seen_summary_tags = set()
        self._session_run_tags = set()
        self._lock = threading.RLock()
        self._file = None
        self._closed = True
        self.reopen()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)
            if isinstance(graph, Graph):
                from minigraph import meta_graph

                self.add_meta_graph(meta_graph.create_meta_graph_def(graph=graph))

    # ------------------------------------------------------------ the file
    def get_logdir(self) -> str:
        """The directory the event file is in."""
        return self._logdir

    @property
    def event_file_path(self) -> str:
        """The path of the current event file (a minigraph extension)."""
        return self._file.path

    def reopen(self) -> None:
        """Opens a new event file in the same directory after `close()` (no-op if open)."""
        with self._lock:
            if not self._closed:
                return
            self._file = _EventFile(self._logdir, self._filename_suffix)
            self._closed = False
            self._pending = 0
            self._last_flush = time.time()
            self._write(_pb("event_pb2").Event(wall_time=time.time(),
                                               file_version="brain.Event:2"))
            self.flush()

    def add_event(self, event) -> None:
        """Writes an `Event` protobuf as it is (dropped silently after `close()`, as TF1)."""
        with self._lock:
            if self._closed:
                return
            self._write(event)
            if (self._pending >= self._max_queue
                    or time.time() - self._last_flush >= self._flush_secs):
                self.flush()

    def _write(self, event) -> None:
        self._file.write(event)
        self._pending += 1

    def flush(self) -> None:
        """Writes everything added so far to disk."""
        with self._lock:
            if self._closed:
                return
            self._file.flush()
            self._pending = 0
            self._last_flush = time.time()

    def close(self) -> None:
        """Flushes and closes the event file; `reopen()` starts a new one."""
        with self._lock:
            if self._closed:
                return
            self.flush()
            self._file.close()
            self._closed = True

    def __enter__(self) -> "FileWriter":
        return self

    def __exit__(self, exc_type, exc_value, tb) -> None:
        self.close()

    def _add_event(self, event, global_step) -> None:
        event.wall_time = time.time()
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    # ------------------------------------------------------------ what is written
    def add_summary(self, summary, global_step=None) -> None:
        """Writes a summary: the bytes `sess.run(summary_op)` returned, or a `Summary` proto.

        As in TF1, a value's plugin metadata is written only the first time its tag is seen.
        """
        pb = _pb("summary_pb2")
        if isinstance(summary, bytes):
            summary = pb.Summary.FromString(summary)
        elif not isinstance(summary, pb.Summary):
            raise TypeError(
                f"add_summary takes the bytes of a summary op's value or a tf.Summary proto, "
                f"got {type(summary).__name__}."
            )
        else:
            summary = pb.Summary.FromString(summary.SerializeToString())
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self._add_event(_pb("event_pb2").Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None) -> None:
        """Writes a `SessionLog` protobuf (e.g. START, which TensorBoard uses on restarts)."""
        self._add_event(_pb("event_pb2").Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Writes a graph (a `Graph`, with its output shapes, or a `GraphDef`) for TensorBoard.

        Example:
            >>> import tempfile
            >>> import minigraph as tf
            >>> with tf.Graph().as_default() as g:
            ...     _ = tf.constant(1.0) * 2.0
            >>> with tf.summary.FileWriter(tempfile.mkdtemp()) as writer:
            ...     writer.add_graph(g)
        """
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        given = graph if graph is not None else graph_def
        graph_pb2 = _pb("graph_pb2")
        if isinstance(given, Graph):
            true_graph_def = given.as_graph_def(add_shapes=True)
        elif isinstance(given, graph_pb2.GraphDef):
            true_graph_def = given
        else:
            raise TypeError(
                "The passed graph must be an instance of `Graph` or the deprecated `GraphDef`, "
                f"got {type(given).__name__} (pass sess.graph or tf.get_default_graph())."
            )
        event = _pb("event_pb2").Event(graph_def=true_graph_def.SerializeToString())
        self._add_event(event, global_step)

    def add_meta_graph(self, meta_graph_def, global_step=None) -> None:
        """Writes a `MetaGraphDef` (TensorBoard shows its graph if no GraphDef was written)."""
        if not isinstance(meta_graph_def, _pb("meta_graph_pb2").MetaGraphDef):
            raise TypeError(
                f"meta_graph_def must be type MetaGraphDef, saw type: {type(meta_graph_def)}"
            )
        event = _pb("event_pb2").Event(meta_graph_def=meta_graph_def.SerializeToString())
        self._add_event(event, global_step)

    def add_run_metadata(self, run_metadata, tag: str, global_step=None) -> None:
        """Writes the per-op times of a traced run, shown by TensorBoard's graph view.

        Args:
            run_metadata: the `tf.RunMetadata` a `sess.run(..., options=tf.RunOptions(
                trace_level=tf.RunOptions.FULL_TRACE), run_metadata=...)` filled, or a
                TensorFlow `RunMetadata` protobuf.
            tag: the name of this run in TensorBoard's "Session runs" menu (once per writer).
            global_step: the training step.
        """
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags.add(tag)
        proto = run_metadata_proto(run_metadata)
        event_pb2 = _pb("event_pb2")
        tagged = event_pb2.TaggedRunMetadata(tag=tag, run_metadata=proto.SerializeToString())
        self._add_event(event_pb2.Event(tagged_run_metadata=tagged), global_step)


def run_metadata_proto(run_metadata):
    """A TensorFlow `RunMetadata` protobuf of minigraph's `tf.RunMetadata` (a proto is returned
    as it is): one `NodeExecStats` per executed op, with its start, duration and output shapes.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     y = tf.placeholder(tf.float32, name="x") * 3.0
        ...     metadata = tf.RunMetadata()
        ...     options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        ...     _ = tf.Session().run(y, {"x:0": 1.0}, options=options, run_metadata=metadata)
        >>> [s.node_name for s in run_metadata_proto(metadata).step_stats.dev_stats[0].node_stats]
        ['mul']
    """
    if hasattr(run_metadata, "SerializeToString"):
        return run_metadata
    proto = _pb("config_pb2").RunMetadata()
    for device in run_metadata.step_stats.dev_stats:
        device_proto = proto.step_stats.dev_stats.add(device=device.device)
        for stats in device.node_stats:
            node = device_proto.node_stats.add(
                node_name=stats.node_name,
                all_start_micros=stats.all_start_micros,
                op_start_rel_micros=stats.op_start_rel_micros,
                op_end_rel_micros=stats.op_end_rel_micros,
                all_end_rel_micros=stats.all_end_rel_micros,
                timeline_label=stats.timeline_label,
            )
            for slot, shape in enumerate(stats.output_shapes):
                output = node.output.add(slot=slot)
                output.tensor_description.shape.CopyFrom(attr_value.shape_to_proto(list(shape)))
    return proto


class FileWriterCache:
    """One `FileWriter` per log directory, shared (TF1's `tf.summary.FileWriterCache`).

    Example:
        >>> import tempfile
        >>> import minigraph as tf
        >>> logdir = tempfile.mkdtemp()
        >>> tf.summary.FileWriterCache.get(logdir) is tf.summary.FileWriterCache.get(logdir)
        True
        >>> tf.summary.FileWriterCache.clear()
    """

    _cache: dict = {}
    _lock = threading.RLock()

    @staticmethod
    def get(logdir) -> FileWriter:
        """The writer of `logdir`, created (with the default graph) on first use."""
        with FileWriterCache._lock:
            key = str(logdir)
            if key not in FileWriterCache._cache:
                FileWriterCache._cache[key] = FileWriter(key, graph=get_default_graph())
            return FileWriterCache._cache[key]

    @staticmethod
    def clear() -> None:
        """Closes every cached writer and forgets them."""
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache.clear()
