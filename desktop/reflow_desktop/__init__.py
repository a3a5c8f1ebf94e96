"""Reflow's app process: CLI, local server, sessions, environments, Qt shell."""

__version__ = "0.1.0"
