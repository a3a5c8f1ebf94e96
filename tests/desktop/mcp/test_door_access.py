"""Who may use the agent door: the launch token, this server's Host and Origin, the setting on.

Each refusal is checked on a real request to the running server; the allowed request next to it
(same body, one header different) shows the refusal is for that one reason.
"""

from __future__ import annotations

import asyncio

import pytest
from mcp.shared.exceptions import MCPError

from reflow_desktop.settings import Settings, save_settings

from .conftest import mcp_url, raw_post


def leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions inside ``exc`` (the SDK's client raises from an anyio task group)."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in leaves(inner)]
    return [exc]


async def refusal(agent, **kwargs) -> str:
    """What the SDK's client says when the door refuses it."""
    with pytest.raises(BaseException) as info:
        async with agent(**kwargs) as client:
            await client.list_tools()
    errors = [e for e in leaves(info.value) if isinstance(e, MCPError)]
    assert errors, info.value
    return str(errors[0])


async def post(server, headers, url=None):
    return await asyncio.to_thread(raw_post, server, headers, url)


async def test_the_token_is_required(server, door_on):
    host = {"Host": f"127.0.0.1:{server.port}"}
    ok = await post(server, {**host, "Authorization": f"Bearer {server.token}"})
    assert ok.status_code == 200 and ok.json()["result"]["serverInfo"]["name"] == "reflow"
    assert (await post(server, {**host, "X-Reflow-Token": server.token})).status_code == 200
    assert (await post(server, host, url=f"{mcp_url(server)}?token={server.token}")).status_code == 200

    missing = await post(server, host)
    assert missing.status_code == 403 and "token" in missing.reason_phrase.lower()
    assert (await post(server, {**host, "Authorization": "Bearer wrong"})).status_code == 403
    assert (await post(server, {**host, "Authorization": f"Basic {server.token}"})).status_code == 403
    # the page's cookie is a browser page's credential, not an agent's
    cookie = {"Cookie": f"{server.guard.cookie_name}={server.guard.cookie_secret}"}
    assert (await post(server, {**host, **cookie})).status_code == 403


async def test_a_foreign_host_or_origin_is_refused(server, door_on):
    auth = {"Authorization": f"Bearer {server.token}"}
    rebound = await post(server, {**auth, "Host": f"evil.example:{server.port}"})  # DNS rebinding
    assert rebound.status_code == 403 and rebound.reason_phrase == "Bad host"
    foreign = await post(server, {**auth, "Origin": "http://evil.example"})
    assert foreign.status_code == 403 and foreign.reason_phrase == "Foreign origin"
    other_port = await post(server, {**auth, "Origin": "http://127.0.0.1:1"})
    assert other_port.status_code == 403
    same = await post(server, {**auth, "Origin": f"http://127.0.0.1:{server.port}"})
    assert same.status_code == 200


async def test_off_unless_enabled_in_settings(server, config_dir, agent):
    auth = {"Authorization": f"Bearer {server.token}"}
    off = await post(server, auth)  # no settings file: the default is off
    assert off.status_code == 404 and "mcp_server" in off.reason_phrase
    assert await refusal(agent) == "404 The agent door (MCP) is off: turn on Settings > mcp_server"

    save_settings(Settings(mcp_server="on"))  # read per request: on at once, no restart
    assert (await post(server, auth)).status_code == 200
    async with agent() as client:
        assert (await client.list_tools()).tools

    save_settings(Settings(mcp_server="off"))
    assert (await post(server, auth)).status_code == 404


async def test_the_sdk_client_without_the_token_is_refused(server, door_on, agent):
    assert await refusal(agent, headers={}) == "403 Missing or wrong token"
    assert await refusal(agent, headers={"Authorization": "Bearer not-the-token"}) == "403 Missing or wrong token"


async def test_not_json_is_a_clear_error(server, door_on):
    import httpx2

    def send() -> httpx2.Response:
        headers = {
            "Authorization": f"Bearer {server.token}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        }
        with httpx2.Client(timeout=60) as http:
            return http.post(mcp_url(server), content=b"[" * 100_000, headers=headers)

    bad = await asyncio.to_thread(send)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == -32700  # JSON-RPC parse error


async def test_hostile_requests_are_refused_and_the_door_keeps_working(server, door_on, agent):
    import httpx2

    headers = {
        "Authorization": f"Bearer {server.token}",
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }

    def send(body: bytes) -> httpx2.Response:
        with httpx2.Client(timeout=60) as http:
            return http.post(mcp_url(server), content=body, headers=headers)

    huge = b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": "' + b"a" * (5 * 1024 * 1024) + b'"}}'
    assert (await asyncio.to_thread(send, huge)).status_code == 413  # over 4 MiB
    call = b'{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "add_cell", "arguments": [1]}}'
    wrong = await asyncio.to_thread(send, call)
    assert wrong.json()["error"]["code"] == -32602  # JSON-RPC invalid params: the SDK's schema check

    def get() -> httpx2.Response:
        with httpx2.Client(timeout=60) as http:
            return http.get(mcp_url(server), headers=headers)

    assert (await asyncio.to_thread(get)).status_code == 405  # stateless: no event stream is held open
    async with agent() as client:
        unknown = await client.call_tool("rm_rf", {})
        assert unknown.is_error and "rm_rf" in unknown.content[0].text
        assert (await client.list_tools()).tools  # still serving
