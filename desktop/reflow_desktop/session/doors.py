"""The narrow doors between a Session and its helpers.

A helper (sidecar binding, Packages panel, settings handler, snapshots, live
export, the Qt window) is given the one small interface it needs — never the
whole ``Session``. Each door is a ``typing.Protocol`` the session satisfies, so
helpers import this module and nothing else of the session package: no import
loop, and what a helper may do to its session is written down here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from reflow.notebook import Cell, Notebook

if TYPE_CHECKING:
    from reflow_desktop.envs import Environment

Message = dict[str, Any]


class Broadcast(Protocol):
    """Send one protocol message to every page showing the notebook."""

    def broadcast(self, msg: Message) -> None: ...


class NotebookView(Protocol):
    """Read the document and what the session shows of it (exports, snapshots)."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    def outputs_of(self, cell_id: str) -> list[dict[str, Any]]: ...

    def cell_of(self, cell_id: str) -> Cell | None:
        """The cell with this id, or None (O(1): called per kernel event)."""
        ...


class SettingsDoor(Broadcast, Protocol):
    """The Settings page: read the notebook's ``[tool.reflow]`` and save it now."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    def save(self) -> None: ...


class SidecarDoor(Broadcast, NotebookView, Protocol):
    """The sidecar binding: reads cells and their shown state, hands file reloads back."""

    @property
    def read_only(self) -> bool: ...

    @property
    def dirty(self) -> bool: ...

    @property
    def closed(self) -> bool: ...

    @property
    def has_clients(self) -> bool: ...

    def status_of(self, cell_id: str) -> str | None: ...

    def parents_of(self, cell_id: str) -> list[str]: ...

    def reload_from_file(self, notebook: Notebook) -> None: ...


class PackagesDoor(Broadcast, Protocol):
    """The Packages panel: uv edits the file, the environment is rebuilt, the kernel restarted."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def environments(self) -> bool: ...

    @property
    def dirty(self) -> bool: ...

    @property
    def kernel_python(self) -> str: ...

    @property
    def kernel_state(self) -> str: ...

    @property
    def kernel_started(self) -> bool: ...

    @property
    def kernel_message(self) -> str | None: ...

    def save(self) -> None: ...

    def pause_autosave(self) -> AbstractContextManager[None]: ...

    def take_file_metadata(self, fresh: Notebook) -> None: ...

    def to_kernel(self, data: Message) -> Awaitable[None]: ...

    def env_progress(self) -> Callable[[str], None]: ...

    async def build_environment(self, *, rebuild: bool = False) -> Environment: ...

    async def restart_in(self, python: str) -> bool: ...


class WindowDoor(NotebookView, Protocol):
    """The desktop window of one notebook: its menus act on the session through these."""

    @property
    def id(self) -> str: ...

    def save(self) -> None: ...

    def save_as(self, path: str | Path) -> Coroutine[Any, Any, None]: ...

    def restart(self) -> Coroutine[Any, Any, None]: ...

    def interrupt(self) -> Coroutine[Any, Any, None]: ...

    def handle(self, raw: object, reply: Callable[[Message], None]) -> Coroutine[Any, Any, object]: ...

    def connection_file(self) -> str | None: ...

    @property
    def cells_running(self) -> bool: ...

    def watch(self, listener: Callable[[Message], None]) -> None: ...
