"""Save As moves everything that belongs to the notebook (issue 16 item 12): outputs and reflow.ui
values (the sidecar), persistent caches, and the lock file that keys its environment. After it,
nothing is written beside the old file; reopening the new file shows the outputs and reuses the
environment. Real kernels; the environment case builds a real uv environment (marker ``uv``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from helpers import WAIT, Recorder, handle, text_of, until

from reflow_desktop.session import Session
from reflow_desktop.session.reattach import read_record
from reflow_desktop.sidecar.store import SidecarStore

UV_WAIT = 240.0  # a real uv build; a readiness wait, never a performance limit

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
import reflow

x = 3

# %%
with reflow.persistent_cache("square"):
    y = x * x
y
"""


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (empty when the folder does not exist)."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


async def test_after_save_as_runs_write_beside_the_new_file_only_and_it_reopens_with_its_outputs(tmp_path: Path):
    old = tmp_path / "old" / "nb.py"
    old.parent.mkdir()
    old.write_text(NOTEBOOK)
    new = tmp_path / "new" / "moved.py"
    new.parent.mkdir()
    session = Session(old, autosave_delay=None)
    session.attach(Recorder())
    try:
        await asyncio.wait_for(session.start(), WAIT)
        first, second = (c.id for c in session.notebook.cells)
        await until(lambda: "9" in text_of(session.outputs_of(second)))
        await session.sidecar.writer.flush()
        assert (old.parent / "__reflow__" / "cache").is_dir()  # the persistent cache went beside the old file
        await session.save_as(new)
        await session.sidecar.writer.flush()
        beside_old = files(old.parent / "__reflow__")
        assert not any(k.startswith("journal/") for k in beside_old)  # the kernel's output journal moved too
        assert read_record(old) is None and read_record(new) is not None  # a reopen of the new file finds the kernel
        await handle(session, {"type": "run", "cells": [{"id": first, "code": "import reflow\n\nx = 7"}]})
        await until(lambda: "49" in text_of(session.outputs_of(second)))
        await session.sidecar.writer.flush()
        assert files(old.parent / "__reflow__") == beside_old  # nothing more beside the old file
        assert "x = 3" in old.read_text()
        data = SidecarStore(new).load().data
        assert data is not None and any("49" in text_of(r.outputs) for r in data.cells)
        assert any(k.startswith("cache/") for k in files(new.parent / "__reflow__"))  # the cache follows too
        await until(lambda: any(b"49" in v for k, v in files(new.parent / "__reflow__").items() if "journal/" in k))
        session.save()
    finally:
        await session.close()
    again = Session(new, autosave_delay=None)
    try:  # reopened: the outputs are there before any kernel runs
        shown = {c["id"]: text_of(c["outputs"]) for c in again.session_message()["cells"]}
        assert "49" in shown[again.notebook.cells[1].id]
    finally:
        await again.close()


@pytest.mark.uv
async def test_after_save_as_the_new_file_reuses_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from reflow_desktop.envs import layout, lock

    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    envs = tmp_path / "reflow-cache"
    old = tmp_path / "old" / "nb.py"
    old.parent.mkdir()
    old.write_text('# /// script\n# requires-python = ">=3.11"\n# dependencies = []\n# ///\n\n# %%\nimport sys\n')
    await asyncio.to_thread(lock, old)  # nb.py.lock: part of the environment's key
    new = tmp_path / "new" / "moved.py"
    new.parent.mkdir()

    def built() -> list[Path]:
        return sorted(p for p in layout.envs_dir(envs).iterdir() if layout.is_complete(p))

    session = Session(old, autosave_delay=None, environments=True, env_cache_root=envs)
    session.attach(Recorder())
    try:
        await asyncio.wait_for(session.start(), UV_WAIT)
        await until(lambda: session.kernel_state == "idle", UV_WAIT)
        python = session.kernel_python
        assert len(built()) == 1
        await session.save_as(new)
        assert (new.parent / "moved.py.lock").read_bytes() == (old.parent / "nb.py.lock").read_bytes()
        assert session.packages.message()["locked"] is True
    finally:
        await session.close()
    usage = layout.read_json(built()[0] / layout.USAGE)
    assert usage["notebooks"][0] == str(new.resolve())  # `reflow envs list` names the new file
    again = Session(new, autosave_delay=None, environments=True, env_cache_root=envs)
    rec = Recorder()
    again.attach(rec)
    try:
        await asyncio.wait_for(again.start(), UV_WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", timeout=UV_WAIT)
        assert again.kernel_python == python  # the same environment, not a rebuild
        assert len(built()) == 1
    finally:
        await again.close()
