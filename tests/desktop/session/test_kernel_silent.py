"""A kernel that is alive but never answers: the app asks it for its threads' stacks (SIGUSR1), so what
it is stuck on reaches the log (the kernel's side: tests/engine/kernel/test_kernel_startup.py)."""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import signal
import sys
from pathlib import Path

import pytest
from helpers import WAIT, until

from reflow_desktop.session import kernel as kernel_module
from reflow_desktop.session.kernel import KernelProcess

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="no SIGUSR1 here")

# stands in for the environment's python: it runs, binds nothing, and dumps its stacks on SIGUSR1
SILENT = "import faulthandler, signal, time; faulthandler.register(signal.SIGUSR1); time.sleep(300)"


async def test_a_silent_kernel_is_asked_for_its_stacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = tmp_path / "kernel-stderr.txt"
    python = tmp_path / "python"
    python.write_text(
        f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c {shlex.quote(SILENT)} 2>{shlex.quote(str(dump))}\n"
    )
    python.chmod(0o755)
    monkeypatch.setattr(kernel_module, "SILENT_STACKS_S", 0.5)
    kernel = KernelProcess(lambda e: None, lambda s, m: None, python=str(python), cwd=str(tmp_path))
    start = asyncio.create_task(kernel.start({"type": "open", "cells": []}))
    try:
        await until(lambda: dump.exists() and "most recent call first" in dump.read_text())
        assert not start.done()  # still waiting for its answer: asked, not given up on
    finally:
        start.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await start
        await kernel.shutdown()


async def test_no_completion_is_sent_to_a_kernel_still_starting(tmp_path: Path) -> None:
    """A completion typed during a (re)start is refused at once (the page falls back to the language
    server): its reply would have been read, and dropped, by the start's own wait for the kernel."""
    python = tmp_path / "python"
    python.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c {shlex.quote(SILENT)}\n")
    python.chmod(0o755)
    kernel = KernelProcess(lambda e: None, lambda s, m: None, python=str(python), cwd=str(tmp_path))
    start = asyncio.create_task(kernel.start({"type": "open", "cells": []}))
    try:
        await until(lambda: kernel.kc is not None)  # its client exists: the start waits for an answer
        with pytest.raises(RuntimeError, match="not running"):
            await asyncio.wait_for(kernel.request("complete", "import o", 8), WAIT)
    finally:
        start.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await start
        await kernel.shutdown()
