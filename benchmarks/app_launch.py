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
Baseline in the same run, interleaved: a bare Qt process that shows one QWebEngineView with a
static page (the floor for any Qt WebEngine window); medians, p90 and the ratio to it.
REFLOW_BENCH_ROOT=<checkout> measures another tree (before/after).
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

ROOT = Path(os.environ.get("REFLOW_BENCH_ROOT") or Path(__file__).resolve().parents[1]).resolve()
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]
RUNS = int(os.environ.get("REFLOW_BENCH_RUNS", "7"))


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def bare_window(out: str) -> int:
    """The baseline, inside its process: one QWebEngineView showing a static page."""
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    view = QWebEngineView()

    def loaded(ok: bool) -> None:
        Path(out).write_text(json.dumps({"marks": {"page": time.time()}}))
        app.quit()

    view.loadFinished.connect(loaded)
    view.setHtml("<html><body><div data-cell-id='1'>x = 1</div></body></html>")
    view.show()
    return app.exec()


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

    def js(win, script: str):
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
    results, floor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, REFLOW_DATA_DIR=f"{tmp}/data", REFLOW_CONFIG_DIR=f"{tmp}/cfg",
                   PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))
        for i in range(RUNS):
            out = Path(tmp) / f"b{i}.json"
            t0 = time.time()
            subprocess.run([sys.executable, __file__, "--bare", str(out)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
            floor.append(json.loads(out.read_text())["marks"]["page"] - t0)
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
    med = statistics.median
    base = med(floor)
    print(f"App launch on examples/intro.py ({RUNS} launches, "
          f"{'Xvfb/X11' if os.environ.get('DISPLAY') else 'Qt offscreen'}), tree {ROOT}")
    print(f"| {'what':<44} | {'median':>7} | {'p90':>7} | {'x base':>6} |")
    print(f"|{'-' * 46}|{'-' * 9}|{'-' * 9}|{'-' * 8}|")
    rows = [("baseline: bare QWebEngineView, static page", floor)]
    for key, label in (("page", "launch → page loaded in the window"),
                       ("cells", "launch → notebook shown (cells; target < 1 s)"),
                       ("outputs", "launch → first output visible")):
        rows.append((label, [r["t"][key] for r in results]))
    for label, xs in rows:
        print(f"| {label:<44} | {med(xs):>5.2f} s | {p90(xs):>5.2f} s | {med(xs) / base:>5.1f}x |")
    for key, label in (("app_peak", "app process peak RSS (VmHWM)"),
                       ("webengine", "QtWebEngine helper processes RSS"),
                       ("kernel", "kernel process RSS")):
        xs = [r["mem"][key] for r in results]
        print(f"| {label:<44} | {med(xs):>7.0f} MiB |")
    total = [r["mem"]["app_peak"] + r["mem"]["webengine"] + r["mem"]["kernel"] for r in results]
    print(f"| {'app + webengine + kernel (sum of RSS)':<44} | {med(total):>7.0f} MiB |")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2], sys.argv[3]))
    if len(sys.argv) >= 2 and sys.argv[1] == "--bare":
        sys.exit(bare_window(sys.argv[2]))
    main()
