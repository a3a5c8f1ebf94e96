"""Browser end-to-end fixtures: the real `reflow edit/run` server in a subprocess and
Debian's Chromium driven by Python Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("REFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT_MS = 60_000  # readiness wait, never a performance limit


def _need_ui() -> None:
    if not (ROOT / "ui" / "dist" / "index.html").is_file():
        pytest.skip("ui/dist is not built (./dev setup builds it)")


class Server:
    """`reflow edit|run NB --no-open` in a subprocess; `.url` is the printed address."""

    def __init__(self, notebook: Path, command: str = "edit", *, no_open: bool = True, **env_vars: str) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", **env_vars)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reflow_desktop.cli", command, str(notebook), *(["--no-open"] if no_open else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=str(notebook.parent),
            start_new_session=True,
        )
        self.output: list[str] = []
        deadline = time.monotonic() + 60
        self.url = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                if self.proc.poll() is not None:
                    break
                continue
            self.output.append(line)
            m = re.search(r"(http://127\.0\.0\.1:\d+/\S+)", line)
            if m:
                self.url = m.group(1)
                break
        if not self.url:
            self.stop()
            raise RuntimeError("server printed no URL:\n" + "".join(self.output))
        m = re.match(r"(http://127\.0\.0\.1:\d+)", self.url)
        self.origin = m.group(1) if m else ""
        # Read on for as long as it runs: a pipe nobody reads fills (64 KiB), and then the server and
        # its kernels (they write to it too) block on their next log line, a kernel before it answers.
        self._reader = threading.Thread(target=self._read_on, name="server-output", daemon=True)
        self._reader.start()

    def _read_on(self) -> None:
        with self.proc.stdout:  # type: ignore[union-attr]  # closed here, at its end: the reader owns it
            for line in self.proc.stdout:  # type: ignore[union-attr]
                self.output.append(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if hasattr(self, "_reader"):
            # the pipe ends when the server and every kernel writing to it are gone; a kernel left running
            # on purpose (a run kept in the background) holds it longer, and the reader reads on until then
            self._reader.join(5)
        elif self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture(autouse=True)
def _user_config_dir(tmp_path, monkeypatch):
    """Servers keep user settings (theme, keymap…) in the test's tmp dir, never the real one."""
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path / "config"))


def _failed(request) -> bool:
    return request.node.rep_call.failed if hasattr(request.node, "rep_call") else False


@pytest.fixture
def serve(tmp_path, request):
    """serve(text, command="edit") -> Server; stopped after the test (its output printed if the test failed)."""
    _need_ui()
    servers: list[Server] = []

    def start(text: str, command: str = "edit", name: str = "nb.py", **options: Any) -> Server:
        nb = tmp_path / name
        nb.write_text(text, encoding="utf-8")
        s = Server(nb, command, **options)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()
        if _failed(request):  # shown in the failure's report: what the server and its kernels said
            print(f"--- server output ({s.proc.args[3]}) ---\n" + "".join(s.output))


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: Playwright's sync API keeps an asyncio loop running
    # while it is alive, and pytest-asyncio tests in later modules (the kernel tests)
    # cannot start their own loop inside it.
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    ctx = browser.new_context(viewport={"width": 1400, "height": 950}, color_scheme="light")
    pg = ctx.new_page()
    pg.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.page_errors = errors  # type: ignore[attr-defined]
    console: list[str] = []
    ctx.on("console", lambda m: console.append(f"{m.type}: {m.text}"))  # the page's and any popup's
    yield pg
    if _failed(request):
        shot(pg, f"FAILED-{request.node.name}")
        print("--- browser console ---\n" + "\n".join(console[-200:]))
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


# ---- page helpers ---------------------------------------------------------------------


def open_notebook(page, server: Server) -> None:
    page.goto(server.url)
    page.wait_for_selector(".cell")
    page.wait_for_selector('.kernel[data-kernel="idle"]')


def leave_editor(page) -> None:
    """Esc until the page is in command mode, as a user does.

    The first Esc may only close a completion list that the kernel's reply opened
    a moment after typing (the editor's standard behaviour), so one press is not
    always enough under load.
    """
    from playwright.sync_api import expect

    for _ in range(3):
        page.keyboard.press("Escape")
        try:
            expect(page.locator(".cell.editing")).to_have_count(0, timeout=1500)
            return
        except AssertionError:
            continue
    raise AssertionError("the editor kept focus after three Esc presses")


def export_html(page) -> Path:
    """Click the top bar's HTML export as a user does: the file is written beside the notebook and
    the export notice names it (issue 16 item 18); returns that path."""
    from playwright.sync_api import expect

    page.click("[data-action=export-html]")
    notice = page.locator("[data-export-notice=exported]")
    expect(notice).to_have_attribute("data-path", re.compile(r"\.html$"), timeout=WAIT_MS)
    return Path(notice.get_attribute("data-path") or "")


def cell(page, n: int):
    """The n-th cell (1-based, display order)."""
    return page.locator(".notebook .cell").nth(n - 1)


def set_code(page, n: int, code: str) -> None:
    """Replace the code of cell n through its editor, like a user would."""
    c = cell(page, n)
    c.scroll_into_view_if_needed()
    c.locator(".cm-host").click()
    content = c.locator(".cm-content")
    content.wait_for()
    content.click()
    c.locator(".cm-editor.cm-focused").wait_for()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def have_chromium() -> bool:
    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None
