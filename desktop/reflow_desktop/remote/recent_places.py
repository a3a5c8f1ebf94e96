"""The places a kernel ran lately ("Run on..." offers them first), kept in the user data dir.

``places.json`` beside ``recent.json``: a JSON list of place texts (``ssh:gpu-box``), most recent
first. The file may be edited by hand or damaged: whatever is not a valid place is dropped, and an
unreadable file is an empty list. Writes are atomic.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from reflow.notebook.atomic import atomic_write_text
from reflow_desktop.recent import data_dir
from reflow_desktop.remote.place import Local, Place, PlaceError, parse_place

log = logging.getLogger(__name__)

MAX_PLACES = 10
FILE_NAME = "places.json"


def places_path() -> Path:
    return data_dir() / FILE_NAME


def recent_places(path: Path | None = None) -> list[Place]:
    """The remote places used lately, most recent first (never ``local``: it is always offered)."""
    try:
        raw = json.loads((path or places_path()).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("ignoring the recent places file: %s", exc)
        return []
    places: list[Place] = []
    for item in raw if isinstance(raw, list) else []:
        try:
            place = parse_place(item)
        except PlaceError:
            continue
        if not isinstance(place, Local) and place not in places:
            places.append(place)
    return places[:MAX_PLACES]


def remember_place(place: Place, path: Path | None = None) -> list[Place]:
    """Put ``place`` first in the list (``local`` is not kept) and return the list."""
    places = recent_places(path)
    if not isinstance(place, Local):
        places = [place, *(p for p in places if p != place)][:MAX_PLACES]
        target = path or places_path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, json.dumps([p.text() for p in places], indent=1) + "\n")
        except OSError as exc:  # a read-only data dir must not stop the kernel from moving
            log.warning("could not save the recent places: %s", exc)
    return places
