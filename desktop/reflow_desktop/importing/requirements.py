"""Requirements named by install commands in notebook cells: ``!pip install``, ``%pip``, ``%conda``, ``uv``.

Each argument is read as a PEP 508 requirement with ``packaging``; flags are
skipped (with their values), requirement files, local paths and bare URLs are
reported instead of guessed at, and conda's ``name=1.2`` becomes ``name==1.2.*``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

# Options that take a value (``-r file``, ``--index-url URL``): the value is not a package.
_PIP_VALUE_FLAGS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--src",
        "--python",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--trusted-host",
        "--progress-bar",
        "--cache-dir",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--global-option",
        "--config-settings",
        "-C",
        "--upgrade-strategy",
        "--only-binary",
        "--no-binary",
        "--index",
        "--default-index",
        "--group",
        "--extra",
        "--with",
        "--script",
    }
)
_CONDA_VALUE_FLAGS = frozenset(
    {"-c", "--channel", "-n", "--name", "-p", "--prefix", "--file", "--repodata-fn", "--solver"}
)
_FILE_FLAGS = {"pip": frozenset({"-r", "--requirement", "-c", "--constraint"}), "conda": frozenset({"--file"})}
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
# Installed anyway or not a library of the notebook.
_TOOLING = frozenset({"pip", "setuptools", "wheel", "uv", "python", "ipykernel", "jupyter", "notebook"})
# conda package names that differ on PyPI; conda-only packages (no PyPI equivalent) map to None.
_CONDA_TO_PYPI: dict[str, str | None] = {
    "pytorch": "torch",
    "py-xgboost": "xgboost",
    "python-graphviz": "graphviz",
    "py-opencv": "opencv-python",
    "pytorch-cuda": None,
    "cudatoolkit": None,
    "cpuonly": None,
    "nodejs": None,
    "r-base": None,
    "mkl": None,
    "libgcc": None,
    "cudnn": None,
}
_CONDA_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)=(?!=)([^=\s]+)(?:=\S+)?$")


@dataclass
class Installs:
    """What one command installs: requirement strings, and notes about what was left out."""

    requirements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _words(command: str) -> list[str]:
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        return list(lexer)
    except ValueError:  # unbalanced quotes: plain split
        return command.split()


def _commands(words: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for w in words:
        if w in _SEPARATORS:
            out.append([])
        else:
            out[-1].append(w)
    return [c for c in out if c]


# What may come before ``pip``: ``sudo``, ``python3 -m``, ``{sys.executable} -m``, ``VAR=x``.
_LAUNCHER = re.compile(r"^(sudo|-m|-[IEsSu]+|\S*python[\d.]*(\.exe)?|\{sys\.executable\}|\$\{?\w+\}?|[A-Z_]+=\S*)$")


def _install_args(words: list[str]) -> tuple[str, list[str]] | None:
    """("pip" | "conda", arguments after ``install``/``add``) for an install command, else None."""
    for i, w in enumerate(words):
        if i and not _LAUNCHER.match(words[i - 1]):
            return None
        base = w.rsplit("/", 1)[-1]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if base in ("pip", "pip3") and nxt == "install":
            return "pip", words[i + 2 :]
        if base == "uv" and nxt == "pip" and words[i + 2 : i + 3] == ["install"]:
            return "pip", words[i + 3 :]
        if base == "uv" and nxt == "add":
            return "pip", words[i + 2 :]
        if base in ("conda", "mamba", "micromamba") and nxt == "install":
            return "conda", words[i + 2 :]
    return None


def _from_conda(word: str) -> str | None:
    """conda spec → PEP 508 text (``numpy=1.21`` → ``numpy==1.21.*``); None for conda-only packages."""
    word = word.split("::", 1)[-1]  # channel::name
    m = _CONDA_PIN.match(word)
    name, rest = (m.group(1), f"=={m.group(2)}" + ("" if m.group(2).endswith("*") else ".*")) if m else (word, "")
    if not m:
        mm = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$", word)
        if not mm:
            return word
        name, rest = mm.group(1), mm.group(2)
    mapped = _CONDA_TO_PYPI.get(name.lower(), name)
    return None if mapped is None else mapped + rest


def install_requirements(command: str) -> Installs | None:
    """The requirements a shell / magic command installs, or None if it installs nothing.

    ``command`` is the text after ``!`` or ``%`` (``pip install -q "pandas>=2"``,
    ``{sys.executable} -m pip install x``, ``conda install -c conda-forge numpy``).
    """
    found: Installs | None = None
    for words in _commands(_words(command)):
        parsed = _install_args(words)
        if parsed is None:
            continue
        found = found or Installs()
        manager, args = parsed
        value_flags = _PIP_VALUE_FLAGS if manager == "pip" else _CONDA_VALUE_FLAGS
        i = 0
        while i < len(args):
            word = args[i]
            i += 1
            if word.startswith("-"):
                flag = word.split("=", 1)[0]
                if flag in value_flags and "=" not in word:
                    value = args[i] if i < len(args) else ""
                    i += 1
                    if flag in _FILE_FLAGS[manager]:
                        found.notes.append(f"requirements file {value!r} not read; add its packages yourself")
                    elif flag in ("-e", "--editable"):
                        found.notes.append(f"editable install {value!r} left out")
                continue
            if i + 1 < len(args) and args[i] == "@":  # name @ url, split by the shell
                word = f"{word} @ {args[i + 1]}"
                i += 2
            found.requirements.extend(_requirement(word, manager, found.notes))
    return found


def _requirement(word: str, manager: str, notes: list[str]) -> list[str]:
    if word.startswith(("$", "{")) or word in (".", ".."):
        notes.append(f"{word!r} is not a package name; left out")
        return []
    text = _from_conda(word) if manager == "conda" else word
    if text is None:
        notes.append(f"conda package {word!r} has no PyPI equivalent; left out")
        return []
    try:
        req = Requirement(text)
    except InvalidRequirement:
        what = (
            "a URL or path without a package name (write name @ URL)"
            if "/" in word or ":" in word
            else "not a valid requirement"
        )
        notes.append(f"{word!r}: {what}; left out")
        return []
    if canonicalize_name(req.name) in _TOOLING:
        return []
    return [str(req)]
