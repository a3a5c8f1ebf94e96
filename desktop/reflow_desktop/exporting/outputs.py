"""The output shapes exporters consume: protocol ``Output`` dicts keyed by cell id.

Kept in one place so the ipynb and HTML exporters agree on what a cell's
outputs are, whether they came from the sidecar, a fresh run or a caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Output = dict[str, Any]  # {kind: "data", data} | {kind: "stream", name, text} | {kind: "error", error}
CellOutputs = Mapping[str, Sequence[Output]]


def stream(name: str, text: str) -> Output:
    """A stream output (stdout / stderr)."""
    return {"kind": "stream", "name": name, "text": text}


def data(bundle: Mapping[str, Any]) -> Output:
    """A rich output: a MIME bundle."""
    return {"kind": "data", "data": dict(bundle)}


def error(
    message: str,
    *,
    ename: str | None = None,
    traceback: str | None = None,
    kind: str = "exception",
    cells: Sequence[str] = (),
) -> Output:
    """An error output in the protocol's CellError shape."""
    return {
        "kind": "error",
        "error": {"kind": kind, "message": message, "ename": ename, "traceback": traceback, "cells": list(cells)},
    }
