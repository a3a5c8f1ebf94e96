"""The save manager: one owner deciding when each saveable is written."""

from __future__ import annotations

import asyncio

import pytest
from helpers import WAIT, until

from reflow_desktop.session.saves import Policy, SaveManager


async def test_debounce_coalesces_changes_into_one_save() -> None:
    saved: list[int] = []
    m = SaveManager()
    m.register("nb", lambda: saved.append(1), Policy(0.02))
    for _ in range(5):
        m.changed("nb")
    assert m.is_dirty("nb") and m.entry("nb").timer is not None
    await until(lambda: bool(saved))
    assert saved == [1] and not m.is_dirty("nb") and m.entry("nb").timer is None


async def test_ceiling_saves_while_changes_keep_coming() -> None:
    saved: list[int] = []
    m = SaveManager()
    m.register("sidecar", lambda: saved.append(1), Policy(delay=3600, ceiling=0.02))
    m.changed("sidecar")

    async def keep_changing() -> None:
        while not saved:
            m.changed("sidecar")  # a cell printing forever
            await asyncio.sleep(0.001)

    await asyncio.wait_for(keep_changing(), WAIT)  # would hang for an hour without the ceiling


async def test_pause_holds_the_timer_without_touching_the_policy() -> None:
    saved: list[int] = []
    m = SaveManager()
    m.register("nb", lambda: saved.append(1), Policy(0.01))
    with m.pause("nb"):
        m.changed("nb")
        assert m.entry("nb").timer is None and m.entry("nb").policy.delay == 0.01
    assert m.entry("nb").timer is not None  # re-armed on the way out
    await until(lambda: bool(saved))


async def test_a_save_that_cannot_happen_keeps_the_entry_dirty() -> None:
    m = SaveManager()
    m.register("nb", lambda: False, Policy(None))
    m.changed("nb")
    await m.save("nb")
    assert m.is_dirty("nb") and m.entry("nb").saves == 0


async def test_changes_during_an_async_save_get_their_own_save() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    async def save() -> None:
        runs.append(1)
        started.set()
        await release.wait()

    m = SaveManager()
    m.register("sidecar", save, Policy(0.01, ceiling=0.01))
    m.changed("sidecar")
    await asyncio.wait_for(started.wait(), WAIT)
    m.changed("sidecar")  # while the first save runs
    release.set()
    await until(lambda: len(runs) == 2)


async def test_flush_all_saves_what_saves_itself_and_stops() -> None:
    order: list[str] = []
    m = SaveManager()
    m.register("notebook", lambda: order.append("notebook"), Policy(3600))
    m.register("recovery", lambda: order.append("recovery"), Policy(None))  # only when asked
    m.register("sidecar", lambda: order.append("sidecar"), Policy(3600, ceiling=3600))
    for name in ("sidecar", "recovery", "notebook"):
        m.changed(name)
    await m.flush_all()
    assert order == ["notebook", "sidecar"]
    m.changed("notebook")  # closed: nothing is armed any more
    assert m.entry("notebook").timer is None


def test_registering_twice_is_an_error() -> None:
    m = SaveManager()
    m.register("nb", lambda: None, Policy(1.0))
    with pytest.raises(ValueError):
        m.register("nb", lambda: None, Policy(1.0))
