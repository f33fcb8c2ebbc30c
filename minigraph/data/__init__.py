"""`tf.data`: datasets and iterators, input pipelines as graph ops (re-exports only).

Example:
    >>> import minigraph as tf
    >>> with tf.Graph().as_default(), tf.Session() as sess:
    ...     batch = tf.data.Dataset.range(6).batch(4).make_one_shot_iterator().get_next()
    ...     print(sess.run(batch), sess.run(batch))
    [0 1 2 3] [4 5]
"""

from minigraph.data.dataset_ops import Dataset as Dataset
from minigraph.data.iterator_ops import Iterator as Iterator
from minigraph.data.iterator_ops import get_output_classes as get_output_classes
from minigraph.data.iterator_ops import get_output_shapes as get_output_shapes
from minigraph.data.iterator_ops import get_output_types as get_output_types
from minigraph.data.iterator_ops import make_initializable_iterator as make_initializable_iterator
from minigraph.data.iterator_ops import make_one_shot_iterator as make_one_shot_iterator
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
