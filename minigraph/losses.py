"""`tf.losses`: TF1's loss functions that reduce to one scalar and record it in a collection.

Each is a composite: the per-element loss from the ops (`squared_difference`, the fused
softmax cross-entropy, the stable sigmoid cross-entropy), times `weights`, then TF1's default
reduction `SUM_BY_NONZERO_WEIGHTS`: the weighted sum divided by the number of non-zero weights
(with the default `weights=1.0`, simply the mean). The result is added to the `LOSSES`
collection, which `get_losses()` and `get_total_loss()` read.
"""

from __future__ import annotations

from minigraph.graph import GraphKeys, get_collection, graph_of, name_scope
from minigraph.ops import array_ops, math_ops, nn_impl, nn_ops
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.tf1_names import module_getattr as _module_getattr


class Reduction:
    """How `tf.losses` reduce the weighted per-element losses (TF1's names)."""

    NONE = "none"
    SUM = "weighted_sum"
    MEAN = "weighted_mean"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"


def _compute_weighted_loss(losses: Tensor, weights, loss_collection, reduction) -> Tensor:
    """Weights `losses`, reduces them as `reduction` says, adds the result to the collection."""
    weights = convert_to_tensor(weights, dtype=losses.dtype) if not isinstance(
        weights, Tensor
    ) else math_ops.cast(weights, losses.dtype)
    weighted = losses * weights
    if reduction == Reduction.NONE:
        loss = weighted
    else:
        total = math_ops.reduce_sum(weighted)
        if reduction == Reduction.SUM:
            loss = total
        elif reduction == Reduction.MEAN:
            loss = _safe_div(total, math_ops.reduce_sum(weights * array_ops.ones_like(losses)))
        elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
            loss = _safe_div(total, math_ops.cast(array_ops.size(losses), losses.dtype))
        elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
            present = math_ops.not_equal(weights * array_ops.ones_like(losses), 0.0)
            loss = _safe_div(total, math_ops.reduce_sum(math_ops.cast(present, losses.dtype)))
        else:
            raise ValueError(
                f"Invalid reduction {reduction!r}: use one of tf.losses.Reduction's values "
                "(e.g. tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS)."
            )
    if loss_collection:
        loss.graph.add_to_collection(loss_collection, loss)
    return loss


def _safe_div(numerator: Tensor, denominator: Tensor) -> Tensor:
    """numerator / denominator, or 0 where the denominator is 0 (all weights zero)."""
    positive = math_ops.greater(denominator, 0.0)
    safe = math_ops.where(positive, denominator, array_ops.ones_like(denominator))
    return math_ops.where(positive, numerator / safe, array_ops.zeros_like(numerator), name="value")


def _float_pair(labels, predictions, fn_name: str):
    """Both as float tensors of one dtype (TF1 casts them to float32), shapes compatible."""
    with graph_of([predictions, labels]).as_default():
        predictions = math_ops.to_float(convert_to_tensor(predictions))
        labels = math_ops.to_float(convert_to_tensor(labels))
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(
            f"tf.losses.{fn_name}: labels shape {labels.shape} is incompatible with predictions "
            f"shape {predictions.shape}; they must be equal (e.g. reshape labels to [batch, 1] "
            "for a single-output model)."
        )
    return labels, predictions


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """The (weighted) mean of `(predictions - labels) ** 2`, a scalar by default.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.losses.mean_squared_error([1.0, 2.0], [1.0, 4.0])))
        2.0
    """
    labels, predictions = _float_pair(labels, predictions, "mean_squared_error")
    with name_scope(scope, "mean_squared_error", [predictions]):
        losses = math_ops.squared_difference(predictions, labels)
        return _compute_weighted_loss(losses, weights, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """The (weighted) mean of `|predictions - labels|`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.losses.absolute_difference([1.0, 2.0], [1.0, 4.0])))
        1.0
    """
    labels, predictions = _float_pair(labels, predictions, "absolute_difference")
    with name_scope(scope, "absolute_difference", [predictions]):
        losses = math_ops.abs(predictions - labels)
        return _compute_weighted_loss(losses, weights, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """The (weighted) mean over the batch of softmax cross-entropy of `logits` [batch, classes]
    against one-hot (or probability) `onehot_labels`; no gradient flows into the labels.

    With `label_smoothing` s, the labels become `labels * (1 - s) + s / num_classes`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     loss = tf.losses.softmax_cross_entropy([[0.0, 1.0]], [[0.0, 0.0]])
        ...     print(round(float(sess.run(loss)), 4))
        0.6931
    """
    with graph_of([logits, onehot_labels]).as_default():
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(convert_to_tensor(onehot_labels), logits.dtype)
    if not logits.shape.is_compatible_with(labels.shape):
        raise ValueError(
            f"tf.losses.softmax_cross_entropy: onehot_labels shape {labels.shape} is "
            f"incompatible with logits shape {logits.shape}; they must be equal (for integer "
            "class labels use tf.losses.sparse_softmax_cross_entropy or tf.one_hot first)."
        )
    with name_scope(scope, "softmax_cross_entropy_loss", [logits]):
        if label_smoothing:
            num_classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(
            labels=array_ops.stop_gradient(labels), logits=logits, name="xentropy"
        )
        return _compute_weighted_loss(losses, weights, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """The (weighted) mean over the batch of softmax cross-entropy of `logits` [batch, classes]
    against integer class `labels` [batch].

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     loss = tf.losses.sparse_softmax_cross_entropy([1], [[0.0, 0.0]])
        ...     print(round(float(sess.run(loss)), 4))
        0.6931
    """
    logits = convert_to_tensor(logits)
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits]):
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy"
        )
        return _compute_weighted_loss(losses, weights, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """The (weighted) mean of the element-wise logistic loss of `logits` against labels in
    [0, 1] (TF1's stable formula); with `label_smoothing` s, labels become `z (1 - s) + s / 2`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     loss = tf.losses.sigmoid_cross_entropy([[1.0, 0.0]], [[0.0, 0.0]])
        ...     print(round(float(sess.run(loss)), 4))
        0.6931
    """
    with graph_of([logits, multi_class_labels]).as_default():
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(convert_to_tensor(multi_class_labels), logits.dtype)
    with name_scope(scope, "sigmoid_cross_entropy_loss", [logits]):
        if label_smoothing:
            labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
        losses = nn_impl.sigmoid_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy"
        )
        return _compute_weighted_loss(losses, weights, loss_collection, reduction)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    """The losses recorded in `loss_collection` of the default graph (filtered by `scope`)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    """The tensors in the `REGULARIZATION_LOSSES` collection (filtered by `scope`)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name: str = "total_regularization_loss") -> Tensor:
    """The sum of the regularization losses (filtered by `scope`), or a constant 0.0 if none.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     w = tf.get_variable("w", initializer=[3.0, 4.0],
        ...                         regularizer=tf.contrib.layers.l2_regularizer(0.1))
        ...     sess.run(tf.global_variables_initializer())
        ...     print(round(float(sess.run(tf.losses.get_regularization_loss())), 6))
        1.25
    """
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return convert_to_tensor(0.0)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss") -> Tensor:
    """The sum of `get_losses()` (and of the regularization losses, by default).

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     _ = tf.losses.mean_squared_error([0.0], [2.0])
        ...     _ = tf.losses.absolute_difference([0.0], [1.0])
        ...     print(sess.run(tf.losses.get_total_loss()))
        5.0
    """
    losses = get_losses()
    if add_regularization_losses:
        losses = losses + get_regularization_losses()
    if not losses:
        raise ValueError(
            "get_total_loss found no losses: create them with tf.losses.* (which add to "
            "tf.GraphKeys.LOSSES) or tf.losses.add_loss(loss) first."
        )
    return math_ops.add_n(losses, name=name)


def add_loss(loss: Tensor, loss_collection=GraphKeys.LOSSES) -> None:
    """Adds a loss tensor you computed yourself to `loss_collection` (for `get_total_loss`)."""
    if loss_collection:
        loss.graph.add_to_collection(loss_collection, loss)

__getattr__ = _module_getattr(__name__)
