"""The reflow kernel, as a real process driven through jupyter_client and the comm."""

from __future__ import annotations

import asyncio

import pytest
from helpers import text_of


async def test_open_runs_and_descendants_update(kernel):
    await kernel.open([("a", "x = 1"), ("b", 'y = x + 1\nprint("y is", y)\ny')])
    assert kernel.last_status("b") == "idle"
    outs = kernel.outputs("b")
    assert text_of(outs) == "y is 2\n2"
    assert outs[-1] == {"kind": "data", "data": {"text/plain": "2"}}

    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": "x = 10"}]})
    assert kernel.since(mark, "cell_clear", "b"), "descendant must restart its outputs"
    assert text_of(kernel.outputs("b", mark)) == "y is 11\n11"
    assert not kernel.since(mark, "graph"), "the same names: the app's graph is still right, not sent again"
    graph = kernel.since(0, "graph")[-1]
    assert graph["cells"]["b"]["parents"] == ["a"] and graph["cells"]["a"]["children"] == ["b"]
    assert graph["cells"]["a"]["defs"] == ["x"] and graph["cells"]["b"]["refs"] == ["x"]
    variables = kernel.since(mark, "variables")[-1]["items"]
    x = next(v for v in variables if v["name"] == "x")
    assert x == {"name": "x", "type": "int", "preview": "10", "defined_by": "a", "used_by": ["b"]}


async def test_rich_mime_bundles(kernel):
    code = (
        "class H:\n    def _repr_html_(self):\n        return '<b>hi</b>'\n"
        "    def _repr_markdown_(self):\n        return '**hi**'\nH()"
    )
    await kernel.open([("h", code), ("j", "from IPython.display import JSON\nJSON({'a': 1})")])
    data = kernel.outputs("h")[-1]["data"]
    assert data["text/html"] == "<b>hi</b>" and data["text/markdown"] == "**hi**"
    assert "text/plain" in data
    assert kernel.outputs("j")[-1]["data"]["application/json"] == {"a": 1}


async def test_print_and_display_land_in_their_cell(kernel):
    await kernel.open(
        [
            (
                "one",
                "from IPython.display import display, HTML\n"
                "print('p1')\ndisplay(HTML('<i>d1</i>'))\nimport sys\nprint('e1', file=sys.stderr)",
            ),
            ("two", "print('p2')\ndisplay(42)"),
        ]
    )
    one, two = kernel.outputs("one"), kernel.outputs("two")
    assert {"kind": "stream", "name": "stdout", "text": "p1\n"} in one
    assert any(o["kind"] == "data" and o["data"].get("text/html") == "<i>d1</i>" for o in one)
    assert {"kind": "stream", "name": "stderr", "text": "e1\n"} in one
    assert text_of(two) == "p2\n42"
    assert "p2" not in text_of(one)


async def test_syntax_error_does_not_block_other_cells(kernel):
    await kernel.open([("a", "x = 1"), ("bad", "def (:\n"), ("c", "print(x + 1)")])
    assert text_of(kernel.outputs("c")) == "2\n"
    assert kernel.last_status("bad") == "error"
    graph = [e for e in kernel.events if e["type"] == "graph"][-1]
    assert graph["cells"]["bad"]["errors"][0]["kind"] == "syntax"


async def test_exception_stops_descendants_only(kernel):
    await kernel.open([("a", "x = 1 / 0"), ("b", "y = x"), ("c", "print('free')")])
    err = kernel.outputs("a")[-1]
    assert err["kind"] == "error" and err["error"]["ename"] == "ZeroDivisionError"
    assert "ZeroDivisionError" in (err["error"]["traceback"] or "")
    assert kernel.last_status("b") == "ancestor-error"
    assert text_of(kernel.outputs("c")) == "free\n"


async def test_a_name_with_two_definers_is_read_from_the_nearest_above(kernel):
    """Several cells may assign one name (the Jupyter habit); each reader sees the nearest definer above it.

    (Updated for issue 13's semantics: this used to expect a multiple-definition error, which is
    now the ``[tool.reflow] strict = true`` behaviour.)
    """
    await kernel.open([("a", "x = 1"), ("r1", "x"), ("b", "x = 2"), ("r2", "x")])
    graph = [e for e in kernel.events if e["type"] == "graph"][-1]
    assert all(not info["errors"] for info in graph["cells"].values())
    assert text_of(kernel.outputs("r1")) == "1"
    assert text_of(kernel.outputs("r2")) == "2"


async def test_strict_notebook_keeps_the_one_definer_rule(kernel):
    """``[tool.reflow] strict = true`` reaches the kernel through ``open``: two definers are an error."""
    await kernel.open([("a", "x = 1"), ("b", "x = 2"), ("r", "x")], strict=True)
    graph = [e for e in kernel.events if e["type"] == "graph"][-1]
    assert [e["kind"] for e in graph["cells"]["a"]["errors"]] == ["multiple-definition"]
    assert graph["cells"]["b"]["errors"][0]["cells"] == ["a"]
    assert not kernel.outputs("r") or kernel.last_status("r") != "idle"


async def test_shared_underscore_names_reach_the_kernel_through_open(kernel):
    """``[tool.reflow] underscore_names = "shared"``: another cell calls the ``_helper`` (Jupyter)."""
    await kernel.open([("a", "_k = 2\ndef _helper(x):\n    return x * _k"), ("b", "_helper(3)")], shared_privates=True)
    assert kernel.last_status("b") == "idle"
    assert text_of(kernel.outputs("b")) == "6"


async def test_library_code_finds_get_ipython_in_builtins_during_a_run(kernel):
    """Library modules (sympy's init_printing, tqdm) call ``get_ipython()`` from builtins."""
    library = "ns = {}\nexec('def shell():\\n    return type(get_ipython()).__name__', ns)\nns['shell']()"
    await kernel.open([("a", library)])
    assert kernel.last_status("a") == "idle"
    assert "Shell" in text_of(kernel.outputs("a"))


async def test_a_redefined_name_read_above_its_definers_names_them(kernel):
    await kernel.open([("r", "x"), ("a", "x = 1"), ("b", "x = 2")])
    graph = [e for e in kernel.events if e["type"] == "graph"][-1]
    errors = graph["cells"]["r"]["errors"]
    assert [e["kind"] for e in errors] == ["undefined-above"]
    assert sorted(errors[0]["cells"]) == ["a", "b"]
    assert "defined only below, by cells 2 and 3" in errors[0]["message"]
    assert kernel.last_status("r") == "error"


async def test_interrupt_stops_the_run_and_kernel_stays_usable(kernel):
    await kernel.open([("loop", "n = 0"), ("after", "m = n + 1\nm")])
    mark = kernel.mark()
    code = "n = 0\nprint('looping', flush=True)\nwhile True:\n    n += 1"
    done = kernel.send({"type": "run", "cells": [{"id": "loop", "code": code}]})
    # Interrupt once the cell's own code is running (its first print arrived), not before.
    await kernel.wait_event(
        lambda e: e["type"] == "cell_output" and e.get("id") == "loop" and "looping" in e["output"].get("text", ""),
        mark,
    )
    await kernel.km.interrupt_kernel()
    await asyncio.wait_for(done, 60)
    assert kernel.last_status("loop") == "interrupted"
    assert kernel.last_status("after") in ("cancelled", "stale", "ancestor-error")

    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "loop", "code": "n = 41"}]})
    assert text_of(kernel.outputs("after", mark)) == "42"


async def test_delete_cell_removes_its_names(kernel):
    await kernel.open([("a", "x = 1"), ("b", "x + 1")])
    mark = kernel.mark()
    await kernel.op({"type": "delete_cell", "id": "a"})
    outs = kernel.outputs("b", mark)
    assert outs and outs[-1]["kind"] == "error"
    assert "x" in outs[-1]["error"]["message"]


async def test_edit_without_run_marks_stale_in_lazy_mode(kernel):
    await kernel.open([("a", "x = 1"), ("b", "x + 1")], mode="lazy", run=False)
    await kernel.op({"type": "run_all"})
    assert text_of(kernel.outputs("b")) == "2"
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": "x = 5"}]})
    assert kernel.last_status("b") == "stale"
    mark = kernel.mark()
    await kernel.op({"type": "run_stale"})
    assert text_of(kernel.outputs("b", mark)) == "6"


async def test_complete_and_inspect_requests(kernel):
    await kernel.open([("a", "import os\nvalue_one = 1")])
    msg_id = kernel.kc.complete("os.pa", 5)
    reply = await kernel.kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = await kernel.kc.get_shell_msg(timeout=60)
    assert "path" in reply["content"]["matches"]

    msg_id = kernel.kc.complete("value_o", 7)
    reply = await kernel.kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = await kernel.kc.get_shell_msg(timeout=60)
    assert "value_one" in reply["content"]["matches"]

    msg_id = kernel.kc.inspect("len", 3)
    reply = await kernel.kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = await kernel.kc.get_shell_msg(timeout=60)
    assert reply["content"]["found"]


async def test_matplotlib_figure_becomes_an_image(kernel):
    pytest.importorskip("matplotlib")
    await kernel.open([("fig", "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nNone")])
    outs = kernel.outputs("fig")
    assert any(o["kind"] == "data" and "image/png" in o["data"] for o in outs), outs
