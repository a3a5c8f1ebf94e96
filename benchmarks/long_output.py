"""A cell printing 100,000 lines in the real UI: Shift-Enter -> the last line visible, in Chromium.

Measured inside the page, from the Ctrl-Enter keydown to the moment the cell's output shows
the run's last line (MutationObserver), through the whole real path: kernel print loop -> sink
-> comm -> server -> WebSocket -> store -> DOM. Baselines in the same run: the same cell
printing 10 lines (the fixed round trip), and plain Python's own print loop for 100,000 lines
(a fresh `python -c`, writing to a pipe, interpreter start-up subtracted). Responsiveness: the
longest main-thread task (PerformanceObserver "longtask", >= 50 ms) seen while the long output
arrives, and the number of elements the output block holds (windowed: it stays small).
Target (issue 21): < 100 ms to visible, the page responsive throughout. With
REFLOW_BASELINE_ROOT (an older checkout, UI built: benchmarks/_checkout.py) it runs there too.

The breakdown, per stage, from the page's side (a listener on its WebSocket, first in line):
the kernel's own run time (the ``seconds`` its idle status carries: the print loop through the
sink), key -> the last output message's arrival (kernel + server + socket), that arrival -> the
last line in the DOM (the page: parse, store, render), and the floor: the same loop in the kernel
with its output discarded (``/dev/null``), which no change to Reflow's output path can beat.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _browser import launch_chromium
from _checkout import baseline_root, start_server_at
from playwright.sync_api import Page, sync_playwright

LINES = 100_000
SMALL = 10
REPEATS = int(os.environ.get("LONG_OUTPUT_REPEATS", "10"))

NOTEBOOK = """\
# %%
def print_lines(n, tag):
    for i in range(n):
        print(f"line {i} of run {tag}")

def discarded_ms(n):
    import contextlib, os, time
    with open(os.devnull, "w") as f, contextlib.redirect_stdout(f):
        t = time.perf_counter()
        print_lines(n, 0)
        return round((time.perf_counter() - t) * 1000, 1)

# %%
print_lines(10, 0)

# %%
floor = None
"""

# A listener on the page's WebSocket, added before the app's own: when each message arrives.
SOCKET_SPY = """(() => {
    const Orig = window.WebSocket;
    window.__ws = {want: null, lastAt: null, idleAt: null, seconds: null, msgs: 0, chars: 0};
    window.WebSocket = class extends Orig {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => {
                const s = window.__ws;
                if (window.__t0 === null || window.__t0 === undefined || typeof e.data !== 'string') return;
                const now = performance.now();
                s.msgs += 1; s.chars += e.data.length;
                if (s.want && s.lastAt === null && e.data.includes(s.want)) s.lastAt = now;
                if (s.idleAt === null && e.data.includes('"seconds"')) {
                    const m = JSON.parse(e.data);
                    for (const ev of (m.type === 'batch' ? m.events : [m])) {
                        if (ev.type === 'cell_status' && typeof ev.seconds === 'number' && ev.status !== 'running') {
                            s.idleAt = now; s.seconds = ev.seconds * 1000;
                        }
                    }
                }
            });
        }
    };
})()"""

WATCH = """([want]) => {
    window.__t0 = null; window.__t1 = null; window.__longest = 0; window.__tasks = 0;
    Object.assign(window.__ws, {want, lastAt: null, idleAt: null, seconds: null, msgs: 0, chars: 0});
    const onKey = e => {
        if (e.key === 'Enter' && e.ctrlKey) {
            window.__t0 = performance.now();
            document.removeEventListener('keydown', onKey, true);
        }
    };
    document.addEventListener('keydown', onKey, true);
    const cell = document.querySelectorAll('.cell')[1];
    const done = () => {
        const out = cell.querySelector('.outputs');
        if (out && out.textContent.includes(want)) { window.__t1 = performance.now(); return true; }
        return false;
    };
    const obs = new MutationObserver(() => { if (window.__t1 === null && done()) obs.disconnect(); });
    obs.observe(cell, {subtree: true, childList: true, characterData: true});
    if (!window.__lt) {
        window.__lt = new PerformanceObserver(list => {
            for (const e of list.getEntries()) {
                if (window.__t0 === null || e.startTime + e.duration < window.__t0) continue;
                window.__tasks += 1;
                window.__longest = Math.max(window.__longest, e.duration);
            }
        });
        window.__lt.observe({type: 'longtask'});
    }
}"""


def timed_print(page: Page, tag: int, lines: int) -> dict[str, float]:
    """Run the print cell with a new tag and line count: ms to its last line, longest task ms, output
    elements, and the stages (kernel run, last message's arrival, page's share, messages)."""
    want = f"line {lines - 1} of run {tag}"
    page.evaluate(WATCH, [want])
    set_code(page, 1, f"print_lines({lines}, {tag})")
    page.wait_for_function("window.__t1 !== null", timeout=120_000)
    page.wait_for_function("window.__ws.idleAt !== null", timeout=120_000)
    page.wait_for_timeout(300)  # long tasks that end after the last line still count (settling)
    t0, t1, longest, ws = page.evaluate("[window.__t0, window.__t1, window.__longest, window.__ws]")
    if t0 is None:
        raise RuntimeError("the Ctrl-Enter keydown was not seen; the measurement would be meaningless")
    nodes = page.evaluate(
        "document.querySelectorAll('.cell')[1].querySelector('.outputs').querySelectorAll('*').length"
    )
    arrived = max(ws["lastAt"] if ws["lastAt"] is not None else ws["idleAt"], 0.0)
    return {
        "visible": float(t1 - t0),
        "longest": float(longest),
        "nodes": float(nodes),
        "kernel": float(ws["seconds"] or 0.0),
        "arrived": float(arrived - t0),
        "page": float(t1 - min(arrived, t1)),
        "msgs": float(ws["msgs"]),
    }


def discarded_floor(page: Page, tag: int) -> float:
    """The print loop in the kernel with its output discarded (ms, the kernel's own clock). The run's
    ``tag`` is in its output: two runs can measure the same time, so a changed output is no sign."""
    cell = page.locator(".cell").nth(2)
    set_code(page, 2, f"('run {tag}', discarded_ms({LINES}))")
    page.wait_for_function(
        "([want]) => document.querySelectorAll('.cell')[2].querySelector('.outputs')?.textContent.includes(want)",
        arg=[f"run {tag}'"],
        timeout=120_000,
    )
    text = cell.locator(".outputs").text_content() or ""
    return float(re.findall(r"[0-9]+(?:\.[0-9]+)?", text.split(f"run {tag}'")[-1])[-1])


def set_code(page: Page, index: int, code: str) -> None:
    """Replace a cell's code and run it in place (Ctrl-Enter)."""
    cell = page.locator(".cell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    if not cell.locator(".cm-editor.cm-focused").count():  # editors mount lazily on first click
        cell.locator(".cm-content").click()
    cell.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    page.keyboard.press("Control+Enter")


def python_print_loop(lines: int) -> float:
    """Plain Python printing `lines` lines to a pipe, start-up subtracted (ms)."""
    code = f"import time\nt=time.perf_counter()\nfor i in range({lines}):\n    print(f'line {{i}} of run 0')\n"
    code += "import sys\nsys.stdout.flush()\nprint(time.perf_counter()-t, file=sys.stderr)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(proc.stderr.strip()) * 1000


def measure(url: str, pw: object) -> dict[str, list[float]]:
    """REPEATS alternating runs of the long and the short print, plus plain Python's loop."""
    browser = launch_chromium(pw)
    # bypass_csp: the measuring predicates are evaluated strings, which the app page's CSP refuses
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.add_init_script(SOCKET_SPY)
    page.goto(url)
    page.wait_for_function(
        "document.querySelectorAll('.cell')[1]?.querySelector('.outputs')?.textContent.includes('line 9 of run 0')",
        timeout=120_000,
    )
    r: dict[str, list[float]] = {"small": [], "plain": [], "floor": []}
    for k in range(1, REPEATS + 1):
        for key, value in timed_print(page, 2 * k, LINES).items():
            r.setdefault(key, []).append(value)
        r["small"].append(timed_print(page, 2 * k + 1, SMALL)["visible"])
        r["plain"].append(python_print_loop(LINES))
        r["floor"].append(discarded_floor(page, k))
    browser.close()
    return r


def main() -> None:
    base = baseline_root()
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        for label, root in [("now", None)] + ([("baseline checkout", base)] if base else []):
            nb = Path(tmp) / "prints.py"
            nb.write_text(NOTEBOOK)
            os.environ["REFLOW_TRUSTED_DIRS"] = tmp  # the benchmark's own notebook runs on open
            proc, url = start_server_at(nb, root)
            try:
                results[label] = measure(url, pw)
            finally:
                proc.terminate()
                proc.wait(timeout=30)

    def p90(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=10)[-1]

    print(f"a cell printing {LINES:,} lines -> last line visible, in Chromium ({REPEATS} runs)")
    for label, r in results.items():
        print(f"-- {label}")
        print(f"{'what':<46}{'median ms':>11}{'p90 ms':>9}")
        print(
            f"{f'{LINES:,} lines (target < 100)':<46}{statistics.median(r['visible']):>11.1f}{p90(r['visible']):>9.1f}"
        )
        for key, what in [
            ("kernel", "  kernel run (print loop through the sink)"),
            ("arrived", "  key -> last output message at the page"),
            ("page", "  that message -> last line in the DOM (page)"),
            ("floor", "  floor: same loop in the kernel, /dev/null"),
        ]:
            print(f"{what:<46}{statistics.median(r[key]):>11.1f}{p90(r[key]):>9.1f}")
        print(
            f"{f'{SMALL} lines (baseline: the round trip)':<46}{statistics.median(r['small']):>11.1f}"
            f"{p90(r['small']):>9.1f}"
        )
        print(
            f"{'plain Python print loop, ' + f'{LINES:,} lines':<46}{statistics.median(r['plain']):>11.1f}"
            f"{p90(r['plain']):>9.1f}"
        )
        print(
            f"{'longest main-thread task meanwhile':<46}{statistics.median(r['longest']):>11.1f}"
            f"{max(r['longest']):>9.1f}  (max)"
        )
        med = statistics.median(r["visible"])
        print(
            f"ratio long / 10 lines: {med / statistics.median(r['small']):.2f}; "
            f"long / plain Python: {med / statistics.median(r['plain']):.2f}; "
            f"messages per run: {statistics.median(r['msgs']):.0f}"
        )
        print(f"elements in the output block: {max(r['nodes']):.0f} (windowed output stays small)")


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"(benchmark took {time.perf_counter() - t:.0f} s)")
