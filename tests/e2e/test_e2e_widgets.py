"""reflow.ui end to end in Chromium: sliders, tables, forms, app mode."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, open_notebook, shot

pytestmark = pytest.mark.e2e

SLIDER = """\
# %%
import reflow
s = reflow.ui.slider(0, 100, value=10, label="amount")
print("defined")
s

# %%
doubled = s.value * 2
f"doubled={doubled}"
"""


def set_range(locator, value: int) -> None:
    """Move a range input like a drag does: set the value and fire `input`."""
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def test_slider_drives_dependent_cell_only(serve, page):
    server = serve(SLIDER)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=20")
    slider = cell(page, 1).locator('.rw-slider input[type="range"]')
    expect(slider).to_be_visible()
    for v in (15, 30, 42):
        set_range(slider, v)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=84")
    expect(cell(page, 1).locator(".rw-value")).to_have_text("42")
    # the defining cell did not run again: one "defined" print, slider still at 42
    expect(cell(page, 1).locator(".outputs .stream")).to_have_text("defined\n")
    # a real drag with the mouse also works
    box = slider.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=200")
    shot(page, "widgets-slider")
    # a reload shows the value the user chose, not the one the cell started with
    page.reload()
    expect(cell(page, 1).locator(".rw-value")).to_have_text("100")
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=200")


TABLE = """\
# %%
import reflow
rows = [{"name": f"item{i}", "size": i * 3} for i in range(60)]
t = reflow.ui.table(rows, page_size=10)
t

# %%
picked = [r["name"] for r in t.value]
f"picked={picked}"
"""


def test_table_selection_reaches_dependent_cell(serve, page):
    server = serve(TABLE)
    open_notebook(page, server)
    out = cell(page, 2).locator(".outputs")
    expect(out).to_contain_text("picked=[]")
    table = cell(page, 1).locator(".rw-table")
    table.locator('input[aria-label="select row 2"]').check()
    expect(out).to_contain_text("picked=['item2']")
    # next page is fetched from the kernel; select there too
    cell(page, 1).locator('button[aria-label="next page"]').click()
    expect(table.locator("tbody tr").first).to_contain_text("item10")
    table.locator('input[aria-label="select row 11"]').check()
    expect(out).to_contain_text("picked=['item2', 'item11']")
    # sort by size, descending (click twice): largest first, fetched by page
    header = table.locator("th", has_text="size")
    header.click()
    header.click()
    expect(table.locator("tbody tr").first).to_contain_text("item59")


FORM = """\
# %%
import reflow
f = reflow.ui.text(placeholder="name").form(submit_label="Send")
f

# %%
runs = []
# %%
runs.append(f.value)
f"value={f.value!r} runs={len(runs)}"
"""


def test_form_only_fires_on_submit(serve, page):
    server = serve(FORM)
    sent: list[dict] = []  # every set_ui_value the page sends, in order (WebSocket frames)
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: _record_ui_value(payload, sent)))
    open_notebook(page, server)
    out = cell(page, 3).locator(".outputs")
    expect(out).to_contain_text("value=None runs=1")
    box = cell(page, 1).locator(".rw-form input[type=text]")
    box.fill("Ada")
    box.press("End")
    cell(page, 1).locator(".rw-form button[type=submit]").click()
    expect(out).to_contain_text("value='Ada' runs=2")
    # Typing sent nothing: the submit's value is the only one that left the page (no waiting
    # for "nothing happened": anything typing had sent would have been sent before the submit).
    assert [m["value"] for m in sent] == ["Ada"], sent


def _record_ui_value(payload: str | bytes, sent: list[dict]) -> None:
    msg = json.loads(payload)
    if msg.get("type") == "set_ui_value":
        sent.append(msg)


APP = """\
# %%
import reflow
n = reflow.ui.slider(1, 10, value=2, label="n")
choice = reflow.ui.dropdown(["red", "green"], value="red", label="colour")
reflow.vstack([reflow.md(f"Pick **n**: {n}"), choice])

# %%
reflow.md(f"n squared is **{n.value ** 2}** in {choice.value}")
"""


def test_app_mode_widgets_work_with_code_hidden(serve, page):
    server = serve(APP, command="run")
    page.goto(server.url)
    out = cell(page, 2).locator(".outputs")
    expect(out).to_contain_text("n squared is 4 in red", timeout=WAIT_MS)  # the kernel starts and runs it all
    expect(page.locator(".cm-editor")).to_have_count(0)
    slider = cell(page, 1).locator('.rw-md .rw-slider input[type="range"]')
    set_range(slider, 7)
    expect(out).to_contain_text("n squared is 49 in red")
    cell(page, 1).locator(".rw-dropdown select").select_option("green")
    expect(out).to_contain_text("n squared is 49 in green")
    shot(page, "widgets-app-mode")


FRAME = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas"]
# ///

# %%
import pandas as pd
df = pd.DataFrame({"n": range(1_000_000), "sq": [(i * 7919) % 1_000_003 for i in range(1_000_000)]})
df
"""


def test_million_row_data_frame_pages_and_sorts(serve, page):
    """Needs pandas in the notebook's environment (built by uv, offline from its cache)."""
    server = serve(FRAME)
    page.goto(server.url)
    page.wait_for_selector(".cell")
    page.wait_for_function(
        """() => {
        const k = document.querySelector('.kernel');
        return (k && k.dataset.kernel === 'dead') || document.querySelector('.rw-table, .error-box');
    }""",
        timeout=240_000,
    )
    if page.locator('.kernel[data-kernel="dead"]').count() or not page.locator(".rw-table").count():
        pytest.skip("pandas could not be installed into the notebook's environment here")
    table = cell(page, 1).locator(".rw-table")
    expect(cell(page, 1).locator(".rw-table-foot")).to_contain_text("1,000,000 rows")
    expect(table.locator("tbody tr")).to_have_count(25)  # one page, not a million rows
    cell(page, 1).locator('button[aria-label="last page"]').click()
    expect(table.locator("tbody tr").last.locator("td.rw-index")).to_have_text("999999")
    table.locator("th", has_text="sq").click()  # ascending: fetched sorted from the kernel
    expect(table.locator("tbody tr").first.locator("td").nth(2)).to_have_text("0")
    shot(page, "widgets-dataframe")
