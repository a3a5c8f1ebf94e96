"""The Packages panel's server side with real uv and small real PyPI packages.

Adding/removing/locking edits the notebook's block through uv, keeps the cells'
text byte for byte, and restarts the kernel only into an environment that built;
a failure leaves the file, the environment and the running kernel alone.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from helpers import results_text

from reflow_desktop.session import Session

pytestmark = pytest.mark.uv
WAIT = 240.0  # a generous readiness wait for a real uv build; never a performance limit

CELLS = "# %%\nimport sys\n\n# %%   hide_code=true\nx = 41 + 1\nx\n\n# %% [markdown]\n# Some   *text*\n"


@pytest.fixture(autouse=True)
def isolated_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))


def notebook(tmp_path: Path, deps: str = "", cells: str = CELLS) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(f'# /// script\n# requires-python = ">=3.11"\n# dependencies = [{deps}]\n# ///\n\n{cells}')
    return path


def cells_text(path: Path) -> str:
    """Everything after the PEP 723 block."""
    return path.read_text().split("# ///\n", 1)[1]


async def started(path: Path, tmp_path: Path, recorder_class) -> tuple[Session, object]:
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=tmp_path / "envs")
    rec = recorder_class()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle")
    return session, rec


async def run_cell(session: Session, rec, code: str) -> list[dict]:
    """Edit the first cell to `code`, run it, return its outputs."""
    cid = session.notebook.cells[0].id
    fut = await session.handle({"type": "run", "cells": [{"id": cid, "code": code}]}, rec)
    await asyncio.wait_for(fut, WAIT)
    return session.cache.get(cid).outputs


async def ask(session: Session, rec, msg: dict) -> None:
    await asyncio.wait_for(session.handle(msg, rec), WAIT)


async def test_add_package_edits_block_keeps_cells_and_restarts_into_new_env(tmp_path, recorder_class):
    path = notebook(tmp_path)
    body = cells_text(path)
    session, rec = await started(path, tmp_path, recorder_class)
    try:
        old_python = session.kernel.python
        # an unsaved edit of another cell survives the package edit
        second = session.notebook.cells[1]
        await session.handle({"type": "edit", "id": second.id, "code": "x = 40 + 2\nx"}, rec)
        mark = rec.mark()
        await ask(session, rec, {"type": "package_add", "requirement": "six"})
        assert "six" in path.read_text().split("# ///\n", 1)[0]
        assert cells_text(path) == body.replace("x = 41 + 1", "x = 40 + 2")  # saved first, cells intact
        assert [d.split(">")[0] for d in session.notebook.metadata.dependencies] == ["six"]  # uv adds >=X
        assert [c.source for c in session.notebook.cells][1] == "x = 40 + 2\nx"
        assert session.kernel.python != old_python
        assert any(m["type"] == "env_progress" for m in rec.messages[mark:])
        pk = [m for m in rec.messages[mark:] if m["type"] == "packages"][-1]
        assert pk["dependencies"] == session.notebook.metadata.dependencies and pk["env"]["state"] == "ready"
        assert pk["env"]["path"] == str(Path(session.kernel.python).parent.parent)
        assert pk["locked"] is False
        outputs = await run_cell(session, rec, "import six\nsix.__name__")
        assert "'six'" in results_text(outputs)
        # saving again after the edit keeps the block uv wrote
        session.save()
        assert "six" in path.read_text().split("# ///\n", 1)[0]
    finally:
        await session.close()


async def test_unresolvable_package_changes_nothing(tmp_path, recorder_class):
    path = notebook(tmp_path)
    before = path.read_bytes()
    session, rec = await started(path, tmp_path, recorder_class)
    try:
        pid = session.kernel.pid
        mark = rec.mark()
        await ask(session, rec, {"type": "package_add", "requirement": "this-package-does-not-exist-reflow-xyz"})
        notice = await rec.wait_for(lambda m: m["type"] == "notice" and m["level"] == "error", mark)
        assert "this-package-does-not-exist-reflow-xyz" in notice["text"]
        lines = [m["line"] for m in rec.messages[mark:] if m["type"] == "env_progress"]
        assert any("this-package-does-not-exist-reflow-xyz" in line for line in lines)
        pk = [m for m in rec.messages[mark:] if m["type"] == "packages"][-1]
        assert pk["env"]["state"] == "failed" and "this-package-does-not-exist" in pk["env"]["message"]
        assert path.read_bytes() == before
        assert session.kernel.pid == pid and os.path.exists(f"/proc/{pid}")
        assert "42" in results_text(await run_cell(session, rec, "41 + 1"))
    finally:
        await session.close()


async def test_remove_and_lock(tmp_path, recorder_class):
    path = notebook(tmp_path, '"six", "iniconfig"')
    session, rec = await started(path, tmp_path, recorder_class)
    try:
        old_python = session.kernel.python
        await ask(session, rec, {"type": "package_remove", "name": "six"})
        assert session.notebook.metadata.dependencies == ["iniconfig"]
        assert '"six"' not in path.read_text()
        assert session.kernel.python != old_python
        text = results_text(
            await run_cell(
                session,
                rec,
                "import importlib.util\n"
                "(importlib.util.find_spec('six') is None, "
                "importlib.util.find_spec('iniconfig') is not None)",
            )
        )
        assert "(True, True)" in text
        mark = rec.mark()
        await ask(session, rec, {"type": "packages_lock"})
        lock = tmp_path / "nb.py.lock"
        assert lock.is_file() and "iniconfig" in lock.read_text()
        pk = [m for m in rec.messages[mark:] if m["type"] == "packages"][-1]
        assert pk["locked"] is True and pk["env"]["state"] == "ready"
        rec_pk = []
        await session.handle({"type": "packages_get"}, rec_pk.append)
        assert rec_pk[0]["dependencies"] == ["iniconfig"] and rec_pk[0]["locked"] is True
    finally:
        await session.close()


async def test_rebuild_restarts_the_kernel(tmp_path, recorder_class):
    path = notebook(tmp_path, '"six"')
    session, rec = await started(path, tmp_path, recorder_class)
    try:
        pid = session.kernel.pid
        mark = rec.mark()
        await ask(session, rec, {"type": "env_rebuild"})
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
        assert session.kernel.pid != pid
        assert "'six'" in results_text(await run_cell(session, rec, "import six\nsix.__name__"))
    finally:
        await session.close()


async def test_module_not_found_offers_install_and_rerun_works(tmp_path, recorder_class):
    path = notebook(tmp_path)
    session, rec = await started(path, tmp_path, recorder_class)
    try:
        outputs = await run_cell(session, rec, "import yaml")
        err = next(o["error"] for o in outputs if o["kind"] == "error")
        assert err["install"]["package"] == "pyyaml" and err["install"]["module"] == "yaml"
        assert err["install"]["cell"] == session.notebook.cells[0].id

        outputs = await run_cell(session, rec, "import iniconfig\niniconfig.__name__")
        err = next(o["error"] for o in outputs if o["kind"] == "error")
        hint = err["install"]
        assert hint["package"] == "iniconfig"
        mark = rec.mark()
        await ask(session, rec, {"type": "package_add", "requirement": hint["package"], "rerun": [hint["cell"]]})
        await rec.wait_for(
            lambda m: m["type"] == "cell_output" and m["id"] == hint["cell"] and m["output"]["kind"] == "data", mark
        )
        assert "'iniconfig'" in results_text(session.cache.get(hint["cell"]).outputs)
        assert [d.split(">")[0] for d in session.notebook.metadata.dependencies] == ["iniconfig"]
    finally:
        await session.close()
