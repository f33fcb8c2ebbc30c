"""Records TensorFlow's recurrent networks on the cases of `rnn_cases.py` into `rnn_goldens.json`,
for `tests/test_rnn.py`.

Run from the repository root with a Python that has TensorFlow (here tensorflow-cpu 2.21.0):

    /work/peers/bin/python tests/golden/make_rnn_goldens.py

TF 2.21 with Keras 3 no longer exports `tf.compat.v1.nn.rnn_cell`, but it still ships TF1's
code: the cells in `tensorflow.python.keras.layers.legacy_rnn.rnn_cell_impl` (TF 1.15's
`rnn_cell_impl.py`, moved) and `static_rnn`/`dynamic_rnn`/`bidirectional_dynamic_rnn` in
`tensorflow.python.ops.rnn`, which are what this script runs, in graph mode (`tf.compat.v1` with
`disable_v2_behavior()`). Their one change since TF 1.15 that shows in numbers is the dropout of
`DropoutWrapper`, which scales by `1 / keep_prob` in Python doubles (TF 1.15: in float32): the
same masks, values one ulp apart at most.
"""

import json
import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow.compat.v1 as tf  # noqa: E402
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl  # noqa: E402
from tensorflow.python.ops import rnn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from rnn_cases import CASES, run_case  # noqa: E402


def main():
    tf.disable_v2_behavior()
    tf.get_logger().setLevel("ERROR")
    nn = types.SimpleNamespace(
        rnn_cell=rnn_cell_impl, static_rnn=rnn.static_rnn, dynamic_rnn=rnn.dynamic_rnn,
        bidirectional_dynamic_rnn=rnn.bidirectional_dynamic_rnn)
    record = {"tensorflow": tf.__version__, "script": "tests/golden/make_rnn_goldens.py",
              "cases": {name: run_case(tf, nn, name) for name in CASES}}
    path = os.path.join(HERE, "rnn_goldens.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(record, f)
    print(f"wrote {len(record['cases'])} cases to {path} with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main()
