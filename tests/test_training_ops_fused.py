"""TF1's fused dense updates (`ApplyGradientDescent`, `ApplyMomentum`, `ApplyRMSProp`,
`ApplyCenteredRMSProp`): the optimizers build them under TF1's names, they compute what TF1
computes bit for bit (tests/golden/training_ops_tf.py), the compiled loop and numpy's passes
agree bit for bit, and bad inputs get TF1's errors."""

import json
import os

import numpy as np
import pytest

import minigraph as tf
from minigraph import compiled_kernels, errors
from minigraph.ops import training_ops

with open(os.path.join(os.path.dirname(__file__), "golden", "training_ops_tf.json")) as f:
    GOLDEN = json.load(f)["cases"]


def _train(optimizer, kwargs, slot_names, init, grads):
    """(graph op (name, type) list of the updates, slot variable names, values per step)."""
    with tf.Graph().as_default() as graph:
        w = tf.Variable(np.asarray(init, np.float32), name="W1")
        g = tf.placeholder(tf.float32, w.shape, name="g")
        opt = getattr(tf.train, optimizer)(**kwargs)
        train = opt.apply_gradients([(g, w)])
        updates = [[op.name, op.type] for op in graph.get_operations()
                   if op.type.startswith("Apply")]
        slots = [opt.get_slot(w, name) for name in slot_names]
        values = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for grad in grads:
                sess.run(train, {g: np.asarray(grad, np.float32)})
                values.append(sess.run([w, *slots]))
    return updates, [s.op.name for s in slots], values


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_optimizers_build_tf1s_op_and_compute_its_bits(case):
    golden = GOLDEN[case]
    updates, slot_names, values = _train(golden["optimizer"], golden["kwargs"], golden["slots"],
                                         golden["init"], golden["grads"])
    assert updates == golden["update_ops"]
    assert slot_names == golden["slot_variables"]
    for step, (got, expected) in enumerate(zip(values, golden["values"])):
        for name, g, e in zip(["var", *golden["slots"]], got, expected):
            assert g.dtype == np.float32
            np.testing.assert_array_equal(g, np.asarray(e, np.float32),
                                          err_msg=f"{case}: {name} after step {step + 1}")


@pytest.mark.parametrize("jit", ["c", "numba", "numpy"])
@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_compiled_loop_and_numpy_passes_agree_bit_for_bit(case, jit, monkeypatch):
    monkeypatch.setenv("MINIGRAPH_JIT", jit)
    if compiled_kernels.backend() != jit or not compiled_kernels.available():
        pytest.skip(f"{jit} is not available")
    golden = GOLDEN[case]
    rng = np.random.default_rng(7)
    shape = (160, 128)  # above the compiled loops' threshold
    init = rng.standard_normal(shape).astype(np.float32)
    grads = [rng.standard_normal(shape).astype(np.float32) for _ in range(3)]
    calls = []
    compile_loop = compiled_kernels.compile_loop
    monkeypatch.setattr(compiled_kernels, "compile_loop",
                        lambda loop: calls.append(loop) or compile_loop(loop))
    args = (golden["optimizer"], golden["kwargs"], golden["slots"], init, grads)
    _, _, compiled = _train(*args)
    assert calls, "the compiled loop did not run"
    monkeypatch.setenv("MINIGRAPH_JIT", "0")
    calls.clear()
    _, _, plain = _train(*args)
    assert not calls
    for got, expected in zip(compiled, plain):
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)


def test_the_update_writes_the_stored_arrays_in_place():
    with tf.Graph().as_default():
        w = tf.Variable(np.ones((160, 128), np.float32), name="W1")
        opt = tf.train.RMSPropOptimizer(0.01, momentum=0.5)
        train = opt.minimize(tf.reduce_sum(w * w))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = [sess._state.variables[v.op] for v in (w, *[opt.get_slot(w, n)
                                                              for n in ("rms", "momentum")])]
            sess.run(train)
            after = [sess._state.variables[v.op] for v in (w, *[opt.get_slot(w, n)
                                                             for n in ("rms", "momentum")])]
            assert all(a is b for a, b in zip(after, before))
            assert not np.array_equal(before[0], np.ones((160, 128), np.float32))


def _variables(*values):
    return [tf.Variable(np.asarray(v, np.float32), name=f"v{i}") for i, v in enumerate(values)]


def test_shapes_must_match_at_build_time():
    with tf.Graph().as_default():
        var, ms, mom = _variables(np.ones((3, 4)), np.ones((3, 4)), np.ones((4, 4)))
        with pytest.raises(ValueError, match=r"Dimension 0 in both shapes must be equal, but "
                                             r"are 3 and 4\. Shapes are \[3,4\] and \[4,4\]"):
            training_ops.apply_rms_prop(var, ms, mom, 0.1, 0.9, 0.0, 1e-10, np.ones((3, 4)))
        with pytest.raises(ValueError, match="Shapes must be equal rank, but are 2 and 1"):
            training_ops.apply_gradient_descent(var, 0.1, np.ones(4, np.float32))
        with pytest.raises(ValueError, match=r"Shape must be rank 0 but is rank 1 .*'lr'.* "
                                             r"for 'ApplyMomentum'"):
            training_ops.apply_momentum(var, ms, [0.1, 0.2], np.ones((3, 4)), 0.9)


def test_inputs_must_have_the_variables_dtype():
    with tf.Graph().as_default():
        var, accum = _variables(np.ones(3), np.ones(3))
        with pytest.raises(TypeError, match="Input 'grad' of 'ApplyMomentum' Op has type "
                                            "float64 that does not match type float32"):
            training_ops.apply_momentum(var, accum, 0.1, tf.constant(np.ones(3)), 0.9)
        with pytest.raises(TypeError, match="ApplyGradientDescent needs a Variable as var"):
            training_ops.apply_gradient_descent(tf.constant([1.0]), 0.1, [1.0])


def test_a_gradient_of_another_shape_fails_at_run_time():
    with tf.Graph().as_default():
        var, mg, ms, mom = _variables(*[np.ones(3)] * 4)
        grad = tf.placeholder(tf.float32, [None])
        step = training_ops.apply_centered_rms_prop(var, mg, ms, mom, 0.1, 0.9, 0.0, 1e-10, grad)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(errors.InvalidArgumentError,
                               match=r"var and mg do not have the same shape|"
                                     r"var and grad do not have the same shape\[3\] \[4\]"):
                sess.run(step, {grad: np.ones(4, np.float32)})
            np.testing.assert_array_equal(sess.run(var), np.ones(3, np.float32))
