"""The convolutional course's TensorFlow assignment ("Convolution model - Application"), run by
minigraph, with pictures of what the network learned.

The assignment classifies 64x64 RGB photos of hands showing 0 to 5 fingers with

    CONV2D (8 filters 4x4x3, stride 1, SAME) -> RELU -> MAXPOOL (8x8, stride 8, SAME)
    -> CONV2D (16 filters 2x2x8, stride 1, SAME) -> RELU -> MAXPOOL (4x4, stride 4, SAME)
    -> FLATTEN -> FULLYCONNECTED (6 outputs, no activation)

trained with the softmax cross-entropy and Adam on mini-batches of 64. The notebook's functions
below (`create_placeholders`, `initialize_parameters`, `forward_propagation`, `compute_cost`,
`model`, and cnn_utils's `random_mini_batches` and `convert_to_one_hot`) are written as the
notebook writes them, with `tf.contrib.layers.xavier_initializer(seed=0)`,
`tf.contrib.layers.flatten` and `tf.contrib.layers.fully_connected(P2, 6, activation_fn=None)`.
Only these lines differ:

* `import minigraph as tf` and `from minigraph.python.framework import ops` instead of
  `tensorflow` in the imports; matplotlib, scipy and scikit-learn are imported by the functions
  that use them (so `--help` is instant, and a missing one names the extra that installs it);
* the data: the SIGNS photos cannot be downloaded here, so scikit-learn's bundled 8x8 digits of
  the classes 0-5 stand in, upscaled (bilinearly) to 64x64 and repeated in the three colour
  channels, as 0-255 pixel values: the assignment's shapes and its `/255.` apply unchanged;
* `model()` saves its cost curve into `outdir` instead of `plt.show()`, and ends with
  `parameters = sess.run(parameters)` (the idiom of the course's first TensorFlow assignment) so
  the trained filters can be drawn after the session closes.

After training, the demo draws the 8 learned first-layer filters (`conv_filters.png`; each is
4x4x3, shown as the mean over the three channels, since the gray digits make the three channels
equal) and the feature maps of one test image after each ReLU and pooling
(`conv_feature_maps.png`).

Full run (`python demos/convolutional_digits.py`): the notebook's 100 epochs on 903 training
images (the cost is printed every 5 epochs). Quick run (`--quick`, used by the tests): a subset
of the images and a few epochs; it still learns (accuracy well above the 1/6 of chance).

Run time on 2 cores: about 6 minutes (measured: 5 min 44 s of CPU time; 32 minutes of wall
time on a machine shared with other jobs); `--quick` about 11 s.
"""

import math
import os

import numpy as np

import minigraph as tf
from minigraph.python.framework import ops

OUTDIR = "."  # where model() saves its cost curve (main() sets it)


# ---------------------------------------------------------------- cnn_utils.py
def load_dataset():
    """The stand-in for SIGNS: digits 0-5 as (X_train_orig, Y_train_orig, X_test_orig,
    Y_test_orig, classes): uint8 images [m, 64, 64, 3] and labels [1, m]."""
    from scipy import ndimage
    from sklearn.datasets import load_digits

    digits = load_digits()
    keep = digits.target < 6
    images, labels = digits.images[keep], digits.target[keep]
    order = np.random.RandomState(0).permutation(len(labels))
    images, labels = images[order], labels[order]
    # 8x8 pixels of 0..16 -> 64x64 of 0..255, bilinear; the same gray in R, G and B.
    big = ndimage.zoom(images, (1, 8, 8), order=1) * (255.0 / 16.0)
    big = np.clip(np.round(big), 0, 255).astype(np.uint8)
    big = np.repeat(big[..., None], 3, axis=3)
    n_test = 180
    X_train_orig, X_test_orig = big[n_test:], big[:n_test]
    Y_train_orig = labels[n_test:].reshape(1, -1)
    Y_test_orig = labels[:n_test].reshape(1, -1)
    classes = np.arange(6)
    return X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Creates a list of random minibatches from (X, Y)."""
    m = X.shape[0]                  # number of training examples
    mini_batches = []
    np.random.seed(seed)

    # Step 1: Shuffle (X, Y)
    permutation = list(np.random.permutation(m))
    shuffled_X = X[permutation, :, :, :]
    shuffled_Y = Y[permutation, :]

    # Step 2: Partition (shuffled_X, shuffled_Y). Minus the end case.
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[k * mini_batch_size: k * mini_batch_size + mini_batch_size, :, :, :]  # noqa: E501
        mini_batch_Y = shuffled_Y[k * mini_batch_size: k * mini_batch_size + mini_batch_size, :]
        mini_batch = (mini_batch_X, mini_batch_Y)
        mini_batches.append(mini_batch)

    # Handling the end case (last mini-batch < mini_batch_size)
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[num_complete_minibatches * mini_batch_size: m, :, :, :]
        mini_batch_Y = shuffled_Y[num_complete_minibatches * mini_batch_size: m, :]
        mini_batch = (mini_batch_X, mini_batch_Y)
        mini_batches.append(mini_batch)

    return mini_batches


def convert_to_one_hot(Y, C):
    Y = np.eye(C)[Y.reshape(-1)].T
    return Y


# ---------------------------------------------------------------- the notebook
def create_placeholders(n_H0, n_W0, n_C0, n_y):
    X = tf.placeholder(tf.float32, [None, n_H0, n_W0, n_C0])
    Y = tf.placeholder(tf.float32, [None, n_y])
    return X, Y


def initialize_parameters():
    tf.set_random_seed(1)                              # so that your "random" numbers match ours

    W1 = tf.get_variable("W1", [4, 4, 3, 8], initializer=tf.contrib.layers.xavier_initializer(seed=0))  # noqa: E501
    W2 = tf.get_variable("W2", [2, 2, 8, 16], initializer=tf.contrib.layers.xavier_initializer(seed=0))  # noqa: E501

    parameters = {"W1": W1,
                  "W2": W2}

    return parameters


def forward_propagation(X, parameters):
    # Retrieve the parameters from the dictionary "parameters"
    W1 = parameters['W1']
    W2 = parameters['W2']

    # CONV2D: stride of 1, padding 'SAME'
    Z1 = tf.nn.conv2d(X, W1, strides=[1, 1, 1, 1], padding='SAME')
    # RELU
    A1 = tf.nn.relu(Z1)
    # MAXPOOL: window 8x8, sride 8, padding 'SAME'
    P1 = tf.nn.max_pool(A1, ksize=[1, 8, 8, 1], strides=[1, 8, 8, 1], padding='SAME')
    # CONV2D: filters W2, stride 1, padding 'SAME'
    Z2 = tf.nn.conv2d(P1, W2, strides=[1, 1, 1, 1], padding='SAME')
    # RELU
    A2 = tf.nn.relu(Z2)
    # MAXPOOL: window 4x4, stride 4, padding 'SAME'
    P2 = tf.nn.max_pool(A2, ksize=[1, 4, 4, 1], strides=[1, 4, 4, 1], padding='SAME')
    # FLATTEN
    P2 = tf.contrib.layers.flatten(P2)
    # FULLY-CONNECTED without non-linear activation function (not not call softmax).
    # 6 neurons in output layer. Hint: one of the arguments should be "activation_fn=None"
    Z3 = tf.contrib.layers.fully_connected(P2, 6, activation_fn=None)

    return Z3


def compute_cost(Z3, Y):
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=Z3, labels=Y))

    return cost


def build_graph():
    """The assignment's network, built and not trained: what `python -m minigraph.viz
    demos/convolutional_digits.py --no-run` draws (the build_graph() convention)."""
    X, Y = create_placeholders(64, 64, 3, 6)
    Z3 = forward_propagation(X, initialize_parameters())
    return tf.train.AdamOptimizer(learning_rate=0.009).minimize(compute_cost(Z3, Y))


def model(X_train, Y_train, X_test, Y_test, learning_rate=0.009,
          num_epochs=100, minibatch_size=64, print_cost=True):
    plt = _pyplot()
    # to be able to rerun the model without overwriting tf variables
    ops.reset_default_graph()
    tf.set_random_seed(1)                             # to keep results consistent (tensorflow seed)
    seed = 3                                          # to keep results consistent (numpy seed)
    (m, n_H0, n_W0, n_C0) = X_train.shape
    n_y = Y_train.shape[1]
    costs = []                                        # To keep track of the cost

    # Create Placeholders of the correct shape
    X, Y = create_placeholders(n_H0, n_W0, n_C0, n_y)

    # Initialize parameters
    parameters = initialize_parameters()

    # Forward propagation: Build the forward propagation in the tensorflow graph
    Z3 = forward_propagation(X, parameters)

    # Cost function: Add cost function to tensorflow graph
    cost = compute_cost(Z3, Y)

    # Backpropagation: Define the tensorflow optimizer. Use an AdamOptimizer that minimizes the
    # cost.
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    # Initialize all the variables globally
    init = tf.global_variables_initializer()

    # Start the session to compute the tensorflow graph
    with tf.Session() as sess:

        # Run the initialization
        sess.run(init)

        # Do the training loop
        for epoch in range(num_epochs):

            minibatch_cost = 0.
            # number of minibatches of size minibatch_size in the train set
            num_minibatches = int(m / minibatch_size)
            seed = seed + 1
            minibatches = random_mini_batches(X_train, Y_train, minibatch_size, seed)

            for minibatch in minibatches:

                # Select a minibatch
                (minibatch_X, minibatch_Y) = minibatch
                # IMPORTANT: The line that runs the graph on a minibatch.
                # Run the session to execute the optimizer and the cost, the feedict should contain
                # a minibatch for (X,Y).
                _, temp_cost = sess.run([optimizer, cost], feed_dict={X: minibatch_X, Y: minibatch_Y})  # noqa: E501

                minibatch_cost += temp_cost / num_minibatches

            # Print the cost every epoch
            if print_cost == True and epoch % 5 == 0:  # noqa: E712
                print("Cost after epoch %i: %f" % (epoch, minibatch_cost))
            if print_cost == True and epoch % 1 == 0:  # noqa: E712
                costs.append(minibatch_cost)

        # plot the cost
        plt.plot(np.squeeze(costs))
        plt.ylabel('cost')
        plt.xlabel('iterations (per tens)')
        plt.title("Learning rate =" + str(learning_rate))
        plt.savefig(os.path.join(OUTDIR, "conv_cost.png"))
        plt.close()

        # Calculate the correct predictions
        predict_op = tf.argmax(Z3, 1)
        correct_prediction = tf.equal(predict_op, tf.argmax(Y, 1))

        # Calculate accuracy on the test set
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        print(accuracy)
        train_accuracy = accuracy.eval({X: X_train, Y: Y_train})
        test_accuracy = accuracy.eval({X: X_test, Y: Y_test})
        print("Train Accuracy:", train_accuracy)
        print("Test Accuracy:", test_accuracy)

        parameters = sess.run(parameters)
        return train_accuracy, test_accuracy, parameters


def notebook_cells():
    """The notebook's test cells for each function, printing what the notebook prints (the
    seeded values depend on TF's random number streams)."""
    X, Y = create_placeholders(64, 64, 3, 6)
    print("X = " + str(X))
    print("Y = " + str(Y))

    tf.reset_default_graph()
    with tf.Session() as sess_test:
        parameters = initialize_parameters()
        init = tf.global_variables_initializer()
        sess_test.run(init)
        print("W1 = " + str(parameters["W1"].eval()[1, 1, 1]))
        print("W2 = " + str(parameters["W2"].eval()[1, 1, 1]))

    tf.reset_default_graph()
    with tf.Session() as sess:
        np.random.seed(1)
        X, Y = create_placeholders(64, 64, 3, 6)
        parameters = initialize_parameters()
        Z3 = forward_propagation(X, parameters)
        init = tf.global_variables_initializer()
        sess.run(init)
        a = sess.run(Z3, {X: np.random.randn(2, 64, 64, 3), Y: np.random.randn(2, 6)})
        print("Z3 = " + str(a))

    tf.reset_default_graph()
    with tf.Session() as sess:
        np.random.seed(1)
        X, Y = create_placeholders(64, 64, 3, 6)
        parameters = initialize_parameters()
        Z3 = forward_propagation(X, parameters)
        cost = compute_cost(Z3, Y)
        init = tf.global_variables_initializer()
        sess.run(init)
        a = sess.run(cost, {X: np.random.randn(4, 64, 64, 3), Y: np.random.randn(4, 6)})
        print("cost = " + str(a))


# ---------------------------------------------------------------- beyond the notebook: pictures
def feature_maps(image, parameters):
    """The activations of one image [64, 64, 3] after each ReLU and max-pool, computed with the
    trained filters in a fresh graph: a dict name -> [height, width, channels]."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(image[None].astype(np.float32))
        a1 = tf.nn.relu(tf.nn.conv2d(x, parameters["W1"], [1, 1, 1, 1], "SAME"))
        p1 = tf.nn.max_pool(a1, [1, 8, 8, 1], [1, 8, 8, 1], "SAME")
        a2 = tf.nn.relu(tf.nn.conv2d(p1, parameters["W2"], [1, 1, 1, 1], "SAME"))
        p2 = tf.nn.max_pool(a2, [1, 4, 4, 1], [1, 4, 4, 1], "SAME")
        with tf.Session() as sess:
            values = sess.run({"A1": a1, "P1": p1, "A2": a2, "P2": p2})
    return {name: value[0] for name, value in values.items()}


def _pyplot():
    """matplotlib.pyplot on the Agg backend: the demo saves PNGs and never opens a window."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_filters(W1, path):
    """The 8 first-layer filters (4x4, the mean over the input channels), one colour scale."""
    plt = _pyplot()
    filters = W1.mean(axis=2)
    limit = np.abs(filters).max()
    fig, axes = plt.subplots(1, filters.shape[-1], figsize=(2 * filters.shape[-1], 2.4))
    for k, ax in enumerate(axes):
        ax.imshow(filters[:, :, k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {k}")
        ax.axis("off")
    fig.suptitle("Learned first-layer filters W1 (4x4, mean over R, G, B; red > 0 > blue)")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def save_feature_maps(image, label, maps, path):
    """The input image, the 8 maps of A1 (64x64) and the 16 maps of A2 (8x8)."""
    plt = _pyplot()
    fig, axes = plt.subplots(3, 16, figsize=(16, 3.6))
    for ax in axes.ravel():
        ax.axis("off")
    axes[0, 0].imshow(image[:, :, 0], cmap="gray")
    axes[0, 0].set_title(f"input: {label}")
    for k in range(8):
        axes[1, k].imshow(maps["A1"][:, :, k], cmap="viridis")
        axes[1, k].set_title(f"A1[{k}]", fontsize=8)
    for k in range(16):
        axes[2, k].imshow(maps["A2"][:, :, k], cmap="viridis")
        axes[2, k].set_title(f"A2[{k}]", fontsize=8)
    fig.suptitle("Feature maps of a test image: after the first conv+ReLU (64x64) and the "
                 "second (8x8, after the 8x8 max-pool)")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(quick: bool = False, outdir: str = "."):
    """Runs the notebook's cells and model(), then draws the filters and feature maps."""
    global OUTDIR
    OUTDIR = outdir
    os.makedirs(outdir, exist_ok=True)
    X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = load_dataset()

    X_train = X_train_orig/255.
    X_test = X_test_orig/255.
    Y_train = convert_to_one_hot(Y_train_orig, 6).T
    Y_test = convert_to_one_hot(Y_test_orig, 6).T
    print("number of training examples = " + str(X_train.shape[0]))
    print("number of test examples = " + str(X_test.shape[0]))
    print("X_train shape: " + str(X_train.shape))
    print("Y_train shape: " + str(Y_train.shape))
    print("X_test shape: " + str(X_test.shape))
    print("Y_test shape: " + str(Y_test.shape))

    notebook_cells()

    if quick:
        X_train, Y_train = X_train[:256], Y_train[:256]
        _, _, parameters = model(X_train, Y_train, X_test, Y_test, num_epochs=6)
    else:
        _, _, parameters = model(X_train, Y_train, X_test, Y_test)

    save_filters(parameters["W1"], os.path.join(outdir, "conv_filters.png"))
    index = 0
    maps = feature_maps(X_test[index], parameters)
    save_feature_maps(X_test[index], int(Y_test_orig[0, index]), maps,
                      os.path.join(outdir, "conv_feature_maps.png"))
    print("saved conv_cost.png, conv_filters.png and conv_feature_maps.png in " + outdir)
    return parameters


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
