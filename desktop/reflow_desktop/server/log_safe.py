"""Request logging and headers that never leak the launch token (shared by every local handler).

The token may ride in a request's query (``?token=``); tornado's own error log prints the whole
request, query included. Log lines here name the path only, escaped and bounded.
"""

from __future__ import annotations

import logging
from typing import Any

import tornado.web

log = logging.getLogger("reflow_desktop.server")


def safe_path(path: str) -> str:
    """A request path fit for a log line: no query, no control characters, bounded."""
    return path.split("?", 1)[0].encode("unicode_escape").decode("ascii")[:300]


class TokenSafeHandler(tornado.web.RequestHandler):
    """No caching, no sniffing, no referrer; errors logged without the query."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def _request_summary(self) -> str:
        return f"{self.request.method} {safe_path(self.request.path)} ({self.request.remote_ip})"

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # tornado's own version logs repr(self.request), whose uri holds the query (and the token)
        if isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)
            return
        log.error("Uncaught exception %s", self._request_summary(), exc_info=(typ, value, tb))
