"""Top-level await, kept privates and star imports through a real reflow kernel process."""

from __future__ import annotations

import asyncio

from .test_kernel_comm import text_of


async def test_top_level_await_defines_a_value_another_cell_reads(kernel):
    await kernel.open([("a", "import asyncio\nawait asyncio.sleep(0)\nv = await asyncio.sleep(0.01, result=21)"),
                       ("b", "w = v * 2\nw")])
    assert kernel.last_status("a") == "idle" and kernel.last_status("b") == "idle"
    assert text_of(kernel.outputs("b")) == "42"
    mark = kernel.mark()
    code = "import asyncio\nv = await asyncio.sleep(0, result=5)"
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": code}]})
    assert text_of(kernel.outputs("b", mark)) == "10"


async def test_the_kernel_loop_still_serves_requests_after_await_cells(kernel):
    await kernel.open([("a", "import asyncio\nt = asyncio.ensure_future(asyncio.sleep(0, result='bg'))"),
                       ("b", "r = await t\nr")])
    assert text_of(kernel.outputs("b")) == "'bg'"
    kernel.kc.execute("1 + 1")  # an ordinary execute_request on the same kernel
    reply = await asyncio.wait_for(kernel.kc.get_shell_msg(), 60)
    while reply["header"]["msg_type"] != "execute_reply":
        reply = await asyncio.wait_for(kernel.kc.get_shell_msg(), 60)
    assert reply["content"]["status"] == "ok"


async def test_interrupting_an_awaiting_cell(kernel):
    await kernel.open([("s", "import asyncio\nprint('waiting', flush=True)\nawait asyncio.sleep(600)\ndone = 1"),
                       ("after", "x = done")], run=False)
    mark = kernel.mark()
    running = kernel.send({"type": "run", "cells": [{"id": "s"}]})
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e.get("id") == "s"
                            and "waiting" in e["output"].get("text", ""), mark)
    await kernel.km.interrupt_kernel()
    await asyncio.wait_for(running, 60)
    assert kernel.last_status("s") == "interrupted"
    code = "import asyncio\ndone = await asyncio.sleep(0, result=3)"
    await kernel.op({"type": "run", "cells": [{"id": "s", "code": code}]})
    assert kernel.last_status("after") == "idle"


async def test_privates_and_star_imports_in_the_kernel(kernel):
    await kernel.open([("a", "_k = 4\ndef times(x):\n    return x * _k"),
                       ("b", "print(times(2), sqrt(16))"),
                       ("c", "from math import *")])
    assert text_of(kernel.outputs("b")) == "8 4.0\n"
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "c"}]})
    assert text_of(kernel.outputs("b", mark)) == "8 4.0\n", "the star import's reader re-runs after it"
