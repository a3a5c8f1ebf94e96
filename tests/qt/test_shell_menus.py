"""The desktop app's native menus, read from the real QMenu (one app subprocess per scenario)."""

from __future__ import annotations

from pathlib import Path

import pytest
from qt.shell_run import run_scenario  # type: ignore[import-not-found]  # tests/ is on pytest's path, not mypy's

pytest.importorskip("webview")
pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt


def test_open_recent_tells_same_named_notebooks_apart(tmp_path: Path) -> None:
    from reflow_desktop.recent import RecentList

    work, play = tmp_path / "work" / "demo" / "intro.py", tmp_path / "play" / "demo" / "intro.py"
    other = tmp_path / "work" / "other.py"
    for p in (work, play, other):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("# %%\nx = 1\n")
    recent = RecentList(tmp_path / "data" / "recent.json")
    recent.add(work, when=1)
    recent.add(play, when=2)
    recent.add(other, when=3)
    r = run_scenario("recent_menu", tmp_path)
    files = [i for i in r["items"] if i["status"]]  # Qt gives every action a tooltip, not a status tip
    assert [i["text"] for i in files] == ["other.py", "intro.py — play/demo", "intro.py — work/demo"]
    assert [i["tip"] for i in files] == [str(other.resolve()), str(play.resolve()), str(work.resolve())]
    assert [i["status"] for i in files] == [i["tip"] for i in files]
    assert all(i["enabled"] for i in files)
