"""`reflow check` coded rules: every code documented, every rule triggered, `--fix`, `--format json`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reflow_desktop.cli import main
from reflow_desktop.commands.check_rules import RULES, unused_privates

ROOT = Path(__file__).resolve().parents[3]

# One notebook per rule that triggers it (and the line it must point at).
TRIGGERS: dict[str, tuple[str, int]] = {
    "RF000": ("# /// script\n# dependencies = [\n# ///\n\n# %%\nx = 1\n", 1),
    "RF001": ("# %%\nx = 1\n\n# %%\ny = (\n", 5),
    "RF002": ("# /// script\n# [tool.reflow]\n# strict = true\n# ///\n\n# %%\nx = 1\n\n# %%\nx = 2\n", 7),
    "RF003": ("# %%\na = b\n\n# %%\nb = a\n", 5),
    "RF004": ("# %%\ny = x + 1\n\n# %%\nx = 1\n", 2),
    "RF005": ("# %%\n_tmp = 3\nx = 1\n", 2),
    "RF006": ("# %%\nprint(x)\n\n# %%\nx = 1\n\n# %%\nx = 2\n", 2),
    "RF007": ('# %% [sql] name="not a name"\n# SELECT 1\n', 1),
}


def json_report(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, *args: str) -> tuple[int, dict]:
    nb = tmp_path / "nb.py"
    nb.write_text(text)
    code = main(["check", "--format", "json", *args, str(nb)])
    return code, json.loads(capsys.readouterr().out)


def test_every_code_is_documented_with_its_severity():
    doc = (ROOT / "docs" / "check.md").read_text()
    rows = dict(re.findall(r"^\| (RF\d{3}) \| (error|warning) \|", doc, flags=re.M))
    assert rows == {code: severity for code, (severity, _) in RULES.items()}


def test_every_rule_has_a_trigger_here():
    assert set(TRIGGERS) == set(RULES)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_is_triggered_with_its_line(code, tmp_path, capsys):
    text, line = TRIGGERS[code]
    status, report = json_report(capsys, tmp_path, text)
    found = [p for p in report["problems"] if p["code"] == code]
    assert found, report
    assert found[0]["line"] == line
    assert found[0]["severity"] == RULES[code][0]
    assert status == (1 if RULES[code][0] == "error" else 0)


def test_text_format_ends_each_problem_with_its_code(tmp_path, capsys):
    nb = tmp_path / "nb.py"
    nb.write_text(TRIGGERS["RF005"][0])
    assert main(["check", str(nb)]) == 0  # warnings alone pass
    out = capsys.readouterr().out
    assert (
        out
        == f"{nb}:2: warning: private name '_tmp' is bound and never used in its cell (`--fix` removes it) [RF005]\n"
    )


def test_fix_sorts_cells_and_removes_a_safe_unused_private(tmp_path, capsys):
    text = "# %%\ny = x + 1  # keep   spacing\n_unused = [1, 'a']\n\n# %% [markdown]\n# About x\n\n# %%\nx = 1\n"
    status, report = json_report(capsys, tmp_path, text, "--fix")
    assert status == 0
    assert report["problems"] == []
    assert [line.rsplit(" ", 1)[-1] for line in report["fixed"]] == ["[RF005]", "[RF004]"]
    fixed = (tmp_path / "nb.py").read_text()
    assert fixed == "# %% [markdown]\n# About x\n\n# %%\nx = 1\n\n# %%\ny = x + 1  # keep   spacing\n"


def test_fix_leaves_unsafe_unused_privates_and_clean_files_alone(tmp_path, capsys):
    text = "# %%\nimport os as _os\n_r = compute()\nclass _C:\n    pass\nfor _i in range(3):\n    pass\n"
    status, report = json_report(capsys, tmp_path, text, "--fix")
    assert status == 0 and report["fixed"] == []
    assert (tmp_path / "nb.py").read_text() == text  # byte for byte
    assert sorted(p["message"].split("'")[1] for p in report["problems"]) == ["_C", "_os", "_r"]
    assert not any(p["fixable"] for p in report["problems"])


def test_fix_does_not_sort_a_cycle(tmp_path, capsys):
    text = TRIGGERS["RF003"][0]
    status, report = json_report(capsys, tmp_path, text, "--fix")
    assert status == 1 and report["fixed"] == []
    assert (tmp_path / "nb.py").read_text() == text


def test_shared_underscore_names_are_not_unused_privates(tmp_path, capsys):
    text = '# /// script\n# [tool.reflow]\n# underscore_names = "shared"\n# ///\n\n# %%\n_tmp = 3\n'
    status, report = json_report(capsys, tmp_path, text, "--fix")
    assert (status, report["problems"], report["fixed"]) == (0, [], [])


def test_unused_privates_counts_uses_inside_functions_and_semicolon_lines():
    found = unused_privates("_a = 1\n_b = 2\ndef f():\n    return _a\n_c = 3; x = 4\n")
    assert [(u.name, u.removable) for u in found] == [("_b", (2, 2)), ("_c", None)]


def test_sql_cell_reading_a_later_frame_is_out_of_order(tmp_path, capsys):
    text = '# %% [sql] name="out"\n# SELECT * FROM df\n\n# %%\nimport pandas as pd\ndf = pd.DataFrame()\n'
    status, report = json_report(capsys, tmp_path, text)
    assert status == 1
    assert [(p["code"], p["line"]) for p in report["problems"]] == [("RF004", 2)]


def test_several_files_one_unreadable_in_json(tmp_path, capsys):
    good = tmp_path / "good.py"
    good.write_text("# %%\nx = 1\n")
    code = main(["check", "--format", "json", str(good), str(tmp_path / "missing.py")])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(p["path"], p["code"]) for p in report["problems"]] == [(str(tmp_path / "missing.py"), "RF000")]
