"""Gateway tokens, kept in the user's config dir beside settings.json, never in a notebook folder.

A token opens a door into code execution on the gateway, so it stays out of the notebook, its
sidecar, the place text and the UI protocol: ``gateway_tokens.json`` (mode 0600) maps a gateway's
base URL to its token. Without an entry, ``JUPYTER_GATEWAY_AUTH_TOKEN`` (the variable Jupyter
Server's own gateway client reads) is used.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from reflow.notebook.atomic import atomic_write_text
from reflow_desktop.settings import config_dir

log = logging.getLogger(__name__)

FILE_NAME = "gateway_tokens.json"
ENV_TOKEN = "JUPYTER_GATEWAY_AUTH_TOKEN"


def tokens_path() -> Path:
    return config_dir() / FILE_NAME


def _key(url: str) -> str:
    return url.strip().rstrip("/")


def _load() -> dict[str, str]:
    try:
        data = json.loads(tokens_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s (%s); no stored gateway tokens", tokens_path(), exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def token_for(url: str) -> str:
    """The stored token for the gateway at ``url``, else ``$JUPYTER_GATEWAY_AUTH_TOKEN``, else ""."""
    return _load().get(_key(url)) or os.environ.get(ENV_TOKEN, "")


def save_token(url: str, token: str) -> None:
    """Remember (or, with an empty token, forget) the token for ``url``; atomic, owner-only."""
    tokens = _load()
    if token:
        tokens[_key(url)] = token
    else:
        tokens.pop(_key(url), None)
    path = tokens_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(tokens, indent=1, sort_keys=True) + "\n")
    os.chmod(path, 0o600)
