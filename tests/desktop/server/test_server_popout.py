"""``POST /s/SESSION/pop-out`` (issue 20 item 6): the page asks the desktop app for a pop-out window.
Guarded like every request, the page's body checked, and handed to the app's hook when there is one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from reflow_desktop.server.popout import PopoutRequest, checked_request, popout_url


async def post(server: Any, session_id: str, body: bytes, token: bool = True) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", **({"X-Reflow-Token": server.token} if token else {})}
    url = f"http://127.0.0.1:{server.port}/s/{session_id}/pop-out"
    try:
        resp = await AsyncHTTPClient().fetch(HTTPRequest(url, method="POST", body=body, headers=headers))
        return resp.code, json.loads(resp.body)
    except HTTPClientError as exc:
        return exc.code, None


@pytest.fixture
async def session(server, nb_path):
    s = await server.open_notebook(nb_path, autosave_delay=None)
    yield s
    await s.close()


async def test_the_request_reaches_the_apps_hook_checked(server, session) -> None:
    seen: list[tuple[str, PopoutRequest]] = []
    server.native_popout = lambda sid, req: seen.append((sid, req)) is None
    body = json.dumps({"cell": "abc", "output": 1, "width": 500.4, "height": 90}).encode()
    assert await post(server, session.id, body) == (200, {"native": True})
    assert seen == [(session.id, PopoutRequest("abc", 1, 500, 120))]


async def test_without_a_desktop_app_the_page_opens_the_window_itself(server, session) -> None:
    body = json.dumps({"cell": "abc", "output": None, "width": 300, "height": 200}).encode()
    assert await post(server, session.id, body) == (200, {"native": False})


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1]",
        b'{"cell": 5}',
        b'{"cell": ""}',
        b'{"cell": "a", "output": -1}',
        b'{"cell": "a", "output": true}',
    ],
)
async def test_a_bad_body_is_refused_and_nothing_opens(server, session, body: bytes) -> None:
    opened: list[object] = []
    server.native_popout = lambda sid, req: opened.append(req) is None
    assert (await post(server, session.id, body))[0] == 400
    assert opened == []


async def test_no_token_or_no_session_is_refused(server, session) -> None:
    opened: list[object] = []
    server.native_popout = lambda sid, req: opened.append(req) is None
    body = json.dumps({"cell": "abc"}).encode()
    assert (await post(server, session.id, body, token=False))[0] == 403
    assert (await post(server, "nope", body))[0] == 404
    assert opened == []


def test_sizes_are_clamped_and_odd_values_fall_back() -> None:
    assert checked_request("c1", None, 500.7, 300) == PopoutRequest("c1", None, 500, 300)
    assert checked_request("c1", 2, 10, 10**9) == PopoutRequest("c1", 2, 240, 3000)
    assert checked_request("c1", 0, "wide", float("nan")) == PopoutRequest("c1", 0, 480, 320)
    for cell, output in [("", None), (3, None), ("x" * 201, None), ("c", -1), ("c", True), ("c", 1.5), ("c", "1")]:
        with pytest.raises(ValueError, match="pop out"):
            checked_request(cell, output, 100, 100)


def test_the_pop_out_address_keeps_the_token_and_quotes_the_cell() -> None:
    url = popout_url("http://127.0.0.1:9/s/S?token=t%2F1", PopoutRequest("a&b", 3, 300, 200))
    assert url == "http://127.0.0.1:9/s/S?token=t%2F1&view=cell&cell=a%26b&output=3"
    assert popout_url("http://h/s/S", PopoutRequest("c", None, 300, 200)) == "http://h/s/S?view=cell&cell=c"
