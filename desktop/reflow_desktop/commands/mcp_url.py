"""`reflow mcp-url`: the running app's MCP endpoint, for an agent's configuration (docs/mcp.md).

Prints the newest running Reflow's endpoint URL with its token (``--all``: every running one),
or as JSON (``--json``: url, token and the Authorization header to send). Says on stderr when
the door is off in Settings, since the endpoint then answers 404.
"""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mcp-url", help="print the running app's MCP endpoint (URL and token) for coding agents")
    p.add_argument("--all", action="store_true", help="every running Reflow, newest first")
    p.add_argument("--json", action="store_true", help="url, token and header as JSON")
    p.set_defaults(command="mcp_url")


def run(args: argparse.Namespace) -> int:
    from reflow_desktop.mcp.address import running
    from reflow_desktop.settings import load_settings, settings_path

    endpoints = running()
    if not endpoints:
        print("reflow: no Reflow app is running (start one: reflow nb.py)", file=sys.stderr)
        return 1
    if load_settings().mcp_server != "on":
        print(f"reflow: the agent door is off: turn on Settings > mcp_server ({settings_path()})", file=sys.stderr)
    shown = endpoints if args.all else endpoints[:1]
    if args.json:
        items = [{"url": e.url, "token": e.token, "headers": {"Authorization": f"Bearer {e.token}"}} for e in shown]
        print(json.dumps(items if args.all else items[0], indent=1))
    else:
        for e in shown:
            print(e.url_with_token)
    return 0
