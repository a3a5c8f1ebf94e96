"""Jupyter widgets end to end in Chromium, with ipywidgets 8 (and ipympl) from PyPI installed by uv
into the notebook's own environment: moving a slider re-runs its reader (not its cell), a
dropdown inside an HBox drives its reader, ``interact`` works, Tab and Accordion switch and fold
(their readers re-run), a reload shows the widgets again,
and an offline HTML export renders them from their last state.

One notebook environment serves all scenarios (building it is the slow part).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, shot

pytestmark = [pytest.mark.e2e, pytest.mark.uv]

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["ipywidgets>=8,<9"]
# ///

# %%
import ipywidgets as widgets
slider = widgets.IntSlider(value=3, min=0, max=10, description="n")
print("made the slider")
slider

# %%
print(f"squared={slider.value ** 2}")

# %%
choice = widgets.Dropdown(options=["red", "green", "blue"], value="red", description="colour")
row = widgets.HBox([widgets.Label("pick one"), choice])
display(row)

# %%
print(f"picked={choice.value}")

# %%
from ipywidgets import interact

@interact(k=(0, 5))
def times_ten(k=1):
    print(f"k*10={k * 10}")

# %%
tabs = widgets.Tab(children=[widgets.Label("first page"), widgets.Label("second page")], titles=("one", "two"))
fold = widgets.Accordion(children=[widgets.Label("folded text")], titles=("more",))
display(widgets.VBox([tabs, fold]))

# %%
print(f"tab={tabs.selected_index} open={fold.selected_index}")
"""


@pytest.fixture(autouse=True)
def notebook_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server subprocess builds the notebook's environment with uv (PyPI), cached per test run."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(tmp_path / "reflow-cache"))
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "1")


def widget(page, n: int):
    return cell(page, n).locator(".reflow-jw[data-state=shown]")


def test_ipywidgets_drive_their_readers(serve, page, tmp_path):
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("squared=9", timeout=300_000)

    # slider -> reader cell, the defining cell does not run again
    handle = widget(page, 1).locator(".noUi-handle")
    expect(handle).to_be_visible()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(cell(page, 2).locator(".outputs")).to_contain_text("squared=25")
    expect(widget(page, 1).locator(".widget-readout")).to_have_text("5")
    expect(cell(page, 1).locator(".outputs .stream")).to_have_text("made the slider\n")

    # a dropdown inside an HBox
    box = widget(page, 3).locator(".widget-hbox")
    expect(box).to_contain_text("pick one")
    box.locator("select").select_option("blue")
    expect(cell(page, 4).locator(".outputs")).to_contain_text("picked=blue")

    # interact: its output widget shows the function's prints, updated by its slider
    expect(widget(page, 5).locator(".reflow-jw-output")).to_contain_text("k*10=10")
    k = widget(page, 5).locator(".noUi-handle")
    k.focus()
    page.keyboard.press("ArrowRight")
    expect(widget(page, 5).locator(".reflow-jw-output")).to_contain_text("k*10=20")
    shot(page, "ipywidgets")

    # Tab and Accordion: pages switch and fold, and their readers re-run with the chosen index
    containers = widget(page, 6)
    expect(containers.get_by_text("first page")).to_be_visible()
    expect(containers.get_by_text("second page")).to_be_hidden()
    expect(containers.get_by_text("folded text")).to_be_hidden()
    expect(cell(page, 7).locator(".outputs")).to_contain_text("tab=0 open=None")
    containers.locator(".lm-TabBar-tab", has_text="two").click()
    expect(containers.get_by_text("second page")).to_be_visible()
    expect(containers.get_by_text("first page")).to_be_hidden()
    expect(cell(page, 7).locator(".outputs")).to_contain_text("tab=1 open=None")
    containers.locator(".jupyter-widget-Collapse-header", has_text="more").click()
    expect(containers.get_by_text("folded text")).to_be_visible()
    expect(cell(page, 7).locator(".outputs")).to_contain_text("tab=1 open=0")
    shot(page, "ipywidgets-tab-accordion")

    # a reload gets every model again from the session (their last state)
    page.reload()
    expect(widget(page, 1).locator(".widget-readout")).to_have_text("5")
    expect(widget(page, 3).locator("select")).to_have_value("blue")
    handle = widget(page, 1).locator(".noUi-handle")
    handle.focus()
    page.keyboard.press("ArrowLeft")
    expect(cell(page, 2).locator(".outputs")).to_contain_text("squared=16")

    # the HTML export shows the widgets from their last state, offline (file://, no server)
    page.click("[data-action=export-html]")
    expect(page.locator("[data-export-notice=exported]")).to_have_attribute(
        "data-path", str(tmp_path.resolve() / "nb.html")
    )
    html = (tmp_path / "nb.html").read_text()
    assert '"widgets":{"version_major":2' in html  # the models' last state, embedded
    offline = page.context.new_page()
    offline.goto((tmp_path / "nb.html").resolve().as_uri())
    expect(offline.locator(".reflow-jw[data-state=shown] .widget-readout").first).to_have_text("4")
    expect(offline.locator(".reflow-jw[data-state=shown] select").first).to_have_value("blue")
    expect(offline.locator(".reflow-jw[data-state=shown] .reflow-jw-output")).to_contain_text("k*10=20")
    expect(offline.locator(".reflow-jw").get_by_text("second page", exact=True)).to_be_visible()
    expect(offline.locator(".reflow-jw").get_by_text("folded text", exact=True)).to_be_visible()
    shot(offline, "ipywidgets-export")
