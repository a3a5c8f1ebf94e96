"""An agent's changes to a live notebook, sent as the page's own protocol messages.

Every change goes through ``Session.handle`` exactly as a page's message does: validated by
the protocol, refused for read-only and untrusted notebooks, applied as a document transaction
(so every open page shows it at once, autosave writes it, the sidecar keeps the outputs) and
forwarded to the kernel. A run is awaited up to a bound; the cells that ran during it (the
asked ones and their re-run descendants) are reported with their outputs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reflow_desktop.session.events import unfold

if TYPE_CHECKING:
    from reflow_desktop.session import Session


class OperationError(Exception):
    """The session refused the change (its error message says why)."""


@dataclass
class _Watcher:
    """A session client for the length of one operation: its errors and the cells that ran."""

    errors: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    attached: bool = False

    def __call__(self, msg: dict[str, Any]) -> None:
        if not self.attached:  # the session message every attach sends first
            return
        for event in unfold(msg):
            etype = event.get("type")
            if etype == "error":
                self.errors.append(str(event.get("text") or "the session refused it"))
            elif etype == "cell_status" and event.get("status") == "running":
                cid = event.get("id")
                if isinstance(cid, str) and cid not in self.ran:
                    self.ran.append(cid)


@dataclass
class Outcome:
    """What an operation did: the cells that ran, and whether it finished within the bound."""

    ran: list[str]
    finished: bool


async def send(session: Session, msg: dict[str, Any], *, timeout: float) -> Outcome:
    """Send one protocol message as a page would; wait (at most ``timeout`` s) for the kernel to finish it."""
    watcher = _Watcher()
    session.attach(watcher)
    watcher.attached = True
    try:
        future = await session.handle(msg, watcher)
        if watcher.errors:
            raise OperationError("; ".join(watcher.errors))
        finished = True
        if future is not None:
            try:
                await asyncio.wait_for(asyncio.shield(future), timeout)
            except TimeoutError:
                finished = False
        if watcher.errors:
            raise OperationError("; ".join(watcher.errors))
        return Outcome(list(watcher.ran), finished)
    finally:
        session.detach(watcher)
