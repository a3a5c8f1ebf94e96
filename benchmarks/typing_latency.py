"""Keystroke latency in the real UI at 20 and 2,000 cells (Chromium), in the same run.

For each key typed into one cell's editor, measured inside the page from the keydown:
  * key -> DOM: the editor's text shows the character (MutationObserver);
  * key -> frame: the frame after that has run (requestAnimationFrame, then a task): every
    re-render the keystroke caused (store, cell list, panels) is done, the screen can show it.
Keys are typed one at a time, 40 ms apart (a brisk typist), into a cell near the top of a
notebook of N cells `v_i = i` / `v_i` (each with an output). Target (issue 21): < 16 ms p90
at 2,000 cells; the 20-cell notebook is the baseline.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from _browser import launch_chromium, start_server
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
    page.wait_for_function(f"document.querySelectorAll('.cell').length === {n}", timeout=120_000)
    page.wait_for_function(
        f"document.querySelectorAll('.cell')[{index}].querySelector('.outputs')?.textContent.includes('{index}')",
        timeout=120_000,
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
    results: dict[int, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for n in SIZES:
            nb = Path(tmp) / f"cells{n}.py"
            nb.write_text(notebook(n))
            proc, url = start_server(nb)
            try:
                # bypass_csp: the measuring code is evaluated strings, which the app page's CSP refuses
                page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
                page.goto(url)
                results[n] = measure(page, n)
                page.close()
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        browser.close()

    def p90(xs: list[float]) -> float:
        return statistics.quantiles(xs, n=10)[-1]

    print(f"keystroke latency in one cell's editor, in Chromium ({KEYS} keys per notebook)")
    print(f"{'cells':>6}  {'key->DOM p50':>13}{'p90':>8}  {'key->frame p50':>15}{'p90':>8}   (ms; target p90 < 16 at 2,000)")
    for n, (dom, frame) in results.items():
        print(f"{n:>6}  {statistics.median(dom):>13.1f}{p90(dom):>8.1f}  {statistics.median(frame):>15.1f}{p90(frame):>8.1f}")
    small, big = results[SIZES[0]][1], results[SIZES[-1]][1]
    print(f"ratio key->frame p50 {SIZES[-1]} / {SIZES[0]} cells: {statistics.median(big) / statistics.median(small):.2f}")


if __name__ == "__main__":
    main()
