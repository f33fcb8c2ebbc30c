"""Runs every row of every `tests/op_rows_*.py` (see `tests/op_table.py` for what is checked)."""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import sys
import zlib

import numpy as np
import pytest

import minigraph
import minigraph as tf
from minigraph import gradient_checker, graph_walk, registry

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from op_table import OpRow, make_values  # noqa: E402

# Ops with no kernel to check: their value is always fed or comes from the session.
EXEMPT = {
    "Placeholder",  # kernel is None: a plan with an unfed placeholder is refused (test_errors)
}


def _import_every_minigraph_module() -> None:
    """Registers every op type, including those of modules `import minigraph` does not load."""
    for info in pkgutil.walk_packages(minigraph.__path__, "minigraph."):
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional dependency is missing: its ops cannot run here
            pass


_import_every_minigraph_module()


def _collect_rows() -> list:
    rows = []
    for path in sorted(pathlib.Path(__file__).parent.glob("op_rows_*.py")):
        module = importlib.import_module(path.stem)
        rows.extend(module.ROWS)
    return rows


ROWS = _collect_rows()


def _cases() -> list:
    """(row, input shapes or None for the row's own, known/unknown dims) for each check."""
    cases = []
    for row in ROWS:
        variants = [None] + [list(v) for v in row.broadcasts]
        for variant in variants:
            modes = ["known", "unknown"] if row.unknown_shapes else ["known"]
            for mode in modes:
                suffix = "" if variant is None else "-" + "x".join(str(s) for s in variant)
                cases.append(pytest.param(row, variant, mode, id=f"{row.id}{suffix}-{mode}"))
    return cases


def _build(row: OpRow, variant, mode: str):
    """A fresh graph with one placeholder per input and the op built on them."""
    specs = row.input_specs(variant)
    values = make_values(specs, seed=zlib.crc32(row.id.encode()))
    graph = tf.Graph()
    with graph.as_default():
        placeholders = []
        for i, value in enumerate(values):
            shape = value.shape if mode == "known" else [None] * value.ndim
            placeholders.append(tf.placeholder(value.dtype, shape, name=f"input{i}"))
        outputs = row.build(*placeholders)
    is_list = isinstance(outputs, (list, tuple))
    outputs = list(outputs) if is_list else [outputs]
    return graph, placeholders, values, outputs, is_list


@pytest.mark.parametrize("row, variant, mode", _cases())
def test_op(row: OpRow, variant, mode: str):
    graph, placeholders, values, outputs, is_list = _build(row, variant, mode)
    types = {op.type for op in graph.get_operations()}
    assert row.op_type in types, f"row {row.id} built no {row.op_type!r} op, only {types}"

    # forward against numpy, dtype and static shape against runtime
    feed = dict(zip(placeholders, values))
    with tf.Session(graph=graph) as sess:
        results = sess.run(outputs, feed_dict=feed)
    expected = row.numpy_fn(*values)
    expected = list(expected) if is_list else [expected]
    assert len(results) == len(expected)
    for out, got, want in zip(outputs, results, expected):
        # A string scalar is fetched as bytes (as in TF1); as an array it is object-typed.
        got = np.asarray(got, dtype=object if out.dtype == tf.string else None)
        assert got.dtype == out.dtype.np, f"{out.name}: ran as {got.dtype}, static {out.dtype}"
        if row.exact:
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=row.rtol, atol=row.atol)
        assert np.shape(got) == np.shape(want)
        assert out.shape.is_compatible_with(got.shape), (
            f"{out.name}: static shape {out.shape} but runtime shape {got.shape}"
        )
        if mode == "known" and row.static_shape_known:
            assert out.shape.is_fully_defined(), f"{out.name}: static shape {out.shape}"

    if not row.grad:
        return
    xs = [p for p, v in zip(placeholders, values) if p.dtype.is_floating]
    x_values = [v for p, v in zip(placeholders, values) if p.dtype.is_floating]
    others = {p: v for p, v in zip(placeholders, values) if not p.dtype.is_floating}
    assert xs, f"row {row.id} has grad=True but no floating input"
    for out, got in zip(outputs, results):
        pairs = gradient_checker.compute_gradient(
            xs, [v.shape for v in x_values], out, np.shape(got), x_init_value=x_values,
            delta=row.delta, extra_feed_dict=others,
        )
        for x, (theoretical, numerical) in zip(xs, pairs):
            np.testing.assert_allclose(
                theoretical, numerical, rtol=row.grad_tol, atol=row.grad_tol,
                err_msg=f"d {out.name} / d {x.name}",
            )


# Rows whose builders make ops with no tensor inputs (tf.constant, tf.Variable, tf.no_op,
# tf.zeros of a Python shape): those go into the default graph, in TF1 as here.
_SOURCE_OP_ROWS = {
    "Const", "Assign", "AssignAdd", "AssignSub", "NoOp", "ApplyAdam", "StridedSliceGrad",
    "SoftmaxCrossEntropyWithLogits-v1", "OneHot-axis0_depth_tensor", "Fill-zeros_large",
    "AvgPoolGrad", "MirrorPadGrad", "OneShotIterator",
    # and rows built under `tf.control_dependencies`, which is the default graph's
    "StringFormat", "PrintV2", "Assert",
}


@pytest.mark.parametrize("row", [
    pytest.param(row, id=row.id)
    for row in ROWS
    if row.inputs and row.op_type not in _SOURCE_OP_ROWS and row.id not in _SOURCE_OP_ROWS
])
def test_op_builds_in_its_inputs_graph(row: OpRow):
    """Built on another graph's tensors, outside its `as_default()` block, with the default
    graph finalized: the op and every constant its builder converts go into the inputs' graph,
    and the default graph stays empty (TF1 builds an op in the graph of its inputs)."""
    specs = row.input_specs()
    values = make_values(specs, seed=zlib.crc32(row.id.encode()))
    graph = tf.Graph()
    with graph.as_default():
        placeholders = [
            tf.placeholder(v.dtype, v.shape, name=f"input{i}") for i, v in enumerate(values)
        ]
    with tf.Graph().as_default() as default:
        default.finalize()
        outputs = row.build(*placeholders)
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        assert all(out.graph is graph for out in outputs)
        if row.grad:
            xs = [p for p in placeholders if p.dtype.is_floating]
            tf.gradients(outputs, xs)
    assert default.get_operations() == []
    assert row.op_type in {op.type for op in graph.get_operations()}


def test_every_registered_op_has_a_row():
    covered = {row.op_type for row in ROWS}
    missing = [t for t in registry.registered_op_types() if t not in covered | EXEMPT]
    assert not missing, (
        f"op types without a row in tests/op_rows_*.py: {missing} (see tests/op_table.py)"
    )


def test_every_differentiable_op_has_a_gradient_check():
    checked = {row.op_type for row in ROWS if row.grad}
    missing = [
        t
        for t in registry.registered_op_types()
        if registry.has_gradient_function(t) and t not in checked
    ]
    assert not missing, f"op types with a gradient function but no row with grad=True: {missing}"


def test_every_op_has_a_gradient_or_says_it_has_none():
    undeclared = [t for t in registry.registered_op_types() if not registry.has_gradient_entry(t)]
    assert not undeclared, (
        f"op types with neither @RegisterGradient nor NotDifferentiable: {undeclared} "
        "(STYLE.md rule 2; tf.gradients would raise LookupError through them)"
    )


def test_rows_name_registered_types():
    unknown = [row.id for row in ROWS if row.op_type not in registry.registered_op_types()]
    assert not unknown, f"rows for op types that are not registered: {unknown}"


def test_every_broadcasting_op_has_broadcast_variants():
    from minigraph import shapes

    broadcasting = [
        t
        for t in registry.registered_op_types()
        if registry.get_op_def(t).shape is shapes.broadcast_inputs
    ]
    with_variants = {row.op_type for row in ROWS if row.broadcasts}
    missing = [t for t in broadcasting if t not in with_variants]
    assert not missing, (
        f"element-wise binary op types without a row with `broadcasts=` (e.g. "
        f"op_table.BINARY_BROADCASTS): {missing}"
    )


def _grad_cases() -> list:
    """(row, variant, mode) for every row whose gradient is checked."""
    return [case for case in _cases() if case.values[0].grad]


def _dead_ops(graph, first: int, grads: list) -> list:
    """The ops made since op number `first` that no gradient in `grads` reads.

    The incoming gradient of ones (`gradients/grad_ys_0`) is made before any gradient function
    runs, as in TF1; it is left unread where the gradient does not depend on it (d sign(x) is
    zeros_like(x); Print's data inputs get None), so it does not count."""
    used = graph_walk.ops_needed([g.op for g in grads if g is not None])
    return [
        op.name for op in graph.get_operations()[first:]
        if id(op) not in used and not op.name.split("/")[-1].startswith("grad_ys_")
    ]


@pytest.mark.parametrize("row, variant, mode", _grad_cases())
def test_gradient_builds_only_what_is_wanted(row: OpRow, variant, mode: str):
    """`tf.gradients` with respect to one input at a time builds no op that its result does
    not read (the gradient function skips the inputs `op.needs_grad` says are not wanted),
    and gives the same values, bit for bit, as differentiating with respect to all of them."""
    graph, placeholders, values, outputs, _ = _build(row, variant, mode)
    xs = [p for p in placeholders if p.dtype.is_floating]
    feed = dict(zip(placeholders, values))
    with graph.as_default():
        first = len(graph.get_operations())
        every = tf.gradients(outputs, xs)
        assert not _dead_ops(graph, first, every), f"{row.id}: {_dead_ops(graph, first, every)}"
        singles = []
        for x in xs:
            first = len(graph.get_operations())
            (single,) = tf.gradients(outputs, [x])
            dead = _dead_ops(graph, first, [single])
            assert not dead, f"d {row.id} / d {x.name} built ops nobody reads: {dead}"
            singles.append(single)
    with tf.Session(graph=graph) as sess:
        fetch = [g for g in every + singles if g is not None]
        got = iter(sess.run(fetch, feed_dict=feed))
        every_values = [None if g is None else next(got) for g in every]
        for x, single, want in zip(xs, singles, every_values):
            assert (single is None) == (want is None), f"d {row.id} / d {x.name}"
            if single is not None:
                np.testing.assert_array_equal(next(got), want, err_msg=f"d {row.id} / d {x.name}")
