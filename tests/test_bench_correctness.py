"""The benchmark's workloads compute what their hand-written numpy versions compute: same
loss and gradients at the start, same loss after a few optimizer steps (float32 tolerance);
the checks can fail; and the runner plans and reports what it should."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import profile_step, report, run  # noqa: E402
from bench.workloads import (  # noqa: E402
    _common,
    w1_quadratic,
    w2_course_mlp,
    w3_batchnorm_mlp,
    w4_graph_scale,
    w6_conv2d,
    w7_course_notebook,
    w8_autoencoder,
)



@pytest.mark.parametrize("check", [
    lambda: w2_course_mlp.check(steps=3, examples=64),
    lambda: w3_batchnorm_mlp.check(batch=32, steps=3),
    lambda: w6_conv2d.check("course", batch=8, steps=3),
    lambda: w6_conv2d.check("lenet", batch=8, steps=3),
    lambda: w7_course_notebook.check(steps=3, examples=64),
    lambda: w8_autoencoder.check(batch=16, steps=3),
    lambda: w1_quadratic.check(),
], ids=["W2 course MLP", "W3 batch-norm MLP", "W6 conv2d course", "W6 conv2d lenet",
        "W7 course notebook", "W8 autoencoder", "W1 quadratic"])
def test_losses_and_gradients_match_numpy(check):
    errors = check()
    assert set(errors) == {"loss", "grads", "trained_loss", "loss_change"}
    assert _common.check_failures(errors) == [], errors


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


def test_w4_chain_value_and_gradient_match_numpy():
    errors = w4_graph_scale.check(links=200)
    assert errors == {"loss": 0.0, "grads": 0.0}


class _WrongLearningRate(w8_autoencoder.NumpyNet):
    def __init__(self, params):
        super().__init__(params)
        self.optimizer.lr *= 2


def test_check_net_catches_a_different_optimizer():
    """A net that differs only in its update passes the step-0 comparisons and fails the one
    after 3 steps: what catches a peer whose optimizer computes something else."""
    params = w8_autoencoder.init_params(seed=6)
    data = w8_autoencoder.make_data(16, n_batches=2, seed=5)
    errors = _common.check_net(_WrongLearningRate(params), w8_autoencoder.NumpyNet(params),
                               data, 3)
    assert errors["loss"] == 0 and errors["grads"] == 0
    assert errors["trained_loss"] < _common.TOLERANCE["trained_loss"]  # hidden there...
    assert _common.check_failures(errors) == ["loss_change"]  # ...caught here
    assert errors["loss_change"] > 0.5


def test_w8_numpy_gradient_moves_the_loss():
    net = w8_autoencoder.NumpyNet(w8_autoencoder.init_params(seed=6))
    x, target = w8_autoencoder.make_data(8, n_batches=1, seed=5)[0]
    loss, grads = net.loss_and_grads(x, target)
    tap = np.unravel_index(np.argmax(np.abs(grads[2])), grads[2].shape)  # W2, mid-network
    step = 1e-2 / abs(grads[2][tap]) * 1e-3
    net.params[2][tap] += step
    moved, _ = net.loss_and_grads(x, target)
    assert moved - loss == pytest.approx(step * grads[2][tap], rel=0.1)


def test_w8_rmsprop_is_tf1s_first_step():
    """TF1's RMSProp starts its mean square at ones: the first step is
    lr g / sqrt(0.9 + 0.1 g^2)."""
    p = [np.array([1.0, -2.0], np.float32)]
    g = [np.array([0.5, 3.0], np.float32)]
    w8_autoencoder.RMSProp(p, lr=0.1).step(p, g)
    expected = np.array([1.0, -2.0]) - 0.1 * g[0] / np.sqrt(0.9 + 0.1 * g[0] ** 2)
    np.testing.assert_allclose(p[0], expected, rtol=1e-6)


def test_notebook_minibatches_are_the_courses_float64_column_views():
    x, y = w7_course_notebook.load_dataset(examples=100)
    assert x.dtype == np.float64 and x.shape == (12288, 100) and y.shape == (6, 100)
    batches = w7_course_notebook.random_mini_batches(x, y, 32, seed=4)
    assert [b[0].shape[1] for b in batches] == [32, 32, 32, 4]
    assert not batches[0][0].flags["C_CONTIGUOUS"]
    np.random.seed(4)  # the notebook's own way of drawing the permutation
    order = np.random.permutation(100)
    np.testing.assert_array_equal(batches[1][0], x[:, order[32:64]])
    np.testing.assert_array_equal(y[:, order[:32]].sum(axis=0), 1.0)


def test_w4_has_no_numpy_job_and_skips_the_slowest_peer_chains():
    assert not run.job_allowed("w4_graph_scale", {"links": 1000}, "numpy", quick=False)
    assert run.job_allowed("w4_graph_scale", {"links": 100000}, "minigraph", quick=False)
    assert not run.job_allowed("w4_graph_scale", {"links": 10000}, "tensorflow", quick=False)
    assert not run.job_allowed("w4_graph_scale", {"links": 100000}, "minigraph", quick=True)
    assert run.job_allowed("w2_course_mlp", {}, "jax", quick=True)


def test_threads_environment_for_one_thread_and_for_library_defaults():
    one = run.child_env(1)
    assert one["OMP_NUM_THREADS"] == one["OPENBLAS_NUM_THREADS"] == one["MKL_NUM_THREADS"] == "1"
    assert "MINIGRAPH_BLAS_THREADS" not in one
    default = run.child_env(0)
    assert "OMP_NUM_THREADS" not in default and default["MINIGRAPH_BLAS_THREADS"] == "0"


def test_targets_are_judged_against_the_right_peer():
    assert report.training_verdict({"minigraph": 1.0, "tensorflow": 1.5, "torch": 1.2,
                                    "jax": 1.0}) == "yes"
    verdict = report.training_verdict({"minigraph": 1.0, "tensorflow": 1.0, "jax": 0.5})
    assert verdict == "no: minigraph takes 1.00× TF1's, 2.00× JAX's"
    assert report.w1_verdict({"minigraph": 10.0, "jax": 15.0}).startswith("yes")
    assert report.w1_verdict({"minigraph": 10.0, "jax": 14.0}).startswith("no")


def test_report_has_a_column_per_framework_and_keeps_the_notes(tmp_path):
    results = {}
    for impl, ms in (("numpy", 2.0), ("minigraph", 1.0), ("tensorflow", 4.0), ("jax", 0.5)):
        results[("w2_course_mlp", "{}", impl)] = [
            {"ms_per_step": ms, "cpu_ms_per_step": ms, "threads": 1}]
    out = tmp_path / "RESULTS.md"
    out.write_text("old table\n" + report.NOTES_MARKER + "\n\nhand-written notes\n")
    info = {"date": "today", "command": "python bench/run.py", "reps": 1, "seconds": 1.0,
            "quick": True, "cpu": "cpu", "cores": 2, "platform": "p", "python": "3", "numpy": "2",
            "blas": "b", "versions": {"jax": "0"}, "load_before": "1", "load_after": "2",
            "blas_threads": 1, "pinned": True, "out": str(out),
            "impls": ["numpy", "minigraph", "tensorflow", "jax"]}
    checks = {("W2 course MLP", "jax"): {"loss": 0.0, "grads": 2e-7, "trained_loss": 1e-3,
                                         "loss_change": 1e-2}}  # trained_loss fails
    text = report.render(info, checks, results, {"w2_course_mlp": w2_course_mlp}, {})
    assert "| numpy | minigraph | TF1 (compat.v1) | JAX jit | target met? |" in text
    assert "wall: no: minigraph takes 2.00× JAX's |" in text
    assert "| wall ÷ numpy | 1× | 0.5× | 2× | 0.25× |" in text
    assert "| 0 / 2e-07 / 1e-03 / 1e-02 ✗ |" in text
    assert text.endswith("hand-written notes\n")


def test_contention_covers_every_per_step_workload_for_minigraph():
    runs = run.contention_runs(["numpy", "minigraph", "jax"], quick=False)
    minigraph_policy = {name for name, _, impl, setting, _ in runs
                        if impl == "minigraph" and setting == "policy"}
    assert minigraph_policy == set(report.PER_STEP)
    assert {name for name, _, impl, _, _ in runs if impl == "jax"} == {
        "w2_course_mlp", "w3_batchnorm_mlp"}
    policy_env = next(env for _, _, impl, setting, env in runs if setting == "policy")
    assert "OMP_NUM_THREADS" not in policy_env and "MINIGRAPH_BLAS_THREADS" not in policy_env
    only_w1 = run.contention_runs(["minigraph"], quick=False, names=["w1_quadratic"])
    assert {name for name, *_ in only_w1} == {"w1_quadratic"}


def test_contention_verdict_and_per_step_units():
    contended = {("w1_quadratic", "{}", "minigraph", "policy", False): 0.05,
                 ("w1_quadratic", "{}", "minigraph", "policy", True): 0.11,
                 ("w2_course_mlp", "{}", "minigraph", "policy", False): 1.0,
                 ("w2_course_mlp", "{}", "minigraph", "policy", True): 1.5}
    assert report.contention_verdict(contended, "w1_quadratic", "{}") == "no (2.20×)"
    assert report.contention_verdict(contended, "w2_course_mlp", "{}") == "yes (1.50×)"
    text = "\n".join(report.contention_table(contended, ["minigraph"], {False: "1", True: "2"}))
    assert "| W1 | minigraph default | 0.05 → 0.11 (2.2×) | no (2.20×) |" in text
    assert run.per_step({"us_per_step": 50.0}) == 0.05
    assert run.per_step({"ms_per_step": 2.0}) == 2.0 and run.per_step("timeout") is None


def test_profile_step_reports_functions_and_op_types():
    text = profile_step.profile("w8", steps=1, top=30)
    assert "ms of CPU per step" in text and "slowest op types" in text
    assert "MatMul" in text
    with pytest.raises(ValueError, match="choose w2, w3, w7 or w8"):
        profile_step.workload_step("w5", 256)


def test_w9_while_loop_gradients_match_the_numpy_loop():
    from bench.workloads import w9_while_loop

    errors = w9_while_loop.check(iterations=50)
    assert set(errors) == {"loss", "dx", "dw"}
    assert not _common.check_failures(errors), errors
    x, w = w9_while_loop._inputs()
    moved = w9_while_loop._numpy(x, w * np.float32(1.01), 50, True)
    assert abs(moved[0] - w9_while_loop._numpy(x, w, 50, True)[0]) > 1e-3  # it can fail


def test_w4_floor_computes_the_chain_minigraph_computes():
    from bench import w4_floor

    floor = w4_floor._floor(200)
    assert (floor["y"], floor["dy"]) == pytest.approx(w4_graph_scale.chain_value(1.0, 200),
                                                      rel=1e-6)
    mine = w4_floor._minigraph(200)
    assert (mine["y"], mine["dy"]) == (floor["y"], floor["dy"])
