"""minigraph against TF1's golden values for `tf.rsqrt`, `tf.nn.l2_normalize`, `tf.nn.top_k`,
`tf.nn.in_top_k`, `tf.sequence_mask`, `tf.boolean_mask`, `tf.map_fn`, `tf.scan`, `tf.foldl`
and `tf.foldr`.

Each case of `tests/golden/tf1_apis_cases.py` is run here with minigraph and compared with what
TensorFlow recorded in `tests/golden/tf1_apis_tf.json` (see `tests/golden/tf1_apis_tf.py`):
values (NaN where TF has NaN), dtypes, static shapes, output names, the op types built, and for
bad input the error class and TF's message.
"""

import json
import pathlib
import sys

import numpy as np
import pytest

import minigraph as tf

GOLDEN_DIR = pathlib.Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN_DIR))
import tf1_apis_cases  # noqa: E402

GOLDEN = json.loads((GOLDEN_DIR / "tf1_apis_tf.json").read_text())
CASES = dict(tf1_apis_cases.CASES)

# Cases whose TF1 message minigraph words differently: the words its message must contain.
REWORDED = {
    # minigraph's dtype check is the one of every op (`input_dtypes`): TF words this one,
    # for an input whose dtype is fixed, differently.
    "in_top_k_float64": ["predictions", "float64", "float32"],
}

# Cases where minigraph raises another error, or raises where TF1 does not, and why:
# case -> (when, error class, words of the message).
DIFFERENT_ERRORS = {
    # minigraph's TensorArray checks the dtype of a write when it is built.
    "map_fn_dtype_differs": ("build", "TypeError", ["TensorArray dtype is float32",
                                                    "write dtype bool"]),
    # TF1 reads the missing rows of the shorter tensor as zeros and returns [2, 4, 3].
    "map_fn_lengths_differ_at_run_time": ("run", "InvalidArgumentError",
                                          ["same first dimension", "[2]", "[3]"]),
}

# TF1 computes the merged shape of `boolean_mask` with these ops even when the static shape
# is known (its shape inference folds them); minigraph reshapes to a constant then.
MERGED_SHAPE_OPS = {"StridedSlice", "Prod", "Pack", "ConcatV2"}
KNOWN_SHAPE_MASKS = {"boolean_mask_1d", "boolean_mask_nd", "boolean_mask_grads"}

# Cases whose op types and names inside the name scope differ from TF1's (the scope is the
# same): the loops, which TF1 builds of Enter/Merge/Switch/Exit frames and minigraph of one
# While op, and gather_nd with batch_dims, where TF1 builds a meshgrid of batch positions and
# minigraph one range over the flattened batch.
OTHER_GRAPHS = ("map_fn_", "scan_", "fold_", "gather_nd_batch_dims")


def _message_core(message: str) -> str:
    """The part of TF's message minigraph's must contain: its shape-function messages end with
    the node in TF's own syntax (or name it), and its list of allowed dtypes has some
    minigraph lacks."""
    message = message.split(" for '{{node")[0].split(", node name: ")[0]
    return message.split(" allowed values:")[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_tf1(name):
    expected = GOLDEN[name]
    got = tf1_apis_cases.record(tf, CASES[name])
    if name in DIFFERENT_ERRORS:
        at, kind, words = DIFFERENT_ERRORS[name]
        assert (got.get("at"), got.get("error", [None])[0]) == (at, kind), (name, got)
        assert all(word in got["error"][1] for word in words), (name, got["error"][1])
        return
    if "error" in expected:
        assert "error" in got, f"{name}: TF raised {expected['error']}, minigraph did not: {got}"
        assert got["at"] == expected["at"], (name, got)
        assert got["error"][0] == expected["error"][0], (name, got["error"], expected["error"])
        words = REWORDED.get(name, [_message_core(expected["error"][1])])
        for word in words:
            assert word in got["error"][1], (name, got["error"][1], expected["error"][1])
        return
    assert "error" not in got, (name, got)
    # TF1's `tf.shape` of a fully known shape is a Const; minigraph's is always a Shape op.
    other_graph = name.startswith(OTHER_GRAPHS)
    folded = MERGED_SHAPE_OPS if name in KNOWN_SHAPE_MASKS else set()
    if not other_graph:
        assert set(got["ops"]) - {"Shape"} == set(expected["ops"]) - {"Shape"} - folded, name
    assert sorted(got["fetches"]) == sorted(expected["fetches"])
    for key, want in expected["fetches"].items():
        have = got["fetches"][key]
        assert have["dtype"] == want["dtype"], (name, key)
        assert have["shape"] == want["shape"], (name, key, have["shape"], want["shape"])
        if other_graph:
            assert have["name"].split("/")[0] == want["name"].split("/")[0], (name, key)
        elif not want["name"].startswith("gradients"):
            assert have["name"] == want["name"], (name, key)
        if "value" in want:
            assert have["value_shape"] == want["value_shape"], (name, key)
            if want["dtype"] == "string":
                assert have["value"] == want["value"], (name, key)
                continue
            np.testing.assert_allclose(np.asarray(have["value"], np.float64),
                                       np.asarray(want["value"], np.float64),
                                       rtol=2e-6, atol=1e-7, err_msg=f"{name}/{key}")


def test_golden_values_come_from_tf():
    assert GOLDEN["tensorflow"].startswith("2.21")
    assert set(GOLDEN) - {"tensorflow"} == set(CASES)
