"""Which file opening a path edits (session/opening.py, issue 16 items 1 and 9).

A path that does not exist yet is a new notebook written at once, so it gets everything an existing
notebook gets (its own environment, trust, the watcher); a shipped example opens as the user's copy.
The environment case builds a real uv environment (marker ``uv``).
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from pathlib import Path

import pytest
from helpers import WAIT, Recorder, results_text, until

from reflow.notebook import read_notebook
from reflow_desktop.session import Session
from reflow_desktop.session.opening import NotebookCreateError, create_notebook_file, example_copy
from reflow_desktop.trust.check import assess

UV_WAIT = 240.0  # a real uv build; a readiness wait, never a performance limit


# --- a new file --------------------------------------------------------------------------------
def test_create_notebook_file_writes_one_empty_code_cell_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "new.py"
    assert create_notebook_file(path) is True
    nb = read_notebook(path)
    assert [(c.kind, c.source) for c in nb.cells] == [("code", "")]
    path.write_text("# %%\nx = 1\n")
    assert create_notebook_file(path) is False
    assert path.read_text() == "# %%\nx = 1\n"
    with pytest.raises(NotebookCreateError, match="no-such-folder"):
        create_notebook_file(tmp_path / "no-such-folder" / "nb.py")


async def test_a_session_on_a_path_not_there_yet_writes_the_notebook_at_once(
    tmp_path: Path, untrusted_user: Path
) -> None:
    path = tmp_path / "new.py"
    session = Session(path, autosave_delay=None)
    try:
        assert path.is_file()  # before any edit or save: a notebook like any other from now on
        assert [c.source for c in session.notebook.cells] == [""]
        assert session.trust.state.status == "trusted"
    finally:
        await session.close()
    # the user's own: reopened (nothing was edited, nothing saved) it runs, no safe preview
    assert assess(path, read_notebook(path)).status == "trusted"


async def test_a_read_only_session_on_a_missing_path_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing.py"
    session = Session(path, read_only=True, autosave_delay=None)
    try:
        assert not path.exists()
    finally:
        await session.close()
    assert not path.exists()


@pytest.mark.uv
async def test_a_new_file_gets_its_own_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`reflow edit new.py`: the kernel runs in the notebook's uv environment, the Packages panel is ready."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    envs = tmp_path / "envs"
    path = tmp_path / "new.py"
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=envs)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), UV_WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", timeout=UV_WAIT)
        assert Path(session.kernel_python) != Path(sys.executable)
        assert Path(session.kernel_python).absolute().is_relative_to(envs.absolute())
        env = session.packages.message()["env"]
        assert env["state"] == "ready" and Path(env["path"]).absolute().is_relative_to(envs.absolute())
        cid = session.notebook.cells[0].id
        fut = await session.handle({"type": "run", "cells": [{"id": cid, "code": "import sys\nsys.prefix"}]}, rec)
        await asyncio.wait_for(fut, WAIT)
        await until(lambda: str(envs.absolute()) in results_text(session.outputs_of(cid)))
    finally:
        await session.close()


# --- shipped examples ------------------------------------------------------------------------------
@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """An install's examples folder: read-only files, as a system-wide install has them."""
    d = tmp_path / "install" / "examples"
    d.mkdir(parents=True)
    ex = d / "intro.py"
    ex.write_text("# %%\nx = 1\n")
    ex.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return d


def test_a_shipped_example_opens_as_the_users_copy(shipped: Path, tmp_path: Path) -> None:
    copies = tmp_path / "data" / "examples"
    got = example_copy(shipped / "intro.py", shipped=[shipped], copies=copies)
    assert got is not None and got.path == copies / "intro.py"
    assert got.path.read_text() == "# %%\nx = 1\n"
    assert os.access(got.path, os.W_OK) and got.path.stat().st_mode & stat.S_IWUSR  # the user's to edit
    assert "original is unchanged" in got.notice and str(got.path) in got.notice
    # edits to the copy are kept: opening the example again opens them, the original untouched
    got.path.write_text("# %%\nx = 2\n")
    again = example_copy(shipped / "intro.py", shipped=[shipped], copies=copies)
    assert again is not None and again.path.read_text() == "# %%\nx = 2\n" and "your edits" in again.notice
    assert (shipped / "intro.py").read_text() == "# %%\nx = 1\n"


def test_other_files_are_opened_as_they_are(shipped: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.py"
    mine.write_text("# %%\n")
    copies = tmp_path / "data" / "examples"
    assert example_copy(mine, shipped=[shipped], copies=copies) is None
    assert example_copy(shipped / "missing.py", shipped=[shipped], copies=copies) is None
    assert not copies.exists()


def test_the_checkouts_examples_count_as_shipped() -> None:
    from reflow_desktop.session.opening import shipped_example_dirs

    root = Path(__file__).resolve().parents[3]
    assert (root / "examples").resolve() in shipped_example_dirs()


async def test_a_session_on_the_copy_never_writes_beside_the_example(shipped: Path, tmp_path: Path) -> None:
    copies = tmp_path / "data" / "examples"
    got = example_copy(shipped / "intro.py", shipped=[shipped], copies=copies)
    assert got is not None
    session = Session(got.path, autosave_delay=0.01)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        cid = session.notebook.cells[0].id
        fut = await session.handle({"type": "run", "cells": [{"id": cid, "code": "x = 3\nx"}]}, rec)
        await asyncio.wait_for(fut, WAIT)
        await rec.wait_for(lambda m: m["type"] == "saved")
        await session.sidecar.writer.flush()
    finally:
        await session.close()
    assert "x = 3" in got.path.read_text() and (copies / "__reflow__").is_dir()
    assert sorted(p.name for p in shipped.iterdir()) == ["intro.py"]
    assert (shipped / "intro.py").read_text() == "# %%\nx = 1\n"
