"""`tf.contrib.seq2seq`: the one piece of TF1's sequence-to-sequence module the course names.

`hardmax` is what softmax is the soft version of: a 1 at the largest logit of each row and 0
elsewhere. TF1 keeps it in `tf.contrib.seq2seq` (attention can use it instead of softmax). It is
a composite, `one_hot(argmax(logits, -1), depth)`, so it has no gradient of its own: argmax is
not differentiable, which is why networks train with softmax and predict with its argmax.
"""

from __future__ import annotations

from minigraph import graph as graph_module
from minigraph.ops import array_ops, math_ops
from minigraph.tensor import Tensor, convert_to_tensor


def hardmax(logits, name=None) -> Tensor:
    """Returns batched one-hot vectors: a 1 at the maximum logit of the last axis, else 0.

    On ties the 1 goes to the first of the largest logits (the lowest index), as argmax picks.
    The result has the shape and dtype of `logits`; its ops are under the name scope `Hardmax`.

    Args:
        logits: a float tensor of logit values, classes on the last axis.
        name: the name scope (default "Hardmax").

    Returns:
        A one-hot tensor of the same shape and dtype as `logits`.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.contrib.seq2seq.hardmax([[5.0, 2.0, -1.0, 3.0],
        ...                                                 [1.0, 4.0, 4.0, 0.0]])))
        [[1. 0. 0. 0.]
         [0. 1. 0. 0.]]
    """
    with graph_module.name_scope(name, "Hardmax", [logits]):
        logits = convert_to_tensor(logits, name="logits")
        if logits.shape.ndims == 0:
            raise ValueError(
                f"hardmax: logits must have at least one axis (the classes), got the scalar "
                f"{logits!r}; pass a vector [C] or a batch [N, C]."
            )
        if not logits.dtype.is_floating:
            raise TypeError(f"hardmax: logits must be a float tensor, got {logits!r}; "
                            "tf.cast it to tf.float32 first.")
        depth = None if logits.shape.ndims is None else logits.shape.as_list()[-1]
        if depth is None:
            depth = array_ops.shape(logits)[-1]
        return array_ops.one_hot(math_ops.argmax(logits, -1), depth, dtype=logits.dtype)
