"""Desktop app launch: process start → the notebook window shows the notebook with outputs.

Measurements, not tests. Each launch is a fresh process (`--child`) running the
real shell (pywebview + Qt, offscreen unless DISPLAY is set) on a copy of
examples/intro.py. Three moments, from just before the process is spawned:
  page    — the window's page finished loading (pywebview `loaded`)
  cells   — the UI received the session over its WebSocket (cells in the DOM)
  outputs — the first cell output is visible (auto mode runs the notebook; once
            the sidecar lands this becomes "restored outputs")
Memory at that moment: the app process's peak RSS (VmHWM), its QtWebEngine
helper processes, and the kernel (RSS; shared pages are counted per process).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]
RUNS = int(os.environ.get("REFLOW_BENCH_RUNS", "7"))


def _status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) // 1024  # MiB
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            kids += [int(x) for x in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            pass
    return kids


def child(nb: str, out: str) -> int:
    """Inside the launched app process."""
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from reflow_desktop.shell.app import ShellApp

    app = ShellApp()
    marks: dict[str, float] = {}

    def js(win, script: str):  # noqa: ANN001, ANN202
        box: list = []
        ev = threading.Event()
        app.invoke(lambda: win.run_js(script, lambda r: (box.append(r), ev.set())))
        ev.wait(10)
        return box[0] if box else None

    def watch() -> None:
        while not app.windows:
            time.sleep(0.005)
        win = next(iter(app.windows.values()))
        win.loaded.wait(60)
        marks["page"] = time.time()
        while not js(win, "document.querySelectorAll('[data-cell-id]').length"):
            time.sleep(0.01)
        marks["cells"] = time.time()
        while not js(win, "document.querySelectorAll('.output-text').length"):
            time.sleep(0.01)
        marks["outputs"] = time.time()
        me = os.getpid()
        kernel = win.session.kernel.pid
        helpers = [p for p in _children(me) if p != kernel]
        mem = {"app_peak": _status(me).get("VmHWM", 0),
               "webengine": sum(_status(p).get("VmRSS", 0) for p in helpers
                                for p in [p, *_children(p)]),
               "kernel": _status(kernel).get("VmRSS", 0) if kernel else 0}
        Path(out).write_text(json.dumps({"marks": marks, "mem": mem}))
        app.invoke(app.quit)

    app.on_ready = lambda _a: threading.Thread(target=watch, daemon=True).start()
    return app.run([nb])


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, REFLOW_DATA_DIR=f"{tmp}/data", REFLOW_CONFIG_DIR=f"{tmp}/cfg",
                   PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))
        for i in range(RUNS):
            nb = Path(tmp) / f"run{i}" / "intro.py"
            nb.parent.mkdir()
            shutil.copyfile(ROOT / "examples" / "intro.py", nb)
            out = Path(tmp) / f"r{i}.json"
            t0 = time.time()
            subprocess.run([sys.executable, __file__, "--child", str(nb), str(out)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
            r = json.loads(out.read_text())
            r["t"] = {k: v - t0 for k, v in r["marks"].items()}
            results.append(r)
    med = lambda xs: statistics.median(xs)  # noqa: E731
    print(f"App launch on examples/intro.py ({RUNS} launches, "
          f"{'Xvfb/X11' if os.environ.get('DISPLAY') else 'Qt offscreen'}), median [min–max]")
    print(f"| {'what':<44} | {'value':>22} |")
    print(f"|{'-' * 46}|{'-' * 24}|")
    for key, label in (("page", "launch → page loaded in the window"),
                       ("cells", "launch → notebook cells shown (WebSocket)"),
                       ("outputs", "launch → first output visible")):
        xs = [r["t"][key] for r in results]
        print(f"| {label:<44} | {med(xs):>7.2f} s [{min(xs):.2f}–{max(xs):.2f}] |")
    for key, label in (("app_peak", "app process peak RSS (VmHWM)"),
                       ("webengine", "QtWebEngine helper processes RSS"),
                       ("kernel", "kernel process RSS")):
        xs = [r["mem"][key] for r in results]
        print(f"| {label:<44} | {med(xs):>9.0f} MiB{'':>10} |")
    total = [r["mem"]["app_peak"] + r["mem"]["webengine"] + r["mem"]["kernel"] for r in results]
    print(f"| {'app + webengine + kernel (sum of RSS)':<44} | {med(total):>9.0f} MiB{'':>10} |")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2], sys.argv[3]))
    main()
