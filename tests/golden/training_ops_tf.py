"""Writes tests/golden/training_ops_tf.json: what TF1's dense optimizer updates
(`ApplyGradientDescent`, `ApplyMomentum`, `ApplyRMSProp`, `ApplyCenteredRMSProp`) compute, for
tests/test_training_ops_fused.py.

Run with a Python that has TensorFlow (any 2.x; its `compat.v1` graph mode runs TF1's ops):

    /work/peers/bin/python tests/golden/training_ops_tf.py

Each case builds one optimizer on a float32 variable `W1` of shape [2, 24] (wide enough that
Eigen's vectorized loops run), applies three fed gradients through `apply_gradients`, and records
the update op's name and type, the slots' names, and the variable and slot values after every
step. Inputs are float32 values drawn from numpy's PCG64 with fixed seeds and stored in the JSON
(as exact float32 values), so the test needs neither TensorFlow nor the same numpy.
"""

import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = (2, 24)
STEPS = 3

CASES = {
    "gradient_descent": ("GradientDescentOptimizer", {"learning_rate": 0.1}, []),
    "momentum": ("MomentumOptimizer", {"learning_rate": 0.05, "momentum": 0.9}, ["momentum"]),
    "nesterov": ("MomentumOptimizer",
                 {"learning_rate": 0.05, "momentum": 0.9, "use_nesterov": True}, ["momentum"]),
    "rmsprop": ("RMSPropOptimizer", {"learning_rate": 0.01}, ["rms", "momentum"]),
    "rmsprop_momentum": ("RMSPropOptimizer",
                         {"learning_rate": 0.01, "decay": 0.8, "momentum": 0.5, "epsilon": 1e-6},
                         ["rms", "momentum"]),
    "rmsprop_centered": ("RMSPropOptimizer",
                         {"learning_rate": 0.01, "momentum": 0.3, "centered": True},
                         ["rms", "mg", "momentum"]),
}


def _case(seed, optimizer, kwargs, slot_names):
    rng = np.random.default_rng(seed)
    init = rng.standard_normal(SHAPE).astype(np.float32)
    grads = [rng.standard_normal(SHAPE).astype(np.float32) for _ in range(STEPS)]
    with tf.Graph().as_default():
        w = tf.Variable(init, name="W1")
        g = tf.placeholder(tf.float32, SHAPE, name="g")
        opt = getattr(tf.train, optimizer)(**kwargs)
        train = opt.apply_gradients([(g, w)])
        update = [op for op in tf.get_default_graph().get_operations()
                  if op.type.startswith("Apply")]
        slots = [opt.get_slot(w, name) for name in slot_names]
        values = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for grad in grads:
                sess.run(train, {g: grad})
                values.append([v.astype(float).tolist() for v in sess.run([w, *slots])])
    return {
        "optimizer": optimizer, "kwargs": kwargs, "slots": slot_names,
        "slot_variables": [s.op.name for s in slots],
        "update_ops": [[op.name, op.type] for op in update],
        "init": init.astype(float).tolist(), "grads": [x.astype(float).tolist() for x in grads],
        "values": values,
    }


def main():
    cases = {name: _case(seed, *spec) for seed, (name, spec) in enumerate(CASES.items())}
    with open(os.path.join(HERE, "training_ops_tf.json"), "w") as f:  # a case per line
        f.write(f'{{"tensorflow": {json.dumps(tf.__version__)}, "cases": {{\n')
        f.write(",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in cases.items()))
        f.write("\n}}\n")


if __name__ == "__main__":
    main()
