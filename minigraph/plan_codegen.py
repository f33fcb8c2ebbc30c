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

A variable read becomes a dictionary lookup in the session's store. The source is kept
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

from minigraph.executor import Plan, Step

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

    It carries `source` (its text), `line_steps` (line number -> step) and `failed_step`.
    """
    namespace = {f"s{slot}": value for slot, value in plan.constants.items()}
    lines = ["def run_plan(" + ", ".join(f"s{slot}" for slot in plan.feed_slots) + "):"]
    line_steps = {}
    for index, step in enumerate(plan.steps):
        lines.append("    " + _call(index, step, namespace, plan.state))
        line_steps[len(lines)] = step
        local_frees = [slot for slot in step.frees if slot not in plan.constants]
        if local_frees:
            lines.append("    del " + ", ".join(f"s{slot}" for slot in local_frees))
    lines.append("    return [" + ", ".join(f"s{slot}" for slot in plan.fetch_slots) + "]")
    source = "\n".join(lines) + "\n"
    filename = f"<minigraph plan {next(_plan_numbers)}: {len(plan.steps)} steps>"
    exec(compile(source, filename, "exec"), namespace)
    function = namespace["run_plan"]
    function.source = source
    function.line_steps = line_steps
    function.failed_step = functools.partial(_failed_step, function, plan)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(function, linecache.cache.pop, filename, None)
    return function


def _call(index: int, step: Step, namespace: dict, state) -> str:
    """The line running `step`: `s4 = k2(s0, s3)  # <op name> (<op type>)`."""
    op = step.op
    if _is_variable_read(step, state):
        # A dict lookup in the session's store; a missing value (never possible once the plan
        # has run) raises KeyError, turned into TF1's error by _failed_step.
        namespace["variables"] = state.variables
        namespace[f"v{index}"] = op
        call = f"variables[v{index}]"
    else:
        namespace[f"k{index}"] = step.kernel
        call = f"k{index}(" + ", ".join(f"s{i}" for i in step.inputs) + ")"
    if step.outputs:  # one output: `s4 = ...`; several: `s4, s5 = ...` unpacks the sequence
        call = ", ".join(f"s{slot}" for slot in step.outputs) + " = " + call
    return f"{call}  # {op.name} ({op.type})"


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
    return step, values
