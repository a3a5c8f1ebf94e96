"""Completions and inspections run on a kernel subshell (session/side_shell.py): never ahead of a run.

The completion below can only finish once a run has started: listing ``gate``'s attributes
waits for the run to open it. On the kernel's one shell queue the run would wait for the
completion (and the completion for the run): the run's ``running`` comes first only when
they take separate paths. Ordered by events, not timed.
"""

from __future__ import annotations

import asyncio

from helpers import code_ids, handle, until

GATE = """\
import threading
opened = threading.Event()
class Gate:
    def __dir__(self):
        opened.wait(60)  # until the run below opens it
        return ["through_the_gate"]
gate = Gate()
"""


async def test_a_run_sent_after_a_completion_starts_before_the_completion_ends(session, recorder):
    a, b = code_ids(session)
    await handle(session, {"type": "run", "cells": [{"id": a, "code": GATE}]})
    # the first completion creates the subshell (and imports the completer)
    await session.handle({"type": "complete", "request_id": "warm", "id": a, "code": "import o", "cursor": 8}, recorder)
    await recorder.wait_for(lambda m: m["type"] == "complete_reply" and m["request_id"] == "warm")

    mark = recorder.mark()
    completing = asyncio.ensure_future(
        session.handle({"type": "complete", "request_id": "c", "id": b, "code": "gate.", "cursor": 5}, recorder)
    )
    await until(lambda: bool(session.kernel._replies))  # the completion request is with the kernel
    await handle(session, {"type": "run", "cells": [{"id": b, "code": "opened.set()"}]})
    reply = await recorder.wait_for(lambda m: m["type"] == "complete_reply" and m["request_id"] == "c", mark)
    await completing
    assert "through_the_gate" in reply["matches"]
    seen = recorder.messages[mark:]
    running = next(
        i
        for i, m in enumerate(seen)
        if m.get("type") == "cell_status" and m.get("id") == b and m["status"] == "running"
    )
    assert running < seen.index(reply), "the run waited for the completion"


async def test_inspect_works_on_the_subshell_too(session, recorder):
    a, _ = code_ids(session)
    await session.handle({"type": "inspect", "request_id": "i", "id": a, "code": "len", "cursor": 3}, recorder)
    reply = await recorder.wait_for(lambda m: m["type"] == "inspect_reply")
    assert reply["found"] and "Return the number of items" in reply["text"]
    assert session.kernel._side is not None and await session.kernel._side.subshell_id() is not None
