"""A course-style week-3 "TensorFlow Tutorial" notebook, its cells in order, written for TF1.

The structure and code are those of the deep-learning course's TF1 assignment: the loss as a
Variable made from a tensor expression, sessions, placeholders, `sigmoid`, the cost,
`one_hot_matrix` with `tf.one_hot(labels, C, axis=0)`, `ones`, then a three-layer softmax
network: `create_placeholders` with `[n_x, None]`, `initialize_parameters` with
`tf.get_variable(..., initializer=tf.contrib.layers.xavier_initializer(seed=1))` and
`tf.zeros_initializer()`, `forward_propagation`, `compute_cost` on transposed logits and
labels, and `model()` training with Adam on the course's numpy `random_mini_batches`,
fetching `sess.run(parameters)` (a dict) and `accuracy.eval({X: ..., Y: ...})`.

Only the data differ: the notebook loads 64x64 photos of hand signs (SIGNS) from files; here
`load_dataset()` makes a fixed synthetic set of 8x8x3 "signs" for six classes from numpy's
legacy `RandomState` (the same numbers with every numpy version). Epochs are few, so that
the program runs in seconds.

It is data for two programs: `tests/golden/make_course_goldens.py` runs it under real
TensorFlow, and `tests/test_course_notebook.py` runs it with `tensorflow` replaced by
`minigraph` in its two import lines and compares.
"""

import math

import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops


# ---------------------------------------------------------------- tf_utils (course helpers)
def load_dataset():
    """Six classes of 8x8 RGB 'signs': a fixed pattern per class plus pixel noise."""
    rng = np.random.RandomState(0)
    patterns = rng.randint(0, 256, size=(6, 8, 8, 3))

    def draw(m):
        labels = rng.randint(0, 6, size=m)
        noise = rng.normal(0.0, 200.0, size=(m, 8, 8, 3))
        images = np.clip(patterns[labels] + noise, 0, 255).astype(np.uint8)
        return images, labels.reshape(1, m)

    train_x, train_y = draw(600)
    test_x, test_y = draw(120)
    return train_x, train_y, test_x, test_y, np.arange(6)


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    mini_batches = []
    np.random.seed(seed)
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((Y.shape[0], m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:k * mini_batch_size + mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:k * mini_batch_size + mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:m]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:m]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


def convert_to_one_hot(Y, C):
    Y = np.eye(C)[Y.reshape(-1)].T
    return Y


np.random.seed(1)

# ---------------------------------------------------------------- 1 - Exploring the library
y_hat = tf.constant(36, name='y_hat')            # Define y_hat constant. Set to 36.
y = tf.constant(39, name='y')                    # Define y. Set to 39

loss = tf.Variable((y - y_hat)**2, name='loss')  # Create a variable for the loss

init = tf.global_variables_initializer()         # When init is run later (session.run(init)),
                                                 # the loss variable will be initialized and
with tf.Session() as session:                    # ready to be computed
    session.run(init)                            # Initializes the variables
    print(session.run(loss))                     # Prints the loss

a = tf.constant(2)
b = tf.constant(10)
c = tf.multiply(a, b)
print(c)

sess = tf.Session()
print(sess.run(c))

x = tf.placeholder(tf.int64, name='x')
print(sess.run(2 * x, feed_dict={x: 3}))
sess.close()


# ---------------------------------------------------------------- 1.1 - Linear function
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


print("result = " + str(linear_function()))


# ---------------------------------------------------------------- 1.2 - Computing the sigmoid
def sigmoid(z):
    x = tf.placeholder(tf.float32, name="x")
    sigmoid = tf.sigmoid(x)
    with tf.Session() as sess:
        result = sess.run(sigmoid, feed_dict={x: z})
    return result


print("sigmoid(0) = " + str(sigmoid(0)))
print("sigmoid(12) = " + str(sigmoid(12)))


# ---------------------------------------------------------------- 1.3 - Computing the cost
def cost(logits, labels):
    z = tf.placeholder(tf.float32, name="z")
    y = tf.placeholder(tf.float32, name="y")
    cost = tf.nn.sigmoid_cross_entropy_with_logits(logits=z, labels=y)
    sess = tf.Session()
    cost = sess.run(cost, feed_dict={z: logits, y: labels})
    sess.close()
    return cost


logits = sigmoid(np.array([0.2, 0.4, 0.7, 0.9]))
cost = cost(logits, np.array([0, 0, 1, 1]))
print("cost = " + str(cost))


# ---------------------------------------------------------------- 1.4 - One Hot encodings
def one_hot_matrix(labels, C):
    C = tf.constant(C, name="C")
    one_hot_matrix = tf.one_hot(labels, C, axis=0)
    sess = tf.Session()
    one_hot = sess.run(one_hot_matrix)
    sess.close()
    return one_hot


labels = np.array([1, 2, 3, 0, 2, 1])
one_hot = one_hot_matrix(labels, C=4)
print("one_hot = " + str(one_hot))


# ---------------------------------------------------------------- 1.5 - Initialize with 0 and 1
def ones(shape):
    ones = tf.ones(shape)
    sess = tf.Session()
    ones = sess.run(ones)
    sess.close()
    return ones


print("ones = " + str(ones([3])))

# ---------------------------------------------------------------- 2 - The SIGNS dataset
X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = load_dataset()
X_train_flatten = X_train_orig.reshape(X_train_orig.shape[0], -1).T
X_test_flatten = X_test_orig.reshape(X_test_orig.shape[0], -1).T
X_train = X_train_flatten / 255.
X_test = X_test_flatten / 255.
Y_train = convert_to_one_hot(Y_train_orig, 6)
Y_test = convert_to_one_hot(Y_test_orig, 6)

print("number of training examples = " + str(X_train.shape[1]))
print("number of test examples = " + str(X_test.shape[1]))
print("X_train shape: " + str(X_train.shape))
print("Y_train shape: " + str(Y_train.shape))


# ---------------------------------------------------------------- 2.1 - Create placeholders
def create_placeholders(n_x, n_y):
    X = tf.placeholder(tf.float32, [n_x, None], name="X")
    Y = tf.placeholder(tf.float32, [n_y, None], name="Y")
    return X, Y


X, Y = create_placeholders(192, 6)
print("X = " + str(X))
print("Y = " + str(Y))


# ---------------------------------------------------------------- 2.2 - Initializing the parameters
def initialize_parameters():
    tf.set_random_seed(1)                       # so that your "random" numbers match ours

    W1 = tf.get_variable("W1", [25, 192], initializer=tf.contrib.layers.xavier_initializer(seed=1))
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


tf.reset_default_graph()
with tf.Session() as sess:
    parameters = initialize_parameters()
    print("W1 = " + str(parameters["W1"]))
    print("b1 = " + str(parameters["b1"]))
    print("W2 = " + str(parameters["W2"]))
    print("b2 = " + str(parameters["b2"]))
    sess.run(tf.global_variables_initializer())
    initial_parameters = sess.run(parameters)
    print("W1[0, :4] = " + str(initial_parameters["W1"][0, :4]))
    print("W3[5, -4:] = " + str(initial_parameters["W3"][5, -4:]))


# ---------------------------------------------------------------- 2.3 - Forward propagation
def forward_propagation(X, parameters):
    W1 = parameters['W1']
    b1 = parameters['b1']
    W2 = parameters['W2']
    b2 = parameters['b2']
    W3 = parameters['W3']
    b3 = parameters['b3']

    Z1 = tf.add(tf.matmul(W1, X), b1)                      # Z1 = np.dot(W1, X) + b1
    A1 = tf.nn.relu(Z1)                                    # A1 = relu(Z1)
    Z2 = tf.add(tf.matmul(W2, A1), b2)                     # Z2 = np.dot(W2, a1) + b2
    A2 = tf.nn.relu(Z2)                                    # A2 = relu(Z2)
    Z3 = tf.add(tf.matmul(W3, A2), b3)                     # Z3 = np.dot(W3,Z2) + b3

    return Z3


tf.reset_default_graph()
with tf.Session() as sess:
    X, Y = create_placeholders(192, 6)
    parameters = initialize_parameters()
    Z3 = forward_propagation(X, parameters)
    print("Z3 = " + str(Z3))


# ---------------------------------------------------------------- 2.4 - Compute cost
def compute_cost(Z3, Y):
    # to fit the tensorflow requirement for tf.nn.softmax_cross_entropy_with_logits(...,...)
    logits = tf.transpose(Z3)
    labels = tf.transpose(Y)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=labels))

    return cost


tf.reset_default_graph()
with tf.Session() as sess:
    X, Y = create_placeholders(192, 6)
    parameters = initialize_parameters()
    Z3 = forward_propagation(X, parameters)
    cost = compute_cost(Z3, Y)
    print("cost = " + str(cost))


# ---------------------------------------------------------------- 2.6 - Building the model
def model(X_train, Y_train, X_test, Y_test, learning_rate=0.0001,
          num_epochs=1500, minibatch_size=32, print_cost=True):
    ops.reset_default_graph()                         # to be able to rerun the model
    tf.set_random_seed(1)                             # to keep consistent results
    seed = 3                                          # to keep consistent results
    (n_x, m) = X_train.shape                          # n_x: input size, m: number of examples
    n_y = Y_train.shape[0]                            # n_y : output size
    costs = []                                        # To keep track of the cost

    X, Y = create_placeholders(n_x, n_y)
    parameters = initialize_parameters()
    Z3 = forward_propagation(X, parameters)
    cost = compute_cost(Z3, Y)
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)
    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)

        for epoch in range(num_epochs):
            epoch_cost = 0.                       # Defines a cost related to an epoch
            num_minibatches = int(m / minibatch_size)  # number of minibatches in the train set
            seed = seed + 1
            minibatches = random_mini_batches(X_train, Y_train, minibatch_size, seed)

            for minibatch in minibatches:
                (minibatch_X, minibatch_Y) = minibatch
                _, minibatch_cost = sess.run([optimizer, cost],
                                             feed_dict={X: minibatch_X, Y: minibatch_Y})
                epoch_cost += minibatch_cost / num_minibatches

            if print_cost is True and epoch % 2 == 0:
                print("Cost after epoch %i: %f" % (epoch, epoch_cost))
            if print_cost is True and epoch % 1 == 0:
                costs.append(epoch_cost)

        parameters = sess.run(parameters)
        print("Parameters have been trained!")

        correct_prediction = tf.equal(tf.argmax(Z3), tf.argmax(Y))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))

        print("Train Accuracy:", accuracy.eval({X: X_train, Y: Y_train}))
        print("Test Accuracy:", accuracy.eval({X: X_test, Y: Y_test}))

        return parameters, costs


parameters, costs = model(X_train, Y_train, X_test, Y_test, learning_rate=0.001, num_epochs=8)
