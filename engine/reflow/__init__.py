"""Reflow's engine: what runs inside a notebook's environment.

The file format, static analysis, the dataflow graph, the reactive runtime, the
Jupyter kernel and the user API. Standard library and ipykernel only; it never
imports Qt or ``reflow_desktop``, so a notebook environment needs no copy of
Reflow installed -- the kernel finds this package through PYTHONPATH.
"""

__version__ = "0.1.0"

_LAZY = {"cache", "persistent_cache", "clear_cache"}

# name -> (module, attribute or None for the module itself); loaded on first use
_API = {
    "ui": ("reflow.ui", None),
    "md": ("reflow.md", "md"),
    "hstack": ("reflow.layout", "hstack"),
    "vstack": ("reflow.layout", "vstack"),
    "tabs": ("reflow.layout", "tabs"),
    "accordion": ("reflow.layout", "accordion"),
    "callout": ("reflow.layout", "callout"),
    "state": ("reflow.state", "state"),
    "stop": ("reflow.stop", "stop"),
    "cluster": ("reflow.cluster", None),
}


def __getattr__(name: str) -> object:
    """``reflow.cache``, ``reflow.ui``, ``reflow.md``... load on first use,
    so ``import reflow`` stays cheap."""
    import importlib

    if name in _LAZY:
        module = importlib.import_module("reflow.cache")
        return module if name == "cache" else getattr(module, name)
    if name in _API:
        module_name, attr = _API[name]
        module = importlib.import_module(module_name)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'reflow' has no attribute {name!r}")
