"""The notebook's environment, rebuilt on an SSH host with uv: same recipe, same key as locally.

The key is ``envs.key.environment_key`` over the notebook's spec (PEP 723 block and lock file, read
here) and the host's interpreter (found there by ``uv python find``, identified by its real path and
stat, as locally). Only the block and the lock file travel, never the cells. The build follows
``envs/build.py``: ``uv venv --relocatable`` into a temporary directory, ipykernel (from uv's cache
first), ``uv sync --script --active --inexact`` (``--locked`` with a lock file), then the marker and
a rename into ``<base>/envs/<key>``; a failed build leaves nothing behind.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

from reflow.notebook import read_notebook
from reflow_desktop.envs.key import IPYKERNEL_REQUIREMENT, environment_key
from reflow_desktop.envs.layout import MARKER
from reflow_desktop.envs.pythons import Interpreter, python_request
from reflow_desktop.envs.spec import lock_file, read_spec
from reflow_desktop.remote.ssh_connection import Progress, SshConnection, SshError

_FIND_PYTHON = """
PY=$("$1" python find --no-project "$2") || exit 4
"$PY" -c 'import json, os, sys
p = os.path.realpath(sys.argv[1]); st = os.stat(p)
print(json.dumps({"path": p, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))' "$PY"
"""
_READY = f'test -f "$1/{MARKER}" && test -x "$1/bin/python" && echo yes || echo no'
_PUT = 'mkdir -p "$(dirname "$1")" && cat > "$1"'
# $1 uv, $2 interpreter, $3 target env dir, $4 notebook copy ("" = no sync), $5 "--locked" or "", $6 marker json
_BUILD = """
set -e
UV="$1"; PY="$2"; TARGET="$3"; NB="$4"; LOCKED="$5"
TMP="$TARGET.tmp.$$"
trap 'rm -rf "$TMP"' EXIT
echo "Creating environment $(basename "$TARGET") with $PY" >&2
"$UV" venv --relocatable --no-project --quiet --python "$PY" "$TMP"
echo "Installing ipykernel" >&2
"$UV" pip install --python "$TMP/bin/python" --offline "$IPYKERNEL" 2>/dev/null \
  || "$UV" pip install --python "$TMP/bin/python" "$IPYKERNEL"
if [ -n "$NB" ]; then
  echo "Installing the notebook's packages" >&2
  (cd "$(dirname "$NB")" && VIRTUAL_ENV="$TMP" "$UV" sync --script "$NB" --active --inexact --python "$PY" $LOCKED)
fi
printf '%s' "$6" > "$TMP/{MARKER}"
if [ -e "$TARGET" ]; then rm -rf "$TMP"; else mv "$TMP" "$TARGET"; fi
trap - EXIT
"""


@dataclass(frozen=True)
class RemoteEnvironment:
    key: str
    path: str
    python: str
    created: bool


async def find_interpreter(conn: SshConnection, uv: str, requires_python: str | None) -> Interpreter:
    """The host's base interpreter for the notebook, identified as ``envs.pythons`` does locally."""
    out = (await conn.run(_FIND_PYTHON, uv, python_request(requires_python))).stdout
    try:
        found = json.loads(out.strip().splitlines()[-1])
        return Interpreter(Path(str(found["path"])), int(found["size"]), int(found["mtime_ns"]))
    except (IndexError, KeyError, TypeError, ValueError):
        raise SshError(f"{conn.host}: could not identify the Python uv found ({out.strip()!r})") from None


async def ensure_remote_environment(
    conn: SshConnection, uv: str, base: str, notebook: Path, progress: Progress | None = None
) -> RemoteEnvironment:
    """The notebook's environment on the host, built there if it is not yet."""
    spec = read_spec(notebook)
    interp = await find_interpreter(conn, uv, spec.requires_python)
    key = environment_key(spec, interp)
    target = f"{base}/envs/{key}"
    python = f"{target}/bin/python"
    if (await conn.run(_READY, target)).stdout.strip() == "yes":
        return RemoteEnvironment(key, target, python, created=False)
    nb_copy = ""
    locked = ""
    if spec.needs_sync:
        md = read_notebook(notebook).metadata
        assert md is not None  # needs_sync implies a block
        nb_copy = f"{base}/work/{key}/{notebook.name}"
        await conn.run(_PUT, nb_copy, stdin=(md.raw.rstrip("\n") + "\n").encode())
        lock = lock_file(notebook)
        if lock.exists():
            await conn.run(_PUT, nb_copy + ".lock", stdin=lock.read_bytes())
            locked = "--locked"
    marker = json.dumps(
        {
            "key": key,
            "python": str(interp.path),
            "requires_python": spec.requires_python,
            "dependencies": list(spec.dependencies),
            "lock_sha256": spec.lock_sha256,
            "notebook": str(notebook),
        }
    )
    script = f"IPYKERNEL={shlex.quote(IPYKERNEL_REQUIREMENT)}\n" + _BUILD.replace("{MARKER}", MARKER)
    await conn.run(script, uv, str(interp.path), target, nb_copy, locked, marker, progress=progress)
    return RemoteEnvironment(key, target, python, created=True)
