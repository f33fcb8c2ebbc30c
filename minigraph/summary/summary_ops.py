"""`tf.summary.scalar`, `histogram`, `image`, `audio`, `text`, `merge`, `merge_all`: summary ops.

A summary op is an ordinary graph op. Running it returns a serialized `Summary` protobuf (a
string tensor, so `sess.run(merged)` returns `bytes`, as in TF1), which
`tf.summary.FileWriter.add_summary(summary, step)` writes to an event file for TensorBoard.
Each builder opens a name scope named after the summary, whose name is also the summary's tag
(`train/loss` inside `tf.name_scope("train")`; a second `loss` gets `loss_1`), and adds the op
to the `tf.GraphKeys.SUMMARIES` collection (or to `collections=`), where `merge_all` finds it.
With `family=`, the tag is prefixed by the family, so TensorBoard groups it under that name.

The ops are TensorFlow's (`ScalarSummary`, `HistogramSummary`, `ImageSummary`,
`AudioSummaryV2`, `TensorSummaryV2`, `MergeSummary`), with TensorFlow's inputs and attributes,
so graphs holding them import in both directions. Their kernels build the protos with the
`tensorboard` package; building a summary op without it raises an ImportError naming the extra
(`pip install "minigraph[tensorboard]"`). How histograms, images and audio are encoded is in
`minigraph.summary.encoding`.

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default():
    ...     loss = tf.constant(0.25)
    ...     with tf.name_scope("train"):
    ...         _ = tf.summary.scalar("loss", loss)
    ...     merged = tf.summary.merge_all()
    ...     with tf.Session() as sess:
    ...         print(tf.Summary.FromString(sess.run(merged)))
    value {
      tag: "train/loss"
      simple_value: 0.25
    }
    <BLANKLINE>
"""

from __future__ import annotations

import contextlib
import re

import numpy as np

from minigraph import attr_value, dtypes, protos, shapes
from minigraph.graph import GraphKeys, get_collection, name_scope
from minigraph.ops import array_ops
from minigraph.registry import NotDifferentiable, define_op
from minigraph.tensor import apply_op, convert_to_tensor

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")
_BAD_COLOR = np.array([255, 0, 0, 255], dtype=np.uint8)  # opaque red, TF1's default
_IMAGE_DTYPES = (dtypes.uint8, dtypes.float16, dtypes.float32, dtypes.float64)


def _summary_pb2():
    return protos.load("summary_pb2", "Running a summary op")


def _as_summary_tensor(summary) -> np.ndarray:
    """A serialized Summary as the value of a scalar string tensor."""
    return np.array(summary.SerializeToString(), dtype=object)


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _tag(tag) -> str:
    """The text of a tag input (a scalar string tensor's value)."""
    return _text(np.asarray(tag, dtype=object).reshape(-1)[0])


def _serialized(value) -> bytes:
    """The bytes of a serialized proto held in a string tensor (str if it was valid UTF-8)."""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def clean_tag(name):
    """`name` with characters TensorBoard does not allow in tags replaced by `_` (TF1's rule).

    Example:
        >>> clean_tag("loss (train)")
        'loss__train_'
    """
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


@contextlib.contextmanager
def summary_scope(name, family=None, default_name=None, values=None):
    """Opens the name scope of a summary and yields `(tag, scope)`, as TF1's `summary_scope`."""
    name, family = clean_tag(name), clean_tag(family)
    base = name if family is None else f"{family}/{name}"
    with name_scope(base, default_name, values) as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        yield tag, scope


def _collect(value, collections, default_collections) -> None:
    graph = value.graph
    for key in default_collections if collections is None else collections:
        graph.add_to_collection(key, value)


def _check_real(tensor, fn_name: str) -> None:
    if not tensor.dtype.is_numeric:
        raise TypeError(
            f"{fn_name} needs a real numeric tensor, got {tensor!r} of dtype "
            f"{tensor.dtype.name}; cast it first (e.g. tf.cast(x, tf.float32))."
        )


def _string_scalar(op) -> shapes.TensorShape:
    return shapes.scalar()


def _string_dtype(op) -> dtypes.DType:
    return dtypes.string


# ---------------------------------------------------------------- ScalarSummary
def scalar(name: str, tensor, collections=None, family=None):
    """A summary op of one scalar value: the tag is the op's scoped name.

    Args:
        name: the summary's name (also its TensorBoard tag, prefixed by the name scopes).
        tensor: a real numeric scalar tensor.
        collections: the collections to add the op to (default `[tf.GraphKeys.SUMMARIES]`).
        family: an optional tag prefix; TensorBoard shows the summary under it.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.summary.scalar("loss", tf.constant(1.5)))
        Tensor("loss:0", shape=(), dtype=string)
    """
    protos.require("tf.summary.scalar")
    tensor = convert_to_tensor(tensor)
    _check_real(tensor, "tf.summary.scalar")
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tags = array_ops.constant(tag, name="tags")
        value = apply_op("ScalarSummary", [tags, tensor], name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def _scalar_summary_kernel(tags, values):
    if np.shape(tags) != np.shape(values):
        raise ValueError(
            f"tags and values not the same shape: {list(np.shape(tags))} != "
            f"{list(np.shape(values))} (tf.summary.scalar needs a single value)"
        )
    pb = _summary_pb2()
    summary = pb.Summary()
    for tag, value in zip(np.reshape(tags, -1), np.reshape(values, -1)):
        summary.value.add(tag=_text(tag), simple_value=float(value))
    return _as_summary_tensor(summary)


def _scalar_summary_shape(op):
    tags, values = op.inputs
    if not tags.shape.is_compatible_with(values.shape):
        raise ValueError(
            f"tags and values not the same shape: {tags.shape.bracket_str()} != "
            f"{values.shape.bracket_str()} (tf.summary.scalar needs a scalar tensor; reduce it "
            "first, e.g. tf.reduce_mean)"
        )
    return shapes.scalar()


define_op("ScalarSummary", kernel=_scalar_summary_kernel, shape=_scalar_summary_shape,
          dtype=_string_dtype)
NotDifferentiable("ScalarSummary")


# ---------------------------------------------------------------- HistogramSummary
def histogram(name: str, values, collections=None, family=None):
    """A summary op of the distribution of `values`, in TF1's histogram buckets.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     h = tf.summary.histogram("weights", tf.constant([0.5, 1.0, 1.0]))
        ...     histo = tf.Summary.FromString(tf.Session().run(h)).value[0].histo
        >>> histo.num, histo.max, list(histo.bucket)
        (3.0, 1.0, [0.0, 1.0, 0.0, 2.0, 0.0])
    """
    protos.require("tf.summary.histogram")
    values = convert_to_tensor(values)
    _check_real(values, "tf.summary.histogram")
    with summary_scope(name, family, values=[values]) as (tag, scope):
        tag_tensor = array_ops.constant(tag, name="tag")
        value = apply_op("HistogramSummary", [tag_tensor, values], name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def _histogram_summary_kernel(tag, values):
    from minigraph.summary import encoding

    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(flat)):
        raise ValueError(f"Nan in summary histogram for: {_tag(tag)}")
    pb = _summary_pb2()
    limits, counts = encoding.histogram_buckets(flat)
    histo = pb.HistogramProto(**encoding.histogram_stats(flat))
    histo.bucket_limit.extend(limits.tolist())
    histo.bucket.extend(counts.tolist())
    summary = pb.Summary()
    summary.value.add(tag=_tag(tag), histo=histo)
    return _as_summary_tensor(summary)


define_op("HistogramSummary", kernel=_histogram_summary_kernel, shape=_string_scalar,
          dtype=_string_dtype)
NotDifferentiable("HistogramSummary")


# ---------------------------------------------------------------- ImageSummary
def image(name: str, tensor, max_outputs: int = 3, collections=None, family=None):
    """A summary op of up to `max_outputs` images of `tensor`, [batch, height, width, channels].

    Channels 1 (grey), 3 (RGB) or 4 (RGBA); uint8 values are used as they are, floats are
    scaled per image (see `minigraph.summary.encoding`). Tags are `name/image/0`, `name/image/1`,
    ... (`name/image` when `max_outputs` is 1).

    Example:
        >>> import numpy as np
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     s = tf.summary.image("digits", tf.constant(np.zeros((2, 8, 8, 1), np.uint8)))
        ...     values = tf.Summary.FromString(tf.Session().run(s)).value
        >>> [(v.tag, v.image.height, v.image.width) for v in values]
        [('digits/image/0', 8, 8), ('digits/image/1', 8, 8)]
    """
    protos.require("tf.summary.image")
    tensor = convert_to_tensor(tensor)
    if tensor.dtype not in _IMAGE_DTYPES:
        raise TypeError(
            f"tf.summary.image needs uint8 or float images, got {tensor!r}; cast it first."
        )
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tag_tensor = array_ops.constant(tag, name="tag")
        value = apply_op("ImageSummary", [tag_tensor, tensor],
                         attrs={"max_images": int(max_outputs), "bad_color": _BAD_COLOR.copy()},
                         name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def _image_summary_kernel(tag, tensor, *, max_images, bad_color):
    from minigraph.summary import encoding

    if tensor.ndim != 4 or tensor.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"Tensor must be 4-D with last dim 1, 3, or 4, not {list(tensor.shape)} "
            "([batch, height, width, channels] for tf.summary.image)"
        )
    pb = _summary_pb2()
    summary = pb.Summary()
    base = _tag(tag)
    for i in range(min(tensor.shape[0], max_images)):
        pixels = encoding.normalize_image(tensor[i], np.asarray(bad_color, dtype=np.uint8))
        height, width, channels = pixels.shape
        summary.value.add(
            tag=f"{base}/image" if max_images == 1 else f"{base}/image/{i}",
            image=pb.Summary.Image(height=height, width=width, colorspace=channels,
                                   encoded_image_string=encoding.encode_png(pixels)),
        )
    return _as_summary_tensor(summary)


def _image_summary_shape(op):
    images = op.inputs[1].shape
    if images.ndims is not None and (images.ndims != 4 or images[-1].value not in (None, 1, 3, 4)):
        raise ValueError(
            f"tf.summary.image needs a 4-D tensor [batch, height, width, channels] with 1, 3 or "
            f"4 channels, got shape {images.bracket_str()}"
        )
    return shapes.scalar()


define_op("ImageSummary", kernel=_image_summary_kernel, shape=_image_summary_shape,
          dtype=_string_dtype)
NotDifferentiable("ImageSummary")


# ---------------------------------------------------------------- AudioSummaryV2
def audio(name: str, tensor, sample_rate, max_outputs: int = 3, collections=None, family=None):
    """A summary op of up to `max_outputs` clips: `tensor` is [batch, frames] or [batch, frames,
    channels] of floats in [-1, 1], played at `sample_rate` Hz (written as 16-bit WAV).

    Example:
        >>> import numpy as np
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     clip = tf.constant(np.zeros((1, 100), np.float32))
        ...     s = tf.summary.audio("tone", clip, 8000, max_outputs=1)
        ...     value = tf.Summary.FromString(tf.Session().run(s)).value[0]
        >>> value.tag, value.audio.length_frames, value.audio.content_type
        ('tone/audio', 100, 'audio/wav')
    """
    protos.require("tf.summary.audio")
    tensor = convert_to_tensor(tensor)
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        tag_tensor = array_ops.constant(tag, name="tag")
        value = apply_op("AudioSummaryV2", [tag_tensor, tensor, rate],
                         attrs={"max_outputs": int(max_outputs)}, name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def _audio_summary_kernel(tag, tensor, sample_rate, *, max_outputs):
    from minigraph.summary import encoding

    if tensor.ndim not in (2, 3):
        raise ValueError(
            f"Tensor must be 3-D or 2-D, got: {list(tensor.shape)} ([batch, frames] or "
            "[batch, frames, channels] for tf.summary.audio)"
        )
    if float(sample_rate) <= 0:
        raise ValueError(f"sample_rate must be > 0, got {float(sample_rate)}")
    clips = tensor if tensor.ndim == 3 else tensor[:, :, None]
    pb = _summary_pb2()
    summary = pb.Summary()
    base = _tag(tag)
    for i in range(min(clips.shape[0], max_outputs)):
        frames, channels = clips[i].shape
        summary.value.add(
            tag=f"{base}/audio" if max_outputs == 1 else f"{base}/audio/{i}",
            audio=pb.Summary.Audio(
                sample_rate=float(sample_rate), num_channels=channels, length_frames=frames,
                encoded_audio_string=encoding.encode_wav(clips[i], float(sample_rate)),
                content_type="audio/wav",
            ),
        )
    return _as_summary_tensor(summary)


define_op("AudioSummaryV2", kernel=_audio_summary_kernel, shape=_string_scalar,
          dtype=_string_dtype)
NotDifferentiable("AudioSummaryV2")


# ---------------------------------------------------------------- TensorSummaryV2 (text)
def tensor_summary(name: str, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A summary op holding the whole value of `tensor` (a TensorProto), with plugin metadata.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     s = tf.summary.tensor_summary("counts", tf.constant([1, 2, 3]))
        ...     value = tf.Summary.FromString(tf.Session().run(s)).value[0]
        >>> value.tag, list(value.tensor.tensor_shape.dim[0:1])[0].size
        ('counts', 3)
    """
    protos.require("tf.summary.tensor_summary")
    pb = _summary_pb2()
    if summary_metadata is None:
        summary_metadata = pb.SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    tensor = convert_to_tensor(tensor)
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        tag_tensor = array_ops.constant(tag, name="tag")
        metadata = array_ops.constant(
            np.array(summary_metadata.SerializeToString(), dtype=object),
            name="serialized_summary_metadata",
        )
        value = apply_op("TensorSummaryV2", [tag_tensor, tensor, metadata], name=scope)
        _collect(value, collections, [GraphKeys.SUMMARIES])
    return value


def text(name: str, tensor, collections=None):
    """A summary op of string `tensor`, shown in TensorBoard's Text dashboard (as markdown).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     s = tf.summary.text("notes", tf.constant("learning rate 0.1"))
        ...     value = tf.Summary.FromString(tf.Session().run(s)).value[0]
        >>> value.tag, value.metadata.plugin_data.plugin_name, value.tensor.string_val
        ('notes', 'text', [b'learning rate 0.1'])
    """
    protos.require("tf.summary.text")
    tensor = convert_to_tensor(tensor)
    if tensor.dtype != dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got {tensor.dtype}")
    pb = _summary_pb2()
    metadata = pb.SummaryMetadata(plugin_data=pb.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, collections=collections, summary_metadata=metadata)


def _tensor_summary_kernel(tag, tensor, serialized_summary_metadata):
    pb = _summary_pb2()
    summary = pb.Summary()
    summary.value.add(
        tag=_tag(tag),
        tensor=attr_value.tensor_to_proto(tensor),
        metadata=pb.SummaryMetadata.FromString(_serialized(serialized_summary_metadata.item())),
    )
    return _as_summary_tensor(summary)


define_op("TensorSummaryV2", kernel=_tensor_summary_kernel, shape=_string_scalar,
          dtype=_string_dtype)
NotDifferentiable("TensorSummaryV2")


# ---------------------------------------------------------------- MergeSummary
def merge(inputs, collections=None, name=None):
    """One summary op holding every value of the summaries `inputs` (tags must be distinct).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     a = tf.summary.scalar("a", 1.0)
        ...     b = tf.summary.scalar("b", 2.0)
        ...     merged = tf.summary.merge([a, b])
        ...     print(merged.name, len(tf.Summary.FromString(tf.Session().run(merged)).value))
        Merge/MergeSummary:0 2
    """
    protos.require("tf.summary.merge")
    inputs = [convert_to_tensor(t) for t in inputs]
    with name_scope(name, "Merge", inputs):
        value = apply_op("MergeSummary", inputs, attrs={"N": len(inputs)}, name=name)
        _collect(value, collections, [])
    return value


def merge_all(key: str = GraphKeys.SUMMARIES, scope=None, name=None):
    """`merge` of every summary op in collection `key` (optionally under `scope`); None if the
    collection is empty, as in TF1.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.summary.merge_all())
        None
    """
    summary_ops = get_collection(key, scope=scope)
    if not summary_ops:
        return None
    return merge(summary_ops, name=name)


def _merge_summary_kernel(*inputs, N):  # noqa: N803 - TF's attribute name
    pb = _summary_pb2()
    merged = pb.Summary()
    tags = set()
    for array in inputs:
        for serialized in np.reshape(array, -1):
            try:
                summary = pb.Summary.FromString(_serialized(serialized))
            except Exception:  # noqa: BLE001 - protobuf's DecodeError, reported as TF1 does
                raise ValueError("Could not parse one of the summary inputs") from None
            for value in summary.value:
                if value.tag and value.tag in tags:
                    raise ValueError(f"Duplicate tag {value.tag} found in summary inputs")
                tags.add(value.tag)
                merged.value.add().CopyFrom(value)
    return _as_summary_tensor(merged)


def _merge_summary_shape(op):
    for t in op.inputs:
        if t.dtype != dtypes.string:
            raise ValueError(f"tf.summary.merge takes summary (string) tensors, got {t!r}")
    return shapes.scalar()


define_op("MergeSummary", kernel=_merge_summary_kernel, shape=_merge_summary_shape,
          dtype=_string_dtype)
NotDifferentiable("MergeSummary")
