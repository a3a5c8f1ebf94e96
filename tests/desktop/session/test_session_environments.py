"""A session runs its kernel in the notebook's own uv environment (real uv, real PyPI)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from helpers import results_text

from reflow_desktop.session import Session

pytestmark = pytest.mark.uv
WAIT = 240.0  # a generous readiness wait for a real uv build; never a performance limit


@pytest.fixture(autouse=True)
def isolated_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))


def notebook(tmp_path: Path, deps: str) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = [{deps}]\n# ///\n\n'
        "# %%\nimport sys, six\n\n# %%\n(six.__name__, sys.prefix)\n"
    )
    return path


async def test_kernel_runs_in_the_notebooks_environment(tmp_path: Path, recorder_class):
    path = notebook(tmp_path, '"six"')
    envs = tmp_path / "envs"
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=envs)
    rec = recorder_class()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "variables")
        second = session.notebook.cells[1].id
        shown = results_text(session.cache.get(second).outputs)
        assert "'six'" in shown
        assert str(envs.resolve()) in shown  # sys.prefix is the notebook's environment
        assert any(m["type"] == "env_progress" for m in rec.messages)
    finally:
        await session.close()


async def test_failed_build_reports_uvs_message_and_keeps_the_code(tmp_path: Path, recorder_class):
    path = notebook(tmp_path, '"this-package-does-not-exist-reflow-xyz"')
    before = path.read_bytes()
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=tmp_path / "envs")
    rec = recorder_class()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        dead = await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead")
        assert "this-package-does-not-exist-reflow-xyz" in dead["message"]
        notice = await rec.wait_for(lambda m: m["type"] == "notice" and m["level"] == "error")
        assert "environment could not be prepared" in notice["text"]
        assert session.session_message()["kernel"]["state"] == "dead"
        assert path.read_bytes() == before  # nothing touched
        assert session.notebook.cells[0].source == "import sys, six"
    finally:
        await session.close()


async def test_fixing_the_block_then_restart_starts_the_kernel(tmp_path: Path, recorder_class):
    path = notebook(tmp_path, '"this-package-does-not-exist-reflow-xyz"')
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=tmp_path / "envs")
    rec = recorder_class()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead")
        path.write_text(path.read_text().replace('"this-package-does-not-exist-reflow-xyz"', '"six"'))
        mark = rec.mark()
        await asyncio.wait_for(session.restart(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
        assert session.kernel.pid is not None and os.path.exists(f"/proc/{session.kernel.pid}")
    finally:
        await session.close()
