"""Small helpers shared by tests in every folder (importable as ``helpers``: pytest puts tests/ on the path).

Fixtures shared by every folder live in tests/conftest.py; a folder's own fixtures in its conftest.py.
"""

from __future__ import annotations

from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest


def text_of(outputs: list[dict[str, Any]]) -> str:
    """What a person reads in a cell's outputs: stream text and each result's text/plain."""
    parts = []
    for o in outputs:
        if o.get("kind") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("kind") == "data":
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "".join(parts)


async def http_get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET that follows no redirect; error statuses are returned, not raised."""
    try:
        resp = await AsyncHTTPClient().fetch(HTTPRequest(url, headers=headers, follow_redirects=False))
        return resp.code, dict(resp.headers), resp.body
    except HTTPClientError as exc:
        body = exc.response.body if exc.response is not None else b""
        return exc.code, {}, body or b""
