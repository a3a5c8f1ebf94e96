"""BusyFlicker (session/busy_flicker.py): a busy spell shorter than SHOWN_AFTER_S never reaches the pages.

Driven with a hand-run scheduler: "the delay passed" is an event the test fires, not a sleep.
"""

from __future__ import annotations

from collections.abc import Callable

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
