"""Masking secret values in messages (kernel side, exports)."""

from __future__ import annotations

from reflow.secret_mask import MASK, NAMES_VARIABLE, SecretMask, from_environment


def test_every_string_of_a_message_is_masked_keys_too() -> None:
    mask = SecretMask(["s3cr3t-value"])
    msg = {
        "type": "cell_output",
        "output": {
            "kind": "data",
            "data": {
                "text/plain": "'s3cr3t-value'",
                "text/html": "<b>s3cr3t-value</b>",
                "application/json": {"s3cr3t-value": ["x s3cr3t-value y", 3, None]},
            },
        },
    }
    out = mask.message(msg)
    assert "s3cr3t-value" not in repr(out)
    assert out["output"]["data"]["text/html"] == f"<b>{MASK}</b>"
    assert out["output"]["data"]["application/json"] == {MASK: [f"x {MASK} y", 3, None]}
    assert "s3cr3t-value" in repr(msg)  # the original is not changed


def test_longer_values_are_masked_first_and_short_ones_not_at_all() -> None:
    mask = SecretMask(["abcd", "abcdefgh", "ab"])
    assert mask.text("abcdefgh abcd ab") == f"{MASK} {MASK} ab"


def test_base64_images_are_left_alone() -> None:
    mask = SecretMask(["AAAA"])
    msg = {"data": {"image/png": "AAAABBBB", "text/plain": "AAAA"}}
    assert mask.message(msg) == {"data": {"image/png": "AAAABBBB", "text/plain": MASK}}


def test_no_secrets_is_the_identity() -> None:
    msg = {"a": ["b"]}
    assert SecretMask().message(msg) is msg
    assert not SecretMask()


def test_from_environment_reads_the_named_variables_only() -> None:
    env = {NAMES_VARIABLE: "A_KEY,B_KEY,MISSING", "A_KEY": "value-a-1", "B_KEY": "value-b-2", "OTHER": "other-3"}
    mask = from_environment(env)
    assert mask.text("value-a-1 value-b-2 other-3") == f"{MASK} {MASK} other-3"
    assert not from_environment({})
