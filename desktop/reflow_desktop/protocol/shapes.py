"""Shapes that several protocol messages share: cells, outputs, errors, kernel state.

Each shape is a ``msgspec.Struct``; its docstring and ``Meta`` descriptions end up in
the JSON Schema, the generated TypeScript and the tables of docs/protocol.md.
Named value sets (``CellStatus``…) are ``Literal`` aliases with a ``Meta(title=…)``
so the generated TypeScript names them too (see ``schema.ALIASES``).
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, Literal, TypeAlias, get_args

from msgspec import UNSET, Meta, Struct, UnsetType, field

from reflow.runtime import types as runtime_types

PROTOCOL_VERSION = 1


class Shape(Struct, omit_defaults=True):
    """Base of every protocol shape: fields left at their default are not sent."""


def message_type(cls: type[Shape]) -> str:
    """The ``type`` tag of a message class (``KernelMsg`` → ``"kernel"``)."""
    tag = cls.__struct_config__.tag
    if not isinstance(tag, str):
        raise TypeError(f"{cls.__name__} is not a tagged protocol message")
    return tag


def union_of(classes: tuple[type[Shape], ...]) -> Any:
    """``A | B | …`` of the given message classes: a tagged union msgspec decodes by its tag."""
    return functools.reduce(operator.or_, classes)


# --- named value sets ------------------------------------------------------------------
CellKind: TypeAlias = Annotated[Literal["code", "markdown"], Meta(title="CellKind")]
# Cell statuses and error kinds are the engine's (reflow.runtime.types): declared there once.
CellStatus: TypeAlias = Annotated[runtime_types.CellStatus, Meta(title="CellStatus")]
CELL_STATUSES: tuple[str, ...] = get_args(runtime_types.CellStatus)
CellErrorKind: TypeAlias = Annotated[runtime_types.ErrorKind, Meta(title="CellErrorKind")]
KernelStateName: TypeAlias = Annotated[
    Literal["starting", "idle", "busy", "dead", "restarting"], Meta(title="KernelStateName")
]
RuntimeMode: TypeAlias = Annotated[Literal["auto", "lazy"], Meta(title="RuntimeMode")]
OutputPosition: TypeAlias = Annotated[Literal["above", "below"], Meta(title="OutputPosition")]
NoticeLevel: TypeAlias = Annotated[Literal["info", "warning", "error"], Meta(title="NoticeLevel")]
TrustStatus: TypeAlias = Annotated[Literal["trusted", "changed", "untrusted"], Meta(title="TrustStatus")]
EnvStateName: TypeAlias = Annotated[Literal["building", "ready", "failed", "none"], Meta(title="EnvStateName")]
MimeBundle: TypeAlias = Annotated[
    dict[str, Any],
    Meta(title="MimeBundle", description="text/plain, text/html, image/png (base64), application/vnd.reflow.*+json …"),
]
CellOptions: TypeAlias = Annotated[
    dict[str, Any],
    Meta(title="CellOptions", description="per-cell options from the `# %%` marker line, e.g. hide_code, disabled"),
]


# --- cells, errors, outputs --------------------------------------------------------------
class InstallHint(Shape):
    """What to install for a ModuleNotFoundError (yaml → pyyaml); `cell` is the cell to re-run afterwards."""

    package: str
    module: str
    cell: str | UnsetType | None = UNSET


class CellError(Shape):
    """Why a cell has no fresh result: a runtime error, or a static one (syntax, multiple definition, cycle)."""

    kind: CellErrorKind
    message: str
    cells: Annotated[list[str], Meta(description="related cells: other definers, the cycle, the failed ancestor")]
    traceback: str | UnsetType | None = UNSET
    ename: Annotated[str | UnsetType | None, Meta(description="exception class name")] = UNSET
    lineno: Annotated[int | UnsetType | None, Meta(description="static errors: line in the cell")] = UNSET
    col: Annotated[int | UnsetType | None, Meta(description="static errors: column in the line")] = UNSET
    install: Annotated[
        InstallHint | UnsetType,
        Meta(description="set by the server on ModuleNotFoundError outputs whose module maps to a distribution"),
    ] = UNSET


class DataOutput(Shape, tag_field="kind", tag="data"):
    """A last-expression value or a display() call."""

    data: MimeBundle


class StreamOutput(Shape, tag_field="kind", tag="stream"):
    """Printed text."""

    name: Literal["stdout", "stderr"]
    text: str


class ErrorOutput(Shape, tag_field="kind", tag="error"):
    """The error that stopped the cell."""

    error: CellError


Output: TypeAlias = Annotated[DataOutput | StreamOutput | ErrorOutput, Meta(title="Output")]


INPUTS_DOC = (
    "name read -> the cells whose binding of it this cell reads (with redefinitions, the nearest writer above);"
    " names no cell provides are absent"
)
HINTS_DOC = (
    "names this cell calls a possibly mutating method on (`df.append(...)`, `inplace=True`):"
    " a hint, not tracked as a dependency"
)


class CellState(Shape):
    """Everything the UI shows of one cell; the `session` and `cells` messages carry a list in display order."""

    id: str
    kind: CellKind
    code: str
    options: CellOptions
    status: CellStatus
    outputs: list[Output]
    defs: list[str]
    refs: list[str]
    parents: list[str]
    children: list[str]
    errors: Annotated[list[CellError], Meta(description="static errors (syntax, multiple definition, cycle)")]
    inputs: Annotated[dict[str, list[str]], Meta(description=INPUTS_DOC)] = field(default_factory=dict)
    hints: Annotated[list[str], Meta(description=HINTS_DOC)] = field(default_factory=list)
    cached_seconds: Annotated[
        float | UnsetType,
        Meta(description="seconds saved by reflow.persistent_cache restores since the cell's last cell_clear"),
    ] = UNSET
    run_seconds: Annotated[
        float | UnsetType, Meta(description="how long the cell's last finished run took (cell_status `seconds`)")
    ] = UNSET


class GraphEntry(Shape):
    """One cell's place in the dataflow graph."""

    defs: list[str]
    refs: list[str]
    parents: list[str]
    children: list[str]
    errors: list[CellError]
    inputs: Annotated[dict[str, list[str]], Meta(description=INPUTS_DOC)] = field(default_factory=dict)
    hints: Annotated[list[str], Meta(description=HINTS_DOC)] = field(default_factory=list)


class VariableItem(Shape):
    """One global of the notebook, for the variables panel."""

    name: str
    type: str
    preview: str
    defined_by: str | None
    used_by: list[str]


class KernelState(Shape):
    """The kernel's lifecycle state, with what went wrong when it is dead."""

    state: KernelStateName
    message: str | UnsetType = UNSET
    cell: Annotated[str | UnsetType, Meta(description="`dead`: the cell that was running when it died")] = UNSET


class EnvInfo(Shape):
    """The notebook environment's state; `none`: environments are off (REFLOW_ENVIRONMENTS=0)."""

    state: EnvStateName
    path: Annotated[str | UnsetType, Meta(description="the environment the kernel runs in")] = UNSET
    python: str | UnsetType = UNSET
    message: Annotated[str | UnsetType, Meta(description="uv's text of the last failed operation")] = UNSET


class TrustInfo(Shape):
    """Whether this notebook may run here (``reflow_desktop.trust``): `untrusted` is safe preview (nothing
    runs, no environment is built); `changed`: cells changed outside Reflow wait in `held`."""

    status: TrustStatus
    held: Annotated[list[str], Meta(description="code cells changed outside Reflow: shown, not run")]
    packages: Annotated[list[str], Meta(description="the PEP 723 dependencies that trusting installs")]


class TableSort(Shape):
    """How a table page is sorted."""

    column: str
    descending: bool


class UiValueUpdate(Shape):
    """One widget value in a `set_ui_value` message's `updates`."""

    element_id: str
    value: Any


class CellCode(Shape):
    """A cell to run, with the code the UI shows for it."""

    id: str
    code: str | UnsetType = UNSET


SHAPES: tuple[type[Shape], ...] = (
    InstallHint,
    CellError,
    DataOutput,
    StreamOutput,
    ErrorOutput,
    CellState,
    GraphEntry,
    VariableItem,
    KernelState,
    EnvInfo,
    TrustInfo,
    TableSort,
    UiValueUpdate,
    CellCode,
)
