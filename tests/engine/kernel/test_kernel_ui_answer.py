"""A slider move is one comm message from the kernel: the run, the variables, the kept value, the answer
(``ui_values``) and the operation's ``done`` (the slider round trip, issue 21)."""

from __future__ import annotations

from .conftest import batch_events

SLIDER = "import reflow\ns = reflow.ui.slider(0, 10, value=0)\ns"


def slider_element(kernel, cell: str) -> str:
    """The element id of the slider ``cell`` shows."""
    return next(
        o["data"]["application/vnd.reflow.ui+json"]["element_id"]
        for o in kernel.outputs(cell)
        if o["kind"] == "data" and "application/vnd.reflow.ui+json" in o["data"]
    )


async def test_a_slider_move_is_one_message(one_window_kernel):
    kernel = one_window_kernel
    await kernel.open([("a", SLIDER), ("b", 'f"v={s.value}"')])
    element = slider_element(kernel, "a")
    start = len(kernel.messages)
    await kernel.op({"type": "set_ui_value", "element_id": element, "value": 7, "request_id": "r1"})
    [move] = kernel.messages[start:]
    events = batch_events(move)
    # the reader's statuses and new output come with the answer: the page renders the move once
    assert [e["status"] for e in events if e["type"] == "cell_status" and e["id"] == "b"][-2:] == ["running", "idle"]
    assert any(e["type"] == "cell_output" and e["id"] == "b" and "v=7" in str(e["output"]) for e in events)
    answer = next(e for e in events if e["type"] == "ui_values")
    assert answer["values"] == {element: 7} and answer["request_id"] == "r1"
    assert {"variables", "ui_kept"} <= {e["type"] for e in events}
    assert events[-1]["type"] == "done"


async def test_an_operation_without_events_sends_its_done_alone(kernel):
    await kernel.open([("a", "x = 1")])
    start = len(kernel.messages)
    await kernel.op({"type": "set_mode", "mode": "auto"})
    assert [m["type"] for m in kernel.messages[start:]] == ["done"]


async def test_a_move_sends_no_status_that_its_own_message_supersedes(one_window_kernel):
    """A run announces each cell as queued; in the one message of a move every cell also ran, so those
    statuses reached nobody (a 100-cell chain: 101 of 404 events)."""
    kernel = one_window_kernel
    chain = [("b", "x0 = s.value")] + [(f"c{i}", f"x{i} = x{i - 1} + 1") for i in range(1, 20)]
    await kernel.open([("a", SLIDER), *chain, ("z", 'f"last={x19}"')])
    element = slider_element(kernel, "a")
    start = len(kernel.messages)
    await kernel.op({"type": "set_ui_value", "element_id": element, "value": 3, "request_id": "r1"})
    [move] = kernel.messages[start:]
    statuses = [(e["id"], e["status"]) for e in batch_events(move) if e["type"] == "cell_status"]
    ran = [cid for cid, _ in chain] + ["z"]
    assert [s for s in statuses if s[1] == "queued"] == []
    assert [cid for cid, status in statuses if status == "running"] == ran  # each cell ran once, in order
    assert [cid for cid, status in statuses if status == "idle"] == ran
    assert any(
        e["type"] == "cell_output" and e["id"] == "z" and "last=22" in str(e["output"]) for e in batch_events(move)
    )
