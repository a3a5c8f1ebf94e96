"""Completions and inspections on a kernel subshell, so they never wait behind a run.

A kernel handles its shell messages one at a time: a ``complete_request`` sent while
typing waited for the running cell, and the run sent right after it waited for the
completion (the first one imports jedi: ~0.5 s). ipykernel 7 implements kernel
subshells (JEP 91): a subshell is a thread of its own with its own message queue,
created over the control channel, addressed by ``subshell_id`` in the request header.
Completions and inspections go there; runs stay on the main shell. A kernel without
subshells (an environment with an older ipykernel) keeps the old way: the main shell.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from reflow_desktop.session.kernel_control import send_and_wait

log = logging.getLogger(__name__)

FEATURE = "kernel subshells"  # kernel_info_reply "supported_features" (ipykernel >= 7)


class SideShell:
    """The one subshell of a connected kernel client, created on first use (None: not supported)."""

    def __init__(self, kc: Any) -> None:
        self.kc = kc
        self._id: asyncio.Future[str | None] | None = None

    async def subshell_id(self) -> str | None:
        """The subshell's id; the first caller creates it, the others wait for the same answer."""
        if self._id is None:
            self._id = asyncio.ensure_future(self._create())
        try:
            return await asyncio.shield(self._id)
        except Exception:  # no answer, a closed channel: the main shell, as before
            log.debug("no kernel subshell", exc_info=True)
            return None

    async def _create(self) -> str | None:
        info = await self._control("kernel_info_request")
        if FEATURE not in (info.get("supported_features") or []):
            return None
        reply = await self._control("create_subshell_request")
        sid = reply.get("subshell_id")
        return sid if reply.get("status") == "ok" and isinstance(sid, str) else None

    async def _control(self, msg_type: str) -> dict[str, Any]:
        """Send a control request and wait for its reply (kernel_control: one request at a time per client)."""
        return await send_and_wait(self.kc, self.kc.session.msg(msg_type, {}))  # its timeout: REQUEST_TIMEOUT_S

    async def request(self, msg_type: str, content: dict[str, Any]) -> str:
        """Send a shell request (``complete_request``…) on the subshell if there is one; its msg_id."""
        sid = await self.subshell_id()
        msg = self.kc.session.msg(msg_type, content)
        if sid is not None:
            msg["header"]["subshell_id"] = sid
        self.kc.shell_channel.send(msg)
        msg_id: str = msg["header"]["msg_id"]
        return msg_id
