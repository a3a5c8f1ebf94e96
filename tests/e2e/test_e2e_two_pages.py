"""Two pages on one notebook (real server, real kernel, two Chromium pages): what one page changes
reaches the other as a transaction, and the other page does not send it back."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, cell, leave_editor, open_notebook, set_code

pytestmark = pytest.mark.e2e

NOTEBOOK = """\
# %%
a = 1

# %%
b = a + 1
b

# %% [markdown]
# Notes
"""


class Frames:
    """The JSON frames a page received and sent on its WebSocket."""

    def __init__(self, page) -> None:
        self.received: list[dict] = []
        self.sent: list[dict] = []
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda f: self.received.append(json.loads(f)) if isinstance(f, str) else None)
        ws.on("framesent", lambda f: self.sent.append(json.loads(f)) if isinstance(f, str) else None)

    def types(self, which: list[dict]) -> list[str]:
        return [m["type"] for m in which]


@pytest.fixture
def second_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 950}, color_scheme="light")
    pg = ctx.new_page()
    pg.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the second page: {errors}"


def code_of(page, n: int):
    return cell(page, n).locator(".cm-content")


def test_structure_and_code_from_one_page_reach_the_other_as_transactions(serve, page, second_page):
    server = serve(NOTEBOOK)
    mine, theirs = Frames(page), Frames(second_page)
    open_notebook(page, server)
    open_notebook(second_page, server)
    other = second_page
    expect(cell(other, 2).locator(".outputs")).to_contain_text("2", timeout=WAIT_MS)

    # add a cell below the first one, with code
    cell(page, 1).click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.insert_text("c = 40")
    expect(other.locator(".notebook .cell")).to_have_count(4, timeout=WAIT_MS)
    expect(code_of(other, 2)).to_have_text("c = 40", timeout=WAIT_MS)
    leave_editor(page)

    # move it down, turn the markdown cell into code, delete the new cell
    page.keyboard.press("ControlOrMeta+Shift+ArrowDown")
    expect(code_of(other, 3)).to_have_text("c = 40", timeout=WAIT_MS)
    cell(page, 4).click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("y")  # to code: same cell, kind changed
    expect(cell(other, 4)).to_have_class(re.compile(r"\bkind-code\b"), timeout=WAIT_MS)
    cell(page, 3).click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(other.locator(".notebook .cell")).to_have_count(3, timeout=WAIT_MS)

    # code typed on one page shows in the other page's editor, and the kernel runs it
    set_code(page, 1, "a = 20")
    expect(code_of(other, 1)).to_have_text("a = 20", timeout=WAIT_MS)
    page.keyboard.press("ControlOrMeta+Enter")
    expect(cell(other, 2).locator(".outputs")).to_contain_text("21", timeout=WAIT_MS)

    # the other page got transactions, never a full cell list, and sent nothing back
    applied = [m for m in theirs.received if m["type"] == "transaction_applied"]
    ops = [c["op"] for m in applied for c in m["changes"]]
    assert {"create", "move", "set_kind", "delete", "set_code"} <= set(ops)
    versions = [m["version"] for m in applied]
    assert versions == list(range(versions[0], versions[0] + len(versions)))
    assert not any(m.get("mine") for m in applied)
    assert "cells" not in theirs.types(theirs.received)
    assert not [
        t
        for t in theirs.types(theirs.sent)
        if t in ("edit", "create_cell", "delete_cell", "move_cell", "set_kind", "set_options", "transaction", "run")
    ]
    # the page that made them got them back as its own
    assert [m["version"] for m in mine.received if m["type"] == "transaction_applied" and m.get("mine")] == versions
