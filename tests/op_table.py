"""The one-table op test (STYLE.md rule 8): one `OpRow` per op checks everything about it.
Rows live in `tests/op_rows_<op module>.py` (`op_rows_math_ops.py` for minigraph/ops/math_ops.py),
each with `ROWS = [OpRow("Tanh", tf.tanh, [(3, 4)], np.tanh), ...]`; new rows for a topic may go
in `op_rows_<op module>_<topic>.py`. `tests/test_op_table.py` collects every `op_rows_*.py` and
checks each row.

Each row is run by `test_op_table.py` in two modes, inputs as placeholders of fully known shape
and of unknown dimensions (`[None, None]`), and checks:

* **forward**: the output equals `numpy_fn(*inputs)` and has the tensor's static dtype;
* **shape**: the static shape is compatible with the runtime shape (and fully known when the
  inputs' shapes are; default inputs are non-square so a swapped dimension shows);
* **gradient** (unless `grad=False`): the Jacobian from `tf.gradients` equals central
  differences in float64, for every floating input, and again for each broadcasting variant.

Completeness tests fail for any registered op type that has no row, for any op type with a
registered gradient function that has no row with `grad=True`, and for any op whose shape
function is `shapes.broadcast_inputs` that has no row with `broadcasts=`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

# The broadcasting cases every binary element-wise op is checked with (STYLE.md rule 8).
BINARY_BROADCASTS = [
    [(3, 4), (4,)],
    [(4,), (3, 4)],
    [(3, 1), (1, 4)],
    [(), (2, 3)],
    [(2, 3), ()],
]


@dataclass(frozen=True)
class Arg:
    """One input: random values of `shape` in [low, high) (or exactly `value`), of `dtype`.

    A plain tuple in `OpRow.inputs` means `Arg(shape)` with the row's `low` and `high`.
    """

    shape: tuple = ()
    low: Optional[float] = None
    high: Optional[float] = None
    dtype: type = np.float64
    value: Optional[np.ndarray] = None


@dataclass
class OpRow:
    """How to build, compute and differentiate one op.

    Attributes:
        op_type: the registered op type the row checks (the built graph must contain one).
        build: `build(*input_tensors) -> tensor` (or a list of tensors for multi-output ops),
            usually the public builder (`tf.exp`) or a lambda fixing attrs.
        inputs: one entry per input of `build`: a shape tuple, an `Arg`, or a numpy array.
        numpy_fn: the reference: `numpy_fn(*input_arrays) -> array` (or a list of arrays).
        grad: check the gradient (w.r.t. every floating input) against finite differences.
        broadcasts: extra input-shape lists to check (e.g. `BINARY_BROADCASTS`); the values'
            range and dtype are taken from `inputs`.
        unknown_shapes: also run with placeholders of unknown dims (False if `build` needs
            static sizes, e.g. `tf.unstack` without `num`).
        static_shape_known: with fully known input shapes, the output's static shape must be
            fully known too (False for ops whose output size depends on input values).
        low, high: range of the random inputs given as plain shapes (keep away from kinks
            and poles, e.g. `low=0.5` for `log`).
        rtol, atol: forward tolerance; grad_tol: gradient tolerance (absolute and relative).
        delta: the finite-difference step (larger for float32 outputs, which round at 1e-7).
        label: tells rows of one op type apart in test ids (e.g. "transpose_a").
        exact: compare outputs for equality instead of closeness (string outputs, such as the
            serialized protos of summary ops).
    """

    op_type: str
    build: Callable
    inputs: Sequence
    numpy_fn: Callable
    grad: bool = True
    broadcasts: Sequence = field(default_factory=list)
    unknown_shapes: bool = True
    static_shape_known: bool = True
    low: float = -2.0
    high: float = 2.0
    rtol: float = 1e-6
    atol: float = 1e-9
    grad_tol: float = 1e-6
    delta: float = 1e-6
    label: str = ""
    exact: bool = False

    @property
    def id(self) -> str:
        return f"{self.op_type}-{self.label}" if self.label else self.op_type

    def input_specs(self, shapes_override=None) -> list:
        """The inputs as `Arg`s, with shapes replaced by `shapes_override` if given."""
        specs = []
        for i, item in enumerate(self.inputs):
            if isinstance(item, Arg):
                spec = item
            elif isinstance(item, np.ndarray):
                spec = Arg(item.shape, dtype=item.dtype.type, value=item)
            else:
                spec = Arg(tuple(item))
            low = self.low if spec.low is None else spec.low
            high = self.high if spec.high is None else spec.high
            spec = Arg(spec.shape, low, high, spec.dtype, spec.value)
            if shapes_override is not None:
                spec = Arg(tuple(shapes_override[i]), low, high, spec.dtype, None)
            specs.append(spec)
        return specs


def make_values(specs: Sequence[Arg], seed: int) -> list:
    """Input arrays for `specs`, reproducible from `seed` and distinct between inputs."""
    rng = np.random.default_rng(seed)
    values = []
    for spec in specs:
        if spec.value is not None:
            values.append(np.asarray(spec.value))
            continue
        dtype = np.dtype(spec.dtype)
        if dtype.kind == "b":
            values.append(rng.random(spec.shape) < 0.5)
        elif dtype.kind in "iu":
            values.append(rng.integers(int(spec.low), int(spec.high) + 1, spec.shape, dtype=dtype))
        else:
            values.append(rng.uniform(spec.low, spec.high, spec.shape).astype(dtype))
    return values
