"""The exceptions of the environments package.

Everything derives from ``EnvError`` so the session can catch one type; the
ones caused by a uv command carry uv's own stderr text in ``.uv_output`` so the
UI can show exactly what uv said (resolver explanations are the useful part).
"""

from __future__ import annotations

from collections.abc import Sequence


class EnvError(Exception):
    """Base class: an environment could not be found, built or changed."""

    uv_output: str = ""


class UvNotFoundError(EnvError):
    """The uv binary is missing (the `uv` package is not installed)."""


class UvCommandError(EnvError):
    """A uv command exited non-zero; ``uv_output`` is its stderr text."""

    def __init__(
        self, message: str, *, command: Sequence[str] = (), returncode: int | None = None, uv_output: str = ""
    ) -> None:
        self.message = message
        self.command = list(command)
        self.returncode = returncode
        self.uv_output = uv_output
        super().__init__(message)

    def __str__(self) -> str:
        detail = self.uv_output.strip()
        return f"{self.message}\n{detail}" if detail else self.message


class EnvBuildError(UvCommandError):
    """Building a notebook's environment failed; any previous environment is untouched."""


class PackageEditError(UvCommandError):
    """``uv add/remove/lock --script`` failed; the notebook file is unchanged (uv writes only on success)."""


class PythonNotFoundError(EnvError):
    """No installed interpreter satisfies the notebook's requires-python."""

    def __init__(self, requirement: str, found: Sequence[str] = (), uv_output: str = "") -> None:
        self.requirement = requirement
        self.found = list(found)
        self.uv_output = uv_output
        listing = ", ".join(self.found) if self.found else "none"
        super().__init__(
            f"This notebook needs Python {requirement}, but no installed Python satisfies it "
            f"(found: {listing}). Install one (for example `uv python install`) or change "
            f"requires-python in the notebook's '# /// script' block."
        )
