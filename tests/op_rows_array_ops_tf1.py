"""Op-table rows for `tf.unique`, `tf.diag`, `tf.diag_part`, `tf.slice` and `tf.pad` (Pad,
PadV2, MirrorPad in REFLECT and SYMMETRIC modes, and MirrorPadGrad, its gradient op).

Read with `tests/op_table.py`. The references index entries one by one (the mirror padding
through an explicit reflection of each index) rather than call `np.pad` as the kernels do.
"""

import numpy as np

import minigraph as tf
from minigraph.tensor import apply_op
from op_table import Arg, OpRow

PADDINGS = [[1, 2], [2, 1]]
REPEATED = np.array([4, 1, 4, 4, 7, 1, 0, 7, 9], dtype=np.int32)


def _np_unique(x):
    values = list(dict.fromkeys(x.tolist()))
    return [np.array(values, dtype=x.dtype), np.array([values.index(v) for v in x.tolist()],
                                                       dtype=np.int32)]


def _np_diag(x):
    out = np.zeros(x.shape + x.shape, dtype=x.dtype)
    for index in np.ndindex(*x.shape):
        out[index + index] = x[index]
    return out


def _np_diag_part(x):
    half = x.shape[: x.ndim // 2]
    out = np.zeros(half, dtype=x.dtype)
    for index in np.ndindex(*half):
        out[index] = x[index + index]
    return out


def _mirror_index(i: int, n: int, mode: str) -> int:
    """The source index of padded position i (relative to the first original entry)."""
    edge = 0 if mode == "SYMMETRIC" else 1
    while i < 0 or i >= n:
        i = -i - 1 + edge if i < 0 else 2 * n - 1 - i - edge
    return i


def _np_pad(paddings, mode="CONSTANT", value=0.0):
    def reference(x):
        out_shape = tuple(d + b + a for d, (b, a) in zip(x.shape, paddings))
        out = np.full(out_shape, value, dtype=x.dtype)
        for index in np.ndindex(*out_shape):
            source = [i - b for i, (b, _) in zip(index, paddings)]
            if mode == "CONSTANT":
                if all(0 <= s < d for s, d in zip(source, x.shape)):
                    out[index] = x[tuple(source)]
            else:
                out[index] = x[tuple(_mirror_index(s, d, mode) for s, d in zip(source, x.shape))]
        return out

    return reference


def _np_mirror_pad_grad(paddings, mode):
    def reference(g):
        x_shape = tuple(d - b - a for d, (b, a) in zip(g.shape, paddings))
        out = np.zeros(x_shape, dtype=g.dtype)
        for index in np.ndindex(*g.shape):
            source = [i - b for i, (b, _) in zip(index, paddings)]
            out[tuple(_mirror_index(s, d, mode) for s, d in zip(source, x_shape))] += g[index]
        return out

    return reference


def _tf_pad(paddings, mode="CONSTANT", **kwargs):
    def build(x):
        return tf.pad(x, paddings, mode, **kwargs)

    return build


def _tf_mirror_pad_grad(paddings, mode):
    def build(g):
        return apply_op("MirrorPadGrad", [g, tf.constant(paddings)], attrs={"mode": mode})

    return build


ROWS = [
    # ---------------------------------------------------------------- Unique
    OpRow("Unique", lambda x: list(tf.unique(x)), [REPEATED], _np_unique, grad=False,
          static_shape_known=False),
    OpRow("Unique", lambda x: list(tf.unique(x)), [Arg((12,), -3, 3, np.int32)], _np_unique,
          grad=False, static_shape_known=False, label="random"),
    # ---------------------------------------------------------------- Diag / DiagPart
    OpRow("Diag", tf.diag, [(3,)], _np_diag, label="rank1"),
    OpRow("Diag", tf.diag, [(2, 3)], _np_diag, label="rank2"),
    OpRow("DiagPart", tf.diag_part, [(3, 3)], _np_diag_part, label="rank2"),
    OpRow("DiagPart", tf.diag_part, [(2, 3, 2, 3)], _np_diag_part, label="rank4"),
    # ---------------------------------------------------------------- Slice
    OpRow("Slice", lambda x: tf.slice(x, [1, 0], [2, -1]), [(3, 4)], lambda x: x[1:3, 0:]),
    OpRow("Slice", lambda x: tf.slice(x, [0, 1, 2], [1, 2, 2]), [(2, 3, 4)],
          lambda x: x[0:1, 1:3, 2:4], label="rank3"),
    # ---------------------------------------------------------------- Pad / PadV2 / MirrorPad
    OpRow("Pad", _tf_pad(PADDINGS), [(3, 4)], _np_pad(PADDINGS)),
    OpRow("Pad", _tf_pad([[0, 0], [1, 0], [0, 3]]), [(2, 3, 4)],
          _np_pad([[0, 0], [1, 0], [0, 3]]), label="rank3"),
    OpRow("PadV2", _tf_pad(PADDINGS, constant_values=0.5), [(3, 4)],
          _np_pad(PADDINGS, value=0.5)),
    OpRow("MirrorPad", _tf_pad(PADDINGS, "REFLECT"), [(3, 4)], _np_pad(PADDINGS, "REFLECT"),
          label="reflect"),
    OpRow("MirrorPad", _tf_pad([[3, 3], [0, 4]], "symmetric"), [(3, 4)],
          _np_pad([[3, 3], [0, 4]], "SYMMETRIC"), label="symmetric"),
    OpRow("MirrorPadGrad", _tf_mirror_pad_grad(PADDINGS, "REFLECT"), [(6, 7)],
          _np_mirror_pad_grad(PADDINGS, "REFLECT"), label="reflect"),
    OpRow("MirrorPadGrad", _tf_mirror_pad_grad([[3, 3], [0, 4]], "SYMMETRIC"), [(9, 8)],
          _np_mirror_pad_grad([[3, 3], [0, 4]], "SYMMETRIC"), label="symmetric"),
]
