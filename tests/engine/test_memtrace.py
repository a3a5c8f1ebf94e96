"""reflow.memtrace: allocation snapshots on SIGUSR2 only when REFLOW_TRACEMALLOC names a folder.

Each case runs in a fresh interpreter (tracemalloc and signal handlers are process-wide). The
snapshot is waited for as an event (the file appearing under its final name), never timed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

ENGINE = str(Path(__file__).resolve().parents[2] / "engine")

PROBE = """\
import signal, sys, tracemalloc
from reflow.memtrace import install_from_env
on = install_from_env()
kept = [bytearray(1000) for _ in range(50)]  # something to see in the snapshot
print(on, tracemalloc.is_tracing(), signal.getsignal(signal.SIGUSR2) is signal.SIG_DFL, flush=True)
if on:
    sys.stdin.readline()  # the test signals, waits for the file, then closes stdin
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGUSR2"), reason="needs SIGUSR2")


def probe(env_value: str | None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "REFLOW_TRACEMALLOC"}
    env["PYTHONPATH"] = os.pathsep.join([ENGINE, env.get("PYTHONPATH", "")])
    if env_value is not None:
        env["REFLOW_TRACEMALLOC"] = env_value
    return subprocess.Popen(
        [sys.executable, "-c", PROBE], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def test_off_without_the_variable_no_tracing_and_no_handler() -> None:
    proc = probe(None)
    out, _ = proc.communicate(timeout=60)
    assert out.split() == ["False", "False", "True"]


def test_sigusr2_dumps_a_loadable_snapshot_when_on(tmp_path: Path) -> None:
    folder = tmp_path / "snaps"
    proc = probe(str(folder))
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().split() == ["True", "True", "False"]
        os.kill(proc.pid, signal.SIGUSR2)
        wanted = folder / f"{proc.pid}-0.snapshot"
        deadline = time.monotonic() + 60
        while not wanted.exists():  # the dump renames its finished file into place
            assert proc.poll() is None, "the traced process died on SIGUSR2"
            assert time.monotonic() < deadline, "no snapshot written"
            time.sleep(0.02)
        snapshot = tracemalloc.Snapshot.load(str(wanted))
        assert sum(s.size for s in snapshot.statistics("filename")) >= 50 * 1000
        assert not list(folder.glob("*.part"))
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
