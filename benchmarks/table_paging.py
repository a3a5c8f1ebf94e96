"""reflow.ui.table on a 1,000,000-row pandas frame: build + first page, and a sorted page far down.

Measurements, not tests (tests/engine/ui/test_ui_table.py checks the results; the
figure that test used to assert, under 30 s for the whole sequence, is measured here).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

import numpy as np
import pandas as pd

import reflow

ROWS = 1_000_000
REPEATS = 5


def main() -> None:
    df = pd.DataFrame({"a": np.arange(ROWS), "b": np.random.default_rng(0).random(ROWS)})
    build, sort_page, total = [], [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        table = reflow.ui.table(df, selection="multi")
        table._payload()
        t1 = time.perf_counter()
        page = table.page(1000, {"column": "b", "descending": True})
        t2 = time.perf_counter()
        assert len(page["rows"]) == 25
        build.append(t1 - t0)
        sort_page.append(t2 - t1)
        total.append(t2 - t0)
    print(f"reflow.ui.table, pandas {ROWS:,} rows, median of {REPEATS}")
    print(f"{'what':<34}{'median':>10}")
    print(f"{'build + first page payload':<34}{statistics.median(build) * 1000:>8.1f}ms")
    print(f"{'page 1000 sorted by b desc':<34}{statistics.median(sort_page) * 1000:>8.1f}ms")
    print(f"{'both':<34}{statistics.median(total) * 1000:>8.1f}ms")


if __name__ == "__main__":
    main()
