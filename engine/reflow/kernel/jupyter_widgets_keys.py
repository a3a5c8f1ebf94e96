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
from reflow.ui._persist import BOOK, MISSING, DoesNotFit, Slot

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


def json_value(value: Any) -> Any:
    """The value as JSON (tuples become lists); None when it has no JSON form (not kept)."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return None


def accept(widget: Any, saved: Any) -> Any:
    """A saved JSON value as the widget's value, if its ``value`` trait takes it now."""
    trait = widget.traits().get("value")
    try:
        value = trait.validate(widget, saved) if trait is not None else saved
        if hasattr(widget, "options") and hasattr(widget, "_options_values"):
            if value not in widget._options_values:
                raise DoesNotFit("is not one of the options now")
    except DoesNotFit:
        raise
    except Exception as exc:
        raise DoesNotFit(f"does not fit it now ({type(exc).__name__})") from None
    return value


def slot_key_of(keys: WidgetKeys, widget: Any) -> str | None:
    """The key under which ``widget`` is live (None: a widget of an earlier run)."""
    return next((k for k, w in keys.live.items() if w is widget), None)


class WidgetKeys:
    """Live keyed widgets, the previous run's while their cell re-runs, and restored values."""

    def __init__(self) -> None:
        self.live: dict[str, Any] = {}
        self._signatures: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._previous: dict[str, tuple[Any, str]] = {}
        self._restored: dict[str, Any] = {}
        self.slots: dict[int, Slot] = {}  # id(widget) -> its BOOK slot (what the user chose is kept there)
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
        description = getattr(widget, "description", "")
        slot = BOOK.slot(f"ipywidgets.{type(widget).__name__}", description)
        try:
            if previous is not None and previous[1] == sig and type(previous[0]) is type(widget):
                widget.value = previous[0].value
                BOOK.carry(slot, json_value(widget.value))
            else:
                what = f"{type(widget).__name__} {description!r}" if description else type(widget).__name__
                saved = BOOK.restore(slot, lambda v: accept(widget, v), what)
                if saved is not MISSING:
                    widget.value = saved
        except Exception:  # the old value does not fit any more: the new default stands
            pass
        if slot is not None:
            self.slots[id(widget)] = slot
        self.live[key] = widget
        self._signatures[key] = sig

    def kept(self, widget: Any) -> None:
        """The user changed ``widget`` in the page: keep its value for the next open."""
        slot = self.slots.get(id(widget))
        if slot is not None and slot_key_of(self, widget) is not None:
            BOOK.keep(slot, json_value(widget.value))

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
