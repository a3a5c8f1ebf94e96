"""Settings: defaults, round trip, validation, and never crashing on a bad file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from reflow_desktop.settings import CHOICES, Settings, config_dir, load_settings, save_settings


def test_defaults_when_missing(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "nope.json")
    assert s == Settings()
    assert (s.theme, s.runtime_mode, s.output_position, s.keymap) == ("system", "auto", "below", "default")


def test_round_trip_including_vim(tmp_path: Path) -> None:
    p = tmp_path / "cfg" / "settings.json"
    s = Settings().updated(theme="dark", keymap="vim", runtime_mode="lazy", output_position="above")
    save_settings(s, p)
    assert load_settings(p) == s
    assert json.loads(p.read_text())["keymap"] == "vim"


def test_updated_validates() -> None:
    with pytest.raises(ValueError, match="keymap"):
        Settings().updated(keymap="nano")
    with pytest.raises(ValueError, match="unknown"):
        Settings().updated(colour="red")


@pytest.mark.parametrize("content", ["{oops", "[]", "null", '"dark"', ""])
def test_corrupt_file_gives_defaults_with_warning(tmp_path: Path, content: str,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    p = tmp_path / "settings.json"
    p.write_text(content)
    with caplog.at_level(logging.WARNING):
        assert load_settings(p) == Settings()
    assert caplog.records


def test_undecodable_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    p = tmp_path / "settings.json"
    p.write_bytes(b"\xff\xfe\x00junk")
    with caplog.at_level(logging.WARNING):
        assert load_settings(p) == Settings()


def test_unknown_keys_and_bad_values_dropped_rest_kept(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    p = tmp_path / "settings.json"
    p.write_text(json.dumps({"version": 7, "theme": "dark", "keymap": 3, "future": True}))
    with caplog.at_level(logging.WARNING):
        s = load_settings(p)
    assert s.theme == "dark" and s.keymap == "default"
    assert "future" in caplog.text and "keymap" in caplog.text


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_every_default_is_first_choice() -> None:
    d = Settings().to_dict()
    assert {k: v[0] for k, v in CHOICES.items()} == d


def test_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path))
    assert config_dir() == tmp_path
    save_settings(Settings(theme="light"))
    assert load_settings().theme == "light"


def test_each_setting_is_declared_once_with_its_choices_and_description() -> None:
    """Settings' fields are the declarations; CHOICES and the UI's generated SETTINGS derive from them."""
    from reflow_desktop.settings import DECLARATIONS

    assert [d.name for d in DECLARATIONS] == list(Settings().to_dict())
    for d in DECLARATIONS:
        assert d.description, d.name
        assert d.choices[0] == d.default == getattr(Settings(), d.name)
        assert len(set(d.choices)) == len(d.choices)
        assert CHOICES[d.name] == d.choices
    assert set(CHOICES["font_size"]) == {11, 12, 13, 14, 15, 16, 18, 20}


@pytest.mark.parametrize(("key", "value"), [("font_size", True), ("font_size", "13"), ("theme", None)])
def test_values_outside_the_declared_choices_are_refused(key: str, value: object) -> None:
    with pytest.raises(ValueError, match=key):
        Settings().updated(**{key: value})
