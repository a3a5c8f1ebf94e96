"""`--browser` hands the page its credentials through a one-time address (issue 15, item 5).

The browser that Reflow starts gets the address on its command line, where any local
user can read it (ps, /proc): it must not hold the token, and it must work only once.
``$BROWSER`` stands in for the browser: a script that records its command line.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, shot

pytestmark = pytest.mark.e2e


def test_browser_gets_a_one_time_address_without_the_token(serve, browser, tmp_path):
    argv_file = tmp_path / "browser-argv.txt"
    fake_browser = tmp_path / "fake-browser"
    fake_browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {argv_file}\n', encoding="utf-8")
    fake_browser.chmod(0o755)
    server = serve("# %%\nx = 6 * 7\nx\n", no_open=False, BROWSER=str(fake_browser))
    token = re.search(r"token=(\S+)", server.url)
    assert token, "the server printed no address with its token"
    end = time.monotonic() + 60
    while time.monotonic() < end and not (argv_file.exists() and argv_file.read_text().strip()):
        time.sleep(0.1)
    argv = argv_file.read_text().split()
    (login,) = [a for a in argv if a.startswith("http://127.0.0.1:")]
    assert token.group(1) not in " ".join(argv) and "token" not in login
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.goto(login)
    try:
        page.wait_for_selector('.kernel[data-kernel="idle"]')
    except Exception:
        shot(page, "FAILED-browser-login")
        state = page.evaluate("() => document.querySelector('.kernel')?.outerHTML ?? 'no .kernel element'")
        raise AssertionError(f"the kernel never showed idle: {state}\nconsole:\n" + "\n".join(console)) from None
    expect(page.locator(".notebook .cell").first.locator(".outputs")).to_contain_text("42")
    assert "token" not in page.url and "/login/" not in page.url
    assert page.evaluate("() => document.cookie") == ""  # HttpOnly: the page's scripts cannot read it
    assert page.evaluate("() => sessionStorage.getItem('reflow.token')") is None
    ctx.close()
    other = browser.new_context()  # someone who read the command line, after the browser used it
    again = other.new_page().goto(login)
    assert again is not None and again.status == 403
    other.close()
