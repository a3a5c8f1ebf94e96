"""A notebook's runs as the session's messages tell them: start, end, the cell to name, how long."""

from __future__ import annotations

from typing import Any

from reflow_desktop.shell.run_spells import FinishedRun, RunSpell, cell_label, describe_duration


class Clock:
    """The spell's clock, moved by the test: durations without waiting."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def status(cell: str, value: str, seconds: float | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"type": "cell_status", "id": cell, "status": value}
    if seconds is not None:
        msg["seconds"] = seconds
    return msg


def batch(*events: dict[str, Any]) -> dict[str, Any]:
    return {"type": "batch", "events": list(events)}


def test_a_cell_and_its_descendants_are_one_run_named_by_the_cell_that_ran_first() -> None:
    clock = Clock()
    spell = RunSpell(clock=clock)
    assert spell.feed(batch(status("a", "running"), status("b", "queued"))) == (True, None)
    assert spell.running
    clock.now += 3
    assert spell.feed(batch(status("a", "idle", 3.0), status("b", "running"))) == (False, None)
    clock.now += 40
    started, finished = spell.feed(status("b", "idle", 40.0))
    assert not started and finished == FinishedRun("a", ok=True, seconds=43.0, cells=2)
    assert not spell.running


def test_a_failure_names_the_failing_cell_and_cancelled_ones_do_not_count() -> None:
    clock = Clock()
    spell = RunSpell(clock=clock)
    spell.feed(batch(status("a", "running"), status("b", "queued"), status("c", "queued")))
    clock.now += 12
    _, finished = spell.feed(batch(status("a", "idle", 2.0), status("b", "error", 10.0), status("c", "ancestor-error")))
    assert finished == FinishedRun("b", ok=False, seconds=12.0, cells=2)


def test_a_quick_widget_run_starts_and_ends_in_one_batch() -> None:
    spell = RunSpell(clock=Clock())
    started, finished = spell.feed(batch(status("s", "running"), status("s", "idle", 0.012)))
    assert started and finished is not None and finished.cells == 1 and finished.seconds == 0.0


def test_the_kernel_dying_ends_the_run_as_failed() -> None:
    clock = Clock()
    spell = RunSpell(clock=clock)
    spell.feed(status("a", "running"))
    clock.now += 5
    # the session marks the running cell interrupted (no seconds: the kernel never said), then says dead
    _, finished = spell.feed(status("a", "interrupted"))
    assert finished == FinishedRun("a", ok=False, seconds=5.0, cells=0)
    assert spell.feed({"type": "kernel", "state": "dead"}) == (False, None)  # nothing left running


def test_a_restart_while_running_ends_the_run() -> None:
    spell = RunSpell(clock=Clock())
    spell.feed(batch(status("a", "running"), status("b", "queued")))
    _, finished = spell.feed({"type": "kernel", "state": "restarting"})
    assert finished is not None and not finished.ok and finished.cell_id == "a"
    assert not spell.running


def test_statuses_of_idle_cells_and_other_messages_start_nothing() -> None:
    spell = RunSpell(clock=Clock())
    for msg in (status("a", "stale"), status("a", "idle"), {"type": "cell_output", "id": "a"}, "junk", None):
        assert spell.feed(msg) == (False, None)
    assert not spell.running


def test_all_cancelled_is_no_finished_run() -> None:
    spell = RunSpell(clock=Clock())
    spell.feed(status("a", "queued"))
    assert spell.feed(status("a", "cancelled")) == (False, None)
    assert not spell.running


def test_durations_and_labels_read_like_a_person_wrote_them() -> None:
    assert [describe_duration(s) for s in (0.2, 12.4, 60, 185, 3600, 3720)] == [
        "1 s",
        "12 s",
        "1 min",
        "3 min 5 s",
        "1 h",
        "1 h 2 min",
    ]
    assert cell_label(2, "\n\n  model.fit(x, y)  \nmore") == "cell 3: model.fit(x, y)"
    assert cell_label(0, "") == "cell 1"
    long = cell_label(0, "x = " + "1" * 100)
    assert long.endswith("…") and len(long) == len("cell 1: ") + 60


def test_the_notice_says_notebook_outcome_duration_and_cell() -> None:
    from reflow_desktop.shell.run_alerts import notice_for

    ok = notice_for("nb.py", FinishedRun("a", True, 75.0, 3), "cell 2: fit(x)", markup=False)
    assert (ok.title, ok.body) == ("nb.py: run finished in 1 min 15 s", "cell 2: fit(x) (and 2 more cells)")
    failed = notice_for("nb.py", FinishedRun("b", False, 8.2, 1), "cell 4: a < b", markup=True)
    assert (failed.title, failed.body) == ("nb.py: run failed after 8 s", "Failed in cell 4: a &lt; b")
