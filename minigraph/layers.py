"""`tf.layers`: dense, conv2d, pooling, flatten, batch normalization and dropout, as TF1's
functional layers.

Each function opens a variable scope named after the layer (`dense`, `dense_1`, ...;
`batch_normalization`, ...) and creates its parameters with `tf.get_variable` inside it, so
names match TF1 (`dense/kernel:0`, `batch_normalization/gamma:0`), `reuse=True` shares them and
an enclosing `tf.variable_scope("model")` prefixes them.

Batch normalization is the layer with a twist: it has state that the gradient does not touch.
In training it normalizes each feature with the mini-batch's own mean and variance and updates
`moving_mean`/`moving_variance` as exponentially weighted averages; at inference it uses those
averages, so one example alone gets the same output as inside any batch. `training` may be a
Python bool or a boolean tensor (a placeholder switching one graph between the two modes). With
a tensor there is no `tf.cond`: both sets of statistics are computed and `tf.where` picks one,
and the moving-average step is multiplied by the flag, so at inference the update ops leave the
averages exactly unchanged.

The update ops go into `tf.GraphKeys.UPDATE_OPS` as in TF1, so TF1's idiom
`with tf.control_dependencies(update_ops): train = opt.minimize(loss)` works. Each layer also
records `(output, update ops)` in the collection `tf.train.Optimizer`'s `minimize()` reads: a
plain `minimize(loss)` runs the updates of every batch-norm layer that feeds `loss`, so the
moving averages cannot silently stay at their initial values (TF1's most common pitfall).
To meet that pitfall on purpose (to see what TF1 code without the idiom does), build the layers
under `strict_tf1()` (or after `set_strict_tf1(True)`): they then record nothing for
`minimize()`, exactly as in TF1, and only the idiom runs their update ops.
"""

from __future__ import annotations

import contextlib
import numbers
from typing import Callable, Optional, Sequence, Union

import numpy as np

from minigraph import dtypes, init_ops
from minigraph.graph import GraphKeys, name_scope
from minigraph.ops import array_ops, math_ops, nn_impl, nn_ops, state_ops
from minigraph.tensor import Tensor, constant_value, convert_to_tensor
from minigraph.train.optimizer import LAYER_UPDATE_OPS
from minigraph.tf1_names import module_getattr as _module_getattr
from minigraph.variable_scope import get_variable, variable_scope


# ---------------------------------------------------------------- strict TF1 mode
# Whether batch-norm layers built now leave their update ops to the caller, as TF1 does.
_STRICT_TF1 = {"on": False}


def set_strict_tf1(strict: bool = True) -> bool:
    """Turns TF1's strict batch-norm behaviour on (or off) for layers built from now on.

    minigraph's default (False) is the safe one: a plain `opt.minimize(loss)` runs the update
    ops of every batch-norm layer (`tf.layers.batch_normalization`,
    `tf.contrib.layers.batch_norm`) that feeds `loss`. With strict mode on, layers built
    afterwards record nothing for `minimize()`, as in TF1: their update ops are only in
    `tf.GraphKeys.UPDATE_OPS` (contrib: `updates_collections`), and unless the train op is
    built under
    `with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):`, the moving
    averages stay at their initial values (0 and 1) and inference goes wrong. It changes how
    layers are built, not how they run: layers built earlier keep what they were built with.

    Args:
        strict: True for TF1's behaviour, False for minigraph's default.

    Returns:
        The previous setting, so `set_strict_tf1(previous)` restores it.

    Example:
        >>> import minigraph as tf
        >>> previous = tf.layers.set_strict_tf1(True)
        >>> previous, tf.layers.set_strict_tf1(previous)
        (False, True)
    """
    previous = _STRICT_TF1["on"]
    _STRICT_TF1["on"] = bool(strict)
    return previous


@contextlib.contextmanager
def strict_tf1(strict: bool = True):
    """`set_strict_tf1(strict)` for the layers built inside the `with` block, then restored.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     with tf.layers.strict_tf1():
        ...         y = tf.layers.batch_normalization([[1.0], [3.0]], training=True)
        ...     loss = tf.reduce_sum(tf.square(y - 1.0))
        ...     train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        ...     moving_mean = tf.global_variables()[2]
        ...     sess.run(tf.global_variables_initializer())
        ...     _ = sess.run(train)                   # TF1's trap: the average stays at 0
        ...     print(moving_mean.name, sess.run(moving_mean))
        batch_normalization/moving_mean:0 [0.]
    """
    previous = set_strict_tf1(strict)
    try:
        yield
    finally:
        set_strict_tf1(previous)


# ---------------------------------------------------------------- helpers
@contextlib.contextmanager
def _layer_scope(name: Optional[str], default_name: str, reuse):
    """The variable scope (and name scope) of one layer call, named as TF1's layers do.

    With `reuse`, the scope is exactly `name` (or `default_name`), so the variables of an earlier
    call are shared; otherwise `name` (or `default_name`) is made unique: `dense`, `dense_1`.
    """
    if reuse:
        with variable_scope(name or default_name, reuse=reuse) as scope:
            yield scope
    else:
        with variable_scope(None, default_name=name or default_name) as scope:
            yield scope


def _training_value(training, layer: str) -> Union[bool, Tensor]:
    """`training` as a Python bool when known while building, else a boolean tensor."""
    if isinstance(training, (bool, np.bool_)):
        return bool(training)
    training = convert_to_tensor(training)
    if training.dtype != dtypes.bool:
        raise TypeError(
            f"{layer}: `training` must be a Python bool or a boolean tensor, got {training!r}. "
            "Use tf.placeholder(tf.bool, []) or tf.placeholder_with_default(False, [])."
        )
    if training.shape.ndims not in (None, 0):
        raise ValueError(f"{layer}: `training` must be a scalar, got shape {training.shape}.")
    if training.shape.ndims is None:
        # NOTE: TF1's idiom `tf.placeholder(tf.bool)` has no shape; the layer needs a scalar
        # (TF1's tf.cond does too), so say so in the graph: the outputs keep the inputs' shape.
        training = array_ops.reshape(training, [])
    value = constant_value(training)
    return training if value is None else bool(value)


def _feature_axes(axis, rank: int, layer: str) -> list:
    """`axis` (an int or a list of ints, negative allowed) as sorted non-negative axes."""
    axes = [axis] if isinstance(axis, numbers.Integral) else list(axis)
    result = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{layer}: axis {a} is out of range for an input of rank {rank}.")
        result.append(a % rank)
    if len(set(result)) != len(result):
        raise ValueError(f"{layer}: duplicate axis in {axis!r}.")
    return sorted(result)


# ---------------------------------------------------------------- dense
def dense(inputs, units: int, activation: Optional[Callable] = None, use_bias: bool = True,
          kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable: bool = True, name: Optional[str] = None,
          reuse=None) -> Tensor:
    """A fully connected layer: `activation(inputs @ kernel + bias)`.

    Creates `kernel` of shape `[inputs.shape[-1], units]` (default initializer: Glorot uniform,
    TF1's `get_variable` default) and, with `use_bias`, `bias` of shape `[units]` (zeros), in
    the variable scope `name` (default `dense`, `dense_1`, ...). Inputs of rank > 2 are treated
    as batches: the kernel multiplies the last axis.

    Args:
        inputs: a float tensor `[batch, ..., features]`; `features` must be known.
        units: the number of outputs.
        activation: a function applied to the result (e.g. `tf.nn.relu`), or None (linear).
        use_bias: whether to add a bias (leave it out before batch normalization: β replaces it).
        kernel_initializer, bias_initializer: initializers (`tf.zeros_initializer()`, ...).
        kernel_regularizer, bias_regularizer: functions of the variable returning a scalar
            loss, added to `tf.GraphKeys.REGULARIZATION_LOSSES`.
        activity_regularizer: a function of the output, added to the same collection.
        trainable: whether the variables go into `tf.GraphKeys.TRAINABLE_VARIABLES`.
        name: the layer's scope name.
        reuse: reuse the variables of an earlier layer with the same `name`.

    Returns:
        The output tensor, shape `[batch, ..., units]`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3])
        ...     h = tf.layers.dense(x, 4, activation=tf.nn.relu)
        ...     print(h, [v.name for v in tf.trainable_variables()])
        Tensor("dense/Relu:0", shape=(?, 4), dtype=float32) ['dense/kernel:0', 'dense/bias:0']
    """
    inputs = convert_to_tensor(inputs)
    if kernel_constraint is not None or bias_constraint is not None:
        raise NotImplementedError("dense: kernel_constraint and bias_constraint are not supported.")
    if inputs.shape.ndims is None or inputs.shape.ndims < 2:
        raise ValueError(
            f"dense: inputs must have rank >= 2 ([batch, features]), got {inputs!r}. Reshape a "
            "single example x to [1, features] with tf.reshape(x, [1, -1])."
        )
    in_dim = inputs.shape.as_list()[-1]
    if in_dim is None:
        raise ValueError(
            f"dense: the last dimension of the inputs should be defined, found None in {inputs!r}."
            " Give the placeholder a known feature size, e.g. tf.placeholder(tf.float32, "
            "[None, 784])."
        )
    if not inputs.dtype.is_floating:
        raise TypeError(f"dense: inputs must be a float tensor, got {inputs!r}; tf.cast it first.")
    units = int(units)
    with _layer_scope(name, "dense", reuse):
        kernel = get_variable(
            "kernel", [in_dim, units], dtype=inputs.dtype, initializer=kernel_initializer,
            regularizer=kernel_regularizer, trainable=trainable,
        )
        outputs = math_ops.matmul(inputs, kernel)
        if use_bias:
            bias = get_variable(
                "bias", [units], dtype=inputs.dtype,
                initializer=bias_initializer or init_ops.zeros_initializer(),
                regularizer=bias_regularizer, trainable=trainable,
            )
            outputs = math_ops.add(outputs, bias, name="BiasAdd")
        outputs = _finish(outputs, activation, activity_regularizer)
    return outputs


# ---------------------------------------------------------------- conv2d
def _pair(value, name: str) -> tuple:
    """An int or a pair of ints as a pair (Keras's `normalize_tuple`)."""
    values = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    if len(values) != 2 or not all(isinstance(v, numbers.Integral) for v in values):
        raise ValueError(
            f"The `{name}` argument must be a tuple of 2 integers. Received: {value!r}")
    return tuple(int(v) for v in values)


def _padding_name(padding: str) -> str:
    """'valid'/'same' in any case, as the ops' "VALID"/"SAME"."""
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(
            f'The `padding` argument must be one of "valid", "same". Received: {padding}')
    return padding.upper()


def _data_format_name(data_format: str) -> str:
    """'channels_last'/'channels_first' as the ops' "NHWC"/"NCHW"."""
    formats = {"channels_last": "NHWC", "channels_first": "NCHW"}
    if data_format not in formats:
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {data_format}")
    return formats[data_format]


def _image_input(inputs, layer: str, data_format: str) -> tuple:
    """(inputs as a float tensor of rank 4, its number of channels, which must be known)."""
    inputs = convert_to_tensor(inputs)
    if inputs.shape.ndims != 4:
        raise ValueError(
            f"Input 0 of layer {layer} is incompatible with the layer: expected ndim=4, found "
            f"ndim={inputs.shape.ndims}. Full shape received: {inputs.shape}. Images are "
            "[batch, height, width, channels]: tf.reshape(x, [-1, height, width, channels]).")
    if not inputs.dtype.is_floating:
        raise TypeError(f"{layer}: inputs must be a float tensor, got {inputs!r}; tf.cast it.")
    channels = inputs.shape.as_list()[3 if data_format == "NHWC" else 1]
    if channels is None:
        raise ValueError(
            f"{layer}: the channel dimension of the inputs should be defined. Found `None` in "
            f"{inputs!r}.")
    return inputs, channels


def _finish(outputs: Tensor, activation, activity_regularizer) -> Tensor:
    """A layer's last steps: the activation, then the activity regularizer's loss."""
    if activation is not None:
        outputs = activation(outputs)
    if activity_regularizer is not None:
        with name_scope("ActivityRegularizer", values=[outputs]):
            penalty = activity_regularizer(outputs)
        outputs.graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)
    return outputs


# TF1's default, one instance made when the module loads (as TF's signature does).
_ZEROS = init_ops.zeros_initializer()


def conv2d(inputs, filters: int, kernel_size, strides=(1, 1), padding: str = "valid",
           data_format: str = "channels_last", dilation_rate=(1, 1),
           activation: Optional[Callable] = None, use_bias: bool = True, kernel_initializer=None,
           bias_initializer=_ZEROS, kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable: bool = True, name: Optional[str] = None,
           reuse=None) -> Tensor:
    """A 2-D convolution layer: `activation(conv2d(inputs, kernel) + bias)`.

    Creates `kernel` of shape `kernel_size + [in_channels, filters]` (default initializer:
    Glorot uniform) and, with `use_bias`, `bias` of shape `[filters]` (zeros), in the variable
    scope `name` (default `conv2d`, `conv2d_1`, ...).

    Args:
        inputs: a float tensor `[batch, height, width, channels]` (or channels first); the
            number of channels must be known.
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: an int or a pair of ints (height, width).
        padding: "valid" (the default: no padding, the output shrinks) or "same" (either case).
        data_format: "channels_last" (NHWC, default) or "channels_first" (NCHW).
        activation: applied to the result (e.g. `tf.nn.relu`), or None (linear).
        use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, trainable, name, reuse: as in `dense`.

    Returns:
        `[batch, out_height, out_width, filters]` (channels last).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        ...     h = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
        ...     print(h, [v.name for v in tf.trainable_variables()])
        Tensor("conv2d/Relu:0", shape=(?, 28, 28, 32), dtype=float32) \
['conv2d/kernel:0', 'conv2d/bias:0']
    """
    if kernel_constraint is not None or bias_constraint is not None:
        raise NotImplementedError(
            "conv2d: kernel_constraint and bias_constraint are not supported.")
    fmt = _data_format_name(data_format)
    inputs, channels = _image_input(inputs, "conv2d", fmt)
    kernel_size = _pair(kernel_size, "kernel_size")
    strides = _pair(strides, "strides")
    dilation_rate = _pair(dilation_rate, "dilation_rate")
    padding = _padding_name(padding)
    with _layer_scope(name, "conv2d", reuse):
        kernel = get_variable(
            "kernel", list(kernel_size) + [channels, int(filters)], dtype=inputs.dtype,
            initializer=kernel_initializer, regularizer=kernel_regularizer, trainable=trainable,
        )
        outputs = nn_ops.conv2d(inputs, kernel, strides, padding, data_format=fmt,
                                dilations=dilation_rate)
        if use_bias:
            bias = get_variable(
                "bias", [int(filters)], dtype=inputs.dtype,
                initializer=bias_initializer or init_ops.zeros_initializer(),
                regularizer=bias_regularizer, trainable=trainable,
            )
            outputs = nn_ops.bias_add(outputs, bias, data_format=fmt)
        return _finish(outputs, activation, activity_regularizer)


# ---------------------------------------------------------------- pooling
def _pooling2d(pool, inputs, pool_size, strides, padding, data_format, name, layer):
    fmt = _data_format_name(data_format)
    inputs, _ = _image_input(inputs, layer, fmt)
    pool_size = _pair(pool_size, "pool_size")
    strides = _pair(strides, "strides")
    padding = _padding_name(padding)
    with _layer_scope(name, layer, None):
        return pool(inputs, pool_size, strides, padding, data_format=fmt)


def max_pooling2d(inputs, pool_size, strides, padding: str = "valid",
                  data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """Max pooling: the maximum of each `pool_size` window, moved by `strides`.

    Args:
        inputs: a float tensor `[batch, height, width, channels]` (or channels first).
        pool_size, strides: an int or a pair of ints (height, width).
        padding: "valid" (default) or "same" (either case).
        data_format: "channels_last" (default) or "channels_first".
        name: the layer's name scope (default `max_pooling2d`, `max_pooling2d_1`, ...).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 28, 28, 32])
        ...     print(tf.layers.max_pooling2d(x, 2, 2))
        Tensor("max_pooling2d/MaxPool:0", shape=(?, 14, 14, 32), dtype=float32)
    """
    return _pooling2d(nn_ops.max_pool, inputs, pool_size, strides, padding, data_format, name,
                      "max_pooling2d")


def average_pooling2d(inputs, pool_size, strides, padding: str = "valid",
                      data_format: str = "channels_last", name: Optional[str] = None) -> Tensor:
    """Average pooling: the mean of each `pool_size` window, moved by `strides` (with "same"
    padding, of the values inside the image only).

    Args:
        inputs: a float tensor `[batch, height, width, channels]` (or channels first).
        pool_size, strides: an int or a pair of ints (height, width).
        padding: "valid" (default) or "same" (either case).
        data_format: "channels_last" (default) or "channels_first".
        name: the layer's name scope (default `average_pooling2d`, ...).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 5, 5, 3])
        ...     print(tf.layers.average_pooling2d(x, 2, 2, padding="same"))
        Tensor("average_pooling2d/AvgPool:0", shape=(?, 3, 3, 3), dtype=float32)
    """
    return _pooling2d(nn_ops.avg_pool, inputs, pool_size, strides, padding, data_format, name,
                      "average_pooling2d")


# ---------------------------------------------------------------- flatten
def flatten(inputs, name: Optional[str] = None, data_format: str = "channels_last") -> Tensor:
    """Reshapes `[batch, d1, d2, ...]` to `[batch, d1 * d2 * ...]`, keeping the batch axis.

    With `data_format="channels_first"` the channels are first moved last, so the features come
    out in the same order as for channels-last images.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 2, 2, 16])
        ...     print(tf.layers.flatten(x))
        Tensor("flatten/Reshape:0", shape=(?, 64), dtype=float32)
    """
    fmt = _data_format_name(data_format)
    inputs = convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    if rank is None or rank < 2:
        raise ValueError(
            f"Input 0 of layer flatten is incompatible with the layer: expected min_ndim=2, "
            f"found ndim={rank}. Full shape received: {inputs.shape}. The first axis is the "
            "batch: give a single example as [1, ...].")
    with _layer_scope(name, "flatten", None):
        if fmt == "NCHW" and rank > 2:
            inputs = array_ops.transpose(inputs, [0] + list(range(2, rank)) + [1])
        dims = inputs.shape.as_list()[1:]
        if None in dims or 0 in dims:
            batch = array_ops.shape(inputs)[0]
            return array_ops.reshape(inputs, array_ops.stack([batch, -1]))
        return array_ops.reshape(inputs, [-1, int(np.prod(dims))])


# ---------------------------------------------------------------- batch_normalization
def batch_normalization(inputs, axis: Union[int, Sequence[int]] = -1, momentum: float = 0.99,
                        epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                        beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training: Union[bool, Tensor] = False,
                        trainable: bool = True, name: Optional[str] = None, reuse=None,
                        renorm: bool = False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None) -> Tensor:
    """Batch normalization: `z̃ = γ (z - μ) / sqrt(σ² + ε) + β`, per feature.

    In training, μ and σ² are the mini-batch's mean and (biased) variance over every axis but
    `axis`, and each call of the update ops moves the moving averages toward them:
    `moving = moving * momentum + batch * (1 - momentum)`. At inference, μ and σ² are the moving
    averages. Creates `gamma` (ones) and `beta` (zeros), trainable, and `moving_mean` (zeros)
    and `moving_variance` (ones), not trainable, in the variable scope `name` (default
    `batch_normalization`, `batch_normalization_1`, ...).

    Args:
        inputs: a float tensor; the sizes along `axis` must be known.
        axis: the feature axis (or axes) that get their own statistics: -1 for `[batch,
            features]` and NHWC images, 1 for NCHW.
        momentum: the decay of the moving averages.
        epsilon: ε, added to the variance for numerical stability.
        center, scale: whether to learn β and γ.
        *_initializer, *_regularizer: for the four variables (TF1's arguments).
        training: a Python bool, or a scalar boolean tensor to switch one graph between the
            batch statistics (True) and the moving averages (False).
        trainable: whether γ and β go into `tf.GraphKeys.TRAINABLE_VARIABLES`.
        name: the layer's scope name.
        reuse: reuse the variables of an earlier layer with the same `name`.
        renorm, renorm_clipping, renorm_momentum, virtual_batch_size, adjustment: TF1 options
            that minigraph does not implement (NotImplementedError).
        fused: None (the default) or True: 4-D float32 inputs normalized per channel take TF1's
            fused-kernel rule, whose moving variance uses Bessel's correction; False: the
            biased variance, as for every other input.

    Returns:
        The normalized tensor, same shape as `inputs`. Unless `training` is False, two update
        ops are added to `tf.GraphKeys.UPDATE_OPS`; `opt.minimize(loss)` runs them anyway,
        unless the layer was built under `strict_tf1()` (then, as in TF1, only
        `tf.control_dependencies(update_ops)` around `minimize` does).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 3])
        ...     is_training = tf.placeholder(tf.bool, [])
        ...     y = tf.layers.batch_normalization(x, training=is_training)
        ...     print([v.name for v in tf.global_variables()])
        ['batch_normalization/gamma:0', 'batch_normalization/beta:0', \
'batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']
    """
    layer = "batch_normalization"
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise NotImplementedError(
            f"{layer}: renorm, virtual_batch_size and adjustment are not supported by minigraph."
        )
    if beta_constraint is not None or gamma_constraint is not None:
        raise NotImplementedError(f"{layer}: beta/gamma constraints are not supported.")
    inputs = _batch_norm_input(inputs, layer)
    axes = _feature_axes_known(inputs, axis, layer)
    training = _training_value(training, layer)
    initializers = {"beta": beta_initializer, "gamma": gamma_initializer,
                    "moving_mean": moving_mean_initializer,
                    "moving_variance": moving_variance_initializer}
    regularizers = {"beta": beta_regularizer, "gamma": gamma_regularizer}
    with _layer_scope(name, layer, reuse):
        outputs, updates = _batch_norm_in_scope(
            inputs, axes, momentum, epsilon, center, scale, training, trainable, initializers,
            regularizers, layer, unbiased_moving_variance=_takes_fused_path(inputs, axes, fused))
        _record_update_ops(outputs, updates, GraphKeys.UPDATE_OPS)
    return outputs


def _takes_fused_path(inputs: Tensor, axes: list, fused) -> bool:
    """Whether TF1 computes this layer with its fused kernel: 4-D float16/float32 inputs
    normalized per channel (axis 1 or 3), unless `fused=False`.

    NOTE: the fused kernel reports the batch variance with Bessel's correction (m / (m - 1), m
    values per channel) for the moving variance, while the batch itself is normalized with the
    biased variance; the unfused path (every other input) uses the biased one for both. So a
    convolutional network's moving variance differs from a dense network's rule, and minigraph
    follows TF1 in both (checked against TensorFlow 2.21's `tf.compat.v1.layers`).
    """
    return (fused is not False and inputs.shape.ndims == 4 and axes in ([1], [3])
            and inputs.dtype.name in ("float16", "float32"))


def _batch_norm_input(inputs, layer: str) -> Tensor:
    inputs = convert_to_tensor(inputs)
    if not inputs.dtype.is_floating:
        raise TypeError(f"{layer}: inputs must be a float tensor, got {inputs!r}.")
    if inputs.shape.ndims is None:
        raise ValueError(f"{layer}: inputs must have a known rank, got {inputs!r}.")
    return inputs


def _feature_axes_known(inputs: Tensor, axis, layer: str) -> list:
    """`axis` as sorted non-negative axes, whose sizes in `inputs` must be known."""
    axes = _feature_axes(axis, inputs.shape.ndims, layer)
    dims = inputs.shape.as_list()
    if any(dims[a] is None for a in axes):
        raise ValueError(
            f"{layer}: the inputs' size along axis {axis} must be known (it sets the number of "
            f"features), got shape {inputs.shape}."
        )
    return axes


def _batch_norm_in_scope(inputs: Tensor, axes: list, momentum: float, epsilon: float,
                        center: bool, scale: bool, training, trainable: bool,
                        initializers: dict, regularizers: dict, layer: str,
                        beta_first: bool = False, collections=None,
                        unbiased_moving_variance: bool = False) -> tuple:
    """The batch-norm machinery shared by `batch_normalization` and contrib's `batch_norm`,
    inside the layer's (already open) variable scope.

    Creates `gamma`/`beta` (as `scale`/`center` say; `beta_first` creates beta first, as TF's
    fused path does), `moving_mean` and `moving_variance` (not trainable), normalizes `inputs`
    over every axis but `axes` (from `_feature_axes_known`), and builds the moving-average
    updates (none when `training` is False). With `unbiased_moving_variance`, the moving
    variance averages the batch variance times `m / (m - 1)` (m values per feature), as TF's
    fused kernel reports it; the batch itself is always normalized with the biased variance.
    `collections`, if given, maps a variable's name ("beta", ...) to its collections.

    Returns:
        `(outputs, update_ops)`; the caller records the updates (`_record_update_ops`).
    """
    rank = inputs.shape.ndims
    dims = inputs.shape.as_list()
    param_shape = [dims[a] for a in axes]
    reduction_axes = [a for a in range(rank) if a not in axes]
    # Parameters of shape param_shape broadcast against the inputs as they are when the feature
    # axes are the last ones (the usual [batch, features] or NHWC); otherwise (NCHW) reshape.
    trailing = axes == list(range(rank - len(axes), rank))
    broadcast_shape = [dims[a] if a in axes else 1 for a in range(rank)]

    def broadcastable(v):
        """A parameter `v` shaped to broadcast against the inputs (as is when the axes are last)."""
        if v is None or trailing:
            return v
        return array_ops.reshape(v, broadcast_shape)

    params = _batch_norm_variables(param_shape, inputs.dtype, center, scale, trainable,
                                   initializers, regularizers, beta_first, collections)
    gamma, beta = params["gamma"], params["beta"]
    moving_mean, moving_variance = params["moving_mean"], params["moving_variance"]
    if training is False:
        mean, variance = moving_mean, moving_variance
    else:
        batch_mean, batch_variance = nn_impl.moments(inputs, reduction_axes)
        if training is True:
            mean, variance = batch_mean, batch_variance
        else:
            mean = math_ops.where(training, batch_mean, moving_mean)
            variance = math_ops.where(training, batch_variance, moving_variance)
    outputs = nn_impl.batch_normalization(
        inputs, broadcastable(mean), broadcastable(variance), broadcastable(beta),
        broadcastable(gamma), epsilon,
    )
    if training is False:
        return outputs, []
    if unbiased_moving_variance:
        batch_variance = batch_variance * _bessel_factor(inputs, reduction_axes)
    # NOTE: created after `outputs`, so in a run they come after every read of the moving
    # averages by the inference branch (a plan runs ops in creation order).
    updates = [
        _assign_moving_average(moving_mean, batch_mean, momentum, training),
        _assign_moving_average(moving_variance, batch_variance, momentum, training),
    ]
    return outputs, updates


def _batch_norm_variables(param_shape, dtype, center, scale, trainable, initializers,
                          regularizers, beta_first, collections) -> dict:
    """gamma, beta (None unless scale/center), moving_mean and moving_variance, in TF's order."""
    defaults = {"gamma": init_ops.ones_initializer(), "beta": init_ops.zeros_initializer(),
                "moving_mean": init_ops.zeros_initializer(),
                "moving_variance": init_ops.ones_initializer()}
    wanted = {"gamma": scale, "beta": center, "moving_mean": True, "moving_variance": True}
    order = ["beta", "gamma"] if beta_first else ["gamma", "beta"]
    params = {}
    for key in order + ["moving_mean", "moving_variance"]:
        if not wanted[key]:
            params[key] = None
            continue
        params[key] = get_variable(
            key, param_shape, dtype=dtype,
            initializer=initializers.get(key) or defaults[key],
            regularizer=regularizers.get(key),
            trainable=trainable and key in ("gamma", "beta"),
            collections=None if collections is None else collections(key),
        )
    return params


def _bessel_factor(inputs: Tensor, reduction_axes: list) -> Tensor:
    """m / (m - 1) for the m values per feature of `inputs` (a tensor if m is not static)."""
    dims = inputs.shape.as_list()
    m = 1
    for a in reduction_axes:
        if dims[a] is None:
            count = math_ops.cast(math_ops.reduce_prod(
                array_ops.gather(array_ops.shape(inputs), reduction_axes)), inputs.dtype)
            return count / math_ops.maximum(count - 1.0, 1.0)
        m *= dims[a]
    return convert_to_tensor(m / max(m - 1, 1), dtype=inputs.dtype)


def _record_update_ops(outputs: Tensor, updates: list, collection: Optional[str]) -> None:
    """Adds a layer's update ops to `collection` (TF1's `UPDATE_OPS`, unless None) and records
    `(outputs, updates)` where `minimize()` finds them, so they cannot be forgotten (unless the
    layer is built in strict TF1 mode: then, as in TF1, they are the caller's job)."""
    if not updates:
        return
    graph = outputs.graph
    if collection:
        for u in updates:
            graph.add_to_collection(collection, u)
    if not _STRICT_TF1["on"]:
        graph.add_to_collection(LAYER_UPDATE_OPS, (outputs, updates))


def _assign_moving_average(variable, value, momentum: float, training) -> Tensor:
    """`variable -= (variable - value) * (1 - momentum)`, TF1's moving-average step.

    With a boolean tensor `training`, the step is also multiplied by `cast(training)`: at
    inference it is exactly zero, so running the update op leaves `variable` unchanged.
    """
    with name_scope("AssignMovingAvg", values=[variable, value]) as scope:
        decay = convert_to_tensor(1.0 - momentum, dtype=variable.dtype, name="decay")
        if isinstance(training, Tensor):
            decay = decay * math_ops.cast(training, variable.dtype)
        delta = (variable - value) * decay
        return state_ops.assign_sub(variable, delta, name=scope)


# ---------------------------------------------------------------- dropout
def dropout(inputs, rate: float = 0.5, noise_shape=None, seed: Optional[int] = None,
            training: Union[bool, Tensor] = False, name: Optional[str] = None) -> Tensor:
    """Dropout in training, the identity at inference (TF1's `tf.layers.dropout`).

    In training each value is zeroed with probability `rate` and the kept ones are scaled by
    `1 / (1 - rate)` ("inverted dropout"), so nothing changes at inference. Note `rate` is the
    fraction *dropped*, whereas `tf.nn.dropout`'s `keep_prob` is the fraction kept.

    Args:
        inputs: a float tensor.
        rate: the probability of dropping each value, in [0, 1).
        noise_shape: the shape of the random keep mask (e.g. `[batch, 1]` to drop whole rows).
        seed: the op seed (with `tf.set_random_seed`, makes the masks reproducible).
        training: a Python bool, or a scalar boolean tensor switching one graph.
        name: the name scope (default `dropout`).

    Returns:
        A tensor of the shape of `inputs`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     y = tf.layers.dropout(tf.ones([2, 2]), rate=0.5, training=False)
        ...     print(sess.run(y))
        [[1. 1.]
         [1. 1.]]
    """
    inputs = convert_to_tensor(inputs)
    training = _training_value(training, "dropout")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate}.")
    with name_scope(name, "dropout", [inputs]):
        if training is False or rate == 0.0:
            return array_ops.identity(inputs)
        dropped = nn_impl.dropout(inputs, rate=rate, noise_shape=noise_shape, seed=seed)
        if training is True:
            return dropped
        return math_ops.where(training, dropped, inputs)

__getattr__ = _module_getattr(__name__)
