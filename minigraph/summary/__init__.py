"""`tf.summary`: summary ops and the `FileWriter` that writes them for TensorBoard."""

from minigraph.protos import Event as Event
from minigraph.protos import SessionLog as SessionLog
from minigraph.protos import Summary as Summary
from minigraph.protos import SummaryDescription as SummaryDescription
from minigraph.protos import TaggedRunMetadata as TaggedRunMetadata
from minigraph.summary.summary_ops import audio as audio
from minigraph.summary.summary_ops import histogram as histogram
from minigraph.summary.summary_ops import image as image
from minigraph.summary.summary_ops import merge as merge
from minigraph.summary.summary_ops import merge_all as merge_all
from minigraph.summary.summary_ops import scalar as scalar
from minigraph.summary.summary_ops import tensor_summary as tensor_summary
from minigraph.summary.summary_ops import text as text
from minigraph.summary.writer import FileWriter as FileWriter
from minigraph.summary.writer import FileWriterCache as FileWriterCache
from minigraph.tf1_names import module_getattr as _module_getattr

__getattr__ = _module_getattr(__name__)
