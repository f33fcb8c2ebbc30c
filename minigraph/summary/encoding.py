"""What summary kernels compute: TF1's histogram buckets, image normalization, PNG and WAV bytes.

Everything here is numpy and the standard library, so it can be read and tested on its own.

* **Histograms** use TensorFlow's fixed bucket layout (tensorflow/core/lib/histogram): bucket
  edges grow by 10% from 1e-12 up to 1e20, mirrored for negative values, with 0 in the middle
  and ±DBL_MAX at the ends (1,551 edges in all). A value v falls in the first bucket whose edge
  is greater than v; runs of empty buckets are merged into one, as TF1's `HistogramSummary`
  writes them.
* **Images**: a float image is scaled to 0..255 one image at a time, as TF1 does: if every
  finite value is non-negative, the largest becomes 255; otherwise 0 stays at 128 and the value
  of largest magnitude reaches 1 or 255. Non-finite pixels get `bad_color`. uint8 images are
  used as they are.
* **PNG** is written with `zlib` (8-bit grey, grey + alpha, RGB or RGBA, no filtering), so no
  imaging library is needed; **WAV** is 16-bit PCM, samples in [-1, 1] scaled by 32768 and
  rounded half away from zero as TF1's `EncodeAudioAsS16LEWav`.

Example:
    >>> import numpy as np
    >>> limits, counts = histogram_buckets(np.array([0.0, 1.0, 1.0]))
    >>> [(float(limit), float(count)) for limit, count in zip(limits, counts)][:2]
    [(0.0, 0.0), (1e-12, 1.0)]
    >>> [(round(float(limit), 4), float(count)) for limit, count in zip(limits, counts)][2:]
    [(0.9172, 0.0), (1.009, 2.0), (1.7976931348623157e+308, 0.0)]
"""

from __future__ import annotations

import struct
import sys
import zlib

import numpy as np

DBL_MAX = sys.float_info.max


def _default_bucket_limits() -> np.ndarray:
    """TensorFlow's histogram bucket edges, computed as its C++ code does (v *= 1.1)."""
    positive = []
    v = 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(DBL_MAX)
    negative = [-x for x in reversed(positive)]
    return np.array(negative + [0.0] + positive, dtype=np.float64)


BUCKET_LIMITS = _default_bucket_limits()


def histogram_buckets(values: np.ndarray):
    """The (bucket_limit, bucket) lists TF1 writes for `values` (finite, any real dtype).

    Counts are floats, as in `HistogramProto`. Consecutive empty buckets are merged into one
    whose limit is the last edge of the run.
    """
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    index = np.searchsorted(BUCKET_LIMITS, flat, side="right")
    np.minimum(index, len(BUCKET_LIMITS) - 1, out=index)
    counts = np.bincount(index, minlength=len(BUCKET_LIMITS)).astype(np.float64)
    filled = counts > 0
    # Keep every non-empty bucket, and the last bucket of each run of empty ones.
    keep = filled.copy()
    keep[:-1] |= ~filled[:-1] & filled[1:]
    keep[-1] = True
    return BUCKET_LIMITS[keep], counts[keep]


def histogram_stats(values: np.ndarray) -> dict:
    """min, max, num, sum and sum_squares as TF1 accumulates them (in double, in order)."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    if flat.size == 0:
        return {"min": DBL_MAX, "max": -DBL_MAX, "num": 0.0, "sum": 0.0, "sum_squares": 0.0}
    # NOTE: cumsum adds strictly left to right, like TF's loop; np.sum would add pairwise and
    # could differ in the last bits.
    return {
        "min": float(flat.min()),
        "max": float(flat.max()),
        "num": float(flat.size),
        "sum": float(np.cumsum(flat)[-1]),
        "sum_squares": float(np.cumsum(flat * flat)[-1]),
    }


def normalize_image(image: np.ndarray, bad_color: np.ndarray) -> np.ndarray:
    """A [height, width, channels] image as uint8, the way TF1's `ImageSummary` converts it."""
    if image.dtype == np.uint8:
        return image
    values = image.astype(np.float32)
    finite = np.all(np.isfinite(values), axis=-1)
    good = values[finite]
    low = float(good.min()) if good.size else np.inf
    high = float(good.max()) if good.size else -np.inf
    if low < 0:
        largest = max(abs(low), abs(high))
        scale = np.float32(0.0 if largest < 1e-6 else 127.0 / largest)
        offset = np.float32(128.0)
    else:
        scale = np.float32(0.0 if high < 1e-6 else 255.0 / high)
        offset = np.float32(0.0)
    with np.errstate(invalid="ignore"):
        scaled = values * scale + offset
    out = np.empty(values.shape, dtype=np.uint8)
    out[finite] = scaled[finite].astype(np.uint8)
    out[~finite] = bad_color[: values.shape[-1]]
    return out


_PNG_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # grey, grey + alpha, RGB, RGBA


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a uint8 image of shape [height, width, channels] (channels 1 to 4).

    Example:
        >>> import numpy as np
        >>> encode_png(np.zeros((2, 3, 1), np.uint8))[:8]
        b'\\x89PNG\\r\\n\\x1a\\n'
    """
    height, width, channels = image.shape
    rows = np.ascontiguousarray(image, dtype=np.uint8).reshape(height, width * channels)
    # Each scanline starts with its filter type; 0 is "none".
    raw = np.hstack([np.zeros((height, 1), dtype=np.uint8), rows]).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPES[channels], 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw, 6))
        + _png_chunk(b"IEND", b"")
    )


def round_half_away(x):
    """C's `roundf`: halves round away from zero (numpy's `round` rounds them to even).

    Example:
        >>> round_half_away(np.array([0.5, 1.5, -0.5, 2.4]))
        array([ 1.,  2., -1.,  2.])
    """
    x = np.asarray(x, dtype=np.float64)  # exact for float32 input, so adding 0.5 cannot round
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def encode_wav(audio: np.ndarray, sample_rate: int) -> bytes:
    """16-bit PCM WAV bytes of float samples in [-1, 1], shape [frames, channels].

    Example:
        >>> import numpy as np
        >>> encode_wav(np.zeros((4, 1), np.float32), 8000)[:4]
        b'RIFF'
    """
    frames, channels = audio.shape
    samples = np.clip(round_half_away(audio.astype(np.float32) * np.float32(32768.0)),
                      -32768, 32767).astype("<i2").tobytes()
    sample_rate = int(round_half_away(np.float64(sample_rate)))
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + len(samples), b"WAVE", b"fmt ", 16, 1, channels, sample_rate,
        sample_rate * channels * 2, channels * 2, 16, b"data", len(samples),
    )
    return header + samples
