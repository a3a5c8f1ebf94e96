"""Drop data in with a real uv environment: the reader's package goes into the notebook's PEP 723
block through the Packages flow (uv add --script, build, restart), then the loader runs in the new
environment; a second drop needing nothing new adds nothing. Uses PyPI (pandas): kept to one test."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from helpers import Recorder

from reflow_desktop.dropdata.insert import drop_files
from reflow_desktop.session import Session

pytestmark = pytest.mark.uv
WAIT = 600.0  # a generous readiness wait for a real uv build with pandas; never a performance limit
UI_MIME = "application/vnd.reflow.ui+json"

NOTEBOOK = '# /// script\n# requires-python = ">=3.11"\n# dependencies = []\n# ///\n\n# %%\nx = 1\n'


def table_total(msg: dict[str, Any]) -> int | None:
    out = msg.get("output") or {}
    payload = (out.get("data") or {}).get(UI_MIME) if out.get("kind") == "data" else None
    return payload["props"]["total"] if isinstance(payload, dict) and payload.get("kind") == "table" else None


@pytest.fixture(autouse=True)
def no_python_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")


async def test_drop_adds_the_reader_package_then_runs_in_the_new_environment(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    (tmp_path / "first.csv").write_text("a,b\n1,2\n3,4\n5,6\n")
    (tmp_path / "second.csv").write_text("a\n7\n")
    session = Session(nb, autosave_delay=None, environments=True, env_cache_root=tmp_path / "envs")
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", timeout=WAIT)
        old_python = session.kernel.python
        mark = rec.mark()
        [first] = await asyncio.wait_for(drop_files(session, [str(tmp_path / "first.csv")], None, "pandas"), WAIT)
        assert first.cell_id is not None
        await rec.wait_for(
            lambda m: m["type"] == "cell_output" and m["id"] == first.cell_id and table_total(m) == 3, mark, WAIT
        )
        block = nb.read_text().split("# ///\n", 1)[0]
        assert [d.split(">")[0] for d in session.notebook.metadata.dependencies] == ["pandas"]  # uv adds >=X
        assert "pandas" in block
        assert session.kernel.python != old_python  # restarted into the notebook's new environment
        assert any(m["type"] == "env_progress" for m in rec.messages[mark:])
        assert 'first = pd.read_csv(r"first.csv")' in nb.read_text()  # saved before uv edited the file

        # pandas is there now: nothing to add, no build, the cell just runs
        python = session.kernel.python
        mark = rec.mark()
        [second] = await drop_files(session, [str(tmp_path / "second.csv")], first.cell_id, "pandas")
        assert second.cell_id is not None and second.loader is not None and "import" not in second.loader.code
        await rec.wait_for(
            lambda m: m["type"] == "cell_output" and m["id"] == second.cell_id and table_total(m) == 1, mark, WAIT
        )
        assert not any(m["type"] == "env_progress" for m in rec.messages[mark:])
        assert [d.split(">")[0] for d in session.notebook.metadata.dependencies] == ["pandas"]
        assert session.kernel.python == python
        ids = [c.id for c in session.notebook.cells]
        assert ids.index(second.cell_id) == ids.index(first.cell_id) + 1
    finally:
        await session.close()
