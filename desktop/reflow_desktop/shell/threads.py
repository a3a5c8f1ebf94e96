"""The two threads the shell needs besides pywebview's: the asyncio server loop, and
a way back onto the Qt GUI thread.

pywebview runs most callbacks on worker threads, and the server lives on its own
asyncio loop; Qt objects may only be touched on the GUI thread. ``GuiInvoker``
queues a callable onto the GUI thread; ``ServerThread.submit`` runs a coroutine on
the server loop and returns a concurrent future.

``gui_only`` marks the methods that touch Qt: called from another thread they are
recorded (and logged), and with ``REFLOW_STRICT_THREADS=1`` (the tests) they raise
``WrongThreadError`` instead of running, before Qt can abort the process. Qt's own
cross-thread warnings are recorded too (``install_qt_thread_trap``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import importlib
import logging
import os
import threading
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from reflow_desktop.shell.startup_trace import mark

if TYPE_CHECKING:
    from reflow_desktop.server import ReflowServer
    from reflow_desktop.session.kernel_pool import KernelPool

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger(__name__)

STRICT_ENV = "REFLOW_STRICT_THREADS"
_violations: list[str] = []
_violations_lock = threading.Lock()
# Words of Qt's warnings about objects used from the wrong thread (qFatal ones abort right after).
_QT_THREAD_WORDS = (
    "different thread",
    "another thread",
    "outside the GUI thread",
    "outside the main thread",
    "Timers cannot",
    "Timers can only",
    "QBasicTimer",
    "not safe to use pixmaps",
)


class WrongThreadError(RuntimeError):
    """A Qt-touching method was called off the GUI thread (strict mode only)."""


def on_gui_thread() -> bool:
    """The Qt GUI thread is the process's main thread (pywebview's Qt loop insists on it)."""
    return threading.current_thread() is threading.main_thread()


def thread_violations() -> list[str]:
    """Every off-GUI-thread use of Qt seen so far in this process (tests assert it stays empty)."""
    with _violations_lock:
        return list(_violations)


def _record(what: str) -> None:
    with _violations_lock:
        _violations.append(what)
    log.error("Qt touched off the GUI thread: %s", what)


def gui_only(fn: Callable[P, T]) -> Callable[P, T]:
    """Mark a method that touches Qt: it must run on the GUI thread (see the module doc)."""

    @functools.wraps(fn)
    def checked(*args: P.args, **kwargs: P.kwargs) -> T:
        if not on_gui_thread():
            what = f"{fn.__qualname__} called on thread {threading.current_thread().name!r}"
            _record(what)
            if os.environ.get(STRICT_ENV) == "1":
                raise WrongThreadError(what)
        return fn(*args, **kwargs)

    return checked


def install_qt_thread_trap() -> None:
    """Record Qt's warnings about cross-thread use; every message still reaches the previous handler."""
    import sys

    from qtpy.QtCore import qInstallMessageHandler

    previous: Any = None

    def handler(mode: Any, context: Any, message: str) -> None:
        if any(word in message for word in _QT_THREAD_WORDS):
            _record(f"Qt: {message}")
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


class SessionStart(Protocol):
    async def start(self) -> None: ...


class ServerThread:
    """Runs ReflowServer on a private asyncio loop in a daemon thread.

    The server (tornado, sessions: ~0.1 s of imports) is made on first use of ``server``, which
    the thread's start does: the app's launch does not wait for those imports before its window.
    """

    def __init__(self, port: int = 0, token: str | None = None) -> None:
        self._server_args: dict[str, Any] = {"port": port, "token": token}
        self._server: ReflowServer | None = None
        self._server_lock = threading.Lock()
        self._before: Callable[[], None] | None = None
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="reflow-server", daemon=True)
        self._started = concurrent.futures.Future()  # type: concurrent.futures.Future[None]
        self.kernel_pool: KernelPool | None = None  # session/kernel_pool.py, made on the loop

    @property
    def server(self) -> ReflowServer:
        with self._server_lock:
            if self._server is None:
                from reflow_desktop import envs
                from reflow_desktop.server import ReflowServer

                self._server = ReflowServer(**self._server_args, session_defaults={"environments": envs.enabled()})
            return self._server

    def start(self, timeout: float = 10.0) -> None:
        self.begin()
        self.wait_started(timeout)

    def begin(self, before: Callable[[], None] | None = None) -> None:
        """Start serving on the thread and return at once: the app sets up its window meanwhile.

        ``before`` runs on the thread first (a failure stops the start like the server's own).
        """
        self._before = before
        self._thread.start()

    def wait_started(self, timeout: float = 10.0) -> None:
        """Block until the server listens; raises what stopped it from starting."""
        self._started.result(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def boot() -> None:
            if self._before is not None:
                self._before()
            await self.server.start()
            mark("server listening")

        try:
            self.loop.run_until_complete(boot())
        except BaseException as exc:
            self._started.set_exception(exc)
            return
        self._started.set_result(None)
        self.loop.run_forever()

    async def start_session(self, session: SessionStart) -> None:
        """Start a session's kernel (on the loop), the kernel pool set up first if it is not yet.

        The pool is made here rather than when the server starts: its import (jupyter_client) is one
        the first kernel start needs anyway, and the first window's page no longer waits for it.
        """
        # The kernel's modules (jupyter_client, ~0.1 s) are imported on a worker thread: the loop
        # meanwhile answers the page this kernel is for (its HTML, assets and WebSocket).
        await asyncio.to_thread(importlib.import_module, "reflow_desktop.session.kernel_pool")
        # one spare kernel per recent environment (session/kernel_pool.py); REFLOW_KERNEL_POOL=0: none
        if (
            self.kernel_pool is None
            and self.server.session_defaults.get("environments")
            and os.environ.get("REFLOW_KERNEL_POOL") != "0"
        ):
            from reflow_desktop.session import kernel_pool

            self.kernel_pool = kernel_pool.KernelPool()
            kernel_pool.install(self.kernel_pool)
        await session.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, fn: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run a plain function on the loop thread (session objects are not thread-safe)."""

        async def wrap() -> T:
            return fn()

        return self.submit(wrap())

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server: every session saves pending edits and shuts its kernel down."""
        if not self._thread.is_alive():
            return
        try:
            self.submit(self.server.stop()).result(timeout)
        except Exception:
            pass
        if self.kernel_pool is not None:
            from reflow_desktop.session import kernel_pool

            kernel_pool.install(None)
            try:
                self.submit(self.kernel_pool.close()).result(timeout)
            except Exception:
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)


def make_gui_invoker() -> Any:
    """A QObject whose ``call(fn)`` runs ``fn`` on the GUI thread (create it on that thread)."""
    from qtpy.QtCore import QObject, Qt, Signal

    class GuiInvoker(QObject):
        _sig = Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self._sig.connect(self._run, Qt.ConnectionType.QueuedConnection)

        def _run(self, fn: Callable[[], None]) -> None:
            fn()

        def call(self, fn: Callable[[], None]) -> None:
            self._sig.emit(fn)

    return GuiInvoker()
