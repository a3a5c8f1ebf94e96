"""The Jupyter Server kernel REST API (``/api/kernels``), as Kernel Gateway and Enterprise Gateway serve it.

Every failure becomes a :class:`GatewayError` whose text a user can act on: the gateway is not
there, it refused the token, it has no kernelspec of that name, it answered something else.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

# How long one REST call may take: kernel start on Enterprise Gateway (a Kubernetes pod) is slow.
REQUEST_TIMEOUT_S = 120.0


class GatewayError(RuntimeError):
    """A gateway could not be used; ``str()`` says why, for people."""


@dataclass(frozen=True)
class GatewayAddress:
    """Where a gateway listens (``http(s)://host:port[/base]``) and the token it wants (may be empty)."""

    url: str
    token: str = ""

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GatewayError(f"Not a gateway address: {self.url!r} (expected http://host:port or https://host:port)")
        object.__setattr__(self, "url", self.url.rstrip("/"))

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"} if self.token else {}

    def http(self, path: str) -> str:
        return self.url + path

    def ws(self, path: str) -> str:
        return "ws" + self.url[len("http") :] + path


def _quote(kernel_id: str) -> str:
    return urllib.parse.quote(kernel_id, safe="")


class GatewayRest:
    """Start, interrupt, restart and shut down kernels on one gateway."""

    def __init__(self, address: GatewayAddress, timeout: float = REQUEST_TIMEOUT_S) -> None:
        self.address = address
        self.timeout = timeout

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        url = self.address.http(path)
        headers = {**self.address.headers, "Content-Type": "application/json"}
        payload = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=payload,
            request_timeout=self.timeout,
            connect_timeout=min(self.timeout, 20.0),
            follow_redirects=False,
        )
        try:
            resp = await AsyncHTTPClient().fetch(request)
        except HTTPClientError as exc:
            if exc.code == 599:  # tornado's code for "no answer": refused, timed out, DNS
                raise GatewayError(f"Cannot reach the gateway at {self.address.url}: {exc.message}.") from exc
            return exc.code, _json(exc.response.body if exc.response is not None else b"")
        except OSError as exc:
            raise GatewayError(f"Cannot reach the gateway at {self.address.url}: {exc}.") from exc
        return resp.code, _json(resp.body)

    def _fail(self, code: int, answer: Any, doing: str) -> GatewayError:
        if code in (401, 403):
            hint = "no token was given" if not self.address.token else "check the token"
            return GatewayError(f"The gateway at {self.address.url} refused access (HTTP {code}): {hint}.")
        said = answer.get("message") or answer.get("reason") if isinstance(answer, dict) else None
        detail = f": {said}" if said else ""
        return GatewayError(f"The gateway at {self.address.url} could not {doing} (HTTP {code}){detail}.")

    async def start_kernel(self, kernel_name: str, env: dict[str, str] | None = None) -> str:
        """A new kernel of the gateway's kernelspec ``kernel_name``; its id."""
        body: dict[str, Any] = {"name": kernel_name}
        if env:
            body["env"] = env
        code, answer = await self._call("POST", "/api/kernels", body)
        if code == 404 or (code in (400, 500) and _mentions_kernelspec(answer)):
            raise GatewayError(
                f"The gateway at {self.address.url} has no kernelspec named {kernel_name!r}: "
                "install the Reflow kernel there (see docs/remote.md)."
            )
        if code not in (200, 201) or not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
            raise self._fail(code, answer, f"start a {kernel_name!r} kernel")
        return str(answer["id"])

    async def kernel_state(self, kernel_id: str) -> str | None:
        """The kernel's execution state as the gateway reports it, or None when it has no such kernel."""
        code, answer = await self._call("GET", f"/api/kernels/{_quote(kernel_id)}")
        if code == 404:
            return None
        if code != 200 or not isinstance(answer, dict):
            raise self._fail(code, answer, "report on the kernel")
        return str(answer.get("execution_state") or "unknown")

    async def interrupt(self, kernel_id: str) -> None:
        code, answer = await self._call("POST", f"/api/kernels/{_quote(kernel_id)}/interrupt")
        if code not in (200, 204):
            raise self._fail(code, answer, "interrupt the kernel")

    async def restart(self, kernel_id: str) -> bool:
        """Restart in place (same id); False when the gateway no longer has that kernel."""
        code, answer = await self._call("POST", f"/api/kernels/{_quote(kernel_id)}/restart")
        if code == 404:
            return False
        if code not in (200, 201):
            raise self._fail(code, answer, "restart the kernel")
        return True

    async def shutdown(self, kernel_id: str) -> None:
        """Shut the kernel down; a kernel already gone is fine."""
        code, answer = await self._call("DELETE", f"/api/kernels/{_quote(kernel_id)}")
        if code not in (200, 204, 404):
            raise self._fail(code, answer, "shut the kernel down")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _mentions_kernelspec(answer: Any) -> bool:
    text = json.dumps(answer).lower() if answer is not None else ""
    return "no such kernel" in text or "kernelspec" in text
