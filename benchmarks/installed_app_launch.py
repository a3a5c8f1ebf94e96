"""Launch → notebook shown, for the built (PyInstaller) app and the dev app, measured the same way.

Measurements, not tests (issue 21: "the installed app: launch -> notebook shown < 1 s median").
Each launch is a fresh process of the real app on a fresh copy of examples/intro.py, started the
way a user's double-click starts it (the executable and the notebook path), watched from outside
through QtWebEngine's DevTools port (``QTWEBENGINE_REMOTE_DEBUGGING``; installers/smoke_driver.py),
so the built app needs nothing of the benchmark inside it. From just before the process is spawned:
  page     the notebook page exists in the browser (its DevTools target is listed)
  cells    the page shows the notebook's cells (in-page ``Date.now()``, no polling delay)
  output   the first cell output is visible (the notebook runs at open, auto mode)
Targets, one launch of each per round, rounds interleaved (noise hits all alike):
  bare     a bare QWebEngineView showing a static page (app_launch.py --bare): the floor
  --app PATH     a built app's executable (default installers/build/app/reflow/reflow)
  --dev ROOT     a checkout run from source (`python -m reflow_desktop.cli`, ROOT's engine/desktop)
Each target is launched once before the rounds (not counted): the notebook's environment and
the OS file cache are warm, as on a user's second launch. ``REFLOW_STARTUP_TRACE`` is set, so a
tree that records its start-up steps (reflow_desktop/shell/startup_trace.py) also gets a timeline:
the median time of each step from the launch.

    .venv/bin/python benchmarks/installed_app_launch.py --app /tmp/base/reflow/reflow --app \\
        installers/build/app/reflow/reflow --dev /tmp/base-app --dev . --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "installers"))
sys.path.insert(0, str(ROOT / "desktop"))

from smoke_driver import Page, find_page  # noqa: E402

from reflow_desktop.shell.startup_trace import read as read_trace  # noqa: E402

# Resolves with the page's clock (ms) once the condition holds: timed in the page, not by polling.
WHEN = "new Promise(res => {{ const t = () => ({cond}) ? res(Date.now()) : setTimeout(t, 4); t(); }})"
CELLS = "document.querySelectorAll('[data-cell-id]').length > 0"
OUTPUT = "document.querySelectorAll('.output-text').length > 0"
# The page's own navigation timeline (epoch ms): request sent, first byte, HTML in, scripts run.
NAV = (
    "(() => { const n = performance.getEntriesByType('navigation')[0], o = performance.timeOrigin;"
    " return {'nav start': o, 'html request': o + n.requestStart, 'html first byte': o + n.responseStart,"
    " 'DOMContentLoaded': o + n.domContentLoadedEventEnd}; })()"
)


@dataclass
class Target:
    label: str
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)
    runs: list[dict[str, float]] = field(default_factory=list)
    traces: list[dict[str, float]] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def when(page: Page, cond: str) -> float:
    """Seconds since the epoch at which ``cond`` first held in the page (retried across a navigation)."""
    for _ in range(50):
        try:
            return float(page.js(WHEN.format(cond=cond))) / 1000
        except RuntimeError:  # the page navigated under the evaluation
            time.sleep(0.02)
    raise RuntimeError(f"never held: {cond}")


def launch(target: Target, work: Path, env: dict[str, str], nb_src: Path, timeout: float) -> dict[str, float]:
    """One launch: seconds from spawn to each moment, plus the trace's steps (prefixed ``trace:``)."""
    run_dir = Path(tempfile.mkdtemp(dir=work))
    nb = run_dir / "intro.py"
    shutil.copyfile(nb_src, nb)
    trace = run_dir / "trace.jsonl"
    port = free_port()
    env = dict(env, **target.env, QTWEBENGINE_REMOTE_DEBUGGING=f"127.0.0.1:{port}", REFLOW_STARTUP_TRACE=str(trace))
    log = (run_dir / "app.log").open("w")
    t0 = time.time()
    proc = subprocess.Popen(
        [*target.cmd, str(nb)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        url, _ = find_page(port, timeout)
        out = {"page": time.time() - t0}
        page = Page(url)
        out["cells"] = when(page, CELLS) - t0
        out["output"] = when(page, OUTPUT) - t0
        out.update({f"page:{k}": v / 1000 - t0 for k, v in page.js(NAV).items()})
        page.ws.close()
    except Exception as exc:
        raise RuntimeError(f"{target.label}: {exc}; log {run_dir / 'app.log'}") from exc
    finally:
        stop(proc)
        log.close()
    for step, t in read_trace(str(trace)):
        out.setdefault(f"trace:{step}", t - t0)  # a step seen twice counts from its first time
    return out


def launch_bare(env: dict[str, str], work: Path) -> dict[str, float]:
    out_file = Path(tempfile.mkdtemp(dir=work)) / "bare.json"
    t0 = time.time()
    subprocess.run(
        [sys.executable, str(HERE / "app_launch.py"), "--bare", str(out_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=True,
    )
    return {"page": json.loads(out_file.read_text())["marks"]["page"] - t0}


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the app's process group (its WebEngine helpers; kernels follow the app's pid)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def targets_from(args: argparse.Namespace) -> list[Target]:
    out = []
    default = [] if args.dev else [str(ROOT / "installers" / "build" / "app" / "reflow" / "reflow")]
    for app in args.app or default:
        exe = Path(app).resolve()
        if not exe.is_file():
            raise SystemExit(f"no built app at {exe}: .venv/bin/python installers/build.py --formats none")
        out.append(Target(f"installed {exe.parent.parent}", [str(exe)]))
    for dev in args.dev or []:
        root = Path(dev).resolve()
        path = os.pathsep.join([str(root / "engine"), str(root / "desktop")])
        out.append(Target(f"dev {root}", [sys.executable, "-m", "reflow_desktop.cli"], {"PYTHONPATH": path}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--app", action="append", help="a built app's executable (repeat to compare)")
    ap.add_argument("--dev", action="append", help="a checkout to run from source (repeat to compare)")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("REFLOW_BENCH_RUNS", "7")))
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    targets = targets_from(args)
    bare: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="reflow-launch-") as tmp:
        work = Path(tmp)
        nb_dir = work / "nb"
        nb_dir.mkdir()
        env = dict(
            os.environ,
            REFLOW_DATA_DIR=f"{tmp}/data",
            REFLOW_CONFIG_DIR=f"{tmp}/cfg",
            REFLOW_CACHE_DIR=f"{tmp}/cache",
            REFLOW_TRUSTED_DIRS=str(nb_dir),
            QTWEBENGINE_DISABLE_SANDBOX="1",
            UV_PYTHON_DOWNLOADS="never",
        )
        if not env.get("DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        nb_src = ROOT / "examples" / "intro.py"
        for t in targets:  # warm-up: environment built, files cached
            launch(t, Path(tempfile.mkdtemp(dir=nb_dir)), env, nb_src, args.timeout * 3)
        for i in range(args.runs):
            bare.append(launch_bare(env, work))
            for t in targets:
                r = launch(t, Path(tempfile.mkdtemp(dir=nb_dir)), env, nb_src, args.timeout)
                t.runs.append(r)
            print(
                f"round {i + 1}/{args.runs}: bare {bare[-1]['page']:.2f} s; "
                + "; ".join(f"{t.label.split()[0]} {t.runs[-1]['cells']:.2f} s" for t in targets),
                file=sys.stderr,
                flush=True,
            )
    report(targets, bare, args.runs)


def report(targets: list[Target], bare: list[dict[str, float]], runs: int) -> None:
    med = statistics.median
    base = med([b["page"] for b in bare])
    load = os.getloadavg()
    print(
        f"Launch on examples/intro.py ({runs} launches each, interleaved; "
        f"{'X11' if os.environ.get('DISPLAY') else 'Qt offscreen'}; load average at the end "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs)"
    )
    w = max([40] + [len(t.label) + 26 for t in targets])
    print(f"| {'what':<{w}} | {'median':>7} | {'p90':>7} | {'x bare':>6} |")
    print(f"|{'-' * (w + 2)}|{'-' * 9}|{'-' * 9}|{'-' * 8}|")

    def row(label: str, xs: list[float]) -> None:
        print(f"| {label:<{w}} | {med(xs):>5.2f} s | {p90(xs):>5.2f} s | {med(xs) / base:>5.1f}x |")

    row("bare QWebEngineView, static page loaded", [b["page"] for b in bare])
    for t in targets:
        for key, what in (("page", "page exists"), ("cells", "NOTEBOOK SHOWN (cells)"), ("output", "first output")):
            row(f"{t.label}: {what}", [r[key] for r in t.runs])
    for t in targets:
        steps = {k for r in t.runs for k in r if k.startswith(("trace:", "page:"))}
        print(f"\nTimeline, {t.label} (median seconds from spawn; [app]: REFLOW_STARTUP_TRACE steps):")
        moments = [
            (
                ("[app] " if k.startswith("trace:") else "[page] ") + k.split(":", 1)[1],
                med([r[k] for r in t.runs if k in r]),
            )
            for k in steps
        ]
        moments += [(f"[page] {k}", med([r[k] for r in t.runs])) for k in ("page", "cells", "output")]
        for name, at in sorted(moments, key=lambda m: m[1]):
            print(f"  {at:6.3f}  {name}")


if __name__ == "__main__":
    main()
