"""The door checks every HTTP and WebSocket request passes: token, Host, Origin.

The local server can run code, so a page on another site (DNS rebinding,
cross-site WebSocket) must not be able to talk to it: the Host header must name
the loopback port we bound, an Origin (when sent) must be that same origin, and
the per-launch token must come with the request (query ``token``, header
``X-Reflow-Token``), or the page's cookie.

The cookie never holds the token itself: it holds a separate per-launch secret, is
HttpOnly and SameSite=Strict, and its name carries the port. A browser is handed the
cookie through a one-time login code (``issue_login``), so the token need not appear
in the browser's command line; a code works once and for a short time only.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

LOGIN_TTL_S = 120.0


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _same(candidate: str | None, secret: str) -> bool:
    return bool(candidate) and hmac.compare_digest(str(candidate).encode(), secret.encode())


@dataclass
class Guard:
    token: str = field(default_factory=new_token)
    port: int = 0
    cookie_secret: str = field(default_factory=new_token)
    _logins: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)

    def issue_login(self, target: str) -> str:
        """A one-time code that, presented at ``/login/CODE``, sets the cookie and goes to ``target``."""
        now = time.monotonic()
        self._logins = {c: v for c, v in self._logins.items() if v[1] > now}
        code = new_token()
        self._logins[code] = (target, now + LOGIN_TTL_S)
        return code

    def redeem_login(self, code: str) -> str | None:
        """The target of a valid code (which is spent), else None."""
        for known in list(self._logins):
            if _same(code, known):
                target, expires = self._logins.pop(known)
                return target if expires > time.monotonic() else None
        return None

    def cookie_ok(self, candidate: str | None) -> bool:
        return _same(candidate, self.cookie_secret)

    @property
    def cookie_name(self) -> str:
        return f"reflow-token-{self.port}"

    def allowed_hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    def allowed_origins(self) -> set[str]:
        return {f"http://{h}" for h in self.allowed_hosts()}

    def token_ok(self, candidate: str | None) -> bool:
        return _same(candidate, self.token)

    def check_place(self, *, host: str | None, origin: str | None) -> str | None:
        """None if Host and Origin name this server, else the reason to refuse."""
        if (host or "").lower() not in self.allowed_hosts():
            return "bad host"
        if origin is not None and origin.lower() not in self.allowed_origins():
            return "foreign origin"
        return None

    def check(
        self, *, host: str | None, origin: str | None, tokens: list[str | None], cookie: str | None = None
    ) -> str | None:
        """None if the request may pass, else the reason it is refused."""
        place = self.check_place(host=host, origin=origin)
        if place is not None:
            return place
        if not any(self.token_ok(t) for t in tokens) and not self.cookie_ok(cookie):
            return "missing or wrong token"
        return None
