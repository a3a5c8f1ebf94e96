"""User settings (theme, default runtime mode, output position, editor keymap).

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
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from reflow.notebook.atomic import atomic_write_text

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"

# Allowed values per field; the first is the default.
CHOICES: dict[str, tuple[object, ...]] = {
    "theme": ("system", "light", "dark"),
    "runtime_mode": ("auto", "lazy"),
    "output_position": ("below", "above"),
    "keymap": ("default", "vim", "emacs"),
    "font_size": (13, 11, 12, 14, 15, 16, 18, 20),   # code font size in px (the Settings page)
}


def config_dir() -> Path:
    """The per-user config dir; ``REFLOW_CONFIG_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("REFLOW_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("reflow", appauthor=False))


def settings_path() -> Path:
    return config_dir() / FILE_NAME


@dataclass(frozen=True)
class Settings:
    theme: str = "system"
    runtime_mode: str = "auto"          # default for notebooks without [tool.reflow] runtime
    output_position: str = "below"
    keymap: str = "default"
    font_size: int = 13

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied; raises ValueError on an unknown key or value."""
        for key, value in changes.items():
            if key not in CHOICES:
                raise ValueError(f"unknown setting {key!r}")
            if isinstance(value, bool) or value not in CHOICES[key]:
                raise ValueError(f"{key} must be one of {', '.join(map(str, CHOICES[key]))}, not {value!r}")
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, data: object, *, source: str = "settings") -> "Settings":
        """Lenient: keep the valid values, default the rest, warn about what was dropped."""
        if not isinstance(data, dict):
            log.warning("%s: expected a JSON object; using default settings", source)
            return cls()
        values: dict[str, Any] = {}
        known = {f.name for f in fields(cls)}
        for key, value in data.items():
            if key == "version":
                continue
            if key not in known:
                log.warning("%s: ignoring unknown setting %r", source, key)
            elif isinstance(value, bool) or value not in CHOICES[key]:
                log.warning("%s: ignoring %s=%r (allowed: %s)", source, key, value,
                            ", ".join(map(str, CHOICES[key])))
            else:
                values[key] = value
        return cls(**values)


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
