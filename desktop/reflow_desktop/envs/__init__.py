"""Per-notebook Python environments built with uv from the notebook's PEP 723 block.

Stable entry points (the session calls these from a worker thread; they block):

``ensure_environment(notebook_path, *, progress=None, cache_root=None, rebuild=False) -> Environment``
    The notebook's environment, ``Environment(key, path, python, created)``. The
    key hashes (interpreter, requires-python, dependencies, [tool.uv], lock file
    content); environments live in ``<cache_root>/envs/<key>`` (default cache
    root: ``platformdirs.user_cache_dir("reflow")`` or ``$REFLOW_CACHE_DIR``).
    An existing complete environment is returned without running uv
    (``created=False``); otherwise it is built under a per-key file lock into a
    temporary directory, ipykernel included, and renamed into place on success.
    Notebooks without a block share one default environment. Start the kernel
    with ``[env.python, "-m", "reflow.kernel", "-f", "{connection_file}"]`` and
    Reflow's ``engine/`` on PYTHONPATH.
``add_package(notebook_path, requirement, progress=None) -> list[str]``
``remove_package(notebook_path, name, progress=None) -> list[str]``
``lock(notebook_path, progress=None) -> Path``
    ``uv add|remove|lock --script``: edit the notebook file's block / write
    ``nb.py.lock``. Then re-read the notebook and call ``ensure_environment``.
``distribution_for_import(module)`` / ``install_suggestion(error_text)``
    What to install for a ModuleNotFoundError.
``list_environments(cache_root)`` / ``clean(cache_root, older_than_days=, remove_all=)``
    For ``reflow envs list|clean``.

``progress`` receives one line at a time (uv's own stderr lines plus a few of
ours). Errors: ``EnvError`` (base) → ``PythonNotFoundError`` (``.requirement``,
``.found``), ``EnvBuildError`` / ``PackageEditError`` (``.uv_output``: uv's
stderr text); a broken block raises ``reflow.notebook.NotebookFormatError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflow_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from .build import Environment, ensure_environment
    from .errors import EnvBuildError, EnvError, PackageEditError, PythonNotFoundError, UvCommandError, UvNotFoundError
    from .install_hints import distribution_for_import, install_suggestion, module_from_error
    from .manage import add_package, lock, remove_package
    from .registry import EnvInfo, clean, list_environments

# Every launch imports this package (``enabled``, and the session's ``envs.follow``); building and
# checking an environment needs packaging and filelock (tens of ms): loaded when first asked for,
# on the session's worker thread.
_LAZY = {
    "Environment": "build",
    "ensure_environment": "build",
    **dict.fromkeys(
        ("EnvBuildError", "EnvError", "PackageEditError", "PythonNotFoundError", "UvCommandError", "UvNotFoundError"),
        "errors",
    ),
    **dict.fromkeys(("distribution_for_import", "install_suggestion", "module_from_error"), "install_hints"),
    **dict.fromkeys(("add_package", "lock", "remove_package"), "manage"),
    **dict.fromkeys(("EnvInfo", "clean", "list_environments"), "registry"),
}
__getattr__ = lazy_names(__name__, _LAZY)  # each name from its module, on first use

__all__ = [
    "EnvBuildError",
    "EnvError",
    "EnvInfo",
    "Environment",
    "PackageEditError",
    "PythonNotFoundError",
    "UvCommandError",
    "UvNotFoundError",
    "add_package",
    "clean",
    "distribution_for_import",
    "ensure_environment",
    "install_suggestion",
    "list_environments",
    "lock",
    "module_from_error",
    "remove_package",
]


def enabled() -> bool:
    """Whether notebooks get their own environments (on unless REFLOW_ENVIRONMENTS=0).

    Turning it off runs kernels with the app's own Python: useful for debugging
    the app itself, never needed by users.
    """
    import os

    return os.environ.get("REFLOW_ENVIRONMENTS", "1") != "0"
