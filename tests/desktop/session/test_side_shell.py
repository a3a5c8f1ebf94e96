"""Completions and inspections run on a kernel subshell (session/side_shell.py): never ahead of a run.

The completion below can only finish once a run has started: listing ``gate``'s attributes
waits for the run to open it. On the kernel's one shell queue the run would wait for the
completion (and the completion for the run): the run's ``running`` comes first only when
they take separate paths. Ordered by events, not timed.
"""

from __future__ import annotations

import asyncio

from helpers import code_ids, handle, text_of, until

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


async def test_a_completion_superseded_while_it_waits_never_reaches_the_kernel(session, recorder):
    """Typing sends a completion per key: only the newest waiting one is asked (session/latest_only.py).

    ``Gate.__dir__`` counts how often the kernel is asked; the first request holds the subshell
    until a run opens the gate, two more come meanwhile: the older of them is answered "stale"
    (no matches) without reaching the kernel, the newer one gets the real answer.
    """
    a, b = code_ids(session)
    await handle(
        session,
        {
            "type": "run",
            "cells": [
                {
                    "id": a,
                    "code": GATE
                    + "asked = []\nGate.__dir__ = (lambda f: lambda s: asked.append(1) or f(s))(Gate.__dir__)\n",
                }
            ],
        },
    )
    await session.handle({"type": "complete", "request_id": "warm", "id": a, "code": "import o", "cursor": 8}, recorder)
    await recorder.wait_for(lambda m: m["type"] == "complete_reply" and m["request_id"] == "warm")

    mark = recorder.mark()
    ask = [
        asyncio.ensure_future(
            session.handle({"type": "complete", "request_id": rid, "id": b, "code": "gate.", "cursor": 5}, recorder)
        )
        for rid in ("first",)
    ]
    await until(lambda: bool(session.kernel._replies))  # the first is with the kernel, blocked in __dir__
    for rid in ("older", "newest"):
        ask.append(
            asyncio.ensure_future(
                session.handle({"type": "complete", "request_id": rid, "id": b, "code": "gate.", "cursor": 5}, recorder)
            )
        )
    older = await recorder.wait_for(lambda m: m["type"] == "complete_reply" and m["request_id"] == "older", mark)
    assert older["matches"] == []  # superseded: answered at once, never sent
    await handle(session, {"type": "run", "cells": [{"id": b, "code": "opened.set()"}]})
    newest = await recorder.wait_for(lambda m: m["type"] == "complete_reply" and m["request_id"] == "newest", mark)
    await asyncio.gather(*ask)
    assert "through_the_gate" in newest["matches"]
    await handle(session, {"type": "run", "cells": [{"id": b, "code": "print('asked', len(asked))"}]})
    await until(lambda: "asked 2" in text_of(session.outputs_of(b)))
