"""The per-key file lock excludes other threads and processes, and is dropped when released."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from reflow_desktop.envs.filelock import FileLock


def test_second_holder_waits(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "k.lock"
    first = FileLock(path)
    assert first.acquire()
    assert not FileLock(path).acquire(blocking=False)
    got = threading.Event()

    def waiter() -> None:
        with FileLock(path):
            got.set()

    t = threading.Thread(target=waiter)
    t.start()
    assert not got.wait(0.2)
    first.release()
    t.join()
    assert got.is_set()


def test_lock_held_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    code = ("import sys; from reflow_desktop.envs.filelock import FileLock; "
            "l = FileLock(sys.argv[1]); print(l.acquire(blocking=False))")
    with FileLock(path):
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False"
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
