"""The hostile-sidecar attack (issue 15, item 2) in the real desktop window (Qt WebEngine).

Run as a script, this file is the app side: ``python test_shell_output_sandbox.py OUTDIR NB``
opens NB in the real app (see shell_driver.py) and reports what the page did with the
stored ``<img onerror>`` output to OUTDIR/result.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def scenario_stored_output(d: object) -> None:
    """Wait until the attack worked (marker, or the page's flag) or the output sits in its frame."""
    from shell_driver import Driver

    assert isinstance(d, Driver)
    app = d.app
    marker = Path(os.environ["REFLOW_TEST_MARKER"])
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    probe = """(function(){
      var f = document.querySelector('.output-html iframe');
      return JSON.stringify({
        attack: window.__attack_done === undefined ? null : String(window.__attack_done),
        frame: !!f, sized: !!(f && f.dataset.sized), sandbox: f ? f.getAttribute('sandbox') : null,
        reachable: !!(f && f.contentDocument), shown: document.body.innerText.indexOf('stored report') >= 0});})()"""
    state = d.wait(
        lambda: (
            (s := json.loads(d.js(win, probe) or "{}"))
            and (s.get("attack") or s.get("sized") or s.get("shown") or marker.exists())
            and s
        ),
        timeout=90,
        what="the attack or the framed output",
    )
    if state.get("attack") == "open":  # it got in: give the hidden cell its time to show it ran
        d.wait(marker.exists, timeout=60, what="hidden cell run by the attack")
    d.step("probed", state=state, marker=marker.exists())
    d.gui(app.quit)


def main() -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import shell_driver

    shell_driver.SCENARIOS["stored_output"] = scenario_stored_output
    sys.argv = [sys.argv[0], "stored_output", *sys.argv[1:]]
    return shell_driver.main()


@pytest.mark.qt
def test_stored_html_output_cannot_run_cells_in_the_desktop_window(tmp_path: Path) -> None:
    pytest.importorskip("webview")
    pytest.importorskip("qtpy")
    from tests.e2e.test_e2e_output_sandbox import notebook_text, write_hostile_sidecar

    marker = tmp_path / "PWNED"
    nb = tmp_path / "nbs" / "nb.py"
    nb.parent.mkdir()
    nb.write_text(notebook_text(marker), encoding="utf-8")
    write_hostile_sidecar(nb)
    env = dict(os.environ, REFLOW_DATA_DIR=str(tmp_path / "data"), REFLOW_CONFIG_DIR=str(tmp_path / "config"))
    env["REFLOW_TEST_MARKER"] = str(marker)
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, __file__, str(out), str(nb)], env=env, capture_output=True, text=True, timeout=240
    )
    result_file = out / "result.json"
    assert result_file.exists(), proc.stderr[-3000:]
    result = json.loads(result_file.read_text())
    assert "error" not in result, result["error"] + "\n" + proc.stderr[-2000:]
    state = result["state"]
    assert state["attack"] is None and not result["marker"] and not marker.exists(), state
    assert state["frame"] and state["sandbox"] == "allow-scripts" and not state["reachable"], state
    assert state["shown"] is False  # the stored report is inside the frame, not in the app page


if __name__ == "__main__":
    sys.exit(main())
