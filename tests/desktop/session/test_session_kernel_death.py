"""A dead kernel's report names the cell that was running (issue 16 item 10), for pages
connected at the time (`kernel` message) and pages that connect later (`session` message)."""

from __future__ import annotations

from helpers import code_ids, handle


async def test_death_at_once_names_the_cell_run(session, recorder):
    a, _ = code_ids(session)
    mark = recorder.mark()
    await session.handle({"type": "run", "cells": [{"id": a, "code": "import os; os._exit(1)"}]}, recorder)
    dead = await recorder.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead", mark)
    assert dead["cell"] == a
    assert session.session_message()["kernel"]["cell"] == a

    mark = recorder.mark()
    await session.handle({"type": "restart"}, recorder)
    idle = await recorder.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
    assert "cell" not in idle and "cell" not in session.session_message()["kernel"]


async def test_death_in_a_dependent_cell_names_that_cell(session, recorder):
    a, b = code_ids(session)
    await handle(session, {"type": "edit", "id": b, "code": "import os, time\ntime.sleep(0.3)\nos._exit(x)"})
    mark = recorder.mark()
    await session.handle({"type": "run", "cells": [{"id": a, "code": "x = 3"}]}, recorder)
    dead = await recorder.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead", mark)
    assert dead["cell"] == b  # b was running (it said so), not a, the cell asked for
    assert session.cache.get(b).status == "interrupted"


async def test_completions_without_a_kernel_are_answered_at_once_with_none(session, recorder):
    """Typing while the kernel is dead (or starting): the page gets an empty answer at once and shows the
    language server's names, instead of waiting out its request for an answer that never came."""
    a, _ = code_ids(session)
    mark = recorder.mark()
    await session.handle({"type": "run", "cells": [{"id": a, "code": "import os; os._exit(1)"}]}, recorder)
    await recorder.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead", mark)
    mark = recorder.mark()
    await session.handle({"type": "complete", "request_id": "r1", "id": a, "code": "import o", "cursor": 8}, recorder)
    got = await recorder.wait_for(lambda m: m.get("request_id") == "r1" or m["type"] == "error", mark)
    assert got["type"] == "complete_reply" and got["matches"] == []
    await session.handle({"type": "inspect", "request_id": "r2", "id": a, "code": "os", "cursor": 2}, recorder)
    got = await recorder.wait_for(lambda m: m.get("request_id") == "r2" or m["type"] == "error", mark)
    assert got["type"] == "inspect_reply" and got["found"] is False
