"""Drop data in (issue 20 item 5): a data file dropped on a notebook window becomes a loader cell.

``loader`` turns a dropped path into the cell's code (pure: checks, names, path literal, reader);
``insert`` puts that cell into a session, adds the reader's packages and runs it; ``watch`` re-runs a
loader (``watch=true`` on its marker line) when its file changes on disk. The Qt window's part is
``reflow_desktop.shell.drop_data``. docs/drop-data.md says what is supported and why.
"""

from __future__ import annotations

from reflow_desktop.dropdata.loader import DropRefused, Loader, loader_for

__all__ = ["DropRefused", "Loader", "loader_for"]
