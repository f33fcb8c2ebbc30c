"""Op-table rows for the summary ops (`minigraph/summary/summary_ops.py`).

Read with `tests/op_table.py`. Each op returns a serialized `Summary` proto, so the rows compare
bytes exactly (`exact=True`); each reference builds the expected proto its own way: histogram
buckets counted one value at a time and merged as TensorFlow's C++ loop does, images scaled by
TF1's rule written out per pixel, audio through the standard library's `wave` module, tensors
through tensorboard's own `tensor_util`. TensorFlow's numbers for the same inputs are checked in
`tests/test_summary.py`.
"""

import bisect
import io
import math
import wave

import numpy as np
import pytest

import minigraph as tf
from minigraph.summary import encoding
from op_table import Arg, OpRow

summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")


def _serialized(*values) -> np.ndarray:
    return np.array(summary_pb2.Summary(value=list(values)).SerializeToString(), dtype=object)


def _np_scalar(x):
    return _serialized(summary_pb2.Summary.Value(tag="loss", simple_value=float(x)))


def _np_histogram(x):
    limits = encoding.BUCKET_LIMITS.tolist()
    counts = [0.0] * len(limits)
    total = total_squares = 0.0
    for value in np.asarray(x, dtype=np.float64).reshape(-1).tolist():
        counts[bisect.bisect_right(limits, value)] += 1.0
        total += value
        total_squares += value * value
    histo = summary_pb2.HistogramProto(min=float(np.min(x)), max=float(np.max(x)),
                                       num=float(np.size(x)), sum=total,
                                       sum_squares=total_squares)
    i = 0
    while i < len(counts):  # tensorflow/core/lib/histogram/histogram.cc, EncodeToProto
        end, count = limits[i], counts[i]
        i += 1
        if count <= 0.0:
            while i < len(counts) and counts[i] <= 0.0:
                end, count = limits[i], counts[i]
                i += 1
        histo.bucket_limit.append(end)
        histo.bucket.append(count)
    return _serialized(summary_pb2.Summary.Value(tag="weights", histo=histo))


def _np_image(images):
    values = []
    for i, image in enumerate(images[:2]):
        pixels = image.astype(np.float32)
        scale = np.float32(255.0) / np.float32(pixels.max())  # all values are non-negative here
        scaled = np.array([[[int(np.float32(v) * scale) for v in px] for px in row]
                           for row in pixels], dtype=np.uint8)
        values.append(summary_pb2.Summary.Value(
            tag=f"pictures/image/{i}",
            image=summary_pb2.Summary.Image(height=image.shape[0], width=image.shape[1],
                                            colorspace=3,
                                            encoded_image_string=encoding.encode_png(scaled)),
        ))
    return _serialized(*values)


def _wav_bytes(clip, rate: int) -> bytes:
    samples = [max(-32768, min(32767, int(math.copysign(math.floor(abs(v) * 32768 + 0.5), v))))
               for v in np.asarray(clip, dtype=np.float32).tolist()]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(np.array(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def _np_audio(clips):
    return _serialized(*[
        summary_pb2.Summary.Value(
            tag=f"clip/audio/{i}",
            audio=summary_pb2.Summary.Audio(sample_rate=8000.0, num_channels=1,
                                            length_frames=clip.shape[0],
                                            encoded_audio_string=_wav_bytes(clip, 8000),
                                            content_type="audio/wav"),
        )
        for i, clip in enumerate(clips)
    ])


def _np_tensor(x):
    from tensorboard.util import tensor_util

    return _serialized(summary_pb2.Summary.Value(
        tag="t", tensor=tensor_util.make_tensor_proto(x), metadata=summary_pb2.SummaryMetadata(),
    ))


def _np_text():
    from tensorboard.util import tensor_util

    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return _serialized(summary_pb2.Summary.Value(
        tag="note", tensor=tensor_util.make_tensor_proto(np.array(b"hello", dtype=object)),
        metadata=metadata,
    ))


def _merge_two(x, y):
    return tf.summary.merge([tf.summary.scalar("a", x), tf.summary.scalar("b", y)])


def _np_merge_two(x, y):
    return _serialized(summary_pb2.Summary.Value(tag="a", simple_value=float(x)),
                       summary_pb2.Summary.Value(tag="b", simple_value=float(y)))


ROWS = [
    OpRow("ScalarSummary", lambda x: tf.summary.scalar("loss", x), [()], _np_scalar,
          grad=False, exact=True),
    OpRow("HistogramSummary", lambda x: tf.summary.histogram("weights", x), [(3, 4)],
          _np_histogram, grad=False, exact=True, low=-3.0, high=3.0),
    OpRow("ImageSummary", lambda x: tf.summary.image("pictures", x, max_outputs=2),
          [Arg((3, 4, 5, 3), low=0.0, high=1.0)], _np_image, grad=False, exact=True),
    OpRow("AudioSummaryV2", lambda x: tf.summary.audio("clip", x, 8000),
          [Arg((2, 50), low=-1.0, high=1.0, dtype=np.float32)], _np_audio, grad=False,
          exact=True),
    OpRow("TensorSummaryV2", lambda x: tf.summary.tensor_summary("t", x), [(3, 4)], _np_tensor,
          grad=False, exact=True),
    OpRow("TensorSummaryV2", lambda: tf.summary.text("note", tf.constant("hello")), [],
          _np_text, grad=False, exact=True, label="text"),
    OpRow("MergeSummary", _merge_two, [(), ()], _np_merge_two, grad=False, exact=True),
]
