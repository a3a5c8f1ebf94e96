"""Jupyter widgets (ipywidgets 8, anywidget, ipympl…) made reactive in the Reflow kernel.

The kernel never imports ipywidgets itself: ``install_import_hook`` waits for a notebook to
import it, then:

- a change the user makes in the page (a comm ``update`` from the widget manager) re-runs the
  cells that read a global bound to that widget — or to a box holding it — minus the cells that
  define it, exactly as ``reflow.ui`` elements do (``reflow.ui._updates.cells_to_run``); lazy mode
  marks them stale. The widget's own observers run first, as in Jupyter;
- ``with output_widget:`` captures into the widget's ``outputs`` in the kernel
  (``jupyter_widgets_output``), so ``interact`` and ``Output`` work without a Jupyter front end's
  message hooks, also in a reactive run whose prints belong to the running cell;
- observers and callbacks a cell's run registers (``w.observe``, ``on_click``) are removed when
  that cell runs again or is deleted (``jupyter_widgets_observers``), so they never stack;
- widgets get a key per defining cell (``jupyter_widgets_keys``): a re-run of that cell with the
  same arguments keeps the value the user chose, and values saved by the app come back on reopen.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from reflow.kernel.after_import import after_import

WIDGETS_MODULE = "ipywidgets"


def bound_names(namespace: dict[str, Any], widget: Any) -> set[str]:
    """Globals whose value is ``widget`` or a box (HBox, VBox, Tab, interactive…) that holds it."""
    names = set()
    for name, value in namespace.items():
        if name.startswith("__") or value is None:
            continue
        if value is widget or _holds(value, widget, depth=0):
            names.add(name)
    return names


def _holds(value: Any, widget: Any, depth: int) -> bool:
    if depth > 20:
        return False
    children = getattr(value, "children", None) if _is_widget(value) else None
    if not isinstance(children, Sequence) or isinstance(children, str):
        return False
    return any(child is widget or _holds(child, widget, depth + 1) for child in children)


def _is_widget(value: Any) -> bool:
    module = sys.modules.get("ipywidgets")
    widget_class = getattr(module, "Widget", None)
    return widget_class is not None and isinstance(value, widget_class)


def rerun_readers(host: Any, widget: Any) -> list[str]:
    """Run (or mark stale) the readers of the globals bound to ``widget``; returns the cells."""
    from reflow.kernel.capture import cell_capture
    from reflow.ui._updates import cells_to_run

    runtime = getattr(host, "runtime", None)
    if runtime is None:
        return []
    cells = cells_to_run(runtime, bound_names(runtime.namespace, widget))
    if not cells:
        return []
    with cell_capture(host.sink, host.shell):
        if runtime.mode == "lazy":
            runtime.mark_stale(cells)
        else:
            runtime.run_cells(cells)
    host.after_run()
    host.sink.flush_events()
    return cells


def user_changed(data: object) -> bool:
    """Is this comm message a state change made in the page (not a custom event)?"""
    if not isinstance(data, dict) or data.get("method") != "update":
        return False
    state = data.get("state")
    return isinstance(state, dict) and any(not str(key).startswith("_") for key in state)


def _host() -> Any:
    """The kernel's ReflowHost (None outside the Reflow kernel or before the app connected)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    return getattr(kernel, "reflow_host", None)


def patch_widgets(module: ModuleType) -> None:
    """Make ipywidgets reactive (idempotent): comm updates re-run readers, outputs captured, keys."""
    widget_class: Any = getattr(module, "Widget", None)
    if widget_class is None or getattr(widget_class, "_reflow_patched", False):
        return
    original = widget_class._handle_msg
    from reflow.kernel.jupyter_widgets_observers import OBSERVERS, patch_observers

    def _handle_msg(self: Any, msg: dict[str, Any]) -> None:
        host = _host()
        if host is not None:
            OBSERVERS.prune(getattr(host, "runtime", None))  # deleted cells' observers never run
        original(self, msg)
        data = (msg.get("content") or {}).get("data")
        if user_changed(data):
            from reflow.kernel.jupyter_widgets_keys import KEYS

            KEYS.kept(self)  # kept for the next open (reflow.ui._persist)
            if host is not None:
                rerun_readers(host, self)
                from reflow.kernel.ui_bridge import send_kept_values

                send_kept_values(host)

    widget_class._handle_msg = _handle_msg
    widget_class._reflow_patched = True
    from reflow.kernel.jupyter_widgets_keys import KEYS
    from reflow.kernel.jupyter_widgets_output import patch_output

    patch_output(module)
    patch_observers(module)
    widget_class.on_widget_constructed(KEYS.constructed)


def install_import_hook(finders: list[Any] | None = None) -> None:
    """Patch ipywidgets when (if ever) the notebook imports it; at once if it is already imported."""
    after_import(WIDGETS_MODULE, patch_widgets, "ipywidgets are not reactive here", finders)
