"""The reactive runtime: runs cells in dependency order against one namespace.

No Jupyter and no Qt here: events go to a ``RuntimeSink`` (the kernel's formats
with IPython; ``sinks.PrintSink`` writes to a terminal, ``sinks.CollectingSink``
records for tests).
"""

from .runtime import Runtime
from .sinks import CollectingSink, PrintSink
from .types import CellError, CellStatus, RuntimeSink
from .variables import VariableInfo

__all__ = ["CellError", "CellStatus", "CollectingSink", "PrintSink", "Runtime", "RuntimeSink", "VariableInfo"]
