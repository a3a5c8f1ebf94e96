"""[tool.reflow] snapshots: __reflow__/<name>.ipynb / .html kept current after runs (real kernel)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nbformat
from helpers import WAIT, until

from reflow_desktop.session import Session
from reflow_desktop.sidecar.snapshots import requested_formats, snapshot_path


def notebook(tmp_path: Path, snapshots: str) -> Path:
    path = tmp_path / "report.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n#\n# [tool.reflow]\n'
        f"# snapshots = {snapshots}\n# ///\n\n# %%\nx = 6\n\n# %%\nprint('answer', x * 7)\n"
    )
    return path


async def test_snapshots_follow_the_runs(tmp_path: Path):
    path = notebook(tmp_path, '["ipynb", "html"]')
    session = Session(path, autosave_delay=None)
    session.sidecar.snapshots.delay = 0.05
    ipynb, html = snapshot_path(path, "ipynb"), snapshot_path(path, "html")
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await until(lambda: ipynb.exists() and html.exists())
        nb = nbformat.read(str(ipynb), as_version=4)
        nbformat.validate(nb)
        assert any(o.get("text") == "answer 42\n" for o in nb.cells[1].outputs)
        assert "answer 42" in html.read_text()

        first = session.notebook.cells[0].id
        await session.handle({"type": "run", "cells": [{"id": first, "code": "x = 100"}]}, lambda m: None)
        await until(lambda: "answer 700" in ipynb.read_text() and "answer 700" in html.read_text())
    finally:
        await session.close()
    assert path.read_text().count("x = 100") == 0  # snapshots never touch the notebook itself


async def test_no_setting_no_snapshots_and_unknown_formats_are_named(tmp_path: Path):
    path = notebook(tmp_path, '["pdf"]')
    session = Session(path, autosave_delay=None)
    session.sidecar.snapshots.delay = 0.05
    seen: list[dict] = []
    session.attach(seen.append)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await until(lambda: any(m["type"] == "notice" and "'pdf'" in m["text"] for m in seen))
        assert requested_formats(session) == ([], ["pdf"])
        await session.sidecar.snapshots.write_now()
        assert session.sidecar.snapshots.writes == 0
        assert not snapshot_path(path, "ipynb").exists() and not snapshot_path(path, "html").exists()
    finally:
        await session.close()
