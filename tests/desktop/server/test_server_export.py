"""One-click export over HTTP: what the live session shows, guarded by the token."""

from __future__ import annotations

import json

import nbformat
import pytest
from helpers import http_get as get
from helpers import is_output

WAIT = 60.0  # readiness wait, never a performance limit


@pytest.fixture
async def ran_session(nb_path, open_page):
    """The sample notebook opened and run to its last output (y's value) before exporting."""
    session, client, hello = await open_page(nb_path, autosave_delay=None)
    second = hello["cells"][1]
    if not any(o.get("data", {}).get("text/plain") == "2" for o in second["outputs"]):
        await client.wait_for(lambda m: is_output(m, second["id"], "2"), WAIT)
    yield session
    await session.close()


def export_url(server, session, fmt: str, token: bool = True, extra: str = "") -> str:
    query = f"?token={server.token}{extra}" if token else ""
    return f"http://127.0.0.1:{server.port}/s/{session.id}/export/{fmt}{query}"


async def test_ipynb_export_carries_the_live_outputs(server, ran_session):
    code, headers, body = await get(export_url(server, ran_session, "ipynb"))
    assert code == 200
    assert headers["Content-Disposition"] == 'attachment; filename="nb.ipynb"'
    nb = nbformat.reads(body.decode(), as_version=4)
    nbformat.validate(nb)
    second = nb.cells[1]
    assert any(o.get("text") == "y is 2\n" for o in second.outputs)
    assert any(o.get("data", {}).get("text/plain") == "2" for o in second.outputs)
    assert nb.cells[2].cell_type == "markdown"


async def test_html_export_is_one_self_contained_page(server, ran_session):
    code, headers, body = await get(export_url(server, ran_session, "html", extra="&hide_code=1"))
    assert code == 200
    page = body.decode()
    assert headers["Content-Type"].startswith("text/html")
    assert '<script type="application/json" id="reflow-state">' in page
    state = page.split('id="reflow-state">', 1)[1].split("</script>", 1)[0]
    data = json.loads(state)
    assert data["hide_code"] is True
    assert any(o.get("text") == "y is 2\n" for o in data["cells"][1]["outputs"])
    assert 'src="http' not in page and 'href="http' not in page


async def test_script_export_and_unsaved_edits(server, ran_session):
    ran_session.notebook.cells[0].source = "x = 41"  # an edit the file does not have yet
    code, _, body = await get(export_url(server, ran_session, "script"))
    assert code == 200
    assert "x = 41" in body.decode()


async def test_export_needs_the_token_and_a_known_format(server, ran_session):
    assert (await get(export_url(server, ran_session, "ipynb", token=False)))[0] == 403
    assert (await get(export_url(server, ran_session, "docx")))[0] == 400
    assert (await get(f"http://127.0.0.1:{server.port}/s/nope/export/html?token={server.token}"))[0] == 404
