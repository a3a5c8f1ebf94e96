"""Runs that outlive the window: the kernel's side of detaching and reattaching (issue 18).

The app launches the kernel as an independent process (no ``JPY_PARENT_PID``: ipykernel's parent
poller would kill it with the app) and names itself in ``REFLOW_APP_PID``. This module then decides
when the kernel ends on its own:

- the app dies (SIGKILL, crash) while the kernel is idle: it exits at once, as it always did;
- the app dies or detaches (window closed with "keep running") while cells run: the kernel keeps
  running, its comm messages keep going to the journal (``journal.py``), and once idle it waits
  ``REFLOW_KERNEL_LINGER_S`` (default one hour) for an app to reattach before it exits;
- a spare (a kernel started before its notebook is known, ``prestart.py``, launched with
  ``REFLOW_SPARE_LINGER_S``): when its app ends before any notebook reached it, it waits that long
  for the next app to take it (``reflow_desktop/session/spare_kernel.py``) before it exits.

Two control-channel requests, answered even while a cell runs (the shell channel is busy then):
``reflow_attach_request`` (an app attaches: where the journal goes, who the app is; the reply has
the comm id, the kernel's cells and the last sequence number on disk after a flush) and
``reflow_detach_request`` (the app leaves; the kernel stays).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from reflow.kernel.journal import Journal

ATTACH_REQUEST = "reflow_attach_request"
ATTACH_REPLY = "reflow_attach_reply"
DETACH_REQUEST = "reflow_detach_request"
DETACH_REPLY = "reflow_detach_reply"
WATCH_S = 0.25  # how often the app's process is looked at
DEFAULT_LINGER_S = 3600.0
SPARE_LINGER = "REFLOW_SPARE_LINGER_S"


class _Spell:
    """One dispatch's busy spell; ``over`` once counted out (early by ``work_over``, or at its end)."""

    __slots__ = ("over",)

    def __init__(self) -> None:
        self.over = False


# the spell of the dispatch running in this context (asyncio task), for ``work_over``
_current_spell: contextvars.ContextVar[_Spell | None] = contextvars.ContextVar("reflow_spell", default=None)


def _env_float(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, "")))
    except ValueError:
        return default


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _silence_stdio() -> None:
    """Point the process's stdout and stderr at the null device (a write to a dead pipe would kill it)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)


class Background:
    """The kernel's journal, its busy count and its exit policy without an app."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.journal = Journal()
        self.busy = 0
        self.idle_since = time.monotonic()
        self.app_pid = int(os.environ.get("REFLOW_APP_PID", "0") or 0)
        self.app_is_parent = self.app_pid > 0 and os.getppid() == self.app_pid
        self.attached = self.app_pid > 0
        self.app_gone = False
        self.seen_alive = time.monotonic()  # when the app was last seen alive (a tick, or the end of a busy spell)
        self.linger_s = _env_float("REFLOW_KERNEL_LINGER_S", DEFAULT_LINGER_S)
        # read once and hidden from the cells, as prestart's marker is
        self.spare_linger_s = _env_float(SPARE_LINGER, 0.0)
        os.environ.pop(SPARE_LINGER, None)
        self._lock = threading.Lock()
        handlers = getattr(kernel, "control_handlers", None)
        if isinstance(handlers, dict):
            handlers[ATTACH_REQUEST] = self._attach
            handlers[DETACH_REQUEST] = self._detach
        self._watching = False
        if self.app_pid > 0:
            self._start_watch()

    def _start_watch(self) -> None:
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch, name="reflow-background", daemon=True).start()

    # --- busy spells (the kernel's dispatch_shell) ----------------------------------------
    @contextlib.contextmanager
    def busy_spell(self) -> Iterator[None]:
        spell = _Spell()
        token = _current_spell.set(spell)
        with self._lock:
            self.busy += 1
        try:
            yield
        finally:
            _current_spell.reset(token)
            self._end(spell)

    def work_over(self) -> None:
        """The operation in this dispatch has done its work (its last message is about to leave).

        What remains of the dispatch is ipykernel's bookkeeping (the idle status, flushes): an app
        that dies then has seen everything, and the kernel ends with it as if idle, instead of
        lingering for ``REFLOW_KERNEL_LINGER_S`` because the app's death fell in that tail.
        """
        spell = _current_spell.get()
        if spell is not None:
            self._end(spell)

    def _end(self, spell: _Spell) -> None:
        with self._lock:
            if spell.over:
                return
            spell.over = True
            self.busy -= 1
            if self.busy == 0:
                self.idle_since = time.monotonic()
                if self.app_pid > 0 and not self.app_gone and self._app_alive():
                    self.seen_alive = time.monotonic()  # idle with the app there: it ends with the app

    # --- control requests -------------------------------------------------------------------
    def _attach(self, stream: Any, ident: Any, parent: dict[str, Any]) -> None:
        content = parent.get("content") or {}
        app_pid = content.get("app_pid")
        journal = content.get("journal")
        if isinstance(journal, dict) and all(isinstance(journal.get(k), str) for k in ("notebook", "name")):
            self.journal.move(journal["notebook"], journal["name"])  # opened, or moved after a Save As
        elif journal is None and self.journal.path is None and "journal" in content:
            self.journal.disable("no journal for this notebook (read-only)")
        with self._lock:
            if type(app_pid) is int and app_pid > 0:
                self.app_pid = app_pid
                self.app_is_parent = os.getppid() == app_pid
                self.app_gone = False  # watched from now on: its death, like the first app's
                # a spare taken by its next app: from now on the kernel of a notebook like any other
                self.linger_s = _env_float("REFLOW_KERNEL_LINGER_S", DEFAULT_LINGER_S)
            self.attached = True
        if self.app_pid > 0:
            self._start_watch()
        seq = self.journal.flush()  # everything numbered up to seq is on disk now
        comm = getattr(getattr(self.kernel, "reflow_host", None), "comm", None)
        cells = self._cells()
        reply = {
            "status": "ok",
            "pid": os.getpid(),
            "comm_id": getattr(comm, "comm_id", None),
            "seq": seq,
            "journal": str(self.journal.path) if self.journal.path is not None else None,
            "journal_error": self.journal.error,
            "busy": self.busy > 0,
            "cells": cells,
        }
        self.kernel.session.send(stream, ATTACH_REPLY, reply, parent, ident)

    def _cells(self) -> list[dict[str, Any]] | None:
        """The notebook's cells as this kernel has them (their ids name the journal's events)."""
        host = getattr(self.kernel, "reflow_host", None)
        doc = getattr(host, "doc", None)
        if doc is None or getattr(host, "runtime", None) is None:
            return None
        return [{"id": c.id, "kind": c.kind, "code": c.source, "options": dict(c.options)} for c in doc.cells]

    def _detach(self, stream: Any, ident: Any, parent: dict[str, Any]) -> None:
        with self._lock:
            self.attached = False
            if self.busy == 0:
                self.idle_since = time.monotonic()
        self.journal.flush()
        self.kernel.session.send(stream, DETACH_REPLY, {"status": "ok", "busy": self.busy > 0}, parent, ident)

    # --- the exit policy --------------------------------------------------------------------
    def _app_alive(self) -> bool:
        if self.app_is_parent:
            return os.getppid() == self.app_pid  # a killed parent: reparented at once, zombie or not
        return pid_alive(self.app_pid)

    def _watch(self) -> None:
        stop = threading.Event()
        while not stop.wait(WATCH_S):
            with self._lock:
                if self.app_gone or self._app_alive():
                    self.seen_alive = time.monotonic()
                else:
                    self.app_gone = True
                    _silence_stdio()  # inherited from the app: a pipe nobody reads any more
                    # idle since before the app was last seen: it died with nothing running, end with it
                    if self.attached and self.busy == 0 and self.idle_since < self.seen_alive:
                        if not self._spare():
                            self._exit()
                        self.idle_since = time.monotonic()  # a spare waits for the next app from now
                        self.linger_s = self.spare_linger_s
                    self.attached = False
                if not self.attached and self.busy == 0 and time.monotonic() - self.idle_since >= self.linger_s:
                    self._exit()

    def _spare(self) -> bool:
        """A spare kernel no notebook reached yet (``REFLOW_SPARE_LINGER_S`` set at its launch)."""
        from reflow.kernel.prestart import is_prestarted

        return self.spare_linger_s > 0 and is_prestarted()

    def _exit(self) -> None:
        """End without an app: the journal's last record names the cells, so the next open can show its outputs."""
        try:
            cells = self._cells()
            if cells is not None:
                self.journal.record({"type": "journal_end", "cells": cells})
            self.journal.close()
        finally:
            os._exit(0)
