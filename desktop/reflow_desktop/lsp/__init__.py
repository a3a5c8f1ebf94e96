"""A Python language server over the whole notebook (issue 19): diagnostics, hover, go to definition...

The server sees one virtual document made of the notebook's Python cells in execution order
(``virtual_doc``), so a name defined in one cell and read in another resolves; positions go back to
cells through the same map. Which server and why: ``server_choice``. One server per session,
started lazily: ``notebook_server.NotebookLanguageServer``; the session's hook: ``in_session``.
"""
