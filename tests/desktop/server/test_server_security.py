"""Every HTTP and WebSocket request needs the token, a loopback Host and no foreign Origin."""

from __future__ import annotations

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from reflow_desktop.session import Session


async def fetch(url: str, **headers: str) -> int:
    try:
        resp = await AsyncHTTPClient().fetch(HTTPRequest(url, headers=headers, follow_redirects=False))
        return resp.code
    except HTTPClientError as exc:
        return exc.code


async def ws_status(url: str, **headers: str) -> int:
    try:
        conn = await websocket_connect(HTTPRequest(url, headers=headers))
    except HTTPClientError as exc:
        return exc.code
    conn.close()
    return 101


@pytest.fixture
def idle_session(server, nb_path):
    """A session that is reachable but whose kernel is not started (no code can run)."""
    session = Session(nb_path, autosave_delay=None)
    server.add_session(session)
    return session


def base(server) -> str:
    return f"http://127.0.0.1:{server.port}"


async def test_http_without_token_is_403(server, idle_session):
    for path in ("/", f"/s/{idle_session.id}", "/assets/index.js", "/index.html"):
        assert await fetch(base(server) + path) == 403, path


async def test_http_wrong_token_is_403(server, idle_session):
    assert await fetch(f"{base(server)}/s/{idle_session.id}?token=nope") == 403
    assert await fetch(f"{base(server)}/s/{idle_session.id}", **{"X-Reflow-Token": "x"}) == 403


async def test_http_with_token_serves_page(server, idle_session):
    assert await fetch(server.url(idle_session.id)) == 200
    assert await fetch(server.url()) == 302  # one session: redirect to it


async def test_wrong_host_is_403(server, idle_session):
    url = server.url(idle_session.id)
    assert await fetch(url, Host=f"evil.example:{server.port}") == 403
    assert await fetch(url, Host="127.0.0.1:1") == 403
    assert await fetch(url, Host=f"localhost:{server.port}") == 200


async def test_foreign_origin_is_403(server, idle_session):
    url = server.url(idle_session.id)
    assert await fetch(url, Origin="http://evil.example") == 403
    assert await fetch(url, Origin="null") == 403
    assert await fetch(url, Origin=f"http://127.0.0.1:{server.port}") == 200


async def test_websocket_checks(server, idle_session):
    good = server.ws_url(idle_session.id)
    no_token = good.split("?")[0]
    assert await ws_status(no_token) == 403
    assert await ws_status(no_token + "?token=wrong") == 403
    assert await ws_status(good, Origin="http://evil.example") == 403
    assert await ws_status(good, Host=f"evil.example:{server.port}") == 403
    assert await ws_status(good, Origin=f"http://localhost:{server.port}") == 101


async def test_bound_to_loopback_only(server):
    assert server._http is not None
    for sock in server._http._sockets.values():
        assert sock.getsockname()[0] == "127.0.0.1"


async def test_session_message_on_connect(server, idle_session, connect):
    client = await connect(idle_session.id)
    msg = await client.wait_for(lambda m: m["type"] == "session")
    assert msg["version"] == 1
    assert msg["session"] == idle_session.id
    assert msg["name"] == "nb.py" and msg["read_only"] is False
    assert [c["kind"] for c in msg["cells"]] == ["code", "code", "markdown"]
    assert msg["cells"][2]["code"].startswith("Some *text*")
    assert msg["kernel"]["state"] == "starting"


async def test_unknown_message_gets_error(server, idle_session, connect):
    client = await connect(idle_session.id)
    client.send({"type": "bogus"})
    err = await client.wait_for(lambda m: m["type"] == "error")
    assert "bogus" in err["text"]
