"""The benchmark's W2, W3 and W6 compute what their hand-written numpy versions compute: same
loss and gradients at the start, same loss after a few Adam steps (float32 tolerance)."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.workloads import w1_quadratic, w2_course_mlp, w3_batchnorm_mlp, w6_conv2d  # noqa: E402

TOLERANCE = 1e-4


@pytest.mark.parametrize("check", [
    lambda: w2_course_mlp.check(steps=3, examples=64),
    lambda: w3_batchnorm_mlp.check(batch=32, steps=3),
    lambda: w6_conv2d.check("course", batch=8, steps=3),
    lambda: w6_conv2d.check("lenet", batch=8, steps=3),
], ids=["W2 course MLP", "W3 batch-norm MLP", "W6 conv2d course", "W6 conv2d lenet"])
def test_losses_and_gradients_match_numpy(check):
    errors = check()
    assert set(errors) == {"loss", "grads", "trained_loss"}
    for name, error in errors.items():
        assert error < TOLERANCE, f"{name}: relative error {error:.2e}"


def test_numpy_reference_is_not_trivially_equal():
    """The check can fail: a wrong numpy gradient is caught."""
    net = w3_batchnorm_mlp.NumpyNet(w3_batchnorm_mlp.init_params(seed=6))
    x, y = w3_batchnorm_mlp.make_data(16, n_batches=1, seed=5)[0]
    loss, grads = net.loss_and_grads(x, y)
    net.params[0][0, 0] += 1e-2  # W1 moves: the loss must move by about the gradient
    moved, _ = net.loss_and_grads(x, y)
    assert moved - loss == pytest.approx(1e-2 * grads[0][0, 0], rel=0.1, abs=1e-7)


def test_w1_quick_run_reaches_the_minimum_in_both_implementations():
    for impl in ("minigraph", "numpy"):
        result = w1_quadratic.run(impl, quick=True)
        assert result["us_per_step"] > 0
        assert 1.0 < result["final_w"] < 5.0  # 103 steps of lr 0.01 from w = 0 toward 5


def test_w6_numpy_filter_gradient_moves_the_loss():
    """The W6 check can fail: the hand-written conv gradient agrees with a finite step."""
    net = w6_conv2d.NumpyNet(w6_conv2d.init_params("lenet", seed=6), "lenet")
    x, y = w6_conv2d.make_data("lenet", n_batches=1, batch=4, seed=5)[0]
    loss, grads = net.loss_and_grads(x, y)
    # the tap of the second convolution's filter with the largest gradient
    tap = np.unravel_index(np.argmax(np.abs(grads[1])), grads[1].shape)
    assert abs(grads[1][tap]) > 1e-2
    net.params[1][tap] += 1e-3
    moved, _ = net.loss_and_grads(x, y)
    assert moved - loss == pytest.approx(1e-3 * grads[1][tap], rel=0.1)


def test_w9_while_loop_gradients_match_the_numpy_loop():
    from bench.workloads import w9_while_loop

    errors = w9_while_loop.check(iterations=50)
    assert set(errors) == {"loss", "dx", "dw"}
    assert all(error < TOLERANCE for error in errors.values()), errors
    x, w = w9_while_loop._inputs()
    moved = w9_while_loop._numpy(x, w * np.float32(1.01), 50, True)
    assert abs(moved[0] - w9_while_loop._numpy(x, w, 50, True)[0]) > 1e-3  # it can fail
