"""Where the built UI lives, and the page shown when it has not been built."""

from __future__ import annotations

import html
from pathlib import Path

from reflow_desktop import resources


def ui_dist_dir() -> Path | None:
    """``ui/dist`` in a repo checkout, else the copy packaged as reflow_desktop/static/ui."""
    return resources.ui_dist_dir()


def placeholder_page(session_ids: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(s)}</code></li>" for s in session_ids)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reflow - UI not built</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}}
code{{background:#8882;padding:0 .3em;border-radius:3px}}</style></head>
<body><h1>Reflow's web UI has not been built</h1>
<p>The server and the notebook's kernel are running, but <code>ui/dist</code> is missing.
Build it with <code>./dev setup</code> (or <code>npm ci &amp;&amp; npm run build</code> in
<code>ui/</code>) and reload this page.</p>
<p>Open sessions:</p><ul>{items or "<li>none</li>"}</ul></body></html>
"""
