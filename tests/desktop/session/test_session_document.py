"""The session's structural handlers speak one transaction (real kernel, real files)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import WAIT, handle, text_of

from reflow.notebook import parse_notebook
from reflow_desktop.session import Session
from reflow_desktop.sidecar.store import SidecarStore


def shape(session: Session) -> list[tuple[str, str, str]]:
    return [(c.id, c.kind, c.source) for c in session.notebook.cells]


async def test_set_kind_keeps_the_cell_its_outputs_and_the_file_follows(session, nb_path, recorder):
    second = session.notebook.cells[1].id
    await handle(session, {"type": "run_all"})
    assert text_of(session.cache.get(second).outputs) == "2"
    await handle(session, {"type": "set_kind", "id": second, "kind": "markdown"})
    cell = session.notebook.cells[1]
    assert (cell.id, cell.kind) == (second, "markdown")
    assert text_of(session.cache.get(second).outputs) == "2"  # same cell, same outputs
    # the other page (the recorder) gets the transaction itself, with the document's version
    applied = [m for m in recorder.messages if m["type"] == "transaction_applied"][-1]
    assert applied["changes"] == [{"op": "set_kind", "id": second, "kind": "markdown"}]
    assert applied["version"] == session.document.version and "mine" not in applied
    session.save()
    assert [c.kind for c in parse_notebook(nb_path.read_text()).cells] == ["code", "markdown", "markdown"]
    await handle(session, {"type": "set_kind", "id": second, "kind": "code"})
    await handle(session, {"type": "run", "cells": [{"id": second}]})
    assert text_of(session.cache.get(second).outputs).endswith("2")


async def test_a_transaction_applies_all_or_nothing(session, recorder):
    first, second, third = (c.id for c in session.notebook.cells)
    await handle(
        session,
        {
            "type": "transaction",
            "changes": [
                {"op": "create", "id": "n1", "index": 0, "kind": "code", "code": "z = 10\nz"},
                {"op": "move", "id": third, "index": 1},
            ],
        },
    )
    assert [c.id for c in session.notebook.cells] == ["n1", third, first, second]
    await handle(session, {"type": "run", "cells": [{"id": "n1"}]})
    assert text_of(session.cache.get("n1").outputs) == "10"  # the kernel has the new cell too

    before = shape(session)
    replies: list[dict] = []
    await handle(
        session,
        {
            "type": "transaction",
            "changes": [
                {"op": "set_code", "id": first, "code": "x = 99"},
                {"op": "delete", "id": "no-such-cell"},
            ],
        },
        replies.append,
    )
    assert shape(session) == before
    assert replies and replies[-1]["type"] == "error" and "no-such-cell" in replies[-1]["text"]


async def test_a_bad_move_index_is_an_error_and_loses_no_cell(session):
    before = shape(session)
    for bad in (
        {"type": "move_cell", "id": before[0][0], "index": "2x"},
        {"type": "transaction", "changes": [{"op": "move", "id": before[0][0], "index": 9}]},
    ):
        replies: list[dict] = []
        await handle(session, bad, replies.append)
        assert replies and replies[-1]["type"] == "error"
        assert shape(session) == before


async def test_save_as_moves_the_file_and_the_outputs_follow(nb_path: Path, tmp_path: Path):
    s = Session(nb_path, autosave_delay=None)
    await asyncio.wait_for(s.start(), WAIT)
    target = tmp_path / "elsewhere" / "copy.py"
    target.parent.mkdir()
    try:
        await handle(s, {"type": "run_all"})
        await s.save_as(target)
        assert s.path == target.resolve() and target.read_text() == nb_path.read_text()
        assert s.session_message()["path"] == str(target.resolve())
        await s.sidecar.writer.flush()
        data = SidecarStore(target).load().data  # the outputs landed beside the new file
        assert data is not None and any(text_of(r.outputs) == "2" for r in data.cells)
        first = s.notebook.cells[0].id
        await handle(s, {"type": "run", "cells": [{"id": first, "code": "x = 5"}]})
        s.save()
    finally:
        await s.close()
    assert "x = 5" in target.read_text() and "x = 5" not in nb_path.read_text()
    data = SidecarStore(target).load().data
    assert data is not None and any(text_of(r.outputs) == "6" for r in data.cells)


async def test_pause_autosave_holds_saves_without_changing_the_delay(nb_path: Path):
    s = Session(nb_path, autosave_delay=0.01)
    seen: list[dict] = []
    saved = asyncio.Event()
    s.attach(lambda m: (seen.append(m), saved.set() if m["type"] == "saved" else None))
    try:
        first = s.notebook.cells[0].id
        with s.pause_autosave():
            await handle(s, {"type": "edit", "id": first, "code": "x = 3"})
            assert s.dirty and s.autosave_delay == 0.01
            assert s.saves.entry("notebook").timer is None  # nothing armed while paused
        await asyncio.wait_for(saved.wait(), WAIT)
        assert "x = 3" in nb_path.read_text() and not s.dirty
    finally:
        await s.close()
