"""Issue 18 item 2 in the real UI: "Run on..." moves the kernel to an SSH host (a real sshd on
127.0.0.1, tests/helpers.py ssh_test_host); the kernel badge says where it runs; the notebook runs
there (its interpreter is the environment built under the host's home); the host is then offered
as a recent place."""

from __future__ import annotations

import subprocess

import pytest
from helpers import ssh_available, ssh_test_host
from playwright.sync_api import expect

from reflow_desktop.envs.uv import find_uv

from .conftest import WAIT_MS, cell, open_notebook

pytestmark = [pytest.mark.e2e, pytest.mark.uv]

NOTEBOOK = "# %%\nimport sys\nsys.prefix\n"


def test_run_on_an_ssh_host_from_the_palette(serve, page, monkeypatch) -> None:
    if not ssh_available():
        pytest.skip("OpenSSH server (/usr/sbin/sshd) is not installed")
    cache = subprocess.run([str(find_uv()), "cache", "dir"], capture_output=True, text=True, check=True).stdout
    with ssh_test_host({"UV_CACHE_DIR": cache.strip()}) as host:
        monkeypatch.setenv("REFLOW_SSH_CONFIG", str(host.ssh_config))  # the server inherits it
        server = serve(NOTEBOOK)
        open_notebook(page, server)
        expect(page.locator(".kernel .kernel-place")).to_have_count(0)  # here: nothing said
        page.locator(".notebook").click(position={"x": 5, "y": 5})
        page.keyboard.press("ControlOrMeta+Shift+P")
        page.keyboard.type("run on")
        palette = page.locator(".palette")
        expect(palette.locator(".palette-item").first).to_have_attribute("data-command", "run-on")
        page.keyboard.press("Enter")

        chooser = page.locator('[role="dialog"][aria-label="Run on"]')
        expect(chooser.locator('[data-place="local"]')).to_be_visible(timeout=WAIT_MS)
        page.keyboard.type(host.host)
        expect(chooser.locator(".palette-item.active")).to_have_attribute("data-place", f"ssh:{host.host}")
        page.keyboard.press("Enter")
        expect(chooser).to_have_count(0)

        expect(page.locator(".kernel .kernel-place")).to_have_text(f"on {host.host}", timeout=WAIT_MS)
        expect(page.locator('.kernel[data-kernel="idle"]')).to_be_visible(timeout=WAIT_MS)
        # auto mode runs the notebook again in the new kernel: its interpreter lives under the host's home
        envs = str(host.home / ".cache" / "reflow-remote" / "envs")
        expect(cell(page, 1).locator(".outputs")).to_contain_text(envs, timeout=WAIT_MS)

        page.keyboard.press("ControlOrMeta+Shift+P")  # the host is a recent place now
        page.keyboard.type("run on")
        page.keyboard.press("Enter")
        expect(chooser.locator(f'[data-place="ssh:{host.host}"]')).to_be_visible(timeout=WAIT_MS)
        page.keyboard.press("Escape")
        server.stop()  # its kernel on the host stops with it, before sshd does
