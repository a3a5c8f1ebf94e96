"""The places kernels ran lately, and each notebook's chosen place, kept in the user data dir.

``places.json`` beside ``recent.json``: ``{"recent": ["ssh:gpu-box", ...], "notebooks": {path: place}}``
(most recent first; "Run on..." offers them). A notebook whose kernel was moved keeps running there
when it is opened again on this computer; the choice is this user's, not the notebook's (a host
alias means something only in this user's SSH config), so it is not written into the notebook or its
sidecar. The file may be edited by hand or damaged: whatever is not a valid place is dropped, and
an unreadable file counts as empty. Writes are atomic.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from reflow.notebook.atomic import atomic_write_text
from reflow_desktop.recent import data_dir
from reflow_desktop.remote.place import LOCAL, Local, Place, PlaceError, parse_place

log = logging.getLogger(__name__)

MAX_PLACES = 10
MAX_NOTEBOOKS = 500
FILE_NAME = "places.json"


def places_path() -> Path:
    return data_dir() / FILE_NAME


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring the places file: %s", exc)
        return {}
    if isinstance(raw, list):  # the first format: the recent list alone
        return {"recent": raw}
    return raw if isinstance(raw, dict) else {}


def _place_or_none(item: object) -> Place | None:
    try:
        return parse_place(item)
    except PlaceError:
        return None


def recent_places(path: Path | None = None) -> list[Place]:
    """The remote places used lately, most recent first (never ``local``: it is always offered)."""
    items = _read(path or places_path()).get("recent")
    places: list[Place] = []
    for item in items if isinstance(items, list) else []:
        place = _place_or_none(item)
        if place is not None and not isinstance(place, Local) and place not in places:
            places.append(place)
    return places[:MAX_PLACES]


def notebook_place(notebook: Path, path: Path | None = None) -> Place:
    """Where ``notebook``'s kernel was last moved to (``local`` if never, or if that entry is invalid)."""
    notebooks = _read(path or places_path()).get("notebooks")
    item = notebooks.get(str(notebook)) if isinstance(notebooks, dict) else None
    return _place_or_none(item) or LOCAL


def remember_place(place: Place, notebook: Path | None = None, path: Path | None = None) -> list[Place]:
    """Put ``place`` first in the recent list (``local`` is not kept there), note it as ``notebook``'s
    place, and return the recent list."""
    target = path or places_path()
    places = recent_places(target)
    if not isinstance(place, Local):
        places = [place, *(p for p in places if p != place)][:MAX_PLACES]
    raw = _read(target).get("notebooks")
    notebooks: dict[str, str] = {}
    for key, value in raw.items() if isinstance(raw, dict) else ():
        if isinstance(key, str) and isinstance(value, str):
            notebooks[key] = value
    if notebook is not None:
        notebooks.pop(str(notebook), None)
        if not isinstance(place, Local):
            notebooks[str(notebook)] = place.text()  # last, so the oldest go first when there are too many
    notebooks = dict(list(notebooks.items())[-MAX_NOTEBOOKS:])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"recent": [p.text() for p in places], "notebooks": notebooks}, indent=1)
        atomic_write_text(target, text + "\n")
    except OSError as exc:  # a read-only data dir must not stop the kernel from moving
        log.warning("could not save the places: %s", exc)
    return places
