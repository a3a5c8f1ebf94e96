"""Where every millisecond of "edit a cell, Shift-Enter" goes: a trace through every hop.

The code-edit -> run path of ``browser_chain.py`` (edit the root of a 100-cell chain, or one
cell without descendants; Shift-Enter; the last cell shows the new value), traced with
``REFLOW_TRACE=1`` and ``REFLOW_TRACE_FILE``: the app logs every message it receives from the
page or the kernel and every message it sends to the page (``reflow_desktop.session.trace``),
and the kernel stamps its hops of the run into the ``done`` it answers with
(``reflow.kernel.trace``). The page's hops (the Shift-Enter keydown, the WebSocket send of
``run``, every frame received, the DOM update) are stamped by a script injected into
Chromium before the app loads. ``REFLOW_BENCH_ROOT=<checkout>`` serves from another checkout
(a worktree with its ui/ built). One machine, one clock: the offset between the page's clock
and Python's is measured and applied. A measurement, not a test: nothing asserts a time.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ["REFLOW_TRACE"] = "1"  # before start_server: the server and its kernel inherit it

from _browser import launch_chromium
from _checkout import start_server_at
from browser_chain import N, chain_notebook
from playwright.sync_api import Page, sync_playwright
from slider_trace import clock_offset, cpu_times, pct

REPEATS = int(os.environ.get("REFLOW_TRACE_RUNS", "20"))
BENCH_ROOT = Path(os.environ["REFLOW_BENCH_ROOT"]) if os.environ.get("REFLOW_BENCH_ROOT") else None  # another checkout

# Injected before the app's scripts: stamps the Shift-Enter keydown, the run's WebSocket send
# and every frame received (its head, its size, whether it holds the value waited for).
TRACE_INIT = """(() => {
  const T = (window.__rt = { key: 0, sends: [], frames: [], want: null, long: [] });
  const now = () => performance.timeOrigin + performance.now();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) T.long.push([performance.timeOrigin + e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: false });
  window.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.shiftKey) T.key = now(); }, true);
  const Orig = window.WebSocket;
  const origSend = Orig.prototype.send;
  Orig.prototype.send = function (d) {
    if (typeof d === "string") T.sends.push([now(), d.slice(0, 40)]);
    return origSend.call(this, d);
  };
  class Traced extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        const t = now();
        const d = typeof e.data === "string" ? e.data : "";
        T.frames.push([t, d.slice(0, 40), d.length, T.want !== null && d.includes(T.want)]);
      });
    }
  }
  window.WebSocket = Traced;
})();"""

ARM = """([watch, expect, wire]) => {
  const T = window.__rt;
  T.key = 0; T.sends.length = 0; T.frames.length = 0; T.long.length = 0; T.want = wire; T.dom = 0;
  const cell = document.querySelectorAll('.cell')[watch];
  const obs = new MutationObserver(() => {
    const out = cell.querySelector('.outputs');
    if (out && out.textContent.includes(expect)) {
      T.dom = performance.timeOrigin + performance.now();
      obs.disconnect();
    }
  });
  obs.observe(cell, {subtree: true, childList: true, characterData: true});
}"""

# (label, from stamp, to stamp); s_* the app, k_* the kernel, p_* the page
HOPS = [
    ("page: keydown -> run sent on the WebSocket", "p_key", "p_ws_send"),
    ("page -> server: WebSocket", "p_ws_send", "s_ws_recv"),
    ("server: run received -> sent to the kernel", "s_ws_recv", "s_kernel_send"),
    ("server -> kernel: ZMQ + ipykernel shell", "s_kernel_send", "k_recv"),
    ("kernel: apply the code (analysis, graph)", "k_recv", "k_applied"),
    ("kernel: graph message", "k_applied", "k_run_start"),
    ("kernel: the run (cells)", "k_run_start", "k_run_end"),
    ("kernel: after the run (variables...)", "k_run_end", "k_send"),
    ("kernel -> server: the last batch", "k_send", "s_done_recv"),
    ("server: output's batch in -> page send", "s_out_recv", "s_out_send"),
    ("server -> page: WebSocket (output frame)", "s_out_send", "p_out_recv"),
    ("page: output frame received -> DOM updated", "p_out_recv", "p_dom"),
]


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def timed_edit(
    page: Page, log: Path, clock: float, cell_index: int, code: str, expect: str, watch_index: int
) -> dict[str, float]:
    """Edit, Shift-Enter, wait for the DOM; one dict of stamps (ms, the page's clock)."""
    start = len(read_log(log))
    page.evaluate(ARM, [watch_index, expect, expect + '"'])
    cell = page.locator(".cell").nth(cell_index)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    if not cell.locator(".cm-editor.cm-focused").count():
        cell.locator(".cm-content").click()
    cell.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    # the typing's own traffic and long tasks are not the run's
    page.evaluate("window.__rt.sends.length = 0; window.__rt.frames.length = 0; window.__rt.long.length = 0")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("window.__rt.dom > 0", timeout=60_000)
    page.wait_for_timeout(150)  # the run's done reaches the server's log after the output
    rt = page.evaluate("window.__rt")
    rows = read_log(log)[start:]
    row: dict[str, float] = {"p_key": rt["key"], "p_dom": rt["dom"]}
    runs = [t for t, head in rt["sends"] if head.startswith('{"type":"run"')]
    if runs:
        row["p_ws_send"] = runs[0]
    ms = lambda t: t * 1000 + clock  # noqa: E731  # Python's clock -> the page's
    i_in = next((i for i, r in enumerate(rows) if r["way"] == "page_in" and r["type"] == "run"), None)
    if i_in is None:
        return row
    row["s_ws_recv"] = ms(rows[i_in]["t"])
    after = rows[i_in:]
    done = next((r for r in after if r["way"] == "kernel" and r.get("trace")), None)
    if done is not None:
        row["s_done_recv"] = ms(done["t"])
        row.update({k: ms(v) for k, v in done["trace"].items()})
    # the frame holding the value waited for: the n-th frame after the run's send is the n-th page_out
    frames = [f for f in rt["frames"] if f[0] >= row.get("p_ws_send", 0)]
    outs = [r for r in after if r["way"] == "page_out"]
    hit = next((k for k, f in enumerate(frames) if f[3]), None)
    if hit is not None:
        row["p_out_recv"] = frames[hit][0]
        # the frame with the value left the server right after the kernel message holding the run's
        # ``done`` (the run's last batch): the first message to the page after that one
        sent = next((r for r in outs if done is not None and r["t"] >= done["t"]), None)
        if sent is not None and frames[hit][1].startswith('{"type":"' + str(sent["type"])):
            row["s_out_recv"] = ms(done["t"])
            row["s_out_send"] = ms(sent["t"])
    if os.environ.get("REFLOW_TRACE_VERBOSE"):  # every message of the run, in order
        t0 = row["p_key"]
        for r in after:
            print(f"    app {r['way']:8} {ms(r['t']) - t0:8.2f} {r['type']} {r.get('kinds') or ''}", file=sys.stderr)
        for t, head, size, hit_ in frames:
            print(f"    page recv {t - t0:8.2f} {size:7} {head}{' <- the value' if hit_ else ''}", file=sys.stderr)
        print(f"    page dom  {row['p_dom'] - t0:8.2f}", file=sys.stderr)
        stamps = sorted((v - t0, k) for k, v in row.items() if k.startswith(("k_", "s_kernel")))
        print("    kernel " + "  ".join(f"{k} {v:.2f}" for v, k in stamps), file=sys.stderr)
    # the page's main thread busy for 50 ms or more at once (long tasks) between the keydown and the DOM
    row["page_long_tasks_ms"] = sum(d for t, d in rt["long"] if row["p_key"] <= t <= row["p_dom"])
    row["n_frames"] = len(frames)
    row["n_kernel_msgs"] = sum(1 for r in after if r["way"] == "kernel")
    row["bytes_to_page"] = sum(f[2] for f in frames)
    return row


def report(title: str, rows: list[dict[str, float]], cpu: dict[str, float]) -> None:
    totals = [r["p_dom"] - r["p_key"] for r in rows if r.get("p_key")]
    print(f"{title}: {len(totals)} runs")
    print(f"  {'hop':46} {'p50 ms':>7} {'p90 ms':>7}")
    for label, a, b in HOPS:
        xs = [r[b] - r[a] for r in rows if a in r and b in r]
        if xs:
            print(f"  {label:46} {statistics.median(xs):7.2f} {pct(xs, 90):7.2f}")
    print(f"  {'total: keydown -> DOM updated':46} {statistics.median(totals):7.2f} {pct(totals, 90):7.2f}")
    for key in ("page_long_tasks_ms", "n_frames", "n_kernel_msgs", "bytes_to_page"):
        xs = [r[key] for r in rows if key in r]
        if xs:
            print(f"  {key:46} {statistics.median(xs):7.0f}")
    used = "  ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items()))
    print(f"  CPU ms per run (incl. typing the edit): {used}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "trace.jsonl"
        os.environ["REFLOW_TRACE_FILE"] = str(log)
        nb = Path(tmp) / "chain.py"
        nb.write_text(chain_notebook(N))
        proc, url = start_server_at(nb, BENCH_ROOT)
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
                page.add_init_script(TRACE_INIT)
                page.goto(url)
                page.wait_for_function(
                    f"(() => {{ const c = document.querySelectorAll('.cell')[{N - 1}];"
                    f" return c && c.querySelector('.outputs')?.textContent.includes('{N - 2}'); }})()",
                    timeout=120_000,
                )
                clock, err = clock_offset(page)
                print(f"  (clocks: page - python = {clock:+.2f} ms +- {err:.2f} ms)", file=sys.stderr)
                chain, single = [], []
                cpu0 = cpu_times()
                for k in range(1, REPEATS + 1):
                    chain.append(timed_edit(page, log, clock, 0, f"x0 = {k * 1000}", str(k * 1000 + N - 2), N - 1))
                cpu1 = cpu_times()
                for k in range(1, REPEATS + 1):
                    single.append(timed_edit(page, log, clock, N, f"lonely = {k}77\nlonely", f"{k}77", N))
                cpu2 = cpu_times()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    per = lambda a, b: {k: (b[k] - a.get(k, 0.0)) * 1000 / REPEATS for k in b if k != "other"}  # noqa: E731
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report(f"edit the root of a {N}-cell chain -> last cell updated", chain[2:], per(cpu0, cpu1))
    report("edit one cell without descendants -> its output updated", single[2:], per(cpu1, cpu2))


if __name__ == "__main__":
    main()
