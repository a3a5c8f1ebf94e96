"""UI → server messages: one ``msgspec.Struct`` per message type, tagged by ``type``.

The class docstring says what the message does (docs/protocol.md's "effect" column).
``READ_ONLY = True`` marks the messages a read-only (``reflow run``) session accepts:
nothing that changes code, structure or the file. Field types are what the server
validates (``validate.validate_client_message``) before a handler sees the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeAlias

from msgspec import UNSET, Meta, UnsetType

from reflow_desktop.protocol.messages import Correlated, Message, tagged_union
from reflow_desktop.protocol.shapes import (
    CellCode,
    CellKind,
    CellOptions,
    OutputPosition,
    RuntimeMode,
    Shape,
    TableSort,
    UiValueUpdate,
    message_type,
)

NonEmpty = Annotated[str, Meta(min_length=1, pattern=r"\S")]


class ClientMsg(Message):
    """Base of the UI → server messages (``type`` is the class's tag)."""

    READ_ONLY: ClassVar[bool] = False  # allowed in a read-only session


class RunMsg(ClientMsg, tag="run"):
    """Store the code, run those cells (and their descendants in auto mode)."""

    cells: list[CellCode]


class EditMsg(ClientMsg, tag="edit"):
    """Store code without running (marks the cell and its descendants stale)."""

    id: str
    code: str


class CreateCellMsg(ClientMsg, tag="create_cell"):
    """Insert a cell at a display index. New cells are not run; send `run` for them."""

    id: str
    index: int
    kind: CellKind
    code: str
    options: CellOptions | UnsetType | None = UNSET


class DeleteCellMsg(ClientMsg, tag="delete_cell"):
    """Delete a cell (its defs vanish; descendants re-run or go stale)."""

    id: str


class MoveCellMsg(ClientMsg, tag="move_cell"):
    """Change the display order."""

    id: str
    index: int


class SetOptionsMsg(ClientMsg, tag="set_options"):
    """Set cell options, e.g. `{hide_code: true}`, `{disabled: true}`; null or false removes one."""

    id: str
    options: CellOptions


class SetKindMsg(ClientMsg, tag="set_kind"):
    """Turn a cell into code or markdown in place: it keeps its id (and so its outputs)."""

    id: str
    kind: CellKind


# The changes of a `transaction` (reflow.notebook.document's wire form), tagged by `op`.
class CellChange(Shape, tag_field="op"):
    """Base of one structural change in a `transaction`."""

    id: str


class CreateChange(CellChange, tag="create"):
    """Insert a cell so that it ends at `index` (0..number of cells)."""

    index: int
    kind: CellKind = "code"
    code: str = ""
    options: CellOptions | UnsetType = UNSET


class DeleteChange(CellChange, tag="delete"):
    """Delete a cell."""


class MoveChange(CellChange, tag="move"):
    """Take the cell out and put it back at `index` (0..number of cells - 1)."""

    index: int


class SetCodeChange(CellChange, tag="set_code"):
    """Replace a cell's code (not run)."""

    code: str


class SetKindChange(CellChange, tag="set_kind"):
    """Code ↔ markdown; the cell keeps its id."""

    kind: CellKind


class SetOptionsChange(CellChange, tag="set_options"):
    """Patch a cell's options; null removes one."""

    options: CellOptions


CELL_CHANGE_CLASSES: tuple[type[CellChange], ...] = (
    CreateChange,
    DeleteChange,
    MoveChange,
    SetCodeChange,
    SetKindChange,
    SetOptionsChange,
)
if TYPE_CHECKING:
    AnyCellChange: TypeAlias = CellChange
else:
    AnyCellChange = tagged_union(CELL_CHANGE_CLASSES, "CellChange")


class TransactionMsg(ClientMsg, tag="transaction"):
    """Several structural changes applied together, all or none (an error names the bad change)."""

    changes: list[AnyCellChange]


class ResyncMsg(ClientMsg, tag="resync"):
    """Send the cells again (`cells` with `doc_version`): the page saw a gap in the `transaction_applied`
    versions."""

    READ_ONLY = True


class SetModeMsg(ClientMsg, tag="set_mode"):
    """Switch the runtime mode; also written to the notebook's `[tool.reflow] runtime`."""

    mode: RuntimeMode


class RunStaleMsg(ClientMsg, tag="run_stale"):
    """Run the stale cells."""

    READ_ONLY = True


class RunAllMsg(ClientMsg, tag="run_all"):
    """Run every cell."""

    READ_ONLY = True


class InterruptMsg(ClientMsg, tag="interrupt"):
    """SIGINT the kernel; cancels the rest of the run."""

    READ_ONLY = True


class RestartMsg(ClientMsg, tag="restart"):
    """Restart the kernel; code stays, outputs are cleared. After a failed environment build: retry it."""


class RunOnMsg(ClientMsg, tag="run_on"):
    """The "Run on..." command: move the kernel to `place` (`local`, or `ssh:HOST`, a host of the user's
    OpenSSH config). The file, outputs, sidecar and exports stay here; a fresh kernel starts there
    (outputs stay, shown stale). Answered to every page with `place`; a place that cannot be reached
    ends as `kernel` `dead` with the reason."""

    place: NonEmpty
    token: Annotated[
        Annotated[str, Meta(max_length=4096)] | UnsetType,
        Meta(
            description="`gateway:URL` only: the gateway's token, kept in the user's config dir "
            "(gateway_tokens.json), never sent back to pages nor written beside the notebook"
        ),
    ] = UNSET


class PlacesGetMsg(ClientMsg, tag="places_get"):
    """Where the kernel runs and the places used lately ("Run on..." lists them): answered with `place`."""


class SaveMsg(ClientMsg, tag="save"):
    """Write the notebook file now (atomic)."""


class FormatCellsMsg(ClientMsg, tag="format_cells"):
    """Format cells with ruff (`ids`; absent: every Python code cell): the changed cells arrive as one
    `transaction_applied`, then a `notice` says what changed and why a cell was skipped (a syntax error
    leaves it as it is; markdown and SQL cells are never formatted)."""

    ids: list[str] | UnsetType = UNSET


class CursorQuery(Correlated):
    """Fields of the questions about a cursor position in a cell's code that the kernel answers."""

    id: str
    code: str
    cursor: int


class CompleteMsg(ClientMsg, CursorQuery, tag="complete"):
    """Autocompletion via the kernel's complete_request; answered with `complete_reply`."""

    READ_ONLY = True


class InspectMsg(ClientMsg, CursorQuery, tag="inspect"):
    """Docs via the kernel's inspect_request; answered with `inspect_reply`."""

    READ_ONLY = True


class SetUiValueMsg(ClientMsg, tag="set_ui_value"):
    """A widget changed (several at once in `updates`): the kernel applies the values, runs the readers of
    the globals bound to them and answers `ui_values` (see "reflow.ui" below)."""

    READ_ONLY = True
    element_id: str
    value: Any
    request_id: str | UnsetType = UNSET
    updates: list[UiValueUpdate] | UnsetType = UNSET


class WidgetCommMsg(ClientMsg, tag="widget_comm_msg"):
    """A Jupyter widget (ipywidgets, anywidget…) sends a message to its model in the kernel (the user changed
    a value): relayed as a `comm_msg` to `comm_id`; the kernel applies it, runs the cells that read the widget
    and, with `request_id`, the page gets `widget_comm_idle` once the kernel is done with it."""

    READ_ONLY = True
    comm_id: Annotated[str, Meta(min_length=1, max_length=200)]
    data: dict[str, Any]
    buffers: Annotated[list[str] | UnsetType, Meta(description="binary buffers, base64")] = UNSET
    request_id: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET


class TablePageMsg(ClientMsg, Correlated, tag="table_page"):
    """One page of a table / data frame output; answered with `table_page_reply`."""

    READ_ONLY = True
    element_id: str
    page: int
    sort: TableSort | UnsetType | None = UNSET
    page_size: int | UnsetType | None = UNSET


class HistoryGetMsg(ClientMsg, Correlated, tag="history_get"):
    """A cell's output history (earlier runs' outputs with the code that produced them, from `__reflow__/history/`);
    answered with `cell_history`. Fetched on demand: outputs never carry it."""

    READ_ONLY = True
    id: str


class ClearCacheMsg(ClientMsg, tag="clear_cache"):
    """Delete the cell's persistent caches (`id`), or the whole notebook's (no `id`); answered with a
    `notice` saying how many entries went. Nothing re-runs."""

    id: str | UnsetType | None = UNSET


class SettingsGetMsg(ClientMsg, tag="settings_get"):
    """Answered with `settings` (user settings are not the notebook's: a read-only window may change them)."""

    READ_ONLY = True


class SettingsSetMsg(ClientMsg, tag="settings_set"):
    """Validate and save the user's settings atomically (`REFLOW_CONFIG_DIR` or the platformdirs config
    dir); a bad key or value is an `error` and nothing is saved. Answered with `settings` to every page."""

    READ_ONLY = True
    changes: Annotated[dict[str, Any], Meta(description="setting name → new value")]


class SetNotebookConfigMsg(ClientMsg, tag="set_notebook_config"):
    """Write the notebook's own settings into its `[tool.reflow]` table and save the file at once (only
    the block changes). A new `runtime` also switches the kernel's mode (as `set_mode`)."""

    output: OutputPosition | UnsetType | None = UNSET
    runtime: RuntimeMode | UnsetType | None = UNSET


class PackagesGetMsg(ClientMsg, tag="packages_get"):
    """Answered with `packages`."""

    READ_ONLY = True


class PackageAddMsg(ClientMsg, tag="package_add"):
    """Save pending edits, `uv add --script`, build the new environment (progress as `env_progress`) and
    only then restart the kernel in it; then run the `rerun` cells. If uv or the build fails, the file and
    lock file stay as they were, the old kernel keeps running, and uv's text comes as `env_progress`, an
    error `notice` and `packages.env.message`."""

    requirement: NonEmpty
    rerun: Annotated[list[str] | UnsetType | None, Meta(description="ids of cells to run after the restart")] = UNSET


class PackageRemoveMsg(ClientMsg, tag="package_remove"):
    """`uv remove --script`, then as `package_add`."""

    name: NonEmpty


class PackagesLockMsg(ClientMsg, tag="packages_lock"):
    """`uv lock --script` writes `nb.py.lock`; the lock is part of the environment key, so the environment
    is rebuilt and the kernel restarted as for `package_add`."""


class EnvRebuildMsg(ClientMsg, tag="env_rebuild"):
    """Build a fresh copy of the environment (swapped in on success) and restart the kernel."""


class TrustAndRunMsg(ClientMsg, tag="trust"):
    """The "Trust and run" button: sign the notebook as this user's, then build its environment and run it as a trusted
    notebook opens (changed cells: run them too). Changes no code, so a read-only session accepts it."""

    READ_ONLY = True


class ReattachKernelMsg(ClientMsg, tag="reattach_kernel"):
    """The "Reattach" button of a `background_kernel` offer: connect to the kernel still running this notebook
    and show what it produced meanwhile (answered with `session`)."""


class StopBackgroundKernelMsg(ClientMsg, tag="stop_background_kernel"):
    """The "Stop kernel" button of a `background_kernel` offer: shut that kernel down, start a fresh one."""


SecretName = Annotated[str, Meta(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
SecretValue = Annotated[str, Meta(min_length=1, max_length=65536)]


class SecretAnswerMsg(ClientMsg, tag="secret_answer"):
    """The answer to `secret_request`: each value given goes straight to the OS keychain (never to a file) and
    into the environment of the kernel that waits for it; a name left out is skipped (the kernel starts without
    it; asked again when the notebook is opened again). Changes no code, so a read-only session accepts it."""

    READ_ONLY = True
    values: dict[SecretName, SecretValue]


class LspRequestMsg(ClientMsg, Correlated, tag="lsp_request"):
    """Ask the notebook's language server (docs/lsp.md) about a position in a Python cell; answered with
    `lsp_reply`. `code`: the cell's code in the editor if its `edit` may not have arrived yet. `start` only
    starts the server (first editor focus). `rename` changes every cell the name is in (one transaction,
    then those cells run as if typed; refused in a read-only session)."""

    READ_ONLY = True
    op: Literal["start", "hover", "signature", "definition", "references", "completion", "rename"]
    id: str
    line: Annotated[int, Meta(ge=0)] = 0
    character: Annotated[int, Meta(ge=0)] = 0
    code: str | UnsetType = UNSET
    new_name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


# Every UI → server message. To add one: define its class above and list it here.
CLIENT_MESSAGE_CLASSES: tuple[type[ClientMsg], ...] = (
    RunMsg,
    EditMsg,
    CreateCellMsg,
    DeleteCellMsg,
    MoveCellMsg,
    SetOptionsMsg,
    SetKindMsg,
    TransactionMsg,
    ResyncMsg,
    SetModeMsg,
    RunStaleMsg,
    RunAllMsg,
    InterruptMsg,
    RestartMsg,
    RunOnMsg,
    PlacesGetMsg,
    SaveMsg,
    FormatCellsMsg,
    CompleteMsg,
    InspectMsg,
    LspRequestMsg,
    SetUiValueMsg,
    WidgetCommMsg,
    TablePageMsg,
    HistoryGetMsg,
    ClearCacheMsg,
    SettingsGetMsg,
    SettingsSetMsg,
    SetNotebookConfigMsg,
    PackagesGetMsg,
    PackageAddMsg,
    PackageRemoveMsg,
    PackagesLockMsg,
    EnvRebuildMsg,
    TrustAndRunMsg,
    ReattachKernelMsg,
    StopBackgroundKernelMsg,
    SecretAnswerMsg,
)

if TYPE_CHECKING:
    ClientMessage: TypeAlias = ClientMsg  # to a type checker: any client message
else:  # to msgspec (schema, validation): the tagged union of the classes listed above
    ClientMessage = tagged_union(CLIENT_MESSAGE_CLASSES, "ClientMessage")


# Messages a read-only (``reflow run``) session accepts; everything else is refused with an `error`.
READ_ONLY_ALLOWED: frozenset[str] = frozenset(message_type(c) for c in CLIENT_MESSAGE_CLASSES if c.READ_ONLY)
