"""Values the user chose for interactive elements, kept so that a reopened notebook uses them.

Element ids (``<cell id>-<n>``) and cell ids live for one session only, so a chosen value
is kept under a **slot**: ``Slot(cell, key)``, where ``cell`` is the running cell's id and
``key`` names the element within that cell the way a reader of its code would -- its kind,
its label and which one of that kind and label the cell's run made: ``slider#0``,
``dropdown[fruit]#0``. Adding an element of another kind or label to the cell does not
move the others' keys. The app stores each cell's kept values with that cell's outputs in
``__reflow__/`` (matched to the cells of the reopened file by content and position, as the
outputs are) and gives them back keyed by the new session's cell ids.

The same calls serve any kind of element (``reflow.ui`` here, ipywidgets too)::

    slot = BOOK.slot("slider", label)              # while its cell runs; None outside a cell run
    value = BOOK.restore(slot, accept, 'slider "n"')
    if value is MISSING: value = default           # nothing saved, or the saved value was refused
    ...
    BOOK.keep(slot, json_value)                    # the user chose a value: keep it for next time
    BOOK.carry(slot, json_value)                   # a re-run kept the previous run's value

``accept(json_value)`` turns a saved JSON value into the element's value or raises when it
no longer fits (an option that is gone, a range that changed, a wrong type; a ``DoesNotFit``
says why in words that complete "the saved value 9 ...", e.g. "is outside 0 to 5 now"):
the element then starts from its default and ``take_fallbacks`` says so once. ``load`` takes what the
app's ``open`` carries (``{cell id: {key: value}}``, validated: hostile input is dropped);
``take_changes`` is what the kernel sends back (``ui_kept``) after each operation: for each
cell whose kept values changed, all of them.

A cell run replaces the cell's kept values with those its new elements carried, restored
or were given; saved values the run did not use are dropped once the run made any slot
(a run that failed before making its elements keeps them for the next one).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from reflow import context

JSONValue = Any  # what json.loads gives: None, bool, int, float, str, list, dict
T = TypeVar("T")

MAX_VALUE_CHARS: Final = 1_000_000  # a kept value longer than this (as JSON) is neither kept nor restored
MAX_SLOTS_PER_CELL: Final = 1_000
MAX_DEPTH: Final = 32
MAX_LABEL_IN_KEY: Final = 80


class DoesNotFit(ValueError):
    """Raised by an ``accept`` function: its text completes "the saved value 9 ...", e.g. "is outside 0 to 5 now"."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""``restore``'s answer when there is no saved value to use."""


@dataclass(frozen=True)
class Slot:
    """Where an element's value is kept: its cell (session id) and its key within the cell."""

    cell: str
    key: str


def slot_key(kind: str, label: str, occurrence: int) -> str:
    """``kind#n`` or ``kind[label]#n``: the element's identity within its cell."""
    label = " ".join(str(label).split())[:MAX_LABEL_IN_KEY]
    return f"{kind}[{label}]#{occurrence}" if label else f"{kind}#{occurrence}"


def json_same(a: JSONValue, b: JSONValue) -> bool:
    """Equal as JSON values, strictly: a bool is no number, NaN equals nothing, 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return _finite(a) and _finite(b) and a == b
    if a is None or isinstance(a, str):
        return type(a) is type(b) and a == b
    if isinstance(a, (list, tuple)):
        return (
            isinstance(b, (list, tuple))
            and len(a) == len(b)
            and all(json_same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_same(a[k], b[k]) for k in a)
    return False


def _finite(x: int | float) -> bool:
    return isinstance(x, int) or math.isfinite(x)


def _depth_ok(value: JSONValue, limit: int = MAX_DEPTH) -> bool:
    level = [value]
    for _ in range(limit + 1):
        below = []
        for item in level:
            if isinstance(item, dict):
                below += list(item.values())
            elif isinstance(item, (list, tuple)):
                below += list(item)
        if not below:
            return True
        level = below
    return False


def valid_value(value: JSONValue) -> bool:
    """A value worth keeping: plain JSON (finite numbers), not nested deeply, not huge."""
    if not _depth_ok(value):
        return False
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return len(text) <= MAX_VALUE_CHARS


def valid_values(raw: object) -> dict[str, dict[str, JSONValue]]:
    """``{cell: {key: value}}`` from untrusted input; whatever does not fit is left out."""
    out: dict[str, dict[str, JSONValue]] = {}
    if not isinstance(raw, Mapping):
        return out
    for cell, values in raw.items():
        if not isinstance(cell, str) or not isinstance(values, Mapping):
            continue
        kept = {k: v for k, v in list(values.items())[:MAX_SLOTS_PER_CELL] if isinstance(k, str) and valid_value(v)}
        if kept:
            out[cell] = kept
    return out


def _short(value: JSONValue) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class ValueBook:
    """The kept values of one kernel: saved ones waiting for their element, live ones, what the app holds."""

    def __init__(self) -> None:
        self._saved: dict[str, dict[str, JSONValue]] = {}  # from the app, not used yet
        self._kept: dict[str, dict[str, JSONValue]] = {}  # chosen values of live elements
        self._reported: dict[str, dict[str, JSONValue]] = {}  # what the app holds, per cell
        self._counts: dict[str, Counter[tuple[str, str]]] = {}  # per cell run: (kind, label) -> made so far
        self._before: dict[str, dict[str, JSONValue]] = {}  # per running cell: kept before this run
        self._changed: set[str] = set()
        self._fallbacks: list[str] = []
        context.add_listener(self._on_cell)

    # --- the app's side ------------------------------------------------------------------
    def load(self, raw: object) -> None:
        """Values the app saved (``{cell id: {key: value}}``), used when their elements are made."""
        values = valid_values(raw)
        self._saved = {cell: dict(v) for cell, v in values.items()}
        self._reported = {cell: dict(v) for cell, v in values.items()}
        self._changed.clear()

    def take_changes(self) -> dict[str, dict[str, JSONValue]]:
        """Per cell whose values changed since the last call: all of its values (``{}``: none left)."""
        out: dict[str, dict[str, JSONValue]] = {}
        for cell in sorted(self._changed):
            now = self.values_of(cell)
            if not json_same(now, self._reported.get(cell, {})):
                out[cell] = now
                if now:
                    self._reported[cell] = dict(now)
                else:
                    self._reported.pop(cell, None)
        self._changed.clear()
        return out

    def take_fallbacks(self) -> list[str]:
        """Messages for saved values that were refused since the last call."""
        out, self._fallbacks = self._fallbacks, []
        return out

    def values_of(self, cell: str) -> dict[str, JSONValue]:
        """What the app should keep for ``cell``: saved values not used yet, then the live ones."""
        return {**self._saved.get(cell, {}), **self._kept.get(cell, {})}

    # --- the element's side --------------------------------------------------------------
    def slot(self, kind: str, label: object = "") -> Slot | None:
        """The slot of a new element of ``kind`` made by the running cell (None outside a cell run)."""
        cell = context.cell
        if cell is None:
            return None
        label_text = label if isinstance(label, str) else ""
        counts = self._counts.setdefault(cell, Counter())
        n = counts[(kind, label_text)]
        counts[(kind, label_text)] = n + 1
        return Slot(cell, slot_key(kind, label_text, n))

    def restore(self, slot: Slot | None, accept: Callable[[JSONValue], T], what: str) -> T | _Missing:
        """The saved value for ``slot`` through ``accept``, or MISSING (none saved, or refused: noted)."""
        if slot is None:
            return MISSING
        saved: object = self._saved.get(slot.cell, {}).pop(slot.key, MISSING)
        if isinstance(saved, _Missing):
            return MISSING
        try:
            value = accept(saved)
        except Exception as exc:  # DoesNotFit says why, in words; anything else: it does not fit
            reason = str(exc) if isinstance(exc, DoesNotFit) and str(exc) else "does not fit it now"
            self._fallbacks.append(f"{what}: the saved value {_short(saved)} {reason}; it starts from its default.")
            self._changed.add(slot.cell)
            return MISSING
        self.keep(slot, saved)
        return value

    def keep(self, slot: Slot | None, value: JSONValue) -> None:
        """The user chose ``value`` (JSON) for the element in ``slot``: keep it for the next open."""
        if slot is None:
            return
        cell = self._kept.setdefault(slot.cell, {})
        if valid_value(value):
            cell[slot.key] = value
        else:
            cell.pop(slot.key, None)  # too big to keep: the next open starts from the default
        self._changed.add(slot.cell)

    def carry(self, slot: Slot | None, value: JSONValue) -> None:
        """A re-run made the element again and it kept its previous value: kept again if it was kept."""
        if slot is not None and slot.key in self._before.get(slot.cell, {}):
            self.keep(slot, value)

    # --- cell runs -----------------------------------------------------------------------
    def _on_cell(self, event: str, cell: str, runtime: object) -> None:
        if event == "enter":
            self._before[cell] = self._kept.pop(cell, {})
            self._counts[cell] = Counter()
        else:
            self._before.pop(cell, None)
            if self._counts.get(cell):  # the run made elements: saved values it did not use are gone
                self._saved.pop(cell, None)
            self._changed.add(cell)

    def clear(self) -> None:
        """Forget everything (tests)."""
        self._saved.clear()
        self._kept.clear()
        self._reported.clear()
        self._counts.clear()
        self._before.clear()
        self._changed.clear()
        self._fallbacks.clear()


BOOK = ValueBook()
