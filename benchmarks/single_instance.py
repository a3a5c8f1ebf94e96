"""A second ``reflow nb.py`` while the app runs: time until it has handed the notebook over and exited.

Measurements, not tests (tests/qt/test_shell_app.py checks that the hand-over happens;
the figure it used to assert, under 5 s, is measured here). Runs the real Qt app offscreen
(or on $DISPLAY) through the test driver's ``second`` scenario, one fresh app per repeat.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "qt" / "shell_driver.py"
REPEATS = 3
LAUNCH = (
    "import argparse, sys; from reflow_desktop.commands.open import run; "
    "sys.exit(run(argparse.Namespace(notebook='second.py', browser=False)))"
)


def once(tmp: Path) -> float:
    env = dict(
        os.environ,
        REFLOW_DATA_DIR=str(tmp / "data"),
        REFLOW_CONFIG_DIR=str(tmp / "config"),
        PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]),
    )
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    first_nb, second_nb, out = tmp / "first.py", tmp / "second.py", tmp / "out"
    shutil.copyfile(ROOT / "examples" / "intro.py", first_nb)
    shutil.copyfile(ROOT / "examples" / "intro.py", second_nb)
    first = subprocess.Popen(
        [sys.executable, str(DRIVER), "second", str(out), str(first_nb)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "ready").exists():  # the first app shows its window
            if first.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the first app did not start")
            time.sleep(0.05)
        t0 = time.perf_counter()
        launch = subprocess.run(
            [sys.executable, "-c", LAUNCH], cwd=tmp, env=env, capture_output=True, text=True, timeout=60
        )
        elapsed = time.perf_counter() - t0
        if launch.returncode != 0 or "running Reflow app" not in launch.stderr:
            raise RuntimeError(f"the second launch did not hand over: {launch.stderr[-2000:]}")
        first.wait(90)
        return elapsed
    finally:
        if first.poll() is None:
            first.kill()


def main() -> None:
    times = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as d:
            times.append(once(Path(d)))
    print(f"second launch -> notebook handed to the running app, median of {REPEATS}")
    print(
        f"{'median':<10}{statistics.median(times) * 1000:>8.0f}ms   (min {min(times) * 1000:.0f}, "
        f"max {max(times) * 1000:.0f})"
    )


if __name__ == "__main__":
    main()
