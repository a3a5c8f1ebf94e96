"""Drive a running Reflow app's notebook window through QtWebEngine's DevTools port.

Used by smoke_linux.sh: the installed app is started with
``QTWEBENGINE_REMOTE_DEBUGGING=127.0.0.1:PORT``, which opens the Chrome DevTools
Protocol on the real window's page (no change to the app, nothing Reflow-specific
to expose). Playwright's ``connect_over_cdp`` cannot attach to QtWebEngine (no
browser-context management), so this speaks raw CDP over the ``websockets``
package: evaluate JavaScript, click with real mouse events, type with real key
events, exactly like a user at the window.

    python smoke_driver.py wait-notebook PORT [--timeout S]    # print seconds until cells show
    python smoke_driver.py run-cell PORT --match 'radius = 3.0' --code 'radius = 5.0' --expect 'radius 5.0 has area 78.54'
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import urllib.request
import warnings
from typing import Any

from websockets.sync.client import connect

warnings.filterwarnings("ignore", category=DeprecationWarning, module=__name__)


class Page:
    """One CDP page session (the notebook window's web page)."""

    def __init__(self, ws_url: str) -> None:
        self.ws = connect(ws_url, max_size=None, open_timeout=10)
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv(timeout=30))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def js(self, expression: str) -> Any:
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"JS error: {r['exceptionDetails']}")
        return r.get("result", {}).get("value")

    def wait_js(self, expression: str, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                v = self.js(expression)
            except RuntimeError:
                v = None
            if v:
                return v
            time.sleep(0.05)
        raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def key(self, key: str, code: str, vk: int, modifiers: int = 0) -> None:
        """A real key press (modifiers: 2 = Ctrl)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=code,
                      windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk, modifiers=modifiers)


def find_page(port: int, timeout: float) -> tuple[str, float]:
    """The notebook page's CDP websocket URL (a page served from /s/<session>)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                pages = json.load(r)
            for p in pages:
                if p.get("type") == "page" and "/s/" in p.get("url", ""):
                    return p["webSocketDebuggerUrl"], time.monotonic()
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"no notebook page on DevTools port {port} after {timeout:.0f} s")


CELLS_SHOWN = ("(() => { const c = document.querySelectorAll('.notebook .cell');"
               " return c.length > 0 && document.querySelector('.notebook .cm-host, .notebook .cm-content')"
               " ? c.length : 0; })()")
KERNEL_IDLE = "document.querySelector('.kernel[data-kernel=\"idle\"]') !== null"


def wait_notebook(port: int, timeout: float, t0: float | None) -> dict[str, float]:
    """Seconds (from t0, the launch time) until the page exists, cells show, the kernel is idle."""
    t0 = t0 if t0 is not None else time.time()
    url, _ = find_page(port, timeout)
    page_at = time.time() - t0
    page = Page(url)
    n = page.wait_js(CELLS_SHOWN, timeout, "the notebook's cells")
    cells_at = time.time() - t0
    page.wait_js(KERNEL_IDLE, timeout, "the kernel to be idle")
    idle_at = time.time() - t0
    return {"page": page_at, "cells": cells_at, "kernel_idle": idle_at, "n_cells": n}


def run_cell(port: int, match: str, code: str, expect: str, timeout: float) -> None:
    """Replace the code of the cell whose text contains ``match``, run it (Ctrl+Enter), wait for ``expect``."""
    url, _ = find_page(port, timeout)
    page = Page(url)
    page.wait_js(CELLS_SHOWN, timeout, "the notebook's cells")
    page.wait_js(KERNEL_IDLE, timeout, "the kernel to be idle")
    locate = f"""(() => {{
      const cells = [...document.querySelectorAll('.notebook .cell')];
      const c = cells.find(c => c.textContent.includes({json.dumps(match)}));
      if (!c) return null;
      c.scrollIntoView({{block: 'center'}});
      const el = c.querySelector('.cm-content') || c.querySelector('.cm-host');
      const r = el.getBoundingClientRect();
      return [r.left + Math.min(40, r.width / 2), r.top + r.height / 2, c.id];
    }})()"""
    x, y, cell_id = page.wait_js(locate, timeout, f"a cell containing {match!r}")
    page.click(x, y)
    time.sleep(0.2)
    x, y, _ = page.wait_js(locate, timeout, "the cell's editor")  # the editor may mount on click
    page.click(x, y)
    page.wait_js(f"document.querySelector('#{cell_id} .cm-editor.cm-focused') !== null", timeout,
                 "the cell's editor to take focus")
    page.key("a", "KeyA", 65, modifiers=2)
    page.key("Delete", "Delete", 46)
    page.call("Input.insertText", text=code)
    page.wait_js(f"document.querySelector('#{cell_id}').textContent.includes({json.dumps(code)})", timeout,
                 "the new code in the editor")
    page.key("Enter", "Enter", 13, modifiers=2)
    page.wait_js(f"document.querySelector('.notebook').innerText.includes({json.dumps(expect)})", timeout,
                 f"the output {expect!r}")
    print(f"ran the cell: output shows {expect!r}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=("wait-notebook", "run-cell"))
    ap.add_argument("port", type=int)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--t0", type=float, default=None, help="launch time (epoch seconds)")
    ap.add_argument("--match", default="")
    ap.add_argument("--code", default="")
    ap.add_argument("--expect", default="")
    args = ap.parse_args()
    if args.command == "wait-notebook":
        print(json.dumps(wait_notebook(args.port, args.timeout, args.t0)))
    else:
        run_cell(args.port, args.match, args.code, args.expect, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
