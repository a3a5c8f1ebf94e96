"""A run that learns ``from m import *`` names sends the UI a fresh graph (real kernel)."""

from __future__ import annotations


async def test_running_a_star_import_sends_the_graph_with_its_names(kernel):
    await kernel.open([("c", "from math import *"), ("b", "r = sqrt(16)")], run=False)
    opened = kernel.since(0, "graph")[-1]
    assert "sqrt" not in opened["cells"]["c"]["defs"]
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "c"}]})
    events = kernel.since(mark)
    ran = max(i for i, e in enumerate(events) if e["type"] == "cell_status" and e["id"] == "c")
    graphs = [e for e in events[ran:] if e["type"] == "graph"]
    assert graphs, "no graph after the run that learned the star names"
    cells = graphs[-1]["cells"]
    assert {"sqrt", "pi"} <= set(cells["c"]["defs"])
    assert cells["c"]["children"] == ["b"] and cells["b"]["inputs"] == {"sqrt": ["c"]}
    assert kernel.last_status("b") == "idle"  # its reader ran after it
    mark = kernel.mark()
    await kernel.op({"type": "run_all"})
    assert kernel.since(mark, "graph") == [], "nothing new learned: no graph resent"
