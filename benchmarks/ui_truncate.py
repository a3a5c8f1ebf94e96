"""The UI cutting a huge stream output down to its display limits (Vitest bench, in Node).

Measurements, not tests: runs ``ui/bench/*.bench.ts`` with ``vitest bench`` and prints its
table (ops/s and mean ms). The 11 MB case is the figure a Vitest test used to assert (< 1000 ms).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "ui"


def main() -> int:
    npx = shutil.which("npx")
    if npx is None or not (UI / "node_modules").is_dir():
        print("needs Node and ui/node_modules (./dev setup)", file=sys.stderr)
        return 1
    proc = subprocess.run(
        [npx, "vitest", "bench", "--run", "--reporter=default"], cwd=UI, capture_output=True, text=True
    )
    lines = [line for line in proc.stdout.splitlines() if "·" in line or "name" in line]
    print("truncateText in Node (vitest bench)")
    print("\n".join(line.strip() for line in lines) or proc.stdout)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
