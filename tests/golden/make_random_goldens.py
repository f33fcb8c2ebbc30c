"""Records TensorFlow's random numbers for the cases in `random_cases.py` into
`random_goldens.npz`, for `tests/test_random_streams.py` and the random rows of the op table.

Run from the repository root with a Python that has TensorFlow (here tensorflow-cpu 2.21.0):

    /work/peers/bin/python tests/golden/make_random_goldens.py

TF1's stateful random kernels (`RandomUniform`, `RandomStandardNormal`, `TruncatedNormal`,
`RandomUniformInt`, `RandomShuffle`, `Multinomial`, over `PhiloxRandom` and
`GuardedPhiloxRandom`) are unchanged from TF 1.x to TF 2.21, so TF 2's `tf.compat.v1` with
`disable_v2_behavior()` gives TF1's numbers. Two things did change, and are put back to TF
1.15's here, so that the goldens are TF1's:

* the op seed of a random op with a graph seed and no op seed: TF 2 counts such ops per graph
  (0, 1, 2, ...), TF 1.15 used the graph's op counter `graph._last_id`. `get_seed` below is
  TF 1.15's `random_seed.get_seed`, with the op counter read as the number of ops in the graph
  (what `_last_id` counted), installed in place of TF 2's;
* `tf.contrib` (gone in TF 2): `tf1_contrib.py` restates TF 1.15's contrib initializers.

TF's CPU `Multinomial` kernel splits a costly batch across its thread pool, each block of rows
restarting the stream at `row * (num_samples + 3) // 4`, so its numbers for large batches
depend on the pool; the large case is recorded with a one-thread pool (one block) and with the
default pool.

TF 2's `tf.nn.dropout` computes the kept values as `x * (1 / keep_prob)` in Python doubles
where TF 1.15 computed `x * (1 / (1 - rate))` in float32: the masks are the same, the values
can differ by one ulp, which the test allows for.
"""

import os
import subprocess
import sys

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops, random_seed

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from random_cases import CASES, big_multinomial_digest, run_case  # noqa: E402
from tf1_contrib import make_contrib  # noqa: E402

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def get_seed(op_seed):
    """TF 1.15's `random_seed.get_seed` (graph mode)."""
    global_seed = ops.get_default_graph().seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = len(ops.get_default_graph()._nodes_by_id)  # TF 1.15: graph._last_id
        seeds = global_seed % _MAXINT32, op_seed % _MAXINT32
    else:
        if op_seed is not None:
            seeds = DEFAULT_GRAPH_SEED, op_seed % _MAXINT32
        else:
            seeds = None, None
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def seed_attrs(op):
    return (op.get_attr("seed"), op.get_attr("seed2"))


def main():
    tf.disable_v2_behavior()
    tf.contrib = make_contrib(tf)
    random_seed.get_seed = get_seed
    arrays = {"tf_version": np.array(tf.__version__)}
    for name in CASES:
        arrays.update(run_case(tf, name, seed_attrs))
    # NOTE: TF sizes its kernels' thread pool once per process, from the first session's
    # config: the one-thread draw needs a process of its own.
    one_thread = subprocess.run([sys.executable, __file__, "--big-multinomial-one-thread"],
                                check=True, capture_output=True, text=True).stdout.split()[-1]
    arrays["big_multinomial_sha256"] = np.array(one_thread)
    arrays["big_multinomial_default_pool_sha256"] = np.array(big_multinomial_digest(tf))
    path = os.path.join(HERE, "random_goldens.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {len(arrays)} arrays to {path} with TensorFlow {tf.__version__}")


def print_one_thread_digest():
    tf.disable_v2_behavior()
    print(big_multinomial_digest(tf, tf.ConfigProto(intra_op_parallelism_threads=1)))


if __name__ == "__main__":
    if "--big-multinomial-one-thread" in sys.argv:
        print_one_thread_digest()
    else:
        main()
