"""Safe preview in Chromium: an untrusted notebook shows its code and a bar, runs nothing, and runs
after "Trust and run"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import cell, shot

pytestmark = pytest.mark.e2e


def test_untrusted_notebook_shows_the_bar_and_runs_only_after_trust_and_run(
    serve, page, tmp_path: Path, untrusted_user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "0")  # the kernel in this Python: the test is about trust
    marker = tmp_path / "marker"
    server = serve(
        '# /// script\n# dependencies = ["six"]\n# ///\n\n'
        f"# %%\nopen({str(marker)!r}, 'w').write('ran')\nprint('cell ran')\n"
    )
    page.goto(server.url)
    bar = page.locator(".trust-bar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("data-trust", "untrusted")
    expect(bar).to_contain_text("Safe preview")
    expect(bar).to_contain_text("six")  # the packages trusting installs
    expect(cell(page, 1)).to_contain_text("cell ran")  # the code is shown...
    expect(cell(page, 1).locator(".outputs", has_text="cell ran")).to_have_count(0)  # ...and did not run
    assert not marker.exists()
    badge = page.get_by_test_id("kernel-status")  # never started: said plainly, not the red "dead" of a crash
    expect(badge).to_have_text("not started")
    expect(badge).to_have_attribute("data-kernel", "dead")  # the automation contract is unchanged
    expect(badge).not_to_have_class(re.compile(r"\bk-dead\b"))
    shot(page, "trust-safe-preview")

    bar.locator('[data-action="trust"]').click()
    expect(cell(page, 1).locator(".outputs")).to_contain_text("cell ran")
    assert marker.read_text() == "ran"
    expect(page.locator(".trust-bar")).to_have_count(0)
