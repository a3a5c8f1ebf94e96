"""Fixtures for session tests: a real Session with a real kernel process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

import pytest

from reflow_desktop.session import Session

WAIT = 60.0  # generous readiness wait; never a performance limit

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
x = 1

# %%   hide_code=true
y = x + 1
y

# %% [markdown]
# Some   *text*   kept   verbatim
"""


class Recorder:
    """A session client that records messages and can wait for one."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self._event = asyncio.Event()

    def __call__(self, msg: dict) -> None:
        # a kernel "batch" carries several events: record them one by one
        self.messages.extend(msg.get("events") or [] if msg.get("type") == "batch" else [msg])
        self._event.set()

    def mark(self) -> int:
        return len(self.messages)

    async def wait_for(self, pred: Callable[[dict], bool], mark: int = 0) -> dict:
        async def scan() -> dict:
            i = mark
            while True:
                while i < len(self.messages):
                    if pred(self.messages[i]):
                        return self.messages[i]
                    i += 1
                self._event.clear()
                await self._event.wait()
        return await asyncio.wait_for(scan(), WAIT)


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NOTEBOOK)
    return p


@pytest.fixture
async def session(nb_path):
    s = Session(nb_path, autosave_delay=None)
    await asyncio.wait_for(s.start(), WAIT)
    yield s
    await s.close()


@pytest.fixture
def recorder(session) -> Recorder:
    rec = Recorder()
    session.attach(rec)
    return rec


@pytest.fixture
def recorder_class() -> type[Recorder]:
    """The Recorder class, for tests that build their own sessions."""
    return Recorder
