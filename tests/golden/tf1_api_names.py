"""Writes `minigraph/_tf1_api_names.py`: the public names of TF1's API, by namespace, which
minigraph uses to say "minigraph does not implement tf.X yet" instead of a bare AttributeError.

Run with TensorFlow (made with tensorflow-cpu 2.21.0 on Python 3.11):

    /work/peers/bin/python tests/golden/tf1_api_names.py

The names come from `tensorflow.compat.v1` (TF 2's copy of the TF 1.x API, a close superset
of TF 1.15's: it also has a few names added in 2.x, e.g. `tf.math.xlog1py`), for the
namespaces in `NAMESPACES`. `tf.contrib` was removed in TF 2, so `tf.contrib`,
`tf.contrib.layers` and `tf.contrib.rnn` are listed by hand below from TF 1.15's API documentation
(https://github.com/tensorflow/docs/tree/r1.15/site/en/api_docs/python/tf/contrib).
"""

import os
import textwrap
from pathlib import Path

# The namespaces learners meet in TF1 tutorials, books and courses.
# Of the others (`tf.keras`, `tf.estimator`, ...) only the namespace's own name is listed: minigraph
# has none of them, so `tf.keras` itself already says it is not implemented.
NAMESPACES = [
    "", "app", "data", "debugging", "dtypes", "errors", "gfile", "image", "initializers", "io",
    "linalg", "logging", "losses", "math", "metrics", "nn", "random", "sparse", "strings",
    "summary", "test", "train", "version",
]

# TF 2.21's compat.v1 builds these two from Keras, which it can no longer import; listed from
# TF 1.15's API documentation (https://www.tensorflow.org/versions/r1.15/api_docs/python/tf).
LAYERS = """
AveragePooling1D AveragePooling2D AveragePooling3D BatchNormalization Conv1D Conv2D
Conv2DTranspose Conv3D Conv3DTranspose Dense Dropout Flatten InputSpec Layer MaxPooling1D
MaxPooling2D MaxPooling3D SeparableConv1D SeparableConv2D average_pooling1d average_pooling2d
average_pooling3d batch_normalization conv1d conv2d conv2d_transpose conv3d conv3d_transpose
dense dropout experimental flatten max_pooling1d max_pooling2d max_pooling3d separable_conv1d
separable_conv2d
"""

RNN_CELL = """
BasicLSTMCell BasicRNNCell DeviceWrapper DropoutWrapper GRUCell LSTMCell LSTMStateTuple
MultiRNNCell RNNCell ResidualWrapper
"""

# Top-level names of TF 1.15 that TF 2.21's compat.v1 no longer has.
TF115_ONLY = ["contrib", "estimator"]

CONTRIB = """
bayesflow cloud cluster_resolver compiler constrained_optimization copy_graph crf cudnn_rnn
data deprecated distribute distributions eager estimator factorization feature_column framework
gan graph_editor grid_rnn image input_pipeline integrate keras kernel_methods labeled_tensor
layers learn legacy_seq2seq linear_optimizer lookup losses memory_stats metrics mixed_precision
model_pruning nccl nn opt optimizer_v2 periodic_resample predictor proto quantization quantize
rate receptive_field recurrent reduce_slice_ops resampler rnn rpc saved_model seq2seq signal
slim solvers sparsemax staging stat_summarizer stateless summary tensor_forest tensorboard
testing text tfprof timeseries tpu training util
"""

# TF 1.15's `tf.contrib.rnn`, from its API documentation
# (https://www.tensorflow.org/versions/r1.15/api_docs/python/tf/contrib/rnn).
CONTRIB_RNN = """
AttentionCellWrapper BasicLSTMCell BasicRNNCell BidirectionalGridLSTMCell CompiledWrapper
Conv1DLSTMCell Conv2DLSTMCell Conv3DLSTMCell ConvLSTMCell CoupledInputForgetGateLSTMCell
DeviceWrapper DropoutWrapper EmbeddingWrapper FusedRNNCell FusedRNNCellAdaptor GLSTMCell
GRUBlockCell GRUBlockCellV2 GRUCell GridLSTMCell HighwayWrapper IndRNNCell IndyGRUCell
IndyLSTMCell InputProjectionWrapper IntersectionRNNCell LSTMBlockCell LSTMBlockFusedCell
LSTMBlockWrapper LSTMCell LSTMStateTuple LayerNormBasicLSTMCell LayerNormLSTMCell LayerRNNCell
MultiRNNCell NASCell OutputProjectionWrapper PhasedLSTMCell RNNCell ResidualWrapper SRUCell
TimeFreqLSTMCell TimeReversedFusedRNN UGRNNCell best_effort_input_batch_size
stack_bidirectional_dynamic_rnn stack_bidirectional_rnn static_bidirectional_rnn static_rnn
static_state_saving_rnn transpose_batch_time
"""

CONTRIB_LAYERS = """
GDN RevBlock apply_regularization avg_pool2d avg_pool3d batch_norm bias_add bow_encoder
bucketized_column check_feature_columns conv1d conv2d conv2d_in_plane conv2d_transpose conv3d
conv3d_transpose convolution convolution1d convolution2d convolution2d_in_plane
convolution2d_transpose convolution3d convolution3d_transpose create_feature_spec_for_parsing
crossed_column dense_to_sparse dropout elu embed_sequence embedding_column embedding_lookup_unique
embedding_to_sequence flatten fully_connected gdn group_norm images_to_sequence
infer_real_valued_columns input_from_feature_columns instance_norm
joint_weighted_sum_from_feature_columns l1_l2_regularizer l1_regularizer l2_regularizer
layer_norm legacy_fully_connected legacy_linear legacy_relu linear
make_place_holder_tensors_for_base_features max_pool2d max_pool3d maxout one_hot_column
one_hot_encoding optimize_loss parse_feature_columns_from_examples
parse_feature_columns_from_sequence_examples real_valued_column recompute_grad
regression_target relu relu6 repeat rev_block safe_embedding_lookup_sparse scale_gradient
scattered_embedding_column separable_conv2d separable_convolution2d
sequence_input_from_feature_columns sequence_to_images shared_embedding_columns softmax
sparse_column_with_hash_bucket sparse_column_with_integerized_feature sparse_column_with_keys
sparse_column_with_vocabulary_file spatial_softmax stack sum_regularizer summarize_activation
summarize_activations summarize_collection summarize_tensor summarize_tensors
transform_features unit_norm variance_scaling_initializer weighted_sparse_column
weighted_sum_from_feature_columns xavier_initializer xavier_initializer_conv2d
"""


def _public(module) -> list:
    return sorted(n for n in dir(module) if not n.startswith("_"))


def main() -> None:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow.compat.v1 as tf

    names = {}
    for namespace in NAMESPACES:
        module = tf
        for part in filter(None, namespace.split(".")):
            module = getattr(module, part)
        key = "tf" + ("." + namespace if namespace else "")
        names[key] = _public(module)
    names["tf"] = sorted(set(names["tf"]) | set(TF115_ONLY))
    names["tf.layers"] = sorted(LAYERS.split())
    names["tf.nn.rnn_cell"] = sorted(RNN_CELL.split())
    names["tf.contrib"] = sorted(CONTRIB.split())
    names["tf.contrib.layers"] = sorted(CONTRIB_LAYERS.split())
    names["tf.contrib.rnn"] = sorted(CONTRIB_RNN.split())
    lines = [
        '"""The public names of TF1\'s API by namespace (generated; do not edit).',
        "",
        "Made by tests/golden/tf1_api_names.py from TensorFlow "
        f"{tf.__version__}'s `tensorflow.compat.v1`",
        "(tf.contrib from TF 1.15's documentation). minigraph.tf1_names uses it to tell a TF1",
        'name minigraph lacks ("not implemented yet") from a typo."""',
        "",
        "NAMES = {",
    ]
    for key in sorted(names):
        wrapped = textwrap.fill(" ".join(names[key]), width=91, break_long_words=False,
                                break_on_hyphens=False)
        lines.append(f"    {key!r}: frozenset(\"\"\"")
        lines += [f"        {line}" for line in wrapped.splitlines()]
        lines.append('    """.split()),')
    lines.append("}")
    target = Path(__file__).resolve().parents[2] / "minigraph" / "_tf1_api_names.py"
    target.write_text("\n".join(lines) + "\n")
    print(f"wrote {sum(len(v) for v in names.values())} names in {len(names)} namespaces "
          f"to {target}")


if __name__ == "__main__":
    main()
