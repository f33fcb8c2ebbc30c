"""tf.summary ops against TensorFlow's own results (goldens made by
tests/golden/make_tensorboard_goldens.py with TensorFlow 2.21 in TF1 mode): histogram buckets,
image pixels, WAV bytes, tags and op names; collections, merging, errors, and what happens
without the tensorboard package."""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.summary import encoding

summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")

HERE = pathlib.Path(__file__).parent
GOLDEN = json.loads((HERE / "golden" / "tensorboard_goldens.json").read_text())["summaries"]


def _run(summary_op, feed=None) -> summary_pb2.Summary:
    with tf.Session() as sess:
        serialized = sess.run(summary_op, feed)
    assert isinstance(serialized, bytes)  # as TF1: sess.run(summary) returns bytes
    return summary_pb2.Summary.FromString(serialized)


# ---------------------------------------------------------------- against TensorFlow
@pytest.mark.parametrize("key", sorted(GOLDEN["histograms"]))
def test_histograms_match_tensorflow(key):
    want = GOLDEN["histograms"][key]
    dtype = tf.int32 if key == "ints" else tf.float32
    histo = _run(tf.summary.histogram(key, tf.constant(want["values"], dtype))).value[0].histo
    assert list(histo.bucket_limit) == want["bucket_limit"]
    assert list(histo.bucket) == want["bucket"]
    for field in ("min", "max", "num", "sum", "sum_squares"):
        assert getattr(histo, field) == want[field], field


def test_histogram_bucket_layout():
    limits = encoding.BUCKET_LIMITS
    assert len(limits) == 1551 and limits[775] == 0.0 and limits[776] == 1e-12
    assert np.all(np.diff(limits) > 0) and limits[-1] == sys.float_info.max
    np.testing.assert_allclose(limits[777:1549] / limits[776:1548], 1.1)
    np.testing.assert_array_equal(limits[:775], -limits[776:][::-1])


def _decode_png(data: bytes) -> np.ndarray:
    image = pytest.importorskip("PIL.Image")
    with image.open(io.BytesIO(data)) as picture:
        pixels = np.asarray(picture)
    return pixels if pixels.ndim == 3 else pixels[:, :, None]


@pytest.mark.parametrize("key", sorted(GOLDEN["images"]))
def test_images_match_tensorflow(key):
    want = GOLDEN["images"][key]
    images = np.array(want["input"], dtype=np.float32)
    images[images == -999.0], images[images == 999.0] = np.nan, np.inf
    values = _run(tf.summary.image(key, tf.constant(images), max_outputs=3)).value
    assert [v.tag for v in values] == want["tags"]
    for value, pixels in zip(values, want["pixels"]):
        pixels = np.array(pixels, dtype=np.uint8)
        assert (value.image.height, value.image.width) == pixels.shape[:2]
        assert value.image.colorspace == pixels.shape[2]
        np.testing.assert_array_equal(_decode_png(value.image.encoded_image_string), pixels)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_uint8_images_are_stored_unchanged(channels):
    rng = np.random.default_rng(channels)
    images = rng.integers(0, 256, (2, 5, 7, channels), dtype=np.uint8)
    values = _run(tf.summary.image("img", images, max_outputs=1)).value
    assert [v.tag for v in values] == ["img/image"]  # one image when max_outputs is 1
    np.testing.assert_array_equal(_decode_png(values[0].image.encoded_image_string), images[0])


def test_audio_matches_tensorflow():
    want = GOLDEN["audio"]
    clip = np.array(want["input"], dtype=np.float32).reshape(1, -1, 1)
    value = _run(tf.summary.audio("clip", clip, 8000.7, max_outputs=1)).value[0]
    assert value.tag == want["tag"]
    assert value.audio.sample_rate == want["sample_rate"]
    assert value.audio.encoded_audio_string.hex() == want["wav_hex"]


def test_tags_and_op_names_match_tensorflow():
    loss = tf.constant(3.5)
    with tf.name_scope("train"):
        ops = [tf.summary.scalar("loss", loss), tf.summary.scalar("loss", loss),
               tf.summary.scalar("acc", loss, family="fam"),
               tf.summary.scalar("loss (smoothed)", loss)]
    merged = tf.summary.merge_all()
    names = {op.op.name: _run(op).value[0].tag for op in ops}
    names["merge_all"] = merged.op.name
    assert names == GOLDEN["names"]


# ---------------------------------------------------------------- collections and merging
def test_collections_and_merge_all():
    assert tf.summary.merge_all() is None
    a = tf.summary.scalar("a", 1.0)
    b = tf.summary.scalar("b", 2.0, collections=["mine"])
    with tf.name_scope("layer"):
        h = tf.summary.histogram("h", [1.0, 2.0])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a, h]
    assert tf.get_collection("mine") == [b]
    assert [v.tag for v in _run(tf.summary.merge_all()).value] == ["a", "layer/h"]
    assert [v.tag for v in _run(tf.summary.merge_all(key="mine")).value] == ["b"]
    assert [v.tag for v in _run(tf.summary.merge_all(scope="layer")).value] == ["layer/h"]
    nested = tf.summary.merge([tf.summary.merge([a]), b], name="both")
    assert nested.op.name == "both/both"
    assert [v.tag for v in _run(nested).value] == ["a", "b"]


def test_summaries_of_fed_values_and_text():
    x = tf.placeholder(tf.float32, [], name="x")
    note = tf.summary.text("note", tf.constant("**bold** text"))
    merged = tf.summary.merge([tf.summary.scalar("x", x), note])
    values = _run(merged, {x: 0.125}).value
    assert values[0].simple_value == 0.125
    assert values[1].tensor.string_val == [b"**bold** text"]
    assert values[1].metadata.plugin_data.plugin_name == "text"


# ---------------------------------------------------------------- errors
def test_bad_summaries_are_refused_with_clear_errors():
    with pytest.raises(ValueError, match="tf.summary.scalar needs a scalar"):
        tf.summary.scalar("loss", tf.ones([2]))
    with pytest.raises(TypeError, match="real numeric"):
        tf.summary.scalar("flag", tf.constant(True))
    with pytest.raises(ValueError, match="4-D tensor"):
        tf.summary.image("img", tf.ones([4, 4]))
    with pytest.raises(ValueError, match="Expected tensor .* dtype string"):
        tf.summary.text("note", tf.constant(1.0))
    with pytest.raises(ValueError, match="summary \\(string\\) tensors"):
        tf.summary.merge([tf.constant(1.0)])


def test_bad_values_fail_at_run_time_naming_the_summary():
    values = tf.placeholder(tf.float32, [None], name="values")
    with pytest.raises(errors.InvalidArgumentError, match="Nan in summary histogram for: h"):
        _run(tf.summary.histogram("h", values), {values: [1.0, np.nan]})
    images = tf.placeholder(tf.float32, None, name="images")
    with pytest.raises(errors.InvalidArgumentError, match="4-D with last dim 1, 3, or 4"):
        _run(tf.summary.image("img", images), {images: np.ones((1, 2, 2, 2))})
    a, b = tf.summary.scalar("same", 1.0), tf.summary.scalar("same", 2.0)
    same = tf.summary.merge([a, tf.summary.merge([b])])
    assert [v.tag for v in _run(same).value] == ["same", "same_1"]  # unique names, unique tags
    duplicate = tf.summary.merge([a, a])
    with pytest.raises(errors.InvalidArgumentError, match="Duplicate tag same found"):
        _run(duplicate)


# ---------------------------------------------------------------- without tensorboard
@pytest.fixture
def no_tensorboard(monkeypatch):
    """As if the tensorboard package were not installed."""
    for name in list(sys.modules):
        if name == "tensorboard" or name.startswith("tensorboard."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "tensorboard", None)


def test_without_tensorboard_the_error_names_the_extra(no_tensorboard, tmp_path):
    hint = 'pip install "minigraph\\[tensorboard\\]"'
    with pytest.raises(ImportError, match=f"tf.summary.scalar needs .*{hint}"):
        tf.summary.scalar("loss", 1.0)
    with pytest.raises(ImportError, match=hint):
        tf.summary.FileWriter(str(tmp_path))
    with pytest.raises(ImportError, match=hint):
        tf.get_default_graph().as_graph_def()
    w = tf.Variable(1.0, name="w")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.warns(UserWarning, match="saved without .*model.meta"):
            path = saver.save(sess, str(tmp_path / "model"))
        saver.save(sess, str(tmp_path / "model"))  # warned once per Saver
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint", "model.npz"]
    assert path == str(tmp_path / "model")


def test_importing_minigraph_does_not_import_tensorboard():
    code = ("import sys, minigraph; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('tensorboard', 'google')))")
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=HERE.parent, check=True, env=env)
    assert result.stdout.strip() == "[]"
