"""Serve one notebook until Ctrl-C: what `reflow edit/run/open --browser` do.

The server and page come up first and the kernel starts while the browser
loads, so the UI shows "starting" instead of waiting on a blank page.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import webbrowser
from pathlib import Path

from reflow.notebook import NotebookFormatError
from reflow_desktop.importing.result import NotebookImportError
from reflow_desktop.server.app import ReflowServer
from reflow_desktop.server.url_file import remove_url_file, write_url_file
from reflow_desktop.session import Session


def serve_notebook(
    path: str, *, read_only: bool, open_browser: bool, port: int = 0, url_file: str | None = None
) -> int:
    """Run the server for one notebook; returns the process exit code.

    ``url_file``: also write the page URL there once serving (server/url_file.py), for automation.
    """
    nb_path = Path(path)
    if read_only and not nb_path.is_file():
        print(f"reflow: no such notebook: {path}", file=sys.stderr)
        return 2
    if url_file is not None and not Path(url_file).absolute().parent.is_dir():
        print(f"reflow: cannot write the URL to {url_file}: there is no such folder", file=sys.stderr)
        return 2
    try:
        return asyncio.run(
            _serve(nb_path, read_only=read_only, open_browser=open_browser, port=port, url_file=url_file)
        )
    except NotebookFormatError as exc:
        print(f"reflow: {path}: {exc}", file=sys.stderr)
        return 1
    except NotebookImportError as exc:  # a broken .ipynb / marimo file: the message names it
        print(f"reflow: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


async def _serve(path: Path, *, read_only: bool, open_browser: bool, port: int, url_file: str | None = None) -> int:
    from reflow_desktop import envs
    from reflow_desktop.importing.on_open import reflow_notebook_for
    from reflow_desktop.session import spare_kernel

    target = reflow_notebook_for(path)
    for notice in target.notices:
        print(f"reflow: {notice}", file=sys.stderr)
    path = target.path
    spares = envs.enabled() and spare_kernel.enabled()
    if spares:  # a kernel left started by the last launch in this environment is taken (session/spare_kernel.py)
        spare_kernel.install()
    session = Session(path, read_only=read_only, environments=envs.enabled())
    session.startup_notices.extend(target.notices)
    server = ReflowServer(port=port)
    await server.start()
    server.add_session(session)
    url = server.url(session.id)
    print(
        f"Reflow is serving {path} {'(read-only) ' if read_only else ''}at\n  {url}\nPress Ctrl-C to stop.", flush=True
    )
    written = write_url_file(url_file, url) if url_file else None
    if open_browser:  # a one-time login address: the token stays off the browser's command line
        webbrowser.open(server.login_url(session.id))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl-C raises instead
            pass
    try:
        await session.start()
    except Exception as exc:
        print(f"reflow: the kernel failed to start: {exc}", file=sys.stderr)
    # and one started for the next launch, once this one's kernel is idle
    leave_spare = asyncio.create_task(spare_kernel.keep_one(session)) if spares else None
    try:
        await stop.wait()
    finally:
        if written is not None:
            remove_url_file(written, url)
        if leave_spare is not None:
            leave_spare.cancel()  # one still starting is stopped (spare_kernel.make)
            await asyncio.gather(leave_spare, return_exceptions=True)
        await server.stop()
    return 0
