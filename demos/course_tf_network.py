"""The course's TensorFlow assignment (a deep softmax network for hand signs), run by minigraph.

Everything below is written the way the course's TensorFlow tutorial writes it: first the warm-up
cells (a loss Variable, `tf.multiply` printed as `Tensor("Mul:0", ...)`, a placeholder fed with
`feed_dict`, a linear function of `np.random.seed(1)` constants, a sigmoid through a
placeholder, `sigmoid_cross_entropy_with_logits`, a one-hot matrix with `depth` as a tensor and
`axis=0`, `tf.ones`), then the network: placeholders shaped `[n_x, None]`, parameters from
`tf.get_variable` with `tf.contrib.layers.xavier_initializer(seed=1)` and
`tf.zeros_initializer()`, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR, the softmax cross-entropy
cost on transposed logits, Adam on mini-batches, and the accuracy read with `accuracy.eval`.

Only these lines differ from the notebook:

* `import minigraph as tf` instead of `import tensorflow as tf`;
* `tf.reset_default_graph()` where the notebook calls `ops.reset_default_graph()` after
  `from tensorflow.python.framework import ops` (the same function);
* the data: the SIGNS images (64x64x3 photos of hands showing 0-5 fingers) cannot be
  downloaded here, so scikit-learn's bundled 8x8 digits restricted to the classes 0-5 stand in,
  flattened and transposed to `[n_x, m]` and normalized, exactly as the notebook prepares SIGNS;
* the cost curve is saved as a PNG in `outdir` instead of `plt.show()`, and the cost is printed
  every `print_every` epochs (100 in the notebook);
* matplotlib and scikit-learn are imported by the functions that use them (so `--help` is
  instant, and a missing one names the extra that installs it).

Run `python demos/course_tf_network.py` for the notebook's 1500 epochs, or with `--quick` for a
short run that still learns (accuracy far above the 1/6 of chance).

Run time on 2 cores: about 25 s (the cost is printed every 100 epochs); `--quick` about 4 s.
"""

import math
import os

import numpy as np

import minigraph as tf


# ---------------------------------------------------------------- the notebook's helpers
def load_dataset():
    """The stand-in for SIGNS: digits 0-5 as (X_train_orig, Y_train_orig, X_test_orig,
    Y_test_orig, classes), images of shape [m, 8, 8] and labels of shape [1, m]."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    keep = digits.target < 6
    images, labels = digits.images[keep], digits.target[keep]
    order = np.random.RandomState(0).permutation(len(labels))
    images, labels = images[order], labels[order]
    n_test = 180
    X_train_orig, X_test_orig = images[n_test:], images[:n_test]
    Y_train_orig = labels[n_test:].reshape(1, -1)
    Y_test_orig = labels[:n_test].reshape(1, -1)
    classes = np.arange(6)
    return X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes


def _pyplot():
    """matplotlib.pyplot on the Agg backend: the demo saves its PNG and never opens a window."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def convert_to_one_hot(Y, C):
    Y = np.eye(C)[Y.reshape(-1)].T
    return Y


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffles the columns of (X, Y) with `seed` and cuts them into mini-batches; the last one
    holds the remainder."""
    m = X.shape[1]
    mini_batches = []
    np.random.seed(seed)

    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((Y.shape[0], m))

    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))

    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:m]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:m]
        mini_batches.append((mini_batch_X, mini_batch_Y))

    return mini_batches


# ---------------------------------------------------------------- 1. exploring the library
def warm_up():
    y_hat = tf.constant(36, name='y_hat')
    y = tf.constant(39, name='y')

    loss = tf.Variable((y - y_hat)**2, name='loss')

    init = tf.global_variables_initializer()
    with tf.Session() as session:
        session.run(init)
        print(session.run(loss))

    a = tf.constant(2)
    b = tf.constant(10)
    c = tf.multiply(a, b)
    print(c)

    sess = tf.Session()
    print(sess.run(c))

    x = tf.placeholder(tf.int64, name='x')
    print(sess.run(2 * x, feed_dict={x: 3}))
    sess.close()


def linear_function():
    np.random.seed(1)

    X = tf.constant(np.random.randn(3, 1), name="X")
    W = tf.constant(np.random.randn(4, 3), name="W")
    b = tf.constant(np.random.randn(4, 1), name="b")
    Y = tf.add(tf.matmul(W, X), b)

    sess = tf.Session()
    result = sess.run(Y)

    sess.close()

    return result


def sigmoid(z):
    x = tf.placeholder(tf.float32, name="x")

    sigmoid = tf.sigmoid(x)

    with tf.Session() as sess:
        result = sess.run(sigmoid, feed_dict={x: z})

    return result


def cost(logits, labels):
    z = tf.placeholder(tf.float32, name="z")
    y = tf.placeholder(tf.float32, name="y")

    cost = tf.nn.sigmoid_cross_entropy_with_logits(logits=z, labels=y)

    sess = tf.Session()
    cost = sess.run(cost, feed_dict={z: logits, y: labels})
    sess.close()

    return cost


def one_hot_matrix(labels, C):
    C = tf.constant(C, name="C")

    one_hot_matrix = tf.one_hot(labels, C, axis=0)

    sess = tf.Session()
    one_hot = sess.run(one_hot_matrix)
    sess.close()

    return one_hot


def ones(shape):
    ones = tf.ones(shape)

    sess = tf.Session()
    ones = sess.run(ones)
    sess.close()

    return ones


# ---------------------------------------------------------------- 2. the network
def create_placeholders(n_x, n_y):
    X = tf.placeholder(tf.float32, [n_x, None], name="X")
    Y = tf.placeholder(tf.float32, [n_y, None], name="Y")
    return X, Y


def initialize_parameters(n_x):
    tf.set_random_seed(1)

    W1 = tf.get_variable("W1", [25, n_x],
                         initializer=tf.contrib.layers.xavier_initializer(seed=1))
    b1 = tf.get_variable("b1", [25, 1], initializer=tf.zeros_initializer())
    W2 = tf.get_variable("W2", [12, 25], initializer=tf.contrib.layers.xavier_initializer(seed=1))
    b2 = tf.get_variable("b2", [12, 1], initializer=tf.zeros_initializer())
    W3 = tf.get_variable("W3", [6, 12], initializer=tf.contrib.layers.xavier_initializer(seed=1))
    b3 = tf.get_variable("b3", [6, 1], initializer=tf.zeros_initializer())

    parameters = {"W1": W1,
                  "b1": b1,
                  "W2": W2,
                  "b2": b2,
                  "W3": W3,
                  "b3": b3}

    return parameters


def forward_propagation(X, parameters):
    W1 = parameters['W1']
    b1 = parameters['b1']
    W2 = parameters['W2']
    b2 = parameters['b2']
    W3 = parameters['W3']
    b3 = parameters['b3']

    Z1 = tf.add(tf.matmul(W1, X), b1)
    A1 = tf.nn.relu(Z1)
    Z2 = tf.add(tf.matmul(W2, A1), b2)
    A2 = tf.nn.relu(Z2)
    Z3 = tf.add(tf.matmul(W3, A2), b3)

    return Z3


def compute_cost(Z3, Y):
    logits = tf.transpose(Z3)
    labels = tf.transpose(Y)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=labels))

    return cost


def build_graph(n_x=64, n_y=6, learning_rate=0.0001):
    """The network of `model`, built and not trained: what `python -m minigraph.viz
    demos/course_tf_network.py --no-run` draws (the build_graph() convention)."""
    X, Y = create_placeholders(n_x, n_y)
    Z3 = forward_propagation(X, initialize_parameters(n_x))
    cost = compute_cost(Z3, Y)
    return tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)


def model(X_train, Y_train, X_test, Y_test, learning_rate=0.0001,
          num_epochs=1500, minibatch_size=32, print_cost=True, print_every=100, outdir="."):
    tf.reset_default_graph()
    tf.set_random_seed(1)
    seed = 3
    (n_x, m) = X_train.shape
    n_y = Y_train.shape[0]
    costs = []

    X, Y = create_placeholders(n_x, n_y)

    parameters = initialize_parameters(n_x)

    Z3 = forward_propagation(X, parameters)

    cost = compute_cost(Z3, Y)

    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)

        for epoch in range(num_epochs):
            epoch_cost = 0.
            num_minibatches = int(m / minibatch_size)
            seed = seed + 1
            minibatches = random_mini_batches(X_train, Y_train, minibatch_size, seed)

            for minibatch in minibatches:
                (minibatch_X, minibatch_Y) = minibatch

                _, minibatch_cost = sess.run([optimizer, cost],
                                             feed_dict={X: minibatch_X, Y: minibatch_Y})

                epoch_cost += minibatch_cost / num_minibatches

            if print_cost is True and epoch % print_every == 0:
                print("Cost after epoch %i: %f" % (epoch, epoch_cost))
            if print_cost is True and epoch % 5 == 0:
                costs.append(epoch_cost)

        plt = _pyplot()
        plt.plot(np.squeeze(costs))
        plt.ylabel('cost')
        plt.xlabel('iterations (per fives)')
        plt.title("Learning rate =" + str(learning_rate))
        plt.savefig(os.path.join(outdir, "course_tf_network_cost.png"))
        plt.close()

        parameters = sess.run(parameters)
        print("Parameters have been trained!")

        correct_prediction = tf.equal(tf.argmax(Z3), tf.argmax(Y))

        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))

        print("Train Accuracy:", accuracy.eval({X: X_train, Y: Y_train}))
        print("Test Accuracy:", accuracy.eval({X: X_test, Y: Y_test}))

        return parameters


def main(quick: bool = False, outdir: str = "."):
    """Runs the notebook's cells in order, printing what the notebook prints.

    Args:
        quick: train for 25 epochs at learning rate 0.003 instead of the notebook's 1500
            epochs at 0.0001 (the stand-in data is small, so both learn it).
        outdir: where the cost curve (course_tf_network_cost.png) is written.

    Returns:
        The trained parameters, a dict of numpy arrays.
    """
    warm_up()
    print("result = " + str(linear_function()))
    print("sigmoid(0) = " + str(sigmoid(0)))
    print("sigmoid(12) = " + str(sigmoid(12)))

    logits = sigmoid(np.array([0.2, 0.4, 0.7, 0.9]))
    print("cost = " + str(cost(logits, np.array([0, 0, 1, 1]))))

    labels = np.array([1, 2, 3, 0, 2, 1])
    one_hot = one_hot_matrix(labels, C=4)
    print("one_hot = " + str(one_hot))
    print("ones = " + str(ones([3])))

    X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = load_dataset()
    X_train_flatten = X_train_orig.reshape(X_train_orig.shape[0], -1).T
    X_test_flatten = X_test_orig.reshape(X_test_orig.shape[0], -1).T
    # Normalize (the digits' pixels go from 0 to 16, SIGNS' from 0 to 255)
    X_train = X_train_flatten / 16.
    X_test = X_test_flatten / 16.
    Y_train = convert_to_one_hot(Y_train_orig, 6)
    Y_test = convert_to_one_hot(Y_test_orig, 6)
    print("number of training examples = " + str(X_train.shape[1]))
    print("number of test examples = " + str(X_test.shape[1]))
    print("X_train shape: " + str(X_train.shape))
    print("Y_train shape: " + str(Y_train.shape))
    n_x = X_train.shape[0]

    X, Y = create_placeholders(n_x, 6)
    print("X = " + str(X))
    print("Y = " + str(Y))

    tf.reset_default_graph()
    with tf.Session() as sess:
        parameters = initialize_parameters(n_x)
        print("W1 = " + str(parameters["W1"]))
        print("b1 = " + str(parameters["b1"]))
        print("W2 = " + str(parameters["W2"]))
        print("b2 = " + str(parameters["b2"]))

    tf.reset_default_graph()
    with tf.Session() as sess:
        X, Y = create_placeholders(n_x, 6)
        parameters = initialize_parameters(n_x)
        Z3 = forward_propagation(X, parameters)
        print("Z3 = " + str(Z3))

    tf.reset_default_graph()
    with tf.Session() as sess:  # noqa: F841 - the notebook's cell, as typed
        X, Y = create_placeholders(n_x, 6)
        parameters = initialize_parameters(n_x)
        Z3 = forward_propagation(X, parameters)
        cost_tensor = compute_cost(Z3, Y)
        print("cost = " + str(cost_tensor))

    if quick:
        return model(X_train, Y_train, X_test, Y_test, learning_rate=0.003, num_epochs=25,
                     print_every=5, outdir=outdir)
    return model(X_train, Y_train, X_test, Y_test, outdir=outdir)


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
