"""Import name → distribution name for the "install X" offer."""

from __future__ import annotations

import pytest

from reflow_desktop.envs.install_hints import distribution_for_import, install_suggestion, module_from_error


@pytest.mark.parametrize(
    "module, dist",
    [
        ("sklearn", "scikit-learn"),
        ("PIL", "pillow"),
        ("cv2", "opencv-python"),
        ("yaml", "pyyaml"),
        ("bs4", "beautifulsoup4"),
        ("skimage", "scikit-image"),
        ("dateutil", "python-dateutil"),
        ("attr", "attrs"),
        ("Crypto", "pycryptodome"),
        ("dotenv", "python-dotenv"),
        ("jwt", "PyJWT"),
        ("serial", "pyserial"),
        ("usb", "pyusb"),
        ("gi", "PyGObject"),
        ("OpenSSL", "pyOpenSSL"),
        ("google.protobuf", "protobuf"),
        ("google.protobuf.message", "protobuf"),
        ("docx", "python-docx"),
        ("pptx", "python-pptx"),
        ("magic", "python-magic"),
        ("zmq", "pyzmq"),
        ("sklearn.linear_model", "scikit-learn"),
    ],
)
def test_known_mismatches(module: str, dist: str) -> None:
    assert distribution_for_import(module) == dist


def test_unknown_names_are_normalised() -> None:
    assert distribution_for_import("numpy") == "numpy"
    assert distribution_for_import("Foo_Bar.baz") == "foo-bar"


def test_stdlib_and_private_modules_get_no_offer() -> None:
    assert distribution_for_import("json") is None
    assert distribution_for_import("os.path") is None
    assert distribution_for_import("_private") is None
    assert distribution_for_import("") is None


def test_from_error_text() -> None:
    assert module_from_error("No module named 'sklearn.svm'") == "sklearn.svm"
    assert install_suggestion("ModuleNotFoundError: No module named 'PIL'") == "pillow"
    assert install_suggestion("NameError: name 'x' is not defined") is None
