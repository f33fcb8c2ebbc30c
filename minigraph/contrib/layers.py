"""`tf.contrib.layers`: the pieces of TF1's contrib layers that tutorials reach for.

TF1 tutorials reach into `tf.contrib` for a few things that later became core API
(`tf.contrib.layers.xavier_initializer(seed=1)`, `flatten`, `fully_connected`, `conv2d`,
`batch_norm`, `l2_regularizer`). minigraph keeps them in this package, as thin wrappers over the
core modules, so the rest of the library never depends on them; the import paths TF1 code uses
(`from tensorflow.contrib.layers import xavier_initializer`) work too.

contrib's layers differ from `tf.layers` in their defaults, and TF1 code relies on them:
`fully_connected` and `conv2d` apply a ReLU unless `activation_fn=None`, `conv2d` pads "SAME",
the variables are `weights`/`biases` in scopes `fully_connected`, `Conv`, `BatchNorm` (and join
`tf.GraphKeys.MODEL_VARIABLES`), and `batch_norm` has `decay=0.999`, `scale=False` and
`is_training=True`. Its update ops go to `tf.GraphKeys.UPDATE_OPS` (and, as with
`tf.layers.batch_normalization`, a plain `minimize()` runs them); `updates_collections=None`
runs them with the layer's output instead.

Note that contrib's `variance_scaling_initializer` is *not* the core one: its defaults are He
initialization (`factor=2.0, mode="FAN_IN"`), its modes are upper-case, and its normal
distribution is a truncated normal with variance `1.3 * factor / n` (contrib's own correction
for the truncation, kept here for fidelity).
"""

from __future__ import annotations

import math
import numbers
from typing import Callable, Optional

from minigraph import dtypes, init_ops
from minigraph import layers as core_layers
from minigraph.graph import GraphKeys, get_default_graph
from minigraph.ops import array_ops, math_ops, nn_impl, nn_ops, random_ops
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.tf1_names import module_getattr as _module_getattr
from minigraph.variable_scope import get_variable, variable_scope


def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN",
                                 uniform: bool = False, seed: Optional[int] = None,
                                 dtype=dtypes.float32):
    """TF1 contrib's He/Xavier initializer: variance `factor / n`, n from `mode`.

    Args:
        factor: the variance multiplier (2.0: He et al. for ReLU networks).
        mode: "FAN_IN", "FAN_OUT" or "FAN_AVG".
        uniform: uniform in `[-sqrt(3 factor / n), sqrt(3 factor / n)]` if True, else a
            truncated normal with stddev `sqrt(1.3 factor / n)`.
        seed: the op seed of the random op.
        dtype: a floating-point dtype.

    Returns:
        A function `(shape, dtype=dtype, partition_info=None) -> Tensor`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     he = tf.contrib.layers.variance_scaling_initializer(seed=1)
        ...     print(tf.get_variable("W", [4, 3], initializer=he))
        <tf.Variable 'W:0' shape=(4, 3) dtype=float32_ref>
    """
    default_dtype = dtypes.as_dtype(dtype)
    if not default_dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_AVG, FAN_OUT]")

    def _initializer(shape, dtype=default_dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        dims = init_ops._as_dims(shape)
        # contrib's fans are the core rule (a vector's are both its length, a scalar's 1).
        fan_in, fan_out = init_ops.compute_fans(dims)
        if mode == "FAN_IN":
            n = fan_in
        elif mode == "FAN_OUT":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(dims, -limit, limit, dtype, seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return random_ops.truncated_normal(dims, 0.0, stddev, dtype, seed=seed)

    return _initializer


def xavier_initializer(uniform: bool = True, seed: Optional[int] = None,
                       dtype=dtypes.float32):
    """Glorot/Xavier initialization as in TF1's `tf.contrib.layers.xavier_initializer`.

    The uniform version is `U(-sqrt(6 / (fan_in + fan_out)), +...)`, the same numbers as
    `tf.glorot_uniform_initializer`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     init = tf.contrib.layers.xavier_initializer(seed=1)
        ...     print(tf.get_variable("W1", [25, 12288], initializer=init))
        <tf.Variable 'W1:0' shape=(25, 12288) dtype=float32_ref>
    """
    return variance_scaling_initializer(
        factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype
    )


xavier_initializer_conv2d = xavier_initializer


# contrib's defaults: one instance each, made when the module loads (as TF's signatures do).
_XAVIER = xavier_initializer()
_ZEROS = init_ops.zeros_initializer()


def _collections(variables_collections, key: str) -> list:
    """The collections of contrib's variable `key`: GLOBAL_VARIABLES, MODEL_VARIABLES and those
    `variables_collections` (a list, or a dict by variable name) asks for."""
    extra = variables_collections
    if isinstance(extra, dict):
        extra = extra.get(key)
    if extra is None:
        extra = []
    elif isinstance(extra, str):
        extra = [extra]
    base = [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return base + [c for c in extra if c not in base]


def _collect_outputs(outputs_collections, outputs: Tensor) -> Tensor:
    for collection in outputs_collections or ():
        outputs.graph.add_to_collection(collection, outputs)
    return outputs


def _bias_normalize_activate(outputs, num_outputs, dtype, normalizer_fn, normalizer_params,
                             biases_initializer, biases_regularizer, trainable,
                             variables_collections, activation_fn, data_format="NHWC"):
    """The tail shared by `fully_connected` and `conv2d`: biases (unless a normalizer replaces
    them, or `biases_initializer` is None), the normalizer, the activation."""
    if normalizer_fn is None and biases_initializer is not None:
        biases = get_variable(
            "biases", [num_outputs], dtype=dtype, initializer=biases_initializer,
            regularizer=biases_regularizer, trainable=trainable,
            collections=_collections(variables_collections, "biases"),
        )
        outputs = nn_ops.bias_add(outputs, biases, data_format=data_format)
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return outputs


# ---------------------------------------------------------------- flatten
def flatten(inputs, outputs_collections=None, scope: Optional[str] = None) -> Tensor:
    """Flattens `[batch, ...]` to `[batch, k]` (TF1 contrib's, in the name scope `Flatten`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     p2 = tf.placeholder(tf.float32, [None, 2, 2, 16])
        ...     print(tf.contrib.layers.flatten(p2))
        Tensor("Flatten/flatten/Reshape:0", shape=(?, 64), dtype=float32)
    """
    inputs = convert_to_tensor(inputs)
    with inputs.graph.name_scope(scope or "Flatten"):
        outputs = core_layers.flatten(inputs)
    return _collect_outputs(outputs_collections, outputs)


# ---------------------------------------------------------------- fully_connected
def fully_connected(inputs, num_outputs: int, activation_fn: Optional[Callable] = nn_ops.relu,
                    normalizer_fn: Optional[Callable] = None, normalizer_params=None,
                    weights_initializer=_XAVIER, weights_regularizer=None,
                    biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None,
                    trainable: bool = True, scope: Optional[str] = None) -> Tensor:
    """A fully connected layer, `activation_fn(inputs @ weights + biases)`: TF1 contrib's.

    Creates `weights` `[inputs.shape[-1], num_outputs]` (Xavier/Glorot uniform) and `biases`
    `[num_outputs]` (zeros) in the variable scope `scope` (default `fully_connected`,
    `fully_connected_1`, ...). NOTE: the default activation is a ReLU; pass `activation_fn=None`
    for the logits of a softmax layer.

    Args:
        inputs: a float tensor `[batch, ..., features]` with `features` known.
        num_outputs: the number of units (an int).
        activation_fn: applied last; None for a linear layer.
        normalizer_fn, normalizer_params: e.g. `tf.contrib.layers.batch_norm` and its keyword
            arguments, applied instead of the biases.
        weights_initializer, weights_regularizer, biases_initializer, biases_regularizer: for
            the variables (`biases_initializer=None`: no biases).
        reuse, scope: reuse the variables of the layer of scope `scope`.
        variables_collections, outputs_collections: extra collections (a list, or for the
            variables a dict by name) for the variables and for the output.
        trainable: add the variables to `tf.GraphKeys.TRAINABLE_VARIABLES`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 64])
        ...     z = tf.contrib.layers.fully_connected(x, 6, activation_fn=None)
        ...     print(z, [v.name for v in tf.model_variables()])
        Tensor("fully_connected/BiasAdd:0", shape=(?, 6), dtype=float32) \
['fully_connected/weights:0', 'fully_connected/biases:0']
    """
    if not isinstance(num_outputs, numbers.Integral):
        raise ValueError(f"num_outputs should be int or long, got {num_outputs!r}.")
    inputs = convert_to_tensor(inputs)
    if inputs.shape.ndims is None or inputs.shape.ndims < 2:
        raise ValueError(f"fully_connected: inputs must have rank >= 2, got {inputs!r}.")
    in_dim = inputs.shape.as_list()[-1]
    if in_dim is None:
        raise ValueError(
            f"fully_connected: the last dimension of the inputs should be defined, found None "
            f"in {inputs!r}.")
    with variable_scope(scope, default_name="fully_connected", values=[inputs], reuse=reuse):
        weights = get_variable(
            "weights", [in_dim, int(num_outputs)], dtype=inputs.dtype,
            initializer=weights_initializer, regularizer=weights_regularizer,
            trainable=trainable, collections=_collections(variables_collections, "weights"),
        )
        outputs = math_ops.matmul(inputs, weights)
        outputs = _bias_normalize_activate(
            outputs, int(num_outputs), inputs.dtype, normalizer_fn, normalizer_params,
            biases_initializer, biases_regularizer, trainable, variables_collections,
            activation_fn)
    return _collect_outputs(outputs_collections, outputs)


# ---------------------------------------------------------------- conv2d
def convolution2d(inputs, num_outputs: int, kernel_size, stride=1, padding: str = "SAME",
                  data_format: Optional[str] = None, rate=1,
                  activation_fn: Optional[Callable] = nn_ops.relu,
                  normalizer_fn: Optional[Callable] = None, normalizer_params=None,
                  weights_initializer=_XAVIER, weights_regularizer=None,
                  biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                  variables_collections=None, outputs_collections=None,
                  trainable: bool = True, scope: Optional[str] = None) -> Tensor:
    """A 2-D convolution layer, `activation_fn(conv2d(inputs, weights) + biases)`: TF1
    contrib's `conv2d`.

    Creates `weights` `kernel_size + [in_channels, num_outputs]` (Xavier) and `biases`
    `[num_outputs]` (zeros) in the variable scope `scope` (default `Conv`, `Conv_1`, ...).
    NOTE: unlike `tf.layers.conv2d`, the default padding is "SAME" and the default activation
    a ReLU.

    Args:
        inputs: a float tensor `[batch, height, width, channels]` (NHWC) or NCHW.
        num_outputs: the number of filters.
        kernel_size, stride, rate: an int or a pair of ints; `rate` is the dilation.
        padding: "SAME" (default) or "VALID" (either case).
        data_format: None or "NHWC" (default), or "NCHW".
        activation_fn, normalizer_fn, normalizer_params, weights_initializer,
        weights_regularizer, biases_initializer, biases_regularizer, reuse,
        variables_collections, outputs_collections, trainable, scope: as in `fully_connected`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 64, 64, 3])
        ...     h = tf.contrib.layers.conv2d(x, 8, 4)
        ...     print(h, [v.name for v in tf.trainable_variables()])
        Tensor("Conv/Relu:0", shape=(?, 64, 64, 8), dtype=float32) \
['Conv/weights:0', 'Conv/biases:0']
    """
    if data_format not in (None, "NHWC", "NCHW"):
        raise ValueError(f"Invalid data_format: {data_format!r}")
    fmt = data_format or "NHWC"
    inputs = convert_to_tensor(inputs)
    if inputs.shape.ndims not in (None, 4):
        raise ValueError(
            f"conv2d: inputs must be 4-D images [batch, height, width, channels], got "
            f"{inputs!r} (minigraph's contrib conv2d is 2-D only).")
    inputs, channels = core_layers._image_input(inputs, "Conv", fmt)
    kernel_size = core_layers._pair(kernel_size, "kernel_size")
    strides = core_layers._pair(stride, "strides")
    rate = core_layers._pair(rate, "dilation_rate")
    padding = core_layers._padding_name(padding)
    with variable_scope(scope, default_name="Conv", values=[inputs], reuse=reuse):
        weights = get_variable(
            "weights", list(kernel_size) + [channels, int(num_outputs)], dtype=inputs.dtype,
            initializer=weights_initializer, regularizer=weights_regularizer,
            trainable=trainable, collections=_collections(variables_collections, "weights"),
        )
        outputs = nn_ops.conv2d(inputs, weights, strides, padding, data_format=fmt,
                                dilations=rate)
        outputs = _bias_normalize_activate(
            outputs, int(num_outputs), inputs.dtype, normalizer_fn, normalizer_params,
            biases_initializer, biases_regularizer, trainable, variables_collections,
            activation_fn, data_format=fmt)
    return _collect_outputs(outputs_collections, outputs)


conv2d = convolution2d


# ---------------------------------------------------------------- regularizers
def _regularizer_scale(scale) -> float:
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if not isinstance(scale, numbers.Real):
        raise ValueError(f"scale must be a float, got {scale!r}")
    if scale < 0.0:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}.")
    return float(scale)


def _none_regularizer(_weights):
    """A scale of 0 disables the regularizer: no loss."""
    return None


def l2_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """A regularizer `scale * tf.nn.l2_loss(w)` = `scale * sum(w ** 2) / 2`.

    Pass it as `weights_regularizer=` / `kernel_regularizer=` / `get_variable(regularizer=)`;
    the losses land in `tf.GraphKeys.REGULARIZATION_LOSSES` (sum them with
    `tf.losses.get_regularization_loss()`).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     penalty = tf.contrib.layers.l2_regularizer(0.1)(tf.constant([1.0, 2.0]))
        ...     print(penalty.name, sess.run(penalty))
        l2_regularizer:0 0.25
    """
    scale = _regularizer_scale(scale)
    if scale == 0.0:
        return _none_regularizer

    def l2(weights):
        """`scale * l2_loss(weights)`, in the name scope `l2_regularizer`."""
        weights = convert_to_tensor(weights)
        with weights.graph.name_scope(scope or "l2_regularizer") as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype, name="scale")
            return math_ops.multiply(my_scale, nn_impl.l2_loss(weights), name=name)

    return l2


def l1_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """A regularizer `scale * sum(|w|)`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.contrib.layers.l1_regularizer(0.5)(tf.constant([1.0, -2.0]))))
        1.5
    """
    scale = _regularizer_scale(scale)
    if scale == 0.0:
        return _none_regularizer

    def l1(weights):
        """`scale * sum(|weights|)`, in the name scope `l1_regularizer`."""
        weights = convert_to_tensor(weights)
        with weights.graph.name_scope(scope or "l1_regularizer") as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype, name="scale")
            return math_ops.multiply(
                my_scale, math_ops.reduce_sum(math_ops.abs(weights)), name=name)

    return l1


def apply_regularization(regularizer: Callable, weights_list=None) -> Tensor:
    """The sum of `regularizer(w)` over `weights_list` (default: the `tf.GraphKeys.WEIGHTS`
    collection), also added to `tf.GraphKeys.REGULARIZATION_LOSSES`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     w = [tf.constant([3.0]), tf.constant([4.0])]
        ...     total = tf.contrib.layers.apply_regularization(
        ...         tf.contrib.layers.l2_regularizer(1.0), w)
        ...     print(sess.run(total))
        12.5
    """
    if not weights_list:
        weights_list = get_default_graph().get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    graph = convert_to_tensor(weights_list[0]).graph
    with graph.name_scope("get_regularization_penalty") as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [convert_to_tensor(0.0) if p is None else p for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError(
                    "regularizer must return a scalar Tensor instead of a Tensor with rank "
                    f"{p.shape.ndims}.")
        summed = math_ops.add_n(penalties, name=scope)
    graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
    return summed


# ---------------------------------------------------------------- batch_norm
def batch_norm(inputs, decay: float = 0.999, center: bool = True, scale: bool = False,
               epsilon: float = 0.001, activation_fn: Optional[Callable] = None,
               param_initializers: Optional[dict] = None,
               param_regularizers: Optional[dict] = None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable: bool = True,
               batch_weights=None, fused=None, data_format: str = "NHWC",
               zero_debias_moving_mean: bool = False, scope: Optional[str] = None,
               renorm: bool = False, renorm_clipping=None, renorm_decay: float = 0.99,
               adjustment=None) -> Tensor:
    """Batch normalization, TF1 contrib's: the machinery of `tf.layers.batch_normalization`
    (see docs/batch_norm.md) with contrib's defaults and names.

    Normalizes over every axis but the channels (the last axis; axis 1 for "NCHW"). Creates
    `beta` (if `center`), `gamma` (if `scale`; off by default: a following ReLU layer makes it
    redundant), `moving_mean` and `moving_variance` in the variable scope `scope` (default
    `BatchNorm`). While training, the moving averages follow `moving = moving * decay + batch *
    (1 - decay)`; the moving variance averages the batch variance with Bessel's correction
    (m / (m - 1)), as TF's fused kernel gives it.

    Args:
        inputs: a float tensor of known rank whose channel size is known.
        decay: the moving averages' decay (0.999: slow; lower it, e.g. 0.9, for short runs).
        center, scale: learn β and γ.
        epsilon: added to the variance.
        activation_fn: applied to the output.
        param_initializers, param_regularizers: dicts by variable name ("beta", "gamma",
            "moving_mean", "moving_variance").
        updates_collections: where the two update ops go (default `tf.GraphKeys.UPDATE_OPS`);
            None makes the output depend on them, so they run whenever the output does.
            Either way a plain `minimize()` of a loss that uses the output runs them too.
        is_training: a Python bool or a scalar boolean tensor: batch statistics (True) or the
            moving averages (False).
        reuse, scope, variables_collections, outputs_collections, trainable: as in
            `fully_connected`.
        data_format: "NHWC" or "NCHW".
        batch_weights, zero_debias_moving_mean, renorm, renorm_clipping, adjustment: not
            supported (NotImplementedError); `fused` and `renorm_decay` are ignored.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [None, 8, 8, 4])
        ...     y = tf.contrib.layers.batch_norm(x, is_training=True)
        ...     print(y.shape, [v.name for v in tf.global_variables()])
        (?, 8, 8, 4) ['BatchNorm/beta:0', 'BatchNorm/moving_mean:0', \
'BatchNorm/moving_variance:0']
    """
    del fused, renorm_decay
    layer = "batch_norm"
    if batch_weights is not None or renorm or renorm_clipping is not None or adjustment:
        raise NotImplementedError(
            f"{layer}: batch_weights, renorm and adjustment are not supported by minigraph.")
    if zero_debias_moving_mean:
        raise NotImplementedError(f"{layer}: zero_debias_moving_mean is not supported.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    inputs = core_layers._batch_norm_input(inputs, layer)
    rank = inputs.shape.ndims
    axis = 1 if data_format == "NCHW" and rank > 2 else rank - 1
    axes = core_layers._feature_axes_known(inputs, axis, layer)
    training = core_layers._training_value(is_training, layer)
    # TF takes its fused path (beta created before gamma) unless the inputs are 4-D and the
    # updates go to UPDATE_OPS, where the core layer (gamma first) does the work.
    beta_first = rank != 4 or updates_collections != GraphKeys.UPDATE_OPS

    def collections(key):
        return _collections(variables_collections, key)

    with variable_scope(scope, default_name="BatchNorm", values=[inputs], reuse=reuse):
        outputs, updates = core_layers._batch_norm_in_scope(
            inputs, axes, decay, epsilon, center, scale, training, trainable,
            param_initializers or {}, param_regularizers or {}, layer, beta_first=beta_first,
            collections=collections, unbiased_moving_variance=True)
        if updates_collections is None and updates:
            with outputs.graph.control_dependencies(updates):
                outputs = array_ops.identity(outputs)
        else:
            core_layers._record_update_ops(outputs, updates, updates_collections)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return _collect_outputs(outputs_collections, outputs)


__getattr__ = _module_getattr(__name__)
