"""Notebook → ONE self-contained HTML page that works offline.

The page is the UI's static entry (``ui/src/static.tsx``, built by
``npm run build:static`` to ``ui/build/export/``) inlined as one script and one
stylesheet, plus the notebook as JSON in ``<script type="application/json"
id="reflow-state">``. Images are already data (base64 in the MIME bundles). A
Content-Security-Policy that allows no network source at all guarantees that
opening the file never makes a request, even for an output that links out.

Chart libraries (Vega/Vega-Lite, Plotly) are built as separate scripts
(``reflow-export-vega.js``, ``reflow-export-plotly.js``) and inlined only into
pages whose outputs have such charts, before the main script; every inlined
script is allowed by its own hash in the CSP. KaTeX (``reflow-export-math.js``, its
fonts inlined) likewise goes only into pages whose markdown has math.
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from reflow.notebook import Notebook
from reflow_desktop import resources
from reflow_desktop.secrets.exports import notebook_mask
from reflow_desktop.server.csp import script_hashes
from reflow_desktop.session.widget_comms import has_module_code

from .outputs import CellOutputs

BUNDLE_JS = "reflow-export.js"
BUNDLE_CSS = "reflow-export.css"
# chart library -> (its script in the bundle dir, what in the page's outputs needs it)
CHART_BUNDLES: dict[str, tuple[str, re.Pattern[str]]] = {
    "vega": ("reflow-export-vega.js", re.compile(r'"application/vnd\.vega(?:lite)?\.v\d+(?:\.\d+)*\+json"')),
    "plotly": ("reflow-export-plotly.js", re.compile(r'"application/vnd\.plotly\.v1\+json"')),
}
MATH_BUNDLE = "reflow-export-math.js"
# Jupyter widgets (ui/src/jupyterWidgets): the manager and the widgets' last state, only in pages that show one
WIDGETS_BUNDLE = "reflow-export-widgets.js"
WIDGET_VIEW = re.compile(r'"application/vnd\.jupyter\.widget-view\+json"')
# `$$...$$` or `$...$` as the UI's marked extension reads them (ui/src/math/syntax.ts), loosely:
# a page that may have math gets KaTeX, one that surely has none does not
_MATH = re.compile(r"\$\$.+?\$\$|(?<!\\)\$(?![\s$\d])[^$`]{1,4000}?(?<![\s\\])\$(?!\d)", re.DOTALL)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)  # dollars in code are not math


def _has_math(text: str) -> bool:
    return _MATH.search(_CODE.sub("", text)) is not None


class BundleMissingError(RuntimeError):
    """The static UI bundle has not been built."""


def bundle_dir() -> Path:
    """``ui/build/export`` in a checkout, else the copy packaged as reflow_desktop/static/export."""
    for candidate in resources.export_bundle_candidates():
        if (candidate / BUNDLE_JS).is_file() and (candidate / BUNDLE_CSS).is_file():
            return candidate
    raise BundleMissingError(
        "the HTML export needs the UI's static bundle: run `npm run build` (or `npm run build:static`) in ui/"
    )


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


@lru_cache(maxsize=8)
def _script(path: str, mtime: float) -> tuple[str, str]:
    """(js, CSP hash) of one inlined script; cached per build."""
    js = Path(path).read_text(encoding="utf-8").replace("</script", "<\\/script")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    return js, f"'sha256-{digest}'"


def charts_in(state_json: str) -> list[str]:
    """The chart libraries (``CHART_BUNDLES`` keys) the page's outputs need."""
    return [name for name, (_file, pattern) in CHART_BUNDLES.items() if pattern.search(state_json)]


def math_in(state: dict[str, Any]) -> bool:
    """Whether the page's markdown (cells, markdown outputs) may have math for KaTeX."""
    for cell in state.get("cells") or ():
        if cell.get("kind") == "markdown" and _has_math(str(cell.get("code") or "")):
            return True
        for output in cell.get("outputs") or ():
            text = json.dumps(output, ensure_ascii=False) if isinstance(output, dict) else ""
            if ("text/markdown" in text or "vnd.reflow.md" in text) and _has_math(text):
                return True
    return False


def load_chart_scripts(names: list[str]) -> list[tuple[str, str]]:
    """(js, CSP hash) for each named chart library; one not built is left out (the
    page then says the chart could not be drawn)."""
    d = bundle_dir()
    scripts = []
    for name in names:
        own = {"math": MATH_BUNDLE, "widgets": WIDGETS_BUNDLE}
        f = d / (own[name] if name in own else CHART_BUNDLES[name][0])
        if f.is_file():
            scripts.append(_script(str(f), f.stat().st_mtime))
    return scripts


def unreported_errors(static: Iterable[Any], outputs: Iterable[Any]) -> list[Any]:
    """A cell's static errors less those its run also reported as an error output (a syntax
    error is both): the page shows each error once, as the app does."""
    reported = {
        (o["error"].get("kind"), o["error"].get("message"))
        for o in outputs
        if isinstance(o, Mapping) and o.get("kind") == "error" and isinstance(o.get("error"), Mapping)
    }
    return [e for e in static if not (isinstance(e, Mapping) and (e.get("kind"), e.get("message")) in reported)]


def page_state(
    nb: Notebook, outputs: CellOutputs, *, name: str, hide_code: bool, states: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON the static page renders: cells with code, options, outputs, errors."""
    cells = []
    for cell in nb.cells:
        st = (states or {}).get(cell.id) or {}
        item: dict[str, Any] = {"id": cell.id, "kind": cell.kind, "code": cell.source, "options": cell.options}
        if cell.kind == "code":
            item["outputs"] = list(outputs.get(cell.id) or ())
            item["status"] = st.get("status", "idle")
            item["errors"] = unreported_errors(st.get("errors") or (), item["outputs"])
        cells.append(item)
    return {
        "version": 1,
        "name": name,
        "hide_code": hide_code,
        "cells": cells,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _state_json(state: dict[str, Any]) -> str:
    """JSON safe inside <script>: no ``<`` (so no ``</script>``), no line separators."""
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _csp(*script_hashes: str) -> str:
    return (
        "default-src 'none'; "
        f"script-src {' '.join(script_hashes)}; "
        "style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; media-src data: blob:; "
        "connect-src 'none'; frame-src 'none'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(
    nb: Notebook,
    outputs: CellOutputs | None = None,
    *,
    name: str = "notebook",
    hide_code: bool = False,
    states: dict[str, Any] | None = None,
    widgets: dict[str, Any] | None = None,
) -> str:
    """The whole page as text (raises BundleMissingError if the UI bundle is not built).

    ``widgets``: the Jupyter widget state document of the session (its models' last state),
    embedded when an output shows a widget; the page renders them read-only, offline.
    """
    js, css, script_hash = load_bundle()
    mask = notebook_mask(nb)  # [tool.reflow] secrets: masked again, from the keychain (secrets/exports.py)
    outputs, states, widgets = mask.message(outputs), mask.message(states), mask.message(widgets)
    state = page_state(nb, outputs or {}, name=name, hide_code=hide_code, states=states)
    has_widgets = bool(widgets and widgets.get("state")) and WIDGET_VIEW.search(_state_json(state)) is not None
    if has_widgets:
        state["widgets"] = widgets
    state_json = _state_json(state)
    extra = (["math"] if math_in(state) else []) + (["widgets"] if has_widgets else [])
    charts = load_chart_scripts(charts_in(state_json) + extra)
    frame_hashes = script_hashes(bundle_dir())  # the sandboxed output frames' sizer (they inherit this CSP)
    # anywidget modules (notebook code in the widget state) are imported from blob: URLs offline
    module_blobs = ["blob:"] if has_widgets and has_module_code(widgets) else []
    csp = _csp(*(h for _j, h in charts), script_hash, *frame_hashes, *module_blobs)
    chart_tags = "".join(f"<script>{cjs}</script>\n" for cjs, _h in charts)
    title = _html.escape(name)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta name="generator" content="Reflow">\n'
        f"<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n"
        '<div id="app"></div>\n'
        f'<script type="application/json" id="reflow-state">{state_json}</script>\n'
        f"{chart_tags}<script>{js}</script>\n</body>\n</html>\n"
    )


def write_html(nb: Notebook, path: str | Path, outputs: CellOutputs | None = None, **kwargs: Any) -> None:
    """Export to ``path`` atomically."""
    from reflow.notebook import atomic_write_text

    atomic_write_text(Path(path), render_html(nb, outputs, **kwargs))
