"""The two threads the shell needs besides pywebview's: the asyncio server loop, and
a way back onto the Qt GUI thread.

pywebview runs most callbacks on worker threads, and the server lives on its own
asyncio loop; Qt objects may only be touched on the GUI thread. ``GuiInvoker``
queues a callable onto the GUI thread; ``ServerThread.submit`` runs a coroutine on
the server loop and returns a concurrent future.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from reflow_desktop.server import ReflowServer

T = TypeVar("T")


class ServerThread:
    """Runs ReflowServer on a private asyncio loop in a daemon thread."""

    def __init__(self, port: int = 0, token: str | None = None) -> None:
        from reflow_desktop import envs

        self.server = ReflowServer(port=port, token=token, session_defaults={"environments": envs.enabled()})
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="reflow-server", daemon=True)
        self._started = concurrent.futures.Future()  # type: concurrent.futures.Future[None]

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        self._started.result(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def boot() -> None:
            await self.server.start()

        try:
            self.loop.run_until_complete(boot())
        except BaseException as exc:
            self._started.set_exception(exc)
            return
        self._started.set_result(None)
        self.loop.run_forever()

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
