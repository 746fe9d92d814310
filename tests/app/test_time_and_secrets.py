"""Local times across DST, and secrets that never leave the keyring."""

from __future__ import annotations

from datetime import UTC, datetime

import keyring
import pytest
from keyring.backends import fail

from app.errors import CredentialsError, ValidationError
from app.secrets import CredentialStore, ensure_usable
from app.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    format_local,
    local_to_utc,
    parse_local,
)


def test_plain_local_time_is_stored_as_utc() -> None:
    assert local_to_utc(parse_local("2027-01-18 09:00"), "Europe/Madrid") == datetime(
        2027, 1, 18, 8, 0, tzinfo=UTC
    )
    assert local_to_utc(parse_local("2027-07-18 09:00"), "Europe/Madrid") == datetime(
        2027, 7, 18, 7, 0, tzinfo=UTC
    )


def test_skipped_time_offers_next_valid() -> None:
    with pytest.raises(NonexistentTimeError) as info:
        local_to_utc(parse_local("2027-03-28 02:30"), "Europe/Madrid")
    assert info.value.next_valid == datetime(2027, 3, 28, 3, 0)
    assert "03:00" in str(info.value)


def test_repeated_time_asks_which() -> None:
    with pytest.raises(AmbiguousTimeError) as info:
        local_to_utc(parse_local("2027-10-31 02:30"), "Europe/Madrid")
    first, second = info.value.options
    assert (first.utcoffset(), second.utcoffset()) != (None, None)
    assert local_to_utc(parse_local("2027-10-31 02:30"), "Europe/Madrid", 0) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )
    assert local_to_utc(parse_local("2027-10-31 02:30"), "Europe/Madrid", 1) == datetime(
        2027, 10, 31, 1, 30, tzinfo=UTC
    )


def test_bad_input_messages() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD HH:MM"):
        parse_local("18/01/2027 9:00")
    with pytest.raises(ValidationError, match="Unknown time zone"):
        local_to_utc(parse_local("2027-01-18 09:00"), "Europe/Valencia")


def test_format_local_round_trip() -> None:
    instant = local_to_utc(parse_local("2027-01-18 09:00"), "Europe/Madrid")
    assert format_local(instant, "Europe/Madrid") == "2027-01-18 09:00"


def test_no_keyring_is_a_clear_error_not_a_plaintext_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialsError, match="No system keyring"):
        CredentialStore().set("facebook:1", "secret")


def test_plaintext_backend_is_refused_unless_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backend import KeyringBackend

    class PlaintextKeyring(KeyringBackend):
        priority = 0.5  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("must not be used")

        def delete_password(self, service: str, username: str) -> None:
            return None

    keyring.set_keyring(PlaintextKeyring())
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    with pytest.raises(CredentialsError, match="plain file"):
        ensure_usable()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    ensure_usable()


def test_missing_secret_says_reconnect() -> None:
    with pytest.raises(CredentialsError, match="connect the account again"):
        CredentialStore().get("facebook:404")
