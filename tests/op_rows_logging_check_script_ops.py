"""Op-table rows for the ops that act besides computing: `tf.Print` (an identity that writes),
`StringFormat` and `PrintV2` (`tf.print`), `Assert` (`tf.Assert` / `tf.assert_*`), and
`PyFunc` / `PyFuncStateless` (`tf.py_func`, `tf.numpy_function`).

Read with `tests/op_table.py`. The ops without a numeric output are checked here through an
identity that depends on them (`tf.control_dependencies`), so the table sees them build, run
and pass values on; what they write and raise is checked against TF1's text in
`tests/test_logging_check_script_ops.py`.
"""

import numpy as np

import minigraph as tf
from minigraph.ops import logging_ops
from op_table import Arg, OpRow


def _after(op_builder):
    def build(x):
        with tf.control_dependencies([op_builder(x)]):
            return tf.identity(x)

    return build


def _string_format(x):
    return logging_ops.string_format("x = {}", [x])


def _print_to_list(x):
    return tf.print("x:", x, output_stream=tf.logging.info)


def _assert_finite(x):
    return tf.Assert(tf.reduce_all(tf.is_finite(x)), [x])


def _np_sin_float32(x):
    return np.sin(x).astype(x.dtype)


ROWS = [
    OpRow("Print", lambda x, d: tf.Print(x, [d], "x: "), [(3, 4), (2,)], lambda x, d: x),
    OpRow("Print", lambda x: tf.Print(x, [], first_n=1), [(3, 4)], lambda x: x,
          label="first_n"),
    OpRow("StringFormat", _after(_string_format), [(3, 4)], lambda x: x, grad=False),
    OpRow("PrintV2", _after(_print_to_list), [(3, 4)], lambda x: x, grad=False),
    OpRow("Assert", _after(_assert_finite), [(3, 4)], lambda x: x, grad=False),
    OpRow("Assert", _after(lambda x: tf.assert_less(x, 10.0)), [(3, 4)], lambda x: x,
          grad=False, label="assert_less"),
    OpRow("PyFunc", lambda x: tf.py_func(np.sin, [x], tf.float64), [(3, 4)], np.sin,
          grad=False, static_shape_known=False),
    OpRow("PyFuncStateless",
          lambda x: tf.numpy_function(_np_sin_float32, [x], tf.float32, stateful=False),
          [Arg((3, 4), dtype=np.float32)], _np_sin_float32, grad=False,
          static_shape_known=False),
]
