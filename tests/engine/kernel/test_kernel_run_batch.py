"""A run with the code the page shows is one comm message from the kernel: the edit's statuses, the
graph (only when it changed), the run's statuses and outputs, the variables and ``done`` (the
code-edit -> run path, issue 21)."""

from __future__ import annotations

from .conftest import batch_events


def _run_message(messages: list[dict]) -> dict:
    """The one message holding the run's events (``done`` may follow alone or close it)."""
    [run] = [m for m in messages if m.get("type") != "done"]
    return run


async def test_an_edited_run_is_one_message_without_the_unchanged_graph(one_window_kernel):
    kernel = one_window_kernel
    await kernel.open([("a", "x = 1"), ("b", "y = x + 1"), ("c", "y")])
    start = len(kernel.messages)
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": "x = 41"}]})
    events = batch_events(_run_message(kernel.messages[start:]))
    assert any(e["type"] == "cell_output" and e["id"] == "c" and "42" in str(e["output"]) for e in events)
    assert [e["status"] for e in events if e["type"] == "cell_status" and e["id"] == "c"][-1] == "idle"
    assert "variables" in {e["type"] for e in events}
    # the same names defined and read: the app's graph is still right, it is not sent again
    assert "graph" not in {e["type"] for e in events}


async def test_a_run_that_changes_the_graph_sends_it_before_the_run(one_window_kernel):
    kernel = one_window_kernel
    await kernel.open([("a", "x = 1"), ("b", "y = x + 1"), ("c", "y")])
    start = len(kernel.messages)
    await kernel.op({"type": "run", "cells": [{"id": "b", "code": "y = 2"}]})
    run = _run_message(kernel.messages[start:])
    types = [e["type"] for e in batch_events(run)]
    assert "graph" in types and types.index("graph") < types.index("cell_output")
    graph = next(e for e in batch_events(run) if e["type"] == "graph")
    assert graph["cells"]["b"]["refs"] == [] and graph["cells"]["a"]["children"] == []
