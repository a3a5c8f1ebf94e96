"""Where every millisecond of a slider round trip goes: a trace through every hop.

Runs `reflow edit` (and `reflow run`) with ``REFLOW_TRACE=1``: the kernel and the app
stamp their hops into the ``ui_values`` answer (``reflow.kernel.trace``,
``reflow_desktop.session.trace``); the page's hops are stamped by a script injected
into Chromium before the app loads (WebSocket send / receive), and the DOM update by a
MutationObserver, as in ``slider.py``. All stamps are wall-clock milliseconds of one
machine (Python's ``time.time()``, the page's ``performance.timeOrigin + now()``); the
offset between the two clocks is measured first and printed with its uncertainty.

Hops, in order: page input event -> page WebSocket send -> server receive -> server
sends to the kernel -> kernel host receives -> run start -> run end -> the run's events
leave with the answer -> server receives it -> server sends it -> page
receives it -> DOM updated. Printed as medians and p90s per hop (over sequential moves),
for a slider with one dependent cell (edit mode and run mode) and for a 100-cell chain.
A measurement, not a test: nothing asserts a time. ``REFLOW_PROFILE_SERVER=<dir>`` writes a
cProfile of each server's main thread there (``<notebook>.prof``; ``_browser.start_server``).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from multiprocessing import Pipe, Process
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

os.environ["REFLOW_TRACE"] = "1"  # before start_server: the server and its kernel inherit it

from _browser import launch_chromium, start_server
from _memory import describe, memory_by_role
from playwright.sync_api import Page, sync_playwright
from slider import SIMPLE, chain_notebook

MOVES = int(os.environ.get("REFLOW_TRACE_MOVES", "100"))
CHAIN = 100
CHAIN_MOVES = 30
# memory checkpoints (moves after the trace): a plateau between them is a bounded cache, a climb a leak
LEAK_MOVES = sorted(int(n) for n in os.environ.get("REFLOW_TRACE_LEAK_MOVES", "1000,3000").split(",") if n.strip())
MEMORY: list[tuple[int, dict[str, tuple[float, float]], float]] = []  # (moves, MB by process, page heap MB)
CPU: dict[str, tuple[dict[str, float], float]] = {}  # notebook -> (CPU ms per move by process, wall ms per move)

# Injected before the app's own scripts: stamps every WebSocket frame sent and received.
TRACE_INIT = """(() => {
  const T = (window.__rt = { sends: [], frames: [] });
  const now = () => performance.timeOrigin + performance.now();
  const Orig = window.WebSocket;
  const origSend = Orig.prototype.send;
  Orig.prototype.send = function (d) {
    if (typeof d === "string" && d.startsWith('{"type":"set_ui_value"')) T.sends.push([now(), d]);
    return origSend.call(this, d);
  };
  class Traced extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        const t = now();
        const d = typeof e.data === "string" ? e.data : "";
        T.frames.push([t, d.includes('"trace":') ? d : d.slice(0, 24), d.length]);
      });
    }
  }
  window.WebSocket = Traced;
})();"""

MEASURE = """async ([cellIndex, values, prefix, offset]) => {
  const now = () => performance.timeOrigin + performance.now();
  window.__rt.sends.length = 0;
  window.__rt.frames.length = 0;
  const cells = document.querySelectorAll('.cell');
  const input = cells[0].querySelector('.rw-slider input[type=range]');
  const target = cells[cellIndex];
  const moves = [];
  for (const v of values) {
    const want = prefix + (v + offset) + "'";
    const m = await new Promise((resolve, reject) => {
      let t0 = 0;
      const obs = new MutationObserver(() => {
        const out = target.querySelector('.outputs');
        if (out && out.textContent.includes(want)) { obs.disconnect(); resolve([t0, now()]); }
      });
      obs.observe(target, {subtree: true, childList: true, characterData: true});
      input.addEventListener('input', () => { t0 = now(); }, {once: true, capture: true});
      input.value = String(v);
      input.dispatchEvent(new Event('input', {bubbles: true}));
      setTimeout(() => reject(new Error('timeout waiting for ' + want)), 30000);
    });
    moves.push(m);
  }
  return {moves, sends: window.__rt.sends, frames: window.__rt.frames};
}"""

# (label, from stamp, to stamp)
HOPS = [
    ("page: input event -> WebSocket send", "p_input", "p_ws_send"),
    ("page -> server: WebSocket", "p_ws_send", "s_ws_recv"),
    ("server: receive -> send to kernel", "s_ws_recv", "s_kernel_send"),
    ("server -> kernel: ZMQ + ipykernel shell", "s_kernel_send", "k_recv"),
    ("kernel: receive -> run start", "k_recv", "k_run_start"),
    ("kernel: the run (cells)", "k_run_start", "k_run_end"),
    ("kernel: run end -> answer sent", "k_run_end", "k_send"),
    ("kernel -> server: iopub + jupyter_client", "k_send", "s_kernel_recv"),
    ("server: kernel message -> page send", "s_kernel_recv", "s_ws_send"),
    ("server -> page: WebSocket", "s_ws_send", "p_recv"),
    ("page: answer received -> DOM updated", "p_recv", "p_dom"),
]


def _echo(conn: Connection) -> None:
    while (msg := conn.recv_bytes()) != b"":
        conn.send_bytes(msg)


def process_hops(n: int = 300) -> list[float]:
    """The physics under today's load: one hop between two idle processes (ms; half a pipe ping-pong).

    A slider move crosses at least six such hops (page renderer, browser network service, server,
    kernel shell thread, kernel iopub thread, server, page): each waits for a core like this one.
    """
    ours, theirs = Pipe()
    child = Process(target=_echo, args=(theirs,), daemon=True)
    child.start()
    hops = []
    for _ in range(n):
        t0 = time.perf_counter()
        ours.send_bytes(b"x" * 200)
        ours.recv_bytes()
        hops.append((time.perf_counter() - t0) * 1000 / 2)
        time.sleep(0.002)  # the other side goes idle between moves, as the app's processes do
    ours.send_bytes(b"")
    child.join(10)
    return hops


def _role(proc: psutil.Process) -> str:
    cmd = " ".join(proc.cmdline())
    if "reflow.kernel" in cmd:
        return "kernel"
    if "chrom" in proc.name().lower() or "chrom" in cmd:
        return "chromium (all processes)"
    if " edit " in f" {cmd} " or " run " in f" {cmd} ":
        return "server"
    return "other"


def cpu_times() -> dict[str, float]:
    """CPU seconds used so far by each role among this script's descendants (server, kernel, Chromium)."""
    out: dict[str, float] = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            t = proc.cpu_times()
            role = _role(proc)
        except psutil.Error:
            continue
        out[role] = out.get(role, 0.0) + t.user + t.system
    return out


def page_heap(page: Page) -> float:
    """The page's JavaScript heap in MB after a full garbage collection (CDP)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        return float(cdp.send("Runtime.getHeapUsage")["usedSize"]) / 2**20
    finally:
        cdp.detach()


def clock_offset(page: Page) -> tuple[float, float]:
    """(page clock - Python clock, uncertainty) in ms, the best of 20 round trips."""
    best: tuple[float, float] | None = None
    for _ in range(20):
        t0 = time.time() * 1000
        pg = page.evaluate("performance.timeOrigin + performance.now()")
        t1 = time.time() * 1000
        guess = (pg - (t0 + t1) / 2, (t1 - t0) / 2)
        if best is None or guess[1] < best[1]:
            best = guess
    assert best is not None
    return best


def breakdown(result: dict[str, Any], offset: float) -> list[dict[str, float]]:
    """One dict of stamps (ms, page clock) per move, matched by the request id."""
    answers: dict[str, tuple[float, dict[str, Any]]] = {}
    for t, text, _size in result["frames"]:
        if '"trace":' in text:
            msg = json.loads(text)
            for event in msg.get("events") or [] if msg.get("type") == "batch" else [msg]:
                if event.get("type") == "ui_values" and event.get("request_id") and "trace" in event:
                    answers[event["request_id"]] = (t, event["trace"])
    rows = []
    sends = result["sends"]
    for (t_input, t_dom), (t_send, text) in zip(result["moves"], sends, strict=False):
        rid = json.loads(text).get("request_id")
        if rid not in answers:
            continue
        t_recv, stamps = answers[rid]
        row = {"p_input": t_input, "p_ws_send": t_send, "p_recv": t_recv, "p_dom": t_dom}
        row.update({k: v * 1000 + offset for k, v in stamps.items()})
        rows.append(row)
    return rows


def pct(xs: list[float], q: int) -> float:
    return statistics.quantiles(xs, n=100)[q - 1] if len(xs) > 1 else xs[0]


def report(title: str, rows: list[dict[str, float]], totals: list[float], name: str) -> None:
    print(f"{title}: {len(totals)} moves, {len(rows)} traced")
    print(f"  {'hop':44} {'p50 ms':>7} {'p90 ms':>7}")
    for label, a, b in HOPS:
        xs = [r[b] - r[a] for r in rows if a in r and b in r]
        if xs:
            print(f"  {label:44} {statistics.median(xs):7.2f} {pct(xs, 90):7.2f}")
    print(f"  {'total: input -> DOM updated':44} {statistics.median(totals):7.2f} {pct(totals, 90):7.2f}")
    cpu, wall = CPU.get(name, ({}, 0.0))
    used = "  ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items()))
    print(f"  CPU ms per move: {used}  (sum {sum(cpu.values()):.1f} of {wall:.1f} ms wall per move)")


def measure(page: Page, text: str, tmp: Path, name: str, cell_index: int, values: list[int], prefix: str,
            offset: int, ready: str, command: str = "edit") -> tuple[list[dict[str, float]], list[float]]:
    nb = tmp / name
    nb.write_text(text)
    proc, url = start_server(nb, command)
    try:
        page.goto(url)
        page.wait_for_function(
            f"(() => {{ const c = document.querySelectorAll('.cell')[{cell_index}];"
            f" return c && c.querySelector('.outputs')?.textContent.includes({ready!r}); }})()",
            timeout=120_000)
        page.wait_for_selector(".cell .rw-slider input[type=range]")
        page.evaluate(MEASURE, [cell_index, values[:10], prefix, offset])  # warm up
        clock, err = clock_offset(page)
        before, wall = cpu_times(), time.perf_counter()
        result = page.evaluate(MEASURE, [cell_index, values, prefix, offset])
        wall = time.perf_counter() - wall
        after = cpu_times()
        totals = [dom - inp for inp, dom in result["moves"]]
        cpu = {k: (after[k] - before.get(k, 0.0)) * 1000 / len(values) for k in after if k != "other"}
        CPU[name] = (cpu, wall * 1000 / len(values))
        print(f"  (clocks: page - python = {clock:+.2f} ms +- {err:.2f} ms)", file=sys.stderr)
        if name == "slider.py" and LEAK_MOVES:
            MEMORY.append((0, memory_by_role(proc.pid), page_heap(page)))
            done = 0
            for point in LEAK_MOVES:
                page.evaluate(MEASURE, [cell_index, [(i * 11) % 997 + 1 for i in range(done, point)], prefix, offset])
                done = point
                MEMORY.append((point, memory_by_role(proc.pid), page_heap(page)))
        return breakdown(result, clock), totals
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page.add_init_script(TRACE_INIT)
        skew = page.evaluate("Date.now() - (performance.timeOrigin + performance.now())")
        values = [(i * 7) % 997 + 1 for i in range(MOVES)]
        runs = [
            ("slider -> dependent output, edit mode",
             measure(page, SIMPLE, Path(tmp), "slider.py", 1, values, "v=", 0, "v=0")),
            ("slider -> dependent output, run mode (reflow run)",
             measure(page, SIMPLE, Path(tmp), "slider_app.py", 1, values, "v=", 0, "v=0", "run")),
            (f"slider -> {CHAIN}-cell chain, last cell updated",
             measure(page, chain_notebook(CHAIN), Path(tmp), "chain.py", CHAIN + 1,
                     [(i * 13) % 9973 + 1 for i in range(CHAIN_MOVES)], "last=", CHAIN - 1, f"last={CHAIN - 1}")),
        ]
        browser.close()
    hops = process_hops()
    print(f"page clock check: Date.now() - (timeOrigin + now()) = {skew:+.2f} ms")
    print(f"one process hop now (pipe ping-pong / 2 between idle processes): p50 {statistics.median(hops):.2f} ms"
          f"   p90 {pct(hops, 90):.2f} ms   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for moves, figures, heap in MEMORY:
        when = f"after {moves:,} more moves" if moves else "after the trace"
        print(f"memory (RSS / USS) {when:>22}: {describe(figures)}; page JS heap {heap:.1f} MB")
    for (title, (rows, totals)), name in zip(runs, ("slider.py", "slider_app.py", "chain.py"), strict=True):
        report(title, rows, totals, name)


if __name__ == "__main__":
    main()
