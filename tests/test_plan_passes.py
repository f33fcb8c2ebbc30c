"""The plan passes against the plain executor: every probe, all passes on and all passes off.

The plain executor (`executor.compile_plan` with no passes) is the oracle. Each probe of
`test_executor_semantics.py`, `test_inplace_updates.py`, `test_cond.py`, `test_while_loop.py`,
`test_while_loop_gradients.py` and `test_tensor_array.py`, and each `test_probe_*` of
`test_plan_fusion.py` and `test_plan_reductions.py` (element-wise chains and the sums of their
outputs, run often enough for their compiled loops), runs
twice here, on a fresh default
graph: once as it is (sessions run every pass of `plan_passes.ALL`) and once with every session's
passes off. Every value `Session.run` returns, and every error it raises, is recorded; the two
records must be equal, bit for bit (dtype, shape and bytes; NaN and -0.0 included).
"""

import gc
import inspect
import itertools
import linecache
import threading
import traceback

import numpy as np
import pytest
import test_cond
import test_executor_semantics
import test_inplace_updates
import test_plan_fusion
import test_plan_reductions
import test_tensor_array
import test_while_loop
import test_while_loop_gradients

import minigraph as tf
from minigraph import executor, plan_codegen, plan_passes, session
from minigraph.ops import state_ops

# Probes that assert a pass did its work (a kernel bound in place, code generated): they cannot
# hold with the passes off. What they fetch is covered by the other probes.
PASS_SPECIFIC = {
    "test_a_kernel_failing_in_generated_code_names_the_op_and_shapes",  # plan._fast is set
    "test_generated_code_is_used_from_the_third_run",
    "test_gradient_descent_updates_the_stored_array_in_place",
    "test_adam_uses_the_in_place_apply_adam_and_matches_the_composite_bit_for_bit",
    "test_assign_keeps_a_fresh_value_without_copying_only_when_nothing_else_sees_it",
}
# Probes that only build graphs (their errors are raised while building): nothing to compare.
BUILD_ONLY = {
    "test_apply_adam_checks_its_inputs",
    "test_the_op_is_named_after_its_scope_and_is_a_real_graph_op",
    "test_pred_must_be_a_boolean_scalar_tensor",
    "test_branch_functions_are_checked",
    "test_branches_must_agree_in_structure_and_dtype",
    "test_case_arguments_are_checked_as_tf1_checks_them",
    "test_static_shapes_are_the_most_specific_both_branches_fit",
    "test_a_shape_change_without_an_invariant_is_tf1s_error",
    "test_an_invariant_must_fit_the_initial_shape_and_the_structure",
    "test_the_body_keeps_dtypes",
    "test_arguments_are_checked",
    "test_cond_must_return_a_boolean_scalar",
    "test_the_body_must_return_the_structure_of_loop_vars",
    "test_back_prop_false_gives_no_gradient",
    "test_writes_check_the_dtype",
    # measures memory or reads stderr, not values; their loops run in the other probes
    "test_print_in_the_body_prints_every_iteration",
    "test_a_long_loop_runs_in_constant_memory_without_keeping_its_iterations",
}


def _grid(function) -> list:
    """The keyword arguments of every parametrized case of test `function`, with their ids."""
    axes = []
    for mark in reversed(getattr(function, "pytestmark", [])):
        if mark.name != "parametrize":
            continue
        names, values = mark.args[0], mark.args[1]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        cases = []
        for index, value in enumerate(values):
            value = value if len(names) > 1 else (value,)
            cases.append((dict(zip(names, value)), str(index)))
        axes.append(cases)
    grid = []
    for combination in itertools.product(*axes):
        kwargs = {}
        for case, _ in combination:
            kwargs.update(case)
        grid.append((kwargs, "-".join(label for _, label in combination)))
    return grid


def _probes() -> list:
    probes = []
    for module, prefix in ((test_executor_semantics, "test_"), (test_inplace_updates, "test_"),
                           (test_cond, "test_"), (test_while_loop, "test_"),
                           (test_while_loop_gradients, "test_"), (test_tensor_array, "test_"),
                           (test_plan_fusion, "test_probe_"),
                           (test_plan_reductions, "test_probe_")):
        for name, function in vars(module).items():
            if not name.startswith(prefix) or name in PASS_SPECIFIC | BUILD_ONLY:
                continue
            for kwargs, label in _grid(function):
                case_id = f"{module.__name__}::{name}" + (f"[{label}]" if label else "")
                probes.append(pytest.param(function, kwargs, id=case_id))
    return probes


def _serialized(value):
    """`value` (a fetched structure) as plain data that compares bit for bit."""
    if value is None:
        return None
    if isinstance(value, dict):
        return ("dict", [(repr(k), _serialized(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_serialized(v) for v in value])
    array = np.asarray(value)
    if array.dtype == object:
        return ("object", array.shape, repr(array.tolist()))
    return (type(value).__name__, array.dtype.str, array.shape, array.tobytes())


def _record(probe, kwargs, tmp_path, monkeypatch, passes_on: bool) -> list:
    """Runs `probe(**kwargs)`, returning what each `Session.run` gave, per thread."""
    records = []
    lock = threading.Lock()
    plain_run = session.Session.run

    def recording_run(self, *args, **kw):
        try:
            result = plain_run(self, *args, **kw)
        except Exception as e:
            with lock:
                records.append((threading.get_ident(), ("error", type(e).__name__, str(e))))
            raise
        with lock:
            records.append((threading.get_ident(), _serialized(result)))
        return result

    with monkeypatch.context() as patch:
        patch.setattr(session.Session, "run", recording_run)
        if not passes_on:
            patch.setattr(session, "_plan_passes", lambda config: ())
        tf.reset_default_graph()
        if "tmp_path" in inspect.signature(probe).parameters:
            kwargs = dict(kwargs, tmp_path=tmp_path / ("on" if passes_on else "off"))
            kwargs["tmp_path"].mkdir()
        probe(**kwargs)
    return records


def _comparable(records: list) -> list:
    """The recorded values in order; in any order (sorted) if several threads ran sessions."""
    values = [value for _, value in records]
    if len({thread for thread, _ in records}) > 1:
        return sorted(values, key=repr)
    return values


@pytest.mark.parametrize("probe, kwargs", _probes())
def test_every_pass_on_gives_the_results_of_every_pass_off(probe, kwargs, tmp_path,
                                                            monkeypatch):
    with_passes = _record(probe, kwargs, tmp_path, monkeypatch, passes_on=True)
    plain = _record(probe, kwargs, tmp_path, monkeypatch, passes_on=False)
    assert with_passes, "the probe ran no session"
    assert _comparable(with_passes) == _comparable(plain)


# ---------------------------------------------------------------- the switch turns every pass off
OFF_CONFIGS = {
    "plan_rewrites": tf.ConfigProto(plan_rewrites=False),
    "opt_level_L0": tf.ConfigProto(graph_options=tf.GraphOptions(
        optimizer_options=tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0))),
}


@pytest.mark.parametrize("config", list(OFF_CONFIGS.values()), ids=list(OFF_CONFIGS))
def test_a_session_with_passes_off_runs_the_plain_plan(config):
    x = tf.placeholder(tf.float32, [3], name="x")
    w = tf.Variable(np.zeros(3, np.float32), name="w")
    y = tf.identity(x * (tf.constant(2.0) + tf.constant(0.0)))  # folds, then aliases
    bump = tf.assign_add(w, y)
    feed = {x: np.ones(3, np.float32)}
    runs = plan_codegen.CODEGEN_AFTER_RUNS + 2
    for make, passes in ((lambda: tf.Session(config=config), ()),
                         (tf.Session, plan_passes.ALL)):
        with make() as sess:
            sess.run(w.initializer)
            for _ in range(runs):
                sess.run(bump.op, feed)
            plan = sess._plans.find([bump.op], [x])
            types = [step.op.type for step in plan.steps]
            kernels = {getattr(s.kernel, "func", s.kernel) for s in plan.steps}
            inplace = state_ops._assign_add_inplace_kernel in kernels
            if passes:
                assert types == ["Mul", "AssignAdd"] and inplace and plan._fast is not None
            else:
                assert types == ["Add", "Mul", "Identity", "AssignAdd"]
                assert not inplace and plan._fast is None and plan.source is None
            np.testing.assert_array_equal(sess.run(w), np.full(3, 2.0 * runs))


def test_no_config_and_a_default_config_run_every_pass():
    assert session._plan_passes(None) == plan_passes.ALL
    assert session._plan_passes(tf.ConfigProto()) == plan_passes.ALL
    assert session._plan_passes(tf.ConfigProto(intra_op_parallelism_threads=1)) == plan_passes.ALL
    assert executor.compile_plan([], [], [], executor.SessionState()).steps == []


# ---------------------------------------------------------------- the generated source
def test_generated_code_keeps_its_source_with_each_ops_name_and_shows_it_in_tracebacks():
    a = tf.placeholder(tf.float32, [None, None], name="a")
    b = tf.placeholder(tf.float32, [None, None], name="b")
    product = tf.matmul(a, b, name="product")
    total = tf.reduce_sum(product, name="total")
    with tf.Session() as sess:
        for _ in range(plan_codegen.CODEGEN_AFTER_RUNS):
            sess.run(total, {a: np.ones((2, 3)), b: np.ones((3, 4))})
        plan = next(iter(sess._plans.values()))
        lines = plan.source.splitlines()
        assert lines[0] == "def run_plan(s0, s1):"
        step_lines = [line for line in lines if "  # " in line]
        assert [line.split("  # ")[1] for line in step_lines] == [
            "product (MatMul)", "total (Sum)"]
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(total, {a: np.ones((2, 3)), b: np.ones((2, 4))})
        text = "".join(traceback.format_exception(info.value.__cause__))
        assert "in run_plan" in text and "# product (MatMul)" in text
        filename = plan._fast.__code__.co_filename
        assert linecache.getline(filename, 2).strip().endswith("# product (MatMul)")
    del sess, plan, info
    gc.collect()
    assert filename not in linecache.cache  # dropped with the plan's function
