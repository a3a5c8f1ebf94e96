"""Reflow's engine: what runs inside a notebook's environment.

The file format, static analysis, the dataflow graph, the reactive runtime, the
Jupyter kernel and the user API. Standard library and ipykernel only; it never
imports Qt or ``reflow_desktop``, so a notebook environment needs no copy of
Reflow installed -- the kernel finds this package through PYTHONPATH.
"""

__version__ = "0.1.0"

_LAZY = {"cache", "persistent_cache", "clear_cache"}


def __getattr__(name: str) -> object:
    """``reflow.cache``, ``reflow.persistent_cache``, ``reflow.clear_cache`` load on first use,
    so ``import reflow`` stays cheap."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module("reflow.cache")
        return module if name == "cache" else getattr(module, name)
    raise AttributeError(f"module 'reflow' has no attribute {name!r}")
