"""HTML export: one self-contained file; opened offline in Chromium it shows the outputs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip

from reflow.notebook import parse_notebook
from reflow_desktop.exporting.html import BundleMissingError, load_bundle, page_state, render_html
from reflow_desktop.exporting.outputs import data, error, stream

# a 4x4 red PNG
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP4z8CAB+GTG8HSALfKY52fTcuYAAAAAElFTkSuQmCC"

NOTEBOOK = f'''# %% [markdown]
# # Offline report
#
# Text, an image and a table.

# %%
import base64
print("hello from stdout")
answer = 6 * 7
answer

# %%
class Picture:
    def _repr_png_(self):
        return base64.b64decode("{PNG}")

Picture()

# %%
class Table:
    def _repr_html_(self):
        rows = "".join(f"<tr><td>{{i}}</td><td>{{i * i}}</td></tr>" for i in range(3))
        return f"<table class='squares'><thead><tr><th>n</th><th>n²</th></tr></thead><tbody>{{rows}}</tbody></table>"

Table()

# %% hide_code=true
secret_code_marker = 1
print("visible output of a hidden cell")

# %%
1 / 0
'''


def _bundle_or_skip() -> None:
    try:
        load_bundle()
    except BundleMissingError:
        pytest.skip("ui/build/export is not built (npm run build in ui/)")


def test_page_is_one_file_with_state_and_no_external_references():
    _bundle_or_skip()
    nb = parse_notebook("# %%\nx = '</script><script>alert(1)</script>'\nx\n")
    outs = {nb.cells[0].id: [data({"text/plain": "'</script><script>alert(1)</script>'"})]}
    page = render_html(nb, outs, name="t.py")
    assert page.count("<script") == 2  # the state and the bundle, nothing injected
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"<link\b", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    state_text = page.split('id="reflow-state">', 1)[1].split("</script>", 1)[0]
    state = json.loads(state_text)
    assert state["cells"][0]["outputs"][0]["data"]["text/plain"].startswith("'</script>")


def test_bundle_cannot_break_out_of_its_script_tag():
    _bundle_or_skip()
    js, css, _ = load_bundle()
    assert "</script" not in js.lower() and "<script" not in js.lower()
    assert "</style" not in css.lower()
    assert "url(http" not in css and "@import" not in css


def test_page_state_carries_code_options_outputs():
    nb = parse_notebook("# %% [markdown]\n# hi\n\n# %% hide_code=true\nx = 1\nprint(x)\n")
    state = page_state(nb, {nb.cells[1].id: [stream("stdout", "1\n"), error("boom")]}, name="n.py", hide_code=False)
    assert state["cells"][0] == {"id": nb.cells[0].id, "kind": "markdown", "code": "hi", "options": {}}
    assert state["cells"][1]["options"] == {"hide_code": True}
    assert [o["kind"] for o in state["cells"][1]["outputs"]] == ["stream", "error"]


def _export(tmp_path: Path, *extra: str) -> Path:
    nb = tmp_path / "report.py"
    nb.write_text(NOTEBOOK)
    out = tmp_path / ("report" + "-".join(extra) + ".html")
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "html", str(nb), "-o", str(out), "--run", *extra],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def _open_offline(path: Path, check):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium_or_skip()
    url = path.resolve().as_uri()
    attempted: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on("request", lambda r: attempted.append(r.url))

            def route(r):
                if r.request.url == url:
                    r.continue_()
                else:
                    r.abort()

            context.route("**/*", route)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector("html[data-ready='1']")
            check(page)
            assert errors == []
        finally:
            browser.close()
    assert [u for u in attempted if u != url] == [], attempted


@pytest.mark.e2e
def test_offline_html_shows_text_image_table_and_error(tmp_path: Path):
    _bundle_or_skip()
    out = _export(tmp_path)

    def check(page):
        assert page.locator(".markdown h1").inner_text() == "Offline report"
        text = page.locator(".outputs").all_inner_texts()
        joined = "\n".join(text)
        assert "hello from stdout" in joined and "42" in joined
        img = page.locator("img.output-image")
        assert img.count() == 1
        assert img.get_attribute("src").startswith("data:image/png;base64,")
        assert img.evaluate("el => el.complete && el.naturalWidth") == 4
        table = page.frame_locator(".output-html iframe").first.locator("table.squares")  # a sandboxed frame
        pytest.importorskip("playwright.sync_api").expect(table.locator("tbody tr")).to_have_count(3)
        assert table.locator("tbody tr").nth(2).inner_text().split() == ["2", "4"]
        assert "ZeroDivisionError" in page.locator(".error-box").inner_text()
        assert "import base64" in page.locator(".code-static").first.inner_text()
        assert "secret_code_marker" not in page.locator("main").inner_text()  # hide_code cell
        assert "visible output of a hidden cell" in joined

    _open_offline(out, check)


@pytest.mark.e2e
def test_offline_html_hide_code_shows_outputs_only(tmp_path: Path):
    _bundle_or_skip()
    out = _export(tmp_path, "--hide-code")

    def check(page):
        main = page.locator("main").inner_text()
        assert "import base64" not in main and "class Table" not in main
        assert "hello from stdout" in main
        table = page.frame_locator(".output-html iframe").first.locator("table.squares")  # a sandboxed frame
        pytest.importorskip("playwright.sync_api").expect(table).to_have_count(1)

    _open_offline(out, check)


def test_page_state_shows_a_syntax_error_once():
    """The session keeps the static syntax error and the run reported it too (issue 16)."""
    nb = parse_notebook("# %%\nx = (1 +\n")
    syntax = {"kind": "syntax", "message": "'(' was never closed", "cells": []}
    cid = nb.cells[0].id
    states = {cid: {"status": "error", "errors": [syntax, {"kind": "cycle", "message": "c", "cells": []}]}}
    state = page_state(
        nb, {cid: [error(syntax["message"], kind="syntax")]}, name="n.py", hide_code=False, states=states
    )
    assert [e["kind"] for e in state["cells"][0]["errors"]] == ["cycle"]
    assert [o["kind"] for o in state["cells"][0]["outputs"]] == ["error"]
