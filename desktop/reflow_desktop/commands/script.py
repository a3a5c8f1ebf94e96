"""`reflow script nb.py`: run a notebook headless, in execution order, in its own environment.

By default the notebook runs in the environment its PEP 723 block describes, built
(or reused) with uv exactly as the app builds it for a kernel: this command builds
it, then runs itself again with that environment's Python (Reflow's engine and this
module on PYTHONPATH, as for kernels). ``--current-python`` runs in the Python that
runs `reflow` instead; so does a run that already happens inside a Reflow
environment, and REFLOW_ENVIRONMENTS=0.

Cell output (printed text and the value of each cell's last expression, formatted as
IPython would print it when IPython is importable, else ``repr``) goes to stdout,
errors to stderr with the file line of the failing cell; the exit code is 1 if any
cell failed or could not run, so it fits CI pipelines. ``--json`` prints one JSON
object per line instead (``{"cell": N, "line": L, "stream": "stdout"|"stderr",
"text": ...}``, ``{..., "result": text}``, ``{..., "error": message}``; N is the
cell's 1-based position in the file), for tools that compare runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ._load import LoadedNotebook, load_or_report
from .script_ipython import HeadlessDisplay, explain_missing_ipython, headless_display

if TYPE_CHECKING:
    from reflow.runtime import CellError

    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

ENV_MARKER = ".reflow-env.json"  # envs.layout.MARKER; read here without importing the envs package


def add_parser(sub: _SubParsers) -> None:
    """The `script` subcommand's arguments."""
    p = sub.add_parser("script", help="run a notebook headless in execution order, in its own environment")
    _add_arguments(p)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("notebook")
    p.add_argument("--trust", action="store_true", help="trust (sign) this notebook and run it even if not yours")
    p.add_argument("--checked-trust", action="store_true", help=argparse.SUPPRESS)  # the environment's child run
    p.add_argument("--json", action="store_true", help="one JSON object per output line, tagged with its cell")
    p.add_argument(
        "--current-python",
        action="store_true",
        help="run in the Python running reflow, not in the notebook's own environment",
    )


class ScriptSink:
    """Writes a headless run to the terminal and remembers which cells failed."""

    def __init__(self, nb: LoadedNotebook, out: TextIO, err: TextIO, display: HeadlessDisplay | None = None) -> None:
        self._nb = nb
        self._out = out  # the real streams, taken before the runtime redirects sys.stdout
        self._err = err
        self._display = display or HeadlessDisplay()
        self.failed: list[str] = []

    def status(self, cell_id: str, status: str) -> None:
        """Statuses matter to an interactive UI, not to a terminal."""

    def clear(self, cell_id: str) -> None:
        """Nothing to clear on a terminal."""

    def stream(self, cell_id: str, name: str, text: str) -> None:
        (self._err if name == "stderr" else self._out).write(text)
        (self._err if name == "stderr" else self._out).flush()

    def output(self, cell_id: str, value: object) -> None:
        self._out.write(f"{self._display.text(value)}\n")
        self._out.flush()

    def error(self, cell_id: str, error: CellError) -> None:
        self.failed.append(cell_id)
        where = self._nb.where(cell_id)
        self._err.write(f"{where}: error: {self._cell_name(cell_id)}: {self._message(error)}\n")
        if error.traceback:
            self._err.write(error.traceback.rstrip("\n") + "\n")
        self._err.flush()

    def _message(self, error: CellError) -> str:
        return explain_missing_ipython(error.message, self._display.shell is not None)

    def _cell_name(self, cell_id: str) -> str:
        """ "cell 3": the cell's number in the file (markdown cells count), as the editor shows it."""
        ids = [c.id for c in self._nb.notebook.cells]
        return f"cell {ids.index(cell_id) + 1}" if cell_id in ids else "cell"

    def run_finished(self, ran: list[str]) -> None:
        """A terminal run reports as it goes."""


class JsonScriptSink(ScriptSink):
    """The same run as JSON lines on stdout, each tagged with its cell, for tools that compare runs."""

    def __init__(self, nb: LoadedNotebook, out: TextIO, err: TextIO, display: HeadlessDisplay | None = None) -> None:
        super().__init__(nb, out, err, display)
        self._numbers = {cell.id: n for n, cell in enumerate(nb.notebook.cells, start=1)}

    def _emit(self, cell_id: str, **fields: str) -> None:
        record = {"cell": self._numbers.get(cell_id), "line": self._nb.code_line(cell_id), **fields}
        self._out.write(json.dumps(record) + "\n")
        self._out.flush()

    def stream(self, cell_id: str, name: str, text: str) -> None:
        self._emit(cell_id, stream=name, text=text)

    def output(self, cell_id: str, value: object) -> None:
        self._emit(cell_id, result=self._display.text(value))

    def error(self, cell_id: str, error: CellError) -> None:
        self.failed.append(cell_id)
        self._emit(cell_id, error=self._message(error), traceback=error.traceback or "")


def run(args: argparse.Namespace) -> int:
    """Run the notebook in its own environment (or here, see the module doc); 1 if any cell failed."""
    if not getattr(args, "checked_trust", False):  # never runs nor builds an untrusted notebook
        from reflow_desktop.trust.cli import refusal

        refused = refusal(args.notebook, trust=getattr(args, "trust", False), command="script")
        if refused is not None:
            print(refused, file=sys.stderr)
            return 1
    if getattr(args, "current_python", False) or _in_reflow_environment() or not _environments_enabled():
        return run_here(args)
    return run_in_environment(args)


def run_here(args: argparse.Namespace) -> int:
    """Run every code cell once in execution order in this interpreter; 1 if any cell failed."""
    from reflow.notebook.metadata import reflow_config, shared_privates
    from reflow.notebook.sql_cells import runnable_source
    from reflow.runtime import Runtime

    nb = load_or_report(args.notebook)
    if nb is None:
        return 1
    namespace: dict[str, object] = {"__name__": "__main__", "__file__": os.path.abspath(args.notebook)}
    display = headless_display(namespace)
    sink = (JsonScriptSink if getattr(args, "json", False) else ScriptSink)(nb, sys.stdout, sys.stderr, display)
    strict = reflow_config(nb.notebook).get("strict") is True
    shared = shared_privates(nb.notebook)  # [tool.reflow] underscore_names = "shared"
    runtime = Runtime(sink, namespace=namespace, mode="auto", strict=strict, shared_privates=shared)
    all_ids = [c.id for c in nb.notebook.cells]
    runtime.cell_numbers.use(lambda: all_ids)  # messages say "cell 3" like the editor, markdown included
    code = [(c.id, runnable_source(c.source, c.options)) for c in nb.notebook.cells if c.kind == "code"]  # SQL: duckdb
    runtime.set_cells(code)
    # the user's choice (-B, PYTHONDONTWRITEBYTECODE) for the notebook's imports: `reflow` itself turned
    # bytecode writing on for its own modules (cli.main)
    sys.dont_write_bytecode = bool(sys.flags.dont_write_bytecode)
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.notebook)))
    with display.active():
        runtime.run_all()
    return 1 if sink.failed else 0


def run_in_environment(args: argparse.Namespace) -> int:
    """Build or reuse the notebook's environment, then run this module there (uv's progress on stderr)."""
    from reflow.notebook import NotebookFormatError
    from reflow_desktop.envs import EnvError, ensure_environment

    if load_or_report(args.notebook) is None:  # a bad file fails before any environment work
        return 1
    path = Path(args.notebook)
    try:
        env = ensure_environment(path, progress=lambda line: print(line, file=sys.stderr, flush=True))
    except NotebookFormatError as exc:
        print(f"{path}:{getattr(exc, 'lineno', None) or 1}: error: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1
    except EnvError as exc:
        print(f"{path}: error: the notebook's environment could not be built: {exc}", file=sys.stderr)
        uv_output = getattr(exc, "uv_output", None)
        if uv_output:
            print(str(uv_output).rstrip("\n"), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="reflow-script-") as tmp:
        code_path = _child_code_path(Path(tmp))
        if code_path is None:
            print(
                f"{path}: error: this build of Reflow cannot run notebooks in their own environment; "
                "use --current-python",
                file=sys.stderr,
            )
            return 1
        command = [str(env.python), "-m", "reflow_desktop.commands.script", "--current-python", "--checked-trust"]
        command.append(str(path))
        if getattr(args, "json", False):
            command.insert(-1, "--json")
        return subprocess.run(command, env=_child_environment(code_path), check=False).returncode


def _child_code_path(tmp: Path) -> Path | None:
    """A directory holding only ``reflow_desktop`` (its command modules), to put on the child's PYTHONPATH.

    A checkout's ``desktop/`` holds nothing else; an installed app's package sits
    in site-packages beside the app's own dependencies, which must not leak into
    the notebook's environment, so its command modules are copied apart.
    None in a frozen app, which ships no source files.
    """
    from reflow_desktop import resources

    package = resources.PACKAGE_DIR
    if resources.is_checkout() and not resources.is_frozen():
        return package.parent
    commands = package / "commands"
    if not (commands / "script.py").is_file():
        return None
    copy = tmp / "reflow_desktop"
    shutil.copytree(commands, copy / "commands", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(package / "__init__.py", copy / "__init__.py")
    return tmp


def _child_environment(code_path: Path) -> dict[str, str]:
    """This process's environment with the engine and the command modules first on PYTHONPATH."""
    from reflow_desktop.resources import engine_dir

    env = dict(os.environ)
    paths = [str(engine_dir()), str(code_path), *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop("VIRTUAL_ENV", None)  # the child's interpreter is the environment; uv-style activation would mislead
    return env


def _in_reflow_environment() -> bool:
    """True when this interpreter is a Reflow notebook environment (a tool already chose it)."""
    return (Path(sys.prefix) / ENV_MARKER).is_file()


def _environments_enabled() -> bool:
    from reflow_desktop.envs import enabled

    return enabled()


def main(argv: list[str] | None = None) -> int:
    """``python -m reflow_desktop.commands.script``: how the command runs itself inside an environment."""
    parser = argparse.ArgumentParser(prog="reflow script")
    _add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
