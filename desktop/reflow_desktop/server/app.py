"""The tornado application: UI pages, static files and one WebSocket per window.

Bound to 127.0.0.1 only, on a free port unless one is given. Every handler runs
the :class:`Guard` first and answers 403 before doing anything else. Every response
carries the strict Content-Security-Policy of :mod:`csp`; log lines name the path,
never the query (which may hold the token).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import tornado.web
import tornado.websocket
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from reflow_desktop import protocol as P
from reflow_desktop.exporting.reveal import ExportedFiles
from reflow_desktop.mcp.door import AgentDoor
from reflow_desktop.server import page_json
from reflow_desktop.server.csp import app_policy
from reflow_desktop.server.log_safe import TokenSafeHandler, safe_path
from reflow_desktop.server.security import Guard
from reflow_desktop.server.static import placeholder_page, ui_dist_dir
from reflow_desktop.session import Session, trace

if TYPE_CHECKING:
    from reflow_desktop.server.popout import PopoutRequest

log = logging.getLogger(__name__)


class _Guarded(TokenSafeHandler):
    """Refuse the request (403) unless token, Host and Origin are right; safe default headers."""

    guard: Guard

    def prepare(self) -> None:
        self.set_header("Content-Security-Policy", app_policy(self.guard.port))
        req = self.request
        tokens = [self.get_query_argument("token", None), req.headers.get("X-Reflow-Token")]
        reason = self.guard.check(
            host=req.headers.get("Host"),
            origin=req.headers.get("Origin"),
            tokens=tokens,
            cookie=self.get_cookie(self.guard.cookie_name),
        )
        if reason is not None:
            log.warning("refused %s %s: %s", req.method, safe_path(req.path), reason)
            raise tornado.web.HTTPError(403, reason=reason.capitalize())

    def remember_token(self) -> None:
        """Pages load scripts without the token in their URLs; a strict cookie (not the token) carries it."""
        set_session_cookie(self, self.guard)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


def log_request(handler: tornado.web.RequestHandler) -> None:
    """The access log line (the Application's ``log_function``): path only, never the query."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    ms = 1000.0 * handler.request.request_time()
    req = handler.request
    logging.getLogger("tornado.access").log(
        level, "%d %s %s (%s) %.2fms", status, req.method, safe_path(req.path), req.remote_ip, ms
    )


def set_session_cookie(handler: tornado.web.RequestHandler, guard: Guard) -> None:
    """The page's credential: the cookie secret (never the token), HttpOnly, SameSite=Strict."""
    handler.set_cookie(guard.cookie_name, guard.cookie_secret, httponly=True, samesite="Strict", path="/")


class _Base(_Guarded):
    def initialize(self, server: ReflowServer) -> None:
        self.server = server
        self.guard = server.guard


class IndexHandler(_Base):
    """``/``: with one session, go to it; otherwise the UI (or placeholder) itself."""

    def get(self) -> None:
        self.remember_token()
        ids = list(self.server.sessions)
        if len(ids) == 1:
            self.redirect(f"/s/{quote(ids[0])}?token={quote(self.guard.token)}")
            return
        self._page()

    def _page(self) -> None:
        dist = ui_dist_dir()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        if dist is None:
            self.finish(placeholder_page(list(self.server.sessions)))
        else:
            self.finish((dist / "index.html").read_bytes())


class DocsHandler(_Base):
    """``/docs``: the API reference and gallery (:mod:`reflow_desktop.server.docs`); Help opens it."""

    def get(self) -> None:
        from reflow_desktop.server.docs import docs_page

        self.remember_token()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(docs_page())


class LoginHandler(tornado.web.RequestHandler):
    """``/login/CODE``: a one-time code from :meth:`Guard.issue_login` sets the cookie and redirects.

    What ``--browser`` opens, so the browser's command line holds a code that is spent
    as soon as the page loads, not the token. Host and Origin are checked as everywhere.
    """

    def initialize(self, server: ReflowServer) -> None:
        self.guard = server.guard

    def prepare(self) -> None:
        self.set_header("Content-Security-Policy", app_policy(self.guard.port))
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        headers = self.request.headers
        reason = self.guard.check_place(host=headers.get("Host"), origin=headers.get("Origin"))
        if reason is not None:
            raise tornado.web.HTTPError(403, reason=reason.capitalize())

    def get(self, code: str) -> None:
        target = self.guard.redeem_login(code)
        if target is None:
            log.warning("refused GET /login/…: unknown, used or expired code")
            raise tornado.web.HTTPError(403, reason="Unknown, used or expired login code")
        set_session_cookie(self, self.guard)
        self.redirect(target)

    def _request_summary(self) -> str:
        return f"{self.request.method} /login/… ({self.request.remote_ip})"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class PageHandler(IndexHandler):
    """``/s/SESSION``: the UI page for one notebook."""

    def get(self, session_id: str) -> None:  # type: ignore[override]  # the route passes the session id
        if session_id not in self.server.sessions:
            raise tornado.web.HTTPError(404, reason="No such session")
        self.remember_token()
        self._page()


class ExportHandler(_Base):
    """``/s/SESSION/export/FORMAT``: what the session shows as html / ipynb / script.

    GET downloads it. POST is the page's Export button: the desktop app asks where with
    its own dialog (``ReflowServer.native_export``, answer ``{"native": true}``); a
    browser page gets the file written beside the notebook and ``{"path", "folder"}``
    back, so it can say where the file went and offer "Show in folder".
    """

    def _export(self, session_id: str, fmt: str) -> Any:
        from reflow_desktop.exporting.html import BundleMissingError
        from reflow_desktop.exporting.live import export_session

        session = self.server.sessions.get(session_id)
        if session is None:
            raise tornado.web.HTTPError(404, reason="No such session")
        try:
            return export_session(
                session,
                fmt,  # type: ignore[arg-type]  # any string: export_session refuses unknown formats (400)
                hide_code=self.get_query_argument("hide_code", "0") == "1",
            )
        except (ValueError, BundleMissingError) as exc:
            raise tornado.web.HTTPError(400, reason=str(exc).splitlines()[0][:200]) from exc

    async def _pdf(self, session_id: str) -> tuple[bytes, Path]:
        """(PDF, notebook path): no Qt here, a child prints it (exporting/pdf_process.py); 400 if it cannot."""
        from reflow_desktop.exporting.pdf import PdfError
        from reflow_desktop.exporting.pdf_process import session_pdf

        session = self.server.sessions.get(session_id)
        if session is None:
            raise tornado.web.HTTPError(404, reason="No such session")
        path = session.path
        try:
            return await session_pdf(session, include_code=self.get_query_argument("hide_code", "0") != "1"), path
        except Exception as exc:  # PdfError, the UI bundle missing, ...
            reason = str(exc) if isinstance(exc, PdfError) else f"PDF export failed: {exc}"
            raise tornado.web.HTTPError(400, reason=reason.splitlines()[0][:200]) from exc

    async def get(self, session_id: str, fmt: str) -> None:
        if fmt == "pdf":
            pdf, path = await self._pdf(session_id)
            self.set_header("Content-Type", "application/pdf")
            self.set_header("Content-Disposition", f'attachment; filename="{path.stem}.pdf"')
            self.finish(pdf)
            return
        exported = self._export(session_id, fmt)
        self.set_header("Content-Type", exported.content_type)
        self.set_header("Content-Disposition", f'attachment; filename="{exported.filename}"')
        self.finish(exported.text.encode("utf-8"))

    async def post(self, session_id: str, fmt: str) -> None:
        from reflow.notebook import atomic_write_bytes

        native = self.server.native_export
        if native is not None and session_id in self.server.sessions and native(session_id, fmt):
            self.finish({"native": True})
            return
        if fmt == "pdf":  # a browser page: printed by a child process, written beside the notebook
            data, path = await self._pdf(session_id)
            target = path.with_name(path.stem + ".pdf")
        else:
            exported = self._export(session_id, fmt)
            data = exported.text.encode("utf-8")
            target = self.server.sessions[session_id].path.with_name(exported.filename)
        try:
            atomic_write_bytes(target, data, follow_symlinks=False)
        except OSError as exc:
            raise tornado.web.HTTPError(500, reason=f"Cannot write {target.name}: {exc.strerror}") from exc
        written = self.server.exported.add(session_id, target)
        self.finish({"path": str(written), "folder": str(written.parent), "filename": written.name})


class PopOutHandler(_Base):
    """``POST /s/SESSION/pop-out``: the page asks the desktop app for a pop-out window (server/popout.py)."""

    def post(self, session_id: str) -> None:
        from reflow_desktop.server.popout import request_from_body

        if session_id not in self.server.sessions:
            raise tornado.web.HTTPError(404, reason="No such session")
        try:
            request = request_from_body(self.request.body)
        except ValueError as exc:
            raise tornado.web.HTTPError(400, reason=str(exc)) from exc
        native = self.server.native_popout  # the app opened a window: true; none (a browser page): false
        self.finish({"native": bool(native is not None and native(session_id, request))})


class WidgetModuleHandler(_Base):
    """``/s/SESSION/widget-esm/MODEL.js``: an anywidget's front-end module (the ``_esm`` its kernel sent).

    The page imports it from here, so its CSP stays ``script-src 'self'`` (no ``blob:`` or ``data:``
    scripts). Only for a notebook trusted to run, and only code a live model of its kernel holds.
    """

    def get(self, session_id: str, model_id: str) -> None:
        session = self.server.sessions.get(session_id)
        source = session.widgets.module_source(model_id) if session is not None and session.trust.may_start else None
        if source is None:
            raise tornado.web.HTTPError(404, reason="No such widget module")
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.finish(source.encode("utf-8"))


class RevealHandler(_Base):
    """``POST /s/SESSION/reveal`` ``{"path": ...}``: open the folder of a file this server just exported.

    Only such a path (``ExportedFiles.allows``): a page never gets a folder opened by naming it.
    """

    def post(self, session_id: str) -> None:
        from reflow_desktop.exporting.reveal import show_in_folder

        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, RecursionError) as exc:
            raise tornado.web.HTTPError(400, reason="Not JSON") from exc
        path = self.server.exported.allows(session_id, body.get("path") if isinstance(body, dict) else None)
        if path is None:
            raise tornado.web.HTTPError(403, reason="Not a file this app exported")
        try:
            folder = show_in_folder(path)
        except OSError as exc:
            raise tornado.web.HTTPError(409, reason=str(exc)[:200]) from exc
        self.finish({"folder": str(folder)})


class UIFileHandler(_Guarded, tornado.web.StaticFileHandler):
    """Built UI assets from ``ui/dist`` (``/assets/...``; also under ``/s/...`` for relative URLs).

    tornado's StaticFileHandler does the file work: paths that leave the directory as
    written (``..``) or through a symlink are refused with 403, missing files are 404,
    and ETag / Last-Modified / ranges come for free. The guard runs first.
    """

    def initialize(self, server: ReflowServer) -> None:  # type: ignore[override]  # route kwargs: ours, not path=
        self.server = server
        self.guard = server.guard
        super().initialize(path="")  # the root is looked up per request: the UI may be built later

    def prepare(self) -> None:
        super().prepare()
        if "\x00" in self.request.path or "%00" in self.request.path or ".." in self.request.path.split("/"):
            raise tornado.web.HTTPError(400, reason="Bad path")
        dist = ui_dist_dir()
        if dist is None:
            raise tornado.web.HTTPError(404)
        self.root = str(dist)

    def get_content_type(self) -> str:
        ctype = super().get_content_type()
        if ctype.startswith("text/") or ctype == "application/javascript":
            ctype += "; charset=utf-8"
        return ctype

    def set_extra_headers(self, path: str) -> None:
        # A content-hashed name (Vite's ``name-XXXXXXXX.ext``) never changes its bytes: cache it for good.
        # Others (theme-init.js, copied as it is) keep the default no-store, or an update would go unseen.
        if path.startswith("assets/") and _HASHED_NAME.search(path):
            self.set_header("Cache-Control", "private, max-age=31536000, immutable")


_HASHED_NAME = re.compile(r"-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")


class SocketHandler(_Guarded, tornado.websocket.WebSocketHandler):
    """``/ws/SESSION``: the protocol, JSON text frames both ways."""

    def initialize(self, server: ReflowServer) -> None:
        self.server = server
        self.guard = server.guard
        self.session: Session | None = None
        self._pending: set[asyncio.Task[object]] = set()

    def check_origin(self, origin: str) -> bool:
        # prepare() already refused foreign origins; a same-origin one is fine here.
        return origin.lower() in self.guard.allowed_origins()

    def get_compression_options(self) -> dict[str, Any] | None:
        return None

    async def get(self, session_id: str = "") -> None:
        if not session_id and len(self.server.sessions) == 1:
            session_id = next(iter(self.server.sessions))  # ``/ws``: the only session
        self.session = self.server.sessions.get(session_id)
        if self.session is None:
            raise tornado.web.HTTPError(404, reason="No such session")
        await super().get(session_id)

    def open(self, session_id: str = "") -> None:
        assert self.session is not None
        self.set_nodelay(True)
        self.session.attach(self.send)

    def send(self, msg: dict[str, Any]) -> None:
        if self.ws_connection is None or self.ws_connection.is_closing():
            if self.session is not None:
                self.session.detach(self.send)
            return
        if trace.ENABLED:
            trace.page_send(msg)
        try:
            self.write_message(page_json.encode(msg))  # bytes, in a text frame (binary=False)
        except tornado.websocket.WebSocketClosedError:
            if self.session is not None:
                self.session.detach(self.send)

    def on_message(self, message: str | bytes) -> None:
        assert self.session is not None
        try:
            data = json.loads(message)
        except (ValueError, RecursionError):  # RecursionError: "[" * 100_000 (it closed the socket)
            self.send(P.error_msg("not JSON"))
            return
        if trace.ENABLED:
            trace.page_message(data)
        # A task per message: a slow request (complete while a cell runs, restart)
        # never holds up the next one (interrupt). Each task forwards to the kernel
        # before its first await, so operations keep their order.
        task = asyncio.ensure_future(self.session.handle(data, self.send))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def on_close(self) -> None:
        if self.session is not None:
            self.session.detach(self.send)


class ReflowServer:
    """HTTP + WebSocket server for any number of sessions (one per notebook window)."""

    def __init__(
        self, *, port: int = 0, token: str | None = None, session_defaults: dict[str, Any] | None = None
    ) -> None:
        self.guard = Guard(token=token) if token else Guard()
        self.session_defaults = dict(session_defaults or {})  # e.g. {"environments": True}
        self.requested_port = port
        self.sessions: dict[str, Session] = {}
        self._http: HTTPServer | None = None
        self.exported = ExportedFiles()  # what Export wrote, per session: the only folders "Show in folder" opens
        # The desktop app's own export (save dialog), called on this loop's thread: (session id, format) -> handled.
        self.native_export: Callable[[str, str], bool] | None = None
        # The desktop app's pop-out window (server/popout.py), on this loop's thread: (session id, request) -> opened.
        self.native_popout: Callable[[str, PopoutRequest], bool] | None = None
        self.agent_door = AgentDoor(self.sessions, self.guard)  # /mcp (reflow_desktop/mcp/), off unless enabled

    @property
    def port(self) -> int:
        return self.guard.port

    @property
    def token(self) -> str:
        return self.guard.token

    def make_app(self) -> tornado.web.Application:
        from reflow_desktop.mcp.handler import McpHandler

        args = {"server": self}
        return tornado.web.Application(
            [
                (r"/", IndexHandler, args),
                (r"/login/([A-Za-z0-9_-]{1,100})", LoginHandler, args),
                (r"/docs/?", DocsHandler, args),
                (r"/mcp/?", McpHandler, {"guard": self.guard, "door": self.agent_door}),
                (r"/ws/([^/]+)", SocketHandler, args),
                (r"/ws/?", SocketHandler, args),
                (r"/s/([^/]+)/?", PageHandler, args),
                (r"/s/([^/]+)/export/([a-z]+)", ExportHandler, args),
                (r"/s/([^/]+)/reveal", RevealHandler, args),
                (r"/s/([^/]+)/pop-out", PopOutHandler, args),
                (r"/s/([^/]+)/widget-esm/([A-Za-z0-9_-]{1,100})\.js", WidgetModuleHandler, args),
                # The page at /s/SESSION loads ./assets/x as /s/assets/x; at /s/SESSION/ as /s/SESSION/assets/x.
                (r"/s/(assets/.+)", UIFileHandler, args),
                (r"/s/[^/]+/(.+)", UIFileHandler, args),
                (r"/(.+)", UIFileHandler, args),
            ],
            websocket_max_message_size=64 * 1024 * 1024,
            xsrf_cookies=False,
            log_function=log_request,
        )

    async def start(self) -> None:
        """Bind 127.0.0.1 (a free port unless one was asked for) and serve."""
        sockets = bind_sockets(self.requested_port, address="127.0.0.1", family=socket.AF_INET)
        self.guard.port = sockets[0].getsockname()[1]
        self._http = HTTPServer(self.make_app(), xheaders=False)
        self._http.add_sockets(sockets)
        self.agent_door.publish()  # where `reflow mcp-url` finds this server's /mcp

    def url(self, session_id: str | None = None) -> str:
        path = f"/s/{quote(session_id)}" if session_id else "/"
        return f"http://127.0.0.1:{self.port}{path}?token={quote(self.token)}"

    def login_url(self, session_id: str) -> str:
        """A one-time address that logs a browser in (cookie) and opens the session's page."""
        code = self.guard.issue_login(f"/s/{quote(session_id)}")
        return f"http://127.0.0.1:{self.port}/login/{code}"

    def ws_url(self, session_id: str) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/{quote(session_id)}?token={quote(self.token)}"

    def add_session(self, session: Session) -> None:
        self.sessions[session.id] = session

    async def open_notebook(self, path: str | Path, **kwargs: Any) -> Session:
        """Create a session for a notebook, start its kernel, make it reachable."""
        session = Session(path, **{**self.session_defaults, **kwargs})
        self.add_session(session)
        try:
            await session.start()
        except Exception:
            self.sessions.pop(session.id, None)
            await session.close()
            raise
        return session

    async def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
            self._http = None
        await self.agent_door.close()
        for session in list(self.sessions.values()):
            await session.close()
        self.sessions.clear()
