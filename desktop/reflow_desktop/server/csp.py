"""The app page's Content-Security-Policy: our own scripts only, no inline code, no eval.

Output frames (``srcdoc``, sandboxed) inherit this policy, so the only script that runs
in them is the frame sizer, allowed by the hash the UI build writes to
``csp-hashes.json``. Connections go to this server only; nothing may frame the app.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from reflow_desktop.server.static import ui_dist_dir

HASHES_FILE = "csp-hashes.json"


@lru_cache(maxsize=4)
def _hashes(path: Path, mtime_ns: int) -> tuple[str, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple(v for v in data.values() if isinstance(v, str) and v.startswith("'sha256-") and v.endswith("'"))


def script_hashes(dist: Path | None = None) -> tuple[str, ...]:
    """The hashes of the inline scripts the built UI needs (none if it is not built)."""
    dist = dist if dist is not None else ui_dist_dir()
    if dist is None:
        return ()
    path = dist / HASHES_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return ()
    return _hashes(path, mtime)


def app_policy(port: int, dist: Path | None = None) -> str:
    """The header value for every response of the server on ``port``."""
    ws = f"ws://127.0.0.1:{port} ws://localhost:{port}"
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src 'self'", *script_hashes(dist)]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob: https:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            f"connect-src 'self' {ws}",
            "frame-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
