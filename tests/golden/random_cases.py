"""The random-op cases whose values `make_random_goldens.py` records under real TensorFlow and
`tests/test_random_streams.py` replays under minigraph: TF1 expressions, the same text for both.

A case is a fresh graph: an optional graph seed (`tf.set_random_seed`), optional setup lines,
then expressions evaluated with `tf` and `np` in scope; one session then runs all of them
`runs` times (after `global_variables_initializer()` if there are variables). For every
expression the record holds each run's value and the `(seed, seed2)` attrs of the random ops
it created. Shapes are small and mostly odd-sized (not multiples of the 4 numbers one Philox
counter gives), and a few are large enough (3000 values) to measure ulp statistics.

This module needs neither TensorFlow nor minigraph: `run_case` takes the `tf` module to use.
"""

import numpy as np

RANDOM_OP_TYPES = ("RandomUniform", "RandomUniformInt", "RandomStandardNormal",
                   "TruncatedNormal", "RandomShuffle", "Multinomial")

# name -> (graph seed, setup lines, expressions, runs)
CASES = {
    # ---- op seed only: the default graph seed 87654321 stands in
    "uniform_f32": (None, [], [
        "tf.random_uniform([7], seed=3)",
        "tf.random_uniform([3, 5], seed=11)",
        "tf.random_uniform([2, 3, 3], minval=-3.0, maxval=2.0, seed=12)",
    ], 2),
    "uniform_f64": (None, [], [
        "tf.random_uniform([5], dtype=tf.float64, seed=3)",
        "tf.random_uniform([3, 3], -1.0, 4.0, dtype=tf.float64, seed=4)",
    ], 2),
    "uniform_f16": (None, [], ["tf.random_uniform([7], dtype=tf.float16, seed=3)"], 2),
    "uniform_int": (None, [], [
        "tf.random_uniform([9], -5, 1000, dtype=tf.int32, seed=3)",
        "tf.random_uniform([13], 0, 7, dtype=tf.int32, seed=5)",
        "tf.random_uniform([6], -2**31, 2**31 - 1, dtype=tf.int32, seed=7)",
        "tf.random_uniform([5], -5, 10**12, dtype=tf.int64, seed=3)",
        "tf.random_uniform([3, 3], -2**40, 2**40, dtype=tf.int64, seed=6)",
    ], 2),
    "normal_f32": (None, [], [
        "tf.random_normal([9], seed=3)",
        "tf.random_normal([4, 5], mean=2.0, stddev=0.5, seed=8)",
        "tf.random_normal([3000], seed=9)",
    ], 2),
    "normal_f64": (None, [], [
        "tf.random_normal([7], dtype=tf.float64, seed=3)",
        "tf.random_normal([1001], dtype=tf.float64, seed=9)",
    ], 2),
    "normal_f16": (None, [], ["tf.random_normal([5], dtype=tf.float16, seed=3)"], 2),
    "truncated_f32": (None, [], [
        "tf.truncated_normal([11], seed=3)",
        "tf.truncated_normal([50, 3], stddev=0.1, seed=10)",
        "tf.truncated_normal([3001], seed=9)",
    ], 2),
    "truncated_f64": (None, [], [
        "tf.truncated_normal([7], dtype=tf.float64, seed=3)",
        "tf.truncated_normal([999], dtype=tf.float64, seed=9)",
    ], 2),
    "shuffle": (None, [], [
        "tf.random_shuffle(tf.range(10), seed=3)",
        "tf.random_shuffle(np.arange(21.0).reshape(7, 3), seed=4)",
        "tf.random_shuffle([5], seed=5)",
        "tf.random_shuffle(tf.range(1000), seed=6)",
    ], 3),
    "multinomial": (None, [], [
        "tf.multinomial(tf.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]), 6, seed=3)",
        "tf.multinomial([[1.0, 2.0, 3.0, -1.0, 0.5]] * 3, 7, seed=4, output_dtype=tf.int32)",
        "tf.random.categorical(tf.log([[0.3, 0.7]]), 9, seed=5)",
    ], 2),
    # ---- the references of the random ops' rows in the op table (tests/op_rows_random.py)
    "op_table": (None, [], [
        "tf.random_normal([3, 4], seed=1)",
        "tf.truncated_normal([3, 4], seed=2)",
        "tf.random_uniform([3, 4], seed=3)",
        "tf.random_uniform([3, 4], -3, 5, dtype=tf.int32, seed=4)",
        "tf.random_shuffle(np.arange(15.0).reshape(5, 3), seed=5)",
        "tf.multinomial([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]], 5, seed=6)",
    ], 1),
    # ---- the seed rules
    "both_seeds": (42, [], [
        "tf.random_normal([5], seed=7)",
        "tf.random_uniform([5], seed=7)",
    ], 2),
    "graph_seed_only": (42, [], [
        "tf.random_normal([5])",
        "tf.random_uniform([3], 0.0, 1.0)",
        "tf.truncated_normal([2, 2])",
        "tf.random_normal([4])",
    ], 2),
    "graph_seed_after_placeholder": (5, [
        "x = tf.placeholder(tf.float32, [None, 3])",
        "c = tf.constant(1.0) * 2",
    ], ["tf.random_normal([3])"], 1),
    "graph_seed_after_variable": (5, ["v = tf.Variable(tf.zeros([2]))"], [
        "tf.random_normal([3])",
    ], 1),
    "graph_seed_zero": (0, [], ["tf.random_uniform([3], 0.0, 1.0, seed=0)"], 1),
    # ---- dropout masks
    "dropout": (None, [
        "x = tf.constant(np.linspace(-2.0, 3.0, 42).astype(np.float32).reshape(6, 7))",
    ], [
        "tf.nn.dropout(x, keep_prob=0.8, seed=5)",
        "tf.nn.dropout(x, rate=0.3, seed=2)",
        "tf.nn.dropout(x, keep_prob=0.5, noise_shape=[6, 1], seed=4)",
        "tf.nn.dropout(x, keep_prob=tf.constant(0.6), seed=3)",
        "tf.nn.dropout(tf.constant(np.linspace(-1.0, 1.0, 15)), keep_prob=0.7, seed=6)",
    ], 2),
    # ---- initializers
    "initializers": (None, [], [
        "tf.glorot_uniform_initializer(seed=1)([25, 12])",
        "tf.glorot_normal_initializer(seed=2)([25, 12])",
        "tf.glorot_uniform_initializer(seed=1)([4, 6], dtype=tf.float64)",
        "tf.variance_scaling_initializer(seed=3)([30, 20])",
        "tf.variance_scaling_initializer(scale=2.0, mode='fan_out', "
        "distribution='untruncated_normal', seed=4)([30, 20])",
        "tf.variance_scaling_initializer(scale=0.5, mode='fan_avg', distribution='uniform', "
        "seed=5)([3, 3, 4, 5])",
        "tf.variance_scaling_initializer(distribution='normal', seed=6)([3, 3, 4, 5])",
        "tf.random_normal_initializer(mean=0.5, stddev=0.1, seed=7)([7, 3])",
        "tf.truncated_normal_initializer(stddev=0.2, seed=8)([7, 3])",
        "tf.random_uniform_initializer(-0.3, 0.4, seed=9)([7, 3])",
        "tf.random_uniform_initializer(seed=10)([5])",
        "tf.initializers.he_normal(seed=11)([40, 30])",
        "tf.initializers.he_uniform(seed=12)([40, 30])",
        "tf.initializers.lecun_normal(seed=13)([40, 30])",
        "tf.initializers.lecun_uniform(seed=14)([40, 30])",
        "tf.contrib.layers.xavier_initializer(seed=1)([25, 12])",
        "tf.contrib.layers.xavier_initializer(uniform=False, seed=2)([25, 12])",
        "tf.contrib.layers.variance_scaling_initializer(seed=3)([3, 3, 8, 16])",
        "tf.contrib.layers.variance_scaling_initializer(factor=1.0, mode='FAN_AVG', "
        "uniform=True, seed=4)([10, 6])",
        "tf.get_variable('W1', [25, 12], "
        "initializer=tf.contrib.layers.xavier_initializer(seed=1))",
    ], 1),
}


# A multinomial draw large enough for TF to split its batch across threads, recorded as a
# SHA-256 digest of the int64 indices (the array itself is 2 MB): with a one-thread pool (one
# block of rows, minigraph's layout) and with TF's default pool (several blocks).
BIG_MULTINOMIAL = {
    "logits": "np.log(np.random.RandomState(0).dirichlet(np.ones(100), size=5000))"
              ".astype(np.float32)",
    "draw": "tf.multinomial(logits, 50, seed=7)",
}


def big_multinomial_digest(tf, config=None):
    """Runs BIG_MULTINOMIAL with `tf` (in a session made with `config`); its hex digest."""
    import hashlib

    with tf.Graph().as_default():
        scope = {"tf": tf, "np": np}
        scope["logits"] = eval(BIG_MULTINOMIAL["logits"], scope)
        draw = eval(BIG_MULTINOMIAL["draw"], scope)
        with tf.Session(config=config) as sess:
            value = np.ascontiguousarray(sess.run(draw), dtype=np.int64)
    return hashlib.sha256(value.tobytes()).hexdigest()


def run_case(tf, name, seed_attrs):
    """Builds and runs case `name` with the module `tf`; returns `{key: array}` with keys
    `"<name>.<i>.run<r>"` (values), `"<name>.<i>.seeds"` (the seed pairs of the random ops
    expression `i` created) and `"<name>.<i>.types"` (their op types).

    `seed_attrs(op)` reads an op's `(seed, seed2)` attrs (TF and minigraph differ there).
    """
    graph_seed, setup, expressions, runs = CASES[name]
    out = {}
    graph = tf.Graph()
    with graph.as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        scope = {"tf": tf, "np": np}
        for line in setup:
            exec(line, scope)
        tensors = []
        for i, expression in enumerate(expressions):
            before = len(graph.get_operations())
            tensors.append(eval(expression, scope))
            created = graph.get_operations()[before:]
            random_ops = [op for op in created if op.type in RANDOM_OP_TYPES]
            pairs = [seed_attrs(op) for op in random_ops]
            out[f"{name}.{i}.seeds"] = np.array(pairs, dtype=np.int64).reshape(-1, 2)
            out[f"{name}.{i}.types"] = np.array([op.type for op in random_ops])
        with tf.Session(graph=graph) as sess:
            if tf.global_variables():
                sess.run(tf.global_variables_initializer())
            for r in range(runs):
                for i, value in enumerate(sess.run(tensors)):
                    out[f"{name}.{i}.run{r}"] = np.asarray(value)
    return out
