"""The kernel's batches leave out the statuses a later status of the same cell in the batch supersedes."""

from __future__ import annotations

from reflow.kernel.sink import without_superseded_queued


def status(cid: str, s: str) -> dict:
    return {"type": "cell_status", "id": cid, "status": s}


def test_a_queued_status_followed_by_the_cells_run_is_left_out():
    events = [status("a", "queued"), status("b", "queued"), {"type": "cell_clear", "id": "a"}, status("a", "running")]
    assert without_superseded_queued(events) == [
        status("b", "queued"),
        {"type": "cell_clear", "id": "a"},
        status("a", "running"),
    ]


def test_other_statuses_and_events_stay_in_order():
    events = [
        status("a", "running"),
        {"type": "cell_output", "id": "a", "output": {"kind": "stream", "name": "stdout", "text": "1\n"}},
        status("a", "idle"),
        status("a", "queued"),  # queued again at the end (a second run asked for): the page must see it
        {"type": "variables", "items": []},
    ]
    assert without_superseded_queued(events) == events
