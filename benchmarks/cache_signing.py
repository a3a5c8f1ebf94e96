"""Cost of signing persistent-cache entries (issue 15): signed vs unsigned, same run.

Entries are HMAC-SHA256-signed over their header (which carries the payload's SHA-256, checked
before unpickling as before). Measured on "typical" entries — a small result (a dict of a few
numbers, ~200 B pickled), a medium one (a 10,000-row list of tuples, ~250 kB) and a large one
(4 MB of bytes) — for a save (pickle, frame, atomic write, no fsync difference) and a load (read,
verify, unpickle), in one process. "Unsigned" replaces the HMAC with a constant (what the store did
before, minus the format change), so the difference is the signing alone. Also the bare HMAC over
one header. Medians over BENCH_RUNS rounds (default 200 for small, fewer for large). Measurements,
not tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine")]

from reflow.cache import signing  # noqa: E402
from reflow.cache.store import MAGIC, CacheStore  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
KEY = os.urandom(32)
ENTRIES: dict[str, object] = {
    "small": {"mean": 3.25, "n": 1200, "ok": True},
    "medium": [(i, f"row {i}", i * 0.5) for i in range(10_000)],
    "large": os.urandom(4 * 1024 * 1024),
}


def median_us(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def measure(store: CacheStore, value: object, runs: int) -> tuple[float, float]:
    key = "c" * 64
    save = median_us(lambda: store.save("bench", key, value), runs)
    load = median_us(lambda: store.load("bench", key), runs)
    return save, load


def main() -> None:
    real_sign, real_verify = signing.sign, signing.verify
    print(f"{'entry':8} {'bytes':>9} {'save signed':>12} {'unsigned':>9} {'load signed':>12} {'unsigned':>9}  µs")
    with tempfile.TemporaryDirectory() as tmp:
        for name, value in ENTRIES.items():
            runs = RUNS if name != "large" else max(RUNS // 10, 10)
            store = CacheStore(Path(tmp) / name, key=KEY)
            rows: dict[str, list[tuple[float, float]]] = {}
            for mode in ("unsigned", "signed", "unsigned", "signed"):  # interleaved: same conditions
                if mode == "unsigned":
                    signing.sign = lambda key, *parts: bytes(32)
                    signing.verify = lambda key, sig, *parts: True
                else:
                    signing.sign, signing.verify = real_sign, real_verify
                rows.setdefault(mode, []).append(measure(store, value, runs))
            signing.sign, signing.verify = real_sign, real_verify
            size = store.entries()[0][1].st_size
            s_save = statistics.median(r[0] for r in rows["signed"])
            u_save = statistics.median(r[0] for r in rows["unsigned"])
            s_load = statistics.median(r[1] for r in rows["signed"])
            u_load = statistics.median(r[1] for r in rows["unsigned"])
            print(f"{name:8} {size:>9} {s_save:>12.1f} {u_save:>9.1f} {s_load:>12.1f} {u_load:>9.1f}")
    head = b'{"created": 1.0, "format": 2, "key": "' + b"c" * 64 + b'", "meta": {}, "name": "bench"}' * 2
    sig = real_sign(KEY, MAGIC, head)
    print(
        f"HMAC-SHA256, {len(head)}-byte header: sign {median_us(lambda: real_sign(KEY, MAGIC, head), 2000):.2f} µs,"
        f" verify {median_us(lambda: real_verify(KEY, sig, MAGIC, head), 2000):.2f} µs"
    )


if __name__ == "__main__":
    main()
