"""Constructors of server → UI messages, so the server never spells a message by hand.

Messages travel as plain dicts (they go straight to ``json.dumps``, and kernel events
are relayed as the engine made them); each constructor takes its ``type`` from the
message class, and tests/desktop/test_protocol.py checks every constructor's result
against that class's declaration.
"""

from __future__ import annotations

from typing import Any

from reflow_desktop.protocol import server as S
from reflow_desktop.protocol.shapes import PROTOCOL_VERSION, KernelStateName, NoticeLevel, message_type


def _msg(cls: type[S.ServerMsg], **fields: Any) -> dict[str, Any]:
    return {"type": message_type(cls), **fields}


def session_msg(
    *,
    session: str,
    path: str,
    name: str,
    mode: str,
    read_only: bool,
    cells: list[dict[str, Any]],
    kernel: dict[str, Any],
    config: dict[str, Any],
    doc_version: int | None = None,
    trust: dict[str, Any] | None = None,
) -> dict[str, Any]:
    extra: dict[str, Any] = {} if doc_version is None else {"doc_version": doc_version}
    if trust is not None:
        extra["trust"] = trust
    return _msg(
        S.SessionMsg,
        version=PROTOCOL_VERSION,
        session=session,
        path=path,
        name=name,
        mode=mode,
        read_only=read_only,
        cells=cells,
        kernel=kernel,
        config=config,
        **extra,
    )


def kernel_msg(state: KernelStateName, message: str | None = None, cell: str | None = None) -> dict[str, Any]:
    msg = _msg(S.KernelMsg, state=state)
    if message:
        msg["message"] = message
    if cell:
        msg["cell"] = cell
    return msg


def cells_msg(cells: list[dict[str, Any]], doc_version: int | None = None) -> dict[str, Any]:
    if doc_version is None:
        return _msg(S.CellsMsg, cells=cells)
    return _msg(S.CellsMsg, cells=cells, doc_version=doc_version)


def transaction_applied_msg(
    version: int, source: str, changes: list[dict[str, Any]], *, mine: bool = False
) -> dict[str, Any]:
    """An applied transaction in ``reflow.notebook.document``'s wire form; ``mine`` for the page that sent it."""
    msg = _msg(S.TransactionAppliedMsg, version=version, source=source, changes=changes)
    if mine:
        msg["mine"] = True
    return msg


def saved_msg(path: str, mtime: float) -> dict[str, Any]:
    return _msg(S.SavedMsg, path=path, mtime=mtime)


def notice_msg(level: NoticeLevel, text: str) -> dict[str, Any]:
    return _msg(S.NoticeMsg, level=level, text=text)


def env_progress_msg(line: str) -> dict[str, Any]:
    """One line of uv's progress while the notebook's environment is prepared."""
    return _msg(S.EnvProgressMsg, line=line)


def packages_msg(
    *, dependencies: list[str], requires_python: str | None, locked: bool, env: dict[str, Any]
) -> dict[str, Any]:
    """The notebook's package list (PEP 723 block) and its environment's state."""
    return _msg(S.PackagesMsg, dependencies=dependencies, requires_python=requires_python, locked=locked, env=env)


def place_msg(place: str, label: str, recent: list[str]) -> dict[str, Any]:
    """Where the kernel runs, and the places used lately."""
    return _msg(S.PlaceMsg, place=place, label=label, recent=recent)


def background_kernel_msg(pid: int | None) -> dict[str, Any]:
    """A kernel from before still runs the notebook (``pid``): offer to reattach or stop it; None: settled."""
    return _msg(S.BackgroundKernelMsg, pid=pid)


def trust_msg(trust: dict[str, Any]) -> dict[str, Any]:
    """The notebook's trust changed (``TrustInfo``: status, held, packages)."""
    return _msg(S.TrustMsg, trust=trust)


def error_msg(text: str) -> dict[str, Any]:
    return _msg(S.ErrorMsg, text=text)


def complete_reply_msg(request_id: str, matches: list[str], cursor_start: int, cursor_end: int) -> dict[str, Any]:
    return _msg(
        S.CompleteReplyMsg, request_id=request_id, matches=matches, cursor_start=cursor_start, cursor_end=cursor_end
    )


def inspect_reply_msg(request_id: str, found: bool, text: str) -> dict[str, Any]:
    return _msg(S.InspectReplyMsg, request_id=request_id, found=found, text=text)


def settings_msg(values: dict[str, Any]) -> dict[str, Any]:
    """The user's settings (``reflow_desktop.settings``), answer to settings_get/settings_set."""
    return _msg(S.SettingsMsg, values=values)


def secret_request_msg(names: list[str], keychain: str) -> dict[str, Any]:
    """Ask the pages for the secrets ``names`` (empty: nothing is asked any more)."""
    return _msg(S.SecretRequestMsg, names=names, keychain=keychain)


def lsp_reply_msg(request_id: str, op: str, *, ok: bool = True, **fields: Any) -> dict[str, Any]:
    """Answer to `lsp_request` (fields: message, text, signature, locations, items, changed)."""
    return _msg(S.LspReplyMsg, request_id=request_id, op=op, ok=ok, **fields)


def lsp_diagnostics_msg(cells: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The language server's diagnostics for every Python cell."""
    return _msg(S.LspDiagnosticsMsg, cells=cells)
