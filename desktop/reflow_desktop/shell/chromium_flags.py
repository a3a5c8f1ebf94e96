"""Chromium switches the desktop app's web views run with (QtWebEngine reads ``QTWEBENGINE_CHROMIUM_FLAGS``).

``DeferRendererTasksAfterInput`` off: after a key press, Blink holds back timer and network tasks until
the next frame is produced, so the kernel's answer to Shift-Enter sat on the WebSocket. Measured with
``benchmarks/run_trace.py`` in Debian's Chromium 156, a run's output frame from the server to the page took
5-6.5 ms (median; p90 15-21 ms) with the default and 1.5-5 ms (p90 5-13 ms) with the feature off. A
notebook page has nothing worth deferring: the answer is what the user waits for. ``benchmarks/_browser.py``
starts Chromium with the same switches, so the benchmarks measure the page as the app runs it.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

ENV = "QTWEBENGINE_CHROMIUM_FLAGS"
DISABLED_FEATURES = ("DeferRendererTasksAfterInput",)
_DISABLE = "--disable-features="


def switches() -> list[str]:
    """The command-line switches, for a Chromium started by hand (the benchmarks)."""
    return [_DISABLE + ",".join(DISABLED_FEATURES)]


def with_ours(flags: str) -> str:
    """``flags`` (the user's own, kept) with our features added to its ``--disable-features`` list, once.

    Chromium keeps only the last ``--disable-features`` switch, so ours joins the user's instead of following it.
    """
    parts = flags.split()
    at = next((i for i, p in enumerate(parts) if p.startswith(_DISABLE)), None)
    if at is None:
        return " ".join([*parts, *switches()])
    named = [f for f in parts[at][len(_DISABLE) :].split(",") if f]
    parts[at] = _DISABLE + ",".join([*named, *(f for f in DISABLED_FEATURES if f not in named)])
    return " ".join(parts)


def add_to_environment(env: MutableMapping[str, str] | None = None) -> None:
    """Put our switches into ``QTWEBENGINE_CHROMIUM_FLAGS`` before QtWebEngine starts."""
    env = os.environ if env is None else env
    env[ENV] = with_ours(env.get(ENV, ""))
