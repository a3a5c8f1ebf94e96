"""Vega-Lite selections as rows: the spec's selection params, and which data rows a
selection store from the page picks.

The page sends each selection param's store entries as Vega keeps them (one entry per
clicked point, one per brush): a list of ``{field, type, value}``, ``type`` being
Vega's own letter ("E" for a value or a list of values, "R" an inclusive range, "R-RE"
a bin ``[start, end)``, ...). Everything in it is checked here: unknown params and
fields, wrong types, oversized lists are a ``ValueError``, never a partial value.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterator, Sequence
from typing import Any

JSONDict = dict[str, Any]

VEGA_MIME = "application/vnd.vegalite.v{}+json"
MAX_ENTRIES = 10_000  # store entries per param (each shift-click adds one)
MAX_FIELDS = 32  # fields per entry
MAX_VALUES = 100_000  # values in one "E" list (an interval over a discrete axis)
MAX_TEXT = 100_000  # characters in one value

_RANGE_TYPES = {"R": (True, True), "R-E": (False, False), "R-LE": (False, True), "R-RE": (True, False)}
_TYPES = {"E", *_RANGE_TYPES}
# channels that identify a mark (a click on it selects the rows with its values there)
_IDENTIFYING = (
    "x",
    "y",
    "xOffset",
    "yOffset",
    "color",
    "fill",
    "stroke",
    "shape",
    "size",
    "opacity",
    "detail",
    "theta",
    "radius",
    "latitude",
    "longitude",
    "key",
)


def mime_for(spec: JSONDict) -> str:
    """The Vega-Lite MIME type of the spec's own schema version (v5 when it names none)."""
    m = re.search(r"vega-lite/v(\d+)", str(spec.get("$schema", "")))
    return VEGA_MIME.format(m.group(1) if m else 5)


def _units(spec: Any, inherited: JSONDict | None = None) -> Iterator[tuple[JSONDict, JSONDict]]:
    """Every unit view (a dict with a mark) with its encoding merged over its parents'."""
    if not isinstance(spec, dict):
        return
    encoding = dict(inherited or {})
    if isinstance(spec.get("encoding"), dict):
        encoding.update(spec["encoding"])
    if "mark" in spec:
        yield spec, encoding
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key) or []:
            yield from _units(child, encoding)
    if isinstance(spec.get("spec"), dict):  # facet / repeat
        yield from _units(spec["spec"], encoding)


def _param_holders(spec: Any) -> Iterator[JSONDict]:
    """Every view (at any depth) that declares params."""
    if not isinstance(spec, dict):
        return
    if isinstance(spec.get("params"), list):
        yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key) or []:
            yield from _param_holders(child)
    if isinstance(spec.get("spec"), dict):
        yield from _param_holders(spec["spec"])


def _identifying_channels(units: Sequence[tuple[JSONDict, JSONDict]]) -> list[str]:
    """Channels bound to a plain (not aggregated) field in any of ``units``."""
    out: list[str] = []
    for _unit, encoding in units:
        for channel in _IDENTIFYING:
            fdef = encoding.get(channel)
            if isinstance(fdef, dict) and fdef.get("field") and not fdef.get("aggregate") and channel not in out:
                out.append(channel)
    return out


def prepare(spec: JSONDict) -> tuple[JSONDict, dict[str, str]]:
    """The spec to draw (point selections made to select by field values) and its
    selection params (name -> "point" | "interval").

    A point selection with neither ``fields`` nor ``encodings`` would select by Vega's
    internal row ids; it is projected over the marks' non-aggregated encoded channels
    instead, so a click on a bar selects the rows of that bar. Params bound to the
    scales (zoom and pan) are not selections.
    """
    params: dict[str, str] = {}
    all_units = list(_units(spec))
    for holder in _param_holders(spec):
        units = list(_units(holder)) if "mark" in holder else all_units
        new_params = []
        for param in holder["params"]:
            if not isinstance(param, dict) or "select" not in param or not isinstance(param.get("name"), str):
                new_params.append(param)
                continue
            select = param["select"]
            select = {"type": select} if isinstance(select, str) else dict(select)
            kind = select.get("type")
            if kind not in ("point", "interval") or param.get("bind") == "scales":
                new_params.append(param)
                continue
            if kind == "point" and not select.get("fields") and not select.get("encodings"):
                channels = _identifying_channels(units)
                if channels:
                    select["encodings"] = channels
            params[param["name"]] = kind
            new_params.append({**param, "select": select})
        holder["params"] = new_params
    return spec, params


def inline_rows(spec: JSONDict) -> list[JSONDict] | None:
    """The rows Vega draws: the top-level (or else first) inline dataset."""
    raw = spec.get("datasets")
    datasets: JSONDict = raw if isinstance(raw, dict) else {}

    def rows_of(data: Any) -> list[JSONDict] | None:
        if not isinstance(data, dict):
            return None
        values = data.get("values")
        if values is None and isinstance(data.get("name"), str):
            values = datasets.get(data["name"])
        if isinstance(values, list) and all(isinstance(r, dict) for r in values):
            return values
        return None

    found = rows_of(spec.get("data"))
    if found is not None:
        return found
    for unit, _enc in _units(spec):
        found = rows_of(unit.get("data"))
        if found is not None:
            return found
    return None


def field_types(spec: JSONDict) -> dict[str, str]:
    """Encoded field -> Vega-Lite type ("temporal" matters: the page sends times as ms)."""
    out: dict[str, str] = {}
    for _unit, encoding in _units(spec):
        for fdef in encoding.values():
            if isinstance(fdef, dict) and isinstance(fdef.get("field"), str) and isinstance(fdef.get("type"), str):
                out.setdefault(fdef["field"], fdef["type"])
    return out


# --- checking what the page sent --------------------------------------------------------


def _scalar(v: Any) -> Any:
    if v is None or isinstance(v, bool) or isinstance(v, int):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("selection values must be finite numbers")
        return v
    if isinstance(v, str):
        if len(v) > MAX_TEXT:
            raise ValueError("selection value text is too long")
        return v
    raise ValueError(f"selection values must be numbers, text, true/false or null, not {type(v).__name__}")


def clean_store(value: Any, params: dict[str, str], fields: set[str]) -> dict[str, list[list[JSONDict]]]:
    """The page's ``{param: [entry, ...]}``, each entry ``[{field, type, value}, ...]``, checked."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("a chart selection must be an object of selection params")
    out: dict[str, list[list[JSONDict]]] = {}
    for name, entries in value.items():
        if name not in params:
            raise ValueError(f"the chart has no selection named {str(name)[:80]!r}")
        if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
            raise ValueError(f"selection {name!r}: expected a list of at most {MAX_ENTRIES:,} entries")
        clean_entries = []
        for entry in entries:
            if not isinstance(entry, list) or not 0 < len(entry) <= MAX_FIELDS:
                raise ValueError(f"selection {name!r}: an entry must list 1 to {MAX_FIELDS} fields")
            clean_entries.append([_clean_term(name, term, fields) for term in entry])
        if clean_entries:
            out[name] = clean_entries
    return out


def _clean_term(name: str, term: Any, fields: set[str]) -> JSONDict:
    if not isinstance(term, dict) or set(term) - {"field", "type", "value"}:
        raise ValueError(f"selection {name!r}: a term is {{field, type, value}}")
    field, kind, value = term.get("field"), term.get("type"), term.get("value")
    if not isinstance(field, str) or field not in fields:
        raise ValueError(f"selection {name!r}: {str(field)[:80]!r} is not a field of the chart's data")
    if kind not in _TYPES:
        raise ValueError(f"selection {name!r}: unknown selection type {str(kind)[:20]!r}")
    if kind == "E":
        if isinstance(value, list):
            if len(value) > MAX_VALUES:
                raise ValueError(f"selection {name!r}: more than {MAX_VALUES:,} values")
            value = [_scalar(v) for v in value]
        else:
            value = _scalar(value)
    else:
        if not (isinstance(value, list) and len(value) == 2):
            raise ValueError(f"selection {name!r}: a range is [low, high]")
        lo, hi = (_scalar(v) for v in value)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi)):
            raise ValueError(f"selection {name!r}: a range's ends must be numbers")
        value = [min(lo, hi), max(lo, hi)]
    return {"field": field, "type": kind, "value": value}


# --- matching rows ----------------------------------------------------------------------


def _epoch_ms(v: Any) -> Any:
    """A row's time as the page compares it: ms since the epoch (Vega parses ISO text
    without a zone as local time, a bare date as UTC, like the browser on this machine)."""
    if isinstance(v, str):
        try:
            if len(v) == 10:
                d = _dt.datetime.fromisoformat(v).replace(tzinfo=_dt.UTC)
            else:
                d = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return v
        return d.timestamp() * 1000
    return v


def _matches(v: Any, kind: str, value: Any) -> bool:
    if kind == "E":
        if isinstance(value, list):
            return any(_equal(v, x) for x in value)
        return _equal(v, value)
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    lo_in, hi_in = _RANGE_TYPES[kind]
    lo, hi = value
    return bool(lo <= v if lo_in else lo < v) and bool(v <= hi if hi_in else v < hi)


def _equal(a: Any, b: Any) -> bool:
    return bool(a == b) and isinstance(a, bool) == isinstance(b, bool)


def selected_positions(
    rows: Sequence[JSONDict], store: dict[str, list[list[JSONDict]]], types: dict[str, str]
) -> list[int]:
    """Rows in every active selection (a param selects the union of its entries)."""
    if not store:
        return []
    columns: dict[str, list[Any]] = {}
    keep: list[int] | None = None
    for entries in store.values():
        picked: set[int] = set()
        for entry in entries:
            hits = set(range(len(rows))) if keep is None else set(keep)
            for term in entry:
                field = term["field"]
                if field not in columns:
                    col = [r.get(field) for r in rows]
                    columns[field] = [_epoch_ms(v) for v in col] if types.get(field) == "temporal" else col
                col = columns[field]
                hits = {i for i in hits if _matches(col[i], term["type"], term["value"])}
            picked |= hits
        keep = sorted(picked)
    return keep or []
