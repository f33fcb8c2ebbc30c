"""`tf.metrics`: streaming metrics, accumulated over many `sess.run` calls, as in TF1.

Each metric returns a pair `(value, update_op)`. Its running totals are *local* variables
(collections `LOCAL_VARIABLES` and `METRIC_VARIABLES`, not trainable, not saved by default),
named under the metric's scope: `accuracy/total:0`, `accuracy/count:0`. Running `update_op` on
a batch adds the batch to the totals and returns the metric over everything seen so far;
`value` reads the totals without changing them. `tf.local_variables_initializer()` creates and
resets the totals, so run it before the first update and again to start a new evaluation:

    acc, acc_op = tf.metrics.accuracy(labels, predictions)
    sess.run(tf.local_variables_initializer())
    for batch in batches:
        sess.run(acc_op, feed_dict=batch)
    print(sess.run(acc))

The arithmetic follows TF 1.15's `metrics_impl.py` step by step (float32 totals, `div_no_nan`,
AUC's 200 thresholds and its 1e-7 / 1e-6 epsilons), so the numbers are TF1's.
"""

from __future__ import annotations

from typing import Optional

from minigraph import dtypes
from minigraph.graph import GraphKeys, add_to_collections, control_dependencies, name_scope
from minigraph.ops import array_ops, check_ops, math_ops, state_ops
from minigraph.tensor import Tensor, convert_to_tensor
from minigraph.variable_scope import variable_scope
from minigraph.variables import Variable
from minigraph.tf1_names import module_getattr as _module_getattr

_KEPSILON = 1e-7  # AUC's outer thresholds sit this far outside [0, 1]
_EPSILON = 1.0e-6  # AUC's guard in its rates


def _metric_variable(shape, dtype, name: str) -> Variable:
    """A local float total starting at zero: what every metric accumulates into."""

    def zeros():
        return array_ops.zeros(shape, dtype=dtype)

    return Variable(zeros, trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])


def _add_to(collections, value) -> None:
    if collections:
        add_to_collections(list(collections), value)


def _squeezed(predictions: Tensor, labels: Optional[Tensor], weights=None):
    """TF1's `_remove_squeezable_dimensions`: drops a trailing dim of size 1 that makes the
    ranks of `predictions`, `labels` (and `weights`) differ by one, e.g. labels [N, 1]."""
    if labels is not None:
        predictions, labels = _squeezed_pair(predictions, labels)
    if weights is not None:
        weights = _weights_like(convert_to_tensor(weights), predictions)
    return predictions, labels, weights


def _squeezed_pair(predictions: Tensor, labels: Tensor) -> tuple:
    """Drops the trailing size-1 dim of whichever of the two has rank one more."""
    p_rank, l_rank = predictions.shape.ndims, labels.shape.ndims
    if p_rank is None or l_rank is None:
        return predictions, labels
    if p_rank == l_rank + 1 and predictions.shape.as_tuple()[-1] == 1:
        return array_ops.squeeze(predictions, [-1]), labels
    if l_rank == p_rank + 1 and labels.shape.as_tuple()[-1] == 1:
        return predictions, array_ops.squeeze(labels, [-1])
    return predictions, labels


def _weights_like(weights: Tensor, predictions: Tensor) -> Tensor:
    """`weights` with a trailing size-1 dim dropped, or one added, to match the predictions'
    rank."""
    w_rank, p_rank = weights.shape.ndims, predictions.shape.ndims
    if w_rank is None or p_rank is None:
        return weights
    if w_rank == p_rank + 1 and weights.shape.as_tuple()[-1] == 1:
        return array_ops.squeeze(weights, [-1])
    if w_rank == p_rank - 1 and w_rank > 0:
        return array_ops.expand_dims(weights, -1)
    return weights


def _broadcast_weights(weights: Tensor, values: Tensor) -> Tensor:
    weights = math_ops.cast(weights, dtypes.float32) if weights.dtype != dtypes.float32 \
        else weights
    if weights.shape.is_fully_defined() and weights.shape == values.shape:
        return weights
    return math_ops.multiply(weights, array_ops.ones_like(values, dtype=dtypes.float32))


def _as_float(x: Tensor) -> Tensor:
    return x if x.dtype == dtypes.float32 else math_ops.cast(x, dtypes.float32)


def _compatible(predictions: Tensor, labels: Tensor, metric: str) -> None:
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"tf.metrics.{metric}: shapes {predictions.shape} (predictions) and "
                         f"{labels.shape} (labels) are incompatible")


# ---------------------------------------------------------------- mean and what is built on it
def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of `values` over every batch seen: `total / count`.

    Returns:
        `(mean, update_op)`: the mean so far, and the op that adds a batch and returns the new
        mean. Local variables `mean/total` and `mean/count` hold the sums.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     x = tf.placeholder(tf.float32, [None])
        ...     m, update = tf.metrics.mean(x)
        ...     sess.run(tf.local_variables_initializer())
        ...     _ = sess.run(update, {x: [1.0, 2.0]})
        ...     print(sess.run(update, {x: [6.0]}), m.name)
        3.0 mean/value:0
    """
    with variable_scope(name, "mean", [values, weights]):
        values = _as_float(convert_to_tensor(values))
        total = _metric_variable([], dtypes.float32, name="total")
        count = _metric_variable([], dtypes.float32, name="count")
        if weights is None:
            num_values = math_ops.cast(array_ops.size(values), dtypes.float32)
        else:
            values, _, weights = _squeezed(values, None, weights)
            weights = _broadcast_weights(weights, values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.reduce_sum(weights)
        update_total = state_ops.assign_add(total, math_ops.reduce_sum(values))
        with control_dependencies([values]):  # as TF1 (a fed placeholder's feed meets it)
            update_count = state_ops.assign_add(count, num_values)
        mean_t = math_ops.div_no_nan(total, math_ops.maximum(count, 0.0), name="value")
        update_op = math_ops.div_no_nan(update_total, math_ops.maximum(update_count, 0.0),
                                        name="update_op")
        _add_to(metrics_collections, mean_t)
        _add_to(updates_collections, update_op)
        return mean_t, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """How often `predictions` equals `labels`, over every batch seen.

    `predictions` is cast to the dtype of `labels` (e.g. `tf.argmax` outputs int64 against
    int32 labels). Local variables: `accuracy/total`, `accuracy/count`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     acc, update = tf.metrics.accuracy([1, 0, 1, 1], [1, 1, 1, 0])
        ...     sess.run(tf.local_variables_initializer())
        ...     print(sess.run(update), [v.name for v in tf.local_variables()])
        0.5 ['accuracy/total:0', 'accuracy/count:0']
    """
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    predictions, labels, weights = _squeezed(predictions, labels, weights)
    _compatible(predictions, labels, "accuracy")
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """The mean of `(labels - predictions) ** 2` over every batch seen.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     mse, update = tf.metrics.mean_squared_error([1.0, 2.0], [1.5, 4.0])
        ...     sess.run(tf.local_variables_initializer())
        ...     print(sess.run(update), mse.name)
        2.125 mean_squared_error/value:0
    """
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    predictions, labels, weights = _squeezed(predictions, labels, weights)
    squared_error = math_ops.squared_difference(labels, predictions)
    return mean(squared_error, weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """The mean of `|predictions - labels|` over every batch seen."""
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    predictions, labels, weights = _squeezed(predictions, labels, weights)
    absolute_error = math_ops.abs(predictions - labels)
    return mean(absolute_error, weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """The square root of `mean_squared_error` (its totals are under this metric's scope)."""
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None,
                                         name or "root_mean_squared_error")
    rmse = math_ops.sqrt(mse)
    update_op = math_ops.sqrt(update_mse)
    _add_to(metrics_collections, rmse)
    _add_to(updates_collections, update_op)
    return rmse, update_op


# ---------------------------------------------------------------- counts of a condition
def _count_condition(values: Tensor, weights, metrics_collections, updates_collections):
    check_ops.assert_type(values, dtypes.bool)
    count = _metric_variable([], dtypes.float32, name="count")
    values = math_ops.cast(values, dtypes.float32)
    if weights is not None:
        values = math_ops.multiply(values, _as_float(convert_to_tensor(weights)))
    value = array_ops.identity(count)
    update_op = state_ops.assign_add(count, math_ops.reduce_sum(values))
    _add_to(metrics_collections, value)
    _add_to(updates_collections, update_op)
    return value, update_op


def _count(kind: str, label_is, prediction_is, labels, predictions, weights,
           metrics_collections, updates_collections, name):
    with variable_scope(name, kind, [predictions, labels, weights]):
        predictions, labels, weights = _squeezed(
            math_ops.cast(convert_to_tensor(predictions), dtypes.bool),
            math_ops.cast(convert_to_tensor(labels), dtypes.bool), weights)
        condition = math_ops.logical_and(math_ops.equal(labels, label_is),
                                         math_ops.equal(predictions, prediction_is))
        return _count_condition(condition, weights, metrics_collections, updates_collections)


def true_positives(labels, predictions, weights=None, metrics_collections=None,
                   updates_collections=None, name=None):
    """The (weighted) number of entries where both `labels` and `predictions` are true.

    Both are cast to bool (any non-zero is true). Local variable: `true_positives/count`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     tp, update = tf.metrics.true_positives([1, 0, 1], [1, 1, 1])
        ...     sess.run(tf.local_variables_initializer())
        ...     print(sess.run(update), [v.name for v in tf.local_variables()])
        2.0 ['true_positives/count:0']
    """
    return _count("true_positives", True, True, labels, predictions, weights,
                  metrics_collections, updates_collections, name)


def false_positives(labels, predictions, weights=None, metrics_collections=None,
                    updates_collections=None, name=None):
    """The (weighted) number of entries predicted true whose label is false."""
    return _count("false_positives", False, True, labels, predictions, weights,
                  metrics_collections, updates_collections, name)


def false_negatives(labels, predictions, weights=None, metrics_collections=None,
                    updates_collections=None, name=None):
    """The (weighted) number of entries predicted false whose label is true."""
    return _count("false_negatives", True, False, labels, predictions, weights,
                  metrics_collections, updates_collections, name)


def true_negatives(labels, predictions, weights=None, metrics_collections=None,
                   updates_collections=None, name=None):
    """The (weighted) number of entries where both `labels` and `predictions` are false."""
    return _count("true_negatives", False, False, labels, predictions, weights,
                  metrics_collections, updates_collections, name)


def _ratio(kind: str, other, labels, predictions, weights, metrics_collections,
           updates_collections, name):
    """tp / (tp + other) where tp + other > 0, else 0 (precision: other = fp; recall: fn)."""
    with variable_scope(name, kind, [predictions, labels, weights]):
        predictions, labels, weights = _squeezed(
            math_ops.cast(convert_to_tensor(predictions), dtypes.bool),
            math_ops.cast(convert_to_tensor(labels), dtypes.bool), weights)
        tp, tp_update = true_positives(labels, predictions, weights)
        other_value, other_update = other(labels, predictions, weights)

        def ratio(a, b, op_name):
            # NOTE: div_no_nan where TF1 divides: the same values (0 / 0 is never picked),
            # without numpy's warning about the 0 / 0 computed for the branch not taken.
            return math_ops.where(math_ops.greater(a + b, 0.0), math_ops.div_no_nan(a, a + b),
                                  0.0, name=op_name)

        value = ratio(tp, other_value, "value")
        update_op = ratio(tp_update, other_update, "update_op")
        _add_to(metrics_collections, value)
        _add_to(updates_collections, update_op)
        return value, update_op


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """true_positives / (true_positives + false_positives) over every batch seen (0 if none
    was predicted true). `predictions` and `labels` are cast to bool.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     p, update = tf.metrics.precision([1, 0, 1, 1, 0], [1, 1, 0, 1, 0])
        ...     sess.run(tf.local_variables_initializer())
        ...     print(round(float(sess.run(update)), 4))
        0.6667
    """
    return _ratio("precision", false_positives, labels, predictions, weights,
                  metrics_collections, updates_collections, name)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """true_positives / (true_positives + false_negatives) over every batch seen (0 if no
    label was true). `predictions` and `labels` are cast to bool."""
    return _ratio("recall", false_negatives, labels, predictions, weights,
                  metrics_collections, updates_collections, name)


# ---------------------------------------------------------------- AUC
def _constant_in_cast_scope(value, dtype) -> Tensor:
    """`value` as TF1's `math_ops.cast(value, dtype)` names it (`Cast/x`), so that the error
    messages of the range checks below read as TF1's."""
    with name_scope(None, "Cast"):
        return convert_to_tensor(value, dtype=dtype, name="x")


def _auc_thresholds(num_thresholds: int) -> list:
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _KEPSILON] + inner + [1.0 + _KEPSILON]


def _confusion_at_thresholds(labels, predictions, thresholds, weights):
    """The tp, fn, tn, fp counts per threshold (local variables) and their update ops, for
    "predicted positive" meaning `predictions > threshold`."""
    predictions = convert_to_tensor(predictions)
    in_range = "predictions must be in [0, 1]"
    checks = [
        check_ops.assert_greater_equal(
            predictions, _constant_in_cast_scope(0.0, predictions.dtype), message=in_range),
        check_ops.assert_less_equal(
            predictions, _constant_in_cast_scope(1.0, predictions.dtype), message=in_range),
    ]
    with control_dependencies(checks):
        predictions, labels, weights = _squeezed(
            math_ops.cast(predictions, dtypes.float32),
            math_ops.cast(convert_to_tensor(labels), dtypes.bool), weights)
    n = len(thresholds)
    predictions_row = array_ops.reshape(predictions, [1, -1])
    labels_row = array_ops.reshape(labels, [1, -1])
    column = array_ops.reshape(array_ops.constant(thresholds, dtype=dtypes.float32), [n, 1])
    pred_is_pos = math_ops.greater(predictions_row, column)  # [thresholds, examples]
    pred_is_neg = math_ops.logical_not(pred_is_pos)
    label_is_neg = math_ops.logical_not(labels_row)
    conditions = {  # [1, examples] labels broadcast against [thresholds, examples]
        "tp": math_ops.logical_and(labels_row, pred_is_pos),
        "fn": math_ops.logical_and(labels_row, pred_is_neg),
        "tn": math_ops.logical_and(label_is_neg, pred_is_neg),
        "fp": math_ops.logical_and(label_is_neg, pred_is_pos),
    }
    names = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
             "fp": "false_positives"}
    weights_row = None
    if weights is not None:
        weights_row = array_ops.reshape(_broadcast_weights(convert_to_tensor(weights),
                                                           predictions), [1, -1])
    values, updates = {}, {}
    for key in ("tp", "fn", "tn", "fp"):
        variable = _metric_variable([n], dtypes.float32, name=names[key])
        counted = math_ops.cast(conditions[key], dtypes.float32)
        if weights_row is not None:
            counted = counted * weights_row
        updates[key] = state_ops.assign_add(variable, math_ops.reduce_sum(counted, 1))
        values[key] = variable
    return values, updates


def _interpolate_pr_auc(tp, fp, fn, n: int) -> Tensor:
    """PR-AUC by Davis & Goadrich's interpolation between thresholds (TF1's
    "careful_interpolation")."""
    dtp = tp[: n - 1] - tp[1:]
    p = tp + fp
    prec_slope = math_ops.div_no_nan(dtp, math_ops.maximum(p[: n - 1] - p[1:], 0.0),
                                     name="prec_slope")
    intercept = tp[1:] - math_ops.multiply(prec_slope, p[1:])
    safe_p_ratio = math_ops.where(
        math_ops.logical_and(p[: n - 1] > 0.0, p[1:] > 0.0),
        math_ops.div_no_nan(p[: n - 1], math_ops.maximum(p[1:], 0.0),
                            name="recall_relative_ratio"),
        array_ops.ones_like(p[1:]))
    return math_ops.reduce_sum(
        math_ops.div_no_nan(prec_slope * (dtp + intercept * math_ops.log(safe_p_ratio)),
                            math_ops.maximum(tp[1:] + fn[1:], 0.0), name="pr_auc_increment"),
        name="interpolate_pr_auc")


def _compute_auc(tp, fn, tn, fp, n: int, curve: str, summation_method: str, name: str):
    if curve == "PR" and summation_method == "careful_interpolation":
        return _interpolate_pr_auc(tp, fp, fn, n)
    rec = math_ops.divide(tp + _EPSILON, tp + fn + _EPSILON)
    if curve == "ROC":
        x, y = math_ops.divide(fp, fp + tn + _EPSILON), rec
    else:
        x, y = rec, math_ops.divide(tp + _EPSILON, tp + fp + _EPSILON)
    if summation_method in ("trapezoidal", "careful_interpolation"):
        heights = (y[: n - 1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        heights = math_ops.minimum(y[: n - 1], y[1:])
    else:  # "majoring"
        heights = math_ops.maximum(y[: n - 1], y[1:])
    return math_ops.reduce_sum(math_ops.multiply(x[: n - 1] - x[1:], heights), name=name)


def auc(labels, predictions, weights=None, num_thresholds: int = 200, metrics_collections=None,
        updates_collections=None, curve: str = "ROC", name=None,
        summation_method: str = "trapezoidal", thresholds=None):
    """The area under the ROC (or precision-recall, `curve="PR"`) curve, over every batch seen.

    As TF1: the curve is sampled at `num_thresholds` thresholds spread evenly over [0, 1] (the
    outer two 1e-7 outside it), a prediction above a threshold counts as positive, the rates
    carry a 1e-6 epsilon, and the area is summed by the trapezoidal rule (or "minoring",
    "majoring", "careful_interpolation"). `predictions` must lie in [0, 1] (checked when run).
    Local variables: `auc/true_positives`, `auc/false_negatives`, `auc/true_negatives`,
    `auc/false_positives`, each of shape `[num_thresholds]`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     area, update = tf.metrics.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        ...     sess.run(tf.local_variables_initializer())
        ...     print(round(float(sess.run(update)), 3))
        0.75
    """
    if curve not in ("ROC", "PR"):
        raise ValueError(f"curve must be either ROC or PR, {curve} unknown")
    if summation_method not in ("trapezoidal", "careful_interpolation", "minoring", "majoring"):
        raise ValueError(f"Invalid summation_method: {summation_method}")
    with variable_scope(name, "auc", [labels, predictions, weights]):
        if thresholds is not None:
            thresholds = [0.0 - _KEPSILON] + sorted(float(t) for t in thresholds) \
                + [1.0 + _KEPSILON]
        else:
            if num_thresholds <= 1:
                raise ValueError("`num_thresholds` must be > 1.")
            thresholds = _auc_thresholds(num_thresholds)
        n = len(thresholds)
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights)
        value = _compute_auc(values["tp"], values["fn"], values["tn"], values["fp"], n, curve,
                             summation_method, "value")
        update_op = _compute_auc(updates["tp"], updates["fn"], updates["tn"], updates["fp"], n,
                                 curve, summation_method, "update_op")
        _add_to(metrics_collections, value)
        _add_to(updates_collections, update_op)
        return value, update_op

__getattr__ = _module_getattr(__name__)
