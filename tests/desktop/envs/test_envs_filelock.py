"""The per-key build lock (the ``filelock`` package on ``layout.lock_path``) excludes other threads
and processes, and is dropped when released or when its holder dies."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from filelock import FileLock, Timeout

from reflow_desktop.envs import layout

TRY_LOCK = (
    "import sys\nfrom filelock import FileLock, Timeout\n"
    "try:\n    FileLock(sys.argv[1]).acquire(blocking=False)\n    print(True)\n"
    "except Timeout:\n    print(False)\n"
)


def try_in_other_process(path: Path) -> bool:
    out = subprocess.run([sys.executable, "-c", TRY_LOCK, str(path)], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_second_holder_waits(tmp_path: Path) -> None:
    path = layout.lock_path(tmp_path, "k")  # its folder does not exist yet
    first = FileLock(path)
    first.acquire()
    with pytest.raises(Timeout):
        FileLock(path).acquire(blocking=False)
    polled = threading.Event()
    got = threading.Event()

    def still_waiting() -> bool:  # called each time the waiter found the lock taken
        polled.set()
        return False  # keep waiting

    def waiter() -> None:
        with FileLock(path).acquire(cancel_check=still_waiting):
            got.set()

    t = threading.Thread(target=waiter)
    t.start()
    assert polled.wait(60)  # the waiter tried and was refused ...
    assert not got.is_set()  # ... so it does not hold the lock while the first holder does
    first.release()
    t.join(60)
    assert got.is_set()


def test_lock_held_by_another_process(tmp_path: Path) -> None:
    path = layout.lock_path(tmp_path, "k")
    with FileLock(path):
        assert try_in_other_process(path) is False
    assert try_in_other_process(path) is True


def test_lock_of_a_dead_holder_is_free(tmp_path: Path) -> None:
    """A build that crashed never wedges the next one: the OS drops the lock with the process."""
    path = layout.lock_path(tmp_path, "k")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom filelock import FileLock\nl = FileLock(sys.argv[1])\n"
            "l.acquire()\nprint('held', flush=True)\nsys.stdin.read()\n",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    assert try_in_other_process(path) is False
    holder.kill()
    holder.wait()
    assert try_in_other_process(path) is True
