"""``POST /s/SESSION/pop-out``: the page asks the desktop app for a pop-out window (issue 20 item 6).

The window shows the UI's page mode ``?view=cell&cell=ID[&output=N]`` (ui/src/popout/): one more
page on the session, under the same token rules as any page. In a browser the page opens that itself
(window.open); inside the desktop app pywebview keeps pages from opening windows, so the page posts
here: ``PopOutHandler`` (server/app.py) checks the body with this module and hands the request to
the shell (``ReflowServer.native_popout``, set by shell/popout.py). A bad body is a 400.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

MAX_CELL_ID = 200  # session cell ids are short; anything longer is not one
MAX_OUTPUT = 100_000
MIN_SIZE = (240, 120)
MAX_SIZE = (4000, 3000)


@dataclass(frozen=True)
class PopoutRequest:
    """What the page asked to pop out, checked: a cell id, an output index or None (all), a size."""

    cell: str
    output: int | None
    width: int
    height: int


def _clamp(value: object, lo: int, hi: int, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:  # bool, NaN, not a number
        return default
    return int(min(hi, max(lo, value)))


def checked_request(cell: object, output: object, width: object, height: object) -> PopoutRequest:
    """The page's values as a request; ValueError names what is wrong (a page's values are not trusted)."""
    if not isinstance(cell, str) or not cell or len(cell) > MAX_CELL_ID:
        raise ValueError("pop out: the cell id must be a non-empty string")
    if output is not None and (
        isinstance(output, bool) or not isinstance(output, int) or not 0 <= output <= MAX_OUTPUT
    ):
        raise ValueError("pop out: the output must be an output index or null")
    return PopoutRequest(
        cell,
        output,
        _clamp(width, MIN_SIZE[0], MAX_SIZE[0], 480),
        _clamp(height, MIN_SIZE[1], MAX_SIZE[1], 320),
    )


def request_from_body(body: bytes) -> PopoutRequest:
    """The request a page's POST body names: a JSON object ``{"cell", "output", "width", "height"}``."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError) as exc:
        raise ValueError("pop out: the body is not JSON") from exc
    if not isinstance(data, dict):
        raise ValueError("pop out: the body must be a JSON object")
    return checked_request(data.get("cell"), data.get("output"), data.get("width"), data.get("height"))


def popout_url(session_url: str, request: PopoutRequest) -> str:
    """The pop-out page's address: the session's page address (token included) plus the page mode."""
    params: dict[str, str] = {"view": "cell", "cell": request.cell}
    if request.output is not None:
        params["output"] = str(request.output)
    return f"{session_url}{'&' if '?' in session_url else '?'}{urlencode(params)}"
