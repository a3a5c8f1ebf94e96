"""Write the protocol's derived files: docs/protocol.schema.json and docs/protocol.md's tables.

``python -m reflow_desktop.protocol.generate`` (``--check`` changes nothing and exits 1
when a file is out of date). The UI build runs it through ``ui/scripts/gen-protocol.mjs``,
which then turns the schema into ``ui/src/protocol.generated.ts``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reflow_desktop.protocol.docs import render_docs
from reflow_desktop.protocol.schema import schema_text

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PATH = ROOT / "docs" / "protocol.schema.json"
DOCS_PATH = ROOT / "docs" / "protocol.md"


def expected_files() -> dict[Path, str]:
    """Each derived file with the text the definition gives it now."""
    return {SCHEMA_PATH: schema_text(), DOCS_PATH: render_docs(DOCS_PATH.read_text(encoding="utf-8"))}


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    stale = []
    for path, text in expected_files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not check:
            path.write_text(text, encoding="utf-8")
            print(f"protocol: wrote {path.relative_to(ROOT)}")
    if check and stale:
        print(
            "protocol: out of date (run `cd ui && npm run gen:protocol`): "
            + ", ".join(str(p.relative_to(ROOT)) for p in stale),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
