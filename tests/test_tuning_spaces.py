"""Search spaces: the scales statistically, bounds, grids, narrowing, reproducibility."""

import math

import numpy as np
import pytest

from minigraph import tuning

N = 4000
# Binomial standard deviation of a share p=1/4 over 4000 samples is 0.0068; 0.03 is > 4 sigma.
TOL = 0.03


def test_log_uniform_gives_each_decade_a_quarter():
    values = np.array(tuning.log_uniform(1e-4, 1).sample(np.random.default_rng(1), N))
    assert values.min() >= 1e-4 and values.max() <= 1.0
    edges = [1e-4, 1e-3, 1e-2, 1e-1, 1.0 + 1e-12]
    shares = np.histogram(values, bins=edges)[0] / N
    np.testing.assert_allclose(shares, 0.25, atol=TOL)
    # The trap it avoids: a linear uniform draw puts ~90% of samples in the top decade.
    linear = np.array(tuning.uniform(1e-4, 1).sample(np.random.default_rng(1), N))
    assert np.mean(linear > 0.1) > 0.85


def test_log_uniform_exponent_is_uniform():
    values = np.array(tuning.log_uniform(1e-5, 1e-1).sample(np.random.default_rng(2), N))
    r = np.log10(values)
    assert abs(r.mean() - (-3.0)) < 0.1
    assert abs(r.std() - 4 / math.sqrt(12)) < 0.05  # std of U[-5, -1]


def test_one_minus_log_uniform_is_dense_near_one():
    beta = np.array(tuning.one_minus_log_uniform(0.9, 0.999).sample(np.random.default_rng(3), N))
    assert beta.min() >= 0.9 and beta.max() <= 0.999
    # r = log10(1 - beta) ~ U[-3, -1]: half the samples above 0.99, a quarter above 0.9968.
    assert abs(np.mean(beta > 0.99) - 0.5) < TOL
    assert abs(np.mean(beta > 1 - 10 ** -2.5) - 0.25) < TOL
    assert abs(np.mean(np.log10(1 - beta)) - (-2.0)) < 0.05
    # A linear draw would put only ~9% above 0.99.
    linear = np.array(tuning.uniform(0.9, 0.999).sample(np.random.default_rng(3), N))
    assert np.mean(linear > 0.99) < 0.12


def test_int_uniform_is_inclusive_and_flat():
    values = tuning.int_uniform(3, 6).sample(np.random.default_rng(4), N)
    assert all(isinstance(v, int) for v in values)
    counts = np.bincount(values, minlength=7)[3:]
    np.testing.assert_allclose(counts / N, 0.25, atol=TOL)


def test_choice_is_flat_over_options():
    options = ["relu", "tanh", 3]
    values = tuning.choice(options).sample(np.random.default_rng(5), N)
    shares = [values.count(o) / N for o in options]
    np.testing.assert_allclose(shares, 1 / 3, atol=TOL)


def test_samples_are_plain_python_values():
    rng = np.random.default_rng(0)
    assert type(tuning.log_uniform(1e-3, 1).sample(rng)) is float
    assert type(tuning.int_uniform(1, 9).sample(rng)) is int
    assert type(tuning.choice([1, 2]).sample(rng)) is int


def test_sample_space_is_reproducible_and_key_order_free():
    space = {"lr": tuning.log_uniform(1e-4, 1), "beta": tuning.one_minus_log_uniform(0.9, 0.999),
             "units": tuning.int_uniform(16, 128), "layers": tuning.choice([1, 2, 3]),
             "epochs": 5}
    reordered = dict(reversed(list(space.items())))
    a = tuning.sample_space(space, np.random.default_rng(7))
    b = tuning.sample_space(space, np.random.default_rng(7))
    c = tuning.sample_space(reordered, np.random.default_rng(7))
    d = tuning.sample_space(space, np.random.default_rng(8))
    assert a == b == c
    assert a != d
    assert a["epochs"] == 5 and list(a) == list(space)


def test_grid_is_evenly_spaced_on_each_axis():
    space = {"lr": tuning.log_uniform(1e-4, 1), "beta": tuning.one_minus_log_uniform(0.9, 0.999),
             "layers": tuning.choice([1, 2])}
    points = tuning.grid(space, {"lr": 5, "beta": 3, "layers": 99})
    assert len(points) == 5 * 3 * 2
    lrs = sorted({p["lr"] for p in points})
    np.testing.assert_allclose(np.log10(lrs), [-4, -3, -2, -1, 0])
    betas = sorted({p["beta"] for p in points})
    np.testing.assert_allclose(betas, [0.9, 0.99, 0.999])
    assert sorted({p["layers"] for p in points}) == [1, 2]
    assert sorted(set(tuning.int_uniform(1, 3).grid_values(10))) == [1, 2, 3]


def test_narrow_works_on_each_axis_and_clips_to_bounds():
    lr = tuning.log_uniform(1e-4, 1)
    narrowed = lr.narrow([1e-3, 1e-2], margin=0.25, bounds=lr)  # pad = 0.25 * 4 decades
    np.testing.assert_allclose([math.log10(narrowed.low), math.log10(narrowed.high)], [-4, -1])
    assert isinstance(narrowed, tuning.LogUniform)

    beta = tuning.one_minus_log_uniform(0.9, 0.999)
    nb = beta.narrow([0.99, 0.995], margin=0.0, bounds=beta)
    np.testing.assert_allclose([nb.low, nb.high], [0.99, 0.995])
    clipped = beta.narrow([0.998], margin=0.5, bounds=beta)  # pad 1 decade, clipped at 0.999
    np.testing.assert_allclose([clipped.low, clipped.high], [0.98, 0.999])

    units = tuning.int_uniform(10, 110)
    nu = units.narrow([40, 52], margin=0.05, bounds=units)
    assert (nu.low, nu.high) == (35, 57) and isinstance(nu, tuning.IntUniform)

    # A choice keeps every option; one pseudo-count each: weights (count + 1) / (3 + 4).
    layers = tuning.choice([1, 2, 3, 4])
    narrowed = layers.narrow([3, 1, 3], margin=0.5, bounds=layers)
    assert narrowed.options == [1, 2, 3, 4]
    np.testing.assert_allclose(narrowed.weights, np.array([2, 1, 3, 1]) / 7)
    # ... even when narrowing an already weighted choice: the options come from the bounds.
    again = tuning.choice([1, 3]).narrow([1], margin=0.0, bounds=layers)
    assert again.options == [1, 2, 3, 4]
    np.testing.assert_allclose(again.weights, np.array([2, 1, 1, 1]) / 5)


def test_weighted_choice_samples_with_its_weights():
    rng = np.random.default_rng(3)
    draws = np.array(tuning.choice(["a", "b", "c"], weights=[6, 3, 1]).sample(rng, 20000))
    shares = [np.mean(draws == o) for o in "abc"]
    np.testing.assert_allclose(shares, [0.6, 0.3, 0.1], atol=0.015)
    assert tuning.choice([1, 2], weights=[1, 1]) == tuning.choice([1, 2], weights=[5, 5])
    assert tuning.choice([1, 2], weights=[1, 1]) != tuning.choice([1, 2])
    with pytest.raises(ValueError, match="one weight per option"):
        tuning.choice([1, 2], weights=[1])
    with pytest.raises(ValueError, match="not all 0"):
        tuning.choice([1, 2], weights=[0, 0])
    with pytest.raises(ValueError, match=">= 0"):
        tuning.choice([1, 2], weights=[-1, 2])


def test_bad_bounds_are_rejected_with_the_fix():
    with pytest.raises(ValueError, match="low must be > 0"):
        tuning.log_uniform(0, 1)
    with pytest.raises(ValueError, match="0 <= low <= high < 1"):
        tuning.one_minus_log_uniform(0.9, 1.0)
    with pytest.raises(ValueError, match="low <= high"):
        tuning.uniform(2, 1)
    with pytest.raises(ValueError, match="integers"):
        tuning.int_uniform(1.5, 3)
    with pytest.raises(ValueError, match="at least one option"):
        tuning.choice([])
    with pytest.raises(TypeError, match="non-empty dict"):
        tuning.sample_space({}, np.random.default_rng(0))


def test_reprs_name_the_builder():
    assert repr(tuning.log_uniform(1e-4, 1)) == "log_uniform(0.0001, 1)"
    assert repr(tuning.one_minus_log_uniform(0.9, 0.999)) == "one_minus_log_uniform(0.9, 0.999)"
    assert repr(tuning.int_uniform(1, 4)) == "int_uniform(1, 4)"
    assert repr(tuning.choice([1, 2])) == "choice([1, 2])"
    assert repr(tuning.choice([1, 2], [3, 1])) == "choice([1, 2], weights=[0.75, 0.25])"


def test_importing_minigraph_does_not_import_the_heavy_extras():
    import subprocess
    import sys

    code = ("import sys, minigraph, minigraph.tuning; "
            "print(sorted(m for m in ('tqdm', 'matplotlib', 'dask', 'distributed', 'sklearn') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
