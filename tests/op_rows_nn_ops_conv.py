"""Op-table rows for convolution, pooling and bias ops (minigraph/ops/nn_ops.py); see
tests/op_table.py.

The references are plain loops over output pixels and window taps, written from TF's documented
arithmetic (SAME: `out = ceil(n / s)`, padding `max((out - 1) s + (k - 1) d + 1 - n, 0)` split
with the odd one after; VALID: no padding), independent of the kernels' strided views. Images
and kernels are non-square, batches and channels > 1; strides 1 and 2, SAME and VALID,
dilation 2 and NCHW all have rows. tests/test_conv.py checks golden values from TensorFlow.
"""

import numpy as np

import minigraph as tf
from minigraph.ops import nn_ops
from op_table import Arg, OpRow


# ---------------------------------------------------------------- loop references (NHWC)
def _geometry(size, k, stride, dilation, padding):
    """(out, pad_before) along one axis."""
    effective = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - effective) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + effective - size, 0) // 2


def _windows(x_shape, kernel, strides, dilations, padding):
    """Yields (i, j, [(di, dj, r, q) for each tap inside the image]) for every output pixel."""
    _, h, w, _ = x_shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    oh, top = _geometry(h, kh, sh, dh, padding)
    ow, left = _geometry(w, kw, sw, dw, padding)
    for i in range(oh):
        for j in range(ow):
            taps = []
            for di in range(kh):
                for dj in range(kw):
                    r, q = i * sh + di * dh - top, j * sw + dj * dw - left
                    if 0 <= r < h and 0 <= q < w:
                        taps.append((di, dj, r, q))
            yield i, j, taps


def _out_hw(x_shape, kernel, strides, dilations, padding):
    return tuple(_geometry(n, k, s, d, padding)[0]
                 for n, k, s, d in zip(x_shape[1:3], kernel, strides, dilations))


def conv2d_ref(x, w, strides, padding, dilations=(1, 1)):
    oh, ow = _out_hw(x.shape, w.shape[:2], strides, dilations, padding)
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i, j, taps in _windows(x.shape, w.shape[:2], strides, dilations, padding):
        for di, dj, r, q in taps:
            out[:, i, j, :] += x[:, r, q, :] @ w[di, dj]
    return out


def conv2d_backprop_input_ref(x_shape, w, dy, strides, padding, dilations=(1, 1)):
    dx = np.zeros(x_shape)
    for i, j, taps in _windows(x_shape, w.shape[:2], strides, dilations, padding):
        for di, dj, r, q in taps:
            dx[:, r, q, :] += dy[:, i, j, :] @ w[di, dj].T
    return dx


def conv2d_backprop_filter_ref(x, w_shape, dy, strides, padding, dilations=(1, 1)):
    dw = np.zeros(w_shape)
    for i, j, taps in _windows(x.shape, w_shape[:2], strides, dilations, padding):
        for di, dj, r, q in taps:
            dw[di, dj] += x[:, r, q, :].T @ dy[:, i, j, :]
    return dw


def max_pool_ref(x, ksize, strides, padding):
    oh, ow = _out_hw(x.shape, ksize, strides, (1, 1), padding)
    out = np.empty((x.shape[0], oh, ow, x.shape[3]))
    for i, j, taps in _windows(x.shape, ksize, strides, (1, 1), padding):
        out[:, i, j, :] = np.max([x[:, r, q, :] for _, _, r, q in taps], axis=0)
    return out


def max_pool_grad_ref(x, grad, ksize, strides, padding):
    """Each window's gradient goes to its first maximum in row-major order (TF's rule)."""
    dx = np.zeros(x.shape)
    for i, j, taps in _windows(x.shape, ksize, strides, (1, 1), padding):
        for b in range(x.shape[0]):
            for c in range(x.shape[3]):
                values = [x[b, r, q, c] for _, _, r, q in taps]
                _, _, r, q = taps[int(np.argmax(values))]
                dx[b, r, q, c] += grad[b, i, j, c]
    return dx


def max_pool_grad_grad_ref(x, grad, ksize, strides, padding):
    oh, ow = _out_hw(x.shape, ksize, strides, (1, 1), padding)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for i, j, taps in _windows(x.shape, ksize, strides, (1, 1), padding):
        for b in range(x.shape[0]):
            for c in range(x.shape[3]):
                values = [x[b, r, q, c] for _, _, r, q in taps]
                _, _, r, q = taps[int(np.argmax(values))]
                out[b, i, j, c] = grad[b, r, q, c]
    return out


def avg_pool_ref(x, ksize, strides, padding):
    oh, ow = _out_hw(x.shape, ksize, strides, (1, 1), padding)
    out = np.empty((x.shape[0], oh, ow, x.shape[3]))
    for i, j, taps in _windows(x.shape, ksize, strides, (1, 1), padding):
        out[:, i, j, :] = np.mean([x[:, r, q, :] for _, _, r, q in taps], axis=0)
    return out


def avg_pool_grad_ref(x_shape, grad, ksize, strides, padding):
    dx = np.zeros(x_shape)
    for i, j, taps in _windows(x_shape, ksize, strides, (1, 1), padding):
        for _, _, r, q in taps:
            dx[:, r, q, :] += grad[:, i, j, :] / len(taps)
    return dx


def _nchw(fn, images: int = 1):
    """`fn` on NCHW arrays: the NHWC reference with the first `images` arguments (the image
    batches; not the filters) and the result transposed."""
    def wrapped(*arrays):
        arrays = [np.transpose(a, (0, 2, 3, 1)) if k < images else a
                  for k, a in enumerate(arrays)]
        return np.transpose(fn(*arrays), (0, 3, 1, 2))
    return wrapped


# ---------------------------------------------------------------- builders
def _conv(strides, padding, dilations=(1, 1, 1, 1), data_format="NHWC"):
    def build(x, w):
        return tf.nn.conv2d(x, w, strides, padding, data_format=data_format,
                            dilations=dilations)
    return build


def _conv_np(strides, padding, dilations=(1, 1)):
    def ref(x, w):
        return conv2d_ref(x, w, strides, padding, dilations)
    return ref


def _backprop_input(x_shape, strides, padding, dilations=(1, 1, 1, 1)):
    def build(w, dy):
        return tf.nn.conv2d_backprop_input(x_shape, w, dy, strides, padding,
                                           dilations=dilations)
    return build


def _backprop_input_np(x_shape, strides, padding, dilations=(1, 1)):
    def ref(w, dy):
        return conv2d_backprop_input_ref(x_shape, w, dy, strides, padding, dilations)
    return ref


def _backprop_filter(w_shape, strides, padding, dilations=(1, 1, 1, 1)):
    def build(x, dy):
        return tf.nn.conv2d_backprop_filter(x, w_shape, dy, strides, padding,
                                            dilations=dilations)
    return build


def _backprop_filter_np(w_shape, strides, padding, dilations=(1, 1)):
    def ref(x, dy):
        return conv2d_backprop_filter_ref(x, w_shape, dy, strides, padding, dilations)
    return ref


def _transpose(out_shape, strides, padding):
    def build(value, w):
        return tf.nn.conv2d_transpose(value, w, out_shape, strides, padding)
    return build


def _transpose_np(out_shape, strides, padding):
    def ref(value, w):
        return conv2d_backprop_input_ref(out_shape, w, value, strides, padding)
    return ref


def _pool(fn, ksize, strides, padding, data_format="NHWC"):
    def build(x):
        return fn(x, ksize, strides, padding, data_format=data_format)
    return build


def _pool_np(ref, ksize, strides, padding):
    def numpy_fn(x):
        return ref(x, ksize, strides, padding)
    return numpy_fn


def _max_pool_grad(ksize, strides, padding, data_format="NHWC"):
    """MaxPoolGrad(x, max_pool(x), grad), as tf.gradients builds it."""
    def build(x, grad):
        y = tf.nn.max_pool(x, ksize, strides, padding, data_format=data_format)
        return nn_ops._pool_op("MaxPoolGrad", [x, y, grad], ksize, strides, padding,
                               data_format, None)
    return build


def _max_pool_grad_np(ksize, strides, padding):
    def ref(x, grad):
        return max_pool_grad_ref(x, grad, ksize, strides, padding)
    return ref


def _max_pool_grad_grad(ksize, strides, padding):
    def build(x, grad):
        y = tf.nn.max_pool(x, ksize, strides, padding)
        return nn_ops._pool_op("MaxPoolGradGrad", [x, y, grad], ksize, strides, padding,
                               "NHWC", None)
    return build


def _max_pool_grad_grad_np(ksize, strides, padding):
    def ref(x, grad):
        return max_pool_grad_grad_ref(x, grad, ksize, strides, padding)
    return ref


def _avg_pool_grad(x_shape, ksize, strides, padding):
    def build(grad):
        return nn_ops._pool_op("AvgPoolGrad", [tf.constant(x_shape), grad], ksize, strides,
                               padding, "NHWC", None)
    return build


def _avg_pool_grad_np(x_shape, ksize, strides, padding):
    def ref(grad):
        return avg_pool_grad_ref(x_shape, grad, ksize, strides, padding)
    return ref


def _bias_add_grad(data_format):
    def build(grad):
        return nn_ops.apply_op("BiasAddGrad", [grad], attrs={"data_format": data_format})
    return build


# Ties, to check TF's rule that the first maximum of a window (row-major) takes the gradient.
_TIES = np.array([[1.0, 3.0, 3.0, 0.0, 2.0],
                  [3.0, 1.0, 0.0, 2.0, 2.0],
                  [0.0, 3.0, 3.0, 1.0, 2.0],
                  [0.0, 0.0, 1.0, 1.0, 0.0]]).reshape(1, 4, 5, 1)
_TIE_GRAD = np.arange(1.0, 7.0).reshape(1, 2, 3, 1)

S1, S2 = [1, 1, 1, 1], [1, 2, 2, 1]
NCHW_S2 = [1, 1, 2, 2]

ROWS = [
    # Conv2D
    OpRow("Conv2D", _conv(S1, "VALID"), [(2, 5, 4, 3), (3, 2, 3, 2)],
          _conv_np((1, 1), "VALID"), label="valid-s1"),
    OpRow("Conv2D", _conv(S2, "SAME"), [(2, 7, 6, 2), (3, 3, 2, 3)],
          _conv_np((2, 2), "SAME"), label="same-s2"),
    OpRow("Conv2D", _conv(S2, "VALID"), [(2, 7, 6, 2), (3, 2, 2, 3)],
          _conv_np((2, 2), "VALID"), label="valid-s2"),
    OpRow("Conv2D", _conv([1, 2, 1, 1], "SAME"), [(1, 6, 5, 2), (4, 2, 2, 2)],
          _conv_np((2, 1), "SAME"), label="same-even-kernel-pads-bottom-right"),
    OpRow("Conv2D", _conv(S1, "SAME", dilations=[1, 2, 2, 1]), [(2, 6, 7, 2), (2, 3, 2, 2)],
          _conv_np((1, 1), "SAME", (2, 2)), label="same-dilation2"),
    OpRow("Conv2D", _conv(S1, "VALID", dilations=[1, 2, 1, 1]), [(1, 7, 5, 2), (3, 2, 2, 3)],
          _conv_np((1, 1), "VALID", (2, 1)), label="valid-dilation2"),
    OpRow("Conv2D", _conv(S2, "SAME", dilations=[1, 2, 2, 1]), [(2, 7, 8, 1), (2, 2, 1, 2)],
          _conv_np((2, 2), "SAME", (2, 2)), label="same-s2-dilation2"),
    OpRow("Conv2D", _conv(NCHW_S2, "SAME", data_format="NCHW"), [(2, 3, 5, 4), (3, 2, 3, 2)],
          _nchw(_conv_np((2, 2), "SAME")), label="nchw"),
    # Conv2DBackpropInput (and conv2d_transpose, which builds one)
    OpRow("Conv2DBackpropInput", _backprop_input([2, 5, 4, 3], S1, "VALID"),
          [(3, 2, 3, 2), (2, 3, 3, 2)], _backprop_input_np((2, 5, 4, 3), (1, 1), "VALID"),
          label="valid-s1"),
    OpRow("Conv2DBackpropInput", _backprop_input([2, 7, 6, 2], S2, "SAME"),
          [(3, 3, 2, 3), (2, 4, 3, 3)], _backprop_input_np((2, 7, 6, 2), (2, 2), "SAME"),
          label="same-s2"),
    OpRow("Conv2DBackpropInput", _backprop_input([1, 6, 7, 2], S1, "SAME", [1, 2, 2, 1]),
          [(2, 3, 2, 2), (1, 6, 7, 2)],
          _backprop_input_np((1, 6, 7, 2), (1, 1), "SAME", (2, 2)), label="same-dilation2"),
    OpRow("Conv2DBackpropInput", _transpose([2, 6, 5, 2], S2, "SAME"),
          [(2, 3, 3, 3), (3, 2, 2, 3)], _transpose_np((2, 6, 5, 2), (2, 2), "SAME"),
          label="conv2d_transpose"),
    # Conv2DBackpropFilter
    OpRow("Conv2DBackpropFilter", _backprop_filter([3, 2, 3, 2], S1, "VALID"),
          [(2, 5, 4, 3), (2, 3, 3, 2)], _backprop_filter_np((3, 2, 3, 2), (1, 1), "VALID"),
          label="valid-s1"),
    OpRow("Conv2DBackpropFilter", _backprop_filter([3, 3, 2, 3], S2, "SAME"),
          [(2, 7, 6, 2), (2, 4, 3, 3)], _backprop_filter_np((3, 3, 2, 3), (2, 2), "SAME"),
          label="same-s2"),
    OpRow("Conv2DBackpropFilter", _backprop_filter([2, 3, 2, 2], S1, "SAME", [1, 2, 2, 1]),
          [(1, 6, 7, 2), (1, 6, 7, 2)],
          _backprop_filter_np((2, 3, 2, 2), (1, 1), "SAME", (2, 2)), label="same-dilation2"),
    # MaxPool
    OpRow("MaxPool", _pool(tf.nn.max_pool, [1, 2, 2, 1], S2, "VALID"), [(2, 5, 6, 3)],
          _pool_np(max_pool_ref, (2, 2), (2, 2), "VALID"), label="valid-2x2-s2"),
    OpRow("MaxPool", _pool(tf.nn.max_pool, [1, 3, 3, 1], S2, "SAME"), [(2, 5, 7, 2)],
          _pool_np(max_pool_ref, (3, 3), (2, 2), "SAME"), label="same-3x3-s2"),
    OpRow("MaxPool", _pool(tf.nn.max_pool, [1, 3, 2, 1], [1, 1, 2, 1], "SAME"), [(1, 4, 5, 2)],
          _pool_np(max_pool_ref, (3, 2), (1, 2), "SAME"), label="same-overlapping"),
    OpRow("MaxPool", _pool(tf.nn.max_pool, [1, 1, 2, 2], NCHW_S2, "VALID", "NCHW"),
          [(2, 3, 4, 5)], _nchw(_pool_np(max_pool_ref, (2, 2), (2, 2), "VALID")),
          label="nchw"),
    OpRow("MaxPool", _pool(tf.nn.max_pool, 2, 2, "SAME"), [_TIES],
          _pool_np(max_pool_ref, (2, 2), (2, 2), "SAME"), grad=False, label="ties"),
    # MaxPoolGrad
    OpRow("MaxPoolGrad", _max_pool_grad([1, 2, 2, 1], S2, "VALID"), [(2, 5, 6, 3), (2, 2, 3, 3)],
          _max_pool_grad_np((2, 2), (2, 2), "VALID"), label="valid-2x2-s2"),
    OpRow("MaxPoolGrad", _max_pool_grad([1, 3, 3, 1], S2, "SAME"), [(2, 5, 7, 2), (2, 3, 4, 2)],
          _max_pool_grad_np((3, 3), (2, 2), "SAME"), label="same-3x3-s2-overlapping"),
    OpRow("MaxPoolGrad", _max_pool_grad([1, 1, 3, 2], [1, 1, 1, 2], "SAME", "NCHW"),
          [(1, 2, 4, 5), (1, 2, 4, 3)], _nchw(_max_pool_grad_np((3, 2), (1, 2), "SAME"), images=2),
          label="nchw"),
    OpRow("MaxPoolGrad", _max_pool_grad(2, 2, "SAME"), [_TIES, _TIE_GRAD],
          _max_pool_grad_np((2, 2), (2, 2), "SAME"), grad=False, label="ties-first-max"),
    # MaxPoolGradGrad
    OpRow("MaxPoolGradGrad", _max_pool_grad_grad([1, 3, 3, 1], S2, "SAME"),
          [(2, 5, 7, 2), (2, 5, 7, 2)], _max_pool_grad_grad_np((3, 3), (2, 2), "SAME"),
          label="same-3x3-s2"),
    OpRow("MaxPoolGradGrad", _max_pool_grad_grad([1, 2, 2, 1], S2, "VALID"),
          [(2, 5, 6, 3), (2, 5, 6, 3)], _max_pool_grad_grad_np((2, 2), (2, 2), "VALID"),
          label="valid-2x2-s2"),
    # AvgPool
    OpRow("AvgPool", _pool(tf.nn.avg_pool, [1, 2, 2, 1], S2, "VALID"), [(2, 5, 6, 3)],
          _pool_np(avg_pool_ref, (2, 2), (2, 2), "VALID"), label="valid-2x2-s2"),
    OpRow("AvgPool", _pool(tf.nn.avg_pool, [1, 3, 3, 1], S2, "SAME"), [(2, 5, 7, 2)],
          _pool_np(avg_pool_ref, (3, 3), (2, 2), "SAME"), label="same-3x3-s2-valid-only"),
    OpRow("AvgPool", _pool(tf.nn.avg_pool, [1, 2, 3, 1], S1, "SAME"), [(1, 4, 5, 2)],
          _pool_np(avg_pool_ref, (2, 3), (1, 1), "SAME"), label="same-s1"),
    OpRow("AvgPool", _pool(tf.nn.avg_pool, [1, 1, 2, 2], NCHW_S2, "SAME", "NCHW"),
          [(2, 3, 5, 5)], _nchw(_pool_np(avg_pool_ref, (2, 2), (2, 2), "SAME")),
          label="nchw"),
    # AvgPoolGrad
    OpRow("AvgPoolGrad", _avg_pool_grad([2, 5, 7, 2], [1, 3, 3, 1], S2, "SAME"),
          [(2, 3, 4, 2)], _avg_pool_grad_np((2, 5, 7, 2), (3, 3), (2, 2), "SAME"),
          label="same-3x3-s2"),
    OpRow("AvgPoolGrad", _avg_pool_grad([2, 5, 6, 3], [1, 2, 2, 1], S2, "VALID"),
          [(2, 2, 3, 3)], _avg_pool_grad_np((2, 5, 6, 3), (2, 2), (2, 2), "VALID"),
          label="valid-2x2-s2"),
    # BiasAdd and BiasAddGrad
    OpRow("BiasAdd", tf.nn.bias_add, [(2, 3, 4, 5), (5,)], lambda x, b: x + b, label="nhwc"),
    OpRow("BiasAdd", tf.nn.bias_add, [(3, 4), (4,)], lambda x, b: x + b, label="rank2"),
    OpRow("BiasAdd", lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
          [(2, 3, 4, 5), (3,)], lambda x, b: x + b[:, None, None], label="nchw"),
    OpRow("BiasAddGrad", _bias_add_grad("NHWC"), [(2, 3, 4, 5)],
          lambda g: g.sum(axis=(0, 1, 2)), label="nhwc"),
    OpRow("BiasAddGrad", _bias_add_grad("NCHW"), [(2, 3, 4, 5)],
          lambda g: g.sum(axis=(0, 2, 3)), label="nchw"),
    OpRow("BiasAddGrad", _bias_add_grad("NHWC"), [(3, 4)], lambda g: g.sum(axis=0),
          label="rank2"),
]

assert all(isinstance(spec, (tuple, np.ndarray, Arg)) for row in ROWS for spec in row.inputs)
