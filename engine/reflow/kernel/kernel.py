"""The kernel class: a plain IPython kernel plus the ``reflow`` comm target.

Everything Jupyter already does (execute_request for a console, complete_request,
inspect_request, interrupt, shutdown) stays untouched; the reactive notebook lives
in the same ``user_ns`` so an attached console sees the notebook's variables.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from typing import Any

from ipykernel.ipkernel import IPythonKernel

from reflow.kernel import COMM_TARGET, prestart

# What the first notebook's arrival imports (the comm's host, the runtime, the notebook model: ~20 ms)
HOST_MODULE = "reflow.kernel.handler"


def without_output_history(shell: Any) -> None:
    """No ``Out``/``_`` history and no ``last_execution_result.result``: a displayed result stays
    referenced by nothing once shown (it could pin a Dask cluster's memory, reflow.cluster)."""
    shell.cache_size = 0
    shell.displayhook.cache_size = 0
    shell.displayhook.do_full_cache = 0
    shell.displayhook.fill_exec_result = lambda result: None


class ReflowKernel(IPythonKernel):
    """IPythonKernel that serves reactive operations over the ``reflow`` comm."""

    implementation = "reflow"
    implementation_version = "0.1.0"
    banner = "Reflow kernel (IPython) - the notebook's variables live here."

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]  # ipykernel ships no annotations
        without_output_history(self.shell)
        import sys

        from reflow.kernel.quick_flush import install as quick_empty_flush

        quick_empty_flush(sys.stdout, sys.stderr)  # ipykernel flushes both after every message: no hop when empty
        self.reflow_host: Any = None
        self._host_pending = prestart.is_prestarted()  # imported at the first kernel_info (below)
        self.comm_manager.register_target(COMM_TARGET, self._open_reflow_comm)
        from reflow.kernel.background import Background

        self.background = Background(self)  # journal + outliving the app (issue 18)
        from reflow.kernel.jupyter_widgets import install_import_hook

        install_import_hook()  # ipywidgets, if a notebook imports it, become reactive
        from reflow.cluster.hook import install_import_hook as track_dask_futures

        track_dask_futures()  # Dask futures, if a notebook uses distributed, belong to their cell (reflow.cluster)

    async def dispatch_shell(self, msg: Any, /, subshell_id: str | None = None, *, concurrent: bool = False) -> None:
        """ipykernel's dispatch, counted: a kernel left without its app exits only when idle (background.py)."""
        with self.background.busy_spell():
            await super().dispatch_shell(msg, subshell_id=subshell_id, concurrent=concurrent)

    async def kernel_info_request(self, stream: Any, ident: Any, parent: Any) -> None:
        """ipykernel's reply; a pre-started kernel (kernel pool, early kernel) then imports the notebook's
        host while it waits for a notebook, instead of when one arrives. After the reply, not before: the
        app waits for that reply, the notebook may come much later."""
        replied = super().kernel_info_request(stream, ident, parent)  # type: ignore[no-untyped-call]
        if inspect.isawaitable(replied):  # a coroutine since ipykernel 6; an older one returns None
            await replied
        if self._host_pending:
            self._host_pending = False
            asyncio.get_running_loop().call_soon(importlib.import_module, HOST_MODULE)

    def _open_reflow_comm(self, comm: Any, open_msg: dict[str, Any]) -> None:
        """The app connected (or reconnected): attach the comm to the one host."""
        from reflow.kernel.handler import ReflowHost

        if self.reflow_host is None:
            prestart.take_notebook_place(open_msg["content"].get("data") or {})  # a pre-started kernel (kernel_pool.py)
            self.reflow_host = ReflowHost(self)
        self.reflow_host.attach(comm, open_msg)
