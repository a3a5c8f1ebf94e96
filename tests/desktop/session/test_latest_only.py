"""A page's completions: one with the kernel, only the newest waiting one goes next (session/latest_only.py)."""

from __future__ import annotations

import asyncio

import pytest

from reflow_desktop.session.latest_only import LatestOnly


async def test_waiting_requests_are_superseded_by_the_newest_and_never_called() -> None:
    latest = LatestOnly()
    gate = asyncio.Event()
    called: list[str] = []

    def ask(name: str):
        async def call() -> str:
            called.append(name)
            if name == "first":
                await gate.wait()
            return name

        return call

    first = asyncio.ensure_future(latest.run(("page", "complete"), ask("first")))
    await asyncio.sleep(0)  # the first is in flight
    second = asyncio.ensure_future(latest.run(("page", "complete"), ask("second")))
    third = asyncio.ensure_future(latest.run(("page", "complete"), ask("third")))
    other_kind = asyncio.ensure_future(latest.run(("page", "inspect"), ask("inspect")))
    assert await second is None  # answered as soon as the third came, while the first still runs
    assert await other_kind == "inspect"  # another kind is not held up
    gate.set()
    assert (await first, await third) == ("first", "third")
    assert called == ["first", "inspect", "third"]


async def test_an_error_reaches_the_caller_that_waited() -> None:
    latest = LatestOnly()
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "slow"

    async def broken() -> str:
        raise RuntimeError("the kernel is not running")

    first = asyncio.ensure_future(latest.run("k", slow))
    await asyncio.sleep(0)
    waiting = asyncio.ensure_future(latest.run("k", broken))
    gate.set()
    assert await first == "slow"
    with pytest.raises(RuntimeError, match="not running"):
        await waiting


async def test_a_page_that_goes_away_gets_its_waiting_request_answered() -> None:
    latest = LatestOnly()
    gate = asyncio.Event()

    async def slow() -> int:
        await gate.wait()
        return 1

    page = object()
    first = asyncio.ensure_future(latest.run((page, "complete"), slow))
    await asyncio.sleep(0)
    waiting = asyncio.ensure_future(latest.run((page, "complete"), slow))
    await asyncio.sleep(0)
    latest.forget(page)
    assert await waiting is None
    gate.set()
    assert await first == 1
