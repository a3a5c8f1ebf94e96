"""Cost of the trust check on open (issue 15): a 500-cell notebook opened with and without it, same run.

"Open" is what happens before anything is shown: ``Session(path)`` (read and parse the file, the
sidecar's outputs restored, the trust gate). "Without the check" replaces the gate's ``assess`` by a
constant answer, so the difference is the check alone: reading the file's bytes again, one HMAC of
them and one sqlite lookup when the notebook is as this user saved it (``trusted``); plus one HMAC
per code cell and a second lookup when cells changed outside Reflow (``changed``, one cell edited);
the environment lookup only for a notebook from elsewhere (``untrusted``). Also the re-sign after a
save. Medians over BENCH_RUNS rounds (default 60), interleaved. Measurements, not tests.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]

RUNS = int(os.environ.get("BENCH_RUNS", "60"))
CELLS = 500


def notebook_text(cells: int) -> str:
    parts = ['# /// script\n# requires-python = ">=3.11"\n# dependencies = ["numpy", "pandas"]\n# ///\n']
    for i in range(cells):
        parts.append(f"# %%\nv{i} = {i}{f' + v{i - 1}' if i else ''}\nprint('cell {i}', v{i})\n")
    return "\n".join(parts)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REFLOW_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["REFLOW_CONFIG_DIR"] = str(Path(tmp) / "config")
        os.environ.pop("REFLOW_TRUSTED_DIRS", None)
        from reflow.notebook import read_notebook
        from reflow_desktop.session import Session
        from reflow_desktop.trust import TrustState, gate, sign_notebook

        real_assess = gate.assess
        paths = {name: Path(tmp) / name / "nb.py" for name in ("trusted", "changed", "untrusted")}
        for name, path in paths.items():
            path.parent.mkdir()
            path.write_text(notebook_text(CELLS))
            if name != "untrusted":
                sign_notebook(path, read_notebook(path))
        changed = paths["changed"]
        changed.write_text(changed.read_text().replace("v250 = 250", "v250 = -250"))

        def open_session(path: Path) -> Callable[[], object]:
            async def construct() -> Session:
                return Session(path, autosave_delay=None)

            return lambda: asyncio.run(construct())

        print(f"{CELLS}-cell notebook, open = Session(path), median of {RUNS} (ms)")
        print(f"{'state':10} {'with check':>11} {'without':>9} {'check':>7}")
        for name, path in paths.items():
            rows: dict[str, list[float]] = {"with": [], "without": []}
            for mode in ("without", "with", "without", "with"):  # interleaved: same conditions
                if mode == "without":
                    gate.assess = lambda path, nb, **_: TrustState("trusted")  # type: ignore[assignment]
                else:
                    gate.assess = real_assess
                rows[mode].append(median_ms(open_session(path), RUNS // 2))
            gate.assess = real_assess
            with_ms, without_ms = statistics.median(rows["with"]), statistics.median(rows["without"])
            print(f"{name:10} {with_ms:>11.2f} {without_ms:>9.2f} {with_ms - without_ms:>7.2f}")
        nb = read_notebook(paths["trusted"])
        check = median_ms(lambda: real_assess(paths["trusted"], nb), RUNS)
        changed_nb = read_notebook(changed)
        check_changed = median_ms(lambda: real_assess(changed, changed_nb), RUNS)
        resign = median_ms(lambda: sign_notebook(paths["trusted"], nb), RUNS)
        print(f"assess alone: trusted {check:.2f} ms, changed {check_changed:.2f} ms")
        print(f"re-sign after a save: {resign:.2f} ms")


if __name__ == "__main__":
    main()
