"""The global step: one int64 variable counting training steps, shared by the whole graph.

`tf.train.get_or_create_global_step()` makes (or finds) the variable `global_step`: int64,
starting at 0, not trainable, in the collections `GLOBAL_VARIABLES` and `GLOBAL_STEP`. Pass it to
`optimizer.minimize(loss, global_step=...)` and each run of the train op adds 1 after the
variable updates; learning-rate schedules (`exponential_decay`, ...) read it.
"""

from __future__ import annotations

from typing import Optional

from minigraph import dtypes
from minigraph.graph import Graph, GraphKeys, get_default_graph
from minigraph.variables import Variable


def get_global_step(graph: Optional[Graph] = None) -> Optional[Variable]:
    """The global step variable of `graph` (default: the default graph), or None.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     print(tf.train.get_global_step())
        ...     step = tf.train.create_global_step()
        ...     print(tf.train.get_global_step())
        None
        <tf.Variable 'global_step:0' shape=() dtype=int64_ref>
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError(
            f"There are {len(found)} variables in the collection GLOBAL_STEP "
            f"({[v.name for v in found]}); there must be at most one global step."
        )
    if found:
        return found[0]
    try:
        tensor = graph.get_tensor_by_name("global_step:0")
    except (KeyError, ValueError):
        return None
    if not tensor.dtype.is_integer:
        raise TypeError(f"Existing 'global_step' {tensor!r} must be an integer tensor.")
    return tensor


def create_global_step(graph: Optional[Graph] = None) -> Variable:
    """Creates the global step variable; ValueError if `graph` already has one.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     step = tf.train.create_global_step()
        ...     with tf.Session() as sess:
        ...         sess.run(step.initializer)
        ...         print(tf.train.global_step(sess, step))
        0
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None):
        return Variable(
            0,
            dtype=dtypes.int64,
            name="global_step",
            trainable=False,
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
        )


def get_or_create_global_step(graph: Optional[Graph] = None) -> Variable:
    """The global step variable of `graph`, created the first time it is asked for.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default():
        ...     step = tf.train.get_or_create_global_step()
        ...     print(step is tf.train.get_or_create_global_step(), step.dtype.name)
        True int64
    """
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    return create_global_step(graph) if step is None else step


def global_step(sess, global_step_tensor) -> int:
    """The current value of `global_step_tensor` in `sess`, as a Python int."""
    return int(sess.run(global_step_tensor))
