"""Interactive elements bound to globals: moving one re-runs the cells that read it.

``s = reflow.ui.slider(0, 10)`` in one cell, ``s.value`` in another: dragging the
slider re-runs the second cell (never the first). Elements load on first use so
``import reflow`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "slider": "_inputs",
    "range_slider": "_inputs",
    "number": "_inputs",
    "text": "_inputs",
    "text_area": "_inputs",
    "checkbox": "_inputs",
    "switch": "_inputs",
    "dropdown": "_inputs",
    "radio": "_inputs",
    "multiselect": "_inputs",
    "button": "_inputs",
    "run_button": "_inputs",
    "date": "_inputs",
    "file": "_inputs",
    "table": "_table",
    "chart": "_chart",
    "array": "_containers",
    "dictionary": "_containers",
    "form": "_core",
    "UIElement": "_core",
    "UI_MIME": "_core",
    "REGISTRY": "_core",
    "apply_updates": "_updates",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'reflow.ui' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"reflow.ui.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
