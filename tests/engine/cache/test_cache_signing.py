"""Issue 15: cache entries are signed with this user's key; a planted pickle never runs.

A notebook folder from elsewhere may ship ``__reflow__/cache/`` entries. Before, any entry with
a matching header was unpickled (a crafted one ran code with normal-looking output). Now an
entry that does not carry a valid HMAC-SHA256 of this user's key is a miss: deleted, recomputed,
never unpickled.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import pickle
import stat
import sys
from pathlib import Path

import platformdirs
import pytest

from reflow.cache import signing
from reflow.cache.store import FORMAT_VERSION, MAGIC, PYTHON, CacheStore, CacheWriteError, frame
from reflow.runtime import CollectingSink, Runtime

KEY = "b" * 64


class _Plant:
    """Unpickling this creates ``marker``: what a crafted cache entry would do (and worse)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _header(payload: bytes, key: str, fmt: int = FORMAT_VERSION) -> dict[str, object]:
    return {
        "format": fmt,
        "key": key,
        "name": "n",
        "created": 0.0,
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "python": PYTHON,
        "seconds": 0.0,
        "meta": {},
    }


def _unsigned_v1(payload: bytes, key: str) -> bytes:
    """An entry exactly as the store wrote them before signing (what a planted file looks like)."""
    head = json.dumps(_header(payload, key, fmt=1), sort_keys=True).encode()
    return b"REFLOWC\x01" + len(head).to_bytes(4, "little") + head + payload


def _forged(payload: bytes, key: str, signature: bytes) -> bytes:
    head = json.dumps(_header(payload, key), sort_keys=True).encode()
    return MAGIC + len(head).to_bytes(4, "little") + head + signature + payload


@pytest.mark.parametrize("kind", ["unsigned-v1", "zero-signature", "other-users-key", "resigned-header"])
def test_planted_pickle_is_a_miss_and_never_runs(tmp_path: Path, kind: str) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Plant(marker))
    store = CacheStore(tmp_path / "cache")
    store.save("n", KEY, "the real value")  # the directory exists, the key is made
    path = store.path("n", KEY)
    if kind == "unsigned-v1":
        data = _unsigned_v1(payload, KEY)
    elif kind == "zero-signature":
        data = _forged(payload, KEY, bytes(32))
    elif kind == "other-users-key":
        data = frame(os.urandom(32), _header(payload, KEY), payload)
    else:  # a real entry of ours whose payload was swapped and header fixed up, signature kept
        real = path.read_bytes()
        size = int.from_bytes(real[len(MAGIC) : len(MAGIC) + 4], "little")
        signature = real[len(MAGIC) + 4 + size : len(MAGIC) + 4 + size + 32]
        data = _forged(payload, KEY, signature)
    path.write_bytes(data)
    assert store.load("n", KEY) is None
    assert not marker.exists() and not path.exists()
    assert store.header(path) is None


def test_a_planted_entry_beside_a_notebook_is_recomputed_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    counter = tmp_path / "count.txt"
    cells = [
        ("imp", "import reflow"),
        ("cnt", f"counter = {str(counter)!r}"),
        (
            "block",
            'with reflow.persistent_cache("c"):\n'
            '    with open(counter, "a") as _f:\n        _f.write("x")\n    total = 41 + 1\ntotal',
        ),
    ]

    def open_notebook() -> tuple[Runtime, CollectingSink]:
        sink = CollectingSink()
        ns = {"__name__": "__main__", "__builtins__": builtins, "__file__": str(tmp_path / "nb.py")}
        rt = Runtime(sink, namespace=ns)
        rt.set_cells(cells)
        rt.run_all()
        return rt, sink

    open_notebook()
    (entry,) = (tmp_path / "__reflow__" / "cache" / "c").glob("*.pkl")
    # The attacker ships a cache entry for this very key whose payload plants a file.
    payload = pickle.dumps({"total": _Plant(marker)})
    entry.write_bytes(_unsigned_v1(payload, entry.stem))
    rt, sink = open_notebook()
    assert not marker.exists()
    assert rt.namespace["total"] == 42 and "block" not in sink.errors
    assert len(counter.read_text()) == 2  # the body ran again: a miss, recomputed
    rt, sink = open_notebook()
    assert len(counter.read_text()) == 2 and rt.namespace["total"] == 42  # the rewritten, signed entry hits


def test_key_file_is_created_owner_only_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data" / "secret.key"
    monkeypatch.setenv("REFLOW_KEY_FILE", str(path))
    key = signing.user_key()
    assert len(key) == 32 and path.read_text().strip() == key.hex()
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    signing._keys.clear()
    assert signing.user_key() == key  # read back, not replaced


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits")
def test_a_key_file_others_can_read_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.key"
    path.write_text(os.urandom(32).hex())
    path.chmod(0o644)
    monkeypatch.setenv("REFLOW_KEY_FILE", str(path))
    assert signing.user_key() == signing._ephemeral


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_linked_key_file_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "planted.key"
    real.write_text(os.urandom(32).hex())
    real.chmod(0o600)
    link = tmp_path / "secret.key"
    link.symlink_to(real)
    monkeypatch.setenv("REFLOW_KEY_FILE", str(link))
    assert signing.user_key() == signing._ephemeral


def test_key_location_follows_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFLOW_KEY_FILE", raising=False)
    monkeypatch.delenv("REFLOW_DATA_DIR", raising=False)
    assert signing.user_data_dir() == Path(platformdirs.user_data_dir("reflow", appauthor=False))
    assert signing.key_file() == signing.user_data_dir() / "secret.key"
    monkeypatch.setenv("REFLOW_DATA_DIR", str(tmp_path))
    assert signing.key_file() == tmp_path / "secret.key"
    monkeypatch.setenv("REFLOW_KEY_FILE", str(tmp_path / "k"))
    assert signing.key_file() == tmp_path / "k"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_linked_cache_folder_is_neither_written_nor_cleared(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    (victim / "n").mkdir(parents=True)
    (victim / "n" / "keep.pkl").write_bytes(b"precious")
    folder = tmp_path / "project"
    (folder / "__reflow__").mkdir(parents=True)
    (folder / "__reflow__" / "cache").symlink_to(victim, target_is_directory=True)
    store = CacheStore(folder / "__reflow__" / "cache")
    with pytest.raises(CacheWriteError, match="symbolic link"):
        store.save("n", KEY, 1)
    assert store.clear() == 0 and store.clear("n") == 0 and store.load("n", KEY) is None
    assert [p.name for p in (victim / "n").iterdir()] == ["keep.pkl"]
