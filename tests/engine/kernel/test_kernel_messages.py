"""Kernel messages name cells by their number in the notebook (markdown cells count), never by id."""

from __future__ import annotations

IDS = ("k01e72", "ulzf7o7m2sx", "q9k2zz", "intro-md")


def errors_of(kernel, cell: str) -> list[dict]:
    return [e["output"]["error"] for e in kernel.events
            if e["type"] == "cell_output" and e.get("id") == cell and e["output"]["kind"] == "error"]


async def test_run_errors_and_graph_errors_use_display_numbers(kernel):
    await kernel.open([
        {"id": "intro-md", "kind": "markdown", "code": "# Title"},
        {"id": "k01e72", "kind": "code", "code": "def f(v):\n    return 1 / v"},
        {"id": "ulzf7o7m2sx", "kind": "code", "code": "y = f(0)"},
        {"id": "q9k2zz", "kind": "code", "code": "z = y + 1"},
        {"id": "c1", "kind": "code", "code": "a = b"},
        {"id": "c2", "kind": "code", "code": "b = a"},
    ])
    failed = errors_of(kernel, "ulzf7o7m2sx")[-1]
    assert 'File "<cell 3>", line 1' in failed["traceback"] and 'File "<cell 2>", line 2' in failed["traceback"]
    below = errors_of(kernel, "q9k2zz")[-1]
    assert below["message"] == "not run: ancestor cell 3 raised ZeroDivisionError"
    graph = kernel.since(0, "graph")[-1]
    cycle = graph["cells"]["c1"]["errors"][0]["message"]
    assert "cell 5" in cycle and "cell 6" in cycle
    texts = [f"{e['message']} {e.get('traceback') or ''}" for c in IDS for e in errors_of(kernel, c)]
    everything = " ".join(texts) + cycle  # the text users read; `cells` keeps ids for the UI's links
    assert not any(cid in everything for cid in IDS[:3])
