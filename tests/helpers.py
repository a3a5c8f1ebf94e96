"""Small helpers shared by tests in every folder (importable as ``helpers``: pytest puts tests/ on the path).

Fixtures shared by every folder live in tests/conftest.py; a folder's own fixtures in its conftest.py.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

if TYPE_CHECKING:
    from reflow_desktop.session import Session

# The Chromium the browser tests drive (Playwright's own is not installed), and how: as root in a
# container without a GPU, with nothing of Chromium's own network traffic.
CHROMIUM = os.environ.get("REFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT = 60.0  # how long a wait for a kernel, a file or a message may last: a hang guard, never a performance limit


def text_of(outputs: list[dict[str, Any]]) -> str:
    """What a person reads in a cell's outputs: stream text and each result's text/plain."""
    parts = []
    for o in outputs:
        if o.get("kind") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("kind") == "data":
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def results_text(outputs: list[dict[str, Any]]) -> str:
    """Only the results' text/plain (a value, not what was printed)."""
    return "".join(o.get("data", {}).get("text/plain", "") for o in outputs if o.get("kind") == "data")


def is_output(msg: dict[str, Any], cell: str | None = None, text: str | None = None) -> bool:
    """Whether ``msg`` is a `cell_output` (of ``cell``, if given) whose result's text/plain is ``text`` (if given)."""
    if msg.get("type") != "cell_output" or (cell is not None and msg.get("id") != cell):
        return False
    return text is None or msg["output"].get("data", {}).get("text/plain") == text


async def http_get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET that follows no redirect; error statuses are returned, not raised."""
    try:
        resp = await AsyncHTTPClient().fetch(HTTPRequest(url, headers=headers, follow_redirects=False))
        return resp.code, dict(resp.headers), resp.body
    except HTTPClientError as exc:
        body = exc.response.body if exc.response is not None else b""
        return exc.code, {}, body or b""


async def until(pred: Callable[[], object], timeout: float = WAIT) -> None:
    """Wait until ``pred()`` is true (checked every 5 ms: for state that no event announces)."""

    async def poll() -> None:
        while not pred():
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout)


class Recorder:
    """A session client (``session.attach(recorder)``) that records messages and waits for one.

    A kernel ``batch`` is recorded event by event, so predicates see single messages.
    """

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._event = asyncio.Event()

    def __call__(self, msg: dict[str, Any]) -> None:
        self.messages.extend(msg.get("events") or [] if msg.get("type") == "batch" else [msg])
        self._event.set()

    def mark(self) -> int:
        """Where the messages from now on start (for ``wait_for(pred, mark)``)."""
        return len(self.messages)

    async def wait_for(
        self, pred: Callable[[dict[str, Any]], bool], mark: int = 0, timeout: float = WAIT
    ) -> dict[str, Any]:
        """The first message from ``mark`` on that ``pred`` accepts, waiting for it if need be."""

        async def scan() -> dict[str, Any]:
            i = mark
            while True:
                while i < len(self.messages):
                    if pred(self.messages[i]):
                        return self.messages[i]
                    i += 1
                self._event.clear()
                await self._event.wait()

        return await asyncio.wait_for(scan(), timeout)


async def handle(
    session: Session, msg: dict[str, Any], reply: Callable[[dict[str, Any]], object] | None = None
) -> None:
    """Send a UI message to ``session`` and wait until the kernel has finished it (if it went there)."""
    fut = await session.handle(msg, reply or (lambda m: None))
    if fut is not None:
        await asyncio.wait_for(fut, WAIT)


def code_ids(session: Session) -> list[str]:
    """The ids of the session's code cells, in display order."""
    return [c.id for c in session.notebook.cells if c.kind == "code"]


def chromium_or_skip() -> str:
    """The Chromium executable, or skip the test where there is none."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    return CHROMIUM


def trust(path: Path) -> None:
    """Sign ``path`` as the current user's notebook (what "Trust" or a save from Reflow records)."""
    from reflow.notebook import read_notebook
    from reflow_desktop.trust import sign_notebook

    sign_notebook(path, read_notebook(path))
