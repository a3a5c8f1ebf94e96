"""A message for a page as JSON text: orjson where it can, the standard library where it cannot.

Every output a kernel sends reaches the page through here; 100,000 printed lines are ~2 MB, which
``json.dumps`` encodes in ~4 ms and orjson in a tenth of that. orjson also writes a NaN or an
infinity as ``null`` where ``json.dumps`` writes ``NaN``, which the page's ``JSON.parse`` refuses
(the whole message lost). An integer beyond 64 bits, which orjson refuses, takes the standard
encoder, with non-finite floats made ``null`` the same way.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def encode(msg: dict[str, Any]) -> bytes:
    """UTF-8 JSON text of ``msg``; what JSON cannot hold is its ``str()`` (as before)."""
    try:
        return orjson.dumps(msg, default=str, option=_OPTIONS)
    except TypeError:  # an integer past 64 bits, a subclass orjson refuses...
        return json.dumps(_finite(msg), separators=(",", ":"), default=str, allow_nan=False).encode()


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float as ``None`` (the standard encoder would write ``NaN``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
