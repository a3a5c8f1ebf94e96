"""Run-finished notifications and keep-awake in the real desktop app (issue 20 items 3 and 7).

The app (Qt offscreen, and on a real X server: Xvfb; a real kernel) runs on a private D-Bus session bus;
tests/os_bus.py's listener owns org.freedesktop.Notifications and org.freedesktop.ScreenSaver there and
records what the app asks.
A cell runs past the notify_after setting while another window is active: Notify names the cell and the
time, Inhibit is held while it runs and handed back after; the listener's ActionInvoked (a click) raises
the notebook window and the page selects the cell and scrolls to it. With the window in front no
notification; a quick run is never held awake; a window closed mid-run lets the keep-awake go.
Driver: run_alerts_driver.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from os_bus import private_bus  # type: ignore[import-not-found]  # tests/ is on pytest's path
from qt.shell_run import app_env, window_system  # type: ignore[import-not-found]

pytest.importorskip("webview")
pytest.importorskip("qtpy")
pytest.importorskip("jeepney")

pytestmark = pytest.mark.qt

DRIVER = Path(__file__).with_name("run_alerts_driver.py")
FILLERS = "\n".join(f"# %%\nfiller_{i} = {i}\n" for i in range(40))  # the long cell starts out of view
NOTEBOOK = f"""\
# /// script
# requires-python = ">=3.11"
# ///

# %%
import time

print("ready")

{FILLERS}
# %%
time.sleep(0)
"""


@pytest.mark.parametrize("platform", ["offscreen", "xvfb"])
def test_a_long_run_in_the_background_is_announced_and_the_click_shows_its_cell(tmp_path: Path, platform: str) -> None:
    nb = tmp_path / "long.py"
    nb.write_text(NOTEBOOK)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"version": 1, "notify_after": 5}))
    out = tmp_path / "out-long_run"
    with private_bus(tmp_path / "bus") as listener, window_system(platform, tmp_path) as display:
        env = app_env(
            tmp_path, REFLOW_ENVIRONMENTS="0", REFLOW_TEST_BUS_NAMES=" ".join(listener.owns), **listener.env, **display
        )
        proc = subprocess.run(
            [sys.executable, str(DRIVER), "long_run", str(out), str(nb)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        result_file = out / "result.json"
        assert result_file.exists(), f"exit {proc.returncode}\n" + proc.stderr[-3000:]
        result = json.loads(result_file.read_text())
        assert "error" not in result, result["error"] + "\n" + proc.stderr[-2000:]
        after_exit = {m: listener.calls(m) for m in ("Notify", "Inhibit", "UnInhibit")}
    assert result["steps"][-1] in ("stopping", "closed") and proc.returncode == 0, proc.stderr[-3000:]
    assert result["thread_violations"] == []
    assert (result["notifier"], result["keep_awake"]) == ("freedesktop", "screensaver")
    # before: another window active, the long cell not selected and below the fold
    long_id = result["long_id"]
    assert result["before"]["decisions"] == [[result["first_id"], "short"]]  # the open's run: quick, one run
    assert result["before"]["view"] == "out of view" and result["before"]["selected"] != long_id
    # the keep-awake: asked while the long cell ran, its cookie handed back after
    assert result["inhibit"]["args"] == ["Reflow", "Running notebook cells"]
    assert result["held_while"] == "running"
    assert result["uninhibit"]["args"] == [result["inhibit"]["cookie"]]
    # the notification: the notebook, the outcome and time, the cell's number and first line, a click action
    _app, _replaces, _icon, summary, body, actions, _hints, _timeout = result["notify"]["args"]
    assert summary == "long.py: run finished in 6 s"
    assert body == "cell 42: time.sleep(6.0)"
    assert actions[0] == "default"
    # the click: the notebook window in front, the cell selected and in view
    assert result["selected"] == long_id
    assert result["other_active"] is False
    # in front: no notification; the quick run neither announced nor held awake
    assert result["decisions"][1:] == [[long_id, "notified"], [long_id, "window active"], [long_id, "short"]]
    assert (result["notifies"], result["inhibits"]) == (1, 2)
    # closed during a third long run (Stop and Close): its cookie handed back too; nothing left held at exit
    assert {m: len(calls) for m, calls in after_exit.items()} == {"Notify": 1, "Inhibit": 3, "UnInhibit": 3}
    assert [c["args"][0] for c in after_exit["UnInhibit"]] == [c["cookie"] for c in after_exit["Inhibit"]]
