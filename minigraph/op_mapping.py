"""How minigraph's ops correspond to TensorFlow's nodes in a `GraphDef`, both ways.

minigraph registers its ops under TensorFlow's op-type strings and mostly uses TensorFlow's
attribute names, so most ops are written and read unchanged. This module holds the differences,
in one place:

**Writing** (`export_attrs`): a TensorFlow `NodeDef` also names the dtypes of its inputs (`T`,
`Tidx`, `SrcT`, ...) and carries attributes minigraph has no use for (`use_locking`,
`container`, ...). They are added, so TensorBoard shows the same attributes as for TensorFlow's
graph, and an attribute minigraph names differently (listed in `_TF_ATTR_NAMES`) gets TF's name.

**Reading** (`import_node`): those attributes are dropped again, and TensorFlow's spellings of
ops minigraph has under another form are translated:

| TensorFlow node | minigraph op |
|---|---|
| `AddV2` | `Add` |
| `Div` on floats | `RealDiv` |
| `Snapshot` | `Identity` |
| `Transpose(x, perm)`, `perm` a constant | `Transpose(x)` with attribute `perm` |
| `StridedSlice(x, begin, end, strides)`, masks; constants | `StridedSlice(x)`, an index `spec` |
| `Softmax`, `LogSoftmax` (no `axis`) | the same with `axis=-1` |

An attribute minigraph implements only for one value (`ApplyAdam`'s `use_nesterov`, `Cast`'s
`Truncate`, ...) is checked, and any other value is refused with an error naming the node. A
TensorFlow op type that minigraph registers itself is never translated.
"""

from __future__ import annotations

import numpy as np

from minigraph import errors, registry
from minigraph.tensor import constant_value

# minigraph attribute name -> TensorFlow attribute name, where they differ.
_TF_ATTR_NAMES: dict = {}

# TensorFlow's dtype attributes of each op: attribute -> index of the input whose dtype it is.
# Op types not listed get {"T": 0} if they have inputs.
_TYPE_ATTRS = {
    "Cast": {"SrcT": 0},
    "ConcatV2": {"T": 0, "Tidx": -1},
    "Sum": {"T": 0, "Tidx": 1},
    "Mean": {"T": 0, "Tidx": 1},
    "Max": {"T": 0, "Tidx": 1},
    "Min": {"T": 0, "Tidx": 1},
    "Prod": {"T": 0, "Tidx": 1},
    "All": {"Tidx": 1},
    "Any": {"Tidx": 1},
    "ArgMax": {"T": 0, "Tidx": 1},
    "ArgMin": {"T": 0, "Tidx": 1},
    "Cumsum": {"T": 0, "Tidx": 1},
    "Cumprod": {"T": 0, "Tidx": 1},
    "Reshape": {"T": 0, "Tshape": 1},
    "BroadcastTo": {"T": 0, "Tidx": 1},
    "Tile": {"T": 0, "Tmultiples": 1},
    "ExpandDims": {"T": 0, "Tdim": 1},
    "Fill": {"T": 1, "index_type": 0},
    "GatherV2": {"Tparams": 0, "Tindices": 1, "Taxis": 2},
    "OneHot": {"T": 2, "TI": 0},
    "Range": {"Tidx": 0},
    "Select": {"T": 1},
    "Split": {"T": 1},
    "SplitV": {"T": 0, "Tlen": 1},
    "SparseSoftmaxCrossEntropyWithLogits": {"T": 0, "Tlabels": 1},
    "UnsortedSegmentSum": {"T": 0, "Tindices": 1, "Tnumsegments": 2},
    "StridedSliceGrad": {"T": 1, "Index": 0},
    "ScalarSummary": {"T": 1},
    "HistogramSummary": {"T": 1},
    "ImageSummary": {"T": 1},
    "TensorSummaryV2": {"T": 1},
    "AudioSummaryV2": {},
    "MergeSummary": {},
    "LogicalAnd": {},
    "LogicalOr": {},
    "LogicalNot": {},
}

# Attributes TensorFlow's node has and minigraph's op does not: written with these values, and
# accepted on reading only with one of them (None: any value).
_TF_ONLY_ATTRS = {
    "Assign": {"use_locking": (True, None)},
    "AssignAdd": {"use_locking": (False, None)},
    "AssignSub": {"use_locking": (False, None)},
    "ApplyAdam": {"use_locking": (False, None), "use_nesterov": (False, (False,))},
    "VariableV2": {"container": ("", None), "shared_name": ("", None)},
    "Cast": {"Truncate": (False, (False,))},
    "MatMul": {"grad_a": (None, None), "grad_b": (None, None)},
    "BatchMatMulV2": {"grad_x": (None, None), "grad_y": (None, None)},
    "Equal": {"incompatible_shape_error": (None, (True,))},
    "NotEqual": {"incompatible_shape_error": (None, (True,))},
    "GatherV2": {"batch_dims": (0, (0,))},
    "Transpose": {"Tperm": (None, None)},
    "StridedSlice": {"Index": (None, None)},
    "Const": {"dtype": (None, None)},
    "PlaceholderWithDefault": {"dtype": (None, None)},
}

# TensorFlow op type -> minigraph op type, for ops minigraph has under another name. A type
# minigraph registers itself is never translated.
TF_OP_TYPES = {
    "AddV2": "Add",
    "Div": "RealDiv",
    "Snapshot": "Identity",
}

_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def minigraph_type(tf_type: str) -> str:
    """The minigraph op type that runs TensorFlow's node type `tf_type`.

    Example:
        >>> minigraph_type("AddV2"), minigraph_type("MatMul")
        ('Add', 'MatMul')
    """
    if tf_type in registry.registered_op_types() or tf_type not in TF_OP_TYPES:
        return tf_type
    return TF_OP_TYPES[tf_type]


def _type_attrs(op) -> dict:
    if op.type in _TYPE_ATTRS:
        return _TYPE_ATTRS[op.type]
    return {"T": 0} if op.inputs else {}


# ---------------------------------------------------------------- writing
def export_attrs(op) -> dict:
    """The attributes of `op`'s NodeDef, under TensorFlow's names, as Python values.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     s = tf.reduce_sum(tf.ones([2, 3]), axis=0)
        >>> sorted(export_attrs(s.op).items())
        [('T', tf.float32), ('Tidx', tf.int32), ('keep_dims', False)]
    """
    renames = _TF_ATTR_NAMES.get(op.type, {})
    attrs = {renames.get(key, key): value for key, value in op.attrs.items()}
    for name, index in _type_attrs(op).items():
        if name not in attrs and -len(op.inputs) <= index < len(op.inputs):
            attrs[name] = op.inputs[index].dtype
    for name, (written, _) in _TF_ONLY_ATTRS.get(op.type, {}).items():
        if written is not None and name not in attrs:
            attrs[name] = written
    if op.type == "Const":
        attrs["dtype"] = op.outputs[0].dtype
    elif op.type == "PlaceholderWithDefault":
        attrs["dtype"] = op.outputs[0].dtype
    return attrs


# ---------------------------------------------------------------- reading
def import_node(node_name: str, tf_type: str, attrs: dict, inputs: list):
    """The minigraph (op type, inputs, attrs) that compute TensorFlow node `node_name`.

    Args:
        node_name: the node's name, for errors.
        tf_type: the node's op type as written (`AddV2`).
        attrs: the node's attributes as Python values (`attr_value.from_attr`).
        inputs: the minigraph tensors of its data inputs.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     x = tf.ones([2, 3])
        ...     op_type, _, attrs = import_node("add", "AddV2", {"T": tf.float32}, [x, x])
        >>> op_type, attrs
        ('Add', {})
    """
    op_type = minigraph_type(tf_type)
    attrs = dict(attrs)
    _check_tf_only(node_name, tf_type, attrs)
    kept = _kept_attrs(op_type, tf_type, attrs)
    if tf_type == "Div" and not (inputs and inputs[0].dtype.is_floating):
        raise errors.UnimplementedError(
            None, None,
            f"Node '{node_name}' is a TensorFlow 'Div' of {inputs[0].dtype.name} tensors (floor "
            "division), which minigraph does not have; only float 'Div' (RealDiv) is supported.",
        )
    inputs, kept = _minigraph_form(node_name, op_type, inputs, kept)
    return op_type, inputs, kept


def _kept_attrs(op_type: str, tf_type: str, attrs: dict) -> dict:
    """The attributes minigraph's op takes, under its names: TensorFlow's private (`_...`) and
    type attributes (`T`) dropped, renamed ones renamed."""
    renames = {tf_name: name for name, tf_name in _TF_ATTR_NAMES.get(op_type, {}).items()}
    type_attrs = set(_TYPE_ATTRS.get(op_type, {"T": 0})) | set(_TYPE_ATTRS.get(tf_type, {}))
    kept = {}
    for key, value in attrs.items():
        if key.startswith("_") or (key in type_attrs and key not in renames):
            continue
        kept[renames.get(key, key)] = value
    return kept


def _minigraph_form(node_name: str, op_type: str, inputs: list, kept: dict) -> tuple:
    """(inputs, attrs) for ops whose TensorFlow inputs are minigraph attributes: Transpose's
    `perm` and StridedSlice's begin/end/strides; Softmax's default axis."""
    if op_type == "Transpose" and len(inputs) == 2:
        kept["perm"] = tuple(int(p) for p in _constant(node_name, inputs[1], "perm"))
        return inputs[:1], kept
    if op_type == "StridedSlice" and len(inputs) == 4:
        return inputs[:1], {"spec": _spec_from_masks(node_name, inputs[1:], kept)}
    if op_type in ("Softmax", "LogSoftmax"):
        kept.setdefault("axis", -1)
    return inputs, kept


def _check_tf_only(node_name: str, tf_type: str, attrs: dict) -> None:
    """Drops TF-only attributes from `attrs`, refusing values minigraph does not implement."""
    for name, (_, accepted) in _TF_ONLY_ATTRS.get(tf_type, {}).items():
        if name not in attrs:
            continue
        value = attrs.pop(name)
        if accepted is not None and value not in accepted:
            raise errors.UnimplementedError(
                None, None,
                f"Node '{node_name}' (op: {tf_type}) has {name}={value!r}; minigraph implements "
                f"only {name}={accepted[0]!r}.",
            )


def _constant(node_name: str, tensor, what: str) -> np.ndarray:
    value = constant_value(tensor)
    if value is None:
        raise errors.UnimplementedError(
            None, None,
            f"Node '{node_name}' takes its {what} from '{tensor.name}', which is not a constant; "
            f"minigraph needs a constant {what} there (it is an attribute of minigraph's op).",
        )
    return np.asarray(value)


def _spec_from_masks(node_name: str, bounds: list, attrs: dict) -> tuple:
    """The index spec of a TF `StridedSlice` with constant begin, end and strides."""
    begin, end, strides = (_constant(node_name, t, what)
                           for t, what in zip(bounds, ("begin", "end", "strides")))
    begin_mask, end_mask, ellipsis, new_axis, shrink = (int(attrs.get(m, 0)) for m in _MASKS)
    spec = []
    for i in range(len(begin)):
        bit = 1 << i
        if ellipsis & bit:
            spec.append(Ellipsis)
        elif new_axis & bit:
            spec.append(None)
        elif shrink & bit:
            spec.append(int(begin[i]))
        else:
            spec.append(slice(
                None if begin_mask & bit else int(begin[i]),
                None if end_mask & bit else int(end[i]),
                None if int(strides[i]) == 1 else int(strides[i]),
            ))
    return tuple(spec)

