"""The secrets dialog in Chromium: a notebook declares a secret the keychain lacks, the page asks for it,
the value goes to the real Secret Service and into the kernel, and the page shows it masked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import secret_service
from playwright.sync_api import expect

from .conftest import cell, shot

pytestmark = pytest.mark.e2e
VALUE = "rf-secret-e2e-3d9f0a7c5b"


@pytest.fixture
def bus(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A Secret Service of its own; the server (a subprocess) reaches it through the inherited environment."""
    with secret_service(tmp_path_factory.mktemp("keychain")) as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield


def test_a_missing_secret_is_asked_for_stored_in_the_keychain_and_masked(
    serve, page, tmp_path: Path, bus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends import SecretService

    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "0")  # the kernel in this Python: the test is about secrets
    server = serve(
        '# /// script\n# [tool.reflow]\n# secrets = ["RF_E2E_TOKEN"]\n# ///\n\n'
        '# %%\nimport os\nprint("token:", os.environ["RF_E2E_TOKEN"], len(os.environ["RF_E2E_TOKEN"]))\n'
    )
    page.goto(server.url)
    dialog = page.locator('[data-dialog="secrets"]')
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("SecretService")  # where the value goes
    field = dialog.locator('input[data-secret="RF_E2E_TOKEN"]')
    expect(field).to_have_attribute("type", "password")
    field.fill(VALUE)
    shot(page, "secrets-dialog")
    dialog.locator('[data-action="secret-save"]').click()

    expect(page.locator('[data-dialog="secrets"]')).to_have_count(0)
    expect(cell(page, 1).locator(".outputs")).to_contain_text(f"token: •••• {len(VALUE)}")
    assert VALUE not in page.content()
    assert SecretService.Keyring().get_password("reflow", "RF_E2E_TOKEN") == VALUE
    shot(page, "secrets-masked-output")
