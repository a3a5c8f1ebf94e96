"""Issue 18 item 1 in the browser: the app dies during a long run; the next `reflow edit` offers the
kernel that kept running (Reattach / Stop kernel); Reattach shows what it printed meanwhile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import WAIT_MS, Server, cell

pytestmark = pytest.mark.e2e

LOOP = """\
# %%
import os, time
i = 0
while not os.path.exists({stop!r}):
    print(f"step {{i}}", flush=True)
    i += 1
    time.sleep(0.05)
print("stopped")
"""


@pytest.fixture(autouse=True)
def _private_runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # the servers' kernel records


def last_step(text: str) -> int:
    found = re.findall(r"step (\d+)", text)
    return int(found[-1]) if found else -1


def test_killed_app_then_reattach_shows_what_ran_meanwhile(serve, page, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    first = serve(LOOP.format(stop=str(stop)))
    page.goto(first.url)
    outputs = cell(page, 1).locator(".outputs")
    expect(outputs).to_contain_text("step 3", timeout=WAIT_MS)  # auto mode: the loop runs on open
    seen = last_step(outputs.inner_text())
    first.proc.kill()  # the app dies mid-run (its kernel is in its own session and keeps going)
    first.proc.wait(30)

    second = Server(tmp_path / "nb.py")
    try:
        page.goto(second.url)
        bar = page.locator('[data-banner="background-kernel"]')
        expect(bar).to_be_visible(timeout=WAIT_MS)
        expect(page.locator('[data-banner="kernel-dead"]')).to_have_count(0)  # the offer, not a dead kernel
        page.locator('[data-action="reattach-kernel"]').click()
        expect(bar).to_have_count(0, timeout=WAIT_MS)
        outputs = cell(page, 1).locator(".outputs")
        page.wait_for_function(
            "(n) => /step (\\d+)/g.test(document.querySelector('.notebook .cell .outputs')?.textContent ?? '')"
            " && Math.max(...[...(document.querySelector('.notebook .cell .outputs').textContent"
            ".matchAll(/step (\\d+)/g))].map(m => +m[1])) > n",
            arg=seen + 20,
            timeout=WAIT_MS,
        )  # printed while no app was running, and still printing
        stop.write_text("")
        expect(outputs).to_contain_text("stopped", timeout=WAIT_MS)
        text = outputs.inner_text()
        found = [int(n) for n in re.findall(r"step (\d+)", text)]
        assert found == list(range(found[-1] + 1))  # every line, once
    finally:
        second.stop()
