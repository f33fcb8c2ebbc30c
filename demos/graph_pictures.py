"""The pictures of docs/visualization.md: graphs drawn by `minigraph.viz` through Graphviz.

Two programs are drawn:

* the course's first program, J(w) = w**2 - 10w + 25 minimised by gradient descent: its forward
  ops, the gradient ops that `minimize` adds under `gradients/`, and the update ops under
  `GradientDescent/` (`quadratic.svg`, and the forward part alone, `quadratic_forward.svg`);
* a three-layer batch-norm network trained with Adam, a few hundred ops: every top-level scope
  collapsed into one box (`bn_network_collapsed.svg`), and the same with `layer1` opened and
  the gradients hidden (`bn_network_layer1.svg`).

Each picture is written as SVG and PNG into `outdir`. To refresh the docs pictures, run
`python demos/graph_pictures.py --outdir docs/images` (the SVGs there are committed). Needs the
`dot` program (`apt-get install graphviz`) and the `graphviz` package (`pip install
"minigraph[viz]"`); without them, each picture's `.dot` file is written and the demo says
which one is missing and how to install it.

Run time on 2 cores: about 5 s, with or without `--quick` (the pictures are the same).
"""

from pathlib import Path

import numpy as np

import minigraph as tf
from minigraph import viz


def quadratic_program(graph):
    """The lecture's program, built in `graph`; returns (cost, train op)."""
    with graph.as_default():
        w = tf.Variable(0, dtype=tf.float32)
        cost = tf.add(tf.add(w**2, tf.multiply(-10., w)), 25)
        train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
        tf.global_variables_initializer()
    return cost, train


def _batch_norm(z, is_training):
    """Batch norm of a [batch, features] tensor: tf.layers' when available, else core ops."""
    layers = getattr(tf, "layers", None)
    if layers is not None and hasattr(layers, "batch_normalization"):
        return layers.batch_normalization(z, training=is_training, name="bn")
    # NOTE: the core-op version normalises with the batch statistics only (no running
    # averages), which is all the picture needs.
    width = z.shape.as_list()[-1]
    with tf.name_scope("bn"):
        mean, variance = tf.nn.moments(z, [0])
        gamma = tf.Variable(np.ones(width, np.float32), name="gamma")
        beta = tf.Variable(np.zeros(width, np.float32), name="beta")
        return tf.nn.batch_normalization(z, mean, variance, beta, gamma, 1e-3)


def _layer_scope(name):
    """tf.variable_scope(name) when minigraph has it, else tf.name_scope(name)."""
    if hasattr(tf, "variable_scope"):
        return tf.variable_scope(name)
    return tf.name_scope(name)


def bn_network(graph, n_layers: int = 3, width: int = 16, n_inputs: int = 20,
               n_classes: int = 10):
    """A dense -> batch norm -> ReLU network with Adam, built in `graph`; returns the train op."""
    rng = np.random.default_rng(0)
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, n_inputs], name="x")
        labels = tf.placeholder(tf.float32, [None, n_classes], name="labels")
        is_training = tf.placeholder_with_default(True, [], name="is_training")
        h = x
        fan_in = n_inputs
        for i in range(1, n_layers + 1):
            # A variable scope also names tf.layers' variables (layer1/bn/gamma); name_scope
            # would leave them at the top level (bn/gamma), as in TF1.
            with _layer_scope(f"layer{i}"):
                weights = rng.normal(0, np.sqrt(2 / fan_in), (fan_in, width)).astype(np.float32)
                w = tf.Variable(weights, name="W")
                h = tf.nn.relu(_batch_norm(tf.matmul(h, w), is_training))
            fan_in = width
        with tf.name_scope("output"):
            weights = rng.normal(0, np.sqrt(1 / fan_in), (fan_in, n_classes)).astype(np.float32)
            w = tf.Variable(weights, name="W")
            b = tf.Variable(np.zeros(n_classes, np.float32), name="b")
            logits = tf.matmul(h, w) + b
        with tf.name_scope("loss"):
            loss = tf.reduce_mean(
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
            )
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train = tf.train.AdamOptimizer(0.01).minimize(loss)
    return train


def build_graph():
    """Both programs, each in its own graph, untrained: (quadratic graph, network graph).

    `python -m minigraph.viz demos/graph_pictures.py --no-run` draws these (the build_graph()
    convention).
    """
    quadratic, network = tf.Graph(), tf.Graph()
    quadratic_program(quadratic)
    bn_network(network)
    return quadratic, network


def _draw(target, path: Path, **options) -> None:
    """Writes `path` (.svg) and its .png twin; without `dot`, says so and keeps the .dot file."""
    for suffix in (".svg", ".png"):
        try:
            viz.render(target, path.with_suffix(suffix), **options)
        except viz.GraphvizNotFoundError as e:
            print(e)
            return
    print(f"wrote {path.with_suffix('.svg')} and .png")


def main(quick: bool = False, outdir: str = "."):
    """Draws the quadratic program and the batch-norm network into `outdir`.

    Args:
        quick: accepted for the demo convention; the pictures are the same (and quick) anyway.
        outdir: the folder for the pictures (created if missing).

    Returns:
        The number of ops of the batch-norm network's graph.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)

    quadratic = tf.Graph()
    cost, train = quadratic_program(quadratic)
    _draw(quadratic, out / "quadratic.svg")
    _draw(cost, out / "quadratic_forward.svg")

    network = tf.Graph()
    bn_network(network)
    n_ops = len(network.get_operations())
    print(f"batch-norm network: {n_ops} ops")
    _draw(network, out / "bn_network_collapsed.svg", collapse=True)
    top_level = sorted({op.name.split("/")[0] for op in network.get_operations()
                        if "/" in op.name})
    others = [scope for scope in top_level if scope != "layer1"]
    _draw(network, out / "bn_network_layer1.svg", collapse=others, show_gradients=False)
    return n_ops


if __name__ == "__main__":
    from _cli import run_demo  # demos/_cli.py: --help, --quick, --outdir

    run_demo(main, __doc__)
