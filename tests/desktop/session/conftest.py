"""Fixtures for session tests: a real Session with a real kernel process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from helpers import WAIT, Recorder

from reflow_desktop.session import Session

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
