"""A jupyter_client kernel provisioner for kernels behind a Jupyter Server or gateway.

Works with Jupyter Server, Jupyter Kernel Gateway and Enterprise Gateway (and the Kubernetes or
YARN provisioners behind the latter): the kernel is started, interrupted, restarted and shut down
through the REST API (``gateway_rest``), and its channels are relayed by a ``KernelBridge``:
local ZMQ sockets at the connection file's addresses, forwarded over the kernel's WebSocket. So
jupyter_client's KernelManager, its restarter and every client (the session, the console dock)
work as with a local kernel; Reflow's reactive operations are comm messages and pass unchanged.

Registered as ``reflow-gateway-provisioner`` (pyproject.toml); a kernelspec selects it with
``metadata.kernel_provisioner = {"provisioner_name": ..., "config": {"url": ..., "kernel_name": ...}}``.
The token comes from ``config.token`` or the user's stored tokens (``gateway_tokens``), never a file
in the notebook folder. "The process" is the remote kernel as reachable through the gateway:
``poll()`` says it exited when the gateway lost it or the WebSocket closed, with ``exit_reason``.
"""

from __future__ import annotations

import asyncio
import getpass
import signal
import uuid
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase
from traitlets import Float, Unicode

from reflow_desktop.remote.gateway_bridge import KernelBridge
from reflow_desktop.remote.gateway_rest import GatewayAddress, GatewayError, GatewayRest
from reflow_desktop.remote.gateway_tokens import token_for

LOST_EXIT_CODE = 1  # what poll() says once the kernel is gone (there is no real exit status)


class GatewayProvisioner(KernelProvisionerBase):
    """A kernel on a Jupyter gateway, made to look local to jupyter_client."""

    url = Unicode("", config=True, help="The gateway's base URL, http(s)://host:port[/base].")
    token = Unicode("", config=True, help="Its token; empty: the stored token for the URL, or the env.")
    kernel_name = Unicode("reflow", config=True, help="The gateway's kernelspec that runs reflow.kernel.")
    request_timeout = Float(120.0, config=True, help="Seconds one REST call may take (kernel start).")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.remote_id: str | None = None
        self.bridge: KernelBridge | None = None
        self.exit_code: int | None = None
        self.exit_reason: str | None = None  # why poll() says the kernel is gone, for people
        self._exited = asyncio.Event()
        self._restart_pending = False
        self._rest: GatewayRest | None = None
        self._recovering: asyncio.Future[None] | None = None  # a reconnect after a dropped WebSocket

    # --- where ------------------------------------------------------------------------------
    @property
    def address(self) -> GatewayAddress:
        if not self.url:
            raise GatewayError("No gateway URL was given for this kernel.")
        return GatewayAddress(self.url, self.token or token_for(self.url))

    @property
    def rest(self) -> GatewayRest:
        if self._rest is None:
            self._rest = GatewayRest(self.address, self.request_timeout)
        return self._rest

    # --- process-like state -----------------------------------------------------------------
    @property
    def has_process(self) -> bool:
        return self.bridge is not None

    async def poll(self) -> int | None:
        return self.exit_code

    async def wait(self) -> int | None:
        if self.bridge is not None:
            await self._exited.wait()
            await self._drop_bridge()
        return self.exit_code

    def _mark_gone(self, reason: str, code: int = LOST_EXIT_CODE) -> None:
        if self.exit_code is None:
            self.exit_code, self.exit_reason = code, reason
        self._exited.set()

    def _on_lost(self, reason: str, dropped: bool) -> None:
        """The bridge's WebSocket closed on its own (``dropped``: reconnect once) or the gateway lost the kernel."""
        self.log.warning("gateway kernel %s: %s", self.remote_id, reason)
        if dropped and self.bridge is not None and self.remote_id is not None:
            self._recovering = asyncio.ensure_future(self._reconnect(reason))
            return
        self._mark_gone(f"The connection to the kernel on {self.url} was lost: {reason}.")

    async def _reconnect(self, reason: str) -> None:
        """The kernel still running on the gateway gets a new WebSocket (its state kept); else it is gone."""
        bridge, kernel_id = self.bridge, self.remote_id
        try:
            state = await self.rest.kernel_state(kernel_id) if kernel_id is not None else None
            if bridge is not None and bridge is self.bridge and state not in (None, "dead"):
                await bridge.reconnect()
                self.log.info("gateway kernel %s: reconnected", kernel_id)
                return
        except GatewayError as exc:
            reason = f"{reason}; {exc}"
        self._mark_gone(f"The connection to the kernel on {self.url} was lost: {reason}.")

    async def _drop_bridge(self) -> None:
        if self.bridge is not None:
            bridge, self.bridge = self.bridge, None
            await bridge.close()

    # --- lifecycle --------------------------------------------------------------------------
    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Write the connection file (the bridge's local addresses and key), as the local provisioner does."""
        km = self.parent
        if km is None:
            raise GatewayError("the gateway provisioner needs a KernelManager")
        km.write_connection_file()
        self.connection_info = km.get_connection_info()
        kwargs.pop("extra_arguments", None)
        return await super().pre_launch(cmd=list(self.kernel_spec.argv), **kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Start (or restart, keeping its id) the remote kernel, then bridge its channels."""
        self.exit_code = self.exit_reason = None
        self._exited = asyncio.Event()
        created = False
        if self._restart_pending and self.remote_id is not None and await self.rest.restart(self.remote_id):
            pass
        else:
            self.remote_id = await self.rest.start_kernel(self.kernel_name, _kernel_env(kwargs.get("env")))
            created = True
        self._restart_pending = False
        address = self.address
        ws_url = address.ws(f"/api/kernels/{self.remote_id}/channels?session_id={uuid.uuid4().hex}")
        bridge = KernelBridge(dict(self.connection_info), ws_url, address.headers, self._on_lost)
        try:
            await bridge.start()
        except BaseException:
            if created:
                await self._forget_remote()
            raise
        self.bridge = bridge
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        if self.remote_id is None or self.exit_code is not None:
            return
        if signum == signal.SIGINT:
            await self.rest.interrupt(self.remote_id)
        elif signum != 0:
            await self.kill()

    async def kill(self, restart: bool = False) -> None:
        """Stop talking to the kernel. What happens to it on the gateway is decided in ``cleanup``:
        shut down, or restarted in place (REST restart, same id) by the next ``launch_kernel``.

        (jupyter_client's restart calls ``kill()`` without ``restart=True``, then ``cleanup(restart=True)``.)
        """
        self._mark_gone("The kernel was stopped.", code=0)

    async def terminate(self, restart: bool = False) -> None:
        await self.kill(restart=restart)

    async def shutdown_requested(self, restart: bool = False) -> None:
        """A polite shutdown went out over the control channel: the kernel exits; let the gateway know."""
        await self.kill(restart=restart)

    async def _forget_remote(self) -> None:
        if self.remote_id is None:
            return
        kernel_id, self.remote_id = self.remote_id, None
        try:
            await self.rest.shutdown(kernel_id)
        except GatewayError as exc:  # a gateway that is gone has let the kernel go too, or will
            self.log.warning("could not shut down gateway kernel %s: %s", kernel_id, exc)

    async def cleanup(self, restart: bool = False) -> None:
        await self._drop_bridge()
        self._restart_pending = restart
        if not restart:
            await self._forget_remote()

    # --- reattach ---------------------------------------------------------------------------
    async def get_provisioner_info(self) -> dict[str, Any]:
        """What finds this kernel again (never the token)."""
        info: dict[str, Any] = await super().get_provisioner_info()
        info.update(url=self.url, kernel_name=self.kernel_name, remote_id=self.remote_id)
        return info

    async def load_provisioner_info(self, provisioner_info: dict[str, Any]) -> None:
        await super().load_provisioner_info(provisioner_info)
        self.url = str(provisioner_info.get("url") or self.url)
        self.kernel_name = str(provisioner_info.get("kernel_name") or self.kernel_name)
        remote = provisioner_info.get("remote_id")
        self.remote_id = remote if isinstance(remote, str) else None

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return max(recommended, 10.0)  # a REST round trip per step


def _kernel_env(env: object) -> dict[str, str]:
    """What goes to the gateway with the start request: ``KERNEL_*`` variables only (gateways drop the rest).

    ``KERNEL_USERNAME`` is the user Enterprise Gateway launches the kernel as, when it impersonates.
    """
    out = {"KERNEL_USERNAME": _username()}
    if isinstance(env, dict):
        out.update({k: str(v) for k, v in env.items() if isinstance(k, str) and k.startswith("KERNEL_")})
    return out


def _username() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reflow"
