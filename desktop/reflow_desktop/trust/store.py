"""The trust store: HMACs of trusted notebooks and cell codes in a small sqlite file.

One file, ``trust.db`` in the user data dir (``REFLOW_DATA_DIR`` overrides it, as for the key and
the recovery files). sqlite does the locking between processes (two windows, the CLI); the store is
bounded: past ``limit`` rows per table the least recently seen are dropped (a dropped notebook is
merely untrusted again, never trusted wrongly). Only HMACs are stored, never paths or code, so the
file says nothing about what the user opened.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from reflow.cache.signing import sign, user_key
from reflow_desktop.recent import data_dir

log = logging.getLogger(__name__)

FILE_NAME = "trust.db"
LIMIT = 20_000  # rows per table; Jupyter keeps 10,000 notebook signatures
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

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)
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
        except sqlite3.Error as exc:
            log.warning("trust store %s unreadable (%s): notebooks open as untrusted", self.path, exc)
            return set()
        return found

    def add(self, table: str, sigs: Iterable[str]) -> None:
        """Record ``sigs`` as trusted now, then drop the oldest rows past the limit."""
        now = time.time()
        rows = [(sig, now) for sig in dict.fromkeys(sigs)]
        if not rows:
            return
        con = self._connect()
        try:
            with con:
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
