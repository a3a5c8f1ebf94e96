"""The trust store: HMACs of trusted notebooks and cell codes in a small sqlite file.

One file, ``trust.db`` in the user data dir (``REFLOW_DATA_DIR`` overrides it, as for the key and
the recovery files). sqlite does the locking between processes (two windows, the CLI); the store is
bounded: past ``limit`` rows per table the least recently seen are dropped (a dropped notebook is
merely untrusted again, never trusted wrongly). Only HMACs are stored, never paths or code, so the
file says nothing about what the user opened.
"""

from __future__ import annotations

import hmac
import logging
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from reflow.cache.signing import sign, user_key
from reflow_desktop.recent import data_dir

log = logging.getLogger(__name__)

FILE_NAME = "trust.db"
LIMIT = 100_000  # rows per table (a few MB); Jupyter keeps 10,000 notebook signatures
_TABLES = ("notebooks", "cells")


class TrustStore:
    """Signatures this user made; ``key`` defaults to the per-user cache signing key."""

    def __init__(self, path: Path, *, key: bytes | None = None, limit: int = LIMIT) -> None:
        self.path = path
        self.limit = limit
        self._key = key

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = user_key()
        return self._key

    def digest(self, *parts: bytes) -> str:
        """The hex HMAC of ``parts`` with this user's key."""
        return sign(self.key, *parts).hex()

    def digests(self, prefix: tuple[bytes, ...], lasts: list[bytes]) -> list[str]:
        """``digest(*prefix, last)`` for each of ``lasts``, keyed once (a 500-cell notebook: ~1 ms, not ~15)."""
        base = hmac.new(self.key, b"".join(len(p).to_bytes(8, "little") + p for p in prefix), "sha256")
        out = []
        for last in lasts:
            h = base.copy()
            h.update(len(last).to_bytes(8, "little") + last)
            out.append(h.hexdigest())
        return out

    def _connect(self, *, create: bool = False) -> sqlite3.Connection:
        if create:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)
        if create:
            # WAL without a sync per commit: a crash may forget the last signatures (the notebook is then
            # merely untrusted again), and a save from Reflow does not wait for the disk twice.
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            for table in _TABLES:
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} (sig TEXT PRIMARY KEY, seen REAL NOT NULL)")
        return con

    def known(self, table: str, sigs: Iterable[str]) -> set[str]:
        """Which of ``sigs`` are in ``table`` (an unreadable store knows nothing: untrusted)."""
        wanted = list(dict.fromkeys(sigs))
        if not wanted or not self.path.exists():
            return set()
        found: set[str] = set()
        try:
            con = self._connect()
            try:
                for i in range(0, len(wanted), 500):  # sqlite's variable limit
                    chunk = wanted[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = con.execute(f"SELECT sig FROM {table} WHERE sig IN ({marks})", chunk)
                    found.update(row[0] for row in rows)
            finally:
                con.close()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return set()
            log.warning("trust store %s unreadable (%s): notebooks open as untrusted", self.path, exc)
            return set()
        except sqlite3.Error as exc:
            log.warning("trust store %s unreadable (%s): notebooks open as untrusted", self.path, exc)
            return set()
        return found

    def add(self, table: str, sigs: Iterable[str]) -> None:
        """Record ``sigs`` as trusted now, then drop the oldest rows past the limit."""
        self.add_all({table: list(sigs)})

    def add_all(self, rows_by_table: dict[str, list[str]]) -> None:
        """``add`` for several tables in one transaction (a save: one commit)."""
        now = time.time()
        con = self._connect(create=True)
        try:
            with con:
                for table, sigs in rows_by_table.items():
                    rows = [(sig, now) for sig in dict.fromkeys(sigs)]
                    if not rows:
                        continue
                    con.executemany(f"INSERT OR REPLACE INTO {table} (sig, seen) VALUES (?, ?)", rows)
                    count = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    if count > self.limit:
                        con.execute(
                            f"DELETE FROM {table} WHERE sig IN (SELECT sig FROM {table} ORDER BY seen ASC LIMIT ?)",
                            (count - self.limit,),
                        )
        finally:
            con.close()


def default_store() -> TrustStore:
    """The store in this user's data dir (read from the environment each time: tests move it)."""
    return TrustStore(data_dir() / FILE_NAME)
