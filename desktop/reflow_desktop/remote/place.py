"""Where a notebook's kernel runs: on this machine, on an SSH host, or behind a Jupyter gateway.

One small typed value shared by the session (the notebook's chosen place), the UI ("Run on...")
and ``session/kernel.py``, which turns a remote place into the kernelspec's
``metadata["kernel_provisioner"]`` stanza (jupyter_client's provisioner API), so jupyter_client
launches the kernel through the matching provisioner registered in ``pyproject.toml``.

Text form (settings, protocol, recent list): ``local``, ``ssh:HOST`` (a host of the user's OpenSSH
config), ``gateway:URL`` (http or https). A place comes from the UI or a settings file, so parsing
rejects anything that could turn into an ssh option or a non-web URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# While a session starts its kernel elsewhere: where the provisioner's progress lines go (uv's output
# while the environment is built there). A context variable, because jupyter_client creates the
# provisioner itself; the start runs in the caller's task, so the caller's value is what it sees.
start_progress: ContextVar[Callable[[str], None] | None] = ContextVar("reflow_start_progress", default=None)

SSH_PROVISIONER = "reflow-ssh-provisioner"
GATEWAY_PROVISIONER = "reflow-gateway-provisioner"
# an OpenSSH Host alias or [user@]hostname: never starting with "-" (it would be read as an option)
_HOST = re.compile(r"^(?:[A-Za-z0-9._+-]+@)?[A-Za-z0-9_.:\[\]%+-]+$")


class PlaceError(ValueError):
    """A place's text that is not one of the forms above."""


@dataclass(frozen=True)
class Local:
    """This machine (the default): jupyter_client's own local provisioner."""

    def text(self) -> str:
        return "local"

    def label(self) -> str:
        return "on this computer"


@dataclass(frozen=True)
class SshHost:
    """A host from the user's OpenSSH config (``ssh -G host`` resolves it)."""

    host: str

    def __post_init__(self) -> None:
        if not self.host or len(self.host) > 255 or self.host.startswith("-") or not _HOST.match(self.host):
            raise PlaceError(f"not an SSH host name: {self.host!r}")

    def text(self) -> str:
        return f"ssh:{self.host}"

    def label(self) -> str:
        return f"on {self.host}"


@dataclass(frozen=True)
class Gateway:
    """A Jupyter Server / Kernel Gateway / Enterprise Gateway base URL."""

    url: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in self.url):
            raise PlaceError(f"not a gateway URL (http or https): {self.url!r}")

    def text(self) -> str:
        return f"gateway:{self.url}"

    def label(self) -> str:
        return f"on {urlsplit(self.url).netloc}"


Place = Local | SshHost | Gateway
LOCAL = Local()


def parse_place(text: object) -> Place:
    """``local`` / ``ssh:HOST`` / ``gateway:URL`` → a Place; PlaceError names what is wrong."""
    if not isinstance(text, str):
        raise PlaceError(f"a place is text, not {type(text).__name__}")
    text = text.strip()
    if text in ("", "local"):
        return LOCAL
    kind, sep, rest = text.partition(":")
    if sep and kind == "ssh":
        return SshHost(rest)
    if sep and kind == "gateway":
        return Gateway(rest)
    raise PlaceError(f"not a place: {text!r} (local, ssh:HOST or gateway:URL)")


def provisioner_stanza(place: Place, notebook: str | None = None) -> dict[str, Any] | None:
    """The kernelspec's ``kernel_provisioner`` metadata for ``place`` (None: the local default).

    The SSH provisioner also gets the notebook's path: it rebuilds that notebook's environment there.
    """
    if isinstance(place, SshHost):
        config: dict[str, Any] = {"host": place.host}
        if notebook:
            config["notebook"] = notebook
        return {"provisioner_name": SSH_PROVISIONER, "config": config}
    if isinstance(place, Gateway):
        return {"provisioner_name": GATEWAY_PROVISIONER, "config": {"url": place.url}}
    return None
