"""Rows for the UI's variables panel: name, type, short repr, who defines and reads it."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass

MAX_REPR = 80

_repr = reprlib.Repr()
_repr.maxstring = MAX_REPR
_repr.maxother = MAX_REPR
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 8


@dataclass(frozen=True)
class VariableInfo:
    name: str
    type_name: str
    repr: str  # at most MAX_REPR characters
    defined_by: str
    used_by: tuple[str, ...]


def short_repr(value: object) -> str:
    """A one-line repr of at most MAX_REPR characters; never raises."""
    try:
        text = _repr.repr(value)
    except Exception as exc:  # user __repr__ may raise anything
        text = f"<{type(value).__name__}: repr failed ({type(exc).__name__})>"
    text = " ".join(text.split())
    if len(text) > MAX_REPR:
        text = text[: MAX_REPR - 1] + "…"
    return text
