"""The session's side of the Settings page: user settings and the notebook's own config.

Kept out of ``session.py`` (which only delegates) so the settings logic can grow
without touching the session. Two kinds of settings meet here:

- user settings (``reflow_desktop.settings``: theme, default runtime mode, default
  output position, keymap, font size) — the browser UI reads and writes them with
  ``settings_get`` / ``settings_set`` (the desktop page uses pywebview's bridge);
- the notebook's settings in its ``[tool.reflow]`` table (``output``, ``runtime``) —
  ``set_notebook_config`` / ``set_mode`` write them into the file, so they travel
  with the notebook. Where the notebook says nothing, the user's setting applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reflow.notebook import Notebook
from reflow.notebook.metadata import output_position, reflow_config, set_output_position, set_runtime_mode
from reflow_desktop import protocol as P
from reflow_desktop.session.doors import Broadcast, SettingsDoor
from reflow_desktop.settings import load_settings, save_settings

Reply = Callable[[dict[str, Any]], None]


# --- user settings ------------------------------------------------------------------------
def settings_values() -> dict[str, Any]:
    """The current user settings (never fails: a broken file gives defaults)."""
    return load_settings().to_dict()


def update_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and save ``changes`` atomically; ValueError names a bad key or value."""
    new = load_settings().updated(**changes)
    save_settings(new)
    return new.to_dict()


def handle_settings_get(reply: Reply) -> None:
    reply(P.settings_msg(settings_values()))


def handle_settings_set(pages: Broadcast, changes: dict[str, Any], reply: Reply) -> None:
    """Save, then tell every page of this session (another tab may show the Settings page)."""
    try:
        values = update_settings(changes)
    except OSError as exc:
        reply(P.error_msg(f"Could not save the settings: {exc}"))
        return
    pages.broadcast(P.settings_msg(values))


# --- the notebook's own settings ---------------------------------------------------------
def initial_mode(nb: Notebook, *, own: bool = True) -> str:
    """The notebook's ``runtime``, or the user's default runtime mode when it names none.

    A notebook that is not the user's own as it stands (untrusted, or changed outside Reflow) does not
    choose: the user's mode applies, so a shipped ``runtime = "auto"`` never overrides a user's lazy.
    """
    if own and "runtime" in reflow_config(nb):
        return nb.runtime_mode
    return load_settings().runtime_mode


def notebook_config(nb: Notebook) -> dict[str, Any]:
    """For the ``session`` message's config: the effective output position and what the file says."""
    explicit = output_position(nb)
    runtime = reflow_config(nb).get("runtime")
    return {
        "output_position": explicit or load_settings().output_position,
        "notebook": {"output": explicit, "runtime": runtime if runtime in ("auto", "lazy") else None},
    }


def apply_notebook_config(nb: Notebook, *, output: str | None = None, runtime: str | None = None) -> bool:
    """Write the values into ``[tool.reflow]``; True if the block changed."""
    table = reflow_config(nb)
    changed = False
    if output is not None and table.get("output") != output:
        set_output_position(nb, output)  # type: ignore[arg-type]  # a str: the protocol checked above|below
        changed = True
    if runtime is not None and table.get("runtime") != runtime:
        set_runtime_mode(nb, runtime)  # type: ignore[arg-type]  # a str: the protocol checked auto|lazy
        changed = True
    return changed


def persist(session: SettingsDoor, *, output: str | None = None, runtime: str | None = None) -> None:
    """Apply to the session's notebook and save the file now (atomic) if the block changed."""
    if apply_notebook_config(session.notebook, output=output, runtime=runtime):
        try:
            session.save()
        except OSError as exc:
            session.broadcast(P.notice_msg("error", f"Could not save {session.path.name}: {exc}"))
