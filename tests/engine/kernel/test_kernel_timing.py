"""The status that ends a cell's run carries ``seconds``: the run's duration, measured in the kernel."""

from __future__ import annotations


def statuses(kernel, cell: str, mark: int) -> list[dict]:
    return kernel.since(mark, "cell_status", cell)


async def test_a_finished_run_reports_its_duration(kernel):
    await kernel.open([{"id": "a", "kind": "code", "code": "x = 1"}])
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": "import time\ntime.sleep(0.25)\nx = 2"}]})
    events = statuses(kernel, "a", mark)
    assert [e["status"] for e in events][-2:] == ["running", "idle"]
    assert "seconds" not in events[-2]  # running: the page counts up until the end
    assert events[-1]["seconds"] >= 0.25  # a quarter-second sleep cannot take less


async def test_failed_and_dependent_runs_report_their_own_durations(kernel):
    await kernel.open(
        [
            {"id": "a", "kind": "code", "code": "x = 1"},
            {"id": "b", "kind": "code", "code": "y = x + 1"},
        ]
    )
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": "x = 1 / 0"}]})
    failed = statuses(kernel, "a", mark)[-1]
    assert failed["status"] == "error" and isinstance(failed["seconds"], float)
    # b never ran (its ancestor failed): no duration to report
    assert all("seconds" not in e for e in statuses(kernel, "b", mark))
