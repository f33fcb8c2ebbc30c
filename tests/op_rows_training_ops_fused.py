"""Op-table rows for TF1's fused dense updates of minigraph/ops/training_ops.py
(`ApplyGradientDescent`, `ApplyMomentum`, `ApplyRMSProp`, `ApplyCenteredRMSProp`): each row
builds the op on freshly initialized float64 variables and checks the new variable against TF's
formulas in numpy (tests/test_training_ops_fused.py checks them against TF1 itself)."""

import numpy as np

import minigraph as tf
from minigraph.ops import training_ops
from op_table import OpRow

VAR = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
ACCUM = np.linspace(0.5, -0.5, 12).reshape(3, 4)
MS = np.linspace(0.1, 2.0, 12).reshape(3, 4)
MG = np.linspace(-0.2, 0.3, 12).reshape(3, 4)
LR, RHO, MOMENTUM, EPSILON = 0.01, 0.9, 0.5, 1e-6


def _variables(grad, *values):
    """Variables holding `values` in grad's graph, and their initializers."""
    with grad.graph.as_default():
        variables = [tf.Variable(x, name=f"v{i}") for i, x in enumerate(values)]
    return variables, [v.initializer for v in variables]


def _gradient_descent(grad):
    (var,), inits = _variables(grad, VAR)
    with grad.graph.as_default(), tf.control_dependencies(inits):
        return training_ops.apply_gradient_descent(var, tf.constant(LR, grad.dtype), grad)


def _momentum(nesterov):
    def build(grad):
        (var, accum), inits = _variables(grad, VAR, ACCUM)
        with grad.graph.as_default(), tf.control_dependencies(inits):
            return training_ops.apply_momentum(var, accum, tf.constant(LR, grad.dtype), grad,
                                               tf.constant(MOMENTUM, grad.dtype),
                                               use_nesterov=nesterov)
    return build


def _np_momentum(nesterov):
    def compute(grad):
        accum = ACCUM * MOMENTUM + grad
        if nesterov:
            return VAR - (grad * LR + accum * MOMENTUM * LR)
        return VAR - accum * LR
    return compute


def _scalars(dtype):
    return [tf.constant(x, dtype) for x in (LR, RHO, MOMENTUM, EPSILON)]


def _rms_prop(grad):
    (var, ms, mom), inits = _variables(grad, VAR, MS, ACCUM)
    with grad.graph.as_default(), tf.control_dependencies(inits):
        return training_ops.apply_rms_prop(var, ms, mom, *_scalars(grad.dtype), grad)


def _np_rms_prop(grad):
    ms = MS + (grad * grad - MS) * (1 - RHO)
    return VAR - (ACCUM * MOMENTUM + grad * LR / np.sqrt(ms + EPSILON))


def _centered_rms_prop(grad):
    (var, mg, ms, mom), inits = _variables(grad, VAR, MG, MS, ACCUM)
    with grad.graph.as_default(), tf.control_dependencies(inits):
        return training_ops.apply_centered_rms_prop(var, mg, ms, mom, *_scalars(grad.dtype),
                                                    grad)


def _np_centered_rms_prop(grad):
    ms = MS + (grad * grad - MS) * (1 - RHO)
    mg = MG + (grad - MG) * (1 - RHO)
    return VAR - (ACCUM * MOMENTUM + grad * LR / np.sqrt(ms - mg * mg + EPSILON))


ROWS = [
    OpRow("ApplyGradientDescent", _gradient_descent, [(3, 4)], lambda g: VAR - g * LR,
          grad=False),
    OpRow("ApplyMomentum", _momentum(False), [(3, 4)], _np_momentum(False), grad=False),
    OpRow("ApplyMomentum", _momentum(True), [(3, 4)], _np_momentum(True), grad=False,
          label="nesterov"),
    OpRow("ApplyRMSProp", _rms_prop, [(3, 4)], _np_rms_prop, grad=False),
    OpRow("ApplyCenteredRMSProp", _centered_rms_prop, [(3, 4)], _np_centered_rms_prop,
          grad=False),
]
