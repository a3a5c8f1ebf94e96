"""The session's trust gate: safe preview for an untrusted notebook, held cells for changed ones.

The session asks the gate before it starts a kernel (``may_start``), before it forwards a UI
message (``refusal``), when it gives the kernel the cells (``open_cells``: held cells go disabled),
after it wrote the file (``saved``: re-sign) and after a reload from disk (``reloaded``). "Trust and
run" (``trust``) signs the notebook and then starts what safe preview held back. Kept out of
``session.py`` so the session only delegates.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any, Protocol

from reflow.notebook import Notebook
from reflow_desktop import protocol as P
from reflow_desktop.trust.check import TrustState, assess, packages_of, sign_notebook

Message = dict[str, Any]

# UI messages that would run code, build an environment or load a cache entry: refused in safe preview.
RUNS_CODE = frozenset(
    {
        "run",
        "run_stale",
        "run_all",
        "restart",
        "set_ui_value",
        "widget_comm_msg",
        "table_page",
        "clear_cache",
        "complete",
        "inspect",
        "package_add",
        "package_remove",
        "packages_lock",
        "env_rebuild",
    }
)
PREVIEW_TEXT = (
    "This notebook is not trusted on this machine (it was not created or saved by you in Reflow): "
    "safe preview, nothing runs. Choose “Trust and run” to run it."
)


class TrustDoor(Protocol):
    """What the gate needs of its session."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def dirty(self) -> bool: ...

    def broadcast(self, msg: Message) -> None: ...

    def save(self) -> None: ...

    def to_kernel(self, data: Message) -> Awaitable[None]: ...

    async def start_kernel(self, *, run: bool | None = None) -> None: ...


class TrustGate:
    """One session's trust: assessed on open, re-signed on save, lifted by ``trust``."""

    def __init__(self, door: TrustDoor, *, exists: bool) -> None:
        self._door = door
        # A notebook that does not exist yet is being created by this user: trusted, signed on first save.
        self.state = assess(door.path, door.notebook) if exists else TrustState("trusted")

    @property
    def may_start(self) -> bool:
        return self.state.runs

    @property
    def own(self) -> bool:
        """The notebook is as this user left it (its own settings, e.g. ``runtime``, are the user's)."""
        return self.state.status == "trusted"

    def info(self) -> Message:
        """The protocol's ``TrustInfo``."""
        cells = [c.id for c in self._door.notebook.cells]
        held = [cid for cid in cells if cid in self.state.held]
        return {"status": self.state.status, "held": held, "packages": list(packages_of(self._door.notebook))}

    def refusal(self, msg: Message) -> str | None:
        """Why ``msg`` may not go on (None: it may)."""
        mtype = msg.get("type")
        if self.state.status == "untrusted":
            return PREVIEW_TEXT if mtype in RUNS_CODE else None
        if not self.state.held:
            return None
        if mtype == "run" and any(item.get("id") in self.state.held for item in msg.get("cells") or []):
            return "This cell changed outside Reflow and waits for you: choose “Trust and run” to run it."
        if mtype == "set_options" and msg.get("id") in self.state.held and "disabled" in (msg.get("options") or {}):
            return "This cell changed outside Reflow and stays disabled until you trust it."
        return None

    def open_cells(self, cells: list[Message]) -> list[Message]:
        """The cells for the kernel's ``open``: held cells disabled (the file keeps its own options)."""
        held = self.state.held
        return [{**c, "options": {**c["options"], "disabled": True}} if c["id"] in held else c for c in cells]

    def saved(self) -> None:
        """The session wrote the file: what this user saves is theirs (held cells excepted)."""
        if self.state.status != "untrusted":
            sign_notebook(self._door.path, self._door.notebook, hold=self.state.held)

    def reloaded(self, kernel_running: bool) -> None:
        """The file changed on disk and was taken in: cells whose code is not trusted are held now."""
        was = self.state
        now = assess(self._door.path, self._door.notebook)
        if was.status == "untrusted" and now.status != "untrusted":
            now = TrustState("untrusted", packages=now.packages)  # no kernel runs yet: trusting starts it
        elif was.status != "untrusted" and now.status == "untrusted":
            # the environment part changed: the running kernel keeps its environment; every cell waits
            ids = frozenset(c.id for c in self._door.notebook.cells if c.kind == "code")
            now = TrustState("changed", held=ids, packages=now.packages)
        self.state = now
        if kernel_running:
            for cid in now.held - was.held:
                self._door.to_kernel({"type": "set_options", "id": cid, "options": {"disabled": True}})
        if now != was:
            self._door.broadcast(P.trust_msg(self.info()))

    async def trust(self) -> None:
        """The "Trust and run" button: sign, tell the pages, then run what was held back."""
        was = self.state
        self.state = TrustState("trusted", packages=packages_of(self._door.notebook))
        if self._door.dirty:
            self._door.save()  # signs what the user sees (saved())
        else:
            sign_notebook(self._door.path, self._door.notebook)
        self._door.broadcast(P.trust_msg(self.info()))
        if was.status == "untrusted":
            await self._door.start_kernel(run=True)
            return
        for cell in self._door.notebook.cells:
            if cell.id in was.held:
                disabled = bool(cell.options.get("disabled"))
                self._door.to_kernel({"type": "set_options", "id": cell.id, "options": {"disabled": disabled}})
        if was.held:
            await self._door.to_kernel({"type": "run_stale"})
