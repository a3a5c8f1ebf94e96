"""Token hygiene (issue 15, item 5): the token stays out of logs, cookies and command lines;
the page gets a strict Content-Security-Policy; a malformed path is a 400."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.httputil import HTTPHeaders

from reflow_desktop.server.csp import app_policy
from reflow_desktop.session import Session


async def http_get(url: str, **headers: str) -> tuple[int, HTTPHeaders, bytes]:
    """(status, headers, body) of a GET that follows no redirect, whatever the status."""
    req = HTTPRequest(url, headers=headers, follow_redirects=False)
    resp = await AsyncHTTPClient().fetch(req, raise_error=False)
    return resp.code, resp.headers, resp.body


@pytest.fixture
def idle_session(server, nb_path):
    """A reachable session whose kernel is not started (no code can run)."""
    session = Session(nb_path, autosave_delay=None)
    server.add_session(session)
    return session


def base(server) -> str:
    return f"http://127.0.0.1:{server.port}"


async def test_token_is_not_in_log_lines(server, idle_session, caplog):
    caplog.set_level(logging.DEBUG)
    await http_get(server.url(idle_session.id))  # 200, access log
    await http_get(f"{base(server)}/s/{idle_session.id}?token=wrong-{server.token[:8]}")  # 403, warning
    await http_get(f"{base(server)}/..%00/?token={server.token}")  # a bad path, with the token
    lines = [r.getMessage() for r in caplog.records]
    assert any(f"/s/{idle_session.id}" in line for line in lines), lines  # the requests were logged
    assert not [line for line in lines if server.token in line or server.token[:8] in line]


async def test_malformed_path_is_400_not_500(server, idle_session):
    for path in ("/..%00/", "/%00", "/s/x/..%00/y", "/assets/%00.js"):
        status, _h, _b = await http_get(f"{base(server)}{path}?token={server.token}")
        assert status == 400, path


async def test_cookie_holds_no_token_and_is_strict(server, idle_session):
    status, headers, _b = await http_get(server.url(idle_session.id))
    assert status == 200
    raw = headers["Set-Cookie"]
    assert server.token not in raw
    cookie = SimpleCookie(raw)
    (name,) = cookie.keys()
    assert name == f"reflow-token-{server.port}"
    morsel = cookie[name]
    assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/"
    # the cookie alone lets the page in (how it loads its scripts and opens its WebSocket)
    status, _h, _b = await http_get(f"{base(server)}/s/{idle_session.id}", Cookie=f"{name}={morsel.value}")
    assert status == 200
    status, _h, _b = await http_get(f"{base(server)}/s/{idle_session.id}", Cookie=f"{name}={server.token}x")
    assert status == 403


async def test_one_time_login_sets_cookie_and_redirects_once(server, idle_session):
    url = server.login_url(idle_session.id)
    assert server.token not in url
    status, headers, _b = await http_get(url)
    assert status == 302 and headers["Location"] == f"/s/{idle_session.id}"
    cookie = SimpleCookie(headers["Set-Cookie"])
    morsel = cookie[f"reflow-token-{server.port}"]
    assert morsel.value == server.guard.cookie_secret and morsel["httponly"] and morsel["samesite"] == "Strict"
    status, _h, _b = await http_get(url)  # spent
    assert status == 403
    status, _h, _b = await http_get(f"{base(server)}/login/made-up-code")
    assert status == 403
    status, _h, _b = await http_get(server.login_url(idle_session.id), Host=f"evil.example:{server.port}")
    assert status == 403


async def test_pages_have_a_strict_content_security_policy(server, idle_session):
    status, headers, _b = await http_get(server.url(idle_session.id))
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert csp == app_policy(server.port)
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert set(directives["connect-src"]) == {
        "'self'",
        f"ws://127.0.0.1:{server.port}",
        f"ws://localhost:{server.port}",
    }


def test_built_page_runs_under_the_policy():
    """Vite's output runs under the policy: every script of the page is a file of ours, but for the
    one inline script that opens the WebSocket early (ui/scripts/early-socket.ts), allowed by its hash."""
    import base64
    import hashlib
    import re

    from reflow_desktop.server.csp import script_hashes
    from reflow_desktop.server.static import ui_dist_dir

    dist = ui_dist_dir()
    if dist is None:
        pytest.skip("ui/dist is not built")
    page = (dist / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
    inline = [body for attrs, body in scripts if "src=" not in attrs]
    assert scripts and all(not body.strip() for attrs, body in scripts if "src=" in attrs)
    assert len(inline) == 1 and "WebSocket" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode("utf-8")).digest()).decode()
    assert f"'sha256-{digest}'" in script_hashes(dist)
    assert not re.search(r"\son[a-z]+\s*=", page, flags=re.I)  # no inline event handlers
    assert len(script_hashes(dist)) == 2  # that one and the output frames' sizer: nothing else inline
