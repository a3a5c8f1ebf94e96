"""The desktop app's Chromium switches: added to the user's own, never replacing or repeating them."""

from __future__ import annotations

from reflow_desktop.shell import chromium_flags
from reflow_desktop.shell.chromium_flags import ENV, add_to_environment, with_ours


def test_an_empty_environment_gets_the_switch() -> None:
    env: dict[str, str] = {}
    add_to_environment(env)
    assert env[ENV] == "--disable-features=DeferRendererTasksAfterInput"


def test_the_users_flags_stay_and_their_disabled_features_are_joined_not_replaced() -> None:
    flags = with_ours("--log-level=3 --disable-features=Translate,MediaRouter --foo")
    assert flags.split() == [
        "--log-level=3",
        "--disable-features=Translate,MediaRouter,DeferRendererTasksAfterInput",
        "--foo",
    ]


def test_adding_twice_changes_nothing() -> None:
    env = {ENV: "--disable-features=DeferRendererTasksAfterInput --bar"}
    add_to_environment(env)
    add_to_environment(env)
    assert env[ENV] == "--disable-features=DeferRendererTasksAfterInput --bar"


def test_the_app_prepares_qt_with_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from reflow_desktop.shell.app import prepare_environment

    monkeypatch.setenv(ENV, "--log-level=3")
    prepare_environment()
    import os

    assert os.environ[ENV].split() == ["--log-level=3", *chromium_flags.switches()]
