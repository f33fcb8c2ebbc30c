"""Records TensorFlow's `tf.data` elements for the cases of `data_cases.py` into
`data_goldens.json`, for `tests/test_data.py`.

Run from the repository root with a Python that has TensorFlow (here tensorflow-cpu 2.21.0):

    /work/peers/bin/python tests/golden/make_data_goldens.py

The cases run in graph mode through `tf.compat.v1` (`disable_v2_behavior()`), with TF1's
one-shot iterators. TF's `ShuffleDataset` kernel (its buffer and its Philox streams) and its
per-iterator seed generator are those of TF 1.15; the seeds come from `random_seed.get_seed`,
whose rule for an explicit op seed without a graph seed `(87654321, seed)` did not change.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow.compat.v1 as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from data_cases import CASES, run_case  # noqa: E402


def main():
    tf.disable_v2_behavior()
    tf.get_logger().setLevel("ERROR")
    record = {"tensorflow": tf.__version__, "script": "tests/golden/make_data_goldens.py",
              "cases": {name: run_case(tf, name) for name in CASES}}
    path = os.path.join(HERE, "data_goldens.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=0)
    print(f"wrote {len(record['cases'])} cases to {path} with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main()
