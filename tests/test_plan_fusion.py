"""The element-wise fusion pass: which steps it joins, and that a fused step computes exactly
what the steps it replaces compute, with numba's compiled loops and with numpy's kernels.

The tests named `test_probe_*` are also run by `tests/test_plan_passes.py` with every pass on
and every pass off, bit for bit; they run each plan four times (the later runs reuse the loop
the first made).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import minigraph as tf
from minigraph import c_kernels, compiled_kernels, executor, plan_fusion, plan_passes
from minigraph.ops import training_ops

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (inf and NaN on purpose)
RUNS = 4
SPECIAL = np.array([0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1.5, -1.5, 1e-45, -1e-45,
                    3.4e38, -3.4e38, 1.0, -1.0, 0.5, 2.0], np.float32)


def _values(rows: int, cols: int, seed: int) -> np.ndarray:
    """Random float32 values with every special value spread among them."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, cols)).astype(np.float32)
    flat = values.reshape(-1)
    flat[rng.choice(flat.size, 4 * SPECIAL.size, replace=False)] = np.tile(SPECIAL, 4)
    return values


def _run_repeatedly(fetches, feed, runs: int = RUNS, config=None) -> list:
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        return [sess.run(fetches, feed) for _ in range(runs)]


def _fused_types(fetches, feeds) -> list:
    plan = executor.compile_plan(fetches, [], feeds, executor.SessionState(),
                                 passes=plan_passes.ALL)
    return [step.op.type for step in plan.steps]


@pytest.fixture(params=["c", "numba", "chunked", "plain"])
def kernels(request, monkeypatch):
    """Each test four times: the loops in C (skipped without a compiler), numba's compiled
    loops (skipped without numba), the same loops as numpy calls over blocks
    (`chunked_kernels`), and the plain kernels (no loops)."""
    if request.param == "numba" and not compiled_kernels.installed():
        pytest.skip("numba is not installed")
    monkeypatch.setenv("MINIGRAPH_JIT", {"c": "c", "numba": "numba", "chunked": "numpy",
                                         "plain": "0"}[request.param])
    if request.param == "c" and compiled_kernels.backend() != "c":
        pytest.skip("no C compiler")
    return request.param


# ---------------------------------------------------------------- probes (also run all-off)
def test_probe_every_elementwise_op_on_special_values():
    a = tf.placeholder(tf.float32, [None, 512], name="a")
    b = tf.placeholder(tf.float32, [None, 512], name="b")
    outputs = [a + b, a - b, a * b, a / b, -a, tf.square(a), tf.sqrt(a), tf.maximum(a, b),
               tf.minimum(a, b), tf.add_n([a, b, a]), tf.squared_difference(a, b),
               tf.nn.relu(a)]
    (relu_grad,) = tf.gradients(tf.nn.relu(b), [b], grad_ys=[a])  # ReluGrad(a, relu(b))
    # each joined with a second op, so that every one is a member of a group
    fetches = [y * 1.5 for y in outputs + [relu_grad]]
    feed = {a: _values(64, 512, 0), b: _values(64, 512, 1)}
    runs = _run_repeatedly(fetches, feed)
    for later in runs[1:]:
        for got, want in zip(later, runs[0]):
            assert got.tobytes() == want.tobytes()


def test_probe_broadcasting_rows_columns_scalars_and_strided_inputs():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    row = tf.Variable(np.linspace(-2, 2, 512, dtype=np.float32), name="row")
    column = tf.placeholder(tf.float32, [None, 1], name="column")
    wide = tf.broadcast_to(tf.reshape(row, [1, 512]), tf.shape(x))  # a stride-0 input
    flipped = tf.transpose(tf.transpose(x) * 1.0)  # a non-contiguous input (x * 1 is x)
    y = tf.nn.relu((x * row + column) * 2.0 - wide) + flipped
    cube = tf.placeholder(tf.float32, [None, 8, 64], name="cube")  # rank 3: merged to 2
    bias = tf.Variable(np.arange(64, dtype=np.float32), name="bias")
    z = tf.square(cube + bias) * 0.5
    odd = tf.placeholder(tf.float32, [None, 1, 64], name="odd")  # rank 3 left to numpy
    w = tf.sqrt(tf.abs(cube) + odd) * 3.0
    feed = {x: _values(64, 512, 2), column: _values(64, 1, 3),
            cube: _values(256, 512, 4).reshape(256, 8, 64),
            odd: _values(256, 64, 5).reshape(256, 1, 64)}
    runs = _run_repeatedly([y, z, w], feed)
    want = np.maximum((feed[x] * row_value() + feed[column]) * np.float32(2.0)
                      - row_value(), 0) + feed[x]
    np.testing.assert_array_equal(runs[-1][0], want)
    for later in runs[1:]:
        for got, first in zip(later, runs[0]):
            assert got.tobytes() == first.tobytes()


def row_value() -> np.ndarray:
    return np.linspace(-2, 2, 512, dtype=np.float32)


def test_probe_fused_outputs_never_overwrite_what_someone_still_sees():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    w = tf.Variable(np.eye(512, dtype=np.float32), name="w")
    h = tf.matmul(x, w)  # fresh, dies at the fused step unless seen elsewhere
    seen = tf.reshape(h, [-1])  # a view of h, fetched
    y = tf.nn.relu(h * 2.0 + 1.0)
    fed = _values(64, 512, 6)
    keep = fed.copy()
    runs = _run_repeatedly([y, seen, x * 3.0 + 1.0], {x: fed})
    np.testing.assert_array_equal(fed, keep)  # the fed array is never written
    for got_y, got_seen, _ in runs:
        np.testing.assert_array_equal(got_seen, (keep @ np.eye(512, dtype=np.float32))
                                      .reshape(-1))
        np.testing.assert_array_equal(got_y, np.maximum(got_seen.reshape(64, 512)
                                                        * np.float32(2) + np.float32(1), 0))


def test_probe_a_shape_mismatch_inside_a_fused_group_is_the_usual_error():
    a = tf.placeholder(tf.float32, [None, None], name="a")
    b = tf.placeholder(tf.float32, [None, None], name="b")
    y = (a * 2.0 + b) * 3.0
    with tf.Session() as sess:
        good = {a: np.ones((64, 512), np.float32), b: np.ones((64, 512), np.float32)}
        for _ in range(RUNS):
            sess.run(y, good)
        with pytest.raises(tf.errors.InvalidArgumentError, match="add"):
            sess.run(y, {a: np.ones((64, 512), np.float32), b: np.ones((63, 512), np.float32)})


def test_probe_batch_norm_training_step():
    x = tf.placeholder(tf.float32, [None, 256], name="x")
    w = tf.Variable(np.random.default_rng(7).normal(size=(256, 256)).astype(np.float32) * 0.1)
    h = tf.layers.batch_normalization(tf.matmul(x, w), training=True)
    loss = tf.reduce_mean(tf.square(tf.nn.relu(h)))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(1e-2).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: np.random.default_rng(8).normal(size=(128, 256)).astype(np.float32)}
        losses = [sess.run([train, loss], feed)[1] for _ in range(RUNS)]
        assert losses[-1] < losses[0]


# ---------------------------------------------------------------- both kernel paths
def test_fused_results_are_bit_identical_to_the_plain_plan(kernels):
    a = tf.placeholder(tf.float32, [None, 512], name="a")
    b = tf.placeholder(tf.float32, [None, 512], name="b")
    (grad,) = tf.gradients(tf.nn.relu(b), [b], grad_ys=[a])
    fetches = [tf.nn.relu(a * b + a / b) - tf.sqrt(b), tf.add_n([a, b, grad]) * 0.5,
               tf.maximum(a, b) + tf.minimum(b, a)]
    feed = {a: _values(64, 512, 9), b: _values(64, 512, 10)}
    with tf.Session() as sess:
        fused = [sess.run(fetches, feed) for _ in range(RUNS)]
        (plan,) = sess._plans.values()
    plain = _run_repeatedly(fetches, feed, config=tf.ConfigProto(plan_rewrites=False))
    runs = [run for step in plan.steps if step.op.type == "FusedElementwise"
            for run in step.kernel._runs.values()]
    assert runs and all((run is not None) == (kernels != "plain") for run in runs)
    for got_run, want_run in zip(fused, plain):
        for got, want in zip(got_run, want_run):
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("backend", ["c", "numba", "numpy"])
def test_adam_compiled_and_numpy_updates_are_bit_identical(monkeypatch, backend):
    monkeypatch.setenv("MINIGRAPH_JIT", backend)
    if compiled_kernels.backend() != backend:
        pytest.skip(f"{backend} is not available")
    rng = np.random.default_rng(11)
    shape = (40, 512)  # above compiled_kernels.MIN_ELEMENTS
    start = [rng.normal(size=shape).astype(np.float32) * s for s in (1.0, 0.1, 0.01)]
    start[2] = np.abs(start[2])
    grad = rng.normal(size=shape).astype(np.float32)
    scalars = [np.float32(x) for x in (0.9 ** 3, 0.999 ** 3, 1e-3, 0.9, 0.999, 1e-8)]
    compiled = [x.copy() for x in start]
    training_ops._adam_step(*compiled, *scalars, grad)
    monkeypatch.setenv("MINIGRAPH_JIT", "0")
    plain = [x.copy() for x in start]
    training_ops._adam_step(*plain, *scalars, grad)
    for got, want in zip(compiled, plain):
        assert got.tobytes() == want.tobytes()


# ---------------------------------------------------------------- what is joined, and where
def test_the_first_run_of_a_fused_step_makes_no_full_size_temporary(kernels):
    import tracemalloc

    x = tf.placeholder(tf.float32, [None, 1024])
    y = tf.nn.relu(tf.sqrt(x * 2.0 + 1.0) * 3.0 - 0.5)
    feed = {x: np.ones((1024, 1024), np.float32)}  # 4 MB
    with tf.Session() as sess:  # (numba's compiling allocates too: a loop made beforehand)
        sess.run(y, {x: np.ones((64, 1024), np.float32)})
    with tf.Session() as sess:
        tracemalloc.start()
        try:
            out = sess.run(y, feed)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert out[0, 0] == np.float32(np.float32(np.sqrt(np.float32(3.0))) * 3 - 0.5)
    if kernels == "plain":
        assert peak > 2 * out.nbytes  # (the ops' own kernels: a new array per op)
    else:
        assert peak < 1.5 * out.nbytes


def test_a_chain_becomes_one_step_and_small_known_shapes_stay_as_they_are():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    y = tf.nn.relu(x * 2.0 + 1.0)
    assert _fused_types([y], [x]) == ["FusedElementwise"]
    small = tf.placeholder(tf.float32, [4, 8], name="small")
    assert _fused_types([tf.nn.relu(small * 2.0 + 1.0)], [small]) == ["Mul", "Add", "Relu"]


def test_a_group_never_needs_a_value_made_from_its_own_outputs():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    a = x * 2.0
    total = tf.reduce_sum(a, axis=0)  # not element-wise: reads a, feeds b
    b = a + total
    plan = executor.compile_plan([b], [], [x], executor.SessionState(),
                                 passes=[plan_fusion.fuse_elementwise])
    assert [step.op.type for step in plan.steps] == ["FusedElementwise", "Sum",
                                                     "FusedElementwise"]


def test_the_fused_op_lists_its_members():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    y = tf.nn.relu(x * 2.0 + 1.0, name="out")
    plan = executor.compile_plan([y], [], [x], executor.SessionState(), passes=plan_passes.ALL)
    (step,) = plan.steps
    assert repr(step.op) == "<fused ops: mul, add, out>" and step.op.name == "out"
    assert [op.type for op in step.op.members] == ["Mul", "Add", "Relu"]


def test_a_dying_fresh_input_gives_its_memory_to_the_output():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    w = tf.Variable(np.eye(512, dtype=np.float32), name="w")
    y = tf.nn.relu(tf.matmul(x, w) * 2.0 + 1.0)
    plan = executor.compile_plan([y], [], [x], executor.SessionState(), passes=plan_passes.ALL)
    fused = [step for step in plan.steps if step.op.type == "FusedElementwise"]
    assert len(fused) == 1 and fused[0].kernel.donors == (0,)  # the MatMul's array, not w or x


# ---------------------------------------------------------------- imports, caches, files
def _python(code: str, cwd, **env) -> str:
    environment = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__file__)), **env)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environment, check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.slow
def test_numba_is_imported_only_for_large_arrays_and_caches_outside_the_working_directory(
        tmp_path):
    if not compiled_kernels.installed():
        pytest.skip("numba is not installed")
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    code = (
        "import sys, numpy as np, minigraph as tf\n"
        "x = tf.placeholder(tf.float32, [None, 512])\n"
        "y = tf.nn.relu(x * 2.0 + 1.0)\n"
        "with tf.Session() as sess:\n"
        "    sess.run(y, {x: np.ones((2, 512))})\n"
        "    print('numba' in sys.modules)\n"
        "    for _ in range(3):\n"
        "        out = sess.run(y, {x: np.ones((64, 512))})\n"
        "print('numba' in sys.modules, out[0, 0])\n"
    )
    out = _python(code, work, MINIGRAPH_CACHE_DIR=str(cache), MINIGRAPH_JIT="numba")
    assert out.split() == ["False", "True", "3.0"]
    assert list(work.iterdir()) == []  # nothing written into the working directory
    assert any(cache.rglob("*.nbi")) and any(cache.rglob("*.py"))


def test_check_numerics_names_the_member_op_that_made_a_nan():
    x = tf.placeholder(tf.float32, [None, 512], name="x")
    y = tf.sqrt(x * 2.0, name="root") + 1.0
    feed = {x: np.full((64, 512), -1.0, np.float32)}
    with tf.Session() as sess:
        for _ in range(RUNS):
            sess.run(y, feed)
        (plan,) = sess._plans.values()
        assert [step.op.type for step in plan.steps] == ["FusedElementwise"]
        with pytest.raises(tf.errors.InvalidArgumentError, match="op 'root' \\(op: Sqrt\\)"):
            sess.run(y, feed, options=tf.RunOptions(check_numerics=True))


_TRAIN_A_FEW_STEPS = (
    "import sys, numpy as np, minigraph as tf\n"
    "from minigraph import compiled_kernels\n"
    "rng = np.random.default_rng(3)\n"
    "x = tf.placeholder(tf.float32, [None, 256])\n"
    "w = tf.Variable(rng.normal(size=(256, 256)).astype(np.float32) * 0.05)\n"
    "h = tf.nn.relu(tf.matmul(x, w) * 1.5 + 0.25)\n"
    "loss = tf.reduce_mean(tf.square(h - x))\n"
    "train = tf.train.AdamOptimizer(0.01).minimize(loss)\n"
    "feed = {x: rng.normal(size=(128, 256))}\n"
    "with tf.Session() as sess:\n"
    "    sess.run(tf.global_variables_initializer())\n"
    "    losses = [sess.run([train, loss], feed)[1] for _ in range(5)]\n"
    "    print(compiled_kernels.available(), sys.modules.get('numba') is not None,\n"
    "          [float(v).hex() for v in losses], sess.run(w).tobytes().hex()[:4000])\n"
)


@pytest.mark.slow
def test_every_backend_and_none_train_to_the_same_bits(tmp_path):
    """The plain kernels, the chunked loops (also what asking for numba gives when its import
    fails) and numba's loops: the same losses and weights, bit for bit; only numba imports
    numba."""
    hidden = "import sys\nsys.modules['numba'] = None\n" + _TRAIN_A_FEW_STEPS
    plain = _python(_TRAIN_A_FEW_STEPS, tmp_path, MINIGRAPH_JIT="0").split(maxsplit=2)
    assert plain[:2] == ["False", "False"]
    chunked = _python(_TRAIN_A_FEW_STEPS, tmp_path, MINIGRAPH_JIT="numpy").split(maxsplit=2)
    fallback = _python(hidden, tmp_path, MINIGRAPH_JIT="numba").split(maxsplit=2)
    assert chunked[:2] == fallback[:2] == ["True", "False"]
    assert chunked[2] == fallback[2] == plain[2]
    if c_kernels.usable():  # (C loops: numba not imported either)
        in_c = _python(_TRAIN_A_FEW_STEPS, tmp_path, MINIGRAPH_JIT="c").split(maxsplit=2)
        assert in_c == ["True", "False", plain[2]]
    if compiled_kernels.installed():
        compiled = _python(_TRAIN_A_FEW_STEPS, tmp_path,
                           MINIGRAPH_JIT="numba").split(maxsplit=2)
        assert compiled[:2] == ["True", "True"]
        assert compiled[2] == plain[2]
