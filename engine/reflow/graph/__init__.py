"""The dataflow graph: which cell defines each name, who reads it, in what order to run.

Built incrementally from ``reflow.analysis.CellAnalysis`` values; pure data, no
execution. See ``graph.py`` for the rules (including ``del``).
"""

from .errors import CycleError, GraphError, MultipleDefinitionError, OrderViolation, UndefinedAboveError
from .graph import DataflowGraph

__all__ = [
    "CycleError",
    "DataflowGraph",
    "GraphError",
    "MultipleDefinitionError",
    "OrderViolation",
    "UndefinedAboveError",
]
