"""The watchers' shared background task: polls on schedule, survives a bad tick, stops for good."""

from __future__ import annotations

import asyncio
import logging

import pytest

from reflow_desktop.polling import Poller


async def test_a_failing_tick_is_logged_and_polling_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0
    third = asyncio.Event()

    def tick() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("the disk went away")
        if calls == 3:
            third.set()

    poller = Poller(tick, 0.001, name="test watch")
    with caplog.at_level(logging.ERROR, logger="reflow_desktop.polling"):
        poller.start()
        await asyncio.wait_for(third.wait(), 10)
        await poller.stop()
    assert "test watch failed" in caplog.text and "the disk went away" in caplog.text


async def test_an_async_tick_is_awaited_before_the_next() -> None:
    inside = 0
    most = 0
    done = asyncio.Event()
    seen = 0

    async def tick() -> None:
        nonlocal inside, most, seen
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0)  # yields: an un-awaited tick would overlap the next one
        inside -= 1
        seen += 1
        if seen == 5:
            done.set()

    poller = Poller(tick, 0.0, name="async watch")
    poller.start()
    await asyncio.wait_for(done.wait(), 10)
    await poller.stop()
    assert most == 1 and seen >= 5


async def test_stop_cancels_and_waits_and_start_is_idempotent() -> None:
    started = asyncio.Event()
    poller = Poller(started.set, 0.0, name="w")
    poller.start()
    task = poller._task
    poller.start()  # a second start keeps the one task
    assert poller._task is task and task is not None
    await asyncio.wait_for(started.wait(), 10)
    await poller.stop()
    assert task.cancelled() and not poller.running
    await poller.stop()  # stopping twice is harmless
