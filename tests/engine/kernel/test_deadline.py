"""Deadline: a re-armable timer on one long-lived thread (the sink's batch flush, issue 21)."""

from __future__ import annotations

import threading

from reflow.kernel.deadline import Deadline

WAIT = 30.0  # readiness wait, never a performance limit


class Calls:
    def __init__(self, fail_first: bool = False) -> None:
        self.threads: list[int] = []
        self.fired = threading.Event()
        self.fail_first = fail_first

    def __call__(self) -> None:
        self.threads.append(threading.get_ident())
        self.fired.set()
        if self.fail_first and len(self.threads) == 1:
            raise RuntimeError("boom")

    def wait(self) -> None:
        assert self.fired.wait(WAIT)
        self.fired.clear()


def test_every_arming_fires_once_on_the_same_thread() -> None:
    calls = Calls()
    deadline = Deadline(calls)
    for _ in range(20):
        deadline.arm(0.0)
        calls.wait()
    assert len(calls.threads) == 20
    assert len(set(calls.threads)) == 1 and calls.threads[0] != threading.get_ident()


def test_cancel_forgets_the_deadline() -> None:
    calls = Calls()
    deadline = Deadline(calls)
    deadline.arm(3600.0)
    deadline.arm(0.0)  # already armed: the earlier deadline stands
    assert deadline.armed
    deadline.cancel()
    assert not deadline.armed
    deadline.arm(0.0)  # a fresh arming after the cancel: due now, not in an hour
    calls.wait()
    assert len(calls.threads) == 1 and not deadline.armed


def test_a_failing_action_leaves_the_deadline_working(capsys) -> None:
    calls = Calls(fail_first=True)
    deadline = Deadline(calls)
    deadline.arm(0.0)
    calls.wait()
    deadline.arm(0.0)
    calls.wait()
    assert len(calls.threads) == 2
