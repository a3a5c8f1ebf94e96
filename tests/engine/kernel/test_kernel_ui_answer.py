"""A widget's run and its answer leave the kernel as one comm message (the slider round trip, issue 21)."""

from __future__ import annotations

SLIDER = "import reflow\ns = reflow.ui.slider(0, 10, value=0)\ns"


def _events(message: dict) -> list[dict]:
    return message.get("events") or [] if message.get("type") == "batch" else [message]


async def test_a_slider_moves_run_and_answer_are_one_message(kernel):
    await kernel.open([("a", SLIDER), ("b", 'f"v={s.value}"')])
    element = next(
        o["data"]["application/vnd.reflow.ui+json"]["element_id"]
        for o in kernel.outputs("a")
        if o["kind"] == "data" and "application/vnd.reflow.ui+json" in o["data"]
    )
    start = len(kernel.messages)
    await kernel.op({"type": "set_ui_value", "element_id": element, "value": 7, "request_id": "r1"})
    messages = kernel.messages[start:]
    answer = next(m for m in messages if any(e["type"] == "ui_values" for e in _events(m)))
    events = _events(answer)
    # the reader's statuses and its new output come with the answer: the page renders the move once
    assert [e["status"] for e in events if e["type"] == "cell_status" and e["id"] == "b"][-2:] == ["running", "idle"]
    assert any(e["type"] == "cell_output" and e["id"] == "b" and "v=7" in str(e["output"]) for e in events)
    assert [e["type"] for e in events][-1] == "ui_values"
    before = messages[: messages.index(answer)]
    assert not any(e.get("id") == "b" for m in before for e in _events(m))
