"""anywidget end to end in Chromium, with anywidget from PyPI installed by uv into the notebook's own
environment: a counter whose front end is the notebook's own ES module (``_esm``) and stylesheet
(``_css``) renders, a click changes its value in the kernel and re-runs the cell that reads it, and
the offline HTML export renders it from its last state with the module inlined.

In the app the module is imported from the session's server (the page's CSP stays
``script-src 'self'``); the export imports it from a ``blob:`` URL, which only its CSP allows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, shot

pytestmark = [pytest.mark.e2e, pytest.mark.uv]

NOTEBOOK = '''\
# /// script
# requires-python = ">=3.11"
# dependencies = ["anywidget>=0.9"]
# ///

# %%
import anywidget
import traitlets

class Counter(anywidget.AnyWidget):
    _esm = """
    export default {
      render({ model, el }) {
        const button = document.createElement("button");
        button.className = "counter-button";
        const show = () => { button.textContent = `count is ${model.get("value")}`; };
        button.addEventListener("click", () => {
          model.set("value", model.get("value") + 1);
          model.save_changes();
        });
        model.on("change:value", show);
        show();
        el.appendChild(button);
        return () => model.off("change:value", show);
      }
    };
    """
    _css = ".counter-button { color: rgb(200, 30, 30); }"
    value = traitlets.Int(0).tag(sync=True)

counter = Counter()
counter

# %%
print(f"clicks={counter.value}")
'''


@pytest.fixture(autouse=True)
def notebook_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server subprocess builds the notebook's environment with uv (PyPI), cached per test run."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(tmp_path / "reflow-cache"))
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "1")


def test_anywidget_counter_drives_its_reader_and_exports(serve, page, tmp_path):
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("clicks=0", timeout=300_000)

    button = cell(page, 1).locator(".reflow-jw[data-state=shown] button.counter-button")
    expect(button).to_have_text("count is 0")
    expect(button).to_have_css("color", "rgb(200, 30, 30)")  # the widget's _css
    button.click()
    expect(button).to_have_text("count is 1")
    expect(cell(page, 2).locator(".outputs")).to_contain_text("clicks=1")
    button.click()
    expect(cell(page, 2).locator(".outputs")).to_contain_text("clicks=2")
    expect(cell(page, 1).locator(".outputs")).not_to_contain_text("clicks")
    assert blocked == []  # the module came from the server: no CSP violation, no CSP change
    shot(page, "anywidget")

    page.click("[data-action=export-html]")
    expect(page.locator("[data-export-notice=exported]")).to_have_attribute(
        "data-path", str(tmp_path.resolve() / "nb.html")
    )
    html = (tmp_path / "nb.html").read_text()
    assert "count is ${model.get" in html  # the module is inlined in the widget state
    script_src = re.search(r"script-src ([^;]*);", html)
    assert script_src is not None and "blob:" in script_src.group(1).split()  # only pages with anywidget code
    offline = page.context.new_page()
    offline.goto((tmp_path / "nb.html").resolve().as_uri())
    exported = offline.locator(".reflow-jw[data-state=shown] button.counter-button")
    expect(exported).to_have_text("count is 2")
    expect(exported).to_have_css("color", "rgb(200, 30, 30)")
    shot(offline, "anywidget-export")
