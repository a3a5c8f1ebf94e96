"""Pages see each other's structural changes as transactions, not as full cell lists (real kernel)."""

from __future__ import annotations

import asyncio
from typing import Any

from reflow_desktop.session import Session

WAIT = 60.0  # readiness wait, never a performance limit
Recorder = Any  # conftest's Recorder (the `recorder_class` fixture): a client recording what it receives


async def send(session: Session, page: Recorder, msg: dict) -> None:
    """``msg`` from ``page`` (its replies go to it, as the server's WebSocket handler does)."""
    fut = await session.handle(msg, page)
    if fut is not None:
        await asyncio.wait_for(fut, WAIT)


def of_type(page: Recorder, mtype: str, mark: int = 0) -> list[dict]:
    return [m for m in page.messages[mark:] if m["type"] == mtype]


async def test_a_structural_change_reaches_the_other_page_as_the_transaction(
    session: Session, recorder_class: type
) -> None:
    page, other = recorder_class(), recorder_class()
    session.attach(page)
    session.attach(other)
    start = other.messages[0]["doc_version"]
    assert page.messages[0]["doc_version"] == start == session.document.version
    mark_page, mark_other = page.mark(), other.mark()
    a, b, md = (c.id for c in session.notebook.cells)

    await send(session, page, {"type": "create_cell", "id": "n1", "index": 1, "kind": "code", "code": "z = 3"})
    await send(session, page, {"type": "move_cell", "id": md, "index": 0})
    await send(session, page, {"type": "set_kind", "id": b, "kind": "markdown"})
    await send(session, page, {"type": "set_options", "id": a, "options": {"hide_code": True}})
    await send(session, page, {"type": "edit", "id": "n1", "code": "z = 4"})
    await send(session, page, {"type": "delete_cell", "id": a})

    seen = of_type(other, "transaction_applied", mark_other)
    assert [m["version"] for m in seen] == list(range(start + 1, start + 7))
    assert [[c["op"] for c in m["changes"]] for m in seen] == [
        ["create"],
        ["move"],
        ["set_kind"],
        ["set_options"],
        ["set_code"],
        ["delete"],
    ]
    assert seen[0]["changes"][0] == {
        "op": "create",
        "id": "n1",
        "index": 1,
        "kind": "code",
        "code": "z = 3",
        "options": {},
    }
    assert seen[4]["changes"][0] == {"op": "set_code", "id": "n1", "code": "z = 4"}
    assert all(m["source"] == "ui" and "mine" not in m for m in seen)
    assert not of_type(other, "cells", mark_other)  # no full cell list any more
    mine = of_type(page, "transaction_applied", mark_page)
    assert [m["version"] for m in mine] == [m["version"] for m in seen] and all(m["mine"] is True for m in mine)
    assert [c.id for c in session.notebook.cells] == [md, "n1", b]
    assert session.document.version == start + 6


async def test_a_transaction_message_is_broadcast_whole_and_a_failed_one_not_at_all(
    session: Session, recorder_class: type
) -> None:
    page, other = recorder_class(), recorder_class()
    session.attach(page)
    session.attach(other)
    a = session.notebook.cells[0].id
    mark = other.mark()
    changes = [
        {"op": "create", "id": "t1", "index": 0, "kind": "markdown", "code": "# hi"},
        {"op": "move", "id": a, "index": 2},
    ]
    await send(session, page, {"type": "transaction", "changes": changes})
    [msg] = of_type(other, "transaction_applied", mark)
    assert msg["changes"] == [{**changes[0], "options": {}}, changes[1]] and msg["version"] == session.document.version

    mark, version = other.mark(), session.document.version
    await send(session, page, {"type": "transaction", "changes": [{"op": "delete", "id": "no-such-cell"}]})
    assert of_type(page, "error")[-1]["text"].startswith("transaction:")
    assert not of_type(other, "transaction_applied", mark) and session.document.version == version


async def test_resync_answers_the_cells_at_the_current_version(session: Session, recorder_class: type) -> None:
    page = recorder_class()
    session.attach(page)
    await send(session, page, {"type": "create_cell", "id": "r1", "index": 0, "kind": "code", "code": "q = 1"})
    mark = page.mark()
    await send(session, page, {"type": "resync"})
    [cells] = of_type(page, "cells", mark)
    assert cells["doc_version"] == session.document.version
    assert [c["id"] for c in cells["cells"]] == [c.id for c in session.notebook.cells]
    assert cells["cells"][0]["code"] == "q = 1"


async def test_a_read_only_page_may_resync(nb_path, recorder_class: type) -> None:
    s = Session(nb_path, read_only=True, autosave_delay=None)
    page = recorder_class()
    s.attach(page)
    await s.handle({"type": "resync"}, page)
    assert of_type(page, "cells")[-1]["doc_version"] == s.document.version
    assert not of_type(page, "error")
