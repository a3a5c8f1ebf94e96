"""A kernel client's first handshake: the kernel answers on shell, and what it publishes reaches us.

A starting kernel is connected to before it has bound its sockets (the client is made right after
the launch). Two waits used to come from that, on about every other start (measured: a new
environment's first output 0.39 s or 0.55 s, nothing in between):

- ZMQ retries a refused connect after ``RECONNECT_IVL`` plus a random part of it, 100-200 ms by
  default, so the first request reached a kernel ready since up to 200 ms later. A local kernel's
  client retries every 10-20 ms instead (``fast_reconnect``), without backing off (doubling would
  be at 160-320 ms by the time a kernel binds). The cost: a kernel that died is retried at that rate
  until its client is stopped (a restart or closing the notebook): measured 0.5% of a core.
- A subscriber joins a publisher a little after it connects ("slow joiner"), and the status that
  answers the first ``kernel_info`` on iopub was often published before: the wait for it timed out
  (0.2 s) and asked again. ipykernel 7 publishes ``iopub_welcome`` to each new subscriber: from then
  on nothing published is lost, so the start asks again at once and has that request's status a
  round trip later. A kernel without the welcome is asked again after the wait, as before.

Ready means the ``idle`` status of the latest request has arrived. The kernel answers its requests in
order, so every status of the handshake has come (or was lost) by then and what iopub holds is dropped:
nothing of it reaches the session afterwards, where a stray ``busy`` would change the kernel's state.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from reflow_desktop.session.kernel_control import next_message, parent_id

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient

RECONNECT_IVL_MS = 10
SHELL_WAIT_S = 1.0  # for the reply to a kernel_info request, before asking again
IOPUB_WAIT_S = 0.2  # for its status (or the welcome) on iopub, before asking again
WELCOME = "iopub_welcome"


def fast_reconnect(kc: AsyncKernelClient) -> None:
    """Before ``start_channels``: the client's sockets retry a refused connect every 10 ms."""
    import zmq

    kc.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_IVL_MS)  # the default for sockets made from now on


async def wait_ready(
    kc: AsyncKernelClient,
    timeout: float,
    *,
    alive: Callable[[], Awaitable[bool]],
    silent_s: float,
    on_silent: Callable[[], None],
) -> None:
    """Until the kernel replies to ``kernel_info`` and iopub is live; what iopub held before is dropped.

    ``alive`` is asked after each unanswered round (a dead kernel raises at once); ``on_silent`` is
    called once when the kernel has not answered for ``silent_s``. Raises RuntimeError on death or
    ``timeout``.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    ask_stacks_at = loop.time() + silent_s
    asked: set[str] = set()
    while True:
        if loop.time() > ask_stacks_at:
            ask_stacks_at = end  # once
            on_silent()
        latest = kc.kernel_info()
        asked.add(latest)
        replied = await next_message(kc.shell_channel, lambda msg: parent_id(msg) in asked, SHELL_WAIT_S)
        if replied is not None and await _handshake_done(kc, latest, asked):
            with contextlib.suppress(queue.Empty):
                while True:
                    await kc.iopub_channel.get_msg(timeout=0)
            return
        if not await alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if loop.time() > end:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


async def _handshake_done(kc: AsyncKernelClient, latest: str, asked: set[str]) -> bool:
    """Whether the ``idle`` status of the latest request arrives on iopub within ``IOPUB_WAIT_S``; a
    welcome on the way makes a new latest request (its status cannot be lost: the subscription is live)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + IOPUB_WAIT_S
    while (left := end - loop.time()) > 0:
        try:
            msg = await kc.iopub_channel.get_msg(timeout=left)
        except queue.Empty:
            return False
        kind = (msg.get("header") or {}).get("msg_type")
        if kind == WELCOME:
            latest = kc.kernel_info()
            asked.add(latest)
        elif (
            kind == "status"
            and parent_id(msg) == latest
            and (msg.get("content") or {}).get("execution_state") == "idle"
        ):
            return True
    return False
