"""Stable keys for Jupyter widgets, so a re-run of their cell keeps the user's value.

A widget with a ``value`` made while a cell runs is keyed ``<cell id>-w<n>`` (its place among the
cell's valued widgets, as ``reflow.ui`` numbers its elements). When the cell runs again and makes
a widget with the same key, class and construction state (everything but the value), the new
widget starts from the old one's value — moving a slider and then editing an unrelated line of
its cell does not throw the choice away. ``restore`` takes values saved by the app for widgets
not made yet (reopen).
"""

from __future__ import annotations

import json
from typing import Any

from reflow import context

# Traits that are the user's choice, not the widget's construction.
CHOICE_TRAITS = frozenset({"value", "index", "label", "selected_index", "v_model"})


def signature(widget: Any) -> str:
    """The widget's class and state minus the choice and minus model references (fresh ids each run)."""
    try:
        state = widget.get_state()
    except Exception:
        return repr(type(widget))
    kept = {
        k: v
        for k, v in state.items()
        if k not in CHOICE_TRAITS and not (isinstance(v, str) and v.startswith("IPY_MODEL_"))
    }
    try:
        text = json.dumps(kept, sort_keys=True, default=repr)
    except Exception:
        text = repr(sorted(kept.items(), key=lambda kv: kv[0]))
    return f"{type(widget).__module__}.{type(widget).__qualname__}:{text}"


class WidgetKeys:
    """Live keyed widgets, the previous run's while their cell re-runs, and restored values."""

    def __init__(self) -> None:
        self.live: dict[str, Any] = {}
        self._signatures: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._previous: dict[str, tuple[Any, str]] = {}
        self._restored: dict[str, Any] = {}
        context.add_listener(self._on_cell)

    def _on_cell(self, event: str, cell: str, runtime: Any) -> None:
        prefix = f"{cell}-w"
        if event == "enter":
            self._counters[cell] = 0
            for key in [k for k in self.live if k.startswith(prefix)]:
                self._previous[key] = (self.live.pop(key), self._signatures.pop(key, ""))
        else:
            for key in [k for k in self._previous if k.startswith(prefix)]:
                del self._previous[key]

    def constructed(self, widget: Any) -> None:
        """ipywidgets' construction callback: key the widget, give it back its value."""
        cell = context.cell
        has_value = getattr(widget, "has_trait", None)
        if cell is None or has_value is None or not has_value("value"):
            return
        n = self._counters.get(cell, 0)
        self._counters[cell] = n + 1
        key = f"{cell}-w{n}"
        sig = signature(widget)
        previous = self._previous.pop(key, None)
        try:
            if previous is not None and previous[1] == sig and type(previous[0]) is type(widget):
                widget.value = previous[0].value
            elif key in self._restored:
                widget.value = self._restored.pop(key)
        except Exception:  # the old value does not fit any more: the new default stands
            pass
        self.live[key] = widget
        self._signatures[key] = sig

    def restore(self, values: dict[str, Any]) -> None:
        """Values saved by the app (key -> JSON value) for widgets not made yet."""
        self._restored.update(values)

    def values(self) -> dict[str, Any]:
        """Every live keyed widget's value, JSON-safe ones only (what the app may save)."""
        out = {}
        for key, widget in self.live.items():
            try:
                value = widget.value
                json.dumps(value)
            except Exception:
                continue
            out[key] = value
        return out


KEYS = WidgetKeys()
