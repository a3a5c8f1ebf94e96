"""Stored outputs cannot reach the app (issue 15, item 2): an attacker's sidecar in Chromium.

The notebook folder ships ``__reflow__/nb.py.json`` whose stored ``text/html`` output is
``<img src=x onerror=...>``: the handler opens a WebSocket to the app with whatever
credentials the page holds (the token in sessionStorage, the cookie) and asks it to run
every cell. The notebook is lazy and nothing runs on open, so a marker file written by
its second cell can only appear if the attack worked.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reflow.notebook import parse_notebook
from reflow_desktop.sidecar.format import code_hash

from .conftest import WAIT_MS, cell, export_html, open_notebook

pytestmark = pytest.mark.e2e


def attack_payload_js(report: str | None = None) -> str:
    """Open the app's WebSocket with the page's credentials and run every cell (single quotes only).

    ``document.baseURI`` names the app page even inside a srcdoc frame, so the attacker
    needs to know nothing; ``report`` names a function called with "open" or "refused".
    """
    call = f"{report}(r)" if report else ""
    return (
        "var b=new window.URL(document.baseURI),m=b.pathname.match(/\\/s\\/([^\\/]+)/),t=null;"
        "try{t=sessionStorage.getItem('reflow.token')}catch(e){}"
        "var u='ws://'+b.host+'/ws/'+(m?m[1]:'')+(t?'?token='+encodeURIComponent(t):'');"
        f"var fin=function(r){{try{{window.__attack_done=r}}catch(e){{}}{call}}};"
        "var w=new WebSocket(u);"
        "w.onopen=function(){fin('open')};"
        "w.onmessage=function(e){if(/kernel.{0,20}idle/.test(e.data)&&!w.ran){w.ran=1;w.send(JSON.stringify({type:'run_all'}))}};"
        "w.onerror=function(){fin('refused')};"
    )


def notebook_text(marker: Path) -> str:
    return (
        "# /// script\n"
        '# requires-python = ">=3.11"\n'
        "# [tool.reflow]\n"
        '# runtime = "lazy"\n'
        "# ///\n\n"
        "# %%\n"
        'report = "<b>report</b>"\n\n'
        "# %%\n"
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('the stored output ran this cell')\n"
    )


def write_hostile_sidecar(nb: Path) -> None:
    """What an attacker puts beside the notebook: a stored HTML output with an inline handler."""
    cells = parse_notebook(nb.read_text(encoding="utf-8")).cells
    payload = f'<p id="stored">stored report</p><img src=x onerror="{attack_payload_js()}">'
    records = [
        {
            "code_hash": code_hash(c.source),
            "status": "idle",
            "outputs": [{"kind": "data", "data": {"text/html": payload}}] if i == 0 else [],
            "ran_at": None,
        }
        for i, c in enumerate(cells)
    ]
    side = nb.parent / "__reflow__"
    side.mkdir(exist_ok=True)
    doc = {"version": 1, "notebook": nb.name, "cells": records, "ui_values": {}}
    (side / f"{nb.name}.json").write_text(json.dumps(doc), encoding="utf-8")


def wait_for_file(path: Path, timeout: float) -> bool:
    """Whether ``path`` appears within ``timeout`` seconds (only used to report a breach)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and not path.exists():
        time.sleep(0.1)
    return path.exists()


def test_stored_html_output_cannot_run_cells(serve, page, tmp_path):
    marker = tmp_path / "PWNED"
    nb = tmp_path / "nb.py"
    nb.write_text(notebook_text(marker), encoding="utf-8")
    write_hostile_sidecar(nb)
    server = serve(nb.read_text(encoding="utf-8"))  # same text: the fixture rewrites nb.py
    page.goto(server.url)
    page.wait_for_selector(".cell")
    # Either the attack worked (the marker appears) or the output is shown in its frame.
    page.wait_for_function(
        "() => window.__attack_done || document.querySelector('.output-html iframe[data-sized]')",
        timeout=WAIT_MS,
        polling=100,
    )
    attack = page.evaluate("() => window.__attack_done ?? null")
    if attack == "open":  # it got in: show that the hidden cell really ran
        ran = wait_for_file(marker, 60)
        pytest.fail(f"a stored output's inline handler opened the app's WebSocket (hidden cell ran: {ran})")
    assert attack is None, f"a stored output's inline handler ran in the app page: {attack}"
    frame_el = cell(page, 1).locator(".output-html iframe")
    expect(frame_el).to_have_count(1)
    sandbox = frame_el.get_attribute("sandbox") or ""
    assert sandbox.split() == ["allow-scripts"], sandbox  # no allow-same-origin: an opaque origin
    # the stored report is visible, sanitised: the handler is gone
    inner = page.frame_locator(".output-html iframe").first
    expect(inner.locator("#stored")).to_have_text("stored report")
    expect(inner.locator("img[onerror]")).to_have_count(0)
    # Even a script that does run inside the frame reaches nothing of the app.
    frame = next(f for f in page.frames if f.parent_frame is not None and f.url == "about:srcdoc")
    reach = frame.evaluate(
        """() => {
        const r = {};
        try { r.cookie = document.cookie; } catch (e) { r.cookie = 'blocked'; }
        try { r.storage = sessionStorage.getItem('reflow.token'); } catch (e) { r.storage = 'blocked'; }
        try { r.parent = String(parent.document.title); } catch (e) { r.parent = 'blocked'; }
        return r;
    }"""
    )
    assert reach == {"cookie": "blocked", "storage": "blocked", "parent": "blocked"}
    outcome = frame.evaluate(f"() => new Promise((done) => {{ {attack_payload_js(report='done')} }})")
    assert outcome == "refused", outcome
    assert not marker.exists()
    # the app's own page has a strict policy: no inline script ran, the cell is still unrun
    assert page.evaluate("() => window.__attack_done === undefined")
    expect(cell(page, 2).locator(".outputs")).to_have_count(0)


LIVE_HTML = """\
# %%
from IPython.display import HTML
HTML('<table id="t"><tr><td>42</td></tr></table>' + '<p>row</p>' * 20)
"""


def test_live_and_exported_html_outputs_render_in_sized_frames(serve, page, tmp_path):
    server = serve(LIVE_HTML)
    open_notebook(page, server)
    expect(page.frame_locator(".output-html iframe").locator("#t")).to_contain_text("42")
    frame_el = page.locator(".output-html iframe[data-sized]")
    expect(frame_el).to_have_count(1)
    assert frame_el.bounding_box()["height"] > 200  # sized to its 21 lines, not the 24 px default
    out = export_html(page)
    exported = page.context.new_page()
    errors: list[str] = []
    exported.on("pageerror", lambda e: errors.append(str(e)))
    exported.goto(out.as_uri())
    expect(exported.frame_locator(".output-html iframe").locator("#t")).to_contain_text("42")
    sized = exported.locator(".output-html iframe[data-sized]")
    expect(sized).to_have_count(1)  # the export's CSP allows the sizer by its hash
    assert sized.bounding_box()["height"] > 200
    assert sized.get_attribute("sandbox") == "allow-scripts"
    assert not errors
