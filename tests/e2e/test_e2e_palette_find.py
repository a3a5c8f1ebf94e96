"""Issue 16 item 13: a command palette (Ctrl/⌘-Shift-P) and find and replace across the whole
notebook, cells without a live editor included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import cell, leave_editor, open_notebook

pytestmark = pytest.mark.e2e

SMALL = "# %%\nx = 1\n\n# %%\ny = x + 1\n"


def _big() -> str:
    cells = [f"# %%\nvalue_{i} = {i}\n" for i in range(60)]
    cells[1] = "# %%\nneedle = 1\n"
    cells[30] = "# %%\nhay = needle + 1\n"
    cells[57] = "# %%\nprint(needle)  # the Needle\n"
    return "\n".join(cells)


def code_of(page, n: int):
    return cell(page, n).locator(".cm-content, .code-static")


def test_palette_lists_commands_with_shortcuts_and_runs_them(serve, page):
    server = serve(SMALL)
    open_notebook(page, server)
    page.locator(".notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("ControlOrMeta+Shift+P")
    palette = page.locator(".palette")
    expect(palette).to_be_visible()
    expect(palette.locator('[data-command="delete"] .palette-keys')).to_have_text("dd")
    expect(palette.locator('[data-command="palette"] .palette-keys')).to_have_text("Ctrl/⌘-Shift-P")
    assert palette.locator(".palette-item").count() >= 25

    page.keyboard.type("lazy")  # fuzzy filter, Enter runs the first
    expect(palette.locator(".palette-item").first).to_have_attribute("data-command", "mode-lazy")
    page.keyboard.press("Enter")
    expect(palette).to_have_count(0)
    expect(page.locator('[aria-label="Runtime mode"] button', has_text="Lazy")).to_have_attribute(
        "aria-pressed", "true"
    )

    page.keyboard.press("ControlOrMeta+Shift+P")
    expect(palette).to_be_visible()
    page.keyboard.press("Escape")
    expect(palette).to_have_count(0)

    # from inside an editor too, arrows pick another match
    cell(page, 1).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+Shift+P")
    page.keyboard.type("add cell")
    expect(palette.locator(".palette-item.active")).to_have_attribute("data-command", "add-above")
    page.keyboard.press("ArrowDown")
    expect(palette.locator(".palette-item.active")).to_have_attribute("data-command", "add-below")
    page.keyboard.press("Enter")
    expect(page.locator(".notebook .cell")).to_have_count(3)


def test_find_and_replace_across_the_notebook(serve, page):
    server = serve(_big())
    open_notebook(page, server)
    expect(page.locator(".notebook .cell")).to_have_count(60)
    expect(cell(page, 58).locator(".cm-editor")).to_have_count(0)  # far away: no editor yet

    # Ctrl-F in an editor opens the notebook's find, not the editor's own
    cell(page, 1).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+f")
    bar = page.locator(".find-bar")
    expect(bar).to_be_visible()
    expect(page.locator(".cm-search")).to_have_count(0)
    page.keyboard.type("needle")
    count = bar.locator(".find-count")
    expect(count).to_have_attribute("data-count", "4")  # case-insensitive: the Needle too
    bar.locator(".find-opt", has_text="Aa").click()
    expect(count).to_have_attribute("data-count", "3")
    bar.locator(".find-input").first.focus()

    for n, shown in ((2, "1 of 3"), (31, "2 of 3"), (58, "3 of 3")):
        page.keyboard.press("Enter")
        expect(count).to_have_text(shown)
        expect(cell(page, n)).to_have_class(re.compile(r"\bselected\b"))
        expect(cell(page, n).locator(".cm-selectionBackground").first).to_be_attached()  # the match is selected
        expect(cell(page, n)).to_be_in_viewport()
    page.keyboard.press("Shift+Enter")
    expect(count).to_have_text("2 of 3")
    expect(cell(page, 31)).to_have_class(re.compile(r"\bselected\b"))

    # replace all: one change, undone as one
    bar.locator(".replace-input").fill("pin")
    bar.locator('[data-action="replace-all"]').click()
    expect(count).to_have_attribute("data-count", "0")
    expect(code_of(page, 2)).to_contain_text("pin = 1")
    expect(code_of(page, 31)).to_contain_text("hay = pin + 1")
    expect(code_of(page, 58)).to_contain_text("print(pin)  # the Needle")
    bar.locator('[data-action="undo-replace"]').click()
    expect(count).to_have_attribute("data-count", "3")
    expect(code_of(page, 58)).to_contain_text("print(needle)  # the Needle")

    # replace one, then all, and the server has it (a reload shows it)
    bar.locator(".find-input").first.focus()
    page.keyboard.press("Enter")
    bar.locator('[data-action="replace-one"]').click()
    expect(count).to_have_attribute("data-count", "2")
    expect(code_of(page, 2)).to_contain_text("pin = 1")
    bar.locator('[data-action="replace-all"]').click()
    expect(count).to_have_attribute("data-count", "0")
    page.keyboard.press("Escape")
    expect(bar).to_have_count(0)
    leave_editor(page)
    page.reload()
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    expect(code_of(page, 31)).to_contain_text("hay = pin + 1")
    cell(page, 58).scroll_into_view_if_needed()
    expect(code_of(page, 58)).to_contain_text("print(pin)  # the Needle")
