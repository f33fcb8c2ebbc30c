"""Op-table rows for minigraph/ops/control_flow_ops.py (read with `tests/op_table.py`).

`group`, `with_dependencies` and `tuple` are composites of NoOp and Identity; their ordering is
tested in `tests/test_session.py`.
"""

import minigraph as tf
from op_table import OpRow


def _identity(x):
    return x


ROWS = [
    OpRow("NoOp", lambda x: tf.with_dependencies([tf.no_op()], x), [(3, 4)], _identity,
          grad=False),
]
