"""The lecture's second program: the same cost, with its coefficients fed through a placeholder.

`x` is a `[3, 1]` placeholder holding the coefficients of J(w) = x0*w**2 + x1*w + x2, so the
same graph can minimise any quadratic: change `coefficients` and run again. The data arrive
only when the session runs, through `feed_dict={x: coefficients}`, which is how training data
are fed to a network later in the course. Everything inside `main()` is the lecture's code as a
learner types it, with only the import changed (`import minigraph as tf`).

It prints the same three numbers as `quadratic.py` (float32, bit-identical to TensorFlow 1)::

    0.0
    0.099999994
    4.9999886

NOTE: the lecture's screen shows "0.1" and "4.99999" because 2017-era numpy printed float32
values with 6 significant digits; the values themselves are the same.

Run it with `python demos/quadratic_placeholder.py` (`--quick` and `--outdir` are accepted and
change nothing; nothing is written).

Run time: under a second.
"""


import numpy as np

import minigraph as tf


def main(quick: bool = False, outdir: str = "."):
    """Minimises x0*w**2 + x1*w + x2 for the fed coefficients [1, -10, 25] and prints w.

    Args:
        quick: accepted for the demo convention; the program is identical either way.
        outdir: accepted for the demo convention; nothing is written.

    Returns:
        The final value of w (a numpy float32, about 5).
    """
    coefficients = np.array([[1.], [-10.], [25.]])

    w = tf.Variable(0, dtype=tf.float32)
    x = tf.placeholder(tf.float32, [3, 1])
    cost = x[0][0]*w**2 + x[1][0]*w + x[2][0]
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)

    init = tf.global_variables_initializer()
    with tf.Session() as session:
        session.run(init)
        print(session.run(w))

        session.run(train, feed_dict={x: coefficients})
        print(session.run(w))

        for i in range(1000):  # noqa: B007 - the lecture's loop, exactly as typed
            session.run(train, feed_dict={x: coefficients})
        print(session.run(w))
        return session.run(w)


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
