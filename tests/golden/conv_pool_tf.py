"""Writes tests/golden/conv_pool_tf.json: conv2d, conv2d_transpose, max_pool, avg_pool and
bias_add values and gradients computed by real TensorFlow, for tests/test_conv.py.

Run with a Python that has TensorFlow (any 2.x; its `compat.v1` graph mode runs TF1's ops):

    /work/peers/bin/python tests/golden/conv_pool_tf.py

The inputs are small float32 arrays drawn from numpy's PCG64 with fixed seeds and stored in the
JSON next to the outputs, so the test needs neither TensorFlow nor the same numpy. Each case
records the forward output and the gradients of `sum(output * weights)` (fixed random
`weights`) with respect to every input; two cases also record second derivatives.
"""

import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

HERE = os.path.dirname(os.path.abspath(__file__))


def _array(rng, shape):
    return rng.standard_normal(shape).astype(np.float32).round(3)


def _with_nones(tensors, values):
    """`values` (of the tensors that are not None) back in place, None for the others."""
    it = iter(values)
    return [None if t is None else next(it) for t in tensors]


def _case(name, build, inputs, seed, second_order=False):
    """Runs build(*placeholders); returns the case's dict of inputs, output and gradients."""
    rng = np.random.default_rng(seed)
    arrays = [a if isinstance(a, np.ndarray) else _array(rng, a) for a in inputs]
    graph = tf.Graph()
    with graph.as_default():
        xs = [tf.placeholder(tf.float32, a.shape) for a in arrays]
        y = build(*xs)
        weights = _array(rng, y.shape.as_list())
        loss = tf.reduce_sum(y * weights)
        grads = tf.gradients(loss, xs)
        second = []
        if second_order:
            # d/dinputs of sum(d loss/d x0 squared): differentiates the gradient ops themselves.
            second = tf.gradients(tf.reduce_sum(tf.square(grads[0])), xs)
        fetches = {"output": y, "grads": [g for g in grads if g is not None],
                   "second": [g for g in second if g is not None]}
        with tf.Session() as sess:
            values = sess.run(fetches, dict(zip(xs, arrays)))
        values["grads"] = _with_nones(grads, values["grads"])
        values["second"] = _with_nones(second, values["second"])
    return {
        "name": name,
        "inputs": [a.tolist() for a in arrays],
        "weights": weights.tolist(),
        "output": values["output"].tolist(),
        "grads": [None if g is None else g.tolist() for g in values["grads"]],
        "second": [None if g is None else g.tolist() for g in values["second"]],
        "op_types": sorted({op.type for op in graph.get_operations()}),
    }


TIES = np.array([[1.0, 3.0, 3.0, 0.0, 2.0],
                 [3.0, 1.0, 0.0, 2.0, 2.0],
                 [0.0, 3.0, 3.0, 1.0, 2.0],
                 [0.0, 0.0, 1.0, 1.0, 0.0]], np.float32).reshape(1, 4, 5, 1)


def main():
    nn = tf.nn
    cases = [
        _case("conv2d_same_s2_even_kernel",
              lambda x, w: nn.conv2d(x, w, [1, 2, 2, 1], "SAME"), [(2, 5, 6, 3), (4, 2, 3, 2)],
              seed=1, second_order=True),
        _case("conv2d_valid_s1",
              lambda x, w: nn.conv2d(x, w, [1, 1, 1, 1], "VALID"), [(2, 6, 5, 2), (3, 2, 2, 3)],
              seed=2),
        _case("conv2d_same_dilation2",
              lambda x, w: nn.conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]),
              [(1, 7, 6, 2), (3, 2, 2, 2)], seed=3),
        _case("conv2d_valid_s2_dilation2",
              lambda x, w: nn.conv2d(x, w, [1, 2, 2, 1], "VALID", dilations=[1, 2, 2, 1]),
              [(2, 9, 8, 1), (2, 3, 1, 2)], seed=4),
        _case("conv2d_nchw_same_s2",
              lambda x, w: nn.conv2d(x, w, [1, 1, 2, 2], "SAME", data_format="NCHW"),
              [(2, 3, 5, 4), (3, 2, 3, 2)], seed=5),
        _case("conv2d_transpose_same_s2",
              lambda v, w: nn.conv2d_transpose(v, w, [2, 6, 5, 2], [1, 2, 2, 1], "SAME"),
              [(2, 3, 3, 3), (3, 2, 2, 3)], seed=6, second_order=True),
        _case("max_pool_same_3x3_s2",
              lambda x: nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), [(2, 5, 7, 2)],
              seed=7),
        _case("max_pool_valid_2x2_s2",
              lambda x: nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), [(2, 5, 6, 3)],
              seed=8),
        _case("max_pool_ties_same_2x2_s2",
              lambda x: nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"), [TIES], seed=9),
        _case("max_pool_ties_overlapping_3x3_s1",
              lambda x: nn.max_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "SAME"), [TIES], seed=10),
        _case("avg_pool_same_3x3_s2",
              lambda x: nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), [(2, 5, 7, 2)],
              seed=11),
        _case("avg_pool_valid_2x3_s1",
              lambda x: nn.avg_pool(x, [1, 2, 3, 1], [1, 1, 1, 1], "VALID"), [(1, 4, 5, 2)],
              seed=12),
        _case("bias_add_nchw",
              lambda x, b: nn.bias_add(x, b, data_format="NCHW"), [(2, 3, 2, 2), (3,)],
              seed=13),
    ]
    out = {"tensorflow": tf.__version__, "script": "tests/golden/conv_pool_tf.py",
           "cases": cases}
    path = os.path.join(HERE, "conv_pool_tf.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"wrote {len(cases)} cases to {path} (TensorFlow {tf.__version__})")


if __name__ == "__main__":
    main()
