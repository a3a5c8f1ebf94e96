"""Plotly selections as points: the figure's JSON, and the points a selection names.

The page sends only ``[trace, point]`` index pairs (from box / lasso select or a
click); the point's values (x, y, text, customdata, ...) are read here from the
figure itself, so nothing the page says about values is believed. Indices out of
range, wrong types and oversized lists are a ``ValueError``.
"""

from __future__ import annotations

import array
import base64
import json
from collections.abc import Sequence
from typing import Any

PLOTLY_MIME = "application/vnd.plotly.v1+json"
MAX_POINTS = 1_000_000
# per-point arrays a trace may carry, reported for each selected point
POINT_KEYS = ("x", "y", "z", "lat", "lon", "locations", "labels", "values", "text", "hovertext", "ids", "customdata")
_TYPECODES = {"f8": "d", "f4": "f", "i1": "b", "u1": "B", "u1c": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I"}


def figure_json(figure: Any) -> dict[str, Any]:
    """A plotly Figure (or its dict) as plain JSON, box select on by default."""
    if isinstance(figure, dict):
        fig: Any = json.loads(json.dumps(figure))
    else:
        fig = json.loads(figure.to_json())
    if not isinstance(fig, dict) or not isinstance(fig.get("data"), list):
        raise TypeError("a Plotly figure needs a 'data' list of traces")
    layout = fig.setdefault("layout", {})
    if isinstance(layout, dict):
        layout.setdefault("dragmode", "select")  # the chart is an input: dragging selects
        layout.setdefault("clickmode", "event+select")
    return fig


def decode(values: Any) -> Any:
    """Plotly's typed arrays (``{dtype, bdata, shape?}``) as lists; anything else as is."""
    if not (isinstance(values, dict) and "bdata" in values and "dtype" in values):
        return values
    code = _TYPECODES.get(str(values["dtype"]))
    if code is None:
        return []
    arr = array.array(code)
    raw = base64.b64decode(str(values["bdata"]))
    arr.frombytes(raw[: len(raw) - len(raw) % arr.itemsize])
    items = arr.tolist()
    shape = values.get("shape")
    if isinstance(shape, str) and "," in shape:
        cols = int(shape.split(",")[1])
        return [items[i : i + cols] for i in range(0, len(items), cols)]
    return items


class Traces:
    """The figure's per-point arrays, decoded once."""

    def __init__(self, fig: dict[str, Any]) -> None:
        self.traces: list[dict[str, Any]] = []
        for trace in fig["data"]:
            trace = trace if isinstance(trace, dict) else {}
            arrays = {}
            for key in POINT_KEYS:
                v = decode(trace.get(key))
                if isinstance(v, list):
                    arrays[key] = v
            self.traces.append({"name": trace.get("name"), "arrays": arrays, "trace": trace})

    def length(self, curve: int) -> int:
        arrays = self.traces[curve]["arrays"]
        return max((len(v) for v in arrays.values()), default=0)

    def point(self, curve: int, index: int) -> dict[str, Any]:
        t = self.traces[curve]
        out: dict[str, Any] = {"trace": curve, "name": t["name"], "point": index}
        arrays = t["arrays"]
        if "x" not in arrays and "y" in arrays and t["trace"].get("type", "scatter") == "scatter":
            x0, dx = t["trace"].get("x0", 0), t["trace"].get("dx", 1)
            if isinstance(x0, (int, float)) and isinstance(dx, (int, float)):
                out["x"] = x0 + dx * index
        for key, values in arrays.items():
            if index < len(values):
                out[key] = values[index]
        return out


def clean_points(value: Any, traces: Traces) -> list[list[int]]:
    """The page's ``[[trace, point], ...]``, checked against the figure (order kept, no repeats)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_POINTS:
        raise ValueError(f"a Plotly selection is a list of at most {MAX_POINTS:,} [trace, point] pairs")
    seen: set[tuple[int, int]] = set()
    out: list[list[int]] = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(_is_index(i) for i in pair)):
            raise ValueError("a selected point is [trace, point] (two whole numbers)")
        curve, index = pair
        if curve >= len(traces.traces):
            raise ValueError(f"the figure has no trace {curve}")
        if index >= traces.length(curve):
            raise ValueError(f"trace {curve} has no point {index}")
        if (curve, index) not in seen:
            seen.add((curve, index))
            out.append([curve, index])
    return out


def _is_index(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def points(traces: Traces, pairs: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    return [traces.point(c, i) for c, i in pairs]
