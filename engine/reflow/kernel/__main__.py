"""``python -m reflow.kernel -f conn.json``: launch ipykernel with Reflow's kernel class.

Start-up time matters (every open and restart waits for it), so two things differ from a plain
``IPKernelApp.launch_instance``:

- The kernel's own imports (ipykernel, IPython, jupyter_client, zmq, tornado, the engine) write
  their ``.pyc`` files even when ``PYTHONDONTWRITEBYTECODE`` is inherited: without them every
  start compiles those ~400 modules again (+0.5 s, +26 MB). Only the start-up imports: the flag is
  put back before the user's IPython extensions and startup files load and before any cell runs,
  so the user's own modules keep the user's choice.
- ipykernel's debugger support (``ipykernel.debugger`` imports debugpy: ~100 modules, 0.1-0.3 s)
  is not loaded: Reflow's kernelspec declares no debugger and no Reflow client sends debug
  requests, so ipykernel is told what it would see without debugpy installed.
"""

from __future__ import annotations

import sys
import types


def without_debugger() -> None:
    """Make ipykernel see "debugpy unavailable" (its own supported state) without importing debugpy."""
    if "ipykernel.debugger" in sys.modules:
        return
    stub = types.ModuleType("ipykernel.debugger", "Reflow: no debugger (the kernelspec declares none).")
    stub._is_debugpy_available = False  # type: ignore[attr-defined]  # what ipykernel reads
    # the kernel's ``debugger_class`` trait names this class; with no debugpy it is never instantiated
    stub.Debugger = type("Debugger", (), {"__doc__": "Never used: Reflow kernels run without a debugger."})  # type: ignore[attr-defined]
    sys.modules["ipykernel.debugger"] = stub


# What a kernel start imports beyond ``main``'s own imports (measured: IPKernelApp.initialize()).
WARM_MODULES = (
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.history",
    "IPython.extensions.storemagic",
    "tornado.platform.asyncio",
    "psutil",
    "reflow.kernel.handler",
    "reflow.kernel.jupyter_widgets",
    "reflow.kernel.background",
    "reflow.runtime",
)


def warm() -> None:
    """``python -m reflow.kernel --warm``: import (so compile and cache) what a kernel start imports, then exit.

    The environment build runs this beside ``uv sync`` (reflow_desktop.envs.bytecode).
    """
    import importlib

    sys.dont_write_bytecode = False
    without_debugger()
    for name in ("ipykernel.kernelapp", "reflow.kernel.kernel", *WARM_MODULES):
        try:
            importlib.import_module(name)
        except ImportError:  # optional ones (psutil), or a module of a newer engine
            pass


def stacks_on_request() -> bool:
    """``SIGUSR1`` prints every thread's stack to the kernel's stderr (the app's), C-level and at once.

    The app sends it to a kernel that is alive but has not answered for a while
    (``reflow_desktop.session.kernel``): what it is stuck on then shows in the app's log, not nowhere.
    """
    import faulthandler
    import signal

    signum = getattr(signal, "SIGUSR1", None)
    if signum is None or sys.__stderr__ is None:  # Windows; a process without a stderr
        return False
    faulthandler.register(signum, file=sys.__stderr__, all_threads=True)
    return True


def main() -> None:
    """Start IPKernelApp with :class:`ReflowKernel` (the jupyter_client kernelspec calls this)."""
    from reflow.memtrace import install_from_env

    install_from_env()  # REFLOW_TRACEMALLOC=DIR: allocation snapshots on SIGUSR2 (leak hunts); off otherwise
    stacks_on_request()
    users_choice = sys.dont_write_bytecode
    sys.dont_write_bytecode = False  # our start-up imports are cached (see the module docstring)
    try:
        without_debugger()
        from ipykernel.kernelapp import IPKernelApp

        from reflow.kernel.kernel import ReflowKernel

        class ReflowKernelApp(IPKernelApp):
            def init_extensions(self) -> None:
                sys.dont_write_bytecode = users_choice  # the user's extensions and startup files from here on
                super().init_extensions()  # type: ignore[no-untyped-call]  # ipykernel ships no annotations

            def log_connection_info(self) -> None:
                """Log the connection info only: never print it on the app's stdout.

                ipykernel prints a Ctrl-C note and ``--existing`` lines to the terminal of a kernel that
                has no parent handle, which is ours since it runs independent of the app (issue 18): those
                lines landed in ``reflow edit``'s output and in pipes reading it.
                """
                handle = self.parent_handle
                self.parent_handle = 1  # ipykernel prints only when it is 0; read nowhere else on POSIX
                try:
                    super().log_connection_info()  # type: ignore[no-untyped-call]
                finally:
                    self.parent_handle = handle

        app = ReflowKernelApp.instance(kernel_class=ReflowKernel)
        app.initialize()  # type: ignore[no-untyped-call]
    finally:
        sys.dont_write_bytecode = users_choice
    app.start()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    if sys.argv[1:] == ["--warm"]:
        warm()
    else:
        main()
