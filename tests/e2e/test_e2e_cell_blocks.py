"""Issue 21: the cell list sits in blocks of ~50 cells (ui/src/view/cellBlocks.ts), each one
`content-visibility: auto` box, so a keystroke's frame does not walk 2,000 slots. Far blocks are
skipped by the browser; moving, finding and jumping must still reach their cells, and the
keyboard must cross block borders as it crosses cells."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import cell, leave_editor, open_notebook

pytestmark = pytest.mark.e2e

N = 160  # blocks of 50, 50, 50, 10


def _nb() -> str:
    return "\n".join(f"# %%\nv{i} = {i}\n" for i in range(N))


def code_of(page, n: int):
    return cell(page, n).locator(".cm-content, .code-static")


def selected(page, n: int) -> None:
    expect(cell(page, n)).to_have_class(re.compile(r"\bselected\b"))


def test_keyboard_crosses_block_borders(serve, page):
    server = serve(_nb())
    open_notebook(page, server)
    expect(page.locator(".notebook .cell")).to_have_count(N)
    blocks = page.get_by_test_id("cell-block")
    expect(blocks).to_have_count(4)
    expect(blocks.nth(0).get_by_test_id("cell-slot")).to_have_count(50)
    expect(cell(page, 150).locator(".cm-editor")).to_have_count(0)  # far block: no editor yet

    # the editor's ArrowDown on the last line goes on into the first cell of the next block
    c50 = cell(page, 50)
    c50.scroll_into_view_if_needed()
    c50.locator(".cm-content").click()
    page.keyboard.press("End")
    page.keyboard.press("ArrowDown")
    selected(page, 51)
    expect(cell(page, 51).locator(".cm-editor.cm-focused")).to_have_count(1)
    page.keyboard.press("End")
    page.keyboard.type("  # typed")
    expect(code_of(page, 51)).to_contain_text("v50 = 50  # typed")
    page.keyboard.press("ArrowUp")  # and back
    selected(page, 50)
    expect(cell(page, 50).locator(".cm-editor.cm-focused")).to_have_count(1)

    # command mode: j / k across the border, G to the last block, Home to the first
    leave_editor(page)
    page.keyboard.press("j")
    selected(page, 51)
    page.keyboard.press("k")
    selected(page, 50)
    page.keyboard.press("G")
    selected(page, N)
    expect(cell(page, N)).to_be_in_viewport()
    expect(code_of(page, N)).to_contain_text(f"v{N - 1} = {N - 1}")
    page.keyboard.press("Home")
    selected(page, 1)
    expect(cell(page, 1)).to_be_in_viewport()


def test_moving_a_cell_over_a_block_border_keeps_it_whole(serve, page):
    server = serve(_nb())
    open_notebook(page, server)
    expect(page.get_by_test_id("cell-block")).to_have_count(4)
    # edit cell 50 (last of the first block), then move it down past cell 51, the first of the next
    c50 = cell(page, 50)
    c50.scroll_into_view_if_needed()
    c50.locator(".cm-content").click()
    page.keyboard.press("End")
    page.keyboard.type("  # moved")
    c50.locator(".cm-editor").evaluate("e => { e.dataset.probe = 'kept' }")
    leave_editor(page)
    page.keyboard.press("ControlOrMeta+Shift+ArrowDown")
    expect(code_of(page, 51)).to_contain_text("v49 = 49  # moved")
    expect(code_of(page, 50)).to_contain_text("v50 = 50")
    selected(page, 51)
    # the selected cell kept its editor (its undo history with it): the neighbour changed block
    expect(cell(page, 51).locator(".cm-editor")).to_have_attribute("data-probe", "kept")
    page.keyboard.press("Enter")
    expect(cell(page, 51).locator(".cm-editor.cm-focused")).to_have_count(1)
    page.keyboard.press("ControlOrMeta+z")
    expect(code_of(page, 51)).to_have_text("v49 = 49")
    leave_editor(page)
    page.keyboard.press("ControlOrMeta+Shift+ArrowUp")
    expect(code_of(page, 50)).to_have_text("v49 = 49")
    expect(code_of(page, 51)).to_contain_text("v50 = 50")
    expect(cell(page, 50).locator(".cm-editor")).to_have_attribute("data-probe", "kept")
    expect(page.locator(".notebook .cell")).to_have_count(N)


def test_find_and_goto_reach_a_far_block(serve, page):
    server = serve(_nb())
    open_notebook(page, server)
    expect(page.get_by_test_id("cell-block")).to_have_count(4)
    cell(page, 1).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+f")
    bar = page.locator(".find-bar")
    expect(bar).to_be_visible()
    page.keyboard.type("v140 =")
    expect(bar.locator(".find-count")).to_have_attribute("data-count", "1")
    page.keyboard.press("Enter")
    selected(page, 141)
    expect(cell(page, 141)).to_be_in_viewport()
    expect(cell(page, 141).locator(".cm-selectionBackground").first).to_be_attached()
    page.keyboard.press("Escape")
    expect(bar).to_have_count(0)
