"""The first program of the course's TensorFlow lecture, run by minigraph unchanged.

The lecture minimises the cost J(w) = w**2 - 10*w + 25 = (w - 5)**2 with gradient descent:
one step from w = 0 moves w to 0.1, and after 1000 more steps w is about 5. Everything inside
`main()` is the lecture's code as a learner types it; only the import changed:
`import minigraph as tf` instead of `import tensorflow as tf`.

It prints (float32, bit-identical to TensorFlow 1)::

    0.0
    0.099999994
    4.9999886

NOTE: the lecture's screen shows "0.1" and "4.99999" only because numpy printed float32 values
with 6 significant digits in 2017. Since numpy 1.14, `print` shows the shortest string that
reads back as the same float32, so TF1 today prints exactly the numbers above, as minigraph does.

Run it with `python demos/quadratic.py` (`--quick` and `--outdir` are accepted, as by every
demo; this one is already quick and draws no pictures).

Run time: under a second.
"""


import minigraph as tf


def main(quick: bool = False, outdir: str = "."):
    """Trains w to minimise (w - 5)**2 and prints w after 0, 1 and 1001 steps.

    Args:
        quick: accepted for the demo convention; the program is identical either way.
        outdir: accepted for the demo convention; nothing is written.

    Returns:
        The final value of w (a numpy float32, about 5).
    """
    w = tf.Variable(0, dtype=tf.float32)
    cost = tf.add(tf.add(w**2, tf.multiply(-10., w)), 25)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)

    init = tf.global_variables_initializer()
    session = tf.Session()
    session.run(init)
    print(session.run(w))

    session.run(train)
    print(session.run(w))

    for i in range(1000):  # noqa: B007 - the lecture's loop, exactly as typed
        session.run(train)
    print(session.run(w))
    return session.run(w)


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
