"""tf.summary.FileWriter: event files written by minigraph, read back with TensorBoard's own
reader (`EventAccumulator`): scalars, histograms, images, audio, text, the graph, the meta graph
and run metadata; flushing, closing, reopening and the FileWriterCache."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

import minigraph as tf
from minigraph.summary import encoding

event_accumulator = pytest.importorskip(
    "tensorboard.backend.event_processing.event_accumulator")
from tensorboard.backend.event_processing import event_file_loader  # noqa: E402


def _read(logdir) -> event_accumulator.EventAccumulator:
    accumulator = event_accumulator.EventAccumulator(
        str(logdir), size_guidance=event_accumulator.STORE_EVERYTHING_SIZE_GUIDANCE)
    return accumulator.Reload()


def _events(path) -> list:
    """Every event of one file, as TensorBoard's loader reads it (also from an open file)."""
    return list(event_file_loader.EventFileLoader(str(path)).Load())


def _training_run(logdir, steps=5):
    """A small regression with summaries of every kind, written every step."""
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.name_scope("layer"):
        w = tf.Variable(tf.random_normal([3, 1], seed=1), name="W")
        prediction = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.square(prediction - y), name="mse")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", w)
    tf.summary.image("inputs", tf.reshape(x, [-1, 1, 3, 1]), max_outputs=2)
    tf.summary.audio("sound", tf.reshape(x, [-1, 3]) * 0.1, 100, max_outputs=1)
    tf.summary.text("note", tf.constant("a *markdown* note"))
    merged = tf.summary.merge_all()
    init = tf.global_variables_initializer()
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((8, 3)).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    losses, weights = [], []
    with tf.Session() as sess, tf.summary.FileWriter(str(logdir), sess.graph) as writer:
        sess.run(init)
        for step in range(steps):
            weights.append(sess.run(w))
            summary, loss_value = sess.run([merged, loss], {x: xs, y: ys})
            sess.run(train, {x: xs, y: ys})
            writer.add_summary(summary, global_step=step)
            losses.append(float(loss_value))
    return losses, weights


def test_tensorboard_reads_scalars_histograms_images_audio_text_and_graph(tmp_path):
    losses, weights = _training_run(tmp_path)
    events = _read(tmp_path)
    tags = events.Tags()
    assert tags["scalars"] == ["loss"] and tags["histograms"] == ["weights"]
    assert sorted(tags["images"]) == ["inputs/image/0", "inputs/image/1"]
    assert tags["audio"] == ["sound/audio"] and tags["tensors"] == ["note"]
    assert tags["graph"] and tags["meta_graph"]

    scalars = events.Scalars("loss")
    assert [s.step for s in scalars] == [0, 1, 2, 3, 4]
    np.testing.assert_allclose([s.value for s in scalars], losses, rtol=1e-6)
    assert losses[-1] < losses[0]

    histograms = events.Histograms("weights")
    assert [h.step for h in histograms] == list(range(5))
    for event, w in zip(histograms, weights):
        histogram = event.histogram_value
        assert histogram.num == 3 and histogram.min == pytest.approx(float(w.min()))
        assert sum(histogram.bucket) == 3
        limits, counts = encoding.histogram_buckets(w)
        assert list(histogram.bucket_limit) == limits.tolist()
        assert list(histogram.bucket) == counts.tolist()

    image = events.Images("inputs/image/1")[-1]
    assert (image.width, image.height, image.step) == (3, 1, 4)
    assert image.encoded_image_string.startswith(b"\x89PNG")
    audio = events.Audio("sound/audio")[0]
    assert (audio.sample_rate, audio.length_frames, audio.content_type) == (100, 3, "audio/wav")
    text = events.Tensors("note")[0]
    assert text.tensor_proto.string_val == [b"a *markdown* note"]
    assert events.SummaryMetadata("note").plugin_data.plugin_name == "text"

    graph = events.Graph()
    ops = {node.op for node in graph.node}
    assert len(graph.node) == len(tf.get_default_graph().get_operations())
    assert {"Placeholder", "VariableV2", "MatMul", "ScalarSummary", "HistogramSummary",
            "ImageSummary", "AudioSummaryV2", "TensorSummaryV2", "MergeSummary"} <= ops
    assert any(node.name == "layer/W" for node in graph.node)
    assert all("_output_shapes" in node.attr for node in graph.node if node.op != "NoOp")
    assert sorted(events.MetaGraph().collection_def)[:2] == ["summaries", "train_op"]


def test_event_file_layout(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path / "run"), filename_suffix=".v2")
    assert writer.get_logdir() == str(tmp_path / "run")
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="manual", simple_value=2.0)]), 7)
    writer.close()
    (path,) = glob.glob(str(tmp_path / "run" / "events.out.tfevents.*"))
    assert path.endswith(".v2") and path == writer.event_file_path
    first, second = tf.train.summary_iterator(path)
    assert first.file_version == "brain.Event:2"
    assert (second.step, second.summary.value[0].tag) == (7, "manual")
    assert second.wall_time >= first.wall_time > 1.6e9


def test_metadata_is_written_once_per_tag(tmp_path):
    note = tf.summary.text("note", tf.constant("hi"))
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as writer:
        for step in range(3):
            writer.add_summary(sess.run(note), step)
    summaries = [e.summary.value[0] for e in _events(writer.event_file_path) if e.summary.value]
    assert [v.HasField("metadata") for v in summaries] == [True, False, False]


def test_flushing_closing_and_reopening(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=3, flush_secs=1000)
    value = tf.Summary(value=[tf.Summary.Value(tag="x", simple_value=1.0)])
    writer.add_summary(value, 1)
    assert len(_events(writer.event_file_path)) == 1  # only the file_version event is on disk
    writer.add_summary(value, 2)
    writer.add_summary(value, 3)  # the third event since the last flush: flushed
    assert [e.step for e in _events(writer.event_file_path)] == [0, 1, 2, 3]
    writer.add_summary(value, 4)
    writer.flush()
    assert len(_events(writer.event_file_path)) == 5
    writer.close()
    writer.add_summary(value, 5)  # dropped after close, as in TF1
    first_file = writer.event_file_path
    writer.reopen()
    writer.add_summary(value, 6)
    writer.close()
    assert writer.event_file_path != first_file
    assert [e.step for e in _events(first_file)][-1] == 4
    assert [e.step for e in _events(writer.event_file_path)] == [0, 6]
    assert len(os.listdir(tmp_path)) == 2


def test_run_metadata_is_written_for_the_graph_view(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.nn.relu(tf.matmul(x, tf.ones([2, 2])), name="y")
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    metadata = tf.RunMetadata()
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path), sess.graph) as writer:
        sess.run(y, {x: np.ones((4, 2))}, options=options, run_metadata=metadata)
        writer.add_run_metadata(metadata, "step0", global_step=0)
        with pytest.raises(ValueError, match="tag was already used"):
            writer.add_run_metadata(metadata, "step0")
    events = _read(tmp_path)
    assert events.Tags()["run_metadata"] == ["step0"]
    stats = events.RunMetadata("step0").step_stats.dev_stats[0]
    assert stats.device.endswith("CPU:0")
    by_name = {s.node_name: s for s in stats.node_stats}
    assert {"MatMul", "y"} <= set(by_name)
    assert [d.size for d in by_name["y"].output[0].tensor_description.shape.dim] == [4, 2]
    assert all(s.all_end_rel_micros >= 0 for s in stats.node_stats)


def test_add_graph_takes_a_graph_or_a_graph_def(tmp_path):
    tf.constant(1.0, name="c")
    graph = tf.get_default_graph()
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_graph(graph.as_graph_def(), global_step=3)
        with pytest.raises(ValueError, match="not both"):
            writer.add_graph(graph, graph_def=graph.as_graph_def())
        with pytest.raises(TypeError, match="instance of `Graph`"):
            writer.add_graph("graph")
        with pytest.raises(TypeError, match="MetaGraphDef"):
            writer.add_meta_graph(graph.as_graph_def())
        with pytest.raises(TypeError, match="add_summary takes"):
            writer.add_summary(3.0)
    assert [n.name for n in _read(tmp_path).Graph().node] == ["c"]


def test_file_writer_cache(tmp_path):
    first = tf.summary.FileWriterCache.get(str(tmp_path / "a"))
    assert tf.summary.FileWriterCache.get(str(tmp_path / "a")) is first
    assert tf.summary.FileWriterCache.get(str(tmp_path / "b")) is not first
    tf.summary.FileWriterCache.clear()
    assert tf.summary.FileWriterCache.get(str(tmp_path / "a")) is not first
    tf.summary.FileWriterCache.clear()
    first.add_summary(tf.Summary(), 1)  # closed by clear(): dropped, no error
