"""Writes tests/golden/tf1_apis_tf.json: what TF1 computes, builds and raises for `tf.rsqrt`,
`tf.nn.l2_normalize`, `tf.nn.top_k`, `tf.nn.in_top_k`, `tf.sequence_mask`, `tf.boolean_mask`,
`tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr`, `tf.gather_nd` and `tf.scatter_nd`.
tests/test_tf1_apis.py checks minigraph against it.

Run with a Python that has TensorFlow (recorded with tensorflow-cpu 2.21.0, whose
`tensorflow.compat.v1` with v2 behaviour disabled builds these as TF 1.15 does):

    /work/peers/bin/python tests/golden/tf1_apis_tf.py

Each case is built by a small function of the module `tf` (TF's, here; minigraph's, in the
test), shared through `tests/golden/tf1_apis_cases.py`: the case returns its fetches, and the
JSON records for each fetch its value, dtype and static shape, the op types the case built, or
the class and first line of the error it raised.
"""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tf1_apis_cases  # noqa: E402

tf.disable_v2_behavior()


def main():
    results = {name: tf1_apis_cases.record(tf, case) for name, case in tf1_apis_cases.CASES}
    results["tensorflow"] = tf.__version__ if hasattr(tf, "__version__") else "2.21.0"
    path = os.path.join(HERE, "tf1_apis_tf.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    print(f"wrote {path}: {len(results) - 1} cases")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
