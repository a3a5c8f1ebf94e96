"""`reflow check nb.py …`: report what would stop a notebook from running, with stable codes.

Text output is one ``file:line: error: message [RFnnn]`` (or ``warning:``) per problem;
``--format json`` prints one JSON document (docs/check.md) for editors and CI; ``--fix`` applies
the safe fixes first (check_fix) and reports what is left. Redefinitions are not errors: a reader
reads the nearest definition above it, as ``python nb.py`` does.

Exit codes: 0 no errors (warnings allowed), 1 errors remain (or a file could not be read),
2 bad command-line usage (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys

from ._load import LoadedNotebook, try_load
from .check_fix import apply_fixes
from .check_rules import Diagnostic, diagnostics


def problems(nb: LoadedNotebook) -> list[tuple[int, str]]:
    """The errors (not warnings) as (file line, message), in file order."""
    return [(d.line, d.message) for d in diagnostics(nb) if d.severity == "error"]


def _text(path: str, diag: Diagnostic) -> str:
    first, _, rest = diag.message.partition("\n")
    return f"{path}:{diag.line}: {diag.severity}: {first} [{diag.code}]" + (f"\n{rest}" if rest else "")


def run(args: argparse.Namespace) -> int:
    """Check every named notebook; 0 when no errors remain, 1 otherwise."""
    fmt = getattr(args, "format", "text")
    status = 0
    report: list[dict[str, object]] = []
    fixes: list[str] = []
    for path in args.notebooks:
        found = try_load(path)
        if not isinstance(found, LoadedNotebook):
            status = 1
            unreadable = Diagnostic("RF000", found[0], found[1])
            if fmt == "json":
                report.append(unreadable.to_json(path))
            else:
                print(_text(path, unreadable))
            continue
        nb = found
        if getattr(args, "fix", False):
            nb, applied = apply_fixes(nb)
            fixes.extend(applied)
        for diag in diagnostics(nb):
            if diag.severity == "error":
                status = 1
            if fmt == "json":
                report.append(diag.to_json(path))
            else:
                print(_text(path, diag))
    if fmt == "json":
        json.dump({"version": 1, "problems": report, "fixed": fixes}, sys.stdout, indent=2)
        print()
    else:
        for line in fixes:
            print(f"fixed: {line}", file=sys.stderr)
    return status
