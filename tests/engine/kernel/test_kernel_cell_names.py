"""No message the kernel sends names a cell by its internal id (issue 16): every text a user can read --
run errors, tracebacks, graph errors, notices -- in the scenarios that used to leak ids."""

from __future__ import annotations

import json
import re

# ids shaped like the app's (random base-36) so a leak is easy to spot
A, B, C, D, E = "ulzf7o7m2sx", "q9k2zz81ab", "k01e72pq3", "m4n5b6v7c8", "w1x2y3z4a5"
IDS = (A, B, C, D, E)
ID_PATTERN = re.compile("|".join(IDS))


def readable(kernel) -> list[str]:
    """Every string in every event except structural id fields (``id``, ``cells``, graph keys).

    A string that is exactly an id is a reference for the UI's links (``defined_by``), not text."""
    texts: list[str] = []

    def walk(value, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("id", "cells", "parents", "children", "inputs", "order", "ran", "ids"):
                    continue
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            texts.append(value)

    for event in kernel.events:
        if event["type"] == "graph":
            for info in event["cells"].values():
                walk(info.get("errors"))
        else:
            walk(event)
    return texts


def leaks(kernel) -> list[str]:
    return [t for t in readable(kernel) if ID_PATTERN.search(t) and t not in IDS]


def errors_of(kernel, cell: str) -> list[dict]:
    return [
        e["output"]["error"]
        for e in kernel.events
        if e["type"] == "cell_output" and e.get("id") == cell and e["output"]["kind"] == "error"
    ]


async def test_deleted_definer_is_named_by_its_number(kernel):
    await kernel.open([{"id": "md1", "kind": "markdown", "code": "# T"}, (A, "x = 1"), (B, "y = x + 1")])
    await kernel.op({"type": "apply_transaction", "changes": [{"op": "delete", "id": A}]})
    [error] = errors_of(kernel, B)[-1:]
    # the kernel's document has dropped the cell (no number left): it is named by its first line
    assert "it was defined by the deleted cell `x = 1`" in error["message"], error["message"]
    found = leaks(kernel)
    assert found == [], found


async def test_cycle_undefined_above_failed_ancestor_and_multiple_definitions(kernel):
    await kernel.open(
        [(A, "p = q"), (B, "q = p"), (C, "r = 1 / 0"), (D, "s = r + 1"), (E, "t = u")],
        strict=True,
    )
    await kernel.op(
        {
            "type": "apply_transaction",
            "changes": [{"op": "create", "id": "f6", "kind": "code", "code": "s = 2", "index": 5}],
        }
    )
    await kernel.op({"type": "run", "cells": [{"id": D}, {"id": "f6"}]})
    assert any("cycle" in e["message"] for e in errors_of(kernel, A))
    assert errors_of(kernel, B)[-1]["message"].startswith("cells depend on each other in a cycle: cell 2")
    assert [e["kind"] for e in errors_of(kernel, D)][:2] == ["ancestor-error", "multiple-definition"]
    assert errors_of(kernel, D)[0]["message"] == "not run: ancestor cell 3 raised ZeroDivisionError"
    assert errors_of(kernel, "f6")[-1]["message"].startswith("'s' is also defined by cell 4;")
    found = leaks(kernel)
    assert found == [], json.dumps(found, indent=1)


async def test_undefined_above_names_the_cells_below(kernel):
    await kernel.open([(A, "k = w"), (B, "w = 1"), (C, "w = 2")])
    [error] = errors_of(kernel, A)[-1:]
    assert error["ename"] == "NameError" and "cells 2 and 3" in error["message"], error["message"]
    graph = kernel.since(0, "graph")[-1]["cells"][A]["errors"]
    assert graph and all("cells 2 and 3" in e["message"] for e in graph)
    found = leaks(kernel)
    assert found == [], found
