"""The language server in a real session (real kernel, real pylsp): started by the page's `start`,
diagnostics broadcast as cells are edited, a rename applied through the normal edit path (the
changed cells run again), refused when read-only, hostile requests answered with a clear error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import pytest
from helpers import WAIT, Recorder, handle

from reflow_desktop.session import Session

NOTEBOOK = """\
# %%
print("scaled", amount * 3)

# %%
amount = 7

# %% [markdown]
# amount is used above
"""


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Session]:
    path = tmp_path / "nb.py"
    path.write_text(NOTEBOOK)
    s = Session(path, autosave_delay=None)
    await asyncio.wait_for(s.start(), WAIT)
    yield s
    await s.close()


def ask(op: str, cell: str, line: int = 0, character: int = 0, **extra: object) -> dict[str, object]:
    return {"type": "lsp_request", "request_id": f"r-{op}", "op": op, "id": cell, "line": line,
            "character": character, **extra}  # fmt: skip


async def reply_to(recorder: Recorder, op: str, mark: int) -> dict:
    return await recorder.wait_for(lambda m: m.get("type") == "lsp_reply" and m.get("op") == op, mark)


async def test_diagnostics_follow_edits_and_close_stops_the_server(session: Session) -> None:
    rec = Recorder()
    session.attach(rec)
    use, define = (c.id for c in session.notebook.cells[:2])
    mark = rec.mark()
    await handle(session, ask("start", use), rec)
    assert (await reply_to(rec, "start", mark))["ok"] is True
    first = await rec.wait_for(lambda m: m.get("type") == "lsp_diagnostics", mark)
    assert first["cells"] == {use: [], define: []}  # `amount` comes from the cell below: no error

    mark = rec.mark()
    await handle(session, {"type": "edit", "id": define, "code": "amount_renamed = 7"}, rec)
    got = await rec.wait_for(lambda m: m.get("type") == "lsp_diagnostics" and m["cells"].get(use), mark)
    assert [d["message"] for d in got["cells"][use]] == ["Undefined name `amount` (F821)"]
    assert got["cells"][use][0]["line"] == 0 and got["cells"][use][0]["character"] == 16

    pid = session.lsp.server.pid
    assert pid is not None and psutil.pid_exists(pid)
    await session.close()
    assert session.lsp.server.pid is None and not (psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie")


async def test_rename_edits_every_cell_and_runs_them(session: Session) -> None:
    rec = Recorder()
    session.attach(rec)
    use, define = (c.id for c in session.notebook.cells[:2])
    await rec.wait_for(lambda m: m.get("type") == "cell_output" and "scaled 21" in str(m))
    mark = rec.mark()
    await handle(session, ask("rename", define, 0, 2, new_name="quantity", code="amount = 7"), rec)
    answer = await reply_to(rec, "rename", mark)
    assert answer["ok"] is True and sorted(answer["changed"]) == sorted([use, define])
    assert [c.source for c in session.notebook.cells[:2]] == ['print("scaled", quantity * 3)', "quantity = 7"]
    assert session.notebook.cells[2].source == "amount is used above"  # markdown is not code
    applied = await rec.wait_for(lambda m: m.get("type") == "transaction_applied", mark)
    assert applied.get("mine", False) is False  # every page (the asking one too) shows the new code
    # the cells ran again with the new name: the reader printed once more, and no error came
    await rec.wait_for(lambda m: m.get("type") == "cell_output" and "scaled 21" in str(m), mark)
    assert not [m for m in rec.messages[mark:] if m.get("type") == "cell_output" and "Error" in str(m)]


async def test_hostile_and_refused_requests(session: Session, tmp_path: Path) -> None:
    rec = Recorder()
    session.attach(rec)
    use = session.notebook.cells[0].id
    mark = rec.mark()
    await handle(session, ask("rename", use, 0, 16, new_name="not a name"), rec)
    assert "not a Python name" in (await reply_to(rec, "rename", mark))["message"]
    mark = rec.mark()
    await handle(session, ask("hover", session.notebook.cells[2].id), rec)  # a markdown cell
    assert (await reply_to(rec, "hover", mark))["ok"] is False
    mark = rec.mark()
    await handle(session, {**ask("definition", use), "line": -4}, rec)
    assert "line" in (await rec.wait_for(lambda m: m.get("type") == "error", mark))["text"]

    viewer = Session(session.path, read_only=True, autosave_delay=None)
    try:
        mark = rec.mark()
        await viewer.handle(ask("rename", viewer.notebook.cells[0].id, 0, 16, new_name="total"), rec)
        answer = await reply_to(rec, "rename", mark)
        assert answer["ok"] is False and "read-only" in answer["message"]
        assert viewer.notebook.cells[0].source == 'print("scaled", amount * 3)'
    finally:
        await viewer.close()
