"""Shared by the memory figures of the benchmarks: RSS / USS of a server and its child processes, by role.

The server's children are the kernel and, once a page has opened a notebook, the language server
(pylsp, issue 19): its ~40 MB arrive with its first request (jedi loads) and stay flat, so it is
reported on its own and not folded into "server + kernel".
(The runner skips files starting with "_": this is a helper, not a benchmark.)
"""

from __future__ import annotations

import psutil

MB = 2**20


def role(proc: psutil.Process) -> str:
    cmd = " ".join(proc.cmdline())
    if "reflow.kernel" in cmd or "reflow-kernel" in cmd:
        return "kernel"
    if "pylsp" in cmd or "language_server" in cmd:
        return "language server"
    return "other"


def memory_by_role(pid: int) -> dict[str, tuple[float, float]]:
    """{"server" | "kernel" | "language server" | "other": (RSS MB, USS MB)} of ``pid`` and its descendants."""
    root = psutil.Process(pid)
    out: dict[str, tuple[float, float]] = {}
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
            name = "server" if proc.pid == pid else role(proc)
        except psutil.Error:
            continue
        rss, uss = out.get(name, (0.0, 0.0))
        out[name] = (rss + info.rss / MB, uss + info.uss / MB)
    return out


def server_and_kernel(figures: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """(RSS, USS) MB of the server plus its kernel (the issue's "server + kernel" figure)."""
    rss = sum(figures.get(k, (0.0, 0.0))[0] for k in ("server", "kernel"))
    uss = sum(figures.get(k, (0.0, 0.0))[1] for k in ("server", "kernel"))
    return rss, uss


def describe(figures: dict[str, tuple[float, float]]) -> str:
    """One line: server + kernel, then each process's RSS / USS."""
    rss, uss = server_and_kernel(figures)
    parts = [f"{k} {v[0]:.1f} / {v[1]:.1f}" for k, v in sorted(figures.items(), key=lambda kv: ORDER.get(kv[0], 9))]
    return f"server + kernel {rss:6.1f} / {uss:6.1f} MB  ({', '.join(parts)})"


ORDER = {"server": 0, "kernel": 1, "language server": 2, "other": 3}
