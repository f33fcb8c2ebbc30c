"""`drop_shape_noops` in the plans per shape of the feeds: a `Reshape` back to the shape of a
`Sum` over no axes (the gradient of `x - y` for two values of one shape whose batch is unknown
when the graph is built) goes with the Sum, so the element-wise ops on either side become one
fused step; a Reshape that changes the shape stays. Bit-identical to the plain plan."""

import numpy as np

import minigraph as tf

PLAIN = tf.ConfigProto(plan_rewrites=False)


def _variant_and_results(build, feeds_of, config, runs=4):
    with tf.Graph().as_default():
        feeds, fetches = build()
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            results = [sess.run(fetches, feeds_of(feeds, i)) for i in range(runs)]
            plan = sess._plans.find(fetches, feeds)
            variants = list((plan.shape_variants or {}).values())
            return (variants[0] if variants else plan), results


def _autoencoder_loss():
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    w = tf.Variable(np.linspace(-1, 1, 36, dtype=np.float32).reshape(6, 6), name="w")
    h = tf.sigmoid(tf.matmul(x, w))
    loss = tf.reduce_mean(tf.pow(x - h, 2))
    train = tf.train.RMSPropOptimizer(0.01).minimize(loss)
    return [x], [train, loss, w]


def _feeds(feeds, i):
    return {feeds[0]: np.random.default_rng(i).random((5, 6), dtype=np.float32)}


def test_the_reshape_after_a_sum_over_no_axes_goes_and_the_gradient_fuses():
    plan, got = _variant_and_results(_autoencoder_loss, _feeds, None)
    _, expected = _variant_and_results(_autoencoder_loss, _feeds, PLAIN)
    for g, e in zip(got, expected):
        for a, b in zip(g[1:], e[1:]):
            assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    kinds = [step.op.type for step in plan.steps]
    assert "Reshape" not in kinds and "Sum" not in kinds
    fused = [step for step in plan.steps if step.op.type == "FusedElementwise"]
    members = {m.op.name for step in fused for m in step.kernel.members}
    # the sub's gradient (its Neg) and the sigmoid's gradient are one loop
    assert any({"gradients/sub_grad/Neg", "gradients/Sigmoid_grad/mul_1"}
               <= {m.op.name for m in step.kernel.members} for step in fused), members


def test_a_reshape_that_changes_the_shape_stays():
    def build():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.reshape(tf.reduce_sum(x * 2.0, axis=tf.shape(x)[:0]), [-1]) + 1.0
        return [x], [y]

    def feeds_of(feeds, i):
        return {feeds[0]: np.arange(6, dtype=np.float32).reshape(2, 3) + i}

    plan, got = _variant_and_results(build, feeds_of, None)
    _, expected = _variant_and_results(build, feeds_of, PLAIN)
    assert [g[0].tobytes() for g in got] == [e[0].tobytes() for e in expected]
    assert got[0][0].shape == (6,)
    assert "Reshape" in [step.op.type for step in plan.steps]
