"""reflow.ui values survive closing and reopening a notebook (issue 16 item 2), in Chromium.

A slider and a dropdown are set in the page; the server (the app) closes; the notebook is
opened again by a new server. The restored view shows the chosen values at once, and the
reopened kernel's run uses them: the reader cell's new output (a new kernel pid) shows them
too, instead of snapping back to the defaults.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, Server, cell, open_notebook, shot

pytestmark = pytest.mark.e2e

NOTEBOOK = """\
# %%
import os
import reflow
n = reflow.ui.slider(0, 10, value=2, label="n")
fruit = reflow.ui.dropdown(["apple", "pear", "plum"], value="apple", label="fruit")
reflow.hstack([n, fruit])

# %%
print(f"n={n.value} fruit={fruit.value} pid={os.getpid()}")
"""


def set_range(locator, value: int) -> None:
    """Move a range input like a drag does: set the value and fire `input`."""
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def pid_of(text: str) -> str:
    m = re.search(r"pid=(\d+)", text)
    assert m, text
    return m.group(1)


def test_slider_and_dropdown_values_are_used_by_the_reopened_run(serve, page, tmp_path):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    out = cell(page, 2).locator(".outputs")
    expect(out).to_contain_text("n=2 fruit=apple", timeout=WAIT_MS)
    set_range(cell(page, 1).locator('.rw-slider input[type="range"]'), 7)
    expect(out).to_contain_text("n=7 fruit=apple", timeout=WAIT_MS)
    cell(page, 1).locator(".rw-dropdown select").select_option("pear")
    expect(out).to_contain_text("n=7 fruit=pear", timeout=WAIT_MS)
    first_pid = pid_of(out.inner_text())
    server.stop()  # the app closes: pending sidecar writes are flushed

    again = Server(tmp_path / "nb.py")
    try:
        page.goto(again.url)
        page.wait_for_selector(".cell")
        out = cell(page, 2).locator(".outputs")
        # the reopened kernel ran the reader (its output now names another process) ...
        expect(out).to_contain_text("pid=", timeout=WAIT_MS)
        expect(out).not_to_contain_text(f"pid={first_pid}", timeout=WAIT_MS)
        # ... with the values chosen before closing, not the defaults
        expect(out).to_contain_text("n=7 fruit=pear", timeout=WAIT_MS)
        expect(cell(page, 1).locator(".rw-slider .rw-value")).to_have_text("7")
        expect(cell(page, 1).locator(".rw-dropdown select")).to_have_value("pear")
        page.wait_for_selector('.kernel[data-kernel="idle"]')
        shot(page, "ui-values-reopened")
        # and they still drive the reader
        set_range(cell(page, 1).locator('.rw-slider input[type="range"]'), 4)
        expect(out).to_contain_text("n=4 fruit=pear", timeout=WAIT_MS)
    finally:
        again.stop()
