"""``reflow.ui.chart``: an Altair / Vega-Lite chart or a Plotly figure as an input.

``sel = reflow.ui.chart(alt.Chart(df).mark_point().encode(...).add_params(brush))``
in one cell, ``sel.value`` in another: brushing or clicking in the chart re-runs the
second cell with the selected rows (a DataFrame of ``df``'s rows, or a list of row
dicts). For a Plotly figure ``value`` is the list of selected points (box / lasso
select, or a click), each ``{"trace", "name", "point", "x", "y", ...}``. No
selection is an empty frame / list. altair, plotly and pandas are never imported
here: the objects are asked for their JSON.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from typing import Any

from reflow.ui import _chart_plotly as plotly_sel
from reflow.ui import _chart_vega as vega_sel
from reflow.ui._core import REGISTRY, UIElement
from reflow.ui._persist import BOOK


def _is_plotly(figure: Any) -> bool:
    if isinstance(figure, dict):
        return isinstance(figure.get("data"), list) and "$schema" not in figure and "mark" not in figure
    return type(figure).__module__.startswith("plotly") and hasattr(figure, "to_json")


def _vega_spec(figure: Any) -> dict[str, Any]:
    if isinstance(figure, dict):
        spec = json.loads(json.dumps(figure))
    elif hasattr(figure, "to_dict"):
        spec = figure.to_dict()  # altair: validated, data inlined as "datasets"
    else:
        raise TypeError(
            f"reflow.ui.chart takes an Altair chart, a Vega-Lite spec (dict) or a Plotly figure, "
            f"not {type(figure).__name__}"
        )
    if not isinstance(spec, dict):
        raise TypeError("a Vega-Lite spec is a JSON object")
    return spec


def _frame_of(figure: Any, n_rows: int) -> Any:
    """The DataFrame an Altair chart was made from (itself or its first sub-chart with
    data), when it has the rows Vega draws; else None."""
    from reflow.ui._table import frame_library

    todo = [figure]
    for _ in range(1000):  # a chart is a small tree; never walk forever
        if not todo:
            break
        node = todo.pop(0)
        data = getattr(node, "data", None)
        if data is not None and frame_library(data) is not None and len(data) == n_rows:
            return data
        for key in ("layer", "hconcat", "vconcat", "concat"):
            todo.extend(getattr(node, key, None) or [])
        inner = getattr(node, "spec", None)
        if inner is not None and not isinstance(inner, (str, dict)):
            todo.append(inner)
    return None


class chart(UIElement):
    """A chart whose selection is the value (see the module docstring)."""

    kind = "chart"

    def __init__(self, figure: Any, *, label: str = "", on_change: Callable[[Any], object] | None = None) -> None:
        self._store: Any = None  # the checked selection as JSON (what the page sees)
        if _is_plotly(figure):
            self._library = "plotly"
            self._figure = plotly_sel.figure_json(figure)
            self._traces = plotly_sel.Traces(self._figure)
            mime = plotly_sel.PLOTLY_MIME
            props: dict[str, Any] = {"mime": mime, "spec": self._figure, "params": []}
            empty: Any = []
        else:
            self._library = "vega"
            spec, self._params = vega_sel.prepare(_vega_spec(figure))
            rows = vega_sel.inline_rows(spec)
            if rows is None:
                raise ValueError(
                    "reflow.ui.chart needs the chart's data inline (a DataFrame or values), not a URL, "
                    "to know which rows a selection picks"
                )
            if not self._params:
                raise ValueError(
                    "this chart has no selection to read: add one, e.g. "
                    "chart.add_params(alt.selection_interval()) or alt.selection_point()"
                )
            self._figure = spec
            self._rows = rows
            self._fields = {str(k) for r in rows for k in r}
            self._types = vega_sel.field_types(spec)
            self._frame = _frame_of(figure, len(rows)) if not isinstance(figure, dict) else None
            mime = vega_sel.mime_for(spec)
            props = {"mime": mime, "spec": spec, "params": sorted(self._params)}
            empty = self._select([])
        self._mime = mime
        self._digest = hashlib.sha256(json.dumps(props, sort_keys=True, default=repr).encode()).hexdigest()
        super().__init__(empty, props, label=label, on_change=on_change)
        previous = REGISTRY.previous(self._id)
        if isinstance(previous, chart) and previous._args_key == self._args_key:  # same chart: keep the selection
            self._store, self._value = previous._store, previous._value
            BOOK.carry(self._slot, self._store)  # the base class carried the value before the store was back

    # --- value conversion -------------------------------------------------------------
    def _select(self, positions: list[int]) -> Any:
        if self._frame is not None:
            lib = type(self._frame).__module__
            if lib.startswith("polars"):
                return self._frame[positions] if positions else self._frame.head(0)
            return self._frame.iloc[positions]
        return [self._rows[i] for i in positions]

    def _convert(self, value: Any) -> Any:
        if value is not None and not isinstance(value, dict):
            raise ValueError("a chart selection is an object")
        if self._library == "plotly":
            store = plotly_sel.clean_points(None if value is None else value.get("points"), self._traces)
            self._store = {"points": store} if store else None
            return plotly_sel.points(self._traces, store)
        clean = vega_sel.clean_store(None if value is None else value.get("selections"), self._params, self._fields)
        self._store = {"selections": clean} if clean else None
        return self._select(vega_sel.selected_positions(self._rows, clean, self._types))

    def _to_json(self, value: Any) -> Any:
        return self._store

    def _key(self) -> str:
        return f"chart:{self._digest}:{self._props.get('label', '')}"

    # --- public ---------------------------------------------------------------------------
    @property
    def selections(self) -> dict[str, Any]:
        """The selection as the page made it: ``{param: [entry, ...]}`` (Vega-Lite) or
        ``{"points": [[trace, point], ...]}`` (Plotly); empty when nothing is selected."""
        store = self._store or {}
        return dict(store.get("selections", {})) if self._library == "vega" else dict(store)

    # --- rendering --------------------------------------------------------------------------
    def _payload(self) -> dict[str, Any]:
        """A Plotly figure shown again (its cell re-ran, the notebook reopened) shows the
        points still selected (``selectedpoints``), so what is drawn matches ``value``."""
        payload = super()._payload()
        if self._library == "plotly" and self._store:
            chosen: dict[int, list[int]] = {}
            for curve, index in self._store["points"]:
                chosen.setdefault(curve, []).append(index)
            data = [
                {**trace, "selectedpoints": chosen.get(i, [])} if isinstance(trace, dict) else trace
                for i, trace in enumerate(self._figure["data"])
            ]
            payload["props"] = {**payload["props"], "spec": {**self._figure, "data": data}}
        return payload

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(include, exclude)
        bundle[self._mime] = self._figure  # Jupyter, .ipynb and other readers draw the chart itself
        return bundle

    def _static_html(self) -> str:
        what = "Plotly figure" if self._library == "plotly" else "Vega-Lite chart"
        return f"<em>{html.escape(what)} (interactive in Reflow)</em>"

    def __repr__(self) -> str:
        label = self._props.get("label")
        shown = f" {label!r}" if label else ""
        size = len(self._value) if hasattr(self._value, "__len__") else "?"
        return f"<chart{shown} {self._library} selected={size}>"
