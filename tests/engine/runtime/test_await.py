"""Top-level ``await`` in cells (as in Jupyter), with and without a running event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

from reflow.runtime import CollectingSink, Runtime


def make(*cells: tuple[str, str]) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def test_awaited_value_is_a_definition_another_cell_reads():
    rt, sink = make(("a", "import asyncio\nawait asyncio.sleep(0)\nv = await asyncio.sleep(0.001, result=41)"),
                    ("b", "w = v + 1\nw"))
    assert sink.errors == {}
    assert rt.namespace["v"] == 41 and sink.outputs["b"] == 42
    assert rt.graph.children("a") == {"b"}


def test_awaited_last_expression_is_the_output_and_async_for_with_work():
    code = ("import asyncio, contextlib\n"
            "@contextlib.asynccontextmanager\n"
            "async def opened():\n    yield 'res'\n"
            "async def numbers():\n    for i in range(3):\n        await asyncio.sleep(0)\n        yield i\n"
            "async with opened() as r:\n    got = r\n"
            "total = 0\n"
            "async for n in numbers():\n    total += n\n"
            "squares = [await asyncio.sleep(0, result=i * i) for i in range(3)]\n"
            "await asyncio.sleep(0, result=(got, total, squares))")
    _rt, sink = make(("a", code))
    assert sink.errors == {}
    assert sink.outputs["a"] == ("res", 3, [0, 1, 4])


def test_exception_from_an_awaited_coroutine_is_the_cells_error():
    _rt, sink = make(("a", "async def boom():\n    raise KeyError('k')\nx = await boom()"), ("b", "y = x"))
    assert sink.errors["a"].ename == "KeyError"
    assert "boom" in (sink.errors["a"].traceback or "")
    assert sink.last_status("b") == "ancestor-error"


def test_a_task_started_in_one_cell_is_awaited_in_another():
    rt, sink = make(("a", "import asyncio\nasync def work():\n    await asyncio.sleep(0)\n    return 7\n"
                          "task = asyncio.ensure_future(work())"),
                    ("b", "result = await task"))
    assert sink.errors == {}
    assert rt.namespace["result"] == 7


def test_cells_await_while_the_caller_runs_its_own_event_loop():
    """The kernel calls the runtime from a handler on its running asyncio loop."""
    async def host() -> tuple[Runtime, CollectingSink]:
        return make(("a", "import asyncio\nv = await asyncio.sleep(0, result='ok')"), ("b", "w = v * 2"))

    rt, sink = asyncio.run(host())
    assert sink.errors == {}
    assert rt.namespace["w"] == "okok"


def test_interrupting_an_awaiting_cell_cancels_it_and_the_runtime_stays_usable():
    rt, sink = make(("a", "x = 1"))
    started = threading.Event()
    rt.namespace["__started"] = started
    rt.namespace["__cleaned"] = cleaned = []
    rt.edit_cell("s", "import asyncio\nasync def slow():\n    try:\n"
                      "        __started.set()\n        await asyncio.sleep(60)\n"
                      "    finally:\n        __cleaned.append(True)\n"
                      "await slow()\nslow_done = 1")
    rt.edit_cell("after", "y = slow_done + x")
    # A real SIGINT, as the kernel's interrupt sends: it wakes the event loop's select().
    timer = threading.Thread(target=lambda: (started.wait(30), os.kill(os.getpid(), signal.SIGINT)))
    timer.start()
    rt.run_cells(["s"])
    timer.join()
    assert sink.last_status("s") == "interrupted"
    assert sink.last_status("after") == "cancelled"
    assert cleaned == [True], "the awaiting coroutine was cancelled and cleaned up"
    rt.edit_cell("s", "import asyncio\nslow_done = await asyncio.sleep(0, result=2)")
    rt.run_cells(["s"])
    assert rt.namespace["y"] == 3
