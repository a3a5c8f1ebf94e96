"""Menu → page commands: the names the web UI listens for, and the JS that sends them.

The shell dispatches ``reflow:command`` CustomEvents on the page's ``window``
(documented in docs/protocol.md, "Shell commands"). A UI that handles a command
calls ``event.preventDefault()``; ``dispatchEvent`` then returns false, and the
shell knows not to fall back to doing it natively (e.g. saving through the session).
"""

from __future__ import annotations

import json
from typing import Any

# name -> what the UI is expected to do
PAGE_COMMANDS: dict[str, str] = {
    "save": "flush pending edits, then send the protocol `save` message",
    "set_view": "detail.view is 'code' or 'app': switch the notebook/app view",
    "set_theme": "detail.theme is 'system' | 'light' | 'dark'",
    "run_all": "send `run_all`",
    "interrupt": "send `interrupt`",
    "restart": "send `restart` (the UI may confirm first)",
    "open_settings": "show the Settings page",
    "show_shortcuts": "show the keyboard shortcuts help",
    "export": "detail.format is 'html' | 'ipynb' (once export lands)",
    "goto_cell": "detail.id: select the cell and scroll it into view (a run-finished notification was clicked)",
    "format_notebook": "format every Python cell with ruff (the palette's format-notebook), pending edits first",
    "exported": "detail.path / detail.folder: where an export was written; show it, with Show in folder",
    "pop_out": "pop out the selected cell's output in a window of its own (View ▸ Pop Out Cell Output)",
}


def command_js(command: str, **detail: Any) -> str:
    """JS that dispatches the command; evaluates to true when nobody claimed it."""
    if command not in PAGE_COMMANDS:
        raise ValueError(f"unknown shell command {command!r}")
    payload = json.dumps({"command": command, **detail})
    return (
        "(function(){var e=new CustomEvent('reflow:command',{detail:"
        + payload
        + ",cancelable:true});return window.dispatchEvent(e);})()"
    )
