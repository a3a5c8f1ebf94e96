"""The kernel host's one structural op: ``apply_transaction`` on its own Document (real kernel)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_kernel_comm import text_of  # (the kernel tests' one output reader)


async def test_one_transaction_creates_moves_and_reruns(kernel):
    await kernel.open([("a", "x = 1"), ("b", "x + 1")])
    mark = kernel.mark()
    await kernel.op(
        {
            "type": "apply_transaction",
            "source": "session",
            "changes": [
                {"op": "create", "id": "c", "index": 0, "kind": "code", "code": "y = 10"},
                {"op": "set_code", "id": "b", "code": "x + y"},
                {"op": "move", "id": "b", "index": 2},
            ],
        }
    )
    await kernel.op({"type": "run", "cells": [{"id": "b"}]})
    assert text_of(kernel.outputs("b", mark)) == "11"
    assert kernel.since(mark, "graph")[-1]["order_valid"] is True
    mark = kernel.mark()
    await kernel.op({"type": "apply_transaction", "changes": [{"op": "move", "id": "b", "index": 0}]})
    assert kernel.since(mark, "graph")[-1]["order_valid"] is False  # b now reads x and y from below


async def test_set_kind_to_markdown_removes_its_names_and_back_restores_them(kernel):
    await kernel.open([("a", "x = 1"), ("b", "x + 1")])
    mark = kernel.mark()
    await kernel.op({"type": "apply_transaction", "changes": [{"op": "set_kind", "id": "a", "kind": "markdown"}]})
    outs = kernel.outputs("b", mark)
    assert outs and outs[-1]["kind"] == "error" and "x" in outs[-1]["error"]["message"]
    mark = kernel.mark()
    await kernel.op({"type": "apply_transaction", "changes": [{"op": "set_kind", "id": "a", "kind": "code"}]})
    await kernel.op({"type": "run_all"})
    assert text_of(kernel.outputs("b", mark)).endswith("2")


async def test_a_bad_transaction_is_an_error_and_changes_nothing(kernel):
    await kernel.open([("a", "x = 1"), ("b", "x + 1")])
    mark = kernel.mark()
    await kernel.op(
        {
            "type": "apply_transaction",
            "changes": [
                {"op": "set_code", "id": "a", "code": "x = 50"},
                {"op": "move", "id": "a", "index": 7},
            ],
        }
    )
    errors = kernel.since(mark, "error")
    assert errors and "index 7" in errors[-1]["text"]
    mark = kernel.mark()
    await kernel.op({"type": "run_all"})
    assert text_of(kernel.outputs("b", mark)) == "2"  # neither the edit nor the move happened
