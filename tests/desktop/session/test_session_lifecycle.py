"""Session: real kernel lifecycle (run, interrupt, death, restart), saving, read-only."""

from __future__ import annotations

import asyncio
import os

from helpers import WAIT, code_ids, handle, text_of

from reflow_desktop.session import Session


async def test_open_runs_notebook_in_auto_mode(session, recorder):
    a, b = code_ids(session)
    await recorder.wait_for(lambda m: m["type"] == "variables")
    state = {c["id"]: c for c in session.cell_states()}
    assert text_of(state[b]["outputs"]) == "2"
    assert state[b]["parents"] == [a]
    assert state[b]["options"] == {"hide_code": True}


async def test_run_updates_cache_and_clients(session, recorder):
    a, b = code_ids(session)
    await handle(session, {"type": "run", "cells": [{"id": a, "code": "x = 20"}]})
    assert session.notebook.cells[0].source == "x = 20"
    assert text_of(session.cache.get(b).outputs) == "21"
    assert any(m["type"] == "cell_output" and m["id"] == b for m in recorder.messages)


async def test_interrupt_cancels_run(session, recorder):
    a, b = code_ids(session)
    mark = recorder.mark()
    loop = "print('looping', flush=True)\nwhile True: pass"
    fut = await session.handle({"type": "run", "cells": [{"id": a, "code": loop}]}, recorder)
    # The cell's own print proves its code is running (not just its status sent): interrupt now.
    await recorder.wait_for(
        lambda m: m.get("type") == "cell_output" and m["id"] == a and "looping" in m["output"].get("text", ""), mark
    )
    await session.handle({"type": "interrupt"}, recorder)
    await asyncio.wait_for(fut, WAIT)
    assert session.cache.get(a).status == "interrupted"
    await handle(session, {"type": "run", "cells": [{"id": a, "code": "x = 2"}]})
    assert text_of(session.cache.get(b).outputs) == "3"


async def test_kernel_death_is_reported_and_restart_keeps_code(session, recorder):
    a, b = code_ids(session)
    mark = recorder.mark()
    await session.handle({"type": "run", "cells": [{"id": a, "code": "import os; os._exit(1)"}]}, recorder)
    dead = await recorder.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead", mark)
    assert "died" in dead["message"]
    assert session.session_message()["kernel"]["state"] == "dead"

    mark = recorder.mark()
    await session.handle({"type": "restart"}, recorder)
    await recorder.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
    assert session.notebook.cells[0].source == "import os; os._exit(1)"  # code is not lost
    assert session.cache.get(b).outputs == []  # outputs are cleared
    await handle(session, {"type": "run", "cells": [{"id": a, "code": "x = 5"}]})
    assert text_of(session.cache.get(b).outputs) == "6"


async def test_save_is_atomic_and_keeps_untouched_cells(session, nb_path, recorder):
    a, _ = code_ids(session)
    before = nb_path.read_text()
    inode = os.stat(nb_path).st_ino
    await handle(session, {"type": "edit", "id": a, "code": "x = 3"})
    await session.handle({"type": "save"}, recorder)
    saved = await recorder.wait_for(lambda m: m["type"] == "saved")
    assert saved["path"] == str(nb_path)
    after = nb_path.read_text()
    assert after == before.replace("x = 1", "x = 3")  # the diff is the edit
    assert os.stat(nb_path).st_ino != inode  # replaced by rename, never rewritten in place
    # no temp files left (__reflow__/ is the outputs sidecar, written after runs)
    assert sorted(p.name for p in nb_path.parent.iterdir() if p.name != "__reflow__") == ["nb.py"]


async def test_structure_edits_are_saved(session, nb_path, recorder):
    _a, b = code_ids(session)
    await handle(session, {"type": "create_cell", "id": "new1", "index": 1, "kind": "code", "code": "z = x * 10\nz"})
    await handle(session, {"type": "run", "cells": [{"id": "new1"}]})
    assert text_of(session.cache.get("new1").outputs) == "10"
    await handle(session, {"type": "move_cell", "id": "new1", "index": 3})
    await handle(session, {"type": "delete_cell", "id": b})
    await handle(session, {"type": "save"})
    text = nb_path.read_text()
    assert "y = x + 1" not in text
    assert text.index("Some   *text*") < text.index("z = x * 10")
    assert "# %%   hide_code=true" not in text


async def test_complete_and_inspect_via_session(session, recorder):
    a, _ = code_ids(session)
    await recorder.wait_for(lambda m: m["type"] == "variables")
    await session.handle({"type": "complete", "request_id": "7", "id": a, "code": "import o", "cursor": 8}, recorder)
    reply = await recorder.wait_for(lambda m: m["type"] == "complete_reply")
    assert reply["request_id"] == "7" and "os" in reply["matches"]
    await session.handle({"type": "inspect", "request_id": "8", "id": a, "code": "len", "cursor": 3}, recorder)
    reply = await recorder.wait_for(lambda m: m["type"] == "inspect_reply")
    assert reply["found"] and "Return the number of items" in reply["text"]


async def test_read_only_session_refuses_edits(nb_path):
    session = Session(nb_path, read_only=True)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        replies: list[dict] = []
        for msg in (
            {"type": "edit", "id": "x", "code": "1"},
            {"type": "run", "cells": [{"id": "x", "code": "1"}]},
            {"type": "delete_cell", "id": "x"},
            {"type": "save"},
            {"type": "create_cell", "id": "n", "index": 0, "kind": "code", "code": ""},
        ):
            assert await session.handle(msg, replies.append) is None
        assert len(replies) == 5 and all(r["type"] == "error" and "read-only" in r["text"] for r in replies)
        assert session.session_message()["read_only"] is True
        fut = await session.handle({"type": "run_all"}, replies.append)
        await asyncio.wait_for(fut, WAIT)
    finally:
        await session.close()
