"""Where a kernel runs (remote/place.py) and the places used lately (remote/recent_places.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reflow_desktop.remote.place import (
    GATEWAY_PROVISIONER,
    LOCAL,
    SSH_PROVISIONER,
    Gateway,
    PlaceError,
    SshHost,
    parse_place,
    provisioner_stanza,
)
from reflow_desktop.remote.recent_places import MAX_PLACES, notebook_place, recent_places, remember_place
from reflow_desktop.session.kernel import kernel_spec


def test_places_round_trip_through_their_text() -> None:
    for place in (LOCAL, SshHost("gpu-box"), SshHost("me@10.0.0.7"), Gateway("https://hub.example/user/me")):
        assert parse_place(place.text()) == place
    assert parse_place("") == LOCAL and parse_place(" local ") == LOCAL
    assert (
        SshHost("gpu-box").label() == "on gpu-box" and Gateway("http://127.0.0.1:8888").label() == "on 127.0.0.1:8888"
    )


@pytest.mark.parametrize(
    "text",
    [
        "ssh:",
        "ssh:-oProxyCommand=touch /tmp/x",
        "ssh:a b",
        "ssh:a;b",
        "gateway:file:///etc/passwd",
        "gateway:",
        "x:y",
        "gpu-box",
        3,
        None,
    ],
)
def test_a_place_that_could_become_an_option_or_a_non_web_url_is_refused(text: object) -> None:
    with pytest.raises(PlaceError):
        parse_place(text)


def test_the_kernelspec_names_the_provisioner_of_a_remote_place() -> None:
    assert "kernel_provisioner" not in kernel_spec("python").metadata
    ssh = kernel_spec("python", SshHost("gpu-box"), "/nb/nb.py").metadata["kernel_provisioner"]
    assert ssh == {"provisioner_name": SSH_PROVISIONER, "config": {"host": "gpu-box", "notebook": "/nb/nb.py"}}
    gateway = provisioner_stanza(Gateway("http://127.0.0.1:8888"))
    assert gateway == {"provisioner_name": GATEWAY_PROVISIONER, "config": {"url": "http://127.0.0.1:8888"}}


def test_the_provisioner_is_registered_with_jupyter_client() -> None:
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    from reflow_desktop.remote.ssh_provisioner import SshProvisioner

    factory = KernelProvisionerFactory.instance()
    assert factory.is_provisioner_available(kernel_spec("python", SshHost("h"), "/nb.py"))
    assert factory._get_provisioner(SSH_PROVISIONER).load() is SshProvisioner


def test_recent_places_most_recent_first_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "places.json"
    remember_place(SshHost("a"), path=path)
    remember_place(SshHost("b"), path=path)
    remember_place(LOCAL, path=path)  # always offered, never kept
    assert remember_place(SshHost("a"), path=path) == [SshHost("a"), SshHost("b")]
    for i in range(MAX_PLACES + 5):
        remember_place(SshHost(f"h{i}"), path=path)
    assert len(recent_places(path)) == MAX_PLACES


@pytest.mark.parametrize(
    "content", ["not json", '{"a": 1}', '["ssh:-oProxyCommand=x", 5, "ssh:ok", "ssh:ok", "local"]', "\x00\xff"]
)
def test_a_damaged_or_hostile_places_file_gives_only_its_valid_places(tmp_path: Path, content: str) -> None:
    path = tmp_path / "places.json"
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    expected = [SshHost("ok")] if "ssh:ok" in content else []
    assert recent_places(path) == expected
    assert remember_place(SshHost("new"), path=path)[0] == SshHost("new")  # and it can be written again


def test_a_notebook_keeps_its_place_until_moved_back(tmp_path: Path) -> None:
    path = tmp_path / "places.json"
    nb, other = tmp_path / "nb.py", tmp_path / "other.py"
    assert notebook_place(nb, path) == LOCAL
    remember_place(SshHost("gpu-box"), nb, path=path)
    assert notebook_place(nb, path) == SshHost("gpu-box") and notebook_place(other, path) == LOCAL
    remember_place(LOCAL, nb, path=path)
    assert notebook_place(nb, path) == LOCAL and recent_places(path) == [SshHost("gpu-box")]


def test_a_hostile_notebook_entry_runs_the_kernel_here(tmp_path: Path) -> None:
    path = tmp_path / "places.json"
    nb = tmp_path / "nb.py"
    path.write_text(json.dumps({"notebooks": {str(nb): "ssh:-oProxyCommand=x"}, "recent": "ssh:a"}))
    assert notebook_place(nb, path) == LOCAL and recent_places(path) == []
    path.write_text(json.dumps(["ssh:old"]))  # the first format, a plain list
    assert recent_places(path) == [SshHost("old")]
