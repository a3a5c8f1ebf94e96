"""User settings (theme, default runtime mode, output position, editor keymap, font size).

Each setting is declared once, as a field of ``Settings``: its type (a ``Literal`` of
the allowed values), its default and its description (``Meta``). Everything else is
derived from that: ``CHOICES``, ``DECLARATIONS``, the protocol's JSON Schema and the
UI's generated types and defaults (``ui/src/protocol.generated.ts``), much as
qutebrowser derives its config from ``configdata.yml``. To add a setting, add a field
here and run the protocol generator (docs/protocol.md, "Changing the protocol").

Stored as JSON in the platformdirs user config dir. Reading never fails: a
missing file gives defaults, a corrupt file or a bad value gives defaults for
what is wrong plus a warning, so a hand-edited typo can't keep the app from
starting. Writes are atomic. No Qt here; the shell and the UI's Settings page
read and write through this module.
"""

from __future__ import annotations

import json
import logging
import os
import typing
from dataclasses import MISSING, asdict, dataclass, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from msgspec import Meta

from reflow.notebook.atomic import atomic_write_text

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Settings:
    """The user's settings; every field is one declaration (allowed values, default, description)."""

    theme: Annotated[
        Literal["system", "light", "dark"],
        Meta(description="Colour theme of every window; system follows the operating system."),
    ] = "system"
    runtime_mode: Annotated[
        Literal["auto", "lazy"],
        Meta(
            description="Runtime mode of notebooks whose [tool.reflow] table names none: auto re-runs "
            "dependent cells, lazy marks them stale."
        ),
    ] = "auto"
    output_position: Annotated[
        Literal["below", "above"],
        Meta(description="Where outputs show in notebooks whose [tool.reflow] table names no output."),
    ] = "below"
    keymap: Annotated[
        Literal["default", "vim", "emacs"], Meta(description="Editor keys (the UI implements default and vim).")
    ] = "default"
    font_size: Annotated[Literal[11, 12, 13, 14, 15, 16, 18, 20], Meta(description="Code font size in px.")] = 13
    notify_after: Annotated[
        Literal[10, 0, 5, 30, 60, 300, 900],
        Meta(
            description="Notify (an OS notification naming the cell; a click shows it) when a run that took at "
            "least this many seconds ends while its window is not in front. 0: never."
        ),
    ] = 10
    keep_awake: Annotated[
        Literal["on", "off"],
        Meta(description="Keep the computer from sleeping while cells run (after the first seconds of a run)."),
    ] = "on"
    format_on_save: Annotated[
        Literal["off", "on"],
        Meta(description="Format every Python cell with ruff when the notebook is saved with Save (Ctrl/Cmd-S)."),
    ] = "off"
    data_library: Annotated[
        Literal["pandas", "polars"],
        Meta(description="The data frame library of the loader cell a dropped data file (CSV, Parquet...) gets."),
    ] = "pandas"
    mcp_server: Annotated[
        Literal["off", "on"],
        Meta(
            description="Let coding agents (MCP clients) read, edit and run the open notebooks through this app's "
            "local server at /mcp; `reflow mcp-url` prints the address and token (docs/mcp.md)."
        ),
    ] = "off"

    history_budget_mb: Annotated[
        Literal[50, 0, 10, 20, 100, 200, 500, 1000],
        Meta(
            description="Disk space (MB) each notebook's output history may use in __reflow__/history/; "
            "the oldest runs go first. 0 keeps no history."
        ),
    ] = 50

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied; raises ValueError on an unknown key or value."""
        for key, value in changes.items():
            if key not in CHOICES:
                raise ValueError(f"unknown setting {key!r}")
            if not allowed(key, value):
                raise ValueError(f"{key} must be one of {', '.join(map(str, CHOICES[key]))}, not {value!r}")
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "settings") -> Settings:
        """Lenient: keep the valid values, default the rest, warn about what was dropped."""
        if not isinstance(data, dict):
            log.warning("%s: expected a JSON object; using default settings", source)
            return cls()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "version":
                continue
            if key not in CHOICES:
                log.warning("%s: ignoring unknown setting %r", source, key)
            elif not allowed(key, value):
                log.warning("%s: ignoring %s=%r (allowed: %s)", source, key, value, ", ".join(map(str, CHOICES[key])))
            else:
                values[key] = value
        return cls(**values)


class SettingDeclaration(NamedTuple):
    """One setting as ``Settings`` declares it."""

    name: str
    default: object
    choices: tuple[object, ...]  # allowed values, the default first
    description: str


def _declarations() -> tuple[SettingDeclaration, ...]:
    hints = typing.get_type_hints(Settings, include_extras=True)
    out = []
    for f in fields(Settings):
        literal, *extras = typing.get_args(hints[f.name])
        meta = next(m for m in extras if isinstance(m, Meta))
        if f.default is MISSING:
            raise TypeError(f"setting {f.name} needs a default")
        allowed_values = typing.get_args(literal)
        choices = (f.default, *(v for v in allowed_values if v != f.default))
        out.append(SettingDeclaration(f.name, f.default, choices, meta.description or ""))
    return tuple(out)


DECLARATIONS: tuple[SettingDeclaration, ...] = _declarations()

# Allowed values per setting; the first is the default.
CHOICES: dict[str, tuple[object, ...]] = {d.name: d.choices for d in DECLARATIONS}


def allowed(key: str, value: object) -> bool:
    """Is ``value`` one of the setting's choices? (``True`` is not 1 here.)"""
    return not isinstance(value, bool) and value in CHOICES[key]


def config_dir() -> Path:
    """The per-user config dir; ``REFLOW_CONFIG_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("REFLOW_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("reflow", appauthor=False))


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Never raises: missing → defaults; unreadable/corrupt → defaults with a warning."""
    p = Path(path) if path is not None else settings_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s (%s); using default settings", p, exc)
        return Settings()
    try:
        data = json.loads(text)
    except ValueError as exc:
        log.warning("%s is not valid JSON (%s); using default settings", p, exc)
        return Settings()
    return Settings.from_dict(data, source=str(p))


def save_settings(settings: Settings, path: str | os.PathLike[str] | None = None) -> None:
    """Atomic write; raises OSError (the old file stays intact) so the caller can tell the user."""
    p = Path(path) if path is not None else settings_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, json.dumps({"version": 1, **settings.to_dict()}, indent=1) + "\n")
