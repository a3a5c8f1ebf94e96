"""Server → UI messages: one ``msgspec.Struct`` per message type, tagged by ``type``.

The class docstring says when the message is sent (docs/protocol.md's "when" column);
field order is the documented order (required fields first). Kernel events (cell_status,
cell_output, graph, ui_values, batch…) are made by the engine as plain dicts and relayed
as they are; they are declared here all the same, because this is what the UI receives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from msgspec import UNSET, Meta, UnsetType

from reflow_desktop.protocol.client import AnyCellChange
from reflow_desktop.protocol.messages import Correlated, Message, tagged_union
from reflow_desktop.protocol.shapes import (
    CellState,
    CellStatus,
    EnvInfo,
    GraphEntry,
    KernelState,
    KernelStateName,
    NoticeLevel,
    Output,
    RuntimeMode,
    Shape,
    TrustInfo,
    VariableItem,
)
from reflow_desktop.settings import Settings

# Who made a transaction (reflow.notebook.document.Source).
TransactionSource: TypeAlias = Annotated[
    Literal["ui", "file", "kernel", "import", "session"], Meta(title="TransactionSource")
]


class ServerMsg(Message):
    """Base of the server → UI messages (``type`` is the class's tag)."""


class SessionMsg(ServerMsg, tag="session"):
    """On connect and reconnect: the full state, so a reconnect resumes. The server then sends the last
    `variables` message if it has one."""

    version: Annotated[int, Meta(description="PROTOCOL_VERSION; the UI refuses a version it does not know")]
    session: str
    path: str | None
    name: str
    mode: RuntimeMode
    read_only: bool
    cells: list[CellState]
    kernel: KernelState | KernelStateName
    config: Annotated[
        dict[str, Any],
        Meta(
            description=(
                "autosave_delay (seconds, null = off), order_valid, output_position (the notebook's "
                "[tool.reflow] output, else the user's setting) and notebook: {output, runtime} (what the "
                "file's [tool.reflow] says, null where it says nothing)"
            )
        ),
    ]
    doc_version: Annotated[
        int | UnsetType, Meta(description="the document's version; the next `transaction_applied` is one more")
    ] = UNSET
    trust: Annotated[TrustInfo | UnsetType, Meta(description="may the notebook run here; absent: trusted")] = UNSET


class KernelMsg(ServerMsg, tag="kernel"):
    """Kernel lifecycle; `dead` after a crash or a failed environment build (with uv's message)."""

    state: KernelStateName
    message: str | UnsetType = UNSET
    cell: Annotated[str | UnsetType, Meta(description="`dead`: the cell that was running when it died")] = UNSET


class CellStatusMsg(ServerMsg, tag="cell_status"):
    """A cell's status changed."""

    id: str
    status: CellStatus
    seconds: Annotated[
        float | UnsetType,
        Meta(description="on the status that ends a run: how long it ran, measured in the kernel"),
    ] = UNSET


class CellProgressMsg(ServerMsg, tag="cell_progress"):
    """The running cell's Dask tasks (reflow.cluster): how many of those it created are done; shown beside
    its running status until the run ends. Sent when the count changes."""

    id: str
    done: Annotated[int, Meta(ge=0)]
    total: Annotated[int, Meta(ge=0)]


class CellClearMsg(ServerMsg, tag="cell_clear"):
    """A run of the cell starts: drop its outputs."""

    id: str


class CellOutputMsg(ServerMsg, tag="cell_output"):
    """Append one output to the cell."""

    id: str
    output: Output


class CellCachedMsg(ServerMsg, tag="cell_cached"):
    """A `reflow.persistent_cache` block of the running cell was restored from the cache instead of running;
    `saved_seconds` is how long the cached computation took. Sent between the cell's `running` and `idle`
    statuses (its replayed prints follow as `cell_output` streams); the UI shows "restored from cache · saved
    1.2 s" until the next `cell_clear`. The session keeps the sum in `CellState.cached_seconds`."""

    id: str
    saved_seconds: float


class GraphMsg(ServerMsg, tag="graph"):
    """After any code change: every code cell's place in the dataflow graph, and whether the display order
    is a valid execution order."""

    cells: dict[str, GraphEntry]
    order_valid: bool


class CellsMsg(ServerMsg, tag="cells"):
    """The cells in display order, for a page to start over from: after a restart, a reload from disk and in
    answer to `resync`. Structural changes made by a page reach the others as `transaction_applied`."""

    cells: list[CellState]
    doc_version: Annotated[int | UnsetType, Meta(description="the document's version these cells are at")] = UNSET


class TransactionAppliedMsg(ServerMsg, tag="transaction_applied"):
    """A transaction (create/delete/move/set_code/set_kind/set_options) was applied to the document: sent to
    every page instead of the full `cells`. `version` is the document's version after it, one more than the
    last one the page saw; a gap means the page missed one and sends `resync`. `mine` is true on the page
    whose message caused it: that page already shows the change."""

    version: int
    source: TransactionSource
    changes: list[AnyCellChange]
    mine: bool = False


class VariablesMsg(ServerMsg, tag="variables"):
    """After each run: the notebook's globals."""

    items: list[VariableItem]


class SavedMsg(ServerMsg, tag="saved"):
    """After a save."""

    path: str
    mtime: float


class NoticeMsg(ServerMsg, tag="notice"):
    """Anything to tell the user."""

    level: NoticeLevel
    text: str


class ErrorMsg(ServerMsg, tag="error"):
    """A request could not be handled (not JSON, unknown type, bad field, read-only, …)."""

    text: str


class CompleteReplyMsg(ServerMsg, Correlated, tag="complete_reply"):
    """Answer to `complete` (the kernel's complete_request)."""

    matches: list[str]
    cursor_start: int
    cursor_end: int


class InspectReplyMsg(ServerMsg, Correlated, tag="inspect_reply"):
    """Answer to `inspect` (the kernel's inspect_request); `text` is plain-text docs."""

    found: bool
    text: str


class UiValuesMsg(ServerMsg, tag="ui_values"):
    """After the run a `set_ui_value` caused (its events come first): the values the kernel applied.
    `unknown`: elements that no longer exist."""

    values: dict[str, Any]
    request_id: str | UnsetType = UNSET
    unknown: list[str] | UnsetType = UNSET
    errors: Annotated[dict[str, str] | UnsetType, Meta(description="element id → message")] = UNSET


class WidgetCommServerMsg(ServerMsg, tag="widget_comm"):
    """A Jupyter widget comm of the kernel opened (`open`, with `target_name`), got a message (`msg`) or closed
    (`close`). Also sent, as `open` with each model's last state, to a page that connects."""

    op: Literal["open", "msg", "close"]
    comm_id: str
    data: dict[str, Any]
    target_name: str | UnsetType = UNSET
    metadata: dict[str, Any] | UnsetType = UNSET
    buffers: Annotated[list[str] | UnsetType, Meta(description="binary buffers, base64")] = UNSET
    parent: Annotated[
        str | UnsetType, Meta(description="the `request_id` of the page's `widget_comm_msg` this answers (echoes)")
    ] = UNSET


class WidgetCommIdleMsg(ServerMsg, tag="widget_comm_idle"):
    """The kernel finished handling the page's `widget_comm_msg` with this `request_id` (its events came first)."""

    request_id: str


class TablePageReplyMsg(ServerMsg, Correlated, tag="table_page_reply"):
    """Answer to `table_page`: one page of rows, or `error`. `indices` are row positions in the original
    data (selection uses them)."""

    element_id: str
    page: int | UnsetType = UNSET
    page_size: int | UnsetType = UNSET
    total: int | UnsetType = UNSET
    rows: list[list[Any]] | UnsetType = UNSET
    indices: list[int] | UnsetType = UNSET
    error: str | UnsetType = UNSET


class HistoryRun(Shape):
    """One earlier run of a cell: the code that ran, when (UTC, ISO 8601) and what it showed."""

    key: Annotated[str, Meta(description="content address: sha256 of code hash, input hashes and outputs")]
    code: str
    ran_at: str
    outputs: list[Output]


class CellHistoryMsg(ServerMsg, Correlated, tag="cell_history"):
    """Answer to `history_get`: the cell's kept runs, oldest first (the last is usually what it shows now);
    `notes` say what could not be read (a damaged entry is skipped, the rest shown)."""

    id: str
    entries: list[HistoryRun]
    notes: list[str]


class BatchMsg(ServerMsg, tag="batch"):
    """Several kernel events (cell_status, cell_clear, cell_output…) in one frame: apply them in order,
    render once. The kernel batches everything it sends between two flushes (the end of a run, any
    non-event message, or 10 ms after the first event)."""

    events: list[ServerMessage]


class SettingsMsg(ServerMsg, tag="settings"):
    """The user's settings (reflow_desktop/settings.py): answer to `settings_get` (to the asker) and
    `settings_set` (to every page of the session)."""

    values: Settings


class EnvProgressMsg(ServerMsg, tag="env_progress"):
    """One line of uv's output while the notebook's environment is built (before the kernel starts, and
    during package operations); a failed startup build then sends `kernel` `dead` with uv's message and an
    error `notice`."""

    line: str


class PackagesMsg(ServerMsg, tag="packages"):
    """Answer to `packages_get`, and to every client when a package operation starts and ends.
    `dependencies`/`requires_python` are the PEP 723 block's; `locked`: `nb.py.lock` exists."""

    dependencies: list[str]
    requires_python: str | None
    locked: bool
    env: EnvInfo


class TrustMsg(ServerMsg, tag="trust"):
    """To every client when the notebook's trust changes (after `trust`)."""

    trust: TrustInfo


class PlaceMsg(ServerMsg, tag="place"):
    """Where the kernel runs, on connect (when not here), after `run_on` and to `places_get`: `place`
    (`local`, `ssh:HOST`), `label` for the status line ("on gpu-box") and `recent`, the places used
    lately, most recent first ("Run on...")."""

    place: str
    label: str
    recent: list[str]


class BackgroundKernelMsg(ServerMsg, tag="background_kernel"):
    """A kernel started before Reflow closed (killed, crashed) still runs this notebook: the page offers
    Reattach (`reattach_kernel`) or Stop kernel (`stop_background_kernel`). `pid` null: the offer is settled."""

    pid: int | None


class SecretRequestMsg(ServerMsg, tag="secret_request"):
    """The kernel's start waits for secrets the notebook declares (`[tool.reflow] secrets`) that the OS keychain
    does not hold: the page asks for them in a password dialog and answers `secret_answer`. Sent again on connect
    while it waits; `names` empty: nothing is asked any more (answered on another page, or the session closed).
    `keychain` names where the values go (e.g. "SecretService Keyring")."""

    names: list[str]
    keychain: str


class LspRange(Shape):
    """A span in one cell (0-based lines, UTF-16 characters as the editor counts): a definition or reference."""

    id: str
    line: int
    character: int
    end_line: int
    end_character: int


class LspDiagnostic(Shape):
    """A problem the language server found, as a span of its cell."""

    line: int
    character: int
    end_line: int
    end_character: int
    severity: Literal["error", "warning", "info", "hint"]
    message: str
    source: str = ""


class LspSignature(Shape):
    """The signature of the call around the cursor; `active`: the current parameter's [from, to] in `label`."""

    label: str
    documentation: str = ""
    active: list[int] | None = None


class LspCompletion(Shape):
    """A completion from the language server (`type`: CodeMirror's completion type name)."""

    label: str
    type: str
    detail: str = ""


class LspReplyMsg(ServerMsg, Correlated, tag="lsp_reply"):
    """Answer to `lsp_request`: `ok` false with `message` when the server is unavailable or found nothing
    usable. Hover: `text` (markdown); signature: `signature`; definition/references: `locations` (Python cells
    only); completion: `items`; rename: `changed`, the ids of the cells it changed (they arrive as a
    `transaction_applied`)."""

    op: str
    ok: bool
    message: str | UnsetType = UNSET
    text: str | UnsetType = UNSET
    signature: LspSignature | UnsetType | None = UNSET
    locations: list[LspRange] | UnsetType = UNSET
    items: list[LspCompletion] | UnsetType = UNSET
    changed: list[str] | UnsetType = UNSET


class LspDiagnosticsMsg(ServerMsg, tag="lsp_diagnostics"):
    """The language server's diagnostics for every Python cell (cell id → list; an empty list clears a cell's),
    after each change it checked; sent to every page."""

    cells: dict[str, list[LspDiagnostic]]


# Every server → UI message. To add one: define its class above and list it here.
SERVER_MESSAGE_CLASSES: tuple[type[ServerMsg], ...] = (
    SessionMsg,
    KernelMsg,
    CellStatusMsg,
    CellProgressMsg,
    CellClearMsg,
    CellOutputMsg,
    CellCachedMsg,
    GraphMsg,
    CellsMsg,
    TransactionAppliedMsg,
    VariablesMsg,
    SavedMsg,
    NoticeMsg,
    ErrorMsg,
    CompleteReplyMsg,
    InspectReplyMsg,
    UiValuesMsg,
    WidgetCommServerMsg,
    WidgetCommIdleMsg,
    TablePageReplyMsg,
    CellHistoryMsg,
    BatchMsg,
    SettingsMsg,
    EnvProgressMsg,
    PackagesMsg,
    TrustMsg,
    PlaceMsg,
    BackgroundKernelMsg,
    SecretRequestMsg,
    LspReplyMsg,
    LspDiagnosticsMsg,
)

if TYPE_CHECKING:
    ServerMessage: TypeAlias = ServerMsg  # to a type checker: any server message
else:  # to msgspec (schema, validation): the tagged union of the classes listed above
    ServerMessage = tagged_union(SERVER_MESSAGE_CLASSES, "ServerMessage")
