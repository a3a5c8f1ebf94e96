"""REFLOW_STARTUP_TRACE: one line per start-up step when set (benchmarks/installed_app_launch.py), nothing when not."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reflow_desktop.shell import startup_trace


def test_steps_are_recorded_in_order_from_any_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv(startup_trace.ENV, str(trace))
    before = time.time()
    startup_trace.mark("cli")
    t = threading.Thread(target=lambda: startup_trace.mark("server listening"))
    t.start()
    t.join()
    steps = startup_trace.read(str(trace))
    assert [s for s, _ in steps] == ["cli", "server listening"]
    assert before <= steps[0][1] <= steps[1][1] <= time.time()


def test_nothing_is_written_when_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(startup_trace.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    startup_trace.mark("cli")
    assert list(tmp_path.iterdir()) == []
    assert startup_trace.read(str(tmp_path / "missing.jsonl")) == []


def test_an_unwritable_trace_never_stops_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(startup_trace.ENV, str(tmp_path / "no-such-dir" / "trace.jsonl"))
    startup_trace.mark("cli")  # no exception
