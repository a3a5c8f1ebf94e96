"""The desktop shell: pywebview (Qt backend) windows around the local server's UI.

Qt-free logic (IPC protocol, page commands, welcome page HTML) lives in its own
modules so it can be tested without a display; the Qt wrappers stay thin.
"""
