"""The cases of tests/golden/tf1_apis_tf.py, run by TF to record them and by minigraph in
tests/test_tf1_apis.py to check them: each is a function of the module `tf` (TensorFlow's
`compat.v1` or minigraph) that builds a graph and returns a dict of named fetches.

`record(tf, case)` builds and runs one case in a fresh graph and returns what it saw: for each
fetch its value, dtype and static shape, the output's tensor name, the types of the ops built
outside `gradients/` (Const left out), or the error class and message.
"""

import numpy as np

NAN = float("nan")
INF = float("inf")
RNG = np.random.RandomState(7)
X34 = RNG.uniform(-2, 2, (3, 4)).astype(np.float32)
X234 = RNG.uniform(-2, 2, (2, 3, 4)).astype(np.float32)
W34 = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
TIES = np.array([[1.0, 3.0, 3.0, 2.0, 3.0], [2.0, 2.0, 2.0, 2.0, 2.0],
                 [-INF, INF, 0.0, -0.0, 5.0]], np.float32)


def _dynamic(tf, value, dtype=None):
    """`value` as a tensor of unknown shape, so only the kernel sees its shape."""
    t = tf.convert_to_tensor(value, dtype=dtype)
    return tf.placeholder_with_default(t, [None] * len(t.shape))


def _grad(tf, y, x, w=None):
    y = y if w is None else y * w
    return tf.gradients(tf.reduce_sum(y), x)[0]


# ---------------------------------------------------------------- rsqrt, l2_normalize
def rsqrt_values(tf):
    x = tf.constant([4.0, 0.0, -1.0, 0.25, 1e-3, INF])
    return {"y": tf.rsqrt(x), "math": tf.math.rsqrt(x)}


def rsqrt_grads(tf):
    x = tf.constant([4.0, 0.25, 1.5, 1e-3])
    y = tf.rsqrt(x)
    dx = tf.gradients(y, x)[0]
    return {"y": y, "dx": dx, "d2x": tf.gradients(dx, x)[0]}


def rsqrt_float64(tf):
    return {"y": tf.rsqrt(tf.constant([2.0, 3.0], tf.float64))}


def rsqrt_int(tf):
    return {"y": tf.rsqrt(tf.constant([4, 1]))}


def l2_normalize_axes(tf):
    x = tf.constant(np.vstack([X34, np.zeros((1, 4), np.float32)]))
    return {
        "all": tf.nn.l2_normalize(x),
        "axis1": tf.nn.l2_normalize(x, axis=1),
        "axis0": tf.nn.l2_normalize(x, 0),
        "both": tf.nn.l2_normalize(x, axis=[0, 1]),
        "dim": tf.nn.l2_normalize(x, dim=-1, name="by_dim"),
        "eps": tf.nn.l2_normalize(x, axis=1, epsilon=0.5),
    }


def l2_normalize_grads(tf):
    x = tf.constant(X34)
    return {"dx1": _grad(tf, tf.nn.l2_normalize(x, axis=1), x, W34),
            "dx": _grad(tf, tf.nn.l2_normalize(x), x, W34)}


def l2_normalize_unknown(tf):
    x = tf.placeholder(tf.float32, [None, 3])
    return {"y": tf.nn.l2_normalize(x, 1)}


def l2_normalize_dim_and_axis(tf):
    return {"y": tf.nn.l2_normalize([[3.0, 4.0]], axis=1, dim=1)}


# ---------------------------------------------------------------- top_k, in_top_k
def top_k_ties(tf):
    values, indices = tf.nn.top_k(TIES, k=4)
    return {"values": values, "indices": indices}


def top_k_default(tf):
    values, indices = tf.nn.top_k(tf.constant(X234))
    return {"values": values, "indices": indices}


def top_k_named(tf):
    values, indices = tf.math.top_k(X34, 2, name="best")
    return {"values": values, "indices": indices}


def top_k_ints(tf):
    values, indices = tf.nn.top_k(tf.constant([[5, 1, 7, 7, 2], [0, 0, -3, 9, 9]]), 3)
    return {"values": values, "indices": indices}


def top_k_int64_k(tf):
    values, indices = tf.nn.top_k(tf.constant([5, 1, 7], tf.int64), tf.constant(2, tf.int64))
    return {"values": values, "indices": indices}


def top_k_all_and_none(tf):
    x = tf.constant(X34)
    values, indices = tf.nn.top_k(x, 4)
    empty, empty_indices = tf.nn.top_k(x, 0)
    return {"values": values, "indices": indices, "empty": empty, "empty_indices": empty_indices}


def top_k_grad(tf):
    x = tf.constant(X234)
    values, _ = tf.nn.top_k(x, 2)
    return {"dx": _grad(tf, values, x, tf.constant(W34[:, :2][None].repeat(2, 0)[:, :3]))}


def top_k_grad_ties(tf):
    x = tf.constant(TIES[:2])
    values, _ = tf.nn.top_k(x, 3)
    return {"dx": _grad(tf, values, x, tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))}


def top_k_unknown_k(tf):
    values, indices = tf.nn.top_k(tf.placeholder(tf.float32, [2, 5]), tf.placeholder(tf.int32, []))
    return {"values": values, "indices": indices}


def top_k_unknown_rank(tf):
    values, indices = tf.nn.top_k(tf.placeholder(tf.float32, None), 2)
    return {"values": values, "indices": indices}


def top_k_k_too_large(tf):
    return {"values": tf.nn.top_k([1.0, 3.0, 2.0], k=4)[0]}


def top_k_k_negative(tf):
    return {"values": tf.nn.top_k([1.0, 3.0, 2.0], k=-1)[0]}


def top_k_scalar(tf):
    return {"values": tf.nn.top_k(3.0, k=1)[0]}


def top_k_k_vector(tf):
    return {"values": tf.nn.top_k([1.0, 3.0, 2.0], k=[1, 2])[0]}


def top_k_bool(tf):
    return {"values": tf.nn.top_k([True, False], 1)[0]}


def top_k_runtime_k_too_large(tf):
    x = _dynamic(tf, [1.0, 3.0, 2.0])
    return {"values": tf.nn.top_k(x, tf.placeholder_with_default(4, []))[0]}


def top_k_runtime_k_negative(tf):
    x = _dynamic(tf, [1.0, 3.0, 2.0])
    return {"values": tf.nn.top_k(x, tf.placeholder_with_default(-1, []))[0]}


IN_TOP_K_PREDICTIONS = [[1.0, 3.0, 3.0, 2.0], [NAN, 1.0, 0.0, 2.0], [INF, 1.0, 2.0, 3.0],
                        [1.0, 1.0, 1.0, 1.0], [0.5, 0.1, 0.2, 0.9]]


def in_top_k_ties(tf):
    p = IN_TOP_K_PREDICTIONS
    return {
        "k1": tf.nn.in_top_k(p, [1, 1, 3, 3, 3], 1),
        "k2": tf.nn.in_top_k(p, [3, 3, 0, 0, 0], 2),
        "k2b": tf.nn.in_top_k(p, [0, 1, 1, 2, 2], 2),
        "k3": tf.nn.in_top_k(p, [0, 2, 1, 1, 1], 3),
        "k0": tf.nn.in_top_k(p, [1, 1, 3, 3, 3], 0),
        "kneg": tf.nn.in_top_k(p, [1, 1, 3, 3, 3], -1),
        "kbig": tf.nn.in_top_k(p, [1, 1, 3, 3, 3], 9),
        "math": tf.math.in_top_k(p, [1, 1, 3, 3, 3], 2),
    }


def in_top_k_out_of_range(tf):
    p = [[1.0, 3.0, 3.0, 2.0], [1.0, 3.0, 3.0, 2.0]]
    return {"y": tf.nn.in_top_k(p, [4, -1], 1)}


def in_top_k_int64(tf):
    return {"y": tf.nn.in_top_k(X34, tf.constant([0, 1, 2], tf.int64), tf.constant(2, tf.int64))}


def in_top_k_batch_mismatch(tf):
    return {"y": tf.nn.in_top_k([[1.0, 3.0, 3.0, 2.0]], [1, 2], 1)}


def in_top_k_rank1(tf):
    return {"y": tf.nn.in_top_k([1.0, 3.0, 3.0, 2.0], [1], 1)}


def in_top_k_targets_rank2(tf):
    return {"y": tf.nn.in_top_k([[1.0, 3.0, 3.0, 2.0]], [[1]], 1)}


def in_top_k_float64(tf):
    return {"y": tf.nn.in_top_k(tf.constant([[1.0, 3.0]], tf.float64), [1], 1)}


def in_top_k_float_targets(tf):
    return {"y": tf.nn.in_top_k([[1.0, 3.0]], [1.0], 1)}


def in_top_k_runtime_mismatch(tf):
    p = _dynamic(tf, [[1.0, 3.0, 3.0, 2.0]])
    return {"y": tf.nn.in_top_k(p, _dynamic(tf, [1, 2]), 1)}


def in_top_k_unknown(tf):
    return {"y": tf.nn.in_top_k(tf.placeholder(tf.float32, [None, 4]),
                                tf.placeholder(tf.int32, [7]), 1),
            "z": tf.nn.in_top_k(tf.placeholder(tf.float32, None),
                                tf.placeholder(tf.int32, None), 1)}


# ---------------------------------------------------------------- sequence_mask, boolean_mask
def sequence_mask_default(tf):
    return {"mask": tf.sequence_mask([1, 3, 2])}


def sequence_mask_maxlen(tf):
    return {"mask": tf.sequence_mask([[1, 3], [0, 2]], 5, dtype=tf.float32),
            "int": tf.sequence_mask(tf.constant([2, 0], tf.int64), maxlen=3, dtype=tf.int32),
            "short": tf.sequence_mask([1, 4], 2)}


def sequence_mask_unknown(tf):
    lengths = tf.placeholder(tf.int32, [None])
    return {"mask": tf.sequence_mask(lengths), "fixed": tf.sequence_mask(lengths, 7),
            "dynamic": tf.sequence_mask(_dynamic(tf, [2, 1]), tf.placeholder_with_default(3, []))}


def sequence_mask_empty(tf):
    return {"mask": tf.sequence_mask(tf.zeros([0], tf.int32))}


def sequence_mask_maxlen_vector(tf):
    return {"mask": tf.sequence_mask([1, 2], [3])}


def boolean_mask_1d(tf):
    mask = [True, False, True]
    return {"rows": tf.boolean_mask(X34, mask), "vector": tf.boolean_mask([1, 2, 3], mask)}


def boolean_mask_nd(tf):
    x = tf.constant(X234)
    mask2 = np.array([[True, False, True], [False, False, True]])
    return {"mask2": tf.boolean_mask(x, mask2),
            "mask3": tf.boolean_mask(x, X234 > 0),
            "axis1": tf.boolean_mask(x, [False, True, True], axis=1),
            "axis1_2d": tf.boolean_mask(x, np.array([[True, False, True, True]] * 3), axis=1),
            "none": tf.boolean_mask(x, [False, False])}


def boolean_mask_unknown(tf):
    x = tf.placeholder(tf.float32, [None, 3, 4])
    return {"y": tf.boolean_mask(x, tf.placeholder(tf.bool, [None])),
            "axis": tf.boolean_mask(x, tf.placeholder(tf.bool, [3]), axis=1),
            "mask2": tf.boolean_mask(x, tf.placeholder(tf.bool, [None, 3]))}


def boolean_mask_grads(tf):
    x = tf.constant(X234)
    y0 = tf.boolean_mask(x, np.array([[True, False, True], [False, True, True]]))
    y1 = tf.boolean_mask(x, [True, False, True], axis=1)
    return {"dx0": _grad(tf, y0, x, tf.constant(np.vstack([W34, W34[:1]]))),
            "dx1": _grad(tf, y1, x, tf.constant(X234[:, :2] * 2.0))}


def boolean_mask_scalar_mask(tf):
    return {"y": tf.boolean_mask([1.0, 2.0], True)}


def boolean_mask_unknown_mask_rank(tf):
    return {"y": tf.boolean_mask([1.0, 2.0], tf.placeholder(tf.bool))}


def boolean_mask_shape_mismatch(tf):
    return {"y": tf.boolean_mask(X34, [True, False])}


# ---------------------------------------------------------------- map_fn, scan, foldl, foldr
V3 = np.array([1.0, 2.0, 3.0], np.float32)
V6 = np.arange(1.0, 7.0, dtype=np.float32)


def map_fn_basic(tf):
    x = tf.constant(X34)
    return {"square": tf.map_fn(lambda v: v * v, tf.constant(V3)),
            "row_sums": tf.map_fn(lambda row: tf.reduce_sum(row), x),
            "rows": tf.map_fn(lambda row: row * 2.0 + 1.0, x, name="twice"),
            "ints": tf.map_fn(lambda v: tf.cast(v > 0, tf.int32), x, dtype=tf.int32)}


def map_fn_python_list(tf):
    return {"y": tf.map_fn(lambda v: v + 1, [1, 2, 3])}


def map_fn_nested(tf):
    a, b = tf.constant(V3), tf.constant(V3 * 10)
    products = tf.map_fn(lambda p: p[0] * p[1], (a, b), dtype=tf.float32)
    pair = tf.map_fn(lambda v: (v, -v), a, dtype=(tf.float32, tf.float32))
    same = tf.map_fn(lambda p: (p[1], p[0] + p[1]), (a, b))
    named = tf.map_fn(lambda d: {"sum": d["x"] + d["y"], "n": tf.size(d["x"])},
                      {"x": tf.constant(X34), "y": tf.constant(W34)},
                      dtype={"sum": tf.float32, "n": tf.int32})
    return {"products": products, "pair0": pair[0], "pair1": pair[1], "same0": same[0],
            "same1": same[1], "sum": named["sum"], "n": named["n"]}


def map_fn_grads(tf):
    x = tf.constant(X34)
    w = tf.constant(W34[0])
    y = tf.map_fn(lambda row: tf.reduce_sum(row * row * w), x)
    dx, dw = tf.gradients(tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0])), [x, w])
    return {"y": y, "dx": dx, "dw": dw}


def map_fn_unknown_length(tf):
    x = _dynamic(tf, X34)
    return {"y": tf.map_fn(lambda row: row[:2], x),
            "known": tf.map_fn(lambda row: row, tf.placeholder(tf.float32, [5, None]))}


def map_fn_empty(tf):
    return {"y": tf.map_fn(lambda v: v * 2.0, tf.zeros([0, 3]))}


def map_fn_lengths_differ(tf):
    return {"y": tf.map_fn(lambda p: p[0] + p[1], (tf.constant(V3), tf.constant(V3[:2])),
                           dtype=tf.float32)}


def map_fn_lengths_differ_at_run_time(tf):
    a, b = _dynamic(tf, V3), _dynamic(tf, V3[:2])
    return {"y": tf.map_fn(lambda p: p[0] + p[1], (a, b), dtype=tf.float32)}


def map_fn_structure_differs(tf):
    return {"y": tf.map_fn(lambda v: (v, v), tf.constant(V3))[0]}


def map_fn_scalar(tf):
    return {"y": tf.map_fn(lambda v: v, tf.constant(1.0))}


def map_fn_no_elems(tf):
    return {"y": tf.map_fn(lambda v: v, [])}


def map_fn_dtype_differs(tf):
    return {"y": tf.map_fn(lambda v: v > 1.0, tf.constant(V3))}


def scan_basic(tf):
    v = tf.constant(V6)
    return {"cumsum": tf.scan(lambda a, x: a + x, v),
            "reverse": tf.scan(lambda a, x: a + x, v, reverse=True),
            "init": tf.scan(lambda a, x: a * x, v, initializer=tf.constant(2.0)),
            "rows": tf.scan(lambda a, x: a + x, tf.constant(X34), name="running")}


def scan_nested(tf):
    v = tf.constant(V6)
    fib = tf.scan(lambda a, _: (a[1], a[0] + a[1]), v,
                  initializer=(tf.constant(0.0), tf.constant(1.0)))
    pairs = tf.scan(lambda a, x: (a[0] + x[0], a[1] * x[1]), (v, v / 2.0))
    mixed = tf.scan(lambda a, x: {"n": a["n"] + 1, "s": a["s"] + x}, v,
                    initializer={"n": tf.constant(0), "s": tf.constant(0.0)}, reverse=True)
    return {"fib0": fib[0], "fib1": fib[1], "pairs0": pairs[0], "pairs1": pairs[1],
            "n": mixed["n"], "s": mixed["s"]}


def scan_grads(tf):
    x = tf.constant(X34)
    w = tf.constant(W34[1])
    y = tf.scan(lambda a, row: a * w + row, x)
    dx, dw = tf.gradients(tf.reduce_sum(y * tf.constant(W34)), [x, w])
    init = tf.constant(W34[2])
    z = tf.scan(lambda a, row: tf.tanh(a + row), x, initializer=init, reverse=True)
    dx2, dinit = tf.gradients(tf.reduce_sum(z * tf.constant(W34)), [x, init])
    return {"y": y, "dx": dx, "dw": dw, "z": z, "dx2": dx2, "dinit": dinit}


def scan_unknown_length(tf):
    return {"y": tf.scan(lambda a, x: a + x, _dynamic(tf, X34))}


def scan_structure_differs(tf):
    return {"y": tf.scan(lambda a, x: (a, x), tf.constant(V3))[0]}


def scan_lengths_differ(tf):
    return {"y": tf.scan(lambda a, x: (a[0] + x[0], a[1]), (tf.constant(V3),
                                                            tf.constant(V6)))[0]}


def fold_basic(tf):
    v = tf.constant(V6)
    digits = tf.constant([1.0, 2.0, 3.0])
    return {"foldl": tf.foldl(lambda a, x: a + x, v),
            "foldr": tf.foldr(lambda a, x: a + x, v),
            "foldl_order": tf.foldl(lambda a, x: a * 10.0 + x, digits),
            "foldr_order": tf.foldr(lambda a, x: a * 10.0 + x, digits),
            "foldl_init": tf.foldl(lambda a, x: a * 10.0 + x, digits, initializer=5.0),
            "foldr_init": tf.foldr(lambda a, x: a * 10.0 + x, digits, initializer=5.0),
            "rows": tf.foldl(lambda a, x: a + x, tf.constant(X34), name="total"),
            "ints": tf.foldr(lambda a, x: a - x, tf.constant([1, 2, 3]))}


def fold_nested(tf):
    v = tf.constant(V3)
    left = tf.foldl(lambda a, x: (a[0] + x[0], a[1] * x[1]), (v, v + 1.0))
    right = tf.foldr(lambda a, x: a * 2.0 + x["u"] - x["w"], {"u": v, "w": v / 4.0},
                     initializer=tf.constant(1.0))
    counted = tf.foldl(lambda a, x: (a[0] + 1, a[1] + x), v,
                       initializer=(tf.constant(0), tf.constant(0.0)))
    return {"left0": left[0], "left1": left[1], "right": right, "count": counted[0],
            "total": counted[1]}


def fold_grads(tf):
    x = tf.constant(X34)
    w = tf.constant(W34[0])
    left = tf.foldl(lambda a, row: a * row + w, x)
    right = tf.foldr(lambda a, row: tf.sigmoid(a * row), x, initializer=w)
    dxl, dwl = tf.gradients(tf.reduce_sum(left * tf.constant(W34[1])), [x, w])
    dxr, dwr = tf.gradients(tf.reduce_sum(right * tf.constant(W34[2])), [x, w])
    return {"left": left, "right": right, "dxl": dxl, "dwl": dwl, "dxr": dxr, "dwr": dwr}


def fold_unknown_length(tf):
    x = _dynamic(tf, X34)
    return {"foldl": tf.foldl(lambda a, row: a + row, x),
            "foldr": tf.foldr(lambda a, row: a + row, x, initializer=tf.zeros([4]))}


# ---------------------------------------------------------------- gather_nd, scatter_nd
P234 = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)


def gather_nd_values(tf):
    p = tf.constant(P234)
    return {"slices": tf.gather_nd(p, [[0, 1], [1, 2]]),
            "entries": tf.gather_nd(p, [[[0, 1, 2]], [[1, 2, 3]]]),
            "rows": tf.gather_nd(p, [1]),
            "whole": tf.gather_nd(p, np.zeros((2, 0), np.int32)),
            "int64": tf.gather_nd([[1, 2], [3, 4]], np.array([[1, 1], [0, 0]], np.int64),
                                  name="picked"),
            "strings": tf.gather_nd([["a", "b"], ["c", "d"]], [[1, 0]])}


def gather_nd_grads(tf):
    p = tf.constant(X234)
    i = tf.constant([[0, 1], [1, 2], [0, 1]])
    return {"dp": _grad(tf, tf.gather_nd(p, i), p, tf.constant(W34)),
            "dp1": _grad(tf, tf.gather_nd(p, [[1, 0, 3], [1, 0, 3]]), p,
                         tf.constant([2.0, 5.0]))}


def gather_nd_unknown(tf):
    return {"known": tf.gather_nd(tf.placeholder(tf.float32, [None, 3, None]),
                                  tf.placeholder(tf.int32, [5, 2])),
            "unknown_m": tf.gather_nd(tf.placeholder(tf.float32, [None, 3, None]),
                                      tf.placeholder(tf.int32, [5, None]))}


def gather_nd_too_deep(tf):
    return {"y": tf.gather_nd(P234, [[0, 1, 2, 3]])}


def gather_nd_out_of_range(tf):
    return {"y": tf.gather_nd(P234, [[0, 0], [2, 0]])}


def gather_nd_negative(tf):
    return {"y": tf.gather_nd(P234, [[-1, 0]])}


def gather_nd_float_indices(tf):
    return {"y": tf.gather_nd(P234, [[0.0, 1.0]])}


def gather_nd_scalar_indices(tf):
    return {"y": tf.gather_nd(P234, 1)}


def gather_nd_batch_dims(tf):
    p = tf.constant(P234)
    return {"entries": tf.gather_nd(p, [[0, 1], [1, 2]], batch_dims=1),
            "rows": tf.gather_nd(p, [[1], [0]], batch_dims=1),
            "many": tf.gather_nd(p, [[[0, 1], [2, 3], [1, 1]], [[2, 0], [0, 3], [1, 2]]],
                                 batch_dims=1),
            "two": tf.gather_nd(p, np.array([[[3], [0], [1]], [[2], [2], [0]]], np.int64),
                                batch_dims=2),
            "unknown": tf.gather_nd(_dynamic(tf, P234), [[1], [0]], batch_dims=1)}


def gather_nd_batch_dims_grads(tf):
    p = tf.constant(X234)
    y = tf.gather_nd(p, [[[0, 1], [2, 3], [0, 1]], [[2, 0], [0, 3], [1, 2]]], batch_dims=1)
    return {"dp": _grad(tf, y, p, tf.constant(W34[:2, :3]))}


def gather_nd_batch_dims_too_many(tf):
    return {"y": tf.gather_nd(P234, [[0, 1], [1, 2]], batch_dims=2)}


def gather_nd_batch_dims_negative(tf):
    return {"y": tf.gather_nd(P234, [[0, 1], [1, 2]], batch_dims=-1)}


def scatter_nd_values(tf):
    return {"repeats": tf.scatter_nd([[1], [3], [1]], [10.0, 20.0, 30.0], [5]),
            "slices": tf.scatter_nd([[0, 1], [1, 0]], [[1.0, 2.0], [3.0, 4.0]], [2, 2, 2]),
            "ints": tf.scatter_nd([[1], [1]], [3, 4], [4], name="counts"),
            "int64": tf.scatter_nd(np.array([[1]], np.int64), [1.0], [4]),
            "bools": tf.scatter_nd([[1]], [True], [4])}


def scatter_nd_grads(tf):
    u = tf.constant([1.0, 2.0, 3.0])
    v = tf.constant(W34[:2])
    return {"du": _grad(tf, tf.scatter_nd([[1], [3], [1]], u, [5]), u,
                        tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])),
            "dv": _grad(tf, tf.scatter_nd([[2], [0]], v, [3, 4]), v, tf.constant(X34))}


def scatter_nd_unknown(tf):
    return {"dims": tf.scatter_nd([[1]], [1.0], tf.placeholder(tf.int32, [1])),
            "rank": tf.scatter_nd([[1]], [1.0], tf.placeholder(tf.int32, [None])),
            "stacked": tf.scatter_nd([[1, 0]], [[1.0, 2.0]], tf.stack(
                [tf.placeholder(tf.int32, []), 3, 2]))}


def scatter_nd_out_of_range(tf):
    return {"y": tf.scatter_nd([[1], [5]], [1.0, 2.0], [4])}


def scatter_nd_run_time_out_of_range(tf):
    return {"y": tf.scatter_nd(tf.placeholder_with_default([[6]], [None, 1]), [1.0], [4])}


def scatter_nd_outer_mismatch(tf):
    return {"y": tf.scatter_nd([[1], [2]], [1.0, 2.0, 3.0], [4])}


def scatter_nd_inner_mismatch(tf):
    return {"y": tf.scatter_nd([[1]], [[1.0, 2.0]], [4, 3])}


def scatter_nd_empty_shape(tf):
    return {"y": tf.scatter_nd([[1]], [1.0], [0])}


def scatter_nd_scalar_shape(tf):
    return {"y": tf.scatter_nd([[1]], [1.0], 4)}


def scatter_nd_float_indices(tf):
    return {"y": tf.scatter_nd([[1.0]], [1.0], [4])}


CASES = [(f.__name__, f) for f in [
    rsqrt_values, rsqrt_grads, rsqrt_float64, rsqrt_int,
    l2_normalize_axes, l2_normalize_grads, l2_normalize_unknown, l2_normalize_dim_and_axis,
    top_k_ties, top_k_default, top_k_named, top_k_ints, top_k_int64_k, top_k_all_and_none,
    top_k_grad, top_k_grad_ties, top_k_unknown_k, top_k_unknown_rank, top_k_k_too_large,
    top_k_k_negative, top_k_scalar, top_k_k_vector, top_k_bool, top_k_runtime_k_too_large,
    top_k_runtime_k_negative,
    in_top_k_ties, in_top_k_out_of_range, in_top_k_int64, in_top_k_batch_mismatch,
    in_top_k_rank1, in_top_k_targets_rank2, in_top_k_float64, in_top_k_float_targets,
    in_top_k_runtime_mismatch, in_top_k_unknown,
    sequence_mask_default, sequence_mask_maxlen, sequence_mask_unknown, sequence_mask_empty,
    sequence_mask_maxlen_vector,
    boolean_mask_1d, boolean_mask_nd, boolean_mask_unknown, boolean_mask_grads,
    boolean_mask_scalar_mask, boolean_mask_unknown_mask_rank, boolean_mask_shape_mismatch,
    map_fn_basic, map_fn_python_list, map_fn_nested, map_fn_grads, map_fn_unknown_length,
    map_fn_empty,
    map_fn_lengths_differ, map_fn_lengths_differ_at_run_time, map_fn_structure_differs,
    map_fn_scalar, map_fn_no_elems, map_fn_dtype_differs,
    scan_basic, scan_nested, scan_grads, scan_unknown_length, scan_structure_differs,
    scan_lengths_differ,
    fold_basic, fold_nested, fold_grads, fold_unknown_length,
    gather_nd_values, gather_nd_grads, gather_nd_unknown, gather_nd_too_deep,
    gather_nd_out_of_range, gather_nd_negative, gather_nd_float_indices,
    gather_nd_scalar_indices, gather_nd_batch_dims, gather_nd_batch_dims_grads,
    gather_nd_batch_dims_too_many, gather_nd_batch_dims_negative,
    scatter_nd_values, scatter_nd_grads, scatter_nd_unknown, scatter_nd_out_of_range,
    scatter_nd_run_time_out_of_range, scatter_nd_outer_mismatch, scatter_nd_inner_mismatch,
    scatter_nd_empty_shape, scatter_nd_scalar_shape, scatter_nd_float_indices,
]]


def _message(tf, error) -> str:
    """The error's own message: TF's runtime errors wrap it in lines naming the node."""
    text = getattr(error, "message", None) or str(error)
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and lines[0].startswith("Graph execution error"):
        lines = [line for line in lines if not line.startswith(("\t", " ", "Detected", "Node:",
                                                               "Graph execution"))]
    return lines[0] if lines else ""


def _shape(t):
    dims = t.shape.as_list() if t.shape.ndims is not None else None
    return dims


def record(tf, case) -> dict:
    """Builds and runs `case` in a fresh graph: see the module docstring."""
    graph = tf.Graph()
    with graph.as_default():
        try:
            fetches = case(tf)
        except Exception as e:  # noqa: BLE001 - the error is what is recorded
            return {"error": [type(e).__name__, _message(tf, e)], "at": "build"}
        built = [op.type for op in graph.get_operations()
                 if not op.name.startswith("gradients") and op.type != "Const"]
        out = {"ops": built, "fetches": {}}
        runnable = {k: t for k, t in fetches.items()
                    if not any(op.type == "Placeholder" for op in _ancestors(t))}
        try:
            with tf.Session() as sess:
                values = sess.run(runnable)
        except Exception as e:  # noqa: BLE001
            return {**out, "error": [type(e).__name__, _message(tf, e)], "at": "run"}
        for k, t in fetches.items():
            entry = {"name": t.name, "dtype": t.dtype.name, "shape": _shape(t)}
            if k in values:
                v = np.asarray(values[k])
                entry["value"] = v.astype(np.float64).tolist() if v.dtype.kind in "fiub" else \
                    np.vectorize(_text, otypes=[object])(v).tolist()
                entry["value_shape"] = list(v.shape)
            out["fetches"][k] = entry
        return out


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _ancestors(t):
    seen, stack = set(), [t.op]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        yield op
        stack.extend(i.op for i in op.inputs)
