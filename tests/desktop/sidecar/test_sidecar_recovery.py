"""Recovery files: round trip, offered back only after the writer died, discard."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reflow_desktop.sidecar.recovery import RecoveryFile, discard, list_recoverable, recovery_dir


def test_recovery_dir_honours_data_dir_override(data_dir: Path) -> None:
    assert recovery_dir() == data_dir / "recovery"


def test_live_entry_is_not_offered_but_listed_with_include_live() -> None:
    rf = RecoveryFile(name="Untitled")
    rf.save("# %%\nx = 1\n")
    assert list_recoverable() == []  # we are alive: not a crash
    [entry] = list_recoverable(include_live=True)
    assert entry.key == rf.key and entry.read_text() == "# %%\nx = 1\n"
    rf.discard()
    assert list_recoverable(include_live=True) == []


CRASHER = textwrap.dedent("""
    import os, sys
    from reflow_desktop.sidecar.recovery import RecoveryFile
    rf = RecoveryFile(name="Untitled", origin=None)
    for i in range(5):
        rf.save(f"# %%\\nx = {i}\\n")
    print(rf.key, flush=True)
    os.kill(os.getpid(), 9)
""")


def test_round_trip_after_a_crash(data_dir: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, "-c", CRASHER], capture_output=True, text=True, env=env)
    assert proc.returncode == -9
    key = proc.stdout.strip()
    [entry] = list_recoverable()
    assert entry.key == key and entry.name == "Untitled" and entry.origin is None
    assert entry.reason == "unsaved" and entry.orphaned
    assert entry.read_text() == "# %%\nx = 4\n"  # the last edit
    discard(entry.key)
    assert list_recoverable() == []
    assert list(entry.path.parent.iterdir()) == []


def test_broken_metadata_still_offers_the_text(data_dir: Path) -> None:
    d = data_dir / "recovery"
    d.mkdir(parents=True)
    (d / "k1.py").write_text("# %%\ny = 2\n")
    (d / "k1.json").write_text("{not json")
    (d / "k2.py").write_text("# %%\nz = 3\n")  # no metadata at all
    entries = list_recoverable()
    assert sorted(e.key for e in entries) == ["k1", "k2"]
    assert {e.read_text() for e in entries} == {"# %%\ny = 2\n", "# %%\nz = 3\n"}


def test_missing_dir_lists_nothing_and_bad_keys_are_refused() -> None:
    assert list_recoverable() == []
    with pytest.raises(ValueError):
        discard("../etc/passwd")
