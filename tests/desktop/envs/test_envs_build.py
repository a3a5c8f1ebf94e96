"""Building and reusing notebook environments with real uv and small real packages from the index."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import local_wheel

from reflow.notebook import NotebookFormatError
from reflow_desktop.envs import EnvBuildError, PythonNotFoundError, ensure_environment, lock
from reflow_desktop.envs import build as build_module
from reflow_desktop.envs import pythons as pythons_module
from reflow_desktop.envs.layout import MARKER, envs_dir, is_complete

pytestmark = pytest.mark.uv
NONEXISTENT = "this-package-does-not-exist-reflow-xyz"


def imports(python: Path, *modules: str) -> bool:
    code = "; ".join(f"import {m}" for m in modules)
    return subprocess.run([str(python), "-c", code], capture_output=True).returncode == 0


def no_uv(*args: object, **kwargs: object) -> None:
    raise AssertionError("uv must not run when the environment exists")


def leftovers(cache_root: Path) -> list[str]:
    return [p.name for p in envs_dir(cache_root).iterdir() if p.name.startswith((".tmp-", ".trash-"))]


def test_build_then_reopen_without_uv(make_notebook, cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = make_notebook(dependencies=["six"])
    lines: list[str] = []
    env = ensure_environment(nb, progress=lines.append, cache_root=cache_root)
    assert env.created and env.path == envs_dir(cache_root) / env.key and env.path.is_absolute()
    assert imports(env.python, "six", "ipykernel")
    assert any("six" in line for line in lines)  # uv's own lines are streamed
    assert not leftovers(cache_root)

    monkeypatch.setattr(build_module, "run_uv", no_uv)
    monkeypatch.setattr(pythons_module, "run_uv", no_uv)
    again = ensure_environment(nb, progress=lines.append, cache_root=cache_root)
    assert not again.created and (again.key, again.path, again.python) == (env.key, env.path, env.python)


def test_changed_dependencies_get_a_new_environment(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    first = ensure_environment(nb, cache_root=cache_root)
    make_notebook(dependencies=["six", "iniconfig"])
    second = ensure_environment(nb, cache_root=cache_root)
    assert second.created and second.key != first.key
    assert imports(second.python, "six", "iniconfig", "ipykernel")
    assert imports(first.python, "six") and not imports(first.python, "iniconfig")  # old one untouched


def test_lock_file_changes_the_key_and_is_used(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    unlocked = ensure_environment(nb, cache_root=cache_root)
    lock_path = lock(nb)
    assert lock_path == nb.with_name("nb.py.lock") and "six" in lock_path.read_text()
    locked = ensure_environment(nb, cache_root=cache_root)
    assert locked.created and locked.key != unlocked.key
    assert imports(locked.python, "six", "ipykernel")
    before = lock_path.read_bytes()
    assert ensure_environment(nb, cache_root=cache_root).key == locked.key
    assert lock_path.read_bytes() == before  # opening never rewrites the user's lock


def test_stale_lock_is_reported_not_rewritten(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    lock(nb)
    before = nb.with_name("nb.py.lock").read_bytes()
    make_notebook(dependencies=["six", "iniconfig"])
    with pytest.raises(EnvBuildError) as info:
        ensure_environment(nb, cache_root=cache_root)
    assert "--locked" in info.value.uv_output and "lock again" in str(info.value)
    assert nb.with_name("nb.py.lock").read_bytes() == before


def test_unresolvable_dependency_keeps_previous_environment(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    good = ensure_environment(nb, cache_root=cache_root)
    make_notebook(dependencies=["six", NONEXISTENT])
    lines: list[str] = []
    with pytest.raises(EnvBuildError) as info:
        ensure_environment(nb, progress=lines.append, cache_root=cache_root)
    assert NONEXISTENT in info.value.uv_output and NONEXISTENT in str(info.value)
    assert any(NONEXISTENT in line for line in lines)  # streamed live as well
    assert not leftovers(cache_root)
    assert [p.name for p in envs_dir(cache_root).iterdir() if not p.name.startswith(".")] == [good.key]
    assert imports(good.python, "six", "ipykernel")
    make_notebook(dependencies=["six"])
    back = ensure_environment(nb, cache_root=cache_root)
    assert not back.created and back.key == good.key and back.path == good.path


def test_missing_python_is_a_clear_error(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"], requires_python=">=3.99")
    with pytest.raises(PythonNotFoundError) as info:
        ensure_environment(nb, cache_root=cache_root)
    message = str(info.value)
    assert ">=3.99" in message and "no installed Python satisfies it" in message
    assert info.value.found and "3." in message  # names what was found


def test_broken_block_is_a_format_error(tmp_path: Path, cache_root: Path) -> None:
    nb = tmp_path / "broken.py"
    nb.write_text('# /// script\n# dependencies = ["six",\n# ///\n# %%\nx = 1\n')
    with pytest.raises(NotebookFormatError) as info:
        ensure_environment(nb, cache_root=cache_root)
    assert info.value.lineno is not None and "line" in str(info.value)


def test_notebooks_without_block_share_the_default_environment(make_notebook, cache_root: Path) -> None:
    a = ensure_environment(make_notebook("a.py", dependencies=None, body="x = 1\n"), cache_root=cache_root)
    b = ensure_environment(make_notebook("b.py", dependencies=None, body="y = 2\n"), cache_root=cache_root)
    assert a.created and not b.created and a.path == b.path
    assert imports(a.python, "ipykernel")


def test_concurrent_threads_build_once(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    results, errors = [], []

    def open_it() -> None:
        try:
            results.append(ensure_environment(nb, cache_root=cache_root))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.created for r in results) == 1
    assert len({r.path for r in results}) == 1


def test_concurrent_processes_build_once(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six", "tomli"])
    code = (
        "import sys; from pathlib import Path; from reflow_desktop.envs import ensure_environment; "
        "e = ensure_environment(Path(sys.argv[1]), cache_root=Path(sys.argv[2])); print(e.created, e.key)"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(nb), str(cache_root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outs = [p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    flags = [out.split() for out, _ in outs]
    assert sorted(f[0] for f in flags) == ["False", "False", "True"]
    assert len({f[1] for f in flags}) == 1


def test_rebuild_swaps_in_a_fresh_copy(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    env = ensure_environment(nb, cache_root=cache_root)
    (env.path / "junk").write_text("x")
    again = ensure_environment(nb, cache_root=cache_root, rebuild=True)
    assert again.created and again.path == env.path and not (env.path / "junk").exists()
    assert imports(again.python, "six", "ipykernel") and not leftovers(cache_root)


# --- early kernel: the build says when a kernel may start, and what changed after -----------------------


def early_probe() -> tuple[list[tuple[Path, bool, bool, bool]], Callable[[Path], None]]:
    """A ``kernel_early`` that records, when called: the interpreter, whether the environment is complete
    yet, whether ipykernel imports from it and whether six does (the notebook's package)."""
    seen: list[tuple[Path, bool, bool, bool]] = []

    def early(python: Path) -> None:
        seen.append((python, is_complete(python.parent.parent), imports(python, "ipykernel"), imports(python, "six")))

    return seen, early


def test_kernel_may_start_in_place_before_the_notebooks_packages(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    seen, early = early_probe()
    env = ensure_environment(nb, cache_root=cache_root, kernel_early=early)
    # called once, with the final interpreter (a kernel cannot follow a rename), ipykernel there, six not yet
    assert seen == [(env.python, False, True, False)]
    assert env.created and env.early_kernel_usable and env.added_pth == ()
    assert imports(env.python, "six") and is_complete(env.path) and not leftovers(cache_root)
    seen.clear()
    again = ensure_environment(nb, cache_root=cache_root, kernel_early=early)  # reused: no build, no call
    assert not again.created and seen == [] and not again.early_kernel_usable


def test_no_early_kernel_without_packages_of_its_own_or_on_rebuild(make_notebook, cache_root: Path) -> None:
    seen, early = early_probe()
    ensure_environment(make_notebook("plain.py", dependencies=None), cache_root=cache_root, kernel_early=early)
    nb = make_notebook(dependencies=["six"])
    ensure_environment(nb, cache_root=cache_root)
    ensure_environment(nb, cache_root=cache_root, rebuild=True, kernel_early=early)  # the old one may be in use
    assert seen == []


def test_replacing_a_kernel_package_makes_the_early_kernel_unusable(
    make_notebook, cache_root: Path, tmp_path: Path
) -> None:
    """The notebook pins a package ipykernel's install brought (another version): a kernel started before
    may have the old one imported, so it must not be used."""
    wheel = local_wheel(tmp_path, "tzdata", "1.0.0", {"tzdata/__init__.py": "IANA_VERSION = 'reflow-test'\n"})
    nb = make_notebook(dependencies=[f"tzdata @ {wheel.as_uri()}"], body="import tzdata\n")
    seen, early = early_probe()
    env = ensure_environment(nb, cache_root=cache_root, kernel_early=early)
    assert len(seen) == 1 and not env.early_kernel_usable
    assert imports(env.python, "tzdata") and not leftovers(cache_root)


def test_pth_files_installed_after_the_early_start_are_named(make_notebook, cache_root: Path, tmp_path: Path) -> None:
    wheel = local_wheel(
        tmp_path, "pth-demo", "1.0", {"pth_demo.pth": "import os\n", "pth_demo/__init__.py": "WHAT = 'demo'\n"}
    )
    nb = make_notebook(dependencies=["six", f"pth-demo @ {wheel.as_uri()}"])
    seen, early = early_probe()
    env = ensure_environment(nb, cache_root=cache_root, kernel_early=early)
    assert len(seen) == 1 and env.early_kernel_usable
    assert [Path(p).name for p in env.added_pth] == ["pth_demo.pth"]
    assert all(Path(p).parent.parent.parent.parent == env.path and Path(p).is_file() for p in env.added_pth)


def test_failed_in_place_build_leaves_nothing(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=[NONEXISTENT])
    seen, early = early_probe()
    with pytest.raises(EnvBuildError, match=NONEXISTENT):
        ensure_environment(nb, cache_root=cache_root, kernel_early=early)
    assert len(seen) == 1  # the kernel may have started; its caller stops it
    assert not seen[0][0].parent.parent.exists() and not leftovers(cache_root)


def test_an_in_place_build_cut_short_is_rebuilt(make_notebook, cache_root: Path) -> None:
    """The app died mid-build: the key's folder exists without its marker; the next open builds it anew."""
    nb = make_notebook(dependencies=["six"])
    seen, early = early_probe()
    first = ensure_environment(nb, cache_root=cache_root, kernel_early=early)
    (first.path / MARKER).unlink()
    (first.path / "half-written").write_text("x")
    again = ensure_environment(nb, cache_root=cache_root, kernel_early=early)
    assert again.created and again.path == first.path and is_complete(again.path)
    assert not (again.path / "half-written").exists() and imports(again.python, "six") and not leftovers(cache_root)
    assert [python for python, *_ in seen] == [first.python, again.python]  # each build, its kernel early
