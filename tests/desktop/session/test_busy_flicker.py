"""BusyFlicker (session/busy_flicker.py): a busy spell shorter than SHOWN_AFTER_S never reaches the pages.

Driven with a hand-run scheduler: "the delay passed" is an event the test fires, not a sleep; and in a
real session, where a page connecting meanwhile must end up as the others do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import WAIT, Recorder, code_ids, until

from reflow_desktop.session import Session, busy_flicker
from reflow_desktop.session.busy_flicker import SHOWN_AFTER_S, BusyFlicker


class Handle:
    def __init__(self, f: Callable[[], None]) -> None:
        self.f = f
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def flicker() -> tuple[BusyFlicker, list[tuple[str, str | None]], list[Handle]]:
    seen: list[tuple[str, str | None]] = []
    held: list[Handle] = []

    def later(delay: float, f: Callable[[], None]) -> Handle:
        assert delay == SHOWN_AFTER_S
        held.append(Handle(f))
        return held[-1]

    return BusyFlicker(lambda s, m: seen.append((s, m)), later), seen, held


def test_a_short_busy_spell_is_not_passed_on() -> None:
    f, seen, held = flicker()
    f("busy", None)
    f("idle", None)
    assert seen == [] and held[0].cancelled


def test_a_long_busy_spell_is_passed_on_then_its_idle() -> None:
    f, seen, held = flicker()
    f("busy", None)
    held[0].f()  # SHOWN_AFTER_S passed
    f("busy", None)  # still busy: nothing new
    f("idle", None)
    assert seen == [("busy", None), ("idle", None)]


def test_other_states_pass_at_once_and_drop_a_held_busy() -> None:
    f, seen, held = flicker()
    f("busy", None)
    f("dead", "The kernel died")
    assert seen == [("dead", "The kernel died")] and held[0].cancelled
    f("starting", None)
    f("idle", None)
    assert seen[1:] == [("starting", None), ("idle", None)]


def test_a_page_connecting_is_told_what_the_pages_were_told() -> None:
    f, _seen, held = flicker()
    assert f.shown("idle") == "idle"
    f("busy", None)
    assert f.shown("busy") == "idle"  # held back: the pages still show idle
    held[0].f()
    assert f.shown("busy") == "busy"
    f("idle", None)
    assert f.shown("idle") == "idle" and f.shown("dead") == "dead"


async def test_a_page_that_connects_during_a_held_busy_spell_ends_idle(
    nb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI caught a page showing Busy for good: it connected during a run's first 0.1 s, was told the
    kernel's own ``busy``, and the ``idle`` ending that spell was dropped as one the pages never saw."""
    monkeypatch.setattr(busy_flicker, "SHOWN_AFTER_S", 3600.0)  # this test's busy spells are all held back
    gate = tmp_path / "gate"
    session = Session(nb_path, autosave_delay=None)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        first = code_ids(session)[0]
        await until(lambda: session.kernel.state == "idle")
        waiting = f"import pathlib, time\nwhile not pathlib.Path({str(gate)!r}).exists():\n    time.sleep(0.01)\nx = 1"
        run = await session.handle({"type": "run", "cells": [{"id": first, "code": waiting}]}, lambda m: None)
        await until(lambda: session.kernel.state == "busy")
        page = Recorder()
        told = session.session_message()["kernel"]["state"]
        session.attach(page)
        gate.touch()
        assert run is not None
        await asyncio.wait_for(run, WAIT)
        await until(lambda: session.kernel.state == "idle")
        states = [told] + [m["state"] for m in page.messages if m["type"] == "kernel"]
        assert states[-1] == "idle", states
    finally:
        await session.close()
