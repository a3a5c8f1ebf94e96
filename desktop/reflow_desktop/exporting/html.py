"""Notebook → ONE self-contained HTML page that works offline.

The page is the UI's static entry (``ui/src/static.tsx``, built by
``npm run build:static`` to ``ui/build/export/``) inlined as one script and one
stylesheet, plus the notebook as JSON in ``<script type="application/json"
id="reflow-state">``. Images are already data (base64 in the MIME bundles). A
Content-Security-Policy that allows no network source at all guarantees that
opening the file never makes a request, even for an output that links out.
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from reflow_desktop import resources
from reflow.notebook import Notebook

from .outputs import CellOutputs

BUNDLE_JS = "reflow-export.js"
BUNDLE_CSS = "reflow-export.css"


class BundleMissingError(RuntimeError):
    """The static UI bundle has not been built."""


def bundle_dir() -> Path:
    """``ui/build/export`` in a checkout, else the copy packaged as reflow_desktop/static/export."""
    for candidate in resources.export_bundle_candidates():
        if (candidate / BUNDLE_JS).is_file() and (candidate / BUNDLE_CSS).is_file():
            return candidate
    raise BundleMissingError("the HTML export needs the UI's static bundle: run `npm run build` "
                             "(or `npm run build:static`) in ui/")


@lru_cache(maxsize=4)
def _bundle(directory: str, mtimes: tuple[float, float]) -> tuple[str, str, str]:
    """(js, css, CSP hash of the script); cached per build (keyed on mtimes)."""
    d = Path(directory)
    js = (d / BUNDLE_JS).read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (d / BUNDLE_CSS).read_text(encoding="utf-8").replace("</style", "<\\/style")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    return js, css, f"'sha256-{digest}'"


def load_bundle() -> tuple[str, str, str]:
    d = bundle_dir()
    return _bundle(str(d), ((d / BUNDLE_JS).stat().st_mtime, (d / BUNDLE_CSS).stat().st_mtime))


def page_state(nb: Notebook, outputs: CellOutputs, *, name: str, hide_code: bool,
               states: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON the static page renders: cells with code, options, outputs, errors."""
    cells = []
    for cell in nb.cells:
        st = (states or {}).get(cell.id) or {}
        item: dict[str, Any] = {"id": cell.id, "kind": cell.kind, "code": cell.source,
                                "options": cell.options}
        if cell.kind == "code":
            item["outputs"] = list(outputs.get(cell.id) or ())
            item["status"] = st.get("status", "idle")
            item["errors"] = list(st.get("errors") or ())
        cells.append(item)
    return {"version": 1, "name": name, "hide_code": hide_code, "cells": cells,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _state_json(state: dict[str, Any]) -> str:
    """JSON safe inside <script>: no ``<`` (so no ``</script>``), no line separators."""
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"), default=str)
    return (text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _csp(script_hash: str) -> str:
    return ("default-src 'none'; "
            f"script-src {script_hash}; "
            "style-src 'unsafe-inline'; "
            "img-src data: blob:; font-src data:; media-src data: blob:; "
            "connect-src 'none'; frame-src 'none'; object-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def render_html(nb: Notebook, outputs: CellOutputs | None = None, *, name: str = "notebook",
                hide_code: bool = False, states: dict[str, Any] | None = None) -> str:
    """The whole page as text (raises BundleMissingError if the UI bundle is not built)."""
    js, css, script_hash = load_bundle()
    state = page_state(nb, outputs or {}, name=name, hide_code=hide_code, states=states)
    title = _html.escape(name)
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_csp(script_hash)}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"color-scheme\" content=\"light dark\">\n"
        "<meta name=\"generator\" content=\"Reflow\">\n"
        f"<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n"
        "<div id=\"app\"></div>\n"
        f"<script type=\"application/json\" id=\"reflow-state\">{_state_json(state)}</script>\n"
        f"<script>{js}</script>\n</body>\n</html>\n"
    )


def write_html(nb: Notebook, path: str | Path, outputs: CellOutputs | None = None, **kwargs: Any) -> None:
    """Export to ``path`` atomically."""
    from reflow.notebook import atomic_write_text

    atomic_write_text(Path(path), render_html(nb, outputs, **kwargs))
