"""``/docs``: the API reference and gallery, served by the app behind the same guard as every
page, under the app's CSP, built from the running engine's docstrings."""

from __future__ import annotations

from helpers import http_get as get

from reflow_desktop.docs.model import top_level_names


def url(server, path: str, token: bool = True) -> str:
    return f"http://127.0.0.1:{server.port}{path}" + (f"?token={server.token}" if token else "")


async def test_the_docs_page_lists_every_public_name_and_the_gallery(server):
    code, headers, body = await get(url(server, "/docs"))
    assert code == 200, body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    page = body.decode()
    assert "<title>Reflow API reference</title>" in page and "<script" not in page
    for name in sorted(top_level_names()):
        assert f"<code>{name}<span" in page, name
    assert "Markdown cells are static text" in page  # issue 16 item 16: the choice, documented
    assert 'id="gallery"' in page and "01_widgets.py" in page and "Widgets: inputs that re-run what reads them" in page
    code, _, again = await get(url(server, "/docs/"))
    assert code == 200 and again == body


async def test_the_docs_page_needs_the_token_or_cookie(server):
    code, _, body = await get(url(server, "/docs", token=False))
    assert code == 403 and b"Reflow API reference" not in body
