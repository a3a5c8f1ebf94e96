"""The on-disk store: round trip, damaged entries are misses (and deleted), LRU size
limit, and a writer killed mid-write leaves nothing visible that could be loaded wrongly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reflow.cache.store import CacheStore, CacheWriteError, frame

KEY = "a" * 64


def key(i: int) -> str:
    return f"{i:064x}"


def test_round_trip_with_header(tmp_path):
    store = CacheStore(tmp_path)
    path = store.save("model", KEY, {"w": [1, 2, 3]}, seconds=1.5)
    assert path == tmp_path / "model" / f"{KEY}.pkl"
    entry = store.load("model", KEY)
    assert entry is not None and entry.value == {"w": [1, 2, 3]}
    assert entry.saved_seconds == 1.5
    header = store.header(path)
    assert (
        header["key"] == KEY
        and header["name"] == "model"
        and header["python"].endswith(".".join(map(str, sys.version_info[:3])))
    )
    assert store.load("model", key(1)) is None
    assert store.load("other", KEY) is None


def test_names_cannot_escape_the_root(tmp_path):
    store = CacheStore(tmp_path / "root")
    path = store.save("../../etc/x", KEY, 1)
    assert path is not None and (tmp_path / "root") in path.parents
    assert store.load("../../etc/x", KEY).value == 1
    with pytest.raises(ValueError):
        store.path("n", "../../x")


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "foreign-key"])
def test_damaged_entry_is_a_miss_and_is_deleted(tmp_path, damage):
    store = CacheStore(tmp_path)
    path = store.save("n", KEY, list(range(1000)))
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    elif damage == "garbage":
        path.write_bytes(os.urandom(500))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        other = store.save("n", key(7), list(range(1000)))
        path.write_bytes(other.read_bytes())
    assert store.load("n", KEY) is None
    assert not path.exists()


def test_unpicklable_payload_inside_valid_frame_is_a_miss(tmp_path):
    store = CacheStore(tmp_path)
    path = store.save("n", KEY, 1)
    header = store.header(path)
    # A validly signed header and checksum of a payload that is not a pickle.
    import hashlib

    payload = b"not a pickle"
    header.update(size=len(payload), sha256=hashlib.sha256(payload).hexdigest())
    path.write_bytes(frame(store.key, header, payload))
    assert store.load("n", KEY) is None and not path.exists()


def test_unpicklable_value_raises_a_write_error_and_writes_nothing(tmp_path):
    store = CacheStore(tmp_path)
    with pytest.raises(CacheWriteError, match="pickle"):
        store.save("n", KEY, lambda: 1)
    assert store.entries() == []


def test_lru_eviction_keeps_total_under_limit(tmp_path):
    blob = os.urandom(10_000)
    store = CacheStore(tmp_path, max_bytes=45_000)
    now = time.time()
    for i in range(4):
        store.save("n", key(i), blob)
        os.utime(store.path("n", key(i)), (now - 100 + i, now - 100 + i))
    assert store.total_bytes() <= 45_000 and len(store.entries()) == 4
    assert store.load("n", key(0)) is not None  # a hit makes entry 0 the most recent
    store.save("n", key(4), blob)  # over the limit: evict the LRU (entry 1)
    assert store.total_bytes() <= 45_000
    remaining = {p.stem for p, _ in store.entries()}
    assert key(1) not in remaining
    assert {key(0), key(4)} <= remaining
    for i in range(5, 12):
        store.save("other", key(i), blob)
        assert store.total_bytes() <= 45_000


def test_entry_larger_than_the_limit_is_not_kept(tmp_path):
    store = CacheStore(tmp_path, max_bytes=1_000)
    assert store.save("n", KEY, os.urandom(5_000)) is None
    assert store.entries() == []


def test_clear_by_name_and_all(tmp_path):
    store = CacheStore(tmp_path)
    store.save("a", key(1), 1)
    store.save("a", key(2), 2)
    store.save("b", key(3), 3)
    assert store.clear("a") == 2
    assert [p.parent.name for p, _ in store.entries()] == ["b"]
    assert store.clear() == 1 and store.entries() == []


WRITER = textwrap.dedent("""
    import os, sys
    from reflow.cache.store import CacheStore
    store = CacheStore(sys.argv[1])
    print("ready", flush=True)
    store.save("big", "f" * 64, os.urandom(1024) * (200 * 1024))   # ~200 MB
    print("done", flush=True)
""")


def test_kill_during_write_leaves_no_visible_entry_and_store_works(tmp_path):
    root = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.time() + 30
        temp: list[Path] = []
        while time.time() < deadline and not temp:  # wait until the write is under way
            temp = [p for p in (root / "big").glob(".*.tmp")] if (root / "big").exists() else []
            time.sleep(0.002)
        assert temp, "writer never started writing"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    store = CacheStore(root)
    assert store.entries() == []  # nothing visible...
    assert store.load("big", "f" * 64) is None  # ...and a clean miss
    assert store.save("big", "f" * 64, b"small") is not None
    assert store.load("big", "f" * 64).value == b"small"
    # Debris of the killed writer is swept once it is old.
    for t in temp:
        if t.exists():
            os.utime(t, (time.time() - 3600, time.time() - 3600))
    store.evict()
    assert not any(t.exists() for t in temp)
