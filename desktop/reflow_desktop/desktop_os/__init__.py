"""What the app asks of the operating system itself: run-finished notifications and keep-awake.

No Qt and no session here (the shell's ``run_alerts`` ties them to windows): each module picks
the platform's own mechanism -- the freedesktop D-Bus interfaces on Linux, ``ctypes`` into the
system libraries on Windows and macOS -- behind a small interface, with a pure function that says
which one applies (unit-tested for every platform; the Linux paths run against a real bus).
"""
