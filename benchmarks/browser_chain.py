"""Edit the root of a 100-cell chain in the real UI; time until cell 100 shows the new value.

Measured inside the page, from the Shift-Enter keydown to the moment the last
cell's output text changes (MutationObserver), through the whole real path:
CodeMirror → WebSocket → server → kernel comm → reactive runtime (100 cells) →
back → DOM. Uses `reflow edit --no-open` and Debian's Chromium via Playwright.
Baseline in the same run: one edit of a cell with no descendants (the fixed
round-trip cost), so the ratio shows what 99 dependent cells add.
Targets (DESIGN.md): chain < 0.15 s; a peer needs 1.64 s here (issue 21: < 30 ms).
REFLOW_BENCH_ROOT=<checkout> serves from another checkout (a worktree with its ui/ built: before/after);
benchmarks/run_trace.py breaks the same path down hop by hop.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from _browser import launch_chromium
from _checkout import start_server_at
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
N = 100
REPEATS = 15
BENCH_ROOT = Path(os.environ["REFLOW_BENCH_ROOT"]) if os.environ.get("REFLOW_BENCH_ROOT") else None  # another checkout


def chain_notebook(n: int) -> str:
    """x0 = 0; x_i = x_{i-1} + 1; the last cell shows x_{n-2}; plus one independent cell."""
    cells = ["x0 = 0"] + [f"x{i} = x{i - 1} + 1" for i in range(1, n - 1)] + [f"x{n - 2}"]
    cells.append("lonely = 0\nlonely")
    return "".join(f"# %%\n{c}\n\n" for c in cells)



def timed_edit(page: Page, cell_index: int, code: str, expect: str, watch_index: int) -> float:
    """Replace a cell's code, press Shift-Enter, return ms until the watched cell shows `expect`."""
    page.evaluate(
        """([watch, expect]) => {
            window.__t0 = null; window.__t1 = null;
            const onKey = e => {
                if (e.key === 'Enter' && e.shiftKey) {
                    window.__t0 = performance.now();
                    document.removeEventListener('keydown', onKey, true);
                }
            };
            document.addEventListener('keydown', onKey, true);
            const cell = document.querySelectorAll('.cell')[watch];
            const done = () => {
                const out = cell.querySelector('.outputs');
                if (out && out.textContent.includes(expect)) { window.__t1 = performance.now(); return true; }
                return false;
            };
            const obs = new MutationObserver(() => { if (done()) obs.disconnect(); });
            obs.observe(cell, {subtree: true, childList: true, characterData: true});
        }""",
        [watch_index, expect],
    )
    cell = page.locator(".cell").nth(cell_index)
    cell.scroll_into_view_if_needed()  # off-screen editors are created when they come into view
    cell.locator(".cm-content").click()
    if not cell.locator(".cm-editor.cm-focused").count():  # editors mount lazily on first click
        cell.locator(".cm-content").click()
    cell.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("window.__t1 !== null", timeout=60_000)
    t0, t1 = page.evaluate("[window.__t0, window.__t1]")
    if t0 is None:
        raise RuntimeError("the Shift-Enter keydown was not seen; the measurement would be meaningless")
    return float(t1 - t0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        nb = Path(tmp) / "chain.py"
        nb.write_text(chain_notebook(N))
        proc, url = start_server_at(nb, BENCH_ROOT)
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                # bypass_csp: the measuring predicates are evaluated strings, which the app page's CSP (no eval) refuses
                page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
                t_open = time.perf_counter()
                page.goto(url)
                last = N - 1
                page.wait_for_function(
                    f"(() => {{ const c = document.querySelectorAll('.cell')[{last}];"
                    f" return c && c.querySelector('.outputs')?.textContent.includes('{N - 2}'); }})()",
                    timeout=120_000)
                first_output = time.perf_counter() - t_open
                chain, single = [], []
                for k in range(1, REPEATS + 1):
                    chain.append(timed_edit(page, 0, f"x0 = {k * 1000}", str(k * 1000 + N - 2), last))
                    single.append(timed_edit(page, N, f"lonely = {k}\nlonely", f"{k}", N))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    chain_med, single_med = statistics.median(chain), statistics.median(single)
    p90 = statistics.quantiles(chain, n=10)[-1]
    print(f"{N}-cell chain, edit root -> last cell updated, in Chromium ({REPEATS} runs)")
    print(f"{'what':<38}{'median ms':>11}{'p90 ms':>9}")
    print(f"{'chain of ' + str(N) + ' (target < 150, peer 1640)':<38}{chain_med:>11.1f}{p90:>9.1f}")
    print(f"{'one cell, no descendants (baseline)':<38}{single_med:>11.1f}"
          f"{statistics.quantiles(single, n=10)[-1]:>9.1f}")
    print(f"ratio chain / baseline: {chain_med / single_med:.2f}")
    print(f"page open -> cell {N} output visible (first load, runs all): {first_output * 1000:.0f} ms")


if __name__ == "__main__":
    main()
