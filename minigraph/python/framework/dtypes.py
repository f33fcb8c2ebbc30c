"""`from tensorflow.python.framework import dtypes` becomes `from minigraph.python.framework
import dtypes` (`dtypes.float32`, `dtypes.as_dtype`).

Example:
    >>> from minigraph.python.framework import dtypes
    >>> dtypes.as_dtype("float") is dtypes.float32
    True
"""

from minigraph.dtypes import DType as DType
from minigraph.dtypes import as_dtype as as_dtype
from minigraph.dtypes import bool as bool  # noqa: A001
from minigraph.dtypes import double as double
from minigraph.dtypes import float16 as float16
from minigraph.dtypes import float32 as float32
from minigraph.dtypes import float64 as float64
from minigraph.dtypes import half as half
from minigraph.dtypes import int16 as int16
from minigraph.dtypes import int32 as int32
from minigraph.dtypes import int64 as int64
from minigraph.dtypes import int8 as int8
from minigraph.dtypes import string as string
from minigraph.dtypes import uint8 as uint8
