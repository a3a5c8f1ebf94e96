"""The `reflow` command line: one argparse front, one module per subcommand.

Each subcommand lives in ``reflow_desktop.commands.<name>`` with a
``run(args) -> int`` function, imported only when chosen so that `reflow check`
starts fast and never loads the server or Qt.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

SUBCOMMANDS = ("open", "edit", "run", "check", "script", "sort", "export", "import", "envs", "mcp-url")


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand; `reflow nb.py` is shorthand for `reflow open nb.py`."""
    from reflow_desktop import __version__

    parser = argparse.ArgumentParser(prog="reflow", description="Reactive Python notebooks.")
    parser.add_argument("--version", action="version", version=f"reflow {__version__}")
    url_help = "also write the page URL (with its token) to this file, 0600, once serving (docs/automation.md)"
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open a notebook in the desktop app (default)")
    p.add_argument("notebook", nargs="?", help="notebook file (.py); omitted: welcome window")
    p.add_argument("--browser", action="store_true", help="use the default browser instead")

    p = sub.add_parser("edit", help="edit a notebook")
    p.add_argument("notebook")
    p.add_argument("--browser", action="store_true", help="open in the default browser")
    p.add_argument("--no-open", action="store_true", help="only serve; print the URL")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--url-file", metavar="PATH", help=url_help)

    p = sub.add_parser("run", help="serve a notebook as a read-only app")
    p.add_argument("notebook")
    p.add_argument("--trust", action="store_true", help="trust (sign) this notebook and run it even if not yours")
    p.add_argument("--no-open", action="store_true", help="only serve; print the URL")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--url-file", metavar="PATH", help=url_help)

    p = sub.add_parser("check", help="check notebooks: coded problems (RF000...), --fix, --format json")
    p.add_argument("notebooks", nargs="+")
    p.add_argument("--fix", action="store_true", help="apply the safe fixes (sort cells, drop unused private names)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (json: editors, CI)")

    from reflow_desktop.commands import script as script_command  # engine imports inside run(), not here

    script_command.add_parser(sub)

    p = sub.add_parser("sort", help="rewrite a notebook in a valid execution order")
    p.add_argument("notebook")
    p.add_argument("--check", action="store_true", help="only report whether sorting would change it")

    from reflow_desktop.commands import export as export_command  # small modules, no heavy imports
    from reflow_desktop.commands import importing as import_command

    export_command.add_parser(sub)
    import_command.add_parser(sub)
    from reflow_desktop.commands import envs as envs_command  # small module, no heavy imports

    envs_command.add_parser(sub)
    from reflow_desktop.commands import mcp_url as mcp_url_command  # small module, no heavy imports

    mcp_url_command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reflow` console script."""
    # The app's own modules keep their compiled .pyc even with PYTHONDONTWRITEBYTECODE inherited (as the
    # kernel does for its start-up imports, reflow/kernel/__main__.py): otherwise every command compiles
    # what changed since the last write again. This process never imports the user's code.
    sys.dont_write_bytecode = False
    from reflow_desktop.shell.startup_trace import mark

    mark("cli")
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in SUBCOMMANDS and not args_list[0].startswith("-")):
        args_list.insert(0, "open")
    args = build_parser().parse_args(args_list)
    module = importlib.import_module(f"reflow_desktop.commands.{args.command}")
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
