"""The control channel of one kernel client: requests made at once each get their own reply.

A client's control channel has one queue of replies. Its readers (the subshell's creation, the
attach and detach handshakes, a shutdown) each read until they see the reply to their request
and drop any other: two at once took each other's replies and both waited out their timeout.
"""

from __future__ import annotations

import asyncio

from reflow_desktop.session.kernel_control import control_request
from reflow_desktop.session.side_shell import SideShell


async def test_requests_made_at_once_on_one_client_each_get_their_reply(session) -> None:  # type: ignore[no-untyped-def]
    kc = session.kernel.kc
    side = SideShell(kc)
    infos = [control_request(kc, "kernel_info_request", {}, timeout=8.0) for _ in range(3)]
    *replies, subshell = await asyncio.wait_for(asyncio.gather(*infos, side.subshell_id()), 30)
    assert all(r.get("status") == "ok" and r.get("implementation") for r in replies)
    assert isinstance(subshell, str)  # the subshell was made: its two requests were answered too
