"""Plan pass: a plan that keeps being run becomes a generated, straight-line Python function.

The plain loop spends about 1 µs a step on bookkeeping (the step's fields, the argument list,
the output dispatch, the loop itself), which is what small-tensor programs spend their time on.
The generated function does what the plan's loop (`Plan._run_loop`) does, written out: slot
`i` is the local variable `s<i>`, a step is one line calling its bound kernel `k<index>` (a
global of the function, as are the constants), and a `del` follows each value's last use:

    def run_plan(s0):
        s3 = variables[v0]  # w (VariableV2)
        s4 = k1(s0, s3)  # MatMul (MatMul)
        del s0, s3

A variable read becomes a dictionary lookup in the session's store. A few cheap kernels are
written out instead of called (a call costs more than their work on scalars): float arithmetic
with Python's operators (`s5 = s0 * s4`, the ufunc the kernel is), `StridedSlice` as indexing,
and a `NoOp` has no line. The source is kept
(`plan.source`) and registered with `linecache`, so tracebacks and `pdb` show the line of the
step that failed; a kernel failing inside the function is reported naming its op, as the loop
does.

A plan gets its function on its `CODEGEN_AFTER_RUNS`-th run (many plans run only once or twice,
initializers for example, and generating costs about 10 µs a step); plans of more than
`CODEGEN_MAX_STEPS` steps stay on the loop.
"""

from __future__ import annotations

import functools
import itertools
import linecache
import weakref

import numpy as np

from minigraph.executor import Plan, Step, step_error

# A plan is turned into a generated Python function on its third run (the first runs use the
# loop: many plans run once or twice, e.g. initializers, and generating costs ~10 us a step).
CODEGEN_AFTER_RUNS = 3
# Plans longer than this stay on the loop: compiling a 100k-line function takes seconds, and for
# such plans the loop's overhead (~0.2 us a step) is small next to the kernels.
CODEGEN_MAX_STEPS = 20000

_plan_numbers = itertools.count()


def generate_code(plan: Plan) -> None:
    """Has `plan` run as generated code from its `CODEGEN_AFTER_RUNS`-th run on.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import executor
        >>> with tf.Graph().as_default():
        ...     x = tf.placeholder(tf.float32, [2], name="x")
        ...     y = tf.square(x, name="y")
        ...     plan = executor.compile_plan([y], [], [x], executor.SessionState(),
        ...                                  passes=[generate_code])
        >>> print(plan.source.split("\\n", 1)[1])
            s1 = k0(s0)  # y (Square)
            del s0
            return [s1]
        <BLANKLINE>
    """
    if len(plan.steps) <= CODEGEN_MAX_STEPS:
        plan.use_runner(compile_function, CODEGEN_AFTER_RUNS)


def compile_function(plan: Plan):
    """The generated function running `plan`: `function(*feed_values) -> fetched values`.

    It carries `source` (its text), `line_steps` (line number -> step), `inlined` (the steps
    written out as expressions) and `failed_step`.
    """
    operators = {step: _operator(step) for step in plan.steps}
    scalars = _scalar_slots(plan, {step for step, template in operators.items() if template})
    namespace = {f"s{slot}": value[()] if slot in scalars and _is_float_0d(value) else value
                 for slot, value in plan.constants.items()}
    lines, line_steps, inlined = _lines(plan, namespace, operators, scalars)
    source = "\n".join(lines) + "\n"
    filename = f"<minigraph plan {next(_plan_numbers)}: {len(plan.steps)} steps>"
    exec(compile(source, filename, "exec"), namespace)
    function = namespace["run_plan"]
    function.source = source
    function.line_steps = line_steps
    function.inlined = inlined
    function.failed_step = functools.partial(_failed_step, function, plan)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(function, linecache.cache.pop, filename, None)
    return function


def _lines(plan: Plan, namespace: dict, operators: dict, scalars: set) -> tuple:
    """The function's source lines, the step of each line that runs one (by line number), and
    the steps written out as expressions."""
    lines = ["def run_plan(" + ", ".join(f"s{slot}" for slot in plan.feed_slots) + "):"]
    line_steps = {}
    inlined = set()
    for index, step in enumerate(plan.steps):
        call = _call(index, step, namespace, plan.state, operators[step], scalars)
        if call is not None:
            if not call.startswith(f"k{index}("):
                inlined.add(step)
            lines.append("    " + call)
            line_steps[len(lines)] = step
        local_frees = [slot for slot in step.frees if slot not in plan.constants]
        if local_frees:
            lines.append("    del " + ", ".join(f"s{slot}" for slot in local_frees))
    lines.append("    return [" + ", ".join(f"s{slot}" for slot in plan.fetch_slots) + "]")
    return lines, line_steps, inlined


def _call(index: int, step: Step, namespace: dict, state, operator, scalars: set):
    """The line running `step`: `s4 = k2(s0, s3)  # <op name> (<op type>)`, or the kernel's work
    written out (`s4 = s0 * s3`, see `_operator` and `_slice`); None for a `NoOp`."""
    op = step.op
    if _is_variable_read(step, state):
        # A dict lookup in the session's store; a missing value (never possible once the plan
        # has run) raises KeyError, turned into TF1's error by _failed_step.
        namespace["variables"] = state.variables
        namespace[f"v{index}"] = op
        call = f"variables[v{index}]"
    elif op.op_def.type == "NoOp" and step.kernel is op.op_def.kernel:
        return None  # (a NoOp's kernel does nothing: it is there for its control inputs)
    elif operator is not None:
        call = operator.format(*[f"s{i}" for i in step.inputs])
    else:
        call = _slice(index, step, namespace, scalars)
        if call is None:
            namespace[f"k{index}"] = step.kernel
            call = f"k{index}(" + ", ".join(f"s{i}" for i in step.inputs) + ")"
    if step.outputs:  # one output: `s4 = ...`; several: `s4, s5 = ...` unpacks the sequence
        call = ", ".join(f"s{slot}" for slot in step.outputs) + " = " + call
    return f"{call}  # {op.name} ({op.type})"


# The element-wise ops whose kernel is a numpy ufunc that Python's operator on numpy values
# calls too (numpy scalars take numpy's scalar path, which computes the same IEEE result).
_OPERATORS = {"Add": (np.add, "{0} + {1}"), "AddV2": (np.add, "{0} + {1}"),
              "Sub": (np.subtract, "{0} - {1}"), "Mul": (np.multiply, "{0} * {1}"),
              "RealDiv": (np.divide, "{0} / {1}"), "Neg": (np.negative, "-{0}")}


def _operator(step: Step):
    """The expression template computing `step` with Python's operators, or None.

    NOTE: calling a bound kernel costs ~0.5-1.5 us, more than its work on the scalars of small
    programs (W1 in docs/performance.md). Written out are the float arithmetic ops whose kernel
    is the ufunc the operator calls (integers keep the call: numpy's scalar path warns of the
    overflows its ufuncs wrap silently) and a two-input float `AddN` (`x0 + x1`, the kernel's
    sum); only kernels no pass replaced. If an expression raises, `_failed_step` calls the
    kernel on the same values, for its own error.
    """
    op, kernel = step.op, step.kernel
    op_def = op.op_def
    if op_def.type in _OPERATORS:
        ufunc, template = _OPERATORS[op_def.type]
        if kernel is not op_def.kernel or kernel is not ufunc:
            return None
    elif (op_def.type == "AddN" and len(step.inputs) == 2
          and isinstance(kernel, functools.partial) and kernel.func is op_def.kernel):
        template = "{0} + {1}"
    else:
        return None
    if all(t.dtype.is_floating for t in (*op.inputs, *op.outputs)):
        return template
    return None


def _slice(index: int, step: Step, namespace: dict, scalars: set):
    """`asarray(x[spec])`, the kernel of a float `StridedSlice` written out, or None. Just
    `x[spec]` where that is an array (a basic index of an array is one unless it is 0-d), or
    where only operators read the result, which a numpy scalar serves as well as a 0-d array.
    """
    op, kernel = step.op, step.kernel
    if not (op.op_def.type == "StridedSlice" and isinstance(kernel, functools.partial)
            and kernel.func is op.op_def.kernel and not kernel.args
            and set(kernel.keywords) == {"spec"} and op.outputs[0].dtype.is_floating):
        return None
    namespace[f"c{index}"] = kernel.keywords["spec"]
    rank = op.outputs[0].shape.ndims
    if step.outputs[0] in scalars or (rank is not None and rank > 0):  # (never a scalar)
        return f"s{step.inputs[0]}[c{index}]"
    namespace["asarray"] = np.asarray
    return f"asarray(s{step.inputs[0]}[c{index}])"


def _scalar_slots(plan: Plan, operator_steps: set) -> set:
    """The slots only operator steps read (and the plan does not fetch): a numpy scalar may
    stand for a 0-d array there, the operators computing the same values from either."""
    readers = {}
    for step in plan.steps:
        for slot in step.inputs:
            readers.setdefault(slot, []).append(step)
    fetched = set(plan.fetch_slots)
    return {slot for slot, steps in readers.items()
            if slot not in fetched and all(step in operator_steps for step in steps)}


def _is_float_0d(value) -> bool:
    return value.__class__ is np.ndarray and value.ndim == 0 and value.dtype.kind == "f"


def _is_variable_read(step: Step, state) -> bool:
    """Whether `step` reads a variable with its own, unchanged kernel (`state.variables[op]`)."""
    kernel, op = step.kernel, step.op
    return (op.op_def.ref_output and isinstance(kernel, functools.partial)
            and kernel.func is op.op_def.kernel and kernel.args[0] is state)


def _failed_step(function, plan: Plan, error: Exception):
    """The step that raised `error` inside `function`, and the slot values live at the time."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code is not function.__code__:
        tb = tb.tb_next
    if tb is None:  # raised outside the generated code: should not happen, report plainly
        raise error
    local = tb.tb_frame.f_locals
    values = [local.get(f"s{slot}", plan.constants.get(slot)) for slot in range(plan.n_slots)]
    step = function.line_steps[tb.tb_lineno]
    if _is_variable_read(step, plan.state):
        step.kernel()  # the read's own kernel raises FailedPreconditionError naming it
    elif step in function.inlined:  # an expression failed: report its kernel's own error
        try:
            step.kernel(*[values[slot] for slot in step.inputs])
        except Exception as own:  # noqa: BLE001 - reported as the loop reports it
            if type(own) is not type(error) or str(own) != str(error):
                raise step_error(step, values, own) from own
    return step, values
