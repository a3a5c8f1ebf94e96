"""``with output_widget:`` captured in the kernel, into the widget's ``outputs`` trait.

In Jupyter the front end catches the messages whose parent is the widget's ``msg_id``. Reflow
routes a cell's prints and displays to the cell itself (``reflow.kernel.capture``), so the Output
widget (and ``interact``, which is built on it) captures on the kernel side instead: while the
context is open, ``sys.stdout`` / ``sys.stderr`` and the display publisher write into ``outputs``
(nbformat dicts), which ipywidgets syncs to every page and the HTML export like any other state.
"""

from __future__ import annotations

import sys
import traceback
from types import ModuleType, TracebackType
from typing import Any, TextIO

from reflow.kernel.formatting import clean


class _Stream:
    """A text stream that appends to the Output widget's outputs."""

    def __init__(self, capture: _Capture, name: str) -> None:
        self._capture = capture
        self.name = name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            self._capture.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Capture:
    """One open ``with out:``: the streams and display hook it replaced."""

    def __init__(self, widget: Any) -> None:
        self.widget = widget
        self.clear_pending = False
        self.saved: tuple[TextIO, TextIO] = (sys.stdout, sys.stderr)

    def _append(self, item: dict[str, Any]) -> None:
        outputs = () if self.clear_pending else tuple(self.widget.outputs)
        self.clear_pending = False
        self.widget.outputs = (*outputs, item)

    def stream(self, name: str, text: str) -> None:
        outputs = tuple(self.widget.outputs)
        last = outputs[-1] if outputs and not self.clear_pending else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == name:
            self.widget.outputs = (*outputs[:-1], {**last, "text": last.get("text", "") + text})
        else:
            self._append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self._append({"output_type": "display_data", "data": clean(data), "metadata": clean(metadata)})

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            self.clear_pending = False
            self.widget.outputs = ()

    def error(self, etype: type[BaseException], evalue: BaseException, tb: TracebackType | None) -> None:
        lines = traceback.format_exception(etype, evalue, tb)
        self._append({"output_type": "error", "ename": etype.__name__, "evalue": str(evalue), "traceback": lines})

    def hook(self, msg: dict[str, Any]) -> dict[str, Any] | None:
        """Display publisher hook: displays and clears go to the widget."""
        mtype = msg["header"]["msg_type"]
        content = msg.get("content") or {}
        if mtype == "display_data":
            self.display(content.get("data") or {}, content.get("metadata") or {})
            return None
        if mtype == "clear_output":
            self.clear(bool(content.get("wait")))
            return None
        return msg


_open: list[_Capture] = []


def _publisher() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(get_ipython(), "display_pub", None)


def enter(widget: Any) -> None:
    capture = _Capture(widget)
    _open.append(capture)
    sys.stdout = _Stream(capture, "stdout")
    sys.stderr = _Stream(capture, "stderr")
    hooks = getattr(_publisher(), "_hooks", None)
    if isinstance(hooks, list):
        hooks.insert(0, capture.hook)  # before the running cell's hook (reflow.kernel.capture)


def exit_(
    widget: Any, etype: type[BaseException] | None, evalue: BaseException | None, tb: TracebackType | None
) -> bool:
    if not _open or _open[-1].widget is not widget:
        return False
    capture = _open.pop()
    sys.stdout, sys.stderr = capture.saved
    hooks = getattr(_publisher(), "_hooks", None)
    if isinstance(hooks, list) and capture.hook in hooks:
        hooks.remove(capture.hook)
    if etype is not None and evalue is not None:
        capture.error(etype, evalue, tb)
        return True  # shown in the widget, as Jupyter does
    return False


def patch_output(module: ModuleType) -> None:
    """Replace ``Output.__enter__`` / ``__exit__`` with the kernel-side capture."""
    output_class: Any = getattr(module, "Output", None)
    if output_class is None:
        return

    def __enter__(self: Any) -> Any:
        enter(self)
        return self

    def __exit__(
        self: Any, etype: type[BaseException] | None, evalue: BaseException | None, tb: TracebackType | None
    ) -> bool:
        return exit_(self, etype, evalue, tb)

    output_class.__enter__ = __enter__
    output_class.__exit__ = __exit__
