"""Runs the course notebook program `tensorflow_tutorial.py` under real TensorFlow and saves
what it printed and computed to `course_goldens.npz`, for `tests/test_course_notebook.py`.

Run from the repository root with a Python that has TensorFlow (here tensorflow-cpu 2.21.0):

    /work/peers/bin/python tests/golden/make_course_goldens.py

The program is written for TF1 (`import tensorflow as tf`). TensorFlow 2 runs it through
`tensorflow.compat.v1` with `disable_v2_behavior()` (graphs, sessions, ref variables: TF1's
behaviour), with `tf.contrib` supplied by `tf1_contrib.py` (TF 1.15's contrib initializers,
restated). The kernels this program's numbers come from (Philox streams, `RandomUniform`,
MatMul, Adam) are TF1's, unchanged in TF 2.

Saved: `stdout` (the printed lines), `initial_W1` ... `initial_b3` (the seeded initial
parameters, from the program's `initial_parameters = sess.run(parameters)`), `costs` (the
epoch costs of `model()`), `trained_W1` ... (the parameters after training) and `tf_version`.
"""

import contextlib
import io
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from tf1_contrib import make_contrib  # noqa: E402


def run_program():
    tf.disable_v2_behavior()
    tf.contrib = make_contrib(tf)
    sys.modules["tensorflow_compat_v1_with_contrib"] = tf
    with open(os.path.join(HERE, "tensorflow_tutorial.py")) as f:
        source = f.read()
    source = source.replace("\nimport tensorflow as tf\n",
                            "\nimport tensorflow_compat_v1_with_contrib as tf\n")
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "tensorflow_tutorial.py", "exec"), namespace)
    return out.getvalue(), namespace


def main():
    stdout, namespace = run_program()
    arrays = {"stdout": np.array(stdout), "tf_version": np.array(tf.__version__),
              "costs": np.array(namespace["costs"], dtype=np.float64)}
    for key, value in namespace["initial_parameters"].items():
        arrays["initial_" + key] = value
    for key, value in namespace["parameters"].items():
        arrays["trained_" + key] = value
    path = os.path.join(HERE, "course_goldens.npz")
    np.savez_compressed(path, **arrays)
    print(stdout)
    print(f"wrote {path} with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main()
