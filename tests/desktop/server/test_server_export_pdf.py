"""PDF over HTTP for a page with no desktop app behind it (``reflow edit --browser``).

The server has no Qt: a child process prints the page (exporting/pdf_process.py). Read back
with pdftotext; a symlink where the PDF goes is replaced, never written through.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import is_output
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

pytestmark = pytest.mark.qt

WAIT = 60.0  # readiness wait, never a performance limit
PRINT_WAIT = 300.0  # the child starts a headless Qt: a readiness limit on a loaded machine, not a timing


@pytest.fixture(autouse=True)
def _poppler() -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pytest.importorskip("qtpy.QtWebEngineCore")


@pytest.fixture
async def ran_session(nb_path, open_page):
    session, client, hello = await open_page(nb_path, autosave_delay=None)
    second = hello["cells"][1]
    if not any(o.get("data", {}).get("text/plain") == "2" for o in second["outputs"]):
        await client.wait_for(lambda m: is_output(m, second["id"], "2"), WAIT)
    yield session
    await session.close()


async def _fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    body = b"" if method == "POST" else None
    try:
        resp = await AsyncHTTPClient().fetch(HTTPRequest(url, method=method, body=body, request_timeout=PRINT_WAIT))
        return resp.code, dict(resp.headers), resp.body
    except HTTPClientError as exc:
        return exc.code, {}, exc.response.body if exc.response is not None else b""


def _text(pdf: bytes, tmp_path: Path) -> str:
    f = tmp_path / "read.pdf"
    f.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True, check=True).stdout


async def test_pdf_download_has_the_live_outputs(server, ran_session, tmp_path):
    url = f"http://127.0.0.1:{server.port}/s/{ran_session.id}/export/pdf?token={server.token}"
    code, headers, body = await _fetch(url)
    assert code == 200, body[:300]
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="nb.pdf"'
    assert body.startswith(b"%PDF")
    text = _text(body, tmp_path)
    assert "y is 2" in text and "x = 1" in text


async def test_pdf_without_code(server, ran_session, tmp_path):
    url = f"http://127.0.0.1:{server.port}/s/{ran_session.id}/export/pdf?token={server.token}&hide_code=1"
    code, _, body = await _fetch(url)
    assert code == 200, body[:300]
    text = _text(body, tmp_path)
    assert "y is 2" in text and "x = 1" not in text


async def test_the_top_bar_button_writes_beside_the_notebook_never_through_a_symlink(server, ran_session, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = ran_session.path.with_name("nb.pdf")
    target.symlink_to(victim)  # a hostile folder's trap where the export goes
    url = f"http://127.0.0.1:{server.port}/s/{ran_session.id}/export/pdf?token={server.token}"
    code, _, body = await _fetch(url, "POST")
    assert code == 200, body[:300]
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_bytes().startswith(b"%PDF")
    assert b'"filename": "nb.pdf"' in body or b'"filename":"nb.pdf"' in body


async def test_pdf_needs_the_token(server, ran_session):
    url = f"http://127.0.0.1:{server.port}/s/{ran_session.id}/export/pdf"
    assert (await _fetch(url))[0] == 403
    assert (await _fetch(url, "POST"))[0] == 403
    assert not ran_session.path.with_name("nb.pdf").exists()
