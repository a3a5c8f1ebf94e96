"""The door checks every HTTP and WebSocket request passes: token, Host, Origin.

The local server can run code, so a page on another site (DNS rebinding,
cross-site WebSocket) must not be able to talk to it: the Host header must name
the loopback port we bound, an Origin (when sent) must be that same origin, and
the per-launch token must come with the request (query ``token``, header
``X-Reflow-Token``, or the cookie set when the page first loaded).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Guard:
    token: str = field(default_factory=new_token)
    port: int = 0

    @property
    def cookie_name(self) -> str:
        return f"reflow-token-{self.port}"

    def allowed_hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    def allowed_origins(self) -> set[str]:
        return {f"http://{h}" for h in self.allowed_hosts()}

    def token_ok(self, candidate: str | None) -> bool:
        return (
            candidate is not None and candidate != "" and hmac.compare_digest(candidate.encode(), self.token.encode())
        )

    def check(self, *, host: str | None, origin: str | None, tokens: list[str | None]) -> str | None:
        """None if the request may pass, else the reason it is refused."""
        if (host or "").lower() not in self.allowed_hosts():
            return "bad host"
        if origin is not None and origin.lower() not in self.allowed_origins():
            return "foreign origin"
        if not any(self.token_ok(t) for t in tokens):
            return "missing or wrong token"
        return None
