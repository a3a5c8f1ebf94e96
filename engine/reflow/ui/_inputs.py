"""Input elements: sliders, text, choices, buttons, dates, file upload."""

from __future__ import annotations

import base64
import datetime as _dt
import html
from collections.abc import Callable, Sequence
from typing import Any

from reflow.ui._core import UIElement
from reflow.ui._persist import DoesNotFit

OnChange = Callable[[Any], object] | None


def _num(x: Any) -> Any:
    """Keep ints as ints; everything else as float (JSON numbers)."""
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return x
    return float(x)


class slider(UIElement):
    """A numeric slider from ``start`` to ``stop``; ``value`` defaults to ``start``.

    With ``steps=[...]`` it moves through those values instead.
    """

    kind = "slider"

    def __init__(
        self,
        start: float = 0,
        stop: float = 100,
        step: float | None = None,
        value: Any = None,
        *,
        label: str = "",
        show_value: bool = True,
        orientation: str = "horizontal",
        steps: Sequence[float] | None = None,
        on_change: OnChange = None,
    ) -> None:
        if steps is not None:
            steps = [_num(s) for s in steps]
            start, stop, step = 0, len(steps) - 1, 1
        if step is None:
            step = 1 if isinstance(start, int) and isinstance(stop, int) else (stop - start) / 100
        self._integral = all(isinstance(x, int) and not isinstance(x, bool) for x in (start, stop, step))
        self._steps = steps
        self._bounds = (_num(start), _num(stop))
        props = {
            "start": _num(start),
            "stop": _num(stop),
            "step": _num(step),
            "show_value": show_value,
            "orientation": orientation,
            "steps": steps,
        }
        super().__init__(self._initial(value), props, label=label, on_change=on_change)

    def _initial(self, value: Any) -> Any:
        if self._steps is not None:
            return self._steps[0] if value is None else value
        return self._clamp(self._bounds[0] if value is None else value)

    def _clamp(self, v: Any) -> Any:
        lo, hi = self._bounds
        v = min(max(v, lo), hi)
        return int(round(v)) if self._integral else float(v)  # noqa: RUF046 - numpy floats round to floats

    def _convert(self, value: Any) -> Any:
        if self._steps is not None:
            return self._steps[max(0, min(int(value), len(self._steps) - 1))]
        return self._clamp(float(value))

    def _to_json(self, value: Any) -> Any:
        if self._steps is not None:
            return self._steps.index(value) if value in self._steps else 0
        return value

    def _restore(self, saved: Any) -> Any:
        if self._steps is not None:
            if type(saved) is not int or not 0 <= saved < len(self._steps):
                raise DoesNotFit(f"is not one of its {len(self._steps)} steps now")
            return self._steps[saved]
        if isinstance(saved, bool) or not isinstance(saved, (int, float)) or saved != saved:
            raise DoesNotFit("is not a number")
        lo, hi = self._bounds
        if not lo <= saved <= hi:
            raise DoesNotFit(f"is outside {lo} to {hi} now")
        return super()._restore(saved)

    def _static_html(self) -> str:
        p = self._props
        return (
            f'<input type="range" min="{p["start"]}" max="{p["stop"]}" step="{p["step"]}" '
            f'value="{self._to_json(self.value)}" disabled> <span>{html.escape(str(self.value))}</span>'
        )


class range_slider(slider):
    """A slider with two handles; ``value`` is ``[low, high]``."""

    kind = "range_slider"

    def __init__(
        self,
        start: float = 0,
        stop: float = 100,
        step: float | None = None,
        value: Sequence[float] | None = None,
        *,
        label: str = "",
        show_value: bool = True,
        orientation: str = "horizontal",
        on_change: OnChange = None,
    ) -> None:
        super().__init__(
            start, stop, step, value, label=label, show_value=show_value, orientation=orientation, on_change=on_change
        )

    def _initial(self, value: Any) -> Any:
        lo, hi = self._bounds if value is None else value
        return sorted([self._clamp(lo), self._clamp(hi)])

    def _restore(self, saved: Any) -> Any:
        if not isinstance(saved, list) or len(saved) != 2:
            raise DoesNotFit("is not a pair of numbers")
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in saved):
            raise DoesNotFit("is not a pair of numbers")
        lo, hi = self._bounds
        if not all(lo <= v <= hi for v in saved):
            raise DoesNotFit(f"is outside {lo} to {hi} now")
        return UIElement._restore(self, saved)

    def _convert(self, value: Any) -> Any:
        return sorted(self._clamp(float(v)) for v in value)

    def _to_json(self, value: Any) -> Any:
        return list(value)

    def _static_html(self) -> str:
        return f"<span>{html.escape(str(self.value))}</span>"


class number(UIElement):
    """A number box; ``start``/``stop`` bound it when given."""

    kind = "number"

    def __init__(
        self,
        start: float | None = None,
        stop: float | None = None,
        step: float = 1,
        value: float | None = None,
        *,
        label: str = "",
        on_change: OnChange = None,
    ) -> None:
        self._integral = all(isinstance(x, int) for x in (start or 0, stop or 0, step))
        initial = value if value is not None else start if start is not None else 0
        super().__init__(initial, {"start": start, "stop": stop, "step": step}, label=label, on_change=on_change)

    def _convert(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        v = float(value)
        p = self._props
        if p["start"] is not None:
            v = max(v, p["start"])
        if p["stop"] is not None:
            v = min(v, p["stop"])
        return int(v) if self._integral and v == int(v) else v

    def _static_html(self) -> str:
        return f'<input type="number" value="{html.escape(str(self.value))}" disabled>'


class text(UIElement):
    """A one-line text box."""

    kind = "text"

    def __init__(
        self,
        value: str = "",
        *,
        placeholder: str = "",
        label: str = "",
        max_length: int | None = None,
        on_change: OnChange = None,
        **extra: Any,
    ) -> None:
        super().__init__(
            str(value),
            {"placeholder": placeholder, "max_length": max_length, **extra},
            label=label,
            on_change=on_change,
        )

    def _convert(self, value: Any) -> Any:
        return "" if value is None else str(value)

    def _restore(self, saved: Any) -> Any:
        limit = self._props.get("max_length")
        if isinstance(limit, int) and isinstance(saved, str) and len(saved) > limit:
            raise DoesNotFit(f"is longer than {limit} characters")
        return super()._restore(saved)

    def _static_html(self) -> str:
        return f'<input type="text" value="{html.escape(self.value)}" disabled>'


class text_area(text):
    """A multi-line text box."""

    kind = "text_area"

    def __init__(
        self,
        value: str = "",
        *,
        placeholder: str = "",
        label: str = "",
        max_length: int | None = None,
        rows: int = 4,
        on_change: OnChange = None,
    ) -> None:
        super().__init__(
            value, placeholder=placeholder, label=label, max_length=max_length, on_change=on_change, rows=rows
        )

    def _static_html(self) -> str:
        return f"<textarea disabled>{html.escape(self.value)}</textarea>"


class checkbox(UIElement):
    """A checkbox; ``value`` is a bool."""

    kind = "checkbox"

    def __init__(self, value: bool = False, *, label: str = "", on_change: OnChange = None) -> None:
        super().__init__(bool(value), {}, label=label, on_change=on_change)

    def _convert(self, value: Any) -> Any:
        return bool(value)

    def _static_html(self) -> str:
        return f'<input type="checkbox" {"checked" if self.value else ""} disabled>'


class switch(checkbox):
    """A toggle switch; ``value`` is a bool."""

    kind = "switch"


def _options(options: Sequence[Any] | dict[str, Any]) -> dict[str, Any]:
    """Options as label -> value (a list uses each item's str as its label)."""
    if isinstance(options, dict):
        return {str(k): v for k, v in options.items()}
    return {str(o): o for o in options}


class _Choice(UIElement):
    """Shared by dropdown and radio: the UI speaks labels, Python sees values."""

    def __init__(
        self,
        options: Sequence[Any] | dict[str, Any],
        value: Any = None,
        *,
        label: str = "",
        allow_select_none: bool | None = None,
        on_change: OnChange = None,
    ) -> None:
        self._options = _options(options)
        labels = list(self._options)
        if value is not None and str(value) not in self._options:
            raise ValueError(f"value {value!r} is not one of the options {labels}")
        if allow_select_none is None:
            allow_select_none = value is None
        chosen = None if value is None else self._options[str(value)]
        super().__init__(
            chosen, {"options": labels, "allow_select_none": allow_select_none}, label=label, on_change=on_change
        )

    def _convert(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return self._options[str(value)]

    def _to_json(self, value: Any) -> Any:
        for k, v in self._options.items():
            if v is value or v == value:
                return k
        return None

    def _restore(self, saved: Any) -> Any:
        if saved is None and self._props["allow_select_none"]:
            return None
        if not isinstance(saved, str) or saved not in self._options:
            raise DoesNotFit("is not one of its options now" if isinstance(saved, str) else "is not an option label")
        return self._options[saved]

    @property
    def selected_key(self) -> str | None:
        key = self._to_json(self._value)
        return key if isinstance(key, str) else None

    def _static_html(self) -> str:
        return f"<span>{html.escape(str(self._to_json(self.value)))}</span>"


class dropdown(_Choice):
    """Pick one option from a list or a dict (label -> value)."""

    kind = "dropdown"


class radio(_Choice):
    """Pick one option with radio buttons."""

    kind = "radio"


class multiselect(UIElement):
    """Pick several options; ``value`` is the list of chosen values."""

    kind = "multiselect"

    def __init__(
        self,
        options: Sequence[Any] | dict[str, Any],
        value: Sequence[Any] | None = None,
        *,
        label: str = "",
        max_selections: int | None = None,
        on_change: OnChange = None,
    ) -> None:
        self._options = _options(options)
        chosen = [self._options[str(v)] for v in (value or [])]
        super().__init__(
            chosen, {"options": list(self._options), "max_selections": max_selections}, label=label, on_change=on_change
        )

    def _convert(self, value: Any) -> Any:
        return [self._options[str(v)] for v in (value or []) if str(v) in self._options]

    def _restore(self, saved: Any) -> Any:
        limit = self._props.get("max_selections")
        if isinstance(limit, int) and isinstance(saved, list) and len(saved) > limit:
            raise DoesNotFit(f"has more than {limit} selections")
        return super()._restore(saved)

    def _to_json(self, value: Any) -> Any:
        labels = []
        for item in value:
            for k, v in self._options.items():
                if v is item or v == item:
                    labels.append(k)
                    break
        return labels

    def _static_html(self) -> str:
        return f"<span>{html.escape(', '.join(self._to_json(self.value)))}</span>"


class button(UIElement):
    """A button. Each click sets ``value = on_click(value)`` (default: count clicks)."""

    kind = "button"
    persist = False  # a click count is not a choice to restore

    def __init__(
        self,
        label: str = "Click",
        *,
        value: Any = 0,
        on_click: Callable[[Any], Any] | None = None,
        kind: str = "neutral",
        on_change: OnChange = None,
    ) -> None:
        self._on_click = on_click
        super().__init__(value, {"button_kind": kind}, label=label, on_change=on_change)

    def _convert(self, value: Any) -> Any:
        if self._on_click is not None:
            return self._on_click(self._value)
        return (self._value or 0) + 1 if isinstance(self._value, int) or self._value is None else self._value

    def _to_json(self, value: Any) -> Any:
        return value if isinstance(value, (int, float, str, bool)) or value is None else repr(value)

    def _static_html(self) -> str:
        return f"<button disabled>{html.escape(str(self._props['label']))}</button>"


class run_button(UIElement):
    """A button whose ``value`` is True only while the cells it triggered run."""

    kind = "run_button"
    persist = False
    reset_after_run = True

    def __init__(self, label: str = "Run", *, kind: str = "neutral", on_change: OnChange = None) -> None:
        super().__init__(False, {"button_kind": kind}, label=label, on_change=on_change)
        self._value = False  # never keep a click across re-runs

    def _convert(self, value: Any) -> Any:
        return True

    def _static_html(self) -> str:
        return f"<button disabled>{html.escape(str(self._props['label']))}</button>"


class date(UIElement):
    """A date picker; ``value`` is a ``datetime.date``."""

    kind = "date"

    def __init__(
        self,
        value: _dt.date | str | None = None,
        *,
        start: _dt.date | str | None = None,
        stop: _dt.date | str | None = None,
        label: str = "",
        on_change: OnChange = None,
    ) -> None:
        initial = _as_date(value) if value is not None else _dt.date.today()
        super().__init__(initial, {"start": _iso(start), "stop": _iso(stop)}, label=label, on_change=on_change)

    def _convert(self, value: Any) -> Any:
        return _as_date(value) if value else None

    def _to_json(self, value: Any) -> Any:
        return value.isoformat() if value else None

    def _restore(self, saved: Any) -> Any:
        value = super()._restore(saved)
        start, stop = self._props["start"], self._props["stop"]
        if value is not None and ((start and value.isoformat() < start) or (stop and value.isoformat() > stop)):
            raise DoesNotFit(f"is outside {start or '...'} to {stop or '...'} now")
        return value

    def _static_html(self) -> str:
        return f'<input type="date" value="{self._to_json(self.value) or ""}" disabled>'


def _as_date(v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v)[:10])


def _iso(v: Any) -> str | None:
    return None if v is None else _as_date(v).isoformat()


class file(UIElement):
    """File upload; ``value`` is a list of ``{"name": str, "bytes": bytes}``."""

    kind = "file"
    persist = False  # the contents are not kept (the UI only ever sees names and sizes)

    def __init__(
        self,
        *,
        filetypes: Sequence[str] | None = None,
        multiple: bool = False,
        label: str = "Upload",
        max_bytes: int = 100 * 1024 * 1024,
        on_change: OnChange = None,
    ) -> None:
        super().__init__(
            [],
            {"filetypes": list(filetypes or []), "multiple": multiple, "max_bytes": max_bytes},
            label=label,
            on_change=on_change,
        )

    def _convert(self, value: Any) -> Any:
        files = []
        for item in value or []:
            data = item.get("data", item.get("bytes", ""))
            raw = base64.b64decode(data) if isinstance(data, str) else bytes(data)
            files.append({"name": str(item.get("name", "")), "bytes": raw})
        return files

    def _to_json(self, value: Any) -> Any:
        # never send the contents back: names and sizes are enough for the widget
        return [{"name": f["name"], "size": len(f["bytes"])} for f in value]

    def name(self, index: int = 0) -> str | None:
        return self._value[index]["name"] if len(self._value) > index else None

    def contents(self, index: int = 0) -> bytes | None:
        return self._value[index]["bytes"] if len(self._value) > index else None

    def _static_html(self) -> str:
        names = ", ".join(f["name"] for f in self.value) or "no file"
        return f"<span>{html.escape(names)}</span>"
