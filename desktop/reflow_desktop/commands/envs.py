"""`reflow envs list` and `reflow envs clean`: see and reclaim the per-notebook environments.

`clean` with no option removes environments no notebook maps to any more (the
notebook was deleted or its packages changed); ``--older-than DAYS`` removes
those unused for that long; ``--all`` removes every one (they are rebuilt on
the next open, quickly from uv's cache).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `envs list|clean` (called from cli.build_parser)."""
    p = sub.add_parser("envs", help="list or clean the notebooks' Python environments")
    p.add_argument("--cache-dir", type=Path, default=None, help=argparse.SUPPRESS)
    actions = p.add_subparsers(dest="envs_command", metavar="ACTION")
    actions.add_parser("list", help="show environments with size, last use and key")
    c = actions.add_parser("clean", help="remove unreferenced (default), old or all environments")
    c.add_argument("--older-than", type=float, metavar="DAYS", help="remove those not used for DAYS days")
    c.add_argument("--all", action="store_true", help="remove every environment")
    c.add_argument("--dry-run", action="store_true", help="only print what would be removed")


def run(args: argparse.Namespace) -> int:
    # Imported here: build_parser() imports this module for every subcommand.
    from reflow_desktop.envs import clean, list_environments
    from reflow_desktop.envs.layout import default_cache_root, envs_dir

    root = args.cache_dir or default_cache_root()
    if getattr(args, "envs_command", None) == "clean":
        removed = clean(root, older_than_days=args.older_than, remove_all=args.all, dry_run=args.dry_run)
        verb = "would remove" if args.dry_run else "removed"
        for info in removed:
            print(f"{verb} {info.key}  {_size(info.size)}  {_deps(info.dependencies)}")
        total = sum(i.size for i in removed)
        print(f"{verb} {len(removed)} environment{'s' if len(removed) != 1 else ''} ({_size(total)})")
        return 0
    infos = list_environments(root)
    if not infos:
        print(f"no environments in {envs_dir(root)}")
        return 0
    now = time.time()
    rows = [("KEY", "SIZE", "LAST USED", "PYTHON", "PACKAGES", "NOTEBOOK")]
    for i in infos:
        rows.append(
            (
                i.key + ("" if i.complete else " (incomplete)"),
                _size(i.size),
                _ago(now, i.last_activity),
                i.python_version or "?",
                _deps(i.dependencies),
                i.notebooks[0] if i.notebooks else "",
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=False)) + "  " + r[-1])  # last column: as is
    print(
        f"{len(infos)} environment{'s' if len(infos) != 1 else ''}, {_size(sum(i.size for i in infos))} "
        f"in {envs_dir(root)}"
    )
    return 0


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _ago(now: float, then: float) -> str:
    secs = max(0.0, now - then)
    if secs < 3600:
        return f"{secs / 60:.0f} min ago"
    if secs < 86400:
        return f"{secs / 3600:.0f} h ago"
    return f"{secs / 86400:.0f} days ago"


def _deps(deps: list[str]) -> str:
    text = ", ".join(deps) if deps else "(default)"
    return text if len(text) <= 40 else text[:37] + "..."
