"""What a remote host needs before it can run a Reflow kernel: uv, and this app's engine.

Both go under one base directory in the remote user's home (``~/.cache/reflow-remote``):
``bin/uv`` and ``engine/<version>/reflow``. Nothing is installed system-wide, nothing comes from
GitHub.

uv, in order: the one already in ``bin/``; a copy of this app's own uv binary when the host's OS
and CPU match ours (works with no network at all, and the same uv version builds the same way on
both ends); else the ``uv`` wheel from PyPI, fetched and unpacked by the host's ``python3`` with the
standard library only (no pip needed, so Debian's externally-managed Python is no obstacle; the
wheel's sha256 from PyPI's JSON API is checked). ``pip install --user uv`` was not chosen: PEP 668
systems refuse it, and it changes the user's own site-packages.

The engine ships as a tarball of ``engine/reflow`` (sources only) to a directory named after a hash
of its files: a changed engine is a new directory, an unchanged one is never copied again.
"""

from __future__ import annotations

import hashlib
import io
import platform
import tarfile
from pathlib import Path

from reflow_desktop.remote.ssh_connection import Progress, SshConnection, SshError

BASE_DIR = ".cache/reflow-remote"  # relative to the remote user's home

_UV_CHECK = 'test -x "$1" && "$1" --version >/dev/null 2>&1 && echo yes || echo no'
_PUT_EXECUTABLE = 'mkdir -p "$(dirname "$1")" && cat > "$1.tmp.$$" && chmod 755 "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"'
# Runs on the host with its python3 (stdlib only): the uv wheel for this platform from PyPI.
_UV_FROM_PYPI = r"""
import hashlib, io, json, os, platform, sys, urllib.parse, urllib.request, zipfile
target = sys.argv[1]
machine = platform.machine().lower()
system = platform.system()
arch = {"amd64": "x86_64", "arm64": "aarch64" if system == "Linux" else "arm64"}.get(machine, machine)
if system == "Linux":
    libc = platform.libc_ver()[0] or "musl"
    tags = [f"manylinux_2_17_{arch}", f"manylinux2014_{arch}"] if libc == "glibc" else [f"musllinux_1_1_{arch}"]
elif system == "Darwin":
    tags = ["macosx_10_12_x86_64"] if arch == "x86_64" else ["macosx_11_0_arm64"]
else:
    sys.exit(f"no uv wheel for {system}")
index = "https://pypi.org/pypi/uv/json"
meta = json.load(urllib.request.urlopen(index, timeout=60))
for f in meta["urls"]:
    if f["packagetype"] == "bdist_wheel" and any(t in f["filename"] for t in tags):
        break
else:
    sys.exit(f"no uv wheel on PyPI for {system} {arch}")
print(f"Downloading {f['filename']} from PyPI", file=sys.stderr, flush=True)
data = urllib.request.urlopen(urllib.parse.urljoin(index, f["url"]), timeout=300).read()  # mirrors answer relative
if hashlib.sha256(data).hexdigest() != f["digests"]["sha256"]:
    sys.exit("the uv wheel's sha256 does not match PyPI's")
with zipfile.ZipFile(io.BytesIO(data)) as z:
    name = next(n for n in z.namelist() if n.endswith(".data/scripts/uv"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target + ".tmp", "wb") as out:
        out.write(z.read(name))
os.chmod(target + ".tmp", 0o755)
os.replace(target + ".tmp", target)
"""
_ENGINE_UNPACK = (
    'test -f "$1/.complete" && exit 0; tmp="$1.tmp.$$"; mkdir -p "$tmp" && tar -xzf - -C "$tmp" '
    '&& touch "$tmp/.complete" && mv -f "$tmp" "$1" 2>/dev/null || rm -rf "$tmp"; test -f "$1/.complete"'
)


async def remote_home(conn: SshConnection) -> str:
    home = (await conn.run('printf %s "$HOME"')).stdout.strip()
    if not home.startswith("/"):
        raise SshError(f"{conn.host}: the remote $HOME is not an absolute path ({home!r})")
    return home


def local_platform() -> tuple[str, str]:
    """(``uname -s``, ``uname -m``) of this machine, as the remote reports its own."""
    return platform.system(), platform.machine()


async def ensure_uv(conn: SshConnection, base: str, how: str = "auto", progress: Progress | None = None) -> str:
    """The path of a working uv on the host (installed into ``base/bin`` if missing).

    ``how``: ``auto`` (copy when the platform matches, else PyPI), ``copy`` or ``pypi``.
    """
    target = f"{base}/bin/uv"
    if (await conn.run(_UV_CHECK, target)).stdout.strip() == "yes":
        return target
    say = progress or (lambda line: None)
    uname = (await conn.run("uname -s; uname -m")).stdout.split()
    if how in ("auto", "copy") and tuple(uname[:2]) == local_platform():
        from reflow_desktop.envs.uv import find_uv

        say(f"Copying uv to {conn.host}")
        await conn.run(_PUT_EXECUTABLE, target, stdin=find_uv().read_bytes())
        if (await conn.run(_UV_CHECK, target)).stdout.strip() == "yes":
            return target
        if how == "copy":
            raise SshError(f"{conn.host}: the copied uv binary does not run there")
    say(f"Installing uv on {conn.host} from PyPI")
    await conn.run('python3 - "$1"', target, stdin=_UV_FROM_PYPI.encode(), progress=progress)
    if (await conn.run(_UV_CHECK, target)).stdout.strip() != "yes":
        raise SshError(f"{conn.host}: uv was installed but does not run")
    return target


def engine_tarball(engine_dir: Path) -> tuple[str, bytes]:
    """(version, .tar.gz bytes) of ``engine_dir/reflow``: its source files, no caches."""
    files = sorted(
        p
        for p in (engine_dir / "reflow").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    digest = hashlib.sha256()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=6) as tar:
        for path in files:
            rel = path.relative_to(engine_dir).as_posix()
            data = path.read_bytes()
            digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return digest.hexdigest()[:16], buf.getvalue()


async def ship_engine(conn: SshConnection, base: str, engine_dir: Path) -> str:
    """The remote directory to put on the kernel's PYTHONPATH (copied only when it is new)."""
    version, data = engine_tarball(engine_dir)
    target = f"{base}/engine/{version}"
    if (await conn.run('test -f "$1/.complete" && echo yes || echo no', target)).stdout.strip() != "yes":
        await conn.run(_ENGINE_UNPACK, target, stdin=data)
    return target
