"""Pop out an output (issue 20 item 6) in Chromium, against the real server and kernel: the pop-out
is a second page on the same session showing one cell's output, live both ways, and it says so
when its cell is deleted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import WAIT_MS, Server, cell, leave_editor, open_notebook, shot

pytestmark = pytest.mark.e2e

NOTEBOOK = """\
# %%
import reflow
s = reflow.ui.slider(0, 100, value=10, label="amount")
print("slider here")
s

# %%
doubled = s.value * 2
f"doubled={doubled}"
"""


def set_range(locator: Locator, value: int) -> None:
    """Move a range input like a drag does: set the value and fire `input`."""
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def pop_out(page: Page, n: int, output: int = 0) -> Page:
    """Click the pop-out button of cell n's output (0-based) as a user does; the window that opens."""
    out = cell(page, n).locator(".output").nth(output)
    cell(page, n).hover()
    with page.expect_popup(timeout=WAIT_MS) as popup:
        out.locator("[data-action=pop-out]").click()
    pop = popup.value
    pop.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    pop.on("pageerror", lambda e: errors.append(str(e)))
    pop.page_errors = errors  # type: ignore[attr-defined]
    expect(pop.locator("[data-testid=popout]")).to_have_attribute("data-connection", "open", timeout=WAIT_MS)
    return pop


def test_a_popped_out_reader_follows_the_main_pages_slider(serve: Callable[..., Server], page: Page) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=20", timeout=WAIT_MS)
    pop = pop_out(page, 2)
    # only that cell's output, titled after the notebook and the cell, no notebook around it
    expect(pop.locator(".popout-body")).to_contain_text("doubled=20", timeout=WAIT_MS)
    expect(pop).to_have_title("nb.py — cell 2", timeout=WAIT_MS)
    expect(pop.locator(".cell")).to_have_count(0, timeout=WAIT_MS)
    shot(page, "popout-main-page")
    assert "token" not in pop.url  # moved out of the address bar like the notebook page's
    # the slider moves in the main page: the popped-out reader shows the new value
    set_range(cell(page, 1).locator('.rw-slider input[type="range"]'), 33)
    expect(pop.locator(".popout-body")).to_contain_text("doubled=66", timeout=WAIT_MS)
    set_range(cell(page, 1).locator('.rw-slider input[type="range"]'), 40)
    expect(pop.locator(".popout-body")).to_contain_text("doubled=80", timeout=WAIT_MS)
    assert not pop.page_errors  # type: ignore[attr-defined]


def test_a_popped_out_slider_drives_the_main_pages_reader(serve: Callable[..., Server], page: Page) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=20", timeout=WAIT_MS)
    # cell 1 has two outputs (the print, the slider): the slider's own button pops out the slider alone
    pop = pop_out(page, 1, output=1)
    slider = pop.locator('.rw-slider input[type="range"]')
    expect(slider).to_be_visible(timeout=WAIT_MS)
    expect(pop.locator(".popout-body")).not_to_contain_text("slider here", timeout=WAIT_MS)
    set_range(slider, 70)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=140", timeout=WAIT_MS)
    expect(cell(page, 1).locator(".rw-value")).to_have_text("70", timeout=WAIT_MS)  # the main page's slider follows too
    # and the other way: the main page's slider moves the popped-out one
    set_range(cell(page, 1).locator('.rw-slider input[type="range"]'), 15)
    expect(pop.locator(".rw-value")).to_have_text("15", timeout=WAIT_MS)
    shot(pop, "popout-slider")
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=30", timeout=WAIT_MS)
    assert not pop.page_errors  # type: ignore[attr-defined]


def test_the_pop_out_says_when_its_cell_was_deleted(serve: Callable[..., Server], page: Page) -> None:
    server = serve(NOTEBOOK)
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("doubled=20", timeout=WAIT_MS)
    # from the command palette this time: the selected cell's output
    cell(page, 2).click(position={"x": 5, "y": 5})
    leave_editor(page)
    page.keyboard.press("ControlOrMeta+Shift+p")
    page.keyboard.insert_text("pop out")
    with page.expect_popup(timeout=WAIT_MS) as popup:
        page.keyboard.press("Enter")
    pop = popup.value
    expect(pop.locator(".popout-body")).to_contain_text("doubled=20", timeout=WAIT_MS)
    cell(page, 2).click(position={"x": 5, "y": 5})
    leave_editor(page)
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(page.locator(".notebook .cell")).to_have_count(1, timeout=WAIT_MS)
    expect(pop.locator("[data-popout-state=deleted]")).to_contain_text("This cell was deleted", timeout=WAIT_MS)
    expect(pop.locator(".popout-body")).not_to_contain_text("doubled", timeout=WAIT_MS)
