"""Writes tests/golden/op_dtypes_tf.json: for every op type minigraph registers, TensorFlow's
input arguments in order, each with the dtypes TensorFlow's op registry allows for it (its
`T: {half, float, double, ...}` list, or the fixed type), restricted to the dtypes minigraph has.
tests/test_op_dtypes.py checks each op's declared `input_dtypes` against it.

Run with a Python that has TensorFlow (recorded with tensorflow-cpu 2.21.0, whose op registry
is TF1's for these ops, sometimes with more integer types):

    /work/peers/bin/python tests/golden/op_dtypes_tf.py

An argument whose type attribute has no list (any dtype) is recorded as null; a list-typed
argument (`N * T` or a type list) records the list of its element type.
"""

import json
import os
import subprocess
import sys

from tensorflow.python.framework import dtypes, op_def_registry

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MINIGRAPH_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                    "bool", "string"]


def _minigraph_op_types() -> list:
    code = "import minigraph; from minigraph import registry; print(registry.registered_op_types())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={
        **os.environ, "PYTHONPATH": ROOT}, capture_output=True, text=True).stdout
    return eval(out)  # noqa: S307 - a list literal printed by our own code


def _allowed(arg, attrs):
    if arg.type_attr or arg.type_list_attr:
        attr = attrs[arg.type_attr or arg.type_list_attr]
        if not attr.HasField("allowed_values"):
            return None
        names = [dtypes.as_dtype(t).name for t in attr.allowed_values.list.type]
    else:
        names = [dtypes.as_dtype(arg.type).name]
    return [name for name in MINIGRAPH_DTYPES if name in names]


def main():
    table = {}
    for op_type in _minigraph_op_types():
        op_def = op_def_registry.get(op_type)
        if op_def is None:
            continue
        attrs = {attr.name: attr for attr in op_def.attr}
        table[op_type] = [[arg.name, _allowed(arg, attrs)] for arg in op_def.input_arg]
    with open(os.path.join(HERE, "op_dtypes_tf.json"), "w") as f:
        json.dump({"tensorflow": "2.21.0", "ops": table}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
