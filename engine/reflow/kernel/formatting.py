"""Turn Python values and errors into the protocol's JSON shapes.

Values go through IPython's ``DisplayFormatter`` (so ``_repr_html_``, PNG/SVG
formatters, pandas, matplotlib's inline formatter all work) and the result is
made JSON-safe the same way ipykernel does for display_data.
"""

from __future__ import annotations

import dataclasses
import reprlib
from typing import Any

from ipykernel.jsonutil import encode_images, json_clean

_preview = reprlib.Repr()
_preview.maxstring = 60
_preview.maxother = 60
_preview.maxlist = _preview.maxtuple = _preview.maxdict = _preview.maxset = 6


def mime_bundle(shell: Any, value: object) -> dict[str, Any]:
    """Format ``value`` as a MIME bundle; falls back to repr() if a formatter breaks."""
    try:
        data, _metadata = shell.display_formatter.format(value)
    except Exception:  # a user's broken _repr_*_ must not break the run
        data = {}
    if not data:
        try:
            data = {"text/plain": repr(value)}
        except Exception as exc:
            data = {"text/plain": f"<unrepresentable {type(value).__name__}: {exc!r}>"}
    return dict(clean(encode_images(data)))  # type: ignore[no-untyped-call]  # ipykernel ships no annotations


def clean(obj: Any) -> Any:
    """JSON-safe copy (bytes become base64, like ipykernel does)."""
    return json_clean(obj)  # type: ignore[no-untyped-call]  # ipykernel ships no annotations


def error_dict(error: Any) -> dict[str, Any]:
    """A runtime CellError (dataclass) or a dict -> the protocol's CellError."""
    if dataclasses.is_dataclass(error) and not isinstance(error, type):
        d = dataclasses.asdict(error)
    elif isinstance(error, dict):
        d = dict(error)
    else:
        d = {"kind": "exception", "message": str(error)}
    d["cells"] = list(d.get("cells") or ())
    d.setdefault("kind", "exception")
    d.setdefault("message", "")
    return dict(clean(d))


def preview(value: object) -> str:
    """A short one-line description of a value for the variables panel."""
    try:
        text = _preview.repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text.replace("\n", " ")[:80]


def type_name(value: object) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__.split('.')[0]}.{t.__qualname__}"
