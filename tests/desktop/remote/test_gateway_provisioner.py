"""The gateway provisioner driven directly by jupyter_client's AsyncKernelManager, against a real
Kernel Gateway on 127.0.0.1: the kernel runs as the gateway's child, the reflow comm works through
the WebSocket bridge, and interrupt, restart and shutdown go through the REST API."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from helpers import until
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from reflow_desktop.remote.gateway_rest import GatewayError
from reflow_desktop.remote.place import GATEWAY_PROVISIONER

WAIT = 60.0


def spec_for(url: str, **config: Any) -> KernelSpec:
    return KernelSpec(
        argv=["python", "-m", "reflow.kernel", "-f", "{connection_file}"],
        display_name="Reflow on a gateway",
        language="python",
        interrupt_mode="signal",
        metadata={"kernel_provisioner": {"provisioner_name": GATEWAY_PROVISIONER, "config": {"url": url, **config}}},
    )


class _Specs(KernelSpecManager):
    def __init__(self, spec: KernelSpec) -> None:
        super().__init__()
        self.spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self.spec


async def connect(km: AsyncKernelManager, harness_class: type) -> Any:
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=WAIT)
    return harness_class(km, kc)


def value(harness: Any, cell: str, mark: int = 0) -> str:
    outs = harness.outputs(cell, mark)
    assert outs, f"no output from {cell}: {harness.since(mark)}"
    return str(outs[-1]["data"]["text/plain"])


async def test_cells_run_in_the_gateways_kernel_and_react(gateway: Any, kernel_harness: type) -> None:
    km = AsyncKernelManager(
        kernel_name="reflow", kernel_spec_manager=_Specs(spec_for(gateway.url, token=gateway.token))
    )
    await km.start_kernel()
    harness = await connect(km, kernel_harness)
    try:
        await harness.open([("a", "import os\nn = 3\nos.getpid()"), ("b", "n * 2")])
        pid = int(value(harness, "a"))
        assert pid != os.getpid() and pid in gateway.kernel_pids()  # the gateway's own child
        assert value(harness, "b") == "6"
        status, kernels = gateway.api("/api/kernels")
        assert status == 200 and [k["id"] for k in kernels] == [km.provisioner.remote_id]  # type: ignore[union-attr]

        mark = harness.mark()  # a reactive re-run travels as comm messages through the bridge
        await harness.op({"type": "run", "cells": [{"id": "a", "code": "import os\nn = 21\nos.getpid()"}]})
        assert value(harness, "b", mark) == "42"

        mark = harness.mark()  # interrupt a running loop (REST interrupt -> SIGINT on the gateway's side)
        done = harness.send(
            {"type": "run", "cells": [{"id": "b", "code": "import time\nwhile True: time.sleep(0.01)"}]}
        )
        await harness.wait_event(lambda e: e.get("type") == "cell_status" and e.get("status") == "running", mark)
        await km.interrupt_kernel()
        await asyncio.wait_for(done, WAIT)
        assert harness.last_status("b") == "interrupted"
    finally:
        await harness.close()
    status, kernels = gateway.api("/api/kernels")
    assert status == 200 and kernels == []  # shut down on the gateway too
    assert pid not in gateway.kernel_pids()


async def test_restart_keeps_the_gateway_kernel_and_gives_a_fresh_process(gateway: Any, kernel_harness: type) -> None:
    km = AsyncKernelManager(
        kernel_name="reflow", kernel_spec_manager=_Specs(spec_for(gateway.url, token=gateway.token))
    )
    await km.start_kernel()
    harness = await connect(km, kernel_harness)
    remote_id = km.provisioner.remote_id  # type: ignore[union-attr]
    await harness.open([("a", "import os\nos.getpid()")])
    first = int(value(harness, "a"))
    harness._reader.cancel()
    harness.kc.stop_channels()

    await km.restart_kernel(now=True)
    harness = await connect(km, kernel_harness)
    try:
        assert km.provisioner.remote_id == remote_id  # type: ignore[union-attr]  # restarted in place (REST)
        await harness.open([("a", "import os\nos.getpid()"), ("b", "'x' in globals()")])
        second = int(value(harness, "a"))
        assert second != first and second in gateway.kernel_pids() and first not in gateway.kernel_pids()
        assert value(harness, "b") == "False"
    finally:
        await harness.close()


async def test_a_dropped_connection_reconnects_to_the_same_kernel(gateway: Any, kernel_harness: type) -> None:
    km = AsyncKernelManager(
        kernel_name="reflow", kernel_spec_manager=_Specs(spec_for(gateway.url, token=gateway.token))
    )
    await km.start_kernel()
    harness = await connect(km, kernel_harness)
    try:
        await harness.open([("a", "import os\nkept = 7\nos.getpid()")])
        pid = int(value(harness, "a"))
        bridge = km.provisioner.bridge  # type: ignore[union-attr]
        dropped = bridge.ws
        dropped.close()  # the WebSocket goes away; the kernel on the gateway does not
        await until(lambda: bridge.ws is not dropped)
        assert await km.is_alive()
        mark = harness.mark()
        await harness.op({"type": "create_cell", "id": "b", "kind": "code", "code": "import os\n(kept, os.getpid())"})
        await harness.op({"type": "run", "cells": [{"id": "b", "code": "import os\n(kept, os.getpid())"}]})
        assert value(harness, "b", mark) == f"(7, {pid})"  # same process, its state kept
    finally:
        await harness.close()


async def test_a_wrong_token_is_a_clear_error_and_starts_nothing(gateway: Any, kernel_harness: type) -> None:
    km = AsyncKernelManager(kernel_name="reflow", kernel_spec_manager=_Specs(spec_for(gateway.url, token="wrong")))
    with pytest.raises(GatewayError, match=r"refused access \(HTTP 40[13]\): check the token"):
        await km.start_kernel()
    assert gateway.api("/api/kernels")[1] == []


async def test_an_unknown_kernelspec_names_the_install_doc(gateway: Any) -> None:
    spec = spec_for(gateway.url, token=gateway.token, kernel_name="no-such-kernel")
    km = AsyncKernelManager(kernel_name="reflow", kernel_spec_manager=_Specs(spec))
    with pytest.raises(GatewayError, match=r"no kernelspec named 'no-such-kernel'.*docs/remote.md"):
        await km.start_kernel()


async def test_no_gateway_listening_is_a_clear_error(tmp_path: Any, new_gateway: Any) -> None:
    server = new_gateway(tmp_path)
    server.stop()  # its port is now closed
    km = AsyncKernelManager(kernel_name="reflow", kernel_spec_manager=_Specs(spec_for(server.url, token=server.token)))
    with pytest.raises(GatewayError, match=r"Cannot reach the gateway at http://127\.0\.0\.1:\d+"):
        await km.start_kernel()
