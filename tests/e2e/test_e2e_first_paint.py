"""The page's load path (issue 21, first output within a frame): the WebSocket opens from the page's
first, inline script, allowed by its hash under the strict policy, and the app adopts that socket;
CodeMirror is a chunk of its own that only pages with editors load."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import cell, open_notebook, set_code

pytestmark = pytest.mark.e2e

NB = """\
# %%
x = 20

# %%
x * 2
"""


def _editor_chunks(page) -> list[str]:
    return page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => /editorChunk-/.test(n))"
    )


def test_the_app_adopts_the_socket_the_page_opened_first(serve, page):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    server = serve(NB)
    open_notebook(page, server)
    assert page.evaluate("window.reflow.connection.adoptedEarly") is True
    # a reload: the address has lost its token (the first load kept it for the tab); the early script finds it
    assert "token=" not in page.url
    page.reload()
    page.wait_for_selector('.kernel[data-kernel="idle"]')
    assert page.evaluate("window.reflow.connection.adoptedEarly") is True
    set_code(page, 1, "x = 21")  # the adopted socket carries the page's messages
    page.keyboard.press("Shift+Enter")
    expect(cell(page, 2).locator(".outputs")).to_contain_text("42")
    assert violations == []


def test_editors_load_with_their_chunk_and_a_read_only_page_never_fetches_it(serve, page):
    server = serve(NB)
    open_notebook(page, server)
    expect(cell(page, 1).locator(".cm-editor")).to_have_count(1)  # mounted once near the screen, no click
    assert len(_editor_chunks(page)) == 1

    app = serve(NB, command="run", name="app.py")
    page.goto(app.url)
    page.wait_for_selector(".cell")
    expect(page.locator(".outputs").first).to_be_visible()
    assert _editor_chunks(page) == []
    assert page.locator(".cm-editor").count() == 0
