"""An agent works in the notebook the user has open (real `reflow edit`, real kernel, Chromium page,
the `mcp` SDK's client): its new cell and its edit show in the page, with the outputs they produce."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from mcp import Client
from playwright.sync_api import expect

from reflow_desktop.settings import Settings, save_settings

from .conftest import WAIT_MS, cell, open_notebook

pytestmark = pytest.mark.e2e

NOTEBOOK = """\
# %%
a = 1

# %%
b = a + 1
b
"""


def call_tool(url: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One tool call from a thread of its own (Playwright's sync API holds this thread's event loop)."""
    result: dict[str, Any] = {}

    async def call() -> None:
        async with Client(url) as client:
            answer = await client.call_tool(name, arguments)
            assert not answer.is_error, answer.content
            result.update(answer.structured_content or {})

    failure: list[BaseException] = []
    thread = threading.Thread(target=lambda: _run(call, failure))
    thread.start()
    thread.join(WAIT_MS / 1000)
    assert not thread.is_alive(), f"{name} did not answer"
    if failure:
        raise failure[0]
    return result


def _run(call: Any, failure: list[BaseException]) -> None:
    try:
        asyncio.run(call())
    except BaseException as exc:
        failure.append(exc)


def call_refused(url: str) -> str:
    """The error the SDK's client gets from the door (run in a thread, as ``call_tool``)."""
    failure: list[BaseException] = []

    async def call() -> None:
        async with Client(url) as client:
            await client.list_tools()

    thread = threading.Thread(target=lambda: _run(call, failure))
    thread.start()
    thread.join(WAIT_MS / 1000)
    assert failure, "the door answered while off"
    return repr(failure[0])


def test_the_door_is_turned_on_in_the_settings_page(serve, page):
    server = serve(NOTEBOOK)  # the test's own config dir (conftest): the door starts off
    token = parse_qs(urlparse(server.url).query)["token"][0]
    url = f"{server.origin}/mcp?token={token}"
    open_notebook(page, server)
    assert "turn on Settings > mcp_server" in call_refused(url)

    page.locator('[data-action="settings"]').click()
    dialog = page.get_by_role("dialog", name="Settings")
    switch = dialog.locator('[data-setting="mcp_server"] [data-value="on"]')
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true", timeout=WAIT_MS)
    expect(dialog.get_by_test_id("mcp-address")).to_contain_text(f"{server.origin}/mcp", timeout=WAIT_MS)
    assert call_tool(url, "list_notebooks", {})["notebooks"][0]["name"] == "nb.py"


def test_an_agents_cell_and_edit_appear_in_the_open_page(serve, page):
    save_settings(Settings(mcp_server="on"))  # the test's own config dir (conftest), which the server reads
    server = serve(NOTEBOOK)
    token = parse_qs(urlparse(server.url).query)["token"][0]
    url = f"{server.origin}/mcp?token={token}"
    open_notebook(page, server)
    expect(cell(page, 2).locator(".outputs")).to_contain_text("2", timeout=WAIT_MS)

    added = call_tool(url, "add_cell", {"code": "c = b * 100\nc"})
    assert added["finished"] is True
    expect(page.locator(".notebook .cell")).to_have_count(3, timeout=WAIT_MS)
    expect(cell(page, 3).locator(".cm-content")).to_have_text("c = b * 100c", timeout=WAIT_MS)
    expect(cell(page, 3).locator(".outputs")).to_contain_text("200", timeout=WAIT_MS)

    first = call_tool(url, "read_cells", {})["cells"][0]["id"]
    edited = call_tool(url, "edit_cell", {"cell_id": first, "code": "a = 5"})
    assert len(edited["ran"]) == 3  # the edited cell and both dependents
    expect(cell(page, 1).locator(".cm-content")).to_have_text("a = 5", timeout=WAIT_MS)
    expect(cell(page, 2).locator(".outputs")).to_have_text(re.compile(r"^\s*6\s*$"), timeout=WAIT_MS)
    expect(cell(page, 3).locator(".outputs")).to_contain_text("600", timeout=WAIT_MS)
