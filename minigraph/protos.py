"""TensorFlow's protocol buffers, from the `tensorboard` package, loaded only when first needed.

Event files, `GraphDef`s, `MetaGraphDef`s and `Summary` protos are TensorFlow's own formats, so
minigraph does not define them: it uses the generated modules the `tensorboard` package ships
(`tensorboard.compat.proto.summary_pb2`, `graph_pb2`, ...). They are imported on first use,
never by `import minigraph` (which must stay fast and numpy-only); without the package, the
first use raises an `ImportError` that names the extra to install.

`LazyProto` stands for a proto class in a namespace (`tf.Summary`, `tf.GraphDef`): calling it,
or reading an attribute such as `tf.Summary.Value`, loads the real class.

Example:
    >>> from minigraph import protos
    >>> summary_pb2 = protos.load("summary_pb2")
    >>> summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="loss", simple_value=0.5)])
    value {
      tag: "loss"
      simple_value: 0.5
    }
    <BLANKLINE>
"""

from __future__ import annotations

import importlib
import sys

INSTALL_HINT = 'pip install "minigraph[tensorboard]"'


def missing_message(feature: str) -> str:
    """The message of the ImportError raised when `feature` needs the tensorboard package."""
    return (
        f"{feature} needs the `tensorboard` package (TensorFlow's protocol buffers and event "
        f"files come from it), which is not installed. Install it with: {INSTALL_HINT}"
    )


_loaded: dict = {}


def load(module: str, feature: str = "This minigraph feature"):
    """The generated module `tensorboard.compat.proto.<module>` (e.g. "summary_pb2").

    Raises:
        ImportError: the tensorboard package is not installed; the message names the extra.
    """
    # NOTE: a dict lookup first: exporting a graph asks for modules several times per node.
    found = _loaded.get(module)
    if found is not None and sys.modules.get(found.__name__) is found:
        return found
    try:
        found = importlib.import_module(f"tensorboard.compat.proto.{module}")
    except ImportError as e:
        if e.name is not None and not e.name.startswith("tensorboard"):
            raise
        raise ImportError(missing_message(feature)) from None
    _loaded[module] = found
    return found


def require(feature: str) -> None:
    """Raises the ImportError naming the extra if the tensorboard package is missing.

    Example:
        >>> require("tf.summary.scalar")  # nothing happens when tensorboard is installed
    """
    load("summary_pb2", feature)


def load_tensorboard(module: str, feature: str):
    """Another module of the tensorboard package (e.g. "summary.writer.record_writer")."""
    require(feature)
    return importlib.import_module(f"tensorboard.{module}")


def load_protobuf(module: str, feature: str):
    """A module of the protobuf package (e.g. "text_format"), which tensorboard depends on."""
    require(feature)
    return importlib.import_module(f"google.protobuf.{module}")


class LazyProto:
    """A proto class of `tensorboard.compat.proto.<module>`, loaded on first use.

    Example:
        >>> Summary = LazyProto("summary_pb2", "Summary")
        >>> Summary(value=[Summary.Value(tag="x", simple_value=1.0)]).value[0].tag
        'x'
    """

    def __init__(self, module: str, name: str):
        self._module = module
        self._name = name

    def _cls(self):
        return getattr(load(self._module, f"tf.{self._name}"), self._name)

    def __call__(self, *args, **kwargs):
        return self._cls()(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._cls(), name)

    def __instancecheck__(self, instance) -> bool:
        return isinstance(instance, self._cls())

    def __repr__(self) -> str:
        return f"<lazy proto class {self._name} of tensorboard.compat.proto.{self._module}>"


# TF1's proto classes, as `tf.GraphDef`, `tf.Summary`, `tf.summary.Event`, ...
AttrValue = LazyProto("attr_value_pb2", "AttrValue")
Event = LazyProto("event_pb2", "Event")
GraphDef = LazyProto("graph_pb2", "GraphDef")
HistogramProto = LazyProto("summary_pb2", "HistogramProto")
MetaGraphDef = LazyProto("meta_graph_pb2", "MetaGraphDef")
NodeDef = LazyProto("node_def_pb2", "NodeDef")
SaverDef = LazyProto("saver_pb2", "SaverDef")
SessionLog = LazyProto("event_pb2", "SessionLog")
Summary = LazyProto("summary_pb2", "Summary")
SummaryDescription = LazyProto("summary_pb2", "SummaryDescription")
SummaryMetadata = LazyProto("summary_pb2", "SummaryMetadata")
TaggedRunMetadata = LazyProto("event_pb2", "TaggedRunMetadata")
