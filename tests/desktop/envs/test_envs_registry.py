"""`reflow envs list|clean` over environments in a temporary cache."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from reflow_desktop.cli import main
from reflow_desktop.envs import clean, ensure_environment, list_environments
from reflow_desktop.envs.layout import MARKER, USAGE, env_python, envs_dir

DAY = 86400


def fake_env(cache_root: Path, key: str, *, last_used: float, notebooks: list[str] = (), deps=("six",)) -> Path:
    """A complete-looking environment without running uv (marker + interpreter link)."""
    env = envs_dir(cache_root) / key
    python = env_python(env)
    python.parent.mkdir(parents=True)
    os.symlink(sys.executable, python)
    (env / "payload.bin").write_bytes(b"x" * 5000)
    (env / MARKER).write_text(
        json.dumps({"key": key, "created": last_used, "python_version": "3.11.7", "dependencies": list(deps)})
    )
    (env / USAGE).write_text(json.dumps({"last_used": last_used, "notebooks": list(notebooks)}))
    return env


def test_list_reports_size_last_use_and_key(cache_root: Path) -> None:
    now = time.time()
    fake_env(cache_root, "old0000000000000", last_used=now - 30 * DAY)
    fake_env(cache_root, "new0000000000000", last_used=now)
    infos = list_environments(cache_root)
    assert [i.key for i in infos] == ["new0000000000000", "old0000000000000"]
    assert all(i.size >= 5000 and i.complete and i.python_version == "3.11.7" for i in infos)


def test_clean_older_than_and_all(cache_root: Path) -> None:
    now = time.time()
    fake_env(cache_root, "old0000000000000", last_used=now - 30 * DAY)
    fake_env(cache_root, "new0000000000000", last_used=now)
    assert [i.key for i in clean(cache_root, older_than_days=7, dry_run=True)] == ["old0000000000000"]
    assert len(list_environments(cache_root)) == 2
    assert [i.key for i in clean(cache_root, older_than_days=7)] == ["old0000000000000"]
    assert [i.key for i in list_environments(cache_root)] == ["new0000000000000"]
    assert [i.key for i in clean(cache_root, remove_all=True)] == ["new0000000000000"]
    assert list_environments(cache_root) == []


def test_clean_default_removes_unreferenced_and_leftovers(cache_root: Path, tmp_path: Path) -> None:
    now = time.time()
    fake_env(cache_root, "gone000000000000", last_used=now, notebooks=[str(tmp_path / "deleted.py")])
    leftover = envs_dir(cache_root) / ".tmp-abc-1-2"
    leftover.mkdir()
    os.utime(leftover, (now - 2 * 3600, now - 2 * 3600))
    assert [i.key for i in clean(cache_root)] == ["gone000000000000"]
    assert not leftover.exists()


@pytest.mark.uv
def test_clean_keeps_environments_notebooks_still_use(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    env = ensure_environment(nb, cache_root=cache_root)
    make_notebook(dependencies=["six", "iniconfig"])
    newer = ensure_environment(nb, cache_root=cache_root)
    removed = clean(cache_root)
    assert [i.key for i in removed] == [env.key]
    assert [i.key for i in list_environments(cache_root)] == [newer.key]


def test_cli_list_and_clean(cache_root: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(cache_root))
    assert main(["envs", "list"]) == 0
    assert "no environments" in capsys.readouterr().out
    fake_env(cache_root, "old0000000000000", last_used=time.time() - 30 * DAY)
    assert main(["envs", "list"]) == 0
    out = capsys.readouterr().out
    assert "old0000000000000" in out and "30 days ago" in out and "six" in out
    assert main(["envs", "clean", "--older-than", "7"]) == 0
    assert "removed 1 environment" in capsys.readouterr().out
    assert not (envs_dir(cache_root) / "old0000000000000").exists()
    fake_env(cache_root, "any0000000000000", last_used=time.time())
    assert main(["envs", "--cache-dir", str(cache_root), "clean", "--all"]) == 0
    assert list_environments(cache_root) == []
