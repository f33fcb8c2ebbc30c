"""`tf.train.summary_iterator`: the `Event` protos of an event file, in order.

Reads with TensorBoard's own loader (`tensorboard.backend.event_processing`), so any file that
TensorBoard reads, written by minigraph or by TensorFlow, can be read back in a program.
"""

from __future__ import annotations

import os

from minigraph import protos


def summary_iterator(path):
    """Yields every `Event` protobuf of the event file `path` (TF1's `tf.train.summary_iterator`).

    The first event holds the `file_version`; summaries are in `event.summary.value`.

    Example:
        >>> import glob, tempfile
        >>> import minigraph as tf
        >>> logdir = tempfile.mkdtemp()
        >>> with tf.summary.FileWriter(logdir) as writer:
        ...     writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="x", simple_value=3.0)]),
        ...                        global_step=1)
        >>> for event in tf.train.summary_iterator(glob.glob(logdir + "/events.*")[0]):
        ...     for value in event.summary.value:
        ...         print(event.step, value.tag, value.simple_value)
        1 x 3.0
    """
    loader = protos.load_tensorboard("backend.event_processing.event_file_loader",
                                     "tf.train.summary_iterator")
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No event file {path!r}.")
    yield from loader.LegacyEventFileLoader(path).Load()
