"""Reflow's engine: what runs inside a notebook's environment.

The file format, static analysis, the dataflow graph, the reactive runtime, the
Jupyter kernel and the user API. Standard library and ipykernel only; it never
imports Qt or ``reflow_desktop``, so a notebook environment needs no copy of
Reflow installed -- the kernel finds this package through PYTHONPATH.
"""

__version__ = "0.1.0"
