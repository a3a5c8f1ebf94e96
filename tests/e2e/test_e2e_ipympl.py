"""ipympl (matplotlib's interactive widget backend) end to end in Chromium, with ipympl and
matplotlib from PyPI installed by uv into the notebook's own environment: the figure renders as a
live canvas with a toolbar whose buttons are labelled (no icon font), and a drag in zoom mode
changes the axes limits in the kernel and the picture in the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, shot

pytestmark = [pytest.mark.e2e, pytest.mark.uv]

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["ipympl>=0.9", "matplotlib>=3.8"]
# ///

# %%
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")  # what %matplotlib widget does
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot([0, 10], [0, 10])
ax.set_xlim(0, 10)
fig.canvas

# %%
print("xlim", [float(round(v, 2)) for v in ax.get_xlim()])
"""


@pytest.fixture(autouse=True)
def notebook_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server subprocess builds the notebook's environment with uv (PyPI), cached per test run."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(tmp_path / "reflow-cache"))
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "1")


def test_ipympl_zoom_changes_the_axes_in_the_kernel(serve, page):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("xlim [0.0, 10.0]", timeout=300_000)

    figure = cell(page, 1).locator(".reflow-jw[data-state=shown] .jupyter-matplotlib-figure")
    canvas = figure.locator(".jupyter-matplotlib-canvas-div canvas").last
    expect(canvas).to_be_visible()
    figure.hover()
    zoom = figure.locator(".jupyter-matplotlib-toolbar button[title^='Zoom']")
    expect(zoom).to_be_visible()
    # the icon is a text glyph from Reflow's stylesheet, not an (absent) icon font: it has a width
    glyph = zoom.locator("i.fa").evaluate("i => getComputedStyle(i, '::before').content")
    assert glyph not in ("none", "normal", '""'), glyph
    before = canvas.screenshot()

    zoom.click()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=5)
    page.mouse.up()

    # the kernel's axes were zoomed: a run of the reader shows narrower limits
    reader = cell(page, 2)
    reader.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(reader.locator(".outputs")).to_have_text(re.compile(r"xlim \[(?!0\.0, 10\.0\])[0-9.]+, [0-9.]+\]"))
    assert canvas.screenshot() != before  # and the picture changed
    shot(page, "ipympl-zoom")
