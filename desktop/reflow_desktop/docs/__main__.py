"""``python -m reflow_desktop.docs [--check]``: (re)write ``docs/api.md`` from the docstrings."""

from __future__ import annotations

import sys
from pathlib import Path

from reflow_desktop.docs import reference, render_markdown
from reflow_desktop.docs.gallery import examples

API_MD = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def generated() -> str:
    return render_markdown(reference(), examples())


def main(argv: list[str]) -> int:
    text = generated()
    if "--check" in argv:
        current = API_MD.read_text(encoding="utf-8") if API_MD.is_file() else ""
        if current != text:
            print(f"{API_MD} is out of date: run python -m reflow_desktop.docs", file=sys.stderr)
            return 1
        return 0
    from reflow.notebook import atomic_write_text

    atomic_write_text(API_MD, text)
    print(f"wrote {API_MD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
