"""Keystroke latency in the real UI at 20 and 2,000 cells (Chromium), in the same run.

For each key typed into one cell's editor, measured inside the page from the keydown:
  * key -> DOM: the editor's text shows the character (MutationObserver);
  * key -> frame: the frame after that has run (requestAnimationFrame, then a task): every
    re-render the keystroke caused (store, cell list, panels) is done, the screen can show it.
Keys are typed one at a time, 40 ms apart (a brisk typist), into a cell near the top of a
notebook of N cells `v_i = i` / `v_i` (each with an output). Target (issue 21): < 16 ms p90
at 2,000 cells; the 20-cell notebook is the baseline. With REFLOW_BASELINE_ROOT (an older
checkout, UI built: benchmarks/_checkout.py) the 2,000-cell case also runs on it, same run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from _browser import launch_chromium
from _checkout import baseline_root, start_server_at
from playwright.sync_api import Page, sync_playwright

SIZES = (20, 2000)
KEYS = 80
TEXT = "abcdefghij"

ARM = """() => {
    const st = window.__typing;
    st.t0 = null; st.tDom = null; st.tFrame = null;
}"""

INSTALL = """([index]) => {
    const cell = document.querySelectorAll('.cell')[index];
    const content = cell.querySelector('.cm-content');
    const st = window.__typing = {t0: null, tDom: null, tFrame: null};
    document.addEventListener('keydown', () => { if (st.t0 === null) st.t0 = performance.now(); }, true);
    new MutationObserver(() => {
        if (st.t0 === null || st.tDom !== null) return;
        st.tDom = performance.now();
        requestAnimationFrame(() => setTimeout(() => { st.tFrame = performance.now(); }, 0));
    }).observe(content, {subtree: true, childList: true, characterData: true});
}"""


def notebook(n: int) -> str:
    return "".join(f"# %%\nv{i} = {i}\nv{i}\n\n" for i in range(n))


def measure(page: Page, n: int) -> tuple[list[float], list[float]]:
    index = 3
    page.wait_for_function(f"document.querySelectorAll('.cell').length === {n}", timeout=600_000)
    # the notebook runs on open: type once the kernel is done with it
    page.wait_for_function(
        "document.querySelector('.kernel')?.dataset.kernel === 'idle'"
        " && !document.querySelector('.cell.status-running, .cell.status-queued')",
        timeout=600_000,
    )
    cell = page.locator(".cell").nth(index)
    cell.locator(".cm-content").click()
    if not cell.locator(".cm-editor.cm-focused").count():  # editors mount lazily on first click
        cell.locator(".cm-content").click()
    cell.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("End")
    page.keyboard.type("  # ")
    page.wait_for_timeout(500)
    page.evaluate(INSTALL, [index])
    dom, frame = [], []
    for k in range(KEYS):
        page.evaluate(ARM)
        page.keyboard.press(TEXT[k % len(TEXT)])
        page.wait_for_function("window.__typing.tFrame !== null", timeout=60_000)
        t0, t_dom, t_frame = page.evaluate("[window.__typing.t0, window.__typing.tDom, window.__typing.tFrame]")
        dom.append(t_dom - t0)
        frame.append(t_frame - t0)
        page.wait_for_timeout(40)
    return dom, frame


def main() -> None:
    results: dict[str, tuple[list[float], list[float]]] = {}
    base = baseline_root()
    runs = [(n, None) for n in SIZES] + ([(SIZES[-1], base)] if base else [])
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for n, root in runs:
            nb = Path(tmp) / f"cells{n}.py"
            nb.write_text(notebook(n))
            proc, url = start_server_at(nb, root)
            label = f"{n}" if root is None else f"{n} (baseline checkout)"
            try:
                print(f"{label} cells...", file=sys.stderr, flush=True)
                # bypass_csp: the measuring code is evaluated strings, which the app page's CSP refuses
                page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
                page.goto(url)
                results[label] = measure(page, n)
                page.close()
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        browser.close()

    def p90(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=10)[-1]

    print(f"keystroke latency in one cell's editor, in Chromium ({KEYS} keys per notebook)")
    print(f"{'cells':>26}  {'key->DOM p50':>13}{'p90':>8}  {'key->frame p50':>15}{'p90':>8}   (ms; target p90 < 16 at 2,000)")
    for label, (dom, frame) in results.items():
        print(f"{label:>26}  {statistics.median(dom):>13.1f}{p90(dom):>8.1f}"
              f"  {statistics.median(frame):>15.1f}{p90(frame):>8.1f}")
    small, big = results[str(SIZES[0])][1], results[str(SIZES[-1])][1]
    print(f"ratio key->frame p50 {SIZES[-1]} / {SIZES[0]} cells: {statistics.median(big) / statistics.median(small):.2f}")


if __name__ == "__main__":
    main()
